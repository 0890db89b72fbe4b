//! One job per asset to rewrite: what to do to an image, an audio clip or a
//! video, decided from its probed facts, its findings and its envelope (what
//! the rules say its slot accepts in this request).

use std::path::{Path, PathBuf};

use super::lengths::{suffixed, Totals};
use super::Planner;
use super::{image, video};
use crate::finding::Fix;
use crate::fix::{AudioJob, Job, Work};
use crate::probe::{Format, Kind, MediaFacts};
use crate::rules::{remedy, Accepts, Remedy};
use crate::spec::MediaKind;

/// What a job says and does, gathered while it is planned.
struct Draft {
    /// In words, in order.
    actions: Vec<String>,
    /// Whether it removes content.
    lossy: bool,
    /// An external decoder run before an image job.
    convert: Option<image::Convert>,
}

/// The kind of file to write and the envelope to aim at, or why no rewrite
/// can help (a file to replace, or one of another kind than its slot's).
fn what_to_write<'a>(
    f: &MediaFacts,
    slot: MediaKind,
    media: &[&&crate::Finding],
    slot_accepts: Option<&'a Accepts>,
) -> Result<(&'static str, &'a Accepts), String> {
    if let Some(bad) = media.iter().find(|f| remedy(f) == Remedy::Replace) {
        return Err(format!(
            "{}: no rewrite can repair it; {}",
            bad.message,
            bad.help.as_deref().unwrap_or("")
        ));
    }
    let wrong = || {
        format!(
            "the file is {}, not what this slot takes: replace it",
            f.format.describe()
        )
    };
    let kind = match (slot, f.kind) {
        (MediaKind::Image | MediaKind::Any, Kind::Image) => "image",
        (MediaKind::Video | MediaKind::Any, Kind::Video) => "video",
        (MediaKind::Audio | MediaKind::Any, Kind::Audio) => "audio",
        _ => return Err(wrong()),
    };
    match slot_accepts.filter(|a| a.kind == kind) {
        Some(acc) => Ok((kind, acc)),
        None => Err(wrong()),
    }
}

/// The output's name without its extension: the input's (a download, named
/// `<hash>-<name>`, keeps its name).
fn output_stem(path: &Path, downloaded: bool) -> String {
    let stem = path
        .file_stem()
        .map_or("asset".into(), |s| s.to_string_lossy().into_owned());
    match downloaded {
        true => stem
            .split_once('-')
            .map_or(stem.clone(), |(_, n)| n.to_string()),
        false => stem,
    }
}

/// Whether every finding of a clip is about its length.
fn length_only(media: &[&&crate::Finding]) -> bool {
    media.iter().all(|f| remedy(f).is_length())
}

impl Planner<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn job(
        &mut self,
        path: &Path,
        f: &MediaFacts,
        slot: MediaKind,
        media: &[&&crate::Finding],
        slot_accepts: Option<&Accepts>,
        totals: &Totals,
        index: usize,
        download: Option<String>,
    ) -> Result<usize, String> {
        let (kind, acc) = what_to_write(f, slot, media, slot_accepts)?;
        let stem = output_stem(path, download.is_some());
        let mut actions = Vec::new();
        if let Some(u) = &download {
            actions.push(format!("download {u} → {}", path.display()));
        }
        let mut d = Draft {
            actions,
            lossy: false,
            convert: None,
        };
        let (ext, work) = match kind {
            "image" => {
                let (ext, j) = self.image_job(path, f, &stem, media, acc, &mut d)?;
                (ext, Work::Image(j))
            }
            "audio" => {
                let (ext, a) = self.audio_job(f, media, acc, totals, index, &mut d)?;
                (ext, Work::Audio(a))
            }
            _ => (
                "mp4",
                Work::Video(self.video_job(f, media, acc, totals, index, &mut d)?),
            ),
        };
        let Draft {
            actions,
            lossy,
            convert,
        } = d;
        let key = format!("{}|{kind}|{work:?}", path.display());
        if let Some(&id) = self.by_key.get(&key) {
            // A job of this chunk lists every finding it answers; one of an
            // earlier chunk is planned (and written) already.
            if let Some(job) = id.checked_sub(self.base).map(|i| &mut self.jobs[i]) {
                for c in media.iter().map(|f| f.code) {
                    if !job.codes.contains(&c) {
                        job.codes.push(c);
                    }
                }
            }
            return Ok(id);
        }
        let base = format!("{stem}.{ext}");
        let n = self.names.entry(base.clone()).or_insert(0);
        *n += 1;
        let file = if *n == 1 { base } else { suffixed(&base, *n) };
        let output = self.opts.out.join("assets").join(&file);
        let id = self.base + self.jobs.len();
        let (command, args, blocked) = match (&work, &convert) {
            // The converter's arguments stay in `convert`.
            (_, Some(c)) => (Some(image::convert_line(c)), Vec::new(), None),
            (Work::Video(j), None) => {
                let args = video::args(path, &output, j);
                let prog = self
                    .ffmpeg
                    .clone()
                    .unwrap_or_else(|| PathBuf::from("ffmpeg"));
                let blocked = self.ffmpeg.is_none().then(|| "no ffmpeg found (install it, or give --ffmpeg PATH); run the command yourself".to_string());
                (Some(video::shell_line(&prog, &args)), args, blocked)
            }
            _ => (None, Vec::new(), None),
        };
        self.jobs.push(Job {
            id,
            kind,
            input: path.display().to_string(),
            output: output.display().to_string(),
            codes: media.iter().map(|f| f.code).collect(),
            actions,
            lossy,
            work,
            command,
            blocked,
            args,
            slot: Some(acc.clone()),
            download,
            convert,
        });
        self.by_key.insert(key, id);
        Ok(id)
    }

    /// An image job: the steps into the envelope (sides, ratio, the first
    /// frame's ratio for a last frame), the format written, and an external
    /// decoder first for what the `image` crate does not read.
    fn image_job(
        &mut self,
        path: &Path,
        f: &MediaFacts,
        stem: &str,
        media: &[&&crate::Finding],
        acc: &Accepts,
        d: &mut Draft,
    ) -> Result<(&'static str, image::ImageJob), String> {
        // Formats the `image` crate does not decode go through an
        // external converter to a PNG first (the exact command when
        // none is installed).
        if matches!(f.format, Format::Heic | Format::Avif | Format::Svg) {
            let temp = self
                .opts
                .out
                .join(".decoded")
                .join(format!("{}-{stem}.png", self.base + self.jobs.len()));
            let tools = image::converters(f.format, self.ffmpeg.as_deref(), path, &temp);
            match tools.into_iter().find(|c| c.prog.is_file()) {
                Some(c) => {
                    let line = image::convert_line(&c);
                    d.actions
                        .push(format!("decode {} to PNG: {line}", f.format.describe()));
                    d.convert = Some(c);
                }
                None => {
                    let png = path.with_extension("png");
                    let first = image::converters(f.format, None, path, &png);
                    let names: Vec<String> =
                        first.iter().map(|c| c.prog.display().to_string()).collect();
                    let svg = if f.format == Format::Svg {
                        " (an SVG is rendered only by rsvg-convert from standard input, which reads no other file; ImageMagick could read files an SVG names)"
                    } else {
                        ""
                    };
                    return Err(format!(
                        "{} is not decoded here and none of {} is installed{svg}; convert it, then run fix again: {}",
                        f.format.describe(),
                        names.join(", "),
                        first.first().map(image::convert_line).unwrap_or_default()
                    ));
                }
            }
        }
        let ratio = media.iter().find_map(|f| match f.fix {
            Some(Fix::Crop { ratio }) => Some(ratio),
            _ => None,
        });
        let crop = self.opts.crop && self.opts.allow_lossy;
        if self.opts.crop && !self.opts.allow_lossy {
            d.actions
                .push("cropping needs --allow-lossy: padding instead".into());
        }
        let (w, h) = (f.display_width.unwrap_or(0), f.display_height.unwrap_or(0));
        if f.orientation.is_some_and(|o| o > 1) {
            d.actions.push(format!(
                "apply EXIF orientation {} to the pixels",
                f.orientation.unwrap_or(1)
            ));
        }
        // An SVG may not say its size: the steps come from the
        // decoded image when the job runs (as they always are).
        let steps = if w == 0 || h == 0 {
            d.actions
                .push("sizes: decided from the decoded image".into());
            Vec::new()
        } else {
            image::steps(w, h, acc, ratio, crop)
        };
        if ratio.is_some() {
            d.actions.push(format!(
                "fit the last frame to the first frame's ratio {:.4} ({}), as the service would",
                ratio.unwrap_or(1.0),
                if crop { "centre-crop" } else { "pad" }
            ));
        }
        let (mut cw, mut ch) = (w, h);
        for s in &steps {
            let (verb, nw, nh) = match *s {
                image::ImageStep::Pad { width, height } => ("pad", width, height),
                image::ImageStep::Crop { width, height } => {
                    d.lossy = true;
                    ("centre-crop", width, height)
                }
                image::ImageStep::Scale { width, height } => ("scale (Lanczos3)", width, height),
            };
            d.actions.push(format!("{verb} {cw}×{ch} → {nw}×{nh}"));
            (cw, ch) = (nw, nh);
        }
        // JPEG stays JPEG, and a file too large becomes one; else PNG.
        let too_large = f.size_bytes.is_some_and(|b| b > acc.max_bytes);
        let jpeg =
            (acc.takes("jpeg") && (f.format == Format::Jpeg || too_large)) || !acc.takes("png");
        d.actions.push(format!(
            "write {} from {}{}",
            if jpeg { "JPEG" } else { "PNG" },
            f.format.describe(),
            if f.animated == Some(true) {
                " (its first frame)"
            } else {
                ""
            }
        ));
        let job = image::ImageJob {
            jpeg,
            ratio,
            crop,
            pad_color: self.opts.pad_color,
            steps,
            max_bytes: acc.max_bytes,
            pixels: u64::from(w) * u64::from(h),
        };
        Ok((if jpeg { "jpg" } else { "png" }, job))
    }

    /// An audio job: cut to the envelope's length for this clip, pad to its
    /// shortest (with --pad-silence), and the format written.
    fn audio_job(
        &mut self,
        f: &MediaFacts,
        media: &[&&crate::Finding],
        acc: &Accepts,
        totals: &Totals,
        index: usize,
        d: &mut Draft,
    ) -> Result<(&'static str, AudioJob), String> {
        let (min_s, max_s) = acc.duration_range();
        let len = f.duration_s.or_else(|| totals.lens.get(&index).copied());
        let mut a = AudioJob {
            max_s: None,
            min_s: None,
            copy_frames: false,
            cap_s: max_s,
        };
        if let Some(t) = totals.trim.get(&index).copied() {
            let why = format!("the clip must be cut to {t:.3} s: trimming needs --allow-lossy");
            if !self.opts.allow_lossy {
                // Convert what can be converted; leave the length.
                if length_only(media) {
                    return Err(why);
                }
                self.left = Some(why);
            } else {
                a.max_s = Some(t);
                d.lossy = true;
                d.actions
                    .push(format!("trim {:.3} s → {t:.3} s", len.unwrap_or(0.0)));
            }
        }
        if let Some(len) = len.filter(|l| *l < min_s) {
            if !self.opts.pad_silence {
                return Err(format!("{len:.3} s is shorter than {min_s} s: pad it with silence (--pad-silence) or use a longer clip"));
            }
            a.min_s = Some(min_s);
            d.actions
                .push(format!("pad with silence {len:.3} s → {min_s} s"));
        }
        // An accepted MP3 that only needs cutting keeps its encoding.
        let mp3_cut = f.format == Format::Mp3
            && acc.takes("mp3")
            && a.max_s.is_some()
            && a.min_s.is_none()
            && length_only(media);
        if mp3_cut {
            a.copy_frames = true;
            d.actions.push("cut on MPEG frame boundaries, no re-encoding (a Xing/Info header frame is dropped)".into());
            Ok(("mp3", a))
        } else {
            d.actions.push(format!(
                "decode {} and write 16-bit PCM WAV",
                f.format.describe()
            ));
            Ok(("wav", a))
        }
    }

    /// A video job: trim, re-time, scale and pad into the envelope, and a
    /// bitrate under its size cap.
    fn video_job(
        &mut self,
        f: &MediaFacts,
        media: &[&&crate::Finding],
        acc: &Accepts,
        totals: &Totals,
        index: usize,
        d: &mut Draft,
    ) -> Result<video::VideoJob, String> {
        let min_s = acc.duration_range().0;
        let trim = totals.trim.get(&index).copied();
        if let Some(d) = f.duration_s.filter(|d| *d < min_s) {
            return Err(format!(
                "{d:.3} s is shorter than {min_s} s: a longer take is needed (or extend it yourself: ffmpeg -i IN -vf tpad=stop_mode=clone:stop_duration={:.1} OUT.mp4)",
                min_s - d + 0.1
            ));
        }
        let trim = match trim {
            Some(t) if !self.opts.allow_lossy => {
                let why = format!("the clip must be cut to {t:.3} s: trimming needs --allow-lossy");
                if length_only(media) {
                    return Err(why);
                }
                self.left = Some(why);
                None
            }
            t => t,
        };
        let j = video::job(f, acc, trim);
        if let Some(t) = j.trim_s {
            d.lossy = true;
            d.actions.push(format!(
                "trim {:.3} s → {t:.3} s",
                f.duration_s.unwrap_or(0.0)
            ));
        }
        if let Some(fps) = j.fps {
            d.actions.push(format!(
                "re-time {:.3} fps → {fps} fps (constant)",
                f.fps.unwrap_or(0.0)
            ));
        }
        if let Some((w, h)) = j.scale {
            d.actions.push(format!(
                "scale {}×{} → {w}×{h} (displayed ratio kept, even sides)",
                f.display_width.unwrap_or(0),
                f.display_height.unwrap_or(0)
            ));
        }
        if let Some((w, h)) = j.pad {
            d.actions.push(format!("pad to {w}×{h}"));
        }
        if let Some(b) = j.bitrate {
            d.actions.push(format!(
                "encode at {} kbit/s to stay under {} bytes",
                b / 1000,
                acc.max_bytes
            ));
        }
        d.actions.push(format!(
            "encode H.264 (crf 20) + AAC in MP4 from {}",
            f.format.describe()
        ));
        Ok(j)
    }
}
