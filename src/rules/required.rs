//! The `required` unit (REQ003): a member the dialect requires is absent.

use super::Ctx;
use crate::finding::{Code, Finding};

pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
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
