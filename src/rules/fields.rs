//! The request's members: the `model` unit (REQ002), the `required` unit
//! (REQ003), and the members each rule reads (`winning_fields`).

use super::Ctx;
use crate::finding::{Code, Finding, Fix, Limit, Unit};
use crate::spec::join_or;

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

/// The members that count: the last of each name (REQ021 reports the others).
pub(super) fn winning_fields<'a>(
    ctx: &'a Ctx,
) -> impl Iterator<Item = &'a crate::request::Field> + 'a {
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
