//! The `model` unit (REQ002): `model` missing, or not a model of the
//! dialect (with where it belongs instead, and Seedance 1.x named as such).

use super::Ctx;
use crate::finding::{Code, Finding, Fix, Limit, Unit};
use crate::spec::join_or;

/// REQ002: `model` missing or not a model of the dialect.
pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
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

/// Whether a model id names a Seedance 1.x model (`doubao-seedance-1-0-pro-250528`,
/// `seedance-1-5-pro`, `bytedance/seedance-1.0-lite`), which the provider's
/// endpoints take beside 2.0 with other limits.
pub(super) fn is_seedance_1x(id: &str) -> bool {
    let id = id.to_ascii_lowercase();
    ["seedance-1-", "seedance-1.", "seedance_1", "seedance1"]
        .iter()
        .any(|p| id.contains(p))
}
