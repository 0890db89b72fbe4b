//! JPEG: the marker segments up to the first scan, EXIF orientation on the
//! way, and an end check on the file's tail. Segments are sought over, not
//! read (a frame header behind a 300 KB metadata segment costs a few hundred
//! bytes).

use std::io::{Read, Seek, SeekFrom};

use super::bytes::{be16, be32, le16, le32};
use super::header::{read_exact, seek, Header, MAX_EXIF_BYTES};
use super::{io_msg, read_tail, ProbeError};

/// Bytes of the tail searched for the end marker when the file does not end
/// with it.
const TAIL_WINDOW: u64 = 4096;

/// Walks the marker segments to the first SOFn (the size), reads EXIF
/// orientation from an APP1 `Exif` segment on the way, then on to the first
/// SOS (the image data must start), then checks the tail for the end marker.
/// Once the frame header is read, a damaged rest keeps the size as a fact.
pub(super) fn jpeg<R: Read + Seek>(r: &mut R, size: Option<u64>) -> Result<Header, ProbeError> {
    let mut orientation = None;
    let mut frame: Option<(u32, u32)> = None;
    let end_check = match first_scan(r, size, &mut frame, &mut orientation) {
        Ok(scan_at) => match size {
            Some(end) => end_marker(r, scan_at, end),
            None => Ok(None),
        },
        Err(e) => Err(e),
    };
    let Some((w, h)) = frame else {
        end_check?;
        return Err("JPEG header: no frame header".into());
    };
    let (trailing, damage) = match end_check {
        Ok(t) => (t, None),
        Err(e) => (None, Some(e)),
    };
    Ok(Header {
        w,
        h,
        orientation,
        trailing,
        damage,
        ..Header::default()
    })
}

/// The segments up to the first scan; returns where its image data starts.
fn first_scan<R: Read + Seek>(
    r: &mut R,
    size: Option<u64>,
    frame: &mut Option<(u32, u32)>,
    orientation: &mut Option<u8>,
) -> Result<u64, ProbeError> {
    seek(r, SeekFrom::Start(2))?;
    let frame_known = |f: &Option<(u32, u32)>| f.is_some();
    loop {
        let mut m = [0u8; 2];
        read_exact(r, &mut m, "JPEG header").map_err(|e| no_scan(e, *frame, size))?;
        if m[0] != 0xFF {
            return Err(ProbeError::Corrupt(format!(
                "JPEG header: expected a marker, found byte 0x{:02X}",
                m[0]
            )));
        }
        let mut marker = m[1];
        while marker == 0xFF {
            let mut b = [0u8; 1];
            read_exact(r, &mut b, "JPEG header").map_err(|e| no_scan(e, *frame, size))?;
            marker = b[0];
        }
        match marker {
            0xD0..=0xD7 | 0x01 => continue,
            0xD9 if frame_known(frame) => {
                return Err("JPEG: the image ends (EOI marker) before its image data starts".into())
            }
            0xD9 => return Err("JPEG header: the image ends before any frame header".into()),
            0xDA if !frame_known(frame) => {
                return Err("JPEG header: image data starts before any frame header".into())
            }
            _ => {}
        }
        let mut len = [0u8; 2];
        read_exact(r, &mut len, "JPEG header").map_err(|e| no_scan(e, *frame, size))?;
        let len = u16::from_be_bytes(len) as usize;
        if len < 2 {
            return Err(ProbeError::Corrupt(format!(
                "JPEG header: segment length {len} is invalid"
            )));
        }
        let body = len - 2;
        if marker == 0xDA {
            let here = r.stream_position().map_err(|e| io_msg(e, "JPEG"))?;
            return Ok(here + body as u64);
        }
        let is_sof = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_sof && !frame_known(frame) {
            if body < 5 {
                return Err(ProbeError::Corrupt(format!(
                    "JPEG frame header: {body} bytes, too short for a size"
                )));
            }
            let mut sof = [0u8; 5];
            read_exact(r, &mut sof, "JPEG frame header")?;
            let h = u16::from_be_bytes([sof[1], sof[2]]) as u32;
            let w = u16::from_be_bytes([sof[3], sof[4]]) as u32;
            *frame = Some((w, h));
            seek(r, SeekFrom::Current(body as i64 - 5))?;
        } else if marker == 0xE1 && orientation.is_none() && (14..=MAX_EXIF_BYTES).contains(&body) {
            let mut seg = vec![0u8; body];
            read_exact(r, &mut seg, "JPEG EXIF segment")?;
            if seg.starts_with(b"Exif\0\0") {
                *orientation = exif_orientation(&seg[6..]);
            }
        } else {
            seek(r, SeekFrom::Current(body as i64))?;
        }
    }
}

/// A read that failed before the first scan: past the frame header, a file
/// that ends there is a JPEG whose image data never starts.
fn no_scan(e: ProbeError, frame: Option<(u32, u32)>, size: Option<u64>) -> ProbeError {
    match (e, frame) {
        (ProbeError::Truncated(_), Some(_)) => {
            let end = size.map_or(String::new(), |n| {
                format!(" at byte {}", super::thousands(n))
            });
            ProbeError::Truncated(format!(
                "the file ends{end}; the JPEG's image data never starts (no scan after the frame header)"
            ))
        }
        (e, _) => e,
    }
}

/// The end marker (EOI): the file's last two bytes, else searched for in the
/// tail (from the first scan on). Returns the bytes after it when something
/// follows it (a phone's appended motion clip, padding). A tail that holds
/// only entropy-coded image data and no end marker is a truncated file; a
/// tail holding bytes that cannot be image data (a marker code no scan may
/// contain) is data appended after an end marker further back.
fn end_marker<R: Read + Seek>(
    r: &mut R,
    scan_at: u64,
    end: u64,
) -> Result<Option<u64>, ProbeError> {
    if end < scan_at.saturating_add(2) {
        return Err(ProbeError::Truncated(format!(
            "the file ends at byte {}; the JPEG's image data never starts",
            super::thousands(end)
        )));
    }
    let last = read_tail(r, end, end - 2, "JPEG end")?;
    if last == [0xFF, 0xD9] {
        return Ok(None);
    }
    let from = scan_at.max(end.saturating_sub(TAIL_WINDOW));
    let tail = read_tail(r, end, from, "JPEG end")?;
    let mut foreign = false;
    for i in 0..tail.len().saturating_sub(1) {
        if tail[i] != 0xFF {
            continue;
        }
        match tail[i + 1] {
            0xD9 if !foreign => return Ok(Some(end - (from + i as u64 + 2))),
            0x01..=0xBF => foreign = true,
            _ => {}
        }
    }
    if foreign {
        return Ok(None);
    }
    Err(ProbeError::Truncated(format!(
        "the file ends at byte {} inside the JPEG's image data: its end marker (EOI) is missing (truncated)",
        super::thousands(end)
    )))
}

/// The orientation tag (0x0112) of IFD0 in a TIFF-structured EXIF block.
pub(super) fn exif_orientation(tiff: &[u8]) -> Option<u8> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

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

    #[test]
    fn end_marker_cases() {
        let check = |b: &[u8]| end_marker(&mut Cursor::new(b.to_vec()), 0, b.len() as u64);
        assert_eq!(check(b"\x12\x34\xff\x00\x56\xff\xd9"), Ok(None));
        assert_eq!(check(b"\x12\x34\xff\xd9ftypmp42"), Ok(Some(8)));
        // Scan data only, no end marker: truncated.
        assert!(matches!(
            check(b"\x12\x34\xff\x00\x56\xff\xd3\x77"),
            Err(ProbeError::Truncated(_))
        ));
        // Bytes no scan can hold (FF 10): data appended after an earlier EOI.
        assert_eq!(check(b"\x12\xff\x10\x00\x00\x00ftyp"), Ok(None));
    }
}
