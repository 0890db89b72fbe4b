//! The roles of typed media items (the ark dialect's `content[]`): a role
//! the type cannot carry, missing or lonely roles (REQ023), roles of two
//! modes (REQ017, for the `prompt` unit) and counts per role and of all
//! references (REQ012, REQ013, for the `media-counts` unit).

use super::common::article;
use super::items::{items, Item};
use super::{did_you_mean, Ctx};
use crate::finding::{Code, Finding, Limit, Unit};
use crate::spec::{join_or, Mode};

/// REQ023: a role the item's type cannot carry, several items of a type
/// that needs roles written without one, a role without the role it needs.
#[expect(clippy::too_many_lines, reason = "predates the lint")]
pub(super) fn roles(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some((spec, items)) = items(ctx) else {
        return;
    };
    for it in &items {
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

/// REQ017 (case `roles`): roles of two modes in one request.
pub(super) fn mixed_roles(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(spec) = &ctx.spec.items else { return };
    let mode_of = |role: &str| {
        spec.modes
            .iter()
            .find(|m| m.roles.iter().any(|r| r == role))
    };
    let mut first: Option<(&crate::spec::ItemMode, &crate::request::AssetRef)> = None;
    for a in &ctx.req.assets {
        let Some(m) = a.role.as_deref().and_then(mode_of) else {
            continue;
        };
        match first {
            None => first = Some((m, a)),
            Some((fm, fa)) if fm.name != m.name => {
                out.push(
                    Finding::new(
                        Code::REQ017,
                        format!(
                            "`{}` is a `{}` ({} mode), but `{}` is a `{}` ({} mode); the modes are mutually exclusive",
                            a.pointer,
                            a.slot(),
                            m.name,
                            fa.pointer,
                            fa.slot(),
                            fm.name
                        ),
                    )
                    .case("roles")
                    .at(&a.pointer, a.offset)
                    .asset(a.position)
                    .help(format!(
                        "send the {} items ({}) and the {} items ({}) in two requests",
                        fm.name,
                        fm.roles.join(", "),
                        m.name,
                        m.roles.join(", ")
                    )),
                );
                return;
            }
            Some(_) => {}
        }
    }
}

/// REQ012 and REQ013 per role: a role the model does not take, more of a
/// role than it takes, more than one text item, and the references in all.
#[expect(clippy::too_many_lines, reason = "predates the lint")]
pub(super) fn counts(ctx: &Ctx, out: &mut Vec<Finding>) {
    let (Some(model), Some((spec, items))) = (ctx.model, items(ctx)) else {
        return;
    };
    let texts: Vec<&Item> = items
        .iter()
        .filter(|i| i.ty.is_some() && i.ty == spec.text_type.as_deref())
        .collect();
    if let (Some(second), Some(tt)) = (texts.get(1), &spec.text_type) {
        out.push(
            Finding::new(
                Code::REQ013,
                format!(
                    "`{}` holds {} `{tt}` items; the prompt is one `{tt}` item",
                    spec.array,
                    texts.len()
                ),
            )
            .at_node(&second.pointer, second.node)
            .measured(texts.len() as u64, Unit::Count)
            .limit(Limit::max(1u64, Unit::Count))
            .help(format!("join the texts into one `{tt}` item")),
        );
    }
    let mut roles: Vec<&str> = ctx
        .req
        .assets
        .iter()
        .filter_map(|a| a.role.as_deref())
        .collect();
    roles.sort_unstable();
    roles.dedup();
    for role in roles {
        let of_role: Vec<_> = ctx
            .req
            .assets
            .iter()
            .filter(|a| a.role.as_deref() == Some(role))
            .collect();
        let n = of_role.len();
        let first = of_role[0];
        match model.media_range(role) {
            None => out.push(
                Finding::new(
                    Code::REQ012,
                    format!(
                        "`{}` takes no `{role}` input, but the request holds {n}",
                        model.id
                    ),
                )
                .at(&first.pointer, first.offset)
                .asset(first.position)
                .help(format!(
                    "remove the `{role}` item{}",
                    if n == 1 { "" } else { "s" }
                )),
            ),
            Some(r) if n > r.max => {
                let extra = of_role[r.max];
                out.push(
                    Finding::new(
                        Code::REQ013,
                        format!(
                            "the request holds {n} `{role}` items; `{}` takes at most {}",
                            model.id, r.max
                        ),
                    )
                    .at(&extra.pointer, extra.offset)
                    .asset(extra.position)
                    .measured(n as u64, Unit::Count)
                    .limit(Limit::max(r.max as u64, Unit::Count))
                    .help(format!(
                        "keep at most {} `{role}` item{}",
                        r.max,
                        if r.max == 1 { "" } else { "s" }
                    )),
                );
            }
            Some(_) => {}
        }
    }
    let references: Vec<_> = ctx
        .req
        .assets
        .iter()
        .filter(|a| {
            a.role.as_deref().is_some_and(|r| {
                spec.modes
                    .iter()
                    .any(|m| m.mode == Mode::Reference && m.roles.iter().any(|x| x == r))
            })
        })
        .collect();
    let n = references.len();
    let over = |limit: Option<usize>| limit.filter(|l| n > *l);
    let (limit, case) = match (over(spec.references_max), over(spec.references_warn)) {
        (Some(max), _) => (max, None),
        (None, Some(warn)) => (warn, Some("references")),
        (None, None) => return,
    };
    let at = references[limit];
    let mut f = Finding::new(
        Code::REQ013,
        format!(
            "the request holds {n} references in all; {}",
            match case {
                None => format!("the service takes at most {limit}"),
                Some(_) => format!(
                    "several sources give {limit} as the most the service takes (others {})",
                    spec.references_max.map_or("more".into(), |m| m.to_string())
                ),
            }
        ),
    )
    .at(&at.pointer, at.offset)
    .asset(at.position)
    .measured(n as u64, Unit::Count)
    .limit(Limit::max(limit as u64, Unit::Count))
    .help(format!("keep at most {limit} reference items"));
    if let Some(c) = case {
        f = f.case(c);
    }
    out.push(f);
}
