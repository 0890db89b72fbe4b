//! PNG: IHDR (checksum, size and colour format checked), the chunks before
//! the first IDAT for `acTL` (APNG) and `eXIf` (orientation), and the `IEND`
//! chunk at the end of the file.

use std::io::{Read, Seek, SeekFrom};

use super::bytes::be32;
use super::header::{read_exact, seek, Header, MAX_EXIF_BYTES};
use super::jpeg::exif_orientation;
use super::{read_tail, ProbeError};

/// The `IEND` chunk, whole: length 0, type, CRC.
const IEND: &[u8; 12] = b"\0\0\0\0IEND\xAE\x42\x60\x82";
/// Bytes of the tail searched for `IEND` when the file does not end with it.
const TAIL_WINDOW: u64 = 4096;
/// The largest width or height PNG allows (2³¹ − 1).
const MAX_SIDE: u32 = i32::MAX as u32;

pub(super) fn png<R: Read + Seek>(r: &mut R, size: Option<u64>) -> Result<Header, ProbeError> {
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
    if w > MAX_SIDE || h > MAX_SIDE {
        return Err(ProbeError::Corrupt(format!(
            "PNG header: {w}×{h} is beyond the format's limit of 2,147,483,647 px a side"
        )));
    }
    let (depth, colour) = (ihdr[16], ihdr[17]);
    if !valid_format(colour, depth) {
        return Err(ProbeError::Corrupt(format!(
            "PNG header: colour type {colour} with bit depth {depth} is not a valid combination"
        )));
    }
    let mut animated = false;
    let mut orientation = None;
    let idat_at = loop {
        let mut ch = [0u8; 8];
        read_exact(r, &mut ch, "PNG chunks before the image data")?;
        let len = be32(&ch, 0).unwrap_or(0) as u64;
        match &ch[4..8] {
            b"IDAT" => break r.stream_position().unwrap_or(33),
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
    };
    let (trailing, damage) = match size.map(|end| iend(r, idat_at, end)) {
        Some(Ok(t)) => (t, None),
        Some(Err(e)) => (None, Some(e)),
        None => (None, None),
    };
    Ok(Header {
        w,
        h,
        orientation,
        animated,
        trailing,
        damage,
    })
}

/// Colour type and bit depth pairs the PNG specification allows.
fn valid_format(colour: u8, depth: u8) -> bool {
    match colour {
        0 => matches!(depth, 1 | 2 | 4 | 8 | 16),
        3 => matches!(depth, 1 | 2 | 4 | 8),
        2 | 4 | 6 => matches!(depth, 8 | 16),
        _ => false,
    }
}

/// The `IEND` chunk: the last 12 bytes, else searched for in the tail (data
/// appended after it is reported, not refused).
fn iend<R: Read + Seek>(r: &mut R, data_at: u64, end: u64) -> Result<Option<u64>, ProbeError> {
    let truncated = || {
        ProbeError::Truncated(format!(
            "the file ends at byte {} inside the PNG's image data: its IEND chunk is missing (truncated)",
            super::thousands(end)
        ))
    };
    if end < data_at.saturating_add(12) {
        return Err(truncated());
    }
    if read_tail(r, end, end - 12, "PNG end")? == IEND {
        return Ok(None);
    }
    let from = data_at.max(end.saturating_sub(TAIL_WINDOW));
    let tail = read_tail(r, end, from, "PNG end")?;
    match tail.windows(12).position(|w| w == IEND) {
        Some(i) => Ok(Some(end - (from + i as u64 + 12))),
        None => Err(truncated()),
    }
}

pub(super) fn crc32(data: &[u8]) -> u32 {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_the_png_reference() {
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
        assert_eq!(&IEND[8..], &crc32(b"IEND").to_be_bytes());
    }

    #[test]
    fn colour_formats() {
        assert!(valid_format(2, 8) && valid_format(3, 1) && valid_format(0, 16));
        assert!(!valid_format(2, 4) && !valid_format(3, 16) && !valid_format(5, 8));
    }
}
