//! `check --model … --prompt … --image …`: the request a command line
//! describes, written in the chosen dialect's shape from its data file (the
//! prompt at its path, media in the dialect's arrays or as typed items with
//! roles), not from code per dialect.

use serde_json::{Map, Value};

use super::args::CheckArgs;
use seedance_preflight::spec::{ItemsSpec, MediaKind, ModelSpec};
use seedance_preflight::{Dialect, Spec};

/// Which flag each value of a request built from flags came from: (JSON
/// pointer, flag).
pub(super) type FlagLabels = Vec<(String, String)>;

/// The source name of a request built from flags.
pub(super) const FLAGS: &str = "<flags>";

/// The request a `--model …` command line describes, as JSON in its dialect:
/// `--dialect` when given, else the dialect whose models list the model,
/// else unified.
pub(super) fn request_from_flags(
    args: &CheckArgs,
    spec: &Spec,
    given: Option<Dialect>,
) -> Option<(Vec<u8>, FlagLabels)> {
    let model = args.model.as_ref()?;
    let dialect = given
        .or_else(|| spec.find_model(model).map(|(d, _)| d))
        .unwrap_or(Dialect::UNIFIED);
    let d = spec.dialect(dialect);
    let mut root = Value::Object(Map::new());
    put(&mut root, "model", model.clone().into());
    if let Some(p) = &args.prompt {
        put(&mut root, &d.prompt_field, p.clone().into());
    }
    let media = [
        (MediaKind::Image, &args.images),
        (MediaKind::Video, &args.videos),
        (MediaKind::Audio, &args.audios),
    ];
    let mixed = d
        .media_fields
        .iter()
        .find(|(_, k)| **k == MediaKind::Any)
        .map(|(f, _)| f);
    for (kind, uris) in media {
        if uris.is_empty() {
            continue;
        }
        let array = d
            .media_fields
            .iter()
            .find(|(_, k)| **k == kind)
            .map(|(f, _)| f)
            .or(mixed);
        match (array, &d.items) {
            (Some(field), _) => {
                for u in uris {
                    put(&mut root, &format!("{field}[]"), u.clone().into());
                }
            }
            (None, Some(items)) => {
                let m = d.resolve_model(model);
                for (u, role) in uris.iter().zip(roles(items, m, kind, &media)) {
                    push_item(&mut root, items, kind, u, role);
                }
            }
            (None, None) => {}
        }
    }
    if let Some(v) = &args.duration {
        put(&mut root, "duration", number_or_text(v));
    }
    if let Some(q) = &args.quality {
        put(&mut root, &d.quality_field, q.clone().into());
    }
    if let Some(r) = &args.aspect_ratio {
        put(&mut root, &d.aspect_ratio_field, r.clone().into());
    }
    let labels = labels(&root, args);
    Some((serde_json::to_vec_pretty(&root).ok()?, labels))
}

/// A value as a request file would hold it: `5` an integer, `5.5` or
/// `5.0` a fraction, anything else a string — so the rules judge
/// `--duration` exactly as they judge a file.
fn number_or_text(v: &str) -> Value {
    if let Ok(i) = v.parse::<i64>() {
        return i.into();
    }
    match v.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
        Some(n) => Value::Number(n),
        None => v.into(),
    }
}

/// Which flag each value of the built request came from, by JSON pointer:
/// `/model` → `--model`, `/video_urls/0` → `--video #1`. Media entries are
/// matched in document order, the n-th occurrence of a URI to the n-th
/// flag naming it.
fn labels(root: &Value, args: &CheckArgs) -> Vec<(String, String)> {
    let mut leaves = Vec::new();
    walk(root, String::new(), &mut leaves);
    let mut media: Vec<(String, String, bool)> = [
        ("--image", &args.images),
        ("--video", &args.videos),
        ("--audio", &args.audios),
    ]
    .iter()
    .flat_map(|(flag, uris)| {
        uris.iter()
            .enumerate()
            .map(move |(i, u)| (u.clone(), format!("{flag} #{}", i + 1), false))
    })
    .collect();
    let scalars = [
        ("--model", args.model.as_ref()),
        ("--prompt", args.prompt.as_ref()),
        ("--duration", args.duration.as_ref()),
        ("--quality", args.quality.as_ref()),
        ("--aspect-ratio", args.aspect_ratio.as_ref()),
    ];
    let mut out = Vec::new();
    for (pointer, leaf) in leaves {
        let text = match leaf {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if let Some(m) = media.iter_mut().find(|m| !m.2 && m.0 == text) {
            m.2 = true;
            out.push((pointer, m.1.clone()));
        } else if let Some((flag, _)) = scalars
            .iter()
            .find(|(_, v)| v.is_some_and(|v| *v == text || number_or_text(v) == *leaf))
        {
            out.push((pointer, flag.to_string()));
        }
    }
    out
}

fn walk<'a>(v: &'a Value, at: String, out: &mut Vec<(String, &'a Value)>) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                walk(c, seedance_preflight::json_pointer(&at, k), out);
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                walk(c, format!("{at}/{i}"), out);
            }
        }
        leaf => out.push((at, leaf)),
    }
}

/// The flag a finding at `pointer` is about: the entry at the pointer, the
/// one the pointer lies inside, or the only one inside it.
pub(super) fn flag_of<'a>(labels: &'a [(String, String)], pointer: &str) -> Option<&'a str> {
    let within = |outer: &str, inner: &str| {
        inner == outer || (inner.starts_with(outer) && inner[outer.len()..].starts_with('/'))
    };
    if let Some((_, l)) = labels
        .iter()
        .filter(|(q, _)| within(q, pointer))
        .max_by_key(|(q, _)| q.len())
    {
        return Some(l);
    }
    let mut inside = labels.iter().filter(|(q, _)| within(pointer, q));
    match (inside.next(), inside.next()) {
        (Some((_, l)), None) if !pointer.is_empty() => Some(l),
        _ => None,
    }
}

/// The roles for the `kind` entries: from the first mode (in the file's
/// order) that can hold every kind given, in the counts given; each role
/// filled up to the model's maximum for it.
fn roles(
    items: &ItemsSpec,
    model: Option<&ModelSpec>,
    kind: MediaKind,
    media: &[(MediaKind, &Vec<String>); 3],
) -> Vec<String> {
    let cap = |role: &str| model.and_then(|m| m.media_range(role)).map_or(1, |r| r.max);
    let roles_of = |mode: &[String], k: MediaKind| -> Vec<String> {
        items
            .types
            .values()
            .filter(|t| t.kind == k)
            .flat_map(|t| t.roles.iter())
            .filter(|r| mode.contains(r))
            .cloned()
            .collect()
    };
    let fits = |mode: &[String]| {
        media.iter().all(|(k, uris)| {
            uris.is_empty()
                || roles_of(mode, *k).iter().map(|r| cap(r)).sum::<usize>() >= uris.len()
        })
    };
    let mode = items.modes.iter().map(|m| &m.roles[..]).find(|m| fits(m));
    match mode {
        Some(m) => roles_of(m, kind)
            .into_iter()
            .flat_map(|r| std::iter::repeat_n(r.clone(), cap(&r)))
            .chain(std::iter::repeat(String::new()))
            .take(
                media
                    .iter()
                    .find(|(k, _)| *k == kind)
                    .map_or(0, |(_, u)| u.len()),
            )
            .collect(),
        // Nothing holds them all: each type's default role (the check says why).
        None => {
            let def = items
                .types
                .values()
                .find(|t| t.kind == kind)
                .map(|t| t.default_role.clone())
                .unwrap_or_default();
            vec![
                def;
                media
                    .iter()
                    .find(|(k, _)| *k == kind)
                    .map_or(0, |(_, u)| u.len())
            ]
        }
    }
}

/// Appends one typed item (`{"type": "image_url", "image_url": {"url": …},
/// "role": …}`) to the dialect's item array.
fn push_item(root: &mut Value, items: &ItemsSpec, kind: MediaKind, uri: &str, role: String) {
    let Some((type_name, ty)) = items.types.iter().find(|(_, t)| t.kind == kind) else {
        return;
    };
    let mut item = Value::Object(Map::new());
    put(&mut item, &items.type_key, type_name.clone().into());
    put(&mut item, &ty.url, uri.into());
    if !role.is_empty() {
        put(&mut item, &items.role_key, role.into());
    }
    if let Value::Object(m) = root {
        let arr = m
            .entry(items.array.clone())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(a) = arr {
            a.push(item);
        }
    }
}

/// Writes `value` at a dialect path: `a.b` sets members (creating
/// objects), `a[]` appends to an array, `a[k=v].rest` appends an object
/// `{k: v}` to array `a` and writes `rest` inside it.
fn put(root: &mut Value, path: &str, value: Value) {
    let (head, rest) = match path.split_once('.') {
        Some((h, r)) if !h.contains('[') || h.ends_with(']') => (h, Some(r)),
        _ => (path, None),
    };
    let Value::Object(m) = root else { return };
    match head.split_once('[') {
        None => match rest {
            None => {
                m.insert(head.to_string(), value);
            }
            Some(r) => {
                let child = m
                    .entry(head.to_string())
                    .or_insert_with(|| Value::Object(Map::new()));
                put(child, r, value);
            }
        },
        Some((name, sel)) => {
            let sel = sel.trim_end_matches(']');
            let arr = m
                .entry(name.to_string())
                .or_insert_with(|| Value::Array(Vec::new()));
            let Value::Array(a) = arr else { return };
            match (sel.split_once('='), rest) {
                (Some((k, v)), Some(r)) => {
                    let mut obj = Map::new();
                    obj.insert(k.to_string(), v.into());
                    let mut obj = Value::Object(obj);
                    put(&mut obj, r, value);
                    a.push(obj);
                }
                _ => a.push(value),
            }
        }
    }
}
