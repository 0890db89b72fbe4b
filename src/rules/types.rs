//! The `types` unit (REQ005): a member of the wrong JSON type, an accepted
//! duration written as a fraction, and typed media items of the wrong shape.

use super::common::article;
use super::fields::winning_fields;
use super::items::{items, type_names};
use super::Ctx;
use crate::finding::{Code, Finding, Fix, Unit};
use crate::json::{path, Node, Value};
use crate::spec::{join_or, FieldType};

pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    shapes(ctx, out);
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
            fraction(ctx, f, out);
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

/// REQ005 (a warning): an accepted duration written as a fraction (`5.0`).
/// JSON Schema counts it as an integer, strict decoders (Go's) refuse it.
fn fraction(ctx: &Ctx, f: &crate::request::Field, out: &mut Vec<Finding>) {
    let (Some(model), Value::Number(n)) = (ctx.model, &f.node.value) else {
        return;
    };
    if let (None, Some(v)) = (n.as_i64(), n.as_whole()) {
        if model.duration.accepts(v) {
            out.push(
                Finding::new(
                    Code::REQ005,
                    format!("duration is written as {}; some decoders refuse a fraction in an integer field", n.raw()),
                )
                .case("fraction")
                .at_node(&f.pointer, &f.node)
                .measured(n.as_f64(), Unit::S)
                .help(format!("write {v}"))
                .fix(Fix::Set {
                    pointer: f.pointer.clone(),
                    value: v.into(),
                }),
            );
        }
    }
}

/// REQ005: an item that is not an object, has no string `type`, or lacks
/// the value its type needs (the text, the URL).
fn shapes(ctx: &Ctx, out: &mut Vec<Finding>) {
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
