//! Images with the `image` crate: decoded with `Limits`, EXIF orientation
//! applied to the pixels, the ratio brought into range by padding (or
//! centre-cropping), the sides scaled into range (Lanczos3), written as PNG,
//! or as JPEG when the input was a JPEG or a PNG would be too large.

use std::path::Path;

use image::{DynamicImage, GenericImageView, ImageDecoder, ImageReader, Rgba, RgbaImage};
use serde::Serialize;

use crate::spec::ImageLimits;

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
}

/// The steps that bring a `w`×`h` image (as displayed) inside the limits:
/// the ratio first (to `ratio` when given), then the sides.
pub fn steps(w: u32, h: u32, lim: &ImageLimits, ratio: Option<f64>, crop: bool) -> Vec<ImageStep> {
    let mut out = Vec::new();
    let (mut w, mut h) = (w.max(1), h.max(1));
    let r = w as f64 / h as f64;
    let target = match ratio {
        Some(t) if (t - r).abs() / t > 1e-3 => Some(t),
        Some(_) => None,
        None if r < lim.min_ratio => Some(lim.min_ratio),
        None if r > lim.max_ratio => Some(lim.max_ratio),
        None => None,
    };
    if let Some(t) = target {
        // Widen or narrow: pad adds, crop removes, on the side that moves the ratio.
        let (nw, nh) = match (r < t, crop) {
            (true, false) => (((h as f64) * t).ceil() as u32, h),
            (false, false) => (w, ((w as f64) / t).ceil() as u32),
            (true, true) => (w, ((w as f64) / t).floor().max(1.0) as u32),
            (false, true) => (((h as f64) * t).floor().max(1.0) as u32, h),
        };
        out.push(if crop {
            ImageStep::Crop {
                width: nw,
                height: nh,
            }
        } else {
            ImageStep::Pad {
                width: nw,
                height: nh,
            }
        });
        (w, h) = (nw, nh);
    }
    let long = w.max(h) as f64;
    let short = w.min(h) as f64;
    let s = if long > lim.max_side as f64 {
        lim.max_side as f64 / long
    } else if short < lim.min_side as f64 {
        lim.min_side as f64 / short
    } else {
        1.0
    };
    if s != 1.0 {
        // Round so the bound itself is met: floor when shrinking, ceil when growing.
        let scale = |v: u32| {
            let x = v as f64 * s;
            (if s < 1.0 { x.floor() } else { x.ceil() }).max(1.0) as u32
        };
        let (mut nw, mut nh) = (scale(w), scale(h));
        // Rounding must not push the ratio out of range (a few pixels at most).
        let bounds = ratio.map_or((lim.min_ratio, lim.max_ratio), |t| {
            (t.min(lim.min_ratio), t.max(lim.max_ratio))
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

/// A reader for the image at `input`, its format read from the bytes, that
/// allocates at most `max_alloc` bytes and, with `max_side`, refuses a side
/// above it (shared with `--deep`).
pub(crate) fn reader(
    input: &Path,
    max_alloc: u64,
    max_side: Option<u32>,
) -> Result<ImageReader<std::io::BufReader<std::fs::File>>, String> {
    let mut reader = ImageReader::open(input)
        .and_then(|r| r.with_guessed_format())
        .map_err(|e| format!("cannot open: {e}"))?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(max_alloc);
    limits.max_image_width = max_side;
    limits.max_image_height = max_side;
    reader.limits(limits);
    Ok(reader)
}

/// Decodes, transforms and writes one image; returns the size written.
pub fn run(
    input: &Path,
    output: &Path,
    job: &ImageJob,
    lim: &ImageLimits,
    max_alloc: u64,
) -> Result<(u32, u32, u64), String> {
    let mut decoder = reader(input, max_alloc, Some(65_535))?
        .into_decoder()
        .map_err(|e| format!("cannot decode: {e}"))?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| format!("cannot decode: {e}"))?;
    img.apply_orientation(orientation);
    let (w, h) = img.dimensions();
    for step in steps(w, h, lim, job.ratio, job.crop) {
        img = match step {
            ImageStep::Pad { width, height } => {
                let mut canvas = RgbaImage::from_pixel(width, height, Rgba(job.pad_color));
                let src = img.to_rgba8();
                let x = (width - w.min(width)) / 2;
                let y = (height - h.min(height)) / 2;
                image::imageops::overlay(&mut canvas, &src, x as i64, y as i64);
                DynamicImage::ImageRgba8(canvas)
            }
            ImageStep::Crop { width, height } => {
                let (cw, ch) = img.dimensions();
                img.crop_imm(
                    (cw - width.min(cw)) / 2,
                    (ch - height.min(ch)) / 2,
                    width,
                    height,
                )
            }
            ImageStep::Scale { width, height } => {
                img.resize_exact(width, height, image::imageops::FilterType::Lanczos3)
            }
        };
    }
    let (ow, oh) = img.dimensions();
    let bytes = encode(&img, job.jpeg, job.max_bytes)?;
    std::fs::write(output, &bytes)
        .map_err(|e| format!("cannot write {}: {e}", output.display()))?;
    Ok((ow, oh, bytes.len() as u64))
}

/// PNG (8 bits per channel, alpha kept only where the image has it), or
/// JPEG at decreasing quality until it fits.
fn encode(img: &DynamicImage, jpeg: bool, max_bytes: u64) -> Result<Vec<u8>, String> {
    use image::ImageEncoder;
    if !jpeg {
        let mut out = Vec::new();
        let enc = image::codecs::png::PngEncoder::new(&mut out);
        let r = if img.color().has_alpha() {
            let px = img.to_rgba8();
            enc.write_image(
                &px,
                px.width(),
                px.height(),
                image::ExtendedColorType::Rgba8,
            )
        } else {
            let px = img.to_rgb8();
            enc.write_image(&px, px.width(), px.height(), image::ExtendedColorType::Rgb8)
        };
        r.map_err(|e| format!("cannot encode PNG: {e}"))?;
        if out.len() as u64 <= max_bytes {
            return Ok(out);
        }
    }
    let px = img.to_rgb8();
    for q in [92u8, 85, 75, 65, 50, 35] {
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, q)
            .write_image(&px, px.width(), px.height(), image::ExtendedColorType::Rgb8)
            .map_err(|e| format!("cannot encode JPEG: {e}"))?;
        if out.len() as u64 <= max_bytes {
            return Ok(out);
        }
    }
    Err(format!(
        "even at JPEG quality 35 the image is above {max_bytes} bytes"
    ))
}

/// A format the `image` crate does not decode (HEIC, AVIF, SVG): the
/// programs that turn it into a PNG, in the order they are tried, each
/// with its arguments for `input` → `png`. ImageMagick 6's `convert` (the
/// name Debian's imagemagick installs) comes last: on other systems the
/// name may be another program.
pub(super) fn converters(
    format: crate::probe::Format,
    ffmpeg: Option<&Path>,
    input: &Path,
    png: &Path,
) -> Vec<(std::path::PathBuf, Vec<String>)> {
    use crate::probe::Format;
    let (i, o) = (input.display().to_string(), png.display().to_string());
    let io = || vec![i.clone(), o.clone()];
    let ff = || {
        [
            "-nostdin",
            "-v",
            "error",
            "-y",
            "-i",
            &i,
            "-frames:v",
            "1",
            &o,
        ]
        .map(String::from)
        .to_vec()
    };
    let named = |n: &str| std::path::PathBuf::from(n);
    // ffmpeg reads AVIF (AV1 in an image item) everywhere, HEIC only from
    // version 7: it comes first for AVIF and last for HEIC.
    let mut out: Vec<(std::path::PathBuf, Vec<String>)> = match format {
        Format::Avif => vec![
            (ffmpeg.map_or(named("ffmpeg"), Path::to_path_buf), ff()),
            (named("heif-convert"), io()),
            (named("magick"), io()),
            (named("convert"), io()),
        ],
        Format::Heic => vec![
            (named("heif-convert"), io()),
            (named("magick"), io()),
            (ffmpeg.map_or(named("ffmpeg"), Path::to_path_buf), ff()),
            (named("convert"), io()),
        ],
        Format::Svg => vec![
            (
                named("rsvg-convert"),
                vec!["-o".into(), o.clone(), i.clone()],
            ),
            (named("magick"), io()),
            (named("convert"), io()),
        ],
        _ => Vec::new(),
    };
    for (p, _) in &mut out {
        if p.components().count() == 1 {
            // A bare name: resolved on PATH, or kept (for the message).
            if let Some(found) = super::video::find_program(&p.display().to_string()) {
                *p = found;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lim() -> ImageLimits {
        crate::Spec::builtin()
            .dialect(crate::Dialect::UNIFIED)
            .image
            .clone()
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
                ImageStep::Pad {
                    width: 6001,
                    height: 2401
                },
                ImageStep::Scale {
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
}
