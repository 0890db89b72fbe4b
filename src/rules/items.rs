//! Typed media items with roles (the ark dialect's `content[]`): each item's
//! shape and type, its role, the modes the roles make, and counts per role.
//! The functions here serve the units that own their codes: `types`
//! (REQ005), `unknown-field` (REQ004), `roles` (REQ023), `prompt` (REQ017)
//! and `media-counts` (REQ012, REQ013).

use super::{did_you_mean, Ctx};
use crate::finding::{Code, Finding, Limit, Unit};
use crate::json::{Member, Node, Value};
use crate::request::path;
use crate::spec::{join_or, ItemsSpec, Mode};

/// One element of the items array.
struct Item<'a> {
    pointer: String,
    node: &'a Node,
    /// The members, when the element is an object.
    members: Option<&'a [Member]>,
    /// The `type` value, when a string.
    ty: Option<&'a str>,
}

impl Item<'_> {
    fn member(&self, key: &str) -> Option<&Member> {
        self.members.and_then(|ms| path::member(ms, key))
    }
}

/// The dialect's items spec and the request's items (none when the dialect
/// has no items or the array is absent or not an array: REQ003/REQ005 say it).
fn items<'a>(ctx: &'a Ctx) -> Option<(&'a ItemsSpec, Vec<Item<'a>>)> {
    let spec = ctx.spec.items.as_ref()?;
    let field = ctx.req.field(&spec.array)?;
    let Value::Array(nodes) = &field.node.value else {
        return None;
    };
    let items = nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let members = match &node.value {
                Value::Object(ms) => Some(&ms[..]),
                _ => None,
            };
            let ty = members
                .and_then(|ms| path::member(ms, &spec.type_key))
                .and_then(|m| m.node.value.as_str());
            Item {
                pointer: format!("{}/{i}", field.pointer),
                node,
                members,
                ty,
            }
        })
        .collect();
    Some((spec, items))
}

fn type_names(spec: &ItemsSpec) -> Vec<String> {
    spec.text_type
        .iter()
        .chain(spec.types.keys())
        .map(|t| format!("`{t}`"))
        .collect()
}

/// REQ005: an item that is not an object, has no string `type`, or lacks
/// the value its type needs (the text, the URL).
pub(super) fn shapes(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some((spec, items)) = items(ctx) else {
        return;
    };
    for it in &items {
        let bad = |msg: String, help: String| {
            Finding::new(Code::REQ005, msg)
                .at_node(&it.pointer, it.node)
                .measured(it.node.value.type_name(), Unit::Value)
                .help(help)
        };
        if it.members.is_none() {
            out.push(bad(
                format!(
                    "`{}` is {} {}; each item of `{}` must be an object",
                    it.pointer,
                    article(it.node.value.type_name()),
                    it.node.value.type_name(),
                    spec.array
                ),
                format!(
                    "write the item as {{\"{}\": …}} with one of {}",
                    spec.type_key,
                    join_or(&type_names(spec))
                ),
            ));
            continue;
        }
        let Some(ty) = it.ty else {
            out.push(bad(
                format!("`{}` has no string `{}`", it.pointer, spec.type_key),
                format!(
                    "add \"{}\": one of {}",
                    spec.type_key,
                    join_or(&type_names(spec))
                ),
            ));
            continue;
        };
        let (want, path_in_item) = if Some(ty) == spec.text_type.as_deref() {
            ("the prompt text", ty.to_string())
        } else if let Some(t) = spec.types.get(ty) {
            ("a URL", t.url.clone())
        } else {
            continue; // REQ004 says it
        };
        let found = path::select(it.node, &it.pointer, &path_in_item);
        match found.first() {
            Some(s) if matches!(s.node.value, Value::String(_)) => {}
            Some(s) => out.push(
                Finding::new(
                    Code::REQ005,
                    format!(
                        "`{}` is {} {}; it must be a string ({want})",
                        s.pointer,
                        article(s.node.value.type_name()),
                        s.node.value.type_name()
                    ),
                )
                .at_node(&s.pointer, s.node)
                .measured(s.node.value.type_name(), Unit::Value)
                .help(format!("write `{path_in_item}` as a string")),
            ),
            None => out.push(bad(
                format!(
                    "`{}` is {} `{ty}` item without `{path_in_item}` ({want})",
                    it.pointer,
                    article(ty)
                ),
                format!("write it as {}", example(ty, &path_in_item)),
            )),
        }
    }
}

/// `{"type": "image_url", "image_url": {"url": "…"}}`.
fn example(ty: &str, path_in_item: &str) -> String {
    let mut inner = "\"…\"".to_string();
    for part in path_in_item.rsplit('.') {
        inner = format!("{{\"{part}\": {inner}}}");
    }
    format!("{{\"type\": \"{ty}\", {}", inner.trim_start_matches('{'))
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// REQ004: an item type the dialect does not define (or one of another
/// model generation, at the note's case).
pub(super) fn unknown_types(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some((spec, items)) = items(ctx) else {
        return;
    };
    for it in &items {
        let Some(ty) = it.ty else { continue };
        if Some(ty) == spec.text_type.as_deref() || spec.types.contains_key(ty) {
            continue;
        }
        let Some(m) = it.member(&spec.type_key) else {
            continue;
        };
        let pointer = format!("{}/{}", it.pointer, spec.type_key);
        let mut f = match spec.notes.get(ty) {
            Some(note) => Finding::new(Code::REQ004, format!("item type `{ty}` is {}", note.says))
                .case(note.kind.case())
                .help(format!(
                    "remove the item; {} takes {}",
                    ctx.req.dialect,
                    join_or(&type_names(spec))
                )),
            None => {
                let names = spec.text_type.iter().chain(spec.types.keys());
                let f = Finding::new(
                    Code::REQ004,
                    format!(
                        "item type `{ty}` is not one of {}",
                        join_or(&type_names(spec))
                    ),
                );
                match did_you_mean(ty, names.map(String::as_str)) {
                    Some(near) => f.help(format!("did you mean `{near}`?")),
                    None => f.help("remove the item, or give it one of the types above"),
                }
            }
        };
        f = f
            .at_node(&pointer, &m.node)
            .measured(ty, Unit::Value)
            .limit(Limit::one_of(
                spec.text_type.iter().chain(spec.types.keys()).cloned(),
                Unit::Value,
            ));
        out.push(f);
    }
}

/// REQ023: a role the item's type cannot carry, several items of a type
/// that needs roles written without one, a role without the role it needs.
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
        let item_pointer = format!("/{}/{}", crate::json::pointer_token(&spec.array), a.index);
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
