//! The `duplicate-key` unit (REQ021): a JSON object that names the same
//! member twice.

use super::Ctx;
use crate::finding::{Code, Finding};
use crate::json::{Node, Value};

/// REQ021: duplicate member names, at any depth.
pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for f in &ctx.req.fields {
        duplicate_keys(&f.node, &f.pointer, out);
    }
    duplicate_top_level(ctx, out);
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
