//! The `duration` unit (REQ006): outside the model's range or set (a
//! fraction of an accepted value is the `types` unit's REQ005).

use super::Ctx;
use crate::finding::{Code, Finding, Fix, Limit, Unit};
use crate::json::Value;

/// REQ006: `duration` outside the model's range or set.
pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let (Some(model), Some(f)) = (ctx.model, ctx.req.field(&ctx.spec.duration_field)) else {
        return;
    };
    // A number, or (where the dialect types it as a string or a scalar: fal,
    // OpenAI-style `seconds`) a string holding a whole number; `"auto"` and
    // other words are the service's to read.
    let (whole, raw, v, as_text) = match &f.node.value {
        Value::Number(n) => (n.as_whole(), n.raw().to_string(), n.as_f64(), false),
        Value::String(t) => match t.trim().parse::<i64>() {
            Ok(w) => (Some(w), t.clone(), w as f64, true),
            Err(_) => return,
        },
        _ => return,
    };
    let rule = &model.duration;
    let msg = match whole {
        Some(v) if rule.accepts(v) => return,
        Some(v) => format!(
            "duration {v} s is not accepted by `{}`: it takes {}",
            model.id,
            rule.describe()
        ),
        None => format!(
            "duration {raw} is not a whole number of seconds; `{}` takes {}",
            model.id,
            rule.describe()
        ),
    };
    let (help, nearest, limit) = match (&rule.set, rule.min, rule.max) {
        (Some(set), _, _) => (
            format!("set duration to {}", rule.describe()),
            set.iter()
                .copied()
                .min_by(|a, b| (*a as f64 - v).abs().total_cmp(&(*b as f64 - v).abs())),
            Some(Limit::one_of(set.iter().copied(), Unit::S)),
        ),
        (None, Some(lo), Some(hi)) => {
            let nearest = if v.is_nan() {
                lo
            } else {
                (v.round() as i64).clamp(lo, hi)
            };
            (
                format!("set duration to an integer from {lo} to {hi} (nearest: {nearest})"),
                Some(nearest),
                Some(Limit::between(lo, hi, Unit::S)),
            )
        }
        _ => ("remove duration".into(), None, None),
    };
    let mut finding = Finding::new(Code::REQ006, msg)
        .at_node(&f.pointer, &f.node)
        .measured(v, Unit::S)
        .help(help);
    if let Some(limit) = limit {
        finding = finding.limit(limit);
    }
    finding = match nearest {
        Some(value) => finding.fix(Fix::Set {
            pointer: f.pointer.clone(),
            value: if as_text {
                value.to_string().into()
            } else {
                value.into()
            },
        }),
        None => finding.fix(Fix::Remove {
            pointer: f.pointer.clone(),
        }),
    };
    out.push(finding);
}
