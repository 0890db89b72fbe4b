//! Planning an image job: the steps that bring an image into its envelope
//! (the ratio by padding or centre-cropping, the sides by scaling), and the
//! external decoders for what the `image` crate does not read (applied in
//! `apply/image.rs`).

use std::path::Path;

use serde::Serialize;

use crate::rules::Accepts;

/// One geometric step, in order.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "step", rename_all = "kebab-case")]
pub enum ImageStep {
    /// Pad to this size, the image centred.
    Pad {
        /// New width.
        width: u32,
        /// New height.
        height: u32,
    },
    /// Centre-crop to this size.
    Crop {
        /// New width.
        width: u32,
        /// New height.
        height: u32,
    },
    /// Scale to this size (Lanczos3).
    Scale {
        /// New width.
        width: u32,
        /// New height.
        height: u32,
    },
}

/// How an image is rewritten.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageJob {
    /// Write a JPEG (else PNG).
    pub jpeg: bool,
    /// The ratio to reach instead of the range (a last frame fitted to the
    /// first frame's ratio).
    pub ratio: Option<f64>,
    /// Crop instead of padding.
    pub crop: bool,
    /// Padding colour, RGBA.
    pub pad_color: [u8; 4],
    /// The steps, as planned from the probed size (re-derived from the
    /// decoded size when run).
    pub steps: Vec<ImageStep>,
    /// The largest file accepted.
    pub max_bytes: u64,
    /// The probed pixels of the input (0: unknown), for the memory the
    /// rewrite reserves.
    #[serde(skip)]
    pub pixels: u64,
}

impl ImageJob {
    /// What the rewrite may hold at once: the decoded image (up to 8 bytes
    /// a pixel), and for each step its canvas plus the resampler's `f32`
    /// scratch (16 bytes a pixel).
    pub(crate) fn memory(&self) -> u64 {
        if self.pixels == 0 {
            // Size unknown (an SVG that does not say): the whole budget.
            return u64::MAX;
        }
        let largest = self
            .steps
            .iter()
            .map(|s| match *s {
                ImageStep::Pad { width, height }
                | ImageStep::Crop { width, height }
                | ImageStep::Scale { width, height } => u64::from(width) * u64::from(height),
            })
            .max()
            .unwrap_or(0);
        self.pixels
            .saturating_mul(8)
            .saturating_add(largest.max(self.pixels).saturating_mul(16))
            .max(1 << 20)
    }
}

/// The steps that bring a `w`×`h` image (as displayed) inside the limits:
/// the ratio (to `ratio` when given) and the sides. A crop comes first (it
/// only removes); padding comes last, after the image is scaled to the size
/// its padded canvas may have — so no canvas is ever larger than the
/// limits allow (a 65535×1 strip is scaled to 6000×1, then padded to
/// 6000×2400, never padded to 65535×26214 first).
pub fn steps(w: u32, h: u32, slot: &Accepts, ratio: Option<f64>, crop: bool) -> Vec<ImageStep> {
    let (min_side, max_side) = slot.side_range();
    let (min_ratio, max_ratio) = slot.ratio_range();
    let mut out = Vec::new();
    let (mut w, mut h) = (w.max(1), h.max(1));
    let target = |w: u32, h: u32| {
        let r = w as f64 / h as f64;
        match ratio {
            Some(t) if (t - r).abs() / t > 1e-3 => Some(t),
            Some(_) => None,
            None if r < min_ratio => Some(min_ratio),
            None if r > max_ratio => Some(max_ratio),
            None => None,
        }
    };
    // The canvas that brings `w`×`h` to ratio `t`: pad adds, crop removes,
    // on the side that moves the ratio.
    let reshaped = |w: u32, h: u32, t: f64, crop: bool| {
        let r = w as f64 / h as f64;
        match (r < t, crop) {
            (true, false) => (((h as f64) * t).ceil() as u32, h),
            (false, false) => (w, ((w as f64) / t).ceil() as u32),
            (true, true) => (w, ((w as f64) / t).floor().max(1.0) as u32),
            (false, true) => (((h as f64) * t).floor().max(1.0) as u32, h),
        }
    };
    // The scale that brings a canvas's sides into range (1: none).
    let side_scale = |w: f64, h: f64| {
        let (long, short) = (w.max(h), w.min(h));
        if long > max_side as f64 {
            max_side as f64 / long
        } else if short < min_side as f64 {
            min_side as f64 / short
        } else {
            1.0
        }
    };
    // Round so the bound itself is met: floor when shrinking, ceil when growing.
    let scaled = |v: u32, s: f64| {
        let x = v as f64 * s;
        (if s < 1.0 { x.floor() } else { x.ceil() }).max(1.0) as u32
    };
    if let (Some(t), true) = (target(w, h), crop) {
        let (nw, nh) = reshaped(w, h, t, true);
        out.push(ImageStep::Crop {
            width: nw,
            height: nh,
        });
        (w, h) = (nw, nh);
    }
    if let (Some(t), false) = (target(w, h), crop) {
        // Scale the image to what its padded canvas may be, then pad.
        // The canvas before rounding: the scale is taken from it.
        let (cw, ch) = if (w as f64 / h as f64) < t {
            (h as f64 * t, h as f64)
        } else {
            (w as f64, w as f64 / t)
        };
        let s = side_scale(cw, ch);
        if s != 1.0 {
            (w, h) = (scaled(w, s), scaled(h, s));
            out.push(ImageStep::Scale {
                width: w,
                height: h,
            });
        }
        if let Some(t) = target(w, h) {
            let (pw, ph) = reshaped(w, h, t, false);
            out.push(ImageStep::Pad {
                width: pw.min(max_side.max(w)),
                height: ph.min(max_side.max(h)),
            });
        }
        return out;
    }
    let s = side_scale(w as f64, h as f64);
    if s != 1.0 {
        let (mut nw, mut nh) = (scaled(w, s), scaled(h, s));
        // Rounding must not push the ratio out of range (a few pixels at most).
        let bounds = ratio.map_or((min_ratio, max_ratio), |t| {
            (t.min(min_ratio), t.max(max_ratio))
        });
        for _ in 0..4 {
            let r = nw as f64 / nh as f64;
            if r > bounds.1 {
                nh += 1;
            } else if r < bounds.0 {
                nw += 1;
            }
        }
        out.push(ImageStep::Scale {
            width: nw,
            height: nh,
        });
    }
    out
}

/// An external decoder run before an image job: the program, its
/// arguments, the PNG it writes (removed after the job), and the file given
/// on its standard input instead of by name (an SVG: with no file name,
/// the renderer has no base to resolve any other file from).
#[derive(Debug, Clone)]
pub(crate) struct Convert {
    pub(crate) prog: std::path::PathBuf,
    pub(crate) args: Vec<String>,
    pub(crate) png: std::path::PathBuf,
    pub(crate) stdin: Option<std::path::PathBuf>,
}

/// A format the `image` crate does not decode (HEIC, AVIF, SVG): the
/// programs that turn it into a PNG, in the order they are tried, each
/// with its arguments for `input` → `png`. ImageMagick 6's `convert` (the
/// name Debian's imagemagick installs) comes last: on other systems the
/// name may be another program.
///
/// Every path is absolute, and carries the coder or protocol it is read
/// with (`file:` for ffmpeg, `heic:`/`avif:`/`png:` for ImageMagick), so no
/// part of a name is read as a protocol or an ImageMagick coder (`text:`,
/// `msl:`, `@list`). An SVG is rendered only by `rsvg-convert` reading
/// standard input: an SVG can name other files (`xlink:href`, ImageMagick's
/// `text:`), and a renderer given no file name resolves none of them.
/// ImageMagick is never given an SVG.
pub(super) fn converters(
    format: crate::probe::Format,
    ffmpeg: Option<&Path>,
    input: &Path,
    png: &Path,
) -> Vec<Convert> {
    use crate::probe::Format;
    let (ia, oa) = (
        crate::outfile::absolute(input),
        crate::outfile::absolute(png),
    );
    let (i, o) = (ia.display().to_string(), oa.display().to_string());
    let coder = match format {
        Format::Avif => "avif",
        _ => "heic",
    };
    let magick = || vec![format!("{coder}:{i}"), format!("png:{o}")];
    let heif = || vec![i.clone(), o.clone()];
    let ff = || {
        vec![
            "-nostdin".to_string(),
            "-v".into(),
            "error".into(),
            "-y".into(),
            "-i".into(),
            crate::decode::process::ffmpeg_arg(&ia),
            "-frames:v".into(),
            "1".into(),
            "-f".into(),
            "image2".into(),
            "-c:v".into(),
            "png".into(),
            crate::decode::process::ffmpeg_arg(&oa),
        ]
    };
    let named = |n: &str| std::path::PathBuf::from(n);
    let by_name = |prog: std::path::PathBuf, args: Vec<String>| Convert {
        prog,
        args,
        png: oa.clone(),
        stdin: None,
    };
    let ffmpeg = || ffmpeg.map_or(named("ffmpeg"), Path::to_path_buf);
    // ffmpeg reads AVIF (AV1 in an image item) everywhere, HEIC only from
    // version 7: it comes first for AVIF and last for HEIC.
    let mut out: Vec<Convert> = match format {
        Format::Avif => vec![
            by_name(ffmpeg(), ff()),
            by_name(named("heif-convert"), heif()),
            by_name(named("magick"), magick()),
            by_name(named("convert"), magick()),
        ],
        Format::Heic => vec![
            by_name(named("heif-convert"), heif()),
            by_name(named("magick"), magick()),
            by_name(ffmpeg(), ff()),
            by_name(named("convert"), magick()),
        ],
        Format::Svg => vec![Convert {
            prog: named("rsvg-convert"),
            args: vec!["--format".into(), "png".into(), "-o".into(), o.clone()],
            png: oa.clone(),
            stdin: Some(ia.clone()),
        }],
        _ => Vec::new(),
    };
    for c in &mut out {
        if c.prog.components().count() == 1 {
            // A bare name: resolved on PATH, or kept (for the message).
            if let Some(found) = crate::decode::process::find_program(&c.prog.display().to_string())
            {
                c.prog = found;
            }
        }
    }
    out
}

/// The command line of a converter, as a shell would take it.
pub(super) fn convert_line(c: &Convert) -> String {
    let line = super::video::shell_line(&c.prog, &c.args);
    match &c.stdin {
        Some(p) => format!(
            "{line} < {}",
            super::video::shell_line(Path::new(""), &[p.display().to_string()]).trim_start()
        ),
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The unified dialect's image slot.
    fn lim() -> Accepts {
        crate::rules::envelope::image_slot(
            &crate::Spec::builtin()
                .dialect(crate::Dialect::UNIFIED)
                .image,
        )
    }

    #[test]
    fn steps_reach_the_limits() {
        let l = lim();
        assert_eq!(
            steps(1001, 400, &l, None, false),
            [ImageStep::Pad {
                width: 1001,
                height: 401
            }]
        );
        assert_eq!(
            steps(6001, 2400, &l, None, false),
            [
                ImageStep::Scale {
                    width: 6000,
                    height: 2399
                },
                ImageStep::Pad {
                    width: 6000,
                    height: 2400
                }
            ]
        );
        // Scaled before it is padded: no canvas above the limits.
        assert_eq!(
            steps(65535, 1, &l, None, false),
            [
                ImageStep::Scale {
                    width: 6000,
                    height: 1
                },
                ImageStep::Pad {
                    width: 6000,
                    height: 2400
                }
            ]
        );
        assert_eq!(
            steps(8000, 4000, &l, None, false),
            [ImageStep::Scale {
                width: 6000,
                height: 3000
            }]
        );
        assert_eq!(
            steps(299, 400, &l, None, false),
            [ImageStep::Scale {
                width: 300,
                height: 402
            }]
        );
        assert_eq!(
            steps(399, 1000, &l, None, true),
            [ImageStep::Crop {
                width: 399,
                height: 997
            }]
        );
        assert!(steps(1280, 720, &l, None, false).is_empty());
    }

    /// Over many shapes: the steps end inside the limits, and no step makes
    /// a canvas with more pixels than the larger of the input and the
    /// largest accepted image.
    #[test]
    fn steps_end_inside_the_limits_and_never_grow_past_them() {
        let l = lim();
        let ((min_side, max_side), (min_ratio, max_ratio)) = (l.side_range(), l.ratio_range());
        let sides = [
            1u32, 2, 7, 50, 299, 300, 301, 399, 1000, 2400, 5999, 6000, 6001, 9000, 65535,
        ];
        for &w in &sides {
            for &h in &sides {
                for crop in [false, true] {
                    let (mut cw, mut ch) = (w, h);
                    let bound = (u64::from(w) * u64::from(h)).max(6000 * 6000);
                    for s in steps(w, h, &l, None, crop) {
                        (cw, ch) = match s {
                            ImageStep::Pad { width, height }
                            | ImageStep::Crop { width, height }
                            | ImageStep::Scale { width, height } => (width, height),
                        };
                        assert!(u64::from(cw) * u64::from(ch) <= bound, "{w}×{h} {s:?}");
                    }
                    let r = cw as f64 / ch as f64;
                    // A crop of a 1-px-thin strip cannot reach the ratio.
                    if crop && w.min(h) < 3 {
                        continue;
                    }
                    assert!(
                        cw.max(ch) <= max_side && cw.min(ch) >= min_side,
                        "{w}×{h} crop={crop}: ends {cw}×{ch}"
                    );
                    assert!(
                        r >= min_ratio - 1e-9 && r <= max_ratio + 1e-9,
                        "{w}×{h} crop={crop}: ends {cw}×{ch}"
                    );
                }
            }
        }
    }
}
