//! `--deep`: a full decode that proves a local asset's payload is intact,
//! after the header probe has said what it is. Images are decoded with the
//! `image` crate (with `Limits`), audio with `symphonia` (every packet); an
//! MP4/MOV video has every sample read and its H.264/HEVC NAL units checked
//! to tile it, and with [`Deep::Ffmpeg`](crate::Deep::Ffmpeg) is decoded by
//! an `ffmpeg` on PATH (`-xerror`, with a timeout). Off by default: it reads
//! whole files.

//!
//! Bounded for the whole run, not per decode: every image decode reserves
//! what it may allocate from one process-wide budget
//! ([`crate::membudget::DECODES`], 1 GiB) and waits while others hold it;
//! every read of a decode stops at the run's deadline, and an ffmpeg
//! decode is killed (its whole process group) when the deadline comes.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::probe::{DeepCheck, Format, Kind, MediaFacts};
use crate::source::DEADLINE_PASSED;
use crate::Deep;
/// The largest file read whole for a decode (above every size limit).
const MAX_FILE: u64 = 512 << 20;
/// The longest one ffmpeg decode may take.
const FFMPEG_TIMEOUT: Duration = Duration::from_secs(120);

/// Decodes `path` as what `facts` says it is, and records the outcome in
/// `facts.deep` (left `None` where nothing here decodes the format).
/// `deadline` is the run's: a decode not finished by then is "not
/// checked", never damage.
pub(crate) fn verify(path: &Path, facts: &mut MediaFacts, mode: Deep, deadline: Option<Instant>) {
    if mode == Deep::Off || facts.error.is_some() {
        return;
    }
    let check = match facts.kind {
        Kind::Image => image(path, facts, deadline),
        Kind::Audio => audio(path, deadline),
        // Sound only in a video container: the sound is what decodes.
        Kind::Video if facts.has_video == Some(false) => audio(path, deadline),
        Kind::Video if mode == Deep::Ffmpeg => video(path, deadline),
        Kind::Video if facts.format.info().prober == crate::probe::Prober::IsoBmff => {
            Some(outcome(walk(path, deadline), "sample walk", deadline))
        }
        _ => None,
    };
    facts.deep = check;
}

/// Every video sample read (through the deadline).
fn walk(path: &Path, deadline: Option<Instant>) -> Result<String, String> {
    let file = crate::source::open_regular(path).map_err(|e| e.to_string())?;
    let size = file.metadata().map_err(|e| e.to_string())?.len();
    let mut r = std::io::BufReader::new(crate::source::Deadlined {
        inner: file,
        deadline,
    });
    crate::probe::walk_video_samples_in(&mut r, size)
}

fn image(path: &Path, facts: &MediaFacts, deadline: Option<Instant>) -> Option<DeepCheck> {
    let format = facts.format;
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
        // What the decode may allocate: 8 bytes a pixel (16-bit RGBA) by
        // the probed size, reserved from the run's budget before it starts.
        let pixels = u64::from(facts.width.unwrap_or(0)) * u64::from(facts.height.unwrap_or(0));
        let want = pixels.saturating_mul(8).max(1 << 20);
        let Some(held) = crate::membudget::DECODES.reserve(want, deadline) else {
            return Ok(format!(
                "not checked: {DEADLINE_PASSED} while waiting for memory"
            ));
        };
        match crate::decode::image::reader(path, held.bytes, None, deadline)?.decode() {
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
    Some(outcome(result, "image", deadline))
}

fn audio(path: &Path, deadline: Option<Instant>) -> Option<DeepCheck> {
    Some(outcome(
        crate::decode::audio::decode_all(path, deadline),
        "symphonia",
        deadline,
    ))
}

fn video(path: &Path, deadline: Option<Instant>) -> Option<DeepCheck> {
    let ffmpeg = crate::decode::process::find_ffmpeg(None)?;
    let args: Vec<String> = ["-nostdin", "-v", "error", "-xerror", "-i"]
        .iter()
        .map(|s| s.to_string())
        .chain([crate::decode::process::ffmpeg_arg(path)])
        .chain(
            ["-map", "0:v:0", "-f", "null", "-"]
                .iter()
                .map(|s| s.to_string()),
        )
        .collect();
    let timeout = deadline.map_or(FFMPEG_TIMEOUT, |d| {
        FFMPEG_TIMEOUT.min(d.saturating_duration_since(Instant::now()))
    });
    let result = crate::decode::process::run(&ffmpeg, &args, timeout)
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
    Some(outcome(result, "ffmpeg", deadline))
}

/// A failure after the deadline passed is the deadline's doing: not checked.
fn outcome(
    result: Result<String, String>,
    by: &'static str,
    deadline: Option<Instant>,
) -> DeepCheck {
    let late = deadline.is_some_and(|d| Instant::now() >= d);
    let result = match result {
        Err(_) if late => Ok(format!("not checked: {DEADLINE_PASSED} during the decode")),
        r => r,
    };
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
