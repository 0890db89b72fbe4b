//! Typed media items (the ark dialect's `content[]`) as the units read
//! them: no unit lives here (`types` judges their shape, `unknown-field`
//! their type, `roles` their roles, `media-counts` their counts).

use super::Ctx;
use crate::json::path;
use crate::json::{Member, Node, Value};
use crate::spec::ItemsSpec;

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

pub(super) fn type_names(spec: &ItemsSpec) -> Vec<String> {
    spec.text_type
        .iter()
        .chain(spec.types.keys())
        .map(|t| format!("`{t}`"))
        .collect()
}
