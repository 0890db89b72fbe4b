//! What each asset's slot accepts in this request under these settings —
//! computed once per asset from the dialect's limits, the model and the
//! request (the 1080p allowance), carried on the report (`assets[].accepts`)
//! and read by the media rules and by `fix`, so that the judge and the
//! remedy agree by construction.

use std::borrow::Cow;

use serde::Serialize;

use super::Ctx;
use crate::request::AssetRef;
use crate::spec::{ImageLimits, MediaKind};

/// The envelope of one asset: every bound its file must fall within.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Accepts {
    /// `image`, `video` or `audio` (for an entry of a mixed array, the kind
    /// its bytes showed; `None` where not known).
    pub kind: &'static str,
    /// Container formats accepted.
    pub formats: Vec<String>,
    /// The largest file, bytes.
    pub max_bytes: u64,
    /// Shortest and longest side, pixels (images and videos).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub side: Option<[u32; 2]>,
    /// Width ÷ height, lowest and highest (images and videos).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ratio: Option<[f64; 2]>,
    /// Pixels per frame, fewest and most — the most is the larger budget
    /// of the quality the request asks for where its model offers one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pixels: Option<[u64; 2]>,
    /// Frames per second, lowest and highest (videos).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fps: Option<[f64; 2]>,
    /// Shortest and longest clip, seconds (videos and audio), each clip on
    /// its own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<[f64; 2]>,
    /// The longest this clip may be in this request, seconds (videos and
    /// audio): `duration_s`'s longest, lowered where the clips of its kind
    /// together would pass the request's total — cut from the last clip
    /// backwards, each kept at least at the shortest. A clip longer than
    /// this is what `fix` trims, to this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length_s: Option<f64>,
}

impl Accepts {
    /// Shortest and longest side, px (unbounded where not limited).
    pub fn side_range(&self) -> (u32, u32) {
        self.side.map_or((0, u32::MAX), |[a, b]| (a, b))
    }

    /// Lowest and highest width ÷ height (unbounded where not limited).
    pub fn ratio_range(&self) -> (f64, f64) {
        self.ratio.map_or((0.0, f64::INFINITY), |[a, b]| (a, b))
    }

    /// Fewest and most pixels per frame (unbounded where not limited).
    pub fn pixel_range(&self) -> (u64, u64) {
        self.pixels.map_or((0, u64::MAX), |[a, b]| (a, b))
    }

    /// Lowest and highest frame rate (unbounded where not limited).
    pub fn fps_range(&self) -> (f64, f64) {
        self.fps.map_or((0.0, f64::INFINITY), |[a, b]| (a, b))
    }

    /// Shortest and longest clip on its own, seconds (unbounded where not
    /// limited).
    pub fn duration_range(&self) -> (f64, f64) {
        self.duration_s
            .map_or((0.0, f64::INFINITY), |[a, b]| (a, b))
    }

    /// Whether the slot takes files of this format name (`"png"`, `"mp3"`).
    pub fn takes(&self, format: &str) -> bool {
        self.formats.iter().any(|f| f == format)
    }
}

/// The most pixels a video frame may have in this request: the family's, or
/// the larger budget of the quality the request asks for when its model
/// offers that quality (ark's 1080p).
fn max_video_pixels(ctx: &Ctx) -> u64 {
    let lim = &ctx.spec.video;
    ctx.req
        .str_field(&ctx.spec.quality_field)
        .and_then(|(q, _)| {
            ctx.model
                .filter(|m| m.qualities.allowed.iter().any(|x| x == q))
                .and(lim.max_pixels_by_quality.get(q))
        })
        .copied()
        .unwrap_or(lim.max_pixels)
}

/// The envelope of every asset of the request (same order as its assets;
/// `None` where the kind is not known), the totals of each kind applied.
pub(crate) fn all(ctx: &Ctx) -> Vec<Option<Accepts>> {
    let mut out: Vec<Option<Accepts>> = ctx
        .req
        .assets
        .iter()
        .enumerate()
        .map(|(i, a)| accepts(ctx, i, a))
        .collect();
    for (kind, max_total) in [
        ("audio", ctx.spec.audio.max_total_duration_s),
        ("video", ctx.spec.video.max_total_duration_s),
    ] {
        // The judged clips of this kind (a clip whose probe failed is not
        // counted), with their lengths where known.
        let clips: Vec<(usize, Option<f64>)> = out
            .iter()
            .enumerate()
            .filter(|(_, e)| e.as_ref().is_some_and(|e| e.kind == kind))
            .filter_map(|(i, _)| {
                let f = ctx.facts.get(i).copied().flatten()?;
                f.error.is_none().then_some((i, f.duration_s))
            })
            .collect();
        for (i, max) in max_lengths(&clips, &out, max_total) {
            if let Some(e) = out[i].as_mut() {
                e.max_length_s = Some(max);
            }
        }
    }
    out
}

/// Each clip's longest after the total: every known clip kept at its own
/// longest at most, then, while all together pass `max_total`, cut from the
/// last backwards (each kept at least at its shortest); then each gets the
/// room left under the total, up to its own longest. A clip of unknown
/// length counts at its shortest, and gets the room the others leave.
fn max_lengths(
    clips: &[(usize, Option<f64>)],
    env: &[Option<Accepts>],
    max_total: f64,
) -> Vec<(usize, f64)> {
    let range = |i: usize| {
        env[i]
            .as_ref()
            .map_or((0.0, f64::INFINITY), Accepts::duration_range)
    };
    let mut target: Vec<Option<f64>> = clips
        .iter()
        .map(|&(i, l)| l.map(|l| l.min(range(i).1)))
        .collect();
    // A clip of unknown length counts at its shortest (it must be at least
    // that long).
    let unknown_min: f64 = clips
        .iter()
        .filter(|(_, l)| l.is_none())
        .map(|&(i, _)| range(i).0)
        .sum();
    let mut excess = target.iter().flatten().sum::<f64>() + unknown_min - max_total;
    for (t, &(i, _)) in target.iter_mut().zip(clips).rev() {
        let Some(t) = t.as_mut() else { continue };
        if excess <= 1e-9 {
            break;
        }
        let take = (*t - range(i).0).max(0.0).min(excess);
        *t -= take;
        excess -= take;
    }
    let known: f64 = target.iter().flatten().sum();
    let room = (max_total - known - unknown_min).max(0.0);
    clips
        .iter()
        .zip(target)
        .map(|(&(i, _), t)| {
            let (min, max) = range(i);
            let most = match t {
                Some(t) => (t + room).min(max),
                None => (room + min).min(max),
            };
            (i, most)
        })
        .collect()
}

/// The envelope of asset `i` on its own, when its kind is known.
fn accepts(ctx: &Ctx, i: usize, a: &AssetRef) -> Option<Accepts> {
    // In a mixed array, only what the bytes showed (a name alone is not
    // enough to say what the file must be).
    let probed = || {
        ctx.facts
            .get(i)
            .copied()
            .flatten()
            .is_some_and(|f| f.kind != crate::probe::Kind::Unknown)
    };
    if a.kind == MediaKind::Any && !probed() {
        return None;
    }
    Some(of_kind(ctx, ctx.kind(i)?))
}

/// What asset `i`'s slot accepts, judged as `kind`: its envelope, or (an
/// entry of a mixed array whose bytes named no kind, judged by its name)
/// the envelope of a slot of that kind in this request.
pub(super) fn slot<'a>(ctx: &Ctx<'a>, i: usize, kind: MediaKind) -> Cow<'a, Accepts> {
    match ctx.accepts(i).filter(|a| a.kind == kind.as_str()) {
        Some(a) => Cow::Borrowed(a),
        None => Cow::Owned(of_kind(ctx, kind)),
    }
}

/// The envelope of an image slot with these limits (no request changes it).
pub(crate) fn image_slot(lim: &ImageLimits) -> Accepts {
    Accepts {
        kind: "image",
        formats: lim.formats.clone(),
        max_bytes: lim.max_bytes,
        side: Some([lim.min_side, lim.max_side]),
        ratio: Some([lim.min_ratio, lim.max_ratio]),
        pixels: None,
        fps: None,
        duration_s: None,
        max_length_s: None,
    }
}

/// The envelope of a slot of `kind` in this request, before the totals
/// (`Any`: an image slot's, as an entry of unknown kind is judged).
fn of_kind(ctx: &Ctx, kind: MediaKind) -> Accepts {
    let d = ctx.spec;
    match kind {
        MediaKind::Image | MediaKind::Any => image_slot(&d.image),
        MediaKind::Video => Accepts {
            kind: "video",
            formats: d.video.formats.clone(),
            max_bytes: d.video.max_bytes,
            side: Some([d.video.min_side, d.video.max_side]),
            ratio: Some([d.video.min_ratio, d.video.max_ratio]),
            pixels: Some([d.video.min_pixels, max_video_pixels(ctx)]),
            fps: Some([d.video.min_fps, d.video.max_fps]),
            duration_s: Some([d.video.min_duration_s, d.video.max_duration_s]),
            max_length_s: None,
        },
        MediaKind::Audio => Accepts {
            kind: "audio",
            formats: d.audio.formats.clone(),
            max_bytes: d.audio.max_bytes,
            side: None,
            ratio: None,
            pixels: None,
            fps: None,
            duration_s: Some([d.audio.min_duration_s, d.audio.max_duration_s]),
            max_length_s: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clip(min: f64, max: f64) -> Option<Accepts> {
        Some(Accepts {
            kind: "video",
            formats: vec!["mp4".into()],
            max_bytes: 50_000_000,
            side: None,
            ratio: None,
            pixels: None,
            fps: None,
            duration_s: Some([min, max]),
            max_length_s: None,
        })
    }

    fn lengths(lens: &[Option<f64>], total: f64) -> Vec<f64> {
        let env: Vec<_> = lens.iter().map(|_| clip(2.0, 15.0)).collect();
        let clips: Vec<_> = lens.iter().copied().enumerate().collect();
        max_lengths(&clips, &env, total)
            .into_iter()
            .map(|(_, m)| m)
            .collect()
    }

    #[test]
    fn the_total_cuts_from_the_last_clip_backwards_and_leaves_room_to_the_rest() {
        // 10 + 8 > 15: the last is cut to 5, the first keeps 10.
        assert_eq!(lengths(&[Some(10.0), Some(8.0)], 15.0), [10.0, 5.0]);
        // 4 + 5 < 15: each may grow by the 6 s left, up to its own 15.
        assert_eq!(lengths(&[Some(4.0), Some(5.0)], 15.0), [10.0, 11.0]);
        // A clip alone: its own longest, even when it is longer.
        assert_eq!(lengths(&[Some(20.0)], 15.0), [15.0]);
        // Each kept at least at the shortest: 14 + 2 + 2 > 15 cuts the
        // last ones to 2 and then the first to 11.
        assert_eq!(
            lengths(&[Some(14.0), Some(6.0), Some(6.0)], 15.0),
            [11.0, 2.0, 2.0]
        );
        // A clip of unknown length gets the room the known ones leave.
        // (counted at its shortest when the room is shared out).
        assert_eq!(lengths(&[Some(12.0), None], 15.0), [13.0, 3.0]);
        assert_eq!(lengths(&[Some(4.0), None, None], 15.0), [11.0, 9.0, 9.0]);
        // … and the known ones are cut to leave it that much.
        assert_eq!(lengths(&[Some(14.5), None], 15.0), [13.0, 2.0]);
    }
}
