//! Video through an external `ffmpeg`: one command per clip, built from the
//! probed facts and the limits, run with a timeout, its stderr kept (the last
//! 4 KiB) for the report.
//!
//! Choices: H.264 (`libx264`, `-preset medium`, `-crf 20`, `yuv420p`) and AAC
//! 128 kbit/s in MP4 with `+faststart` — what every decoder takes. A clip
//! that must shrink under the size cap gets an average bitrate computed from
//! its length instead of `-crf`. ffmpeg applies the track rotation while
//! decoding, so the output is stored as displayed.

use std::path::Path;

use serde::Serialize;

use crate::decode::process;
use crate::probe::MediaFacts;

/// What the command changes.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct VideoJob {
    /// Cut to this many seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trim_s: Option<f64>,
    /// Re-time to this constant frame rate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fps: Option<u32>,
    /// Scale to this displayed size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale: Option<(u32, u32)>,
    /// Pad to this size (ratio out of range).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pad: Option<(u32, u32)>,
    /// Average video bitrate, bit/s, to fit the size cap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bitrate: Option<u64>,
    /// Whether the clip has an audio track to carry over.
    pub audio: bool,
}

/// `v` rounded to an even number of pixels (up or down), at least 2.
fn even(v: f64, up: bool) -> u32 {
    let x = if up { v.ceil() } else { v.floor() } as u32;
    let e = if up { x + (x & 1) } else { x & !1 };
    e.max(2)
}

/// The changes a clip needs to fit its slot's envelope, from its facts;
/// `trim_to` is the length to cut to when a trim is needed (per clip or for
/// the total).
pub fn job(f: &MediaFacts, slot: &crate::rules::Accepts, trim_to: Option<f64>) -> VideoJob {
    let (min_fps, max_fps) = slot.fps_range();
    let (min_side, max_side) = slot.side_range();
    let (min_ratio, max_ratio) = slot.ratio_range();
    let (min_pixels, max_pixels) = slot.pixel_range();
    let mut j = VideoJob {
        trim_s: trim_to,
        audio: f.has_audio.unwrap_or(true),
        ..VideoJob::default()
    };
    if let Some(fps) = f.fps {
        let low = f.fps_min.map_or(fps, |m| m.min(fps));
        if low < min_fps || fps > max_fps {
            j.fps = Some(fps.round().clamp(min_fps.ceil(), max_fps.floor()) as u32);
        }
    }
    if let (Some(w), Some(h)) = (f.display_width, f.display_height) {
        let (w, h) = (w.max(1) as f64, h.max(1) as f64);
        let px = w * h;
        let (mut tw, mut th) = (w, h);
        if px > max_pixels as f64 || w > max_side as f64 || h > max_side as f64 {
            let s = (max_pixels as f64 / px)
                .sqrt()
                .min(max_side as f64 / w.max(h));
            (tw, th) = (even(w * s, false) as f64, even(h * s, false) as f64);
        } else if px < min_pixels as f64 || w.min(h) < min_side as f64 {
            let s = (min_pixels as f64 / px)
                .sqrt()
                .max(min_side as f64 / w.min(h));
            (tw, th) = (even(w * s, true) as f64, even(h * s, true) as f64);
        }
        if (tw, th) != (w, h) || w as u32 % 2 == 1 || h as u32 % 2 == 1 {
            j.scale = Some((tw as u32 & !1, th as u32 & !1));
        }
        let r = tw / th;
        if r < min_ratio {
            j.pad = Some((even(th * min_ratio, true), th as u32 & !1));
        } else if r > max_ratio {
            j.pad = Some((tw as u32 & !1, even(tw / max_ratio, true)));
        }
    }
    if let (Some(size), Some(d)) = (f.size_bytes, f.duration_s) {
        let d = trim_to.unwrap_or(d).max(0.1);
        if size > slot.max_bytes {
            // 90 % of the cap over the clip's length, minus the audio.
            let total = (slot.max_bytes as f64 * 8.0 * 0.9 / d) as u64;
            j.bitrate = Some(total.saturating_sub(128_000).max(100_000));
        }
    }
    j
}

/// The ffmpeg arguments (after the program name) for `input` → `output`.
pub fn args(input: &Path, output: &Path, j: &VideoJob) -> Vec<String> {
    let mut a: Vec<String> = vec![
        "-nostdin".into(),
        "-y".into(),
        "-v".into(),
        "error".into(),
        "-i".into(),
    ];
    // Absolute and `file:`: no part of a name is read as a protocol.
    a.push(process::ffmpeg_arg(input));
    if let Some(t) = j.trim_s {
        a.extend(["-t".into(), format!("{t:.3}")]);
    }
    let mut vf = Vec::new();
    if let Some((w, h)) = j.scale {
        vf.push(format!("scale={w}:{h}"));
    }
    if let Some((w, h)) = j.pad {
        vf.push(format!("pad={w}:{h}:(ow-iw)/2:(oh-ih)/2"));
    }
    if let Some(fps) = j.fps {
        vf.push(format!("fps={fps}"));
    }
    if !vf.is_empty() {
        a.extend(["-vf".into(), vf.join(",")]);
    }
    a.extend(["-map".into(), "0:v:0".into()]);
    if j.audio {
        a.extend(["-map".into(), "0:a:0?".into()]);
    }
    a.extend([
        "-c:v".into(),
        "libx264".into(),
        "-preset".into(),
        "medium".into(),
    ]);
    match j.bitrate {
        Some(b) => a.extend([
            "-b:v".into(),
            b.to_string(),
            "-maxrate".into(),
            b.to_string(),
            "-bufsize".into(),
            (2 * b).to_string(),
        ]),
        None => a.extend(["-crf".into(), "20".into()]),
    }
    a.extend(["-pix_fmt".into(), "yuv420p".into()]);
    if j.audio {
        a.extend(["-c:a".into(), "aac".into(), "-b:a".into(), "128k".into()]);
    }
    a.extend([
        "-movflags".into(),
        "+faststart".into(),
        "-f".into(),
        "mp4".into(),
    ]);
    a.push(process::ffmpeg_arg(output));
    a
}

/// The command as a shell would take it (for the plan).
pub fn shell_line(program: &Path, args: &[String]) -> String {
    std::iter::once(program.display().to_string())
        .chain(args.iter().cloned())
        .map(|s| {
            if s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./:=+,?".contains(c))
            {
                s
            } else {
                format!("'{}'", s.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
