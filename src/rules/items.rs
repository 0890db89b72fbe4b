//! Typed media items (the ark dialect's `content[]`): each item's shape and
//! type. The functions here serve the units that own their codes: `types`
//! (REQ005) and `unknown-field` (REQ004); roles, modes and counts per role
//! are in `roles`.

use super::common::article;
use super::{did_you_mean, Ctx};
use crate::finding::{Code, Finding, Limit, Unit};
use crate::json::path;
use crate::json::{Member, Node, Value};
use crate::spec::{join_or, ItemsSpec};

/// One element of the items array.
pub(super) struct Item<'a> {
    pub(super) pointer: String,
    pub(super) node: &'a Node,
    /// The members, when the element is an object.
    pub(super) members: Option<&'a [Member]>,
    /// The `type` value, when a string.
    pub(super) ty: Option<&'a str>,
}

impl Item<'_> {
    pub(super) fn member(&self, key: &str) -> Option<&Member> {
        self.members.and_then(|ms| path::member(ms, key))
    }
}

/// The dialect's items spec and the request's items (none when the dialect
/// has no items or the array is absent or not an array: REQ003/REQ005 say it).
pub(super) fn items<'a>(ctx: &'a Ctx) -> Option<(&'a ItemsSpec, Vec<Item<'a>>)> {
    let spec = ctx.spec.items.as_ref()?;
    let (array_pointer, node) = ctx.req.node_at(&spec.array)?;
    let Value::Array(nodes) = &node.value else {
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
                pointer: format!("{array_pointer}/{i}"),
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
                        "item type `{ty}` is not one of {}; the service refuses the request",
                        join_or(&type_names(spec))
                    ),
                )
                .case("item-type");
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
