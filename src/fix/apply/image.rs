//! Applying an image job: decoded with `Limits` (EXIF orientation applied to
//! the pixels), the planned steps taken again from the decoded size, and
//! written as PNG, or as JPEG under the envelope's size cap.

use std::path::Path;

use image::{DynamicImage, GenericImageView, ImageDecoder, Rgba, RgbaImage};

use crate::decode::image::reader;
use crate::fix::image::{steps, ImageJob, ImageStep};
use crate::rules::Accepts;

/// Decodes, transforms and writes one image; returns the size written.
pub fn run(
    input: &Path,
    output: &Path,
    job: &ImageJob,
    slot: &Accepts,
    max_alloc: u64,
) -> Result<(u32, u32, u64), String> {
    let mut decoder = reader(input, max_alloc, Some(65_535), None)?
        .into_decoder()
        .map_err(|e| format!("cannot decode: {e}"))?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| format!("cannot decode: {e}"))?;
    img.apply_orientation(orientation);
    let (w, h) = img.dimensions();
    let max_side = slot.side_range().1;
    for step in steps(w, h, slot, job.ratio, job.crop) {
        let (w, h) = img.dimensions();
        img = match step {
            ImageStep::Pad { width, height } => {
                // Padding comes after scaling: a canvas is never larger
                // than the slot's sides.
                if width.max(height) > max_side.max(w).max(h) {
                    return Err(format!(
                        "refusing a {width}×{height} canvas: above the {} px side limit",
                        max_side
                    ));
                }
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
    crate::outfile::write(output, &bytes)?;
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
