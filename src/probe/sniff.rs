//! Format identification from the first bytes (magic numbers), never the name.

use super::bytes::{be32, le32};
use super::Format;

/// ISO-BMFF major/compatible brands that mark a still image (HEIF family).
const HEIF_BRANDS: &[&[u8; 4]] = &[
    b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1",
];

/// Identifies a format from the first bytes of a file (512 are plenty).
pub fn sniff(h: &[u8]) -> Format {
    if h.is_empty() {
        return Format::Empty;
    }
    if h.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Format::Jpeg;
    }
    if h.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Format::Png;
    }
    if h.starts_with(b"GIF87a") || h.starts_with(b"GIF89a") {
        return Format::Gif;
    }
    if h.starts_with(b"II*\0") || h.starts_with(b"MM\0*") {
        return Format::Tiff;
    }
    if (h.starts_with(b"RIFF") || h.starts_with(b"RF64")) && h.len() >= 12 {
        match &h[8..12] {
            b"WEBP" => return Format::Webp,
            b"WAVE" => return Format::Wav,
            b"AVI " => return Format::Avi,
            _ => {}
        }
    }
    if h.starts_with(b"BM")
        && h.len() >= 18
        && matches!(le32(h, 14), Some(12 | 40 | 52 | 56 | 64 | 108 | 124))
    {
        return Format::Bmp;
    }
    if let Some(f) = iso_bmff(h) {
        return f;
    }
    if h.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        return if contains(h, b"webm") {
            Format::Webm
        } else {
            Format::Matroska
        };
    }
    if h.starts_with(b"OggS") {
        return Format::Ogg;
    }
    if h.starts_with(b"fLaC") {
        return Format::Flac;
    }
    if h.starts_with(b"ID3") {
        // The tag may hide the first frame; the MPEG probe settles MP3 vs MP2/AAC.
        return Format::Mp3;
    }
    if let Some(f) = mpeg_audio(h) {
        return f;
    }
    // MPEG audio after zero padding or a block of junk (some encoders,
    // rippers and broken taggers write it): two frames in a row, found
    // within the bytes sniffed.
    for start in 1..h.len().saturating_sub(4) {
        if h[start] == 0xFF {
            if let Some(f @ (Format::Mp3 | Format::Mp2)) = h.get(start..).and_then(mpeg_audio) {
                return f;
            }
        }
    }
    text_kind(h)
}

fn contains(h: &[u8], needle: &[u8]) -> bool {
    h.windows(needle.len()).any(|w| w == needle)
}

/// MP4 family by `ftyp` brand; old QuickTime by its first box.
fn iso_bmff(h: &[u8]) -> Option<Format> {
    let kind = h.get(4..8)?;
    if kind == b"ftyp" {
        let size = be32(h, 0)? as usize;
        let major: &[u8] = h.get(8..12)?;
        let brands: Vec<&[u8]> = (16..size.min(h.len()))
            .step_by(4)
            .filter_map(|i| h.get(i..i + 4))
            .collect();
        let has = |b: &[u8]| major == b || brands.contains(&b);
        return Some(match major {
            b"qt  " => Format::Mov,
            b"M4A " | b"M4B " | b"M4P " | b"F4A " => Format::M4a,
            b"M4V " | b"M4VH" | b"M4VP" => Format::M4v,
            b"avif" | b"avis" => Format::Avif,
            _ if has(b"avif") || has(b"avis") => Format::Avif,
            _ if HEIF_BRANDS.iter().any(|b| major == *b) => Format::Heic,
            _ => Format::Mp4,
        });
    }
    // A media segment of a fragmented stream: not a whole file.
    if matches!(kind, b"styp" | b"moof" | b"sidx" | b"emsg" | b"prft") && be32(h, 0)? >= 8 {
        return Some(Format::Mp4Fragment);
    }
    let known_first_box = matches!(
        kind,
        b"moov" | b"mdat" | b"wide" | b"free" | b"skip" | b"pnot"
    );
    // A box size of 1 means a 64-bit size follows the type.
    let sized = match be32(h, 0)? {
        1 => super::bytes::be64(h, 8)? >= 16,
        n => n >= 8,
    };
    (known_first_box && sized).then_some(Format::Mov)
}

/// An MPEG audio frame header at the start: layer III is MP3, layer II is MP2,
/// an ADTS header is AAC.
fn mpeg_audio(h: &[u8]) -> Option<Format> {
    if h.len() < 4 || h[0] != 0xFF || h[1] & 0xE0 != 0xE0 {
        return None;
    }
    if h[1] & 0xF6 == 0xF0 {
        return Some(Format::Aac); // ADTS: sync 12 bits, layer 00
    }
    let hdr = super::mpeg_audio::FrameHeader::parse(&h[..4])?;
    // Two frames in a row, so that random bytes starting with 0xFF are not MP3.
    if let Some(next) = h.get(hdr.len..hdr.len + 4) {
        super::mpeg_audio::FrameHeader::parse(next)?;
    }
    Some(if hdr.layer == 3 {
        Format::Mp3
    } else {
        Format::Mp2
    })
}

/// SVG, HTML, plain text, or unknown binary.
fn text_kind(h: &[u8]) -> Format {
    let text = match std::str::from_utf8(h) {
        Ok(t) => t,
        // A multi-byte character cut at the end of the window is still text.
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&h[..e.valid_up_to()]).unwrap_or("")
        }
        Err(_) => return Format::Unknown,
    };
    if text.chars().any(|c| c.is_control() && !c.is_whitespace()) {
        return Format::Unknown;
    }
    let lower = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .to_ascii_lowercase();
    if lower.contains("<svg") {
        Format::Svg
    } else if ["<!doctype html", "<html", "<head", "<body", "<!--"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        Format::Html
    } else {
        Format::Text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_numbers() {
        assert_eq!(sniff(b""), Format::Empty);
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0\0\x10JFIF"), Format::Jpeg);
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Format::Webp);
        assert_eq!(sniff(b"RIFF\0\0\0\0WAVEfmt "), Format::Wav);
        assert_eq!(sniff(b"\0\0\0\x18ftypqt  \0\0\0\0qt  "), Format::Mov);
        assert_eq!(sniff(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"), Format::Heic);
        assert_eq!(
            sniff(b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf"),
            Format::Avif
        );
        assert_eq!(
            sniff(b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41"),
            Format::Mp4
        );
        assert_eq!(
            sniff(b"\0\0\0\x1cftypM4A \0\0\0\0M4A mp42isom"),
            Format::M4a
        );
        assert_eq!(sniff(b"\0\0\0\x08wide\0\0\0\x10mdat"), Format::Mov);
        assert_eq!(
            sniff(b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm"),
            Format::Webm
        );
        assert_eq!(sniff(b"<?xml version=\"1.0\"?>\n<svg xmlns="), Format::Svg);
        assert_eq!(sniff(b"\n  <!DOCTYPE html><html>"), Format::Html);
        assert_eq!(sniff("just some words, 中文".as_bytes()), Format::Text);
        assert_eq!(sniff(b"\x00\x01\x02\x03"), Format::Unknown);
        assert_eq!(sniff(b"\xFF\xF1\x50\x80"), Format::Aac);
    }
}

/// The end of an ID3v2 tag (its syncsafe size, plus the footer when flagged).
pub(super) fn id3v2_end(h: &[u8]) -> Option<u64> {
    let b = h.get(6..10)?;
    if b.iter().any(|x| x & 0x80 != 0) {
        return None;
    }
    let size = b.iter().fold(0u64, |acc, x| (acc << 7) | u64::from(*x));
    let footer = if h.get(5)? & 0x10 != 0 { 10 } else { 0 };
    Some(10 + size + footer)
}

#[cfg(test)]
mod naming_tests {
    use super::*;

    #[test]
    fn fragments_large_moov_and_mp3_after_junk_are_named() {
        let mut styp = vec![0, 0, 0, 24];
        styp.extend_from_slice(b"stypmsdh\0\0\0\0msdhmsix");
        assert_eq!(sniff(&styp), Format::Mp4Fragment);
        let mut moof = vec![0, 0, 0, 16];
        moof.extend_from_slice(b"moof\0\0\0\x10mfhd");
        assert_eq!(sniff(&moof), Format::Mp4Fragment);
        // `moov` first with a 64-bit size (size field 1), no `ftyp`.
        let mut big = vec![0, 0, 0, 1];
        big.extend_from_slice(b"moov");
        big.extend_from_slice(&4096u64.to_be_bytes());
        assert_eq!(sniff(&big), Format::Mov);
        // Two MPEG-1 layer III frames (128 kbps, 44.1 kHz: 417 bytes) after junk.
        let frame = |pad: bool| {
            let mut f = vec![0xFF, 0xFB, 0x90, if pad { 0x02 } else { 0x00 }];
            f.resize(417 + usize::from(pad), 0x55);
            f
        };
        let mut junk: Vec<u8> = b"JUNKJUNK garbage \x01\x02\x03".to_vec();
        junk.extend(frame(false));
        junk.extend(frame(false));
        assert_eq!(sniff(&junk[..512.min(junk.len())]), Format::Mp3);
    }
}
