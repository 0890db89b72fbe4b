//! REQ090 (a fact, not a finding): what the service will render and bill,
//! from the request alone; report data (`predicted`), never a gate.
//! An `adaptive` ratio that follows the first frame is resolved once the frame
//! has been probed; without it the size stays unknown and the note says why.

use serde::Serialize;

use super::common::AssetFacts;
use super::Ctx;
use crate::json::Value;
use crate::probe::Kind;
use crate::spec::{MediaKind, Mode, ModelSpec};

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

/// The predicted output, when the model is known.
pub(super) fn predict(ctx: &Ctx) -> Option<Predicted> {
    let facts: &AssetFacts = ctx.facts;
    let model = ctx.model?;
    let q = &model.qualities;
    let r = &model.aspect_ratios;
    let quality = chosen(ctx, &ctx.spec.quality_field, &q.allowed, &q.default).ok()?;
    let mode = ctx.mode().unwrap_or(model.mode);
    // The default ratio may differ when the request has a first frame.
    let default_ratio = match (&r.default_with_first_frame, mode) {
        (Some(d), Mode::FirstLastFrame) => Some(d.clone()),
        _ => r.default.clone(),
    };
    let ratio = chosen(
        ctx,
        &ctx.spec.aspect_ratio_field,
        &r.allowed,
        &default_ratio,
    )
    .ok()?;
    let mut notes = Vec::new();
    let duration_s = match ctx
        .req
        .field(&ctx.spec.duration_field)
        .map(|f| &f.node.value)
    {
        None => model.duration.default,
        Some(Value::Number(n)) if n.as_whole().is_some() && n.as_whole() == model.duration.auto => {
            notes.push(format!(
                "duration {}: the model chooses the length ({}), so the seconds are known after generation",
                n.raw(),
                model.duration.describe().split(", or").next().unwrap_or_default()
            ));
            None
        }
        // `5.0` reads as 5 (REQ005 warns about the spelling).
        Some(Value::Number(n)) => Some(n.as_whole().filter(|v| model.duration.accepts(*v))?),
        Some(_) => return None,
    };
    let size = output_size(ctx, model, mode, (&quality, &ratio), &mut notes);
    if duration_s.is_none() && ctx.req.field(&ctx.spec.duration_field).is_none() {
        notes.push("duration not given, and the dialect documents no default".into());
    }
    let videos: Vec<Option<f64>> = ctx
        .req
        .assets
        .iter()
        .enumerate()
        .filter(|(_, a)| model.media_range(a.slot()).is_some())
        .filter_map(|(i, _)| {
            let f = facts.get(i).copied().flatten();
            let is_video = ctx.kind(i) == Some(MediaKind::Video);
            is_video.then(|| f.filter(|f| f.error.is_none()).and_then(|f| f.duration_s))
        })
        .collect();
    let reference_video_s = videos
        .iter()
        .copied()
        .sum::<Option<f64>>()
        // `+ 0.0`: an empty float sum is -0.0.
        .map(|s| (s * 1000.0).round() / 1000.0 + 0.0);
    if reference_video_s.is_none() {
        notes.push(format!(
            "{} reference video(s) are billed by their length, known once they are read",
            videos.len()
        ));
    }
    let billable_s = match (duration_s, reference_video_s) {
        (Some(d), Some(v)) => Some(((d as f64 + v) * 1000.0).round() / 1000.0),
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
    Some(p)
}
/// The output's pixel size for this quality and ratio (an adaptive ratio
/// follows the first image), with notes on what is not known yet.
fn output_size(
    ctx: &Ctx,
    model: &ModelSpec,
    mode: Mode,
    (quality, ratio): (&Option<String>, &Option<String>),
    notes: &mut Vec<String>,
) -> Option<[u32; 2]> {
    match (quality, ratio) {
        (Some(q), Some(r)) if r == "adaptive" => match (mode, first_image(ctx, ctx.facts)) {
            (Mode::Text, _) => {
                notes.push("adaptive: the model picks the ratio from the prompt".into());
                None
            }
            (_, Some((w, h))) => {
                let nearest = nearest_ratio(w, h, &r_allowed(model));
                let size = nearest
                    .as_ref()
                    .and_then(|n| ctx.spec.output_sizes.get(q).and_then(|t| t.get(n)).copied());
                if let Some(n) = &nearest {
                    notes.push(format!("adaptive: the first image is {w}×{h} as displayed, nearest listed ratio {n}"));
                }
                size
            }
            (_, None) => {
                notes.push(format!("adaptive: the ratio follows the first image ({q} size resolved once the image is read)"));
                None
            }
        },
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
            notes.push(
                "quality or aspect ratio not given, and the dialect documents no default".into(),
            );
            None
        }
    }
}

fn r_allowed(model: &ModelSpec) -> Vec<String> {
    model
        .aspect_ratios
        .allowed
        .iter()
        .filter(|r| *r != "adaptive")
        .cloned()
        .collect()
}

/// Displayed size of the first image of the request, when probed: the item
/// whose role is the first frame where roles are given, else the first image.
fn first_image(ctx: &Ctx, facts: &AssetFacts) -> Option<(u32, u32)> {
    let size = |i: usize| {
        let f = facts.get(i).copied().flatten()?;
        (f.kind == Kind::Image && f.error.is_none())
            .then_some((f.display_width?, f.display_height?))
    };
    let framed = ctx.req.assets.iter().position(|a| {
        a.role.as_deref().is_some_and(|r| {
            ctx.spec.items.as_ref().is_some_and(|items| {
                items.modes.iter().any(|m| {
                    m.mode == Mode::FirstLastFrame && m.roles.first().is_some_and(|f| f == r)
                })
            })
        })
    });
    match framed {
        Some(i) => size(i),
        None => (0..ctx.req.assets.len()).find_map(size),
    }
}

/// The listed ratio closest to w:h, compared on a logarithmic scale so that
/// 2:1 is as far from 1:1 as 1:2 is.
pub(crate) fn nearest_ratio(w: u32, h: u32, allowed: &[String]) -> Option<String> {
    let r = (w as f64 / h as f64).ln();
    allowed
        .iter()
        .filter_map(|a| {
            let (x, y) = a.split_once(':')?;
            let v = (x.parse::<f64>().ok()? / y.parse::<f64>().ok()?).ln();
            Some(((v - r).abs(), a))
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, a)| a.clone())
}

impl Predicted {
    /// In words: `output 992×432 (480p, 21:9), 15 s long; billable 15 s`.
    pub fn describe(&self) -> String {
        describe(self)
    }
}

fn describe(p: &Predicted) -> String {
    let size = match (p.width, p.height) {
        (Some(w), Some(h)) => format!("{w}×{h}"),
        _ => "size unknown".into(),
    };
    let quality = p.quality.as_deref().unwrap_or("quality unset");
    let ratio = p.aspect_ratio.as_deref().unwrap_or("ratio unset");
    let length = p
        .duration_s
        .map_or("length unset".into(), |d| format!("{d} s long"));
    let billable = p.billable_s.map_or("billable seconds unknown".into(), |v| {
        format!("billable {} s", secs(v))
    });
    let mut s = format!("output {size} ({quality}, {ratio}), {length}; {billable}");
    for n in &p.notes {
        s.push_str("; ");
        s.push_str(n);
    }
    s
}

/// Seconds with at most three decimals and no trailing zeros: 8, 12.903.
fn secs(v: f64) -> String {
    let t = format!("{v:.3}");
    t.trim_end_matches('0').trim_end_matches('.').to_string()
}
