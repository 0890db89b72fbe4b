//! The `roles` unit (REQ023): a role the typed item's type cannot carry,
//! missing or lonely roles (the ark dialect's `content[]`).

use super::common::article;
use super::items::{items, Item};
use super::{did_you_mean, Ctx};
use crate::finding::{Code, Finding, Limit, Unit};
use crate::spec::{join_or, ItemsSpec};

/// REQ023: a role the item's type cannot carry, several items of a type
/// that needs roles written without one, a role without the role it needs.
pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some((spec, items)) = items(ctx) else {
        return;
    };
    wrong_roles(spec, &items, out);
    missing_roles(spec, &items, out);
    unmet_requirements(ctx, spec, out);
}

/// A role the item's type cannot carry.
fn wrong_roles(spec: &ItemsSpec, items: &[Item], out: &mut Vec<Finding>) {
    for it in items {
        let Some(t) = it.ty.and_then(|ty| spec.types.get(ty)) else {
            continue;
        };
        let Some(m) = it.member(&spec.role_key) else {
            continue;
        };
        let role = m.node.value.as_str();
        if role.is_some_and(|r| t.roles.iter().any(|x| x == r)) {
            continue;
        }
        let pointer = format!("{}/{}", it.pointer, spec.role_key);
        let allowed = join_or(&t.roles.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>());
        let ty = it.ty.unwrap_or_default();
        let written = role.map_or_else(
            || m.node.value.type_name().to_string(),
            |r| format!("`{r}`"),
        );
        let owner = role.and_then(|r| {
            spec.types
                .iter()
                .find(|(_, o)| o.roles.iter().any(|x| x == r))
                .map(|(name, _)| name)
        });
        let help = match (
            owner,
            role.and_then(|r| did_you_mean(r, t.roles.iter().map(String::as_str))),
        ) {
            (Some(other), _) => format!(
                "`{}` is a role of `{other}` items; a `{ty}` item takes {allowed}",
                role.unwrap_or_default()
            ),
            (None, Some(near)) => format!("did you mean `{near}`?"),
            (None, None) => format!("use {allowed}"),
        };
        out.push(
            Finding::new(
                Code::REQ023,
                format!(
                    "the role {written} is not one {} `{ty}` item can carry ({allowed})",
                    article(ty)
                ),
            )
            .at_node(&pointer, &m.node)
            .measured(role.unwrap_or(m.node.value.type_name()), Unit::Value)
            .limit(Limit::one_of(t.roles.iter().cloned(), Unit::Value))
            .help(help),
        );
    }
}

/// Several items of a type that needs roles, written without one.
fn missing_roles(spec: &ItemsSpec, items: &[Item], out: &mut Vec<Finding>) {
    for (name, t) in spec
        .types
        .iter()
        .filter(|(_, t)| t.role_required_when_several)
    {
        let of_type: Vec<&Item> = items.iter().filter(|i| i.ty == Some(name)).collect();
        if of_type.len() < 2 {
            continue;
        }
        for it in of_type
            .iter()
            .filter(|i| i.member(&spec.role_key).is_none())
        {
            out.push(
                Finding::new(
                    Code::REQ023,
                    format!(
                        "`{}` has no `{}`, but the request holds {} `{name}` items: with more than one, each must carry a role",
                        it.pointer,
                        spec.role_key,
                        of_type.len()
                    ),
                )
                .case("missing")
                .at_node(&it.pointer, it.node)
                .help(format!(
                    "add \"{}\": one of {}",
                    spec.role_key,
                    join_or(&t.roles.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>())
                )),
            );
        }
    }
}

/// A role without the role it needs.
fn unmet_requirements(ctx: &Ctx, spec: &ItemsSpec, out: &mut Vec<Finding>) {
    for (role, needs) in &spec.requires {
        let has = |r: &str| ctx.req.assets.iter().any(|a| a.role.as_deref() == Some(r));
        if !has(role) || has(needs) {
            continue;
        }
        let Some(a) = ctx
            .req
            .assets
            .iter()
            .find(|a| a.role.as_deref() == Some(role))
        else {
            continue;
        };
        let array_pointer = ctx
            .req
            .node_at(&spec.array)
            .map_or_else(|| crate::json::child_pointer("", &spec.array), |(p, _)| p);
        let item_pointer = format!("{array_pointer}/{}", a.index);
        out.push(
            Finding::new(
                Code::REQ023,
                format!(
                    "the request has a `{role}` but no `{needs}`: a `{role}` needs a `{needs}`"
                ),
            )
            .case("requires")
            .at(item_pointer, a.offset)
            .asset(a.position)
            .help(format!(
                "add a `{needs}` item, or make this one the `{needs}`"
            )),
        );
    }
}
