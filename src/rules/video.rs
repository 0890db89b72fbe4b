//! VID — reference videos: container, length, pixels, frame rate, size,
//! codec, and the totals over all clips (VID004, VID007).

use super::common::{at_asset, clip_length, judgeable_in, ratio_text, readable, too_large, totals};
use super::envelope::Accepts;
use super::Ctx;
use crate::finding::{Code, Finding, Fix, Limit, Reencode, Unit};
use crate::probe::{Kind, MediaFacts};
use crate::spec::MediaKind;

/// VID001–VID010 for every video slot, then the totals.
pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (i, a, f) in judgeable_in(ctx, MediaKind::Video) {
        video(ctx, i, f, out, &at_asset(i, a));
    }
    let v = &ctx.spec.video;
    totals(
        ctx,
        MediaKind::Video,
        (Code::VID004, v.max_total_duration_s, "video"),
        (Code::VID007, v.max_total_bytes, "videos"),
        out,
    );
}

fn video(
    ctx: &Ctx,
    i: usize,
    f: &MediaFacts,
    out: &mut Vec<Finding>,
    at: &dyn Fn(Finding) -> Finding,
) {
    // What the slot accepts: the envelope (pixels with the larger budget of
    // the quality the request asks for, where its model offers one).
    let slot = super::envelope::slot(ctx, i, MediaKind::Video);
    let (min_duration_s, max_duration_s) = slot.duration_range();
    if !readable(
        f,
        Kind::Video,
        &slot.formats,
        (Code::VID001, Code::VID002),
        out,
        at,
    ) {
        return;
    }
    // A container with sound and no picture: a fact of the file, and no
    // reference video.
    if f.has_video == Some(false) {
        out.push(at(Finding::new(
            Code::VID002,
            format!(
                "the {} file holds no video track (audio only{})",
                f.format.info().display,
                f.codec.as_deref().map_or(String::new(), |c| format!(": {c}"))
            ),
        )
        .help("use a clip with a picture track; to send the sound, convert it to WAV or MP3 and put it in the audio slot")));
        return;
    }
    out.extend(
        clip_length(
            f,
            (min_duration_s, max_duration_s),
            Code::VID003,
            ("clip", "video"),
        )
        .map(at),
    );
    resolution(f, &slot, out, at);
    if let Some(scheme) = &f.encryption {
        let how = match scheme.as_str() {
            "?" => "its sample entry is `encv`/`enca`".to_string(),
            s => format!("CENC `{s}`"),
        };
        out.push(at(Finding::new(
            Code::VID009,
            format!("the video is encrypted ({how}): the service cannot decode it"),
        )
        .help(
            "use the unencrypted source, or export the clip again without DRM packaging",
        )));
    }
    frame_rate(f, &slot, out, at);
    out.extend(
        too_large(
            f,
            slot.max_bytes,
            Code::VID007,
            "video",
            "re-encode it at a lower bitrate or trim it",
        )
        .map(at),
    );
}

/// VID005: pixels per frame, a side or the ratio outside the envelope.
fn resolution(
    f: &MediaFacts,
    slot: &Accepts,
    out: &mut Vec<Finding>,
    at: &dyn Fn(Finding) -> Finding,
) {
    let (min_side, max_side) = slot.side_range();
    let (min_ratio, max_ratio) = slot.ratio_range();
    let (min_pixels, max_pixels) = slot.pixel_range();
    if let (Some(w), Some(h)) = (f.display_width, f.display_height) {
        let px = w as u64 * h as u64;
        let ratio = w as f64 / h as f64;
        let mut why = Vec::new();
        if px < min_pixels || px > max_pixels {
            why.push(format!(
                "{px} pixels per frame is outside {}–{max_pixels}",
                min_pixels
            ));
        }
        for v in [w, h] {
            if v < min_side || v > max_side {
                why.push(format!(
                    "a side of {v} px is outside {}–{} px",
                    min_side, max_side
                ));
            }
        }
        if ratio < min_ratio || ratio > max_ratio {
            why.push(format!(
                "width ÷ height = {} is outside {}–{}",
                ratio_text(ratio),
                min_ratio,
                max_ratio
            ));
        }
        if !why.is_empty() {
            let rot = match f.rotation {
                Some(r @ (90 | 270)) => format!(" (displayed, after a {r}° rotation)"),
                _ => String::new(),
            };
            out.push(at(Finding::new(
                Code::VID005,
                format!("the video is {w}×{h}{rot}: {}", why.join("; ")),
            )
            .measured(px, Unit::Px)
            .limit(Limit::between(min_pixels, max_pixels, Unit::Px))
            .fix(Fix::Reencode(Reencode {
                min_pixels: Some(min_pixels),
                max_pixels: Some(max_pixels),
                ..Reencode::default()
            }))
            .help("scale it to 480p–720p, e.g. 1280×720, 720×1280 or 960×960")));
        }
    }
}

/// VID010 (a stretch below the lowest frame rate) and VID006 (the average
/// outside the envelope's band).
fn frame_rate(
    f: &MediaFacts,
    slot: &Accepts,
    out: &mut Vec<Finding>,
    at: &dyn Fn(Finding) -> Finding,
) {
    let (min_fps, max_fps) = slot.fps_range();
    if let (Some(fps), Some(slowest)) = (f.fps, f.fps_min) {
        let average_passes = fps >= min_fps && fps <= max_fps;
        if average_passes && slowest < min_fps {
            out.push(at(Finding::new(
                Code::VID010,
                format!(
                    "the average frame rate is {fps:.3} fps, but the slowest stretch runs at {slowest:.3} fps, below {} fps: the clip's frame rate varies",
                    min_fps
                ),
            )
            .measured(slowest, Unit::Fps)
            .limit(Limit::between(min_fps, max_fps, Unit::Fps))
            .fix(Fix::Reencode(Reencode {
                min_fps: Some(min_fps),
                max_fps: Some(max_fps),
                ..Reencode::default()
            }))
            .help("re-encode at a constant frame rate, e.g. `-vf fps=30 -fps_mode cfr`")));
        }
    }
    if let Some(fps) = f.fps {
        if fps < min_fps || fps > max_fps {
            out.push(at(Finding::new(
                Code::VID006,
                format!(
                    "the average frame rate is {fps:.3} fps; the service accepts {}–{} fps",
                    min_fps, max_fps
                ),
            )
            .measured(fps, Unit::Fps)
            .limit(Limit::between(min_fps, max_fps, Unit::Fps))
            .fix(Fix::Reencode(Reencode {
                min_fps: Some(min_fps),
                max_fps: Some(max_fps),
                ..Reencode::default()
            }))
            .help(format!(
                "re-encode at a constant {} to {} fps (e.g. 24, 30 or 60)",
                min_fps, max_fps
            ))));
        }
    }
}
