//! A value of a field of choices the model does not offer, with the nearest
//! offered value as the fix: what the `quality` (REQ007) and `aspect-ratio`
//! (REQ008) units share.

use super::Ctx;
use crate::finding::{Code, Finding, Fix, Limit, Unit};
use crate::spec::{join_or, Choice};

pub(super) fn choice(
    ctx: &Ctx,
    field: &str,
    code: Code,
    pick: impl Fn(&crate::spec::ModelSpec) -> &Choice,
    out: &mut Vec<Finding>,
) {
    let (Some(model), Some((value, f))) = (ctx.model, ctx.req.str_field(field)) else {
        return;
    };
    let allowed = &pick(model).allowed;
    if allowed.iter().any(|a| a == value) {
        return;
    }
    let list = join_or(&allowed.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>());
    // Only a spelling of an allowed value is suggested ("720P", "16/9", "16x9"):
    // for enumerations, edit distance would offer `480p` for `1080p`.
    let normalized = value
        .trim()
        .to_ascii_lowercase()
        .replace(['/', 'x', '×', '：'], ":");
    let near = allowed
        .iter()
        .find(|a| a.as_str() == normalized)
        .map(String::as_str);
    let help = match near {
        Some(n) => format!("did you mean `{n}`?"),
        None => format!("use {list}"),
    };
    // The fix: the spelling meant, else the nearest offered value (by the
    // number in `1080p`, or the ratio of `21:9`), else the model's default.
    let target = near
        .or_else(|| nearest_choice(value, allowed))
        .or(pick(model).default.as_deref());
    let mut finding = Finding::new(
        code,
        format!(
            "`{field}` `{value}` is not offered by `{}`; it offers {list}",
            model.id
        ),
    )
    .at_node(&f.pointer, &f.node)
    .measured(value, Unit::Value)
    .limit(Limit::one_of(
        allowed.iter().map(String::as_str),
        Unit::Value,
    ))
    .help(help);
    if let Some(t) = target {
        finding = finding.fix(Fix::Set {
            pointer: f.pointer.clone(),
            value: t.into(),
        });
    }
    out.push(finding);
}

/// The offered value closest to `value`: by the number in a resolution
/// (`1080p` → `720p` when 1080p is not offered), or by the ratio of `w:h`.
fn nearest_choice<'a>(value: &str, allowed: &'a [String]) -> Option<&'a str> {
    fn magnitude(v: &str) -> Option<f64> {
        let v = v.trim().to_ascii_lowercase();
        if let Some((w, h)) = v.split_once(':') {
            let (w, h): (f64, f64) = (w.trim().parse().ok()?, h.trim().parse().ok()?);
            return (h > 0.0).then(|| (w / h).ln());
        }
        v.trim_end_matches(['p', 'k']).parse::<f64>().ok()
    }
    let m = magnitude(value)?;
    allowed
        .iter()
        .filter_map(|a| magnitude(a).map(|x| ((x - m).abs(), a.as_str())))
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, a)| a)
}
