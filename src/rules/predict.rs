//! REQ090: what the service will render and bill, from the request alone.
//! An `adaptive` ratio that follows the first frame is resolved once the frame
//! has been probed; without it the size stays unknown and the note says why.

use serde::Serialize;

use super::Ctx;
use crate::finding::{Code, Finding};
use crate::json::Value;
use crate::spec::{MediaKind, Mode};

/// The output the service will produce, as far as the request tells.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Predicted {
    /// Output quality (`720p`), the request's or the documented default.
    pub quality: Option<String>,
    /// Aspect ratio as requested (`16:9`, `adaptive`).
    pub aspect_ratio: Option<String>,
    /// Output width in pixels, when known.
    pub width: Option<u32>,
    /// Output height in pixels, when known.
    pub height: Option<u32>,
    /// Output length in seconds.
    pub duration_s: Option<i64>,
    /// Seconds of reference video billed as input, when known.
    pub reference_video_s: Option<f64>,
    /// Output seconds plus reference video seconds, when known.
    pub billable_s: Option<f64>,
    /// What could not be resolved, and why.
    pub notes: Vec<String>,
}

/// A choice field's value: the request's when it is an offered one, else the
/// documented default. `Err` when the request's value is not offered.
fn chosen(
    ctx: &Ctx,
    field: &str,
    allowed: &[String],
    default: &Option<String>,
) -> Result<Option<String>, ()> {
    match ctx.req.field(field).map(|f| &f.node.value) {
        None => Ok(default.clone()),
        Some(Value::String(s)) if allowed.contains(s) => Ok(Some(s.clone())),
        Some(_) => Err(()),
    }
}

pub(super) fn predict(ctx: &Ctx, out: &mut Vec<Finding>) -> Option<Predicted> {
    let model = ctx.model?;
    let q = &model.qualities;
    let r = &model.aspect_ratios;
    let quality = chosen(ctx, &ctx.spec.quality_field, &q.allowed, &q.default).ok()?;
    let ratio = chosen(ctx, &ctx.spec.aspect_ratio_field, &r.allowed, &r.default).ok()?;
    let duration_s = match ctx.req.field("duration").map(|f| &f.node.value) {
        None => model.duration.default,
        Some(Value::Number(n)) => Some(n.as_i64().filter(|v| model.duration.accepts(*v))?),
        Some(_) => return None,
    };
    let mut notes = Vec::new();
    let size = match (&quality, &ratio) {
        (Some(q), Some(r)) if r == "adaptive" => {
            notes.push(match model.mode {
                Mode::Text => "adaptive: the model picks the ratio from the prompt".to_string(),
                _ => format!("adaptive: the ratio follows the first frame ({q} size resolved once the image is read)"),
            });
            None
        }
        (Some(q), Some(r)) => {
            let size = ctx.spec.output_sizes.get(q).and_then(|t| t.get(r)).copied();
            if size.is_none() {
                notes.push(format!(
                    "the provider documents no pixel size for {q} at {r}"
                ));
            }
            size
        }
        _ => {
            notes.push("the dialect documents no default quality or aspect ratio".into());
            None
        }
    };
    if duration_s.is_none() {
        notes.push("the dialect documents no default duration".into());
    }
    let videos = ctx
        .req
        .assets
        .iter()
        .filter(|a| model.media_range(&a.field).is_some())
        .filter(|a| match a.kind {
            MediaKind::Any => super::media::kind_from_extension(&a.uri) == Some(MediaKind::Video),
            k => k == MediaKind::Video,
        })
        .count();
    let reference_video_s = if videos == 0 { Some(0.0) } else { None };
    if videos > 0 {
        notes.push(format!(
            "{videos} reference video(s) are billed by their length, known once they are read"
        ));
    }
    let billable_s = match (duration_s, reference_video_s) {
        (Some(d), Some(v)) => Some(d as f64 + v),
        _ => None,
    };
    let p = Predicted {
        quality,
        aspect_ratio: ratio,
        width: size.map(|s| s[0]),
        height: size.map(|s| s[1]),
        duration_s,
        reference_video_s,
        billable_s,
        notes,
    };
    out.push(Finding::new(Code::REQ090, describe(&p)));
    Some(p)
}

fn describe(p: &Predicted) -> String {
    let size = match (p.width, p.height) {
        (Some(w), Some(h)) => format!("{w}×{h}"),
        _ => "size not yet known".into(),
    };
    let show = |o: &Option<String>| o.clone().unwrap_or_else(|| "default".into());
    let secs = |o: Option<f64>| o.map_or("unknown".into(), |v| format!("{v} s"));
    let mut s = format!(
        "output {size} ({}, {}), {} long; billable {}",
        show(&p.quality),
        show(&p.aspect_ratio),
        p.duration_s
            .map_or("default length".into(), |d| format!("{d} s")),
        secs(p.billable_s)
    );
    for n in &p.notes {
        s.push_str("; ");
        s.push_str(n);
    }
    s
}
