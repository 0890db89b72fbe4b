//! What each asset's slot accepts in this request under these settings —
//! computed once per asset from the dialect's limits, the model and the
//! request (the 1080p allowance), carried on the report (`assets[].accepts`)
//! and read by the media rules and by `fix`, so that the judge and the
//! remedy agree by construction.

use serde::Serialize;

use super::Ctx;
use crate::request::AssetRef;
use crate::spec::MediaKind;

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
    /// Shortest and longest clip, seconds (videos and audio; the request's
    /// total may cut the longest further).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<[f64; 2]>,
}

/// The most pixels a video frame may have in this request: the family's, or
/// the larger budget of the quality the request asks for when its model
/// offers that quality (ark's 1080p).
pub(super) fn max_video_pixels(ctx: &Ctx) -> u64 {
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

/// The envelope of asset `i`, when its kind is known.
pub(crate) fn accepts(ctx: &Ctx, i: usize, a: &AssetRef) -> Option<Accepts> {
    let kind = match a.kind {
        MediaKind::Any => match ctx.facts.get(i).copied().flatten().map(|f| f.kind) {
            Some(crate::probe::Kind::Image) => MediaKind::Image,
            Some(crate::probe::Kind::Video) => MediaKind::Video,
            Some(crate::probe::Kind::Audio) => MediaKind::Audio,
            _ => return None,
        },
        k => k,
    };
    let d = ctx.spec;
    Some(match kind {
        MediaKind::Image => Accepts {
            kind: "image",
            formats: d.image.formats.clone(),
            max_bytes: d.image.max_bytes,
            side: Some([d.image.min_side, d.image.max_side]),
            ratio: Some([d.image.min_ratio, d.image.max_ratio]),
            pixels: None,
            fps: None,
            duration_s: None,
        },
        MediaKind::Video => Accepts {
            kind: "video",
            formats: d.video.formats.clone(),
            max_bytes: d.video.max_bytes,
            side: Some([d.video.min_side, d.video.max_side]),
            ratio: Some([d.video.min_ratio, d.video.max_ratio]),
            pixels: Some([d.video.min_pixels, max_video_pixels(ctx)]),
            fps: Some([d.video.min_fps, d.video.max_fps]),
            duration_s: Some([d.video.min_duration_s, d.video.max_duration_s]),
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
        },
        MediaKind::Any => return None,
    })
}
