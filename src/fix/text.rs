//! Edits of a request's text by span: a value replaced, a member renamed or
//! removed, a media entry pointed elsewhere. The rest of the document keeps
//! the user's formatting byte for byte; nothing is re-serialised.

use crate::json::{self, Node, Value};

/// One edit: the bytes `start..end` become `with`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Splice {
    /// First byte replaced.
    pub start: usize,
    /// Byte past the last one replaced.
    pub end: usize,
    /// The new text.
    pub with: String,
}

/// A node found by JSON pointer: the member's key span when it is a member.
pub struct Found<'a> {
    /// The value.
    pub node: &'a Node,
    /// `(start, end)` of the key with its quotes, for a member.
    pub key: Option<(usize, usize)>,
    /// The object or array holding it, with its index there.
    pub parent: Option<(&'a Node, usize)>,
}

/// The node at `pointer` (RFC 6901) below `root`.
pub fn find<'a>(root: &'a Node, pointer: &str) -> Option<Found<'a>> {
    let mut here = Found {
        node: root,
        key: None,
        parent: None,
    };
    if pointer.is_empty() {
        return Some(here);
    }
    for raw in pointer.strip_prefix('/')?.split('/') {
        let token = raw.replace("~1", "/").replace("~0", "~");
        let parent = here.node;
        here = match &parent.value {
            Value::Object(members) => {
                // The last member of the name: the one decoders keep.
                let (i, m) = members
                    .iter()
                    .enumerate()
                    .rev()
                    .find(|(_, m)| m.key == token)?;
                Found {
                    node: &m.node,
                    key: Some((m.key_offset, m.key_end)),
                    parent: Some((parent, i)),
                }
            }
            Value::Array(items) => {
                let i: usize = token.parse().ok()?;
                Found {
                    node: items.get(i)?,
                    key: None,
                    parent: Some((parent, i)),
                }
            }
            _ => return None,
        };
    }
    Some(here)
}

/// The value at `pointer` replaced by `value` (serialised compactly).
pub fn set(root: &Node, pointer: &str, value: &serde_json::Value) -> Option<Splice> {
    let f = find(root, pointer)?;
    Some(Splice {
        start: f.node.offset,
        end: f.node.end,
        with: value.to_string(),
    })
}

/// The member at `pointer` renamed to `to`.
pub fn rename(root: &Node, pointer: &str, to: &str) -> Option<Splice> {
    let (start, end) = find(root, pointer)?.key?;
    Some(Splice {
        start,
        end,
        with: serde_json::Value::String(to.to_string()).to_string(),
    })
}

/// The member or element at `pointer` removed, with the comma that separates
/// it from its neighbour (the following one, or for the last, the preceding
/// one), so the document stays valid JSON.
pub fn remove(text: &str, root: &Node, pointer: &str) -> Option<Splice> {
    let f = find(root, pointer)?;
    let (parent, i) = f.parent?;
    let start_of = |k: usize| -> Option<usize> {
        match &parent.value {
            Value::Object(ms) => ms.get(k).map(|m| m.key_offset),
            Value::Array(items) => items.get(k).map(|n| n.offset),
            _ => None,
        }
    };
    let end_of = |k: usize| -> Option<usize> {
        match &parent.value {
            Value::Object(ms) => ms.get(k).map(|m| m.node.end),
            Value::Array(items) => items.get(k).map(|n| n.end),
            _ => None,
        }
    };
    let start = start_of(i)?;
    let end = end_of(i)?;
    let (start, end) = if let Some(next) = start_of(i + 1) {
        // "a": 1, "b": 2  →  remove through the start of the next member.
        (start, next)
    } else if i > 0 {
        // The last: from the end of the previous one (its comma included).
        (end_of(i - 1)?, end)
    } else {
        (start, end)
    };
    let _ = text.get(start..end)?;
    Some(Splice {
        start,
        end,
        with: String::new(),
    })
}

/// Applies splices (non-overlapping; overlapping ones after the first are
/// dropped and returned) to `text`.
pub fn apply(text: &str, mut splices: Vec<Splice>) -> (String, Vec<Splice>) {
    splices.sort_by_key(|s| (s.start, s.end));
    let mut kept: Vec<Splice> = Vec::new();
    let mut dropped = Vec::new();
    for s in splices {
        match kept.last() {
            Some(prev) if s.start < prev.end => dropped.push(s),
            _ => kept.push(s),
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for s in &kept {
        out.push_str(&text[at..s.start]);
        out.push_str(&s.with);
        at = s.end;
    }
    out.push_str(&text[at..]);
    (out, dropped)
}

/// Parses `text` (the request as read); `None` when it is not JSON.
pub fn parse(text: &str) -> Option<Node> {
    json::parse(text.as_bytes()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_keep_the_rest_of_the_text() {
        let text = "{\n  \"model\": \"x\",\n  \"aspectRatio\": \"16:9\",\n  \"duration\": \"5\",\n  \"draft\": true\n}\n";
        let root = parse(text).unwrap();
        let edits = vec![
            rename(&root, "/aspectRatio", "aspect_ratio").unwrap(),
            set(&root, "/duration", &serde_json::json!(5)).unwrap(),
            remove(text, &root, "/draft").unwrap(),
        ];
        let (out, dropped) = apply(text, edits);
        assert!(dropped.is_empty());
        assert_eq!(
            out,
            "{\n  \"model\": \"x\",\n  \"aspect_ratio\": \"16:9\",\n  \"duration\": 5\n}\n"
        );
        assert!(parse(&out).is_some());
        let text = r#"{"a": [1, 2, 3], "b": {"c~/": 1}}"#;
        let root = parse(text).unwrap();
        let (out, _) = apply(text, vec![remove(text, &root, "/a/0").unwrap()]);
        assert_eq!(out, r#"{"a": [2, 3], "b": {"c~/": 1}}"#);
        assert!(find(&root, "/b/c~0~1").is_some());
        let (out, _) = apply(text, vec![remove(text, &root, "/b").unwrap()]);
        assert_eq!(out, r#"{"a": [1, 2, 3]}"#);
    }
}
