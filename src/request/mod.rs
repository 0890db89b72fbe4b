//! The neutral request model: one shape for every dialect, every field and
//! asset carrying its JSON pointer and byte offset. Where the prompt and the
//! media are is the dialect file's to say ([`path`]).

pub(crate) use crate::json::path;
mod target;
pub use target::{AssetId, AssetTarget, ResolvedAsset};

use crate::json::{self, Member, Node, Value};
use crate::spec::{Dialect, DialectSpec, ItemsSpec, MediaKind, Spec};

/// What in a request told its dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialectSource {
    /// The `model` value belongs to the dialect.
    Model,
    /// The field names are the dialect's.
    Fields,
    /// Nothing told; the default was used.
    Default,
}

/// One top-level member of the request object.
#[derive(Debug, Clone)]
pub struct Field {
    /// The member name.
    pub name: String,
    /// JSON pointer (`/duration`).
    pub pointer: String,
    /// Byte offset of the member name.
    pub key_offset: usize,
    /// Byte offset just past the member name's closing quote.
    pub key_end: usize,
    /// The value.
    pub node: Node,
}

/// One media entry of a media array.
#[derive(Debug, Clone, PartialEq)]
pub struct AssetRef {
    /// The array it is in (`image_urls`, `mediaUrls`).
    pub field: String,
    /// The kind the array holds.
    pub kind: MediaKind,
    /// Position in the array (0-based).
    pub index: usize,
    /// The entry as written.
    pub uri: String,
    /// JSON pointer (`/image_urls/1`).
    pub pointer: String,
    /// Byte offset of the entry.
    pub offset: usize,
    /// Index of this entry in `Request::assets`.
    pub position: usize,
    /// The role of a typed item (`first_frame`, `reference_video`): as
    /// written when it is one the item's type may carry, else the type's
    /// default. `None` for plain media arrays.
    pub role: Option<String>,
    /// Position among the entries of the same slot (role, or array).
    pub slot_index: usize,
}

impl AssetRef {
    /// What the model counts this entry as: its role, or its array.
    pub fn slot(&self) -> &str {
        self.role.as_deref().unwrap_or(&self.field)
    }
}

/// A parsed request, dialect-neutral.
#[derive(Debug, Clone)]
pub struct Request {
    /// The dialect it is read as.
    pub dialect: Dialect,
    /// Top-level members in document order (duplicates kept).
    pub fields: Vec<Field>,
    /// Every string entry of the dialect's media arrays, in document order.
    pub assets: Vec<AssetRef>,
    /// The prompt (the `prompt` member, or where the dialect puts it).
    pub prompt: Option<Field>,
    /// Size of the JSON body in bytes.
    pub body_bytes: u64,
}
/// The members of the request: the body's, or where the dialect keeps the
/// request in one member (`{"input": {…}}`) that object's, with the pointer
/// they sit under.
fn body_root(members: Vec<Member>, key: Option<&str>) -> (Vec<Member>, String) {
    let Some(key) = key else {
        return (members, String::new());
    };
    let mut members = members;
    match members
        .iter()
        .rposition(|m| m.key == key && matches!(m.node.value, Value::Object(_)))
    {
        Some(i) => match members.swap_remove(i).node.value {
            Value::Object(inner) => (inner, json::child_pointer("", key)),
            _ => (Vec::new(), String::new()),
        },
        None => (Vec::new(), String::new()),
    }
}

/// The fields the dialect declares below an object (dotted names), where
/// the request has them.
fn nested_fields(d: &DialectSpec, members: &[Member], base: &str) -> Vec<Field> {
    let mut nested: Vec<Field> = Vec::new();
    for name in d.fields.keys().filter(|k| k.contains('.')) {
        let mut parts = name.split('.');
        let Some(head) = parts.next() else { continue };
        let Some(mut m) = path::member(members, head) else {
            continue;
        };
        let mut pointer = json::child_pointer(base, head);
        let mut found = true;
        for p in parts {
            match &m.node.value {
                Value::Object(ms) => match path::member(ms, p) {
                    Some(next) => {
                        pointer = json::child_pointer(&pointer, p);
                        m = next;
                    }
                    None => {
                        found = false;
                        break;
                    }
                },
                _ => {
                    found = false;
                    break;
                }
            }
        }
        if found {
            nested.push(Field {
                name: name.clone(),
                pointer,
                key_offset: m.key_offset,
                key_end: m.key_end,
                node: m.node.clone(),
            });
        }
    }
    nested
}

impl Request {
    /// Builds the model from a parsed document. `Err` carries the REQ001 message
    /// when the document is not an object.
    pub fn from_json(
        root: Node,
        body_bytes: u64,
        dialect: Option<Dialect>,
        default_dialect: Option<Dialect>,
        spec: &Spec,
    ) -> Result<Request, String> {
        let Value::Object(members) = root.value else {
            return Err(format!(
                "the request body is a JSON {}, not an object",
                root.value.type_name()
            ));
        };
        // Given by the caller, else read from the request; where nothing in
        // it tells, the caller's default, if any.
        let dialect = dialect.unwrap_or_else(|| match detect_dialect(&members, spec) {
            (d, DialectSource::Default) => default_dialect.unwrap_or(d),
            (d, _) => d,
        });
        let d = spec.dialect(dialect);
        let members = if d.null_is_absent {
            members
                .into_iter()
                .filter(|m| !matches!(m.node.value, Value::Null))
                .collect()
        } else {
            members
        };
        // A body whose request sits in one member (`{"input": {…}}`,
        // Replicate): that object is the request, its pointers below it.
        let (members, base) = body_root(members, d.body_root.as_deref());
        let root = Node {
            value: Value::Object(members),
            ..root
        };
        let prompt = path::select(&root, &base, &d.prompt_field)
            .into_iter()
            .next()
            .map(|s| Field {
                name: d
                    .prompt_field
                    .rsplit('.')
                    .next()
                    .unwrap_or("prompt")
                    .to_string(),
                pointer: s.pointer,
                key_offset: s.key.map_or(s.node.offset, |k| k.0),
                key_end: s.key.map_or(s.node.offset, |k| k.1),
                node: s.node.clone(),
            });
        let assets = collect_assets(&root, d, &base);
        let Value::Object(members) = root.value else {
            unreachable!("built from an object above")
        };
        // Fields the dialect declares below an object (`metadata.ratio` on
        // gateways that pass the provider's fields in `metadata`), read as
        // fields of their own under their dotted names.
        let nested = nested_fields(d, &members, &base);
        let mut fields: Vec<Field> = members
            .into_iter()
            .map(|m| Field {
                pointer: json::child_pointer(&base, &m.key),
                name: m.key,
                key_offset: m.key_offset,
                key_end: m.key_end,
                node: m.node,
            })
            .collect();
        fields.extend(nested);
        Ok(Request {
            dialect,
            fields,
            assets,
            prompt,
            body_bytes,
        })
    }

    /// The member with this name; the last one when the name is repeated (as most
    /// JSON decoders, the service's included, keep the last).
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().rev().find(|f| f.name == name)
    }

    /// The node a path of members leads to (`metadata.content`), with its
    /// pointer: a top-level field, then members of objects below it.
    pub fn node_at(&self, path: &str) -> Option<(String, &Node)> {
        let mut parts = path.split('.');
        let f = self.field(parts.next()?)?;
        let (mut pointer, mut node) = (f.pointer.clone(), &f.node);
        for p in parts {
            let Value::Object(ms) = &node.value else {
                return None;
            };
            node = &path::member(ms, p)?.node;
            pointer = json::child_pointer(&pointer, p);
        }
        Some((pointer, node))
    }

    /// The string value of a member, when it is a string.
    pub fn str_field(&self, name: &str) -> Option<(&str, &Field)> {
        let f = self.field(name)?;
        f.node.value.as_str().map(|s| (s, f))
    }

    /// The `model` string, when present and a string.
    pub fn model(&self) -> Option<&str> {
        self.str_field("model").map(|(s, _)| s)
    }
}

/// Every media entry of a request, in document order: the strings of the
/// dialect's media arrays, and the URLs of its typed items with their roles.
fn collect_assets(root: &Node, d: &DialectSpec, base: &str) -> Vec<AssetRef> {
    let Value::Object(members) = &root.value else {
        return Vec::new();
    };
    let mut out = Vec::new();
    array_entries(members, d, base, &mut out);
    if let Some(spec) = &d.items {
        typed_items(members, spec, base, &mut out);
    }
    out.sort_by_key(|a| a.offset);
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, a) in out.iter_mut().enumerate() {
        a.position = i;
        if a.role.is_some() {
            let n = seen.entry(a.slot().to_string()).or_insert(0);
            a.slot_index = *n;
            *n += 1;
        }
    }
    // Kept for the whole run (in the report): no spare capacity.
    out.shrink_to_fit();
    out
}

/// The entries of the dialect's media fields: each string of an array, or
/// a single-URL field's string.
fn array_entries(members: &[Member], d: &DialectSpec, base: &str, out: &mut Vec<AssetRef>) {
    for (name, &kind) in &d.media_fields {
        let Some(m) = path::member(members, name) else {
            continue;
        };
        let pointer = json::child_pointer(base, name);
        // A single-URL field (`"image_url": "https://…"`): one entry.
        if let Value::String(uri) = &m.node.value {
            if d.fields.get(name) == Some(&crate::spec::FieldType::String) {
                out.push(AssetRef {
                    field: name.clone(),
                    kind,
                    index: 0,
                    uri: uri.clone(),
                    pointer,
                    offset: m.node.offset,
                    position: 0,
                    role: None,
                    slot_index: 0,
                });
            }
            continue;
        }
        let Value::Array(items) = &m.node.value else {
            continue;
        };
        for (index, item) in items.iter().enumerate() {
            if let Value::String(uri) = &item.value {
                out.push(AssetRef {
                    field: name.clone(),
                    kind,
                    index,
                    uri: uri.clone(),
                    pointer: format!("{pointer}/{index}"),
                    offset: item.offset,
                    position: 0,
                    role: None,
                    slot_index: index,
                });
            }
        }
    }
}

/// The URLs of typed media items (`content[]`), with their roles.
fn typed_items(members: &[Member], spec: &ItemsSpec, base: &str, out: &mut Vec<AssetRef>) {
    // The array, at the top level or down a path of members.
    let mut at: Option<(String, &Node)> = None;
    for (n, p) in spec.array.split('.').enumerate() {
        let ms: &[Member] = match at.as_ref().map(|(_, node)| &node.value) {
            None if n == 0 => members,
            Some(Value::Object(ms)) => ms,
            _ => {
                at = None;
                break;
            }
        };
        at = path::member(ms, p).map(|m| {
            let parent = at.as_ref().map_or(base, |(ptr, _)| ptr.as_str());
            (json::child_pointer(parent, p), &m.node)
        });
        if at.is_none() {
            break;
        }
    }
    if let Some((
        pointer,
        Node {
            value: Value::Array(items),
            ..
        },
    )) = at
    {
        let type_of = |item: &Node| match &item.value {
            Value::Object(ms) => path::member(ms, &spec.type_key)
                .and_then(|m| m.node.value.as_str())
                .map(str::to_string),
            _ => None,
        };
        let types: Vec<Option<String>> = items.iter().map(type_of).collect();
        for (index, item) in items.iter().enumerate() {
            let Value::Object(ms) = &item.value else {
                continue;
            };
            let Some(ty) = path::member(ms, &spec.type_key)
                .and_then(|m| m.node.value.as_str())
                .and_then(|t| spec.types.get(t))
            else {
                continue;
            };
            let here = format!("{pointer}/{index}");
            let Some(url) = path::select(item, &here, &ty.url).into_iter().next() else {
                continue;
            };
            let Value::String(uri) = &url.node.value else {
                continue;
            };
            let written = path::member(ms, &spec.role_key).map(|m| m.node.value.as_str());
            let several = ty.role_required_when_several
                && types.iter().filter(|t| *t == &types[index]).count() > 1;
            // An item whose role is missing where roles are required
            // fills no role (REQ023 says it); a role the type cannot
            // carry is read as the type's default.
            let role = match written {
                Some(Some(r)) if ty.roles.iter().any(|x| x == r) => Some(r.to_string()),
                None if several => None,
                _ => Some(ty.default_role.clone()),
            };
            out.push(AssetRef {
                field: spec.array.clone(),
                kind: ty.kind,
                index,
                uri: uri.clone(),
                pointer: url.pointer,
                offset: url.node.offset,
                position: 0,
                role,
                slot_index: 0,
            });
        }
    }
}

/// Which loaded dialect a request is written in: the one whose models list
/// its `model` (or whose model patterns match it), else the one that
/// defines the most of its members (then: the most members no other
/// dialect defines), else the first loaded (unified).
fn detect_dialect(members: &[Member], spec: &Spec) -> (Dialect, DialectSource) {
    let model = members
        .iter()
        .rev()
        .find(|m| m.key == "model")
        .and_then(|m| m.node.value.as_str());
    let by_model = model.and_then(|id| spec.find_model(id)).map(|(d, _)| d);
    let by_model = by_model.or_else(|| {
        let id = model?;
        spec.dialects()
            .iter()
            .find(|d| d.model_patterns.iter().any(|p| id.starts_with(&p.prefix)))
            .map(|d| Dialect::new(&d.id))
    });
    let all = spec.dialects();
    let score = |d: &DialectSpec| {
        // A dialect whose request sits in one member (`input`) is told by it.
        if let Some(key) = &d.body_root {
            return match members.iter().find(|m| &m.key == key) {
                Some(m) if matches!(m.node.value, Value::Object(_)) => (1, 1),
                _ => (0, 0),
            };
        }
        let known = members
            .iter()
            .filter(|m| d.fields.contains_key(&m.key))
            .count();
        let unique = members
            .iter()
            .filter(|m| {
                d.fields.contains_key(&m.key)
                    && all
                        .iter()
                        .filter(|o| o.id != d.id)
                        .all(|o| !o.fields.contains_key(&m.key))
            })
            .count();
        (known, unique)
    };
    let scores: Vec<(usize, usize)> = all.iter().map(score).collect();
    let best = scores.iter().copied().max().unwrap_or_default();
    let winners: Vec<usize> = (0..all.len()).filter(|&i| scores[i] == best).collect();
    // A family id (`seedance-2.0`) that another dialect's models extend
    // (`seedance-2.0-text-to-video`) is sent to both surfaces.
    let shared = model.is_some_and(|id| {
        let family = format!("{id}-");
        all.iter()
            .filter(|s| Some(s.id.as_str()) != by_model.as_ref().map(|d| d.as_str()))
            .any(|s| s.models.iter().any(|m| m.id.starts_with(&family)))
    });
    if let Some(d) = by_model.filter(|_| !shared) {
        return (d, DialectSource::Model);
    }
    if let Some(d) = by_model {
        // A shared model decides, unless the member names say another
        // dialect outright: it defines more of them, some that no other
        // dialect does, while the model's dialect has none of its own among
        // them (`seedance-2.0` with `image_urls`).
        let mine = all
            .iter()
            .position(|s| s.id == d.as_str())
            .map_or((0, 0), |i| scores[i]);
        return match winners.as_slice() {
            [one] if all[*one].id != d.as_str() && mine.1 == 0 && best.1 > 0 && best.0 > mine.0 => {
                (Dialect::new(&all[*one].id), DialectSource::Fields)
            }
            _ => (d, DialectSource::Model),
        };
    }
    match winners.as_slice() {
        [one] if best.0 > 0 => (Dialect::new(&all[*one].id), DialectSource::Fields),
        [first, ..] => (Dialect::new(&all[*first].id), DialectSource::Default),
        [] => (Dialect::UNIFIED, DialectSource::Default),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(text: &str) -> Request {
        Request::from_json(
            json::parse(text.as_bytes()).unwrap(),
            text.len() as u64,
            None,
            None,
            Spec::builtin(),
        )
        .unwrap()
    }

    fn detected(text: &str) -> (Dialect, DialectSource) {
        let Value::Object(members) = json::parse(text.as_bytes()).unwrap().value else {
            panic!("not an object")
        };
        detect_dialect(&members, Spec::builtin())
    }

    #[test]
    fn dialect_from_model_then_fields() {
        assert_eq!(req(r#"{"model":"seedance-2.0"}"#).dialect, Dialect::OPEN);
        assert_eq!(
            detected(r#"{"model":"seedance-2.0"}"#),
            (Dialect::OPEN, DialectSource::Model)
        );
        assert_eq!(
            detected(r#"{"model":"x","mediaUrls":[]}"#),
            (Dialect::OPEN, DialectSource::Fields)
        );
        assert_eq!(
            detected(r#"{"model":"x","image_urls":[]}"#),
            (Dialect::UNIFIED, DialectSource::Fields)
        );
        assert_eq!(detected(r#"{"prompt":"x"}"#).1, DialectSource::Default);
        // A model id another surface shares: the member names decide.
        assert_eq!(
            detected(r#"{"model":"seedance-2.0","prompt":"x","image_urls":["a"],"duration":5}"#),
            (Dialect::UNIFIED, DialectSource::Fields)
        );
        // One name of another dialect is a slip to point out, not a switch.
        assert_eq!(
            detected(
                r#"{"model":"seedance-2.0","prompt":"x","mediaUrls":["a"],"aspect_ratio":"16:9"}"#
            ),
            (Dialect::OPEN, DialectSource::Model)
        );
    }

    #[test]
    fn assets_keep_pointers_and_offsets() {
        let text = r#"{"model":"seedance-2.0-reference-to-video","video_urls":["v.mp4"],"image_urls":["a.png", 3, "b.png"]}"#;
        let r = req(text);
        let ptrs: Vec<_> = r.assets.iter().map(|a| a.pointer.as_str()).collect();
        assert_eq!(ptrs, ["/video_urls/0", "/image_urls/0", "/image_urls/2"]);
        assert_eq!(
            &text[r.assets[2].offset..r.assets[2].offset + 7],
            "\"b.png\""
        );
    }

    #[test]
    fn non_object_is_refused() {
        let e = Request::from_json(json::parse(b"[1]").unwrap(), 3, None, None, Spec::builtin())
            .unwrap_err();
        assert!(e.contains("array"));
    }
}
