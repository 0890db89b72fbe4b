//! Image headers: GIF, WebP, BMP here; JPEG in `jpeg.rs`, PNG in `png.rs`.
//! Each reads only the header bytes it needs and seeks over the rest, then
//! checks that what the header declares fits the file.

use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};

use super::bytes::{le16, le32};
use super::header::{read_exact, seek, Header, MAX_EXIF_BYTES};
use super::{io_msg, Format, MediaFacts, ProbeError, ProbeResult};

pub(super) fn probe<R: Read + Seek>(
    r: &mut R,
    format: Format,
    head: &[u8],
    size: Option<u64>,
    f: &mut MediaFacts,
) -> ProbeResult {
    // Only a size the source states: finding the end otherwise would mean
    // streaming the whole file.
    let end = size;
    let Header {
        w,
        h,
        orientation,
        animated,
        trailing,
        damage,
    } = match format {
        Format::Jpeg => super::jpeg::jpeg(r, end)?,
        Format::Png => super::png::png(r, end)?,
        Format::Gif => gif(r, head)?,
        Format::Webp => webp(r, head, end)?,
        Format::Bmp => bmp(head, end)?,
        _ => return Ok(()),
    };
    if w == 0 || h == 0 {
        return Err(ProbeError::Corrupt(format!(
            "the header declares a {w}×{h} image"
        )));
    }
    f.orientation = orientation;
    f.animated = Some(animated);
    f.trailing_bytes = trailing;
    f.set_size(w, h, matches!(orientation, Some(5..=8)));
    damage.map_or(Ok(()), Err)
}

/// GIF: the logical screen size, then a walk over the blocks until a second
/// image (animated) or the trailer.
fn gif<R: Read + Seek>(r: &mut R, head: &[u8]) -> Result<Header, ProbeError> {
    let (w, h) = (le16(head, 6), le16(head, 8));
    let (Some(w), Some(h), Some(&flags)) = (w, h, head.get(10)) else {
        return Err("GIF header: the file ends early (truncated)".into());
    };
    let mut start = 13u64;
    if flags & 0x80 != 0 {
        start += 3 << ((flags & 7) + 1);
    }
    seek(r, SeekFrom::Start(start))?;
    let mut br = BufReader::with_capacity(16 * 1024, r);
    let mut frames = 0;
    let byte = |br: &mut BufReader<&mut R>| -> Result<u8, ProbeError> {
        let mut b = [0u8; 1];
        read_exact(br, &mut b, "GIF blocks").map(|_| b[0])
    };
    let skip_sub_blocks = |br: &mut BufReader<&mut R>| -> ProbeResult {
        loop {
            let n = byte(br)?;
            if n == 0 {
                return Ok(());
            }
            br.seek_relative(n as i64)
                .map_err(|e| io_msg(e, "GIF blocks"))?;
        }
    };
    loop {
        match byte(&mut br)? {
            0x21 => {
                byte(&mut br)?; // label
                skip_sub_blocks(&mut br)?;
            }
            0x2C => {
                frames += 1;
                if frames > 1 {
                    return Ok(Header {
                        animated: true,
                        ..Header::still(w.into(), h.into())
                    });
                }
                let mut desc = [0u8; 9];
                read_exact(&mut br, &mut desc, "GIF image descriptor")?;
                if desc[8] & 0x80 != 0 {
                    br.seek_relative(3 << ((desc[8] & 7) + 1))
                        .map_err(|e| io_msg(e, "GIF blocks"))?;
                }
                byte(&mut br)?; // LZW minimum code size
                skip_sub_blocks(&mut br)?;
            }
            0x3B if frames > 0 => return Ok(Header::still(w.into(), h.into())),
            0x3B => return Err("GIF: the file has no image".into()),
            b => {
                return Err(ProbeError::Corrupt(format!(
                    "GIF: unexpected block 0x{b:02X} (corrupt file)"
                )))
            }
        }
        if br
            .fill_buf()
            .map_err(|e| io_msg(e, "GIF blocks"))?
            .is_empty()
        {
            return if frames > 0 {
                Ok(Header::still(w.into(), h.into()))
            } else {
                Err("GIF: the file ends early (truncated)".into())
            };
        }
    }
}

/// WebP: the first chunk gives the size (VP8, VP8L, or VP8X canvas with the
/// animation flag); with VP8X an EXIF chunk may give the orientation. The
/// RIFF size must fit the file.
fn webp<R: Read + Seek>(r: &mut R, head: &[u8], end: Option<u64>) -> Result<Header, ProbeError> {
    let truncated = || "WebP header: the file ends early (truncated)".to_string();
    let riff = u64::from(le32(head, 4).ok_or_else(truncated)?) + 8;
    let (mut trailing, mut damage) = (None, None);
    if let Some(end) = end {
        if riff > end {
            damage = Some(ProbeError::Truncated(format!(
                "the WebP's RIFF header declares {} bytes; the file ends at byte {} (truncated)",
                super::thousands(riff),
                super::thousands(end)
            )));
        }
        trailing = (end > riff + (riff & 1)).then(|| end - riff - (riff & 1));
    }
    let chunk = head.get(12..16).ok_or_else(truncated)?;
    let mut h = match chunk {
        b"VP8 " => {
            let d = head.get(20..30).ok_or_else(truncated)?;
            if d[3..6] != [0x9D, 0x01, 0x2A] {
                return Err("WebP VP8 header: missing start code (corrupt file)".into());
            }
            let w = (le16(d, 6).unwrap_or(0) & 0x3FFF) as u32;
            let h = (le16(d, 8).unwrap_or(0) & 0x3FFF) as u32;
            Header::still(w, h)
        }
        b"VP8L" => {
            let d = head.get(20..25).ok_or_else(truncated)?;
            if d[0] != 0x2F {
                return Err("WebP lossless header: bad signature (corrupt file)".into());
            }
            let bits = le32(d, 1).unwrap_or(0);
            Header::still((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
        }
        b"VP8X" => {
            let d = head.get(20..30).ok_or_else(truncated)?;
            let flags = d[0];
            let w = u32::from_le_bytes([d[4], d[5], d[6], 0]) + 1;
            let h = u32::from_le_bytes([d[7], d[8], d[9], 0]) + 1;
            let orientation = if flags & 0x08 != 0 {
                webp_exif(r)?
            } else {
                None
            };
            Header {
                orientation,
                animated: flags & 0x02 != 0,
                ..Header::still(w, h)
            }
        }
        other => {
            return Err(ProbeError::Corrupt(format!(
                "WebP: unknown first chunk {:?}",
                String::from_utf8_lossy(other)
            )))
        }
    };
    h.trailing = trailing;
    h.damage = damage;
    Ok(h)
}

fn webp_exif<R: Read + Seek>(r: &mut R) -> Result<Option<u8>, ProbeError> {
    seek(r, SeekFrom::Start(12))?;
    for _ in 0..64 {
        let mut ch = [0u8; 8];
        if r.read_exact(&mut ch).is_err() {
            return Ok(None);
        }
        let len = le32(&ch, 4).unwrap_or(0) as usize;
        let padded = len.saturating_add(len & 1);
        if &ch[..4] == b"EXIF" && len <= MAX_EXIF_BYTES {
            let mut exif = vec![0u8; len];
            read_exact(r, &mut exif, "WebP EXIF chunk")?;
            let tiff = exif.strip_prefix(b"Exif\0\0").unwrap_or(&exif);
            return Ok(super::jpeg::exif_orientation(tiff));
        }
        seek(r, SeekFrom::Current(padded as i64))?;
    }
    Ok(None)
}

/// BMP: the DIB header (OS/2 12-byte or Windows 40+ byte); a negative height
/// means top-down rows. The pixel array the header describes must fit the
/// file.
fn bmp(head: &[u8], end: Option<u64>) -> Result<Header, ProbeError> {
    let truncated = || "BMP header: the file ends early (truncated)".to_string();
    let offset = u64::from(le32(head, 10).ok_or_else(truncated)?);
    let dib = le32(head, 14).ok_or_else(truncated)?;
    let (w, h, bpp, compression, image_size) = if dib == 12 {
        let w = le16(head, 18).ok_or_else(truncated)?;
        let h = le16(head, 20).ok_or_else(truncated)?;
        let bpp = le16(head, 24).ok_or_else(truncated)?;
        (i64::from(w), i64::from(h), bpp, 0, 0)
    } else {
        let w = le32(head, 18).ok_or_else(truncated)? as i32;
        let h = le32(head, 22).ok_or_else(truncated)? as i32;
        let bpp = le16(head, 28).ok_or_else(truncated)?;
        let compression = le32(head, 30).ok_or_else(truncated)?;
        let image_size = le32(head, 34).ok_or_else(truncated)?;
        (i64::from(w), i64::from(h), bpp, compression, image_size)
    };
    if w <= 0 || h == i64::from(i32::MIN) {
        return Err(ProbeError::Corrupt(format!(
            "BMP header: {w}×{h} is not a valid size (the width must be positive)"
        )));
    }
    let (w, h) = (w.unsigned_abs(), h.unsigned_abs());
    // Uncompressed rows (BI_RGB, BI_BITFIELDS, BI_ALPHABITFIELDS) are padded to 4 bytes.
    let need = match compression {
        0 | 3 | 6 => {
            if !matches!(bpp, 1 | 2 | 4 | 8 | 16 | 24 | 32) {
                return Err(ProbeError::Corrupt(format!(
                    "BMP header: {bpp} bits per pixel is not a valid depth"
                )));
            }
            let stride = w.saturating_mul(u64::from(bpp)).saturating_add(31) / 32 * 4;
            stride.saturating_mul(h)
        }
        _ => u64::from(image_size),
    };
    let side = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    let mut header = Header::still(side(w), side(h));
    if let Some(end) = end {
        if offset.saturating_add(need) > end {
            header.damage = Some(ProbeError::Truncated(format!(
                "the BMP's {w}×{h} pixel array needs {} bytes from byte {}; the file ends at byte {} (truncated)",
                super::thousands(need),
                super::thousands(offset),
                super::thousands(end)
            )));
        }
    }
    Ok(header)
}
