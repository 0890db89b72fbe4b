//! The request's members: model, required and unknown fields, JSON types,
//! duration, quality and aspect ratio, duplicate keys.

use super::common::article;
use super::{did_you_mean, Ctx};
use crate::finding::{Code, Finding, Fix, Limit, Unit};
use crate::json::{Node, Value};
use crate::spec::{join_or, FieldType};

/// Whether a model id names a Seedance 1.x model (`doubao-seedance-1-0-pro-250528`,
/// `seedance-1-5-pro`, `bytedance/seedance-1.0-lite`), which the provider's
/// endpoints take beside 2.0 with other limits.
pub(super) fn is_seedance_1x(id: &str) -> bool {
    let id = id.to_ascii_lowercase();
    ["seedance-1-", "seedance-1.", "seedance_1", "seedance1"]
        .iter()
        .any(|p| id.contains(p))
}

/// REQ002: `model` missing or not a model of the dialect.
pub(super) fn model(ctx: &Ctx, out: &mut Vec<Finding>) {
    let ids = || ctx.spec.models.iter().map(|m| m.id.as_str());
    // Only a finding needs the list in words.
    let all = || join_or(&ids().map(|s| format!("`{s}`")).collect::<Vec<_>>());
    let Some(field) = ctx.req.field("model") else {
        if ctx.spec.endpoint_model.is_some() {
            return; // the endpoint names the model
        }
        out.push(
            Finding::new(
                Code::REQ002,
                format!(
                    "`model` is missing; the {} dialect needs one of {}",
                    ctx.req.dialect,
                    all()
                ),
            )
            .at("", 0)
            .help("add a `model` member naming the model to run"),
        );
        return;
    };
    let Some(id) = field.node.value.as_str() else {
        return;
    }; // REQ005 says it
    if let Some(p) = ctx.spec.pattern(id) {
        out.push(
            Finding::new(Code::REQ002, format!("model `{id}`: {}", p.says))
                .case("pattern")
                .at_node(&field.pointer, &field.node)
                .measured(id, Unit::Value)
                .help(format!(
                    "checked as `{}`; name the model itself for a check of its own limits",
                    p.like
                )),
        );
        return;
    }
    if ctx.model.is_some() {
        return;
    }
    if is_seedance_1x(id) {
        out.push(
            Finding::new(
                Code::REQ002,
                format!(
                    "model `{id}` is a Seedance 1.x model, not a Seedance 2.0 model: its limits are not the ones checked here ({} dialect models: {})",
                    ctx.req.dialect,
                    all()
                ),
            )
            .at_node(&field.pointer, &field.node)
            .measured(id, Unit::Value)
            .limit(Limit::one_of(ids(), Unit::Value))
            .help("send it as it is if you mean Seedance 1.x (this check does not apply), or name a Seedance 2.0 model"),
        );
        return;
    }
    let mut f = Finding::new(
        Code::REQ002,
        format!(
            "model `{id}` is not a model of the {} dialect",
            ctx.req.dialect
        ),
    )
    .at_node(&field.pointer, &field.node)
    .measured(id, Unit::Value)
    .limit(Limit::one_of(ids(), Unit::Value));
    let own: Vec<&str> = ids().collect();
    let (help, to) = super::suggest::model_help(ctx, id, &own, &all);
    f = f.help(help);
    if let Some(to) = to {
        f = f.fix(Fix::Set {
            pointer: field.pointer.clone(),
            value: to.into(),
        });
    }
    out.push(f);
}

pub(super) fn required(ctx: &Ctx, out: &mut Vec<Finding>) {
    let items = ctx.spec.items.as_ref();
    if let Some(spec) = items.filter(|i| !i.optional && ctx.req.node_at(&i.array).is_none()) {
        out.push(
            Finding::new(
                Code::REQ003,
                format!(
                    "`{}` is missing; the {} dialect carries the prompt and the media as its items",
                    spec.array, ctx.req.dialect
                ),
            )
            .at("", 0)
            .help(format!(
                "add `{}`: [{{\"{}\": \"{}\", …}}]",
                spec.array,
                spec.type_key,
                spec.text_type.as_deref().unwrap_or("…")
            )),
        );
    } else if ctx.req.prompt.is_none()
        && (!ctx.spec.prompt_optional_with_media || ctx.req.assets.is_empty())
    {
        let f = match items {
            None => Finding::new(
                Code::REQ003,
                format!(
                    "`{}` is missing; every model needs a text prompt",
                    ctx.spec.prompt_field
                ),
            )
            .help(format!(
                "add a `{}` member describing the video",
                ctx.spec.prompt_field
            )),
            Some(spec) => Finding::new(
                Code::REQ003,
                format!(
                    "the prompt is missing: `{}` has no `{}` item, and a request without media needs one",
                    spec.array,
                    spec.text_type.as_deref().unwrap_or("text")
                ),
            )
            .help(format!("add {{\"{}\": \"{}\", \"{}\": \"…\"}} describing the video", spec.type_key, spec.text_type.as_deref().unwrap_or("text"), spec.text_type.as_deref().unwrap_or("text"))),
        };
        out.push(f.at("", 0));
    }
    let Some(model) = ctx.model else { return };
    for (field, range) in &model.media {
        let present = if ctx.spec.media_fields.contains_key(field) {
            ctx.req.field(field).is_some()
        } else {
            ctx.req.assets.iter().any(|a| a.slot() == field)
        };
        if range.min > 0 && !present && !range.optional {
            out.push(
                Finding::new(
                    Code::REQ003,
                    format!(
                        "`{field}` is missing; `{}` needs at least {} item{}",
                        model.id,
                        range.min,
                        if range.min == 1 { "" } else { "s" }
                    ),
                )
                .at("", 0)
                .help(format!(
                    "add `{field}` with {} to {} public URL(s)",
                    range.min, range.max
                )),
            );
        }
    }
}

/// Names the other dialect uses for the same thing, and common slips.
const ALIASES: &[(&str, &str)] = &[
    ("aspectRatio", "aspect_ratio"),
    ("webhookUrl", "callback_url"),
    ("callbackUrl", "callback_url"),
    ("webhook_url", "callback_url"),
    ("resolution", "quality"),
    ("mediaUrls", "image_urls`, `video_urls` or `audio_urls"),
    ("media_urls", "image_urls`, `video_urls` or `audio_urls"),
    ("aspect_ratio", "aspectRatio"),
    ("callback_url", "webhookUrl"),
    ("quality", "resolution"),
    ("image_urls", "mediaUrls"),
    ("video_urls", "mediaUrls"),
    ("audio_urls", "mediaUrls"),
    ("images", "image_urls"),
    ("videos", "video_urls"),
    ("image", "image_urls"),
    ("video", "video_urls"),
    ("audio", "audio_urls"),
];

/// Lower case without `_` and `-`, so `imageUrls`, `image-urls` and `image_urls` meet.
fn folded(s: &str) -> String {
    s.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

fn suggestion(ctx: &Ctx, name: &str) -> Option<String> {
    let defined = &ctx.spec.fields;
    let known = |s: &str| {
        s.split('`')
            .next()
            .is_some_and(|first| defined.contains_key(first))
    };
    if let Some(to) = ctx.spec.aliases.get(name) {
        return Some(to.clone());
    }
    if let Some((_, to)) = ALIASES.iter().find(|(from, to)| *from == name && known(to)) {
        return Some((*to).to_string());
    }
    let f = folded(name);
    let plural = format!("{f}s");
    if let Some(hit) = defined
        .keys()
        .find(|k| folded(k) == f || folded(k) == plural)
    {
        return Some(hit.clone());
    }
    did_you_mean(name, defined.keys().map(String::as_str)).map(str::to_string)
}

/// The members that count: the last of each name (REQ021 reports the others).
fn winning_fields<'a>(ctx: &'a Ctx) -> impl Iterator<Item = &'a crate::request::Field> + 'a {
    // The index of the last member of each name, found in one pass.
    let mut last = std::collections::HashMap::new();
    for (i, f) in ctx.req.fields.iter().enumerate() {
        last.insert(f.name.as_str(), i);
    }
    ctx.req
        .fields
        .iter()
        .enumerate()
        .filter(move |(i, f)| last.get(f.name.as_str()) == Some(i))
        .map(|(_, f)| f)
}

pub(super) fn unknown_fields(ctx: &Ctx, out: &mut Vec<Finding>) {
    for f in winning_fields(ctx) {
        if ctx.spec.fields.contains_key(&f.name) {
            continue;
        }
        if let Some(note) = ctx.spec.notes.get(&f.name) {
            let mut finding = Finding::new(Code::REQ004, format!("`{}` is {}", f.name, note.says))
                .case(note.kind.case())
                .at(&f.pointer, f.key_offset)
                .until(f.key_end);
            finding = match &note.instead {
                Some(to) => finding.help(format!("use `{to}` instead")),
                None => finding.help("remove it").fix(Fix::Remove {
                    pointer: f.pointer.clone(),
                }),
            };
            out.push(finding);
            continue;
        }
        let mut finding = Finding::new(
            Code::REQ004,
            format!(
                "`{}` is not a field of the {} dialect; the service ignores or rejects it",
                f.name, ctx.req.dialect
            ),
        )
        .at(&f.pointer, f.key_offset)
        .until(f.key_end);
        finding = match suggestion(ctx, &f.name) {
            // A single defined name the member can be renamed to (not a
            // choice between several arrays).
            Some(s) if ctx.spec.items.as_ref().is_some_and(|i| i.array == s) => {
                let types: Vec<&String> = ctx
                    .spec
                    .items
                    .iter()
                    .flat_map(|i| i.text_type.iter().chain(i.types.keys()))
                    .collect();
                finding.help(format!(
                    "the {} dialect carries the prompt and the media as typed items of `{s}` ({}): move it there",
                    ctx.req.dialect,
                    types.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ")
                ))
            }
            Some(s) if ctx.spec.fields.contains_key(&s) && ctx.req.field(&s).is_none() => finding
                .help(format!("did you mean `{s}`?"))
                .fix(Fix::Rename {
                    pointer: f.pointer.clone(),
                    to: s,
                }),
            Some(s) => finding.help(format!("did you mean `{s}`?")),
            None => finding.help(format!(
                "remove it; the {} dialect defines {}",
                ctx.req.dialect,
                join_or(
                    &ctx.spec
                        .fields
                        .keys()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                )
            )),
        };
        out.push(finding);
    }
    super::items::unknown_types(ctx, out);
}

pub(super) fn types(ctx: &Ctx, out: &mut Vec<Finding>) {
    super::items::shapes(ctx, out);
    for f in winning_fields(ctx) {
        let Some(&ty) = ctx.spec.fields.get(&f.name) else {
            continue;
        };
        let v = &f.node.value;
        let ok = match ty {
            FieldType::String => matches!(v, Value::String(_)),
            // Fractions are judged by the field's own rule (REQ006 for duration).
            FieldType::Integer => matches!(v, Value::Number(_)),
            FieldType::Boolean => matches!(v, Value::Bool(_)),
            FieldType::Object => matches!(v, Value::Object(_)),
            FieldType::StringArray | FieldType::ObjectArray | FieldType::Array => {
                matches!(v, Value::Array(_))
            }
            FieldType::Scalar => matches!(v, Value::String(_) | Value::Number(_)),
        };
        if !ok {
            out.push(wrong_type(&f.name, &f.pointer, &f.node, ty.describe()));
        }
        if f.name == ctx.spec.duration_field {
            super::duration::fraction(ctx, f, out);
        }
        if let (FieldType::StringArray, Value::Array(items)) = (ty, v) {
            for (i, item) in items.iter().enumerate() {
                if !matches!(item.value, Value::String(_)) {
                    let name = format!("{}[{i}]", f.name);
                    out.push(wrong_type(
                        &name,
                        &format!("{}/{i}", f.pointer),
                        item,
                        "a string (a URL)",
                    ));
                }
            }
        }
    }
}

fn wrong_type(name: &str, pointer: &str, node: &Node, want: &str) -> Finding {
    let got = node.value.type_name();
    let fix = match (&node.value, want) {
        (Value::String(s), "an integer") => s.trim().parse::<i64>().ok().map(|v| v.into()),
        (Value::String(s), "a boolean") => match s.as_str() {
            "true" => Some(true.into()),
            "false" => Some(false.into()),
            _ => None,
        },
        (Value::String(s), "an array of strings") => Some(serde_json::json!([s])),
        _ => None,
    };
    let help = match (&node.value, want) {
        (Value::String(s), "an integer") if s.trim().parse::<i64>().is_ok() => {
            format!("write the number without quotes: {}", s.trim())
        }
        (Value::String(s), "a boolean") if matches!(s.as_str(), "true" | "false") => {
            format!("write {s} without quotes")
        }
        (Value::String(_), "an array of strings") => {
            "wrap the URL in an array: [\"…\"]".to_string()
        }
        (Value::Null, _) => "remove the member, or give it a value".to_string(),
        _ => format!("give `{name}` {want}"),
    };
    let f = Finding::new(
        Code::REQ005,
        format!("`{name}` is {} {got}; it must be {want}", article(got)),
    )
    .at_node(pointer, node)
    .measured(got, Unit::Value)
    .help(help);
    match fix {
        Some(value) => f.fix(Fix::Set {
            pointer: pointer.to_string(),
            value,
        }),
        None => f,
    }
}
