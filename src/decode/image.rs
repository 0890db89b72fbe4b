//! Image decoding with `Limits`: the reader `fix` and `--deep` share.

use std::path::Path;

use image::ImageReader;

use crate::source::Deadlined;

/// A reader for the image at `input` (a regular file), its format read
/// from the bytes, that allocates at most `max_alloc` bytes, with
/// `max_side` refuses a side above it, and stops at `deadline` (shared
/// with `--deep`).
pub(crate) fn reader(
    input: &Path,
    max_alloc: u64,
    max_side: Option<u32>,
    deadline: Option<std::time::Instant>,
) -> Result<ImageReader<std::io::BufReader<Deadlined<std::fs::File>>>, String> {
    let file = crate::source::open_regular(input).map_err(|e| format!("cannot open: {e}"))?;
    let mut reader = ImageReader::new(std::io::BufReader::new(Deadlined {
        inner: file,
        deadline,
    }))
    .with_guessed_format()
    .map_err(|e| format!("cannot open: {e}"))?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(max_alloc);
    limits.max_image_width = max_side;
    limits.max_image_height = max_side;
    reader.limits(limits);
    Ok(reader)
}
