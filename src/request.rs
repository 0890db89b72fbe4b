//! The neutral request model: one shape for both dialects, every field and asset
//! carrying its JSON pointer and byte offset.

use crate::json::{self, Member, Node, Value};
use crate::spec::{Dialect, MediaKind, Spec};

/// How the dialect of a request was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialectSource {
    /// Given by the caller (`--dialect`).
    Given,
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
}

/// A parsed request, dialect-neutral.
#[derive(Debug, Clone)]
pub struct Request {
    /// The dialect it is read as.
    pub dialect: Dialect,
    /// How that was decided.
    pub dialect_source: DialectSource,
    /// Top-level members in document order (duplicates kept).
    pub fields: Vec<Field>,
    /// Every string entry of the dialect's media arrays, in document order.
    pub assets: Vec<AssetRef>,
    /// Size of the JSON body in bytes.
    pub body_bytes: u64,
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
        let (dialect, dialect_source) = match dialect {
            Some(d) => (d, DialectSource::Given),
            None => detect_dialect(&members, spec),
        };
        // Nothing in the request told: the caller's default, if any.
        let (dialect, dialect_source) = match (dialect_source, default_dialect) {
            (DialectSource::Default, Some(d)) => (d, DialectSource::Default),
            other => (dialect, other.0),
        };
        let fields: Vec<Field> = members
            .into_iter()
            .map(|m| Field {
                pointer: format!("/{}", json::pointer_token(&m.key)),
                name: m.key,
                key_offset: m.key_offset,
                key_end: m.key_end,
                node: m.node,
            })
            .collect();
        let mut req = Request {
            dialect,
            dialect_source,
            fields,
            assets: Vec::new(),
            body_bytes,
        };
        req.assets = req.collect_assets(spec);
        Ok(req)
    }

    fn collect_assets(&self, spec: &Spec) -> Vec<AssetRef> {
        let media_fields = &spec.dialect(self.dialect).media_fields;
        let mut out = Vec::new();
        for (name, &kind) in media_fields {
            let Some(field) = self.field(name) else {
                continue;
            };
            let Value::Array(items) = &field.node.value else {
                continue;
            };
            for (index, item) in items.iter().enumerate() {
                if let Value::String(uri) = &item.value {
                    out.push(AssetRef {
                        field: name.clone(),
                        kind,
                        index,
                        uri: uri.clone(),
                        pointer: format!("{}/{index}", field.pointer),
                        offset: item.offset,
                        position: 0,
                    });
                }
            }
        }
        out.sort_by_key(|a| a.offset);
        for (i, a) in out.iter_mut().enumerate() {
            a.position = i;
        }
        out
    }

    /// The member with this name; the last one when the name is repeated (as most
    /// JSON decoders, the service's included, keep the last).
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().rev().find(|f| f.name == name)
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

    /// The assets of one media array.
    pub fn assets_in<'a>(&'a self, field: &'a str) -> impl Iterator<Item = &'a AssetRef> + 'a {
        self.assets.iter().filter(move |a| a.field == field)
    }
}

/// Member names that only one dialect uses: the tie-breaker when `model` does
/// not tell.
fn detect_dialect(members: &[Member], spec: &Spec) -> (Dialect, DialectSource) {
    let model = members
        .iter()
        .rev()
        .find(|m| m.key == "model")
        .and_then(|m| m.node.value.as_str());
    if let Some((d, _)) = model.and_then(|id| spec.find_model(id)) {
        return (d, DialectSource::Model);
    }
    let score = |d: Dialect| {
        let own = &spec.dialect(d).fields;
        let other = &spec.dialect(other(d)).fields;
        members
            .iter()
            .filter(|m| own.contains_key(&m.key) && !other.contains_key(&m.key))
            .count()
    };
    match score(Dialect::Unified).cmp(&score(Dialect::Open)) {
        std::cmp::Ordering::Less => (Dialect::Open, DialectSource::Fields),
        std::cmp::Ordering::Greater => (Dialect::Unified, DialectSource::Fields),
        std::cmp::Ordering::Equal => (Dialect::Unified, DialectSource::Default),
    }
}

/// The other dialect.
pub fn other(d: Dialect) -> Dialect {
    match d {
        Dialect::Unified => Dialect::Open,
        Dialect::Open => Dialect::Unified,
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

    #[test]
    fn dialect_from_model_then_fields() {
        assert_eq!(req(r#"{"model":"seedance-2.0"}"#).dialect, Dialect::Open);
        let r = req(r#"{"model":"x","mediaUrls":[]}"#);
        assert_eq!(
            (r.dialect, r.dialect_source),
            (Dialect::Open, DialectSource::Fields)
        );
        let r = req(r#"{"model":"x","image_urls":[]}"#);
        assert_eq!(
            (r.dialect, r.dialect_source),
            (Dialect::Unified, DialectSource::Fields)
        );
        assert_eq!(
            req(r#"{"prompt":"x"}"#).dialect_source,
            DialectSource::Default
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
