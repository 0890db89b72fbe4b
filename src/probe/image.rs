//! Image headers: JPEG, PNG, GIF, WebP, BMP. Each reads only the header bytes it
//! needs and seeks over the rest (a JPEG whose frame header sits behind a
//! 300 KB metadata segment costs a few hundred bytes, not 300 KB).

use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};

use super::bytes::{be16, be32, le16, le32};
use super::{io_msg, Format, MediaFacts, ProbeError, ProbeResult};

/// The largest EXIF segment parsed for the orientation tag.
const MAX_EXIF_BYTES: usize = 64 * 1024;

pub(super) fn probe<R: Read + Seek>(
    r: &mut R,
    format: Format,
    head: &[u8],
    f: &mut MediaFacts,
) -> ProbeResult {
    let (w, h, orientation, animated) = match format {
        Format::Jpeg => jpeg(r)?,
        Format::Png => png(r)?,
        Format::Gif => gif(r, head)?,
        Format::Webp => webp(r, head)?,
        Format::Bmp => bmp(head)?,
        _ => return Ok(()),
    };
    if w == 0 || h == 0 {
        return Err(ProbeError::Corrupt(format!(
            "the header declares a {w}×{h} image"
        )));
    }
    f.orientation = orientation;
    f.animated = Some(animated);
    f.set_size(w, h, matches!(orientation, Some(5..=8)));
    Ok(())
}

type Header = (u32, u32, Option<u8>, bool);

fn read_exact<R: Read>(r: &mut R, buf: &mut [u8], what: &str) -> ProbeResult {
    r.read_exact(buf).map_err(|e| io_msg(e, what))
}

fn seek<R: Seek>(r: &mut R, to: SeekFrom) -> ProbeResult {
    r.seek(to).map(|_| ()).map_err(|e| io_msg(e, "seek"))
}

/// JPEG: walk the marker segments to the first SOFn; read EXIF orientation from
/// an APP1 `Exif` segment on the way.
fn jpeg<R: Read + Seek>(r: &mut R) -> Result<Header, ProbeError> {
    seek(r, SeekFrom::Start(2))?;
    let mut orientation = None;
    loop {
        let mut m = [0u8; 2];
        read_exact(r, &mut m, "JPEG header")?;
        if m[0] != 0xFF {
            return Err(ProbeError::Corrupt(format!(
                "JPEG header: expected a marker, found byte 0x{:02X}",
                m[0]
            )));
        }
        let mut marker = m[1];
        while marker == 0xFF {
            let mut b = [0u8; 1];
            read_exact(r, &mut b, "JPEG header")?;
            marker = b[0];
        }
        match marker {
            0xD0..=0xD7 | 0x01 => continue,
            0xD9 => return Err("JPEG header: the image ends before any frame header".into()),
            0xDA => return Err("JPEG header: image data starts before any frame header".into()),
            _ => {}
        }
        let mut len = [0u8; 2];
        read_exact(r, &mut len, "JPEG header")?;
        let len = u16::from_be_bytes(len) as usize;
        if len < 2 {
            return Err(ProbeError::Corrupt(format!(
                "JPEG header: segment length {len} is invalid"
            )));
        }
        let body = len - 2;
        let is_sof = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_sof {
            let mut sof = [0u8; 5];
            read_exact(r, &mut sof, "JPEG frame header")?;
            let h = u16::from_be_bytes([sof[1], sof[2]]) as u32;
            let w = u16::from_be_bytes([sof[3], sof[4]]) as u32;
            return Ok((w, h, orientation, false));
        }
        if marker == 0xE1 && orientation.is_none() && (14..=MAX_EXIF_BYTES).contains(&body) {
            let mut seg = vec![0u8; body];
            read_exact(r, &mut seg, "JPEG EXIF segment")?;
            if seg.starts_with(b"Exif\0\0") {
                orientation = exif_orientation(&seg[6..]);
            }
        } else {
            seek(r, SeekFrom::Current(body as i64))?;
        }
    }
}

/// The orientation tag (0x0112) of IFD0 in a TIFF-structured EXIF block.
fn exif_orientation(tiff: &[u8]) -> Option<u8> {
    let le = match tiff.get(..4)? {
        b"II*\0" => true,
        b"MM\0*" => false,
        _ => return None,
    };
    let u16_at = |i| if le { le16(tiff, i) } else { be16(tiff, i) };
    let u32_at = |i| if le { le32(tiff, i) } else { be32(tiff, i) };
    let ifd = u32_at(4)? as usize;
    let count = u16_at(ifd)? as usize;
    (0..count.min(512))
        .find_map(|i| {
            let e = ifd + 2 + i * 12;
            (u16_at(e)? == 0x0112).then(|| u16_at(e + 8)).flatten()
        })
        .and_then(|v| u8::try_from(v).ok())
        .filter(|v| (1..=8).contains(v))
}

/// PNG: IHDR (with its CRC checked), then the chunks before the first IDAT for
/// `acTL` (APNG) and `eXIf` (orientation).
fn png<R: Read + Seek>(r: &mut R) -> Result<Header, ProbeError> {
    seek(r, SeekFrom::Start(8))?;
    let mut ihdr = [0u8; 25];
    read_exact(r, &mut ihdr, "PNG header")?;
    if &ihdr[4..8] != b"IHDR" || be32(&ihdr, 0) != Some(13) {
        return Err("PNG header: the first chunk is not a 13-byte IHDR".into());
    }
    if crc32(&ihdr[4..21]) != be32(&ihdr, 21).unwrap_or(0) {
        return Err("PNG header: the IHDR checksum does not match (corrupt file)".into());
    }
    let (w, h) = (be32(&ihdr, 8).unwrap_or(0), be32(&ihdr, 12).unwrap_or(0));
    let mut animated = false;
    let mut orientation = None;
    loop {
        let mut ch = [0u8; 8];
        read_exact(r, &mut ch, "PNG chunks before the image data")?;
        let len = be32(&ch, 0).unwrap_or(0) as u64;
        match &ch[4..8] {
            b"IDAT" => return Ok((w, h, orientation, animated)),
            b"IEND" => return Err("PNG: the file ends without image data".into()),
            b"acTL" if len >= 8 => {
                let mut actl = [0u8; 8];
                read_exact(r, &mut actl, "PNG acTL chunk")?;
                animated = be32(&actl, 0).unwrap_or(0) > 1;
                seek(r, SeekFrom::Current(len as i64 - 8 + 4))?;
            }
            b"eXIf" if (len as usize) <= MAX_EXIF_BYTES => {
                let mut exif = vec![0u8; len as usize];
                read_exact(r, &mut exif, "PNG eXIf chunk")?;
                orientation = exif_orientation(&exif);
                seek(r, SeekFrom::Current(4))?;
            }
            _ => seek(r, SeekFrom::Current(len as i64 + 4))?,
        }
    }
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
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
                    return Ok((w.into(), h.into(), None, true));
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
            0x3B if frames > 0 => return Ok((w.into(), h.into(), None, false)),
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
                Ok((w.into(), h.into(), None, false))
            } else {
                Err("GIF: the file ends early (truncated)".into())
            };
        }
    }
}

/// WebP: the first chunk gives the size (VP8, VP8L, or VP8X canvas with the
/// animation flag); with VP8X an EXIF chunk may give the orientation.
fn webp<R: Read + Seek>(r: &mut R, head: &[u8]) -> Result<Header, ProbeError> {
    let truncated = || "WebP header: the file ends early (truncated)".to_string();
    let chunk = head.get(12..16).ok_or_else(truncated)?;
    match chunk {
        b"VP8 " => {
            let d = head.get(20..30).ok_or_else(truncated)?;
            if d[3..6] != [0x9D, 0x01, 0x2A] {
                return Err("WebP VP8 header: missing start code (corrupt file)".into());
            }
            let w = (le16(d, 6).unwrap_or(0) & 0x3FFF) as u32;
            let h = (le16(d, 8).unwrap_or(0) & 0x3FFF) as u32;
            Ok((w, h, None, false))
        }
        b"VP8L" => {
            let d = head.get(20..25).ok_or_else(truncated)?;
            if d[0] != 0x2F {
                return Err("WebP lossless header: bad signature (corrupt file)".into());
            }
            let bits = le32(d, 1).unwrap_or(0);
            Ok((
                (bits & 0x3FFF) + 1,
                ((bits >> 14) & 0x3FFF) + 1,
                None,
                false,
            ))
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
            Ok((w, h, orientation, flags & 0x02 != 0))
        }
        other => Err(ProbeError::Corrupt(format!(
            "WebP: unknown first chunk {:?}",
            String::from_utf8_lossy(other)
        ))),
    }
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
            return Ok(exif_orientation(tiff));
        }
        seek(r, SeekFrom::Current(padded as i64))?;
    }
    Ok(None)
}

/// BMP: the DIB header (OS/2 12-byte or Windows 40+ byte); a negative height
/// means top-down rows.
fn bmp(head: &[u8]) -> Result<Header, ProbeError> {
    let truncated = || "BMP header: the file ends early (truncated)".to_string();
    let dib = le32(head, 14).ok_or_else(truncated)?;
    if dib == 12 {
        let w = le16(head, 18).ok_or_else(truncated)?;
        let h = le16(head, 20).ok_or_else(truncated)?;
        return Ok((w.into(), h.into(), None, false));
    }
    let w = le32(head, 18).ok_or_else(truncated)? as i32;
    let h = le32(head, 22).ok_or_else(truncated)? as i32;
    Ok((w.unsigned_abs(), h.unsigned_abs(), None, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_the_png_reference() {
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
    }

    #[test]
    fn exif_orientation_both_byte_orders() {
        let mut le = b"II*\0\x08\0\0\0\x01\0".to_vec();
        le.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
        assert_eq!(exif_orientation(&le), Some(6));
        let mut be = b"MM\0*\0\0\0\x08\0\x01".to_vec();
        be.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 8, 0, 0]);
        assert_eq!(exif_orientation(&be), Some(8));
        assert_eq!(exif_orientation(b"II*\0\xff\xff\xff\xff"), None);
    }
}
