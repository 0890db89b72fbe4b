//! `--deep`: a full decode that proves a local asset's payload is intact,
//! after the header probe has said what it is. Images are decoded with the
//! `image` crate (with `Limits`), audio with `symphonia` (every packet); an
//! MP4/MOV video has every sample read and its H.264/HEVC NAL units checked
//! to tile it, and with [`Deep::Ffmpeg`](crate::Deep::Ffmpeg) is decoded by
//! an `ffmpeg` on PATH (`-xerror`, with a timeout). Off by default: it reads
//! whole files.

use std::path::Path;
use std::time::Duration;

use crate::probe::{DeepCheck, Format, Kind, MediaFacts};
use crate::Deep;

/// The most one image decode may allocate.
const MAX_IMAGE_ALLOC: u64 = 1 << 30;
/// The largest file read whole for a decode (above every size limit).
const MAX_FILE: u64 = 512 << 20;
/// The longest one ffmpeg decode may take.
const FFMPEG_TIMEOUT: Duration = Duration::from_secs(120);

/// Decodes `path` as what `facts` says it is, and records the outcome in
/// `facts.deep` (left `None` where nothing here decodes the format).
pub(crate) fn verify(path: &Path, facts: &mut MediaFacts, mode: Deep) {
    if mode == Deep::Off || facts.error.is_some() {
        return;
    }
    let check = match facts.kind {
        Kind::Image => image(path, facts.format),
        Kind::Audio => audio(path),
        // Sound only in a video container: the sound is what decodes.
        Kind::Video if facts.has_video == Some(false) => audio(path),
        Kind::Video if mode == Deep::Ffmpeg => video(path),
        Kind::Video if facts.format.info().prober == crate::probe::Prober::IsoBmff => Some(
            outcome(crate::probe::walk_video_samples(path), "sample walk"),
        ),
        _ => None,
    };
    facts.deep = check;
}

fn image(path: &Path, format: Format) -> Option<DeepCheck> {
    // The formats the `image` build decodes (as `fix` does).
    if !matches!(
        format,
        Format::Jpeg | Format::Png | Format::Gif | Format::Webp | Format::Bmp | Format::Tiff
    ) {
        return None;
    }
    let result = (|| {
        let size = std::fs::metadata(path).map_err(|e| e.to_string())?.len();
        if size > MAX_FILE {
            return Err(format!("{size} bytes: larger than a full decode reads"));
        }
        match crate::fix::image_reader(path, MAX_IMAGE_ALLOC, None)?.decode() {
            Ok(img) => Ok(format!("{}×{} pixels decoded", img.width(), img.height())),
            // A feature the decoder lacks (a TIFF in YCbCr, a BMP with a
            // rare header) or a size above the cap says nothing about
            // damage: not checked, and said so.
            Err(e @ (image::ImageError::Unsupported(_) | image::ImageError::Limits(_))) => {
                Ok(format!("not checked: {e}"))
            }
            Err(e) => Err(e.to_string()),
        }
    })();
    Some(outcome(result, "image"))
}

fn audio(path: &Path) -> Option<DeepCheck> {
    Some(outcome(crate::fix::decode_all(path), "symphonia"))
}

fn video(path: &Path) -> Option<DeepCheck> {
    let ffmpeg = crate::fix::find_ffmpeg(None)?;
    let args: Vec<String> = ["-nostdin", "-v", "error", "-xerror", "-i"]
        .iter()
        .map(|s| s.to_string())
        .chain([path.display().to_string()])
        .chain(
            ["-map", "0:v:0", "-f", "null", "-"]
                .iter()
                .map(|s| s.to_string()),
        )
        .collect();
    let result = crate::fix::run_tool(&ffmpeg, &args, FFMPEG_TIMEOUT)
        .map(|()| "every video frame decoded".to_string())
        .map_err(|e| {
            // The last two lines of ffmpeg's errors say what broke.
            let lines: Vec<&str> = e.lines().filter(|l| !l.trim().is_empty()).collect();
            let tail = lines[lines.len().saturating_sub(2)..].join("; ");
            let head = e.find("): ").map_or("ffmpeg failed", |i| &e[..=i]);
            let mut s = format!("{head}: {tail}");
            if s.len() > 300 {
                let cut = (0..=300)
                    .rev()
                    .find(|&i| s.is_char_boundary(i))
                    .unwrap_or(0);
                s.truncate(cut);
            }
            s
        });
    Some(outcome(result, "ffmpeg"))
}

fn outcome(result: Result<String, String>, by: &'static str) -> DeepCheck {
    match result {
        Ok(detail) => DeepCheck {
            ok: true,
            detail,
            by,
        },
        Err(detail) => DeepCheck {
            ok: false,
            detail,
            by,
        },
    }
}
