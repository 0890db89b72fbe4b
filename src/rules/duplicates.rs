//! Things named twice: the same media entry twice in one array (REQ020), and
//! the same member twice in one JSON object (REQ021).

use super::Ctx;
use crate::finding::{Code, Finding};
use crate::json::{Node, Value};
use crate::request::AssetRef;
use crate::spec::Mode;

/// REQ020: a media array naming one entry twice.
pub(super) fn entries(ctx: &Ctx, out: &mut Vec<Finding>) {
    duplicates(ctx, out);
}

/// REQ021: duplicate member names, at any depth.
pub(super) fn keys(ctx: &Ctx, out: &mut Vec<Finding>) {
    for f in &ctx.req.fields {
        duplicate_keys(&f.node, &f.pointer, out);
    }
    duplicate_top_level(ctx, out);
}

fn duplicates(ctx: &Ctx, out: &mut Vec<Finding>) {
    // Media arrays, and for typed items each role (a first and a last frame
    // are two roles, so the same image for both passes).
    let slots = ctx
        .spec
        .media_fields
        .keys()
        .map(String::as_str)
        .chain(ctx.spec.roles());
    for slot in slots {
        let items: Vec<&AssetRef> = ctx.req.assets.iter().filter(|a| a.slot() == slot).collect();
        // Identical first and last frame is explicitly allowed (document 004).
        let first_last_pair = items.len() == 2
            && ctx
                .model
                .is_some_and(|m| matches!(m.mode, Mode::FirstLastFrame | Mode::Mixed));
        if first_last_pair {
            continue;
        }
        // First place of each entry; linear in the array's length.
        let mut first_seen: std::collections::HashMap<&str, &AssetRef> =
            std::collections::HashMap::new();
        for a in &items {
            let first = *first_seen.entry(a.uri.trim()).or_insert(a);
            if !std::ptr::eq(first, *a) {
                out.push(
                    Finding::new(
                        Code::REQ020,
                        format!(
                            "`{}` is the same entry as `{}`: the model gets the same media twice",
                            a.pointer, first.pointer
                        ),
                    )
                    .at(&a.pointer, a.offset)
                    .help("remove the duplicate, and renumber the media the prompt names")
                    .asset(a.position),
                );
            }
        }
    }
}

fn duplicate_top_level(ctx: &Ctx, out: &mut Vec<Finding>) {
    let mut seen = std::collections::HashSet::new();
    for f in &ctx.req.fields {
        if !seen.insert(f.name.as_str()) {
            out.push(duplicate(&f.name, &f.pointer, f.key_offset));
        }
    }
}

/// REQ021 below the top level. Linear: a set of names per object (a request
/// may hold 100,000 members).
fn duplicate_keys(node: &Node, pointer: &str, out: &mut Vec<Finding>) {
    match &node.value {
        Value::Object(members) => {
            let mut seen = std::collections::HashSet::new();
            for m in members {
                let repeated = !seen.insert(m.key.as_str());
                let nested = holds_members(&m.node);
                // A pointer is built only where it is used.
                if repeated || nested {
                    let p = crate::json::child_pointer(pointer, &m.key);
                    if repeated {
                        out.push(duplicate(&m.key, &p, m.key_offset));
                    }
                    if nested {
                        duplicate_keys(&m.node, &p, out);
                    }
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if holds_members(item) {
                    duplicate_keys(item, &format!("{pointer}/{i}"), out);
                }
            }
        }
        _ => {}
    }
}

/// Whether an object could be at or below `node` (where keys can repeat).
fn holds_members(node: &Node) -> bool {
    match &node.value {
        Value::Object(m) => !m.is_empty(),
        Value::Array(items) => !items.is_empty(),
        _ => false,
    }
}

fn duplicate(name: &str, pointer: &str, offset: usize) -> Finding {
    Finding::new(
        Code::REQ021,
        format!("`{name}` appears more than once in the same object; decoders disagree on which one wins"),
    )
    .at(pointer, offset)
    .help("keep one of them")
}
