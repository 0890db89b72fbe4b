//! Paths into a request, as dialect files write them: member names joined by
//! `.`, where a member holding an array may be followed by `[]` (every
//! element) or `[key=value]` (the elements whose member `key` is the string
//! `value`): `content[type=text].text`, `image_url.url`, `image_urls[]`.
//! A path that ends on an array without brackets selects the array itself.

use crate::json::{self, Member, Node, Value};

/// One step of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step<'a> {
    Member(&'a str),
    Every,
    Where(&'a str, &'a str),
}

/// Checks a path's syntax; `Err` says what is wrong.
pub fn check(path: &str) -> Result<(), String> {
    steps(path).map(|_| ())
}

fn steps(path: &str) -> Result<Vec<Step<'_>>, String> {
    let mut out = Vec::new();
    if path.is_empty() {
        return Err("a path is empty".into());
    }
    for part in path.split('.') {
        let (name, rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if name.is_empty() {
            return Err(format!("`{path}`: a step has no member name"));
        }
        out.push(Step::Member(name));
        if rest.is_empty() {
            continue;
        }
        let inner = rest
            .strip_prefix('[')
            .and_then(|r| r.strip_suffix(']'))
            .filter(|r| !r.contains(['[', ']']))
            .ok_or_else(|| format!("`{path}`: `{rest}` is not `[]` or `[key=value]`"))?;
        if inner.is_empty() {
            out.push(Step::Every);
        } else {
            let (k, v) = inner
                .split_once('=')
                .filter(|(k, _)| !k.is_empty())
                .ok_or_else(|| format!("`{path}`: `[{inner}]` is not `[key=value]`"))?;
            out.push(Step::Where(k, v));
        }
    }
    Ok(out)
}

/// The last member of an object with this key (decoders keep the last).
pub fn member<'a>(members: &'a [Member], key: &str) -> Option<&'a Member> {
    members.iter().rev().find(|m| m.key == key)
}

/// Every node `path` selects below `node` (whose pointer is `pointer`), in
/// document order, each with its JSON pointer and, for a member, the
/// member's key span. An invalid path selects nothing.
pub fn select<'a>(node: &'a Node, pointer: &str, path: &str) -> Vec<Selected<'a>> {
    let Ok(steps) = steps(path) else {
        return Vec::new();
    };
    let mut here = vec![Selected {
        pointer: pointer.to_string(),
        node,
        key: None,
    }];
    for step in steps {
        let mut next = Vec::new();
        for s in here {
            match (step, &s.node.value) {
                (Step::Member(name), Value::Object(members)) => {
                    if let Some(m) = member(members, name) {
                        next.push(Selected {
                            pointer: json::child_pointer(&s.pointer, name),
                            node: &m.node,
                            key: Some((m.key_offset, m.key_end)),
                        });
                    }
                }
                (Step::Every, Value::Array(items)) => {
                    next.extend(items.iter().enumerate().map(|(i, n)| Selected {
                        pointer: format!("{}/{i}", s.pointer),
                        node: n,
                        key: None,
                    }))
                }
                (Step::Where(k, v), Value::Array(items)) => {
                    for (i, n) in items.iter().enumerate() {
                        let hit = match &n.value {
                            Value::Object(members) => {
                                member(members, k).is_some_and(|m| m.node.value.as_str() == Some(v))
                            }
                            _ => false,
                        };
                        if hit {
                            next.push(Selected {
                                pointer: format!("{}/{i}", s.pointer),
                                node: n,
                                key: None,
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        here = next;
    }
    here
}

/// A node a path selected.
#[derive(Debug, Clone)]
pub struct Selected<'a> {
    /// Its JSON pointer.
    pub pointer: String,
    /// The node.
    pub node: &'a Node,
    /// The key's span, when the last step was a member.
    pub key: Option<(usize, usize)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selects_members_elements_and_filtered_elements() {
        let doc = json::parse(
            br#"{"content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"a.png"}},{"type":"text","text":"again"}]}"#,
        )
        .unwrap();
        let texts: Vec<_> = select(&doc, "", "content[type=text].text")
            .into_iter()
            .map(|s| (s.pointer, s.node.value.as_str().unwrap().to_string()))
            .collect();
        assert_eq!(
            texts,
            [
                ("/content/0/text".to_string(), "hi".to_string()),
                ("/content/2/text".to_string(), "again".to_string())
            ]
        );
        let urls = select(&doc, "", "content[].image_url.url");
        assert_eq!(urls.len(), 1);
        assert_eq!(urls[0].pointer, "/content/1/image_url/url");
        assert!(select(&doc, "", "content[type=video_url]").is_empty());
        assert!(check("a[b").is_err() && check("a..b").is_err() && check("a[=x]").is_err());
        assert!(check("content[type=text].text").is_ok());
    }
}
