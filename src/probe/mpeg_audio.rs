//! MPEG audio (MP3 / MP2).
//!
//! An MP3's length comes from its Xing/Info/VBRI header when it has one and
//! the header fits the file; otherwise every frame is counted (header-only
//! reads, seeking over frame data). When the byte budget cuts counting short,
//! the rest is estimated from the average frame size and the facts say so,
//! with a margin.

use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};

use super::bytes::be32;
use super::{io_msg, Format, MediaFacts, ProbeError, ProbeResult};
use crate::source::{is_budget_error, read_up_to};

/// An MPEG audio frame header.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct FrameHeader {
    /// 1, 2 or 3.
    pub layer: u8,
    /// MPEG-1 (true) or MPEG-2/2.5.
    pub mpeg1: bool,
    /// Sample rate in Hz.
    pub rate: u32,
    /// 1 or 2.
    pub channels: u16,
    /// Frame length in bytes, header included.
    pub len: usize,
    /// PCM samples per channel in the frame.
    pub samples: u32,
}

impl FrameHeader {
    /// Parses four bytes; `None` unless they are a valid, fixed-bitrate header.
    pub fn parse(h: &[u8]) -> Option<FrameHeader> {
        let v = be32(h, 0)?;
        if v >> 21 != 0x7FF {
            return None;
        }
        let version = (v >> 19) & 3; // 0: 2.5, 2: 2, 3: 1
        let layer = match (v >> 17) & 3 {
            3 => 1,
            2 => 2,
            1 => 3,
            _ => return None,
        };
        let br_idx = ((v >> 12) & 0xF) as usize;
        let sr_idx = ((v >> 10) & 3) as usize;
        if version == 1 || br_idx == 0 || br_idx == 15 || sr_idx == 3 {
            return None;
        }
        let mpeg1 = version == 3;
        const BR_V1: [[u32; 15]; 3] = [
            [
                0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448,
            ],
            [
                0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384,
            ],
            [
                0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
            ],
        ];
        const BR_V2: [[u32; 15]; 2] = [
            [
                0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256,
            ],
            [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
        ];
        let kbps = if mpeg1 {
            BR_V1[layer as usize - 1][br_idx]
        } else {
            BR_V2[if layer == 1 { 0 } else { 1 }][br_idx]
        };
        let rate = [44100, 48000, 32000][sr_idx]
            >> match version {
                3 => 0,
                2 => 1,
                _ => 2,
            };
        let pad = (v >> 9) & 1;
        let bps = kbps * 1000;
        let (len, samples) = match layer {
            1 => ((12 * bps / rate + pad) * 4, 384),
            2 => (144 * bps / rate + pad, 1152),
            _ if mpeg1 => (144 * bps / rate + pad, 1152),
            _ => (72 * bps / rate + pad, 576),
        };
        let channels = if (v >> 6) & 3 == 3 { 1 } else { 2 };
        Some(FrameHeader {
            layer,
            mpeg1,
            rate,
            channels,
            len: len as usize,
            samples,
        })
    }
}

/// Skips every ID3v2 tag at the start by its declared size; returns where the
/// audio starts.
fn skip_id3v2<R: Read + Seek>(r: &mut R) -> Result<u64, ProbeError> {
    let mut pos = 0u64;
    for _ in 0..16 {
        r.seek(SeekFrom::Start(pos))
            .map_err(|e| io_msg(e, "ID3 tag"))?;
        let mut h = [0u8; 10];
        let n = read_up_to(r, &mut h).map_err(|e| io_msg(e, "ID3 tag"))?;
        if n < 10 || &h[..3] != b"ID3" {
            return Ok(pos);
        }
        let size = h[6..10]
            .iter()
            .fold(0u64, |acc, b| (acc << 7) | (*b as u64 & 0x7F));
        let footer = if h[5] & 0x10 != 0 { 10 } else { 0 };
        pos += 10 + size + footer;
    }
    Ok(pos)
}

/// Bytes searched for the first frame after the tags (junk, padding).
const MAX_SYNC_SEARCH: usize = 64 * 1024;
/// Bytes read at a time while searching.
const SYNC_STEP: usize = 4 * 1024;

/// The first frame header in `buf` that another frame follows. A header whose
/// successor lies beyond `buf` counts only when `buf` reaches the end of file.
fn first_frame(buf: &[u8], at_eof: bool) -> Option<(usize, FrameHeader)> {
    (0..buf.len().saturating_sub(3)).find_map(|i| {
        let h = FrameHeader::parse(&buf[i..])?;
        let next = i + h.len;
        let confirmed = match buf.get(next..next + 4) {
            Some(n) => FrameHeader::parse(n).is_some(),
            None => at_eof,
        };
        confirmed.then_some((i, h))
    })
}

pub(super) fn probe_mpeg<R: Read + Seek>(
    r: &mut R,
    size: Option<u64>,
    f: &mut MediaFacts,
) -> ProbeResult {
    let start = skip_id3v2(r)?;
    r.seek(SeekFrom::Start(start))
        .map_err(|e| io_msg(e, "MPEG audio"))?;
    // Read in small steps until a confirmed frame is found, so that the budget
    // goes to counting frames, not to the search.
    let mut buf = Vec::new();
    let found = loop {
        let have = buf.len();
        buf.resize(have + SYNC_STEP, 0);
        let n = read_up_to(r, &mut buf[have..]).map_err(|e| io_msg(e, "MPEG audio"))?;
        buf.truncate(have + n);
        if let Some(hit) = first_frame(&buf, n < SYNC_STEP) {
            break Some(hit);
        }
        if n < SYNC_STEP || buf.len() >= MAX_SYNC_SEARCH {
            break None;
        }
    };
    if buf.is_empty() {
        return Err("the file has a tag but no audio (truncated)".into());
    }
    if buf.len() >= 2 && buf[0] == 0xFF && buf[1] & 0xF6 == 0xF0 {
        // AAC behind an ID3v2 tag.
        f.format = Format::Aac;
        f.kind = Format::Aac.kind();
        return super::adts::probe(r, start, size, f);
    }
    let (offset, first) = found.ok_or("no MPEG audio frame found (corrupt file)")?;
    f.format = if first.layer == 3 {
        Format::Mp3
    } else {
        Format::Mp2
    };
    f.kind = f.format.kind();
    f.codec = Some(f.format.name().into());
    f.sample_rate = Some(first.rate);
    f.channels = Some(first.channels);
    let frame = &buf[offset..(offset + first.len).min(buf.len())];
    let header = length_header(frame, &first);
    f.length_header = Some(header.is_some());
    let first_at = start + offset as u64;
    let to_secs = |frames: u64| frames as f64 * first.samples as f64 / first.rate as f64;
    let Some(lh) = header else {
        let c = count_frames(r, start, &buf, offset, size, first)?;
        apply(&c, first, first_at, size, f);
        return Ok(());
    };
    let fits = match (lh.bytes, size) {
        (Some(bytes), Some(total)) => first_at.saturating_add(bytes) <= total,
        _ => true,
    };
    if lh.frames > 0 && fits {
        f.duration_s = Some(to_secs(lh.frames));
        return Ok(());
    }
    // The header declares no frames, or more bytes than the file holds:
    // count the frames that are there (the header's own frame holds no audio).
    let mut c = count_frames(r, start, &buf, offset, size, first)?;
    c.frames = c.frames.saturating_sub(1);
    c.samples = c.samples.saturating_sub(first.samples.into());
    apply(&c, first, first_at, size, f);
    if lh.frames > 0 && !c.cut_short && c.frames < lh.frames {
        return Err(ProbeError::Truncated(format!(
            "the {} header declares {} frames ({}); the file ends after {} frames ({}) (truncated)",
            lh.kind,
            super::thousands(lh.frames),
            super::secs(to_secs(lh.frames)),
            super::thousands(c.frames),
            super::secs(to_secs(c.frames)),
        )));
    }
    Ok(())
}

/// What a Xing/Info or VBRI header declares.
struct LengthHeader {
    /// `Xing`, `Info` or `VBRI`.
    kind: &'static str,
    /// Frames after the header's own frame.
    frames: u64,
    /// Bytes of the stream, the header's frame included, when stated.
    bytes: Option<u64>,
}

/// The Xing/Info or VBRI header in the first frame, if it states a frame count.
fn length_header(frame: &[u8], h: &FrameHeader) -> Option<LengthHeader> {
    let side = match (h.mpeg1, h.channels) {
        (true, 1) => 17,
        (true, _) => 32,
        (false, 1) => 9,
        (false, _) => 17,
    };
    let x = 4 + side;
    if let Some(tag @ (b"Xing" | b"Info")) = frame.get(x..x + 4) {
        let flags = be32(frame, x + 4)?;
        if flags & 1 == 0 {
            return None;
        }
        let bytes = (flags & 2 != 0)
            .then(|| be32(frame, x + 12).map(u64::from))
            .flatten();
        return Some(LengthHeader {
            kind: if tag == b"Xing" { "Xing" } else { "Info" },
            frames: be32(frame, x + 8)?.into(),
            bytes,
        });
    }
    if frame.get(36..40) == Some(b"VBRI") {
        return Some(LengthHeader {
            kind: "VBRI",
            frames: be32(frame, 36 + 14)?.into(),
            bytes: be32(frame, 36 + 10).map(u64::from),
        });
    }
    None
}

/// Frames counted from the first one.
struct Count {
    frames: u64,
    samples: u64,
    /// Whether the byte budget stopped counting.
    cut_short: bool,
    /// Where counting stopped.
    pos: u64,
}

fn count_frames<R: Read + Seek>(
    r: &mut R,
    buf_at: u64,
    buf: &[u8],
    offset: usize,
    size: Option<u64>,
    first: FrameHeader,
) -> Result<Count, ProbeError> {
    let same_stream = |x: &FrameHeader| x.rate == first.rate && x.layer == first.layer;
    // The frames already read during the sync search are counted from memory;
    // reading resumes where the buffer ends, so no byte is read twice.
    let (mut frames, mut samples, mut i) = (0u64, 0u64, offset);
    while let Some(h) = buf
        .get(i..i + 4)
        .and_then(FrameHeader::parse)
        .filter(same_stream)
    {
        if i + h.len > buf.len() {
            break;
        }
        frames += 1;
        samples += h.samples as u64;
        i += h.len;
    }
    let mut pos = buf_at + i as u64;
    r.seek(SeekFrom::Start(pos))
        .map_err(|e| io_msg(e, "MPEG audio"))?;
    let mut br = BufReader::with_capacity(64 * 1024, r);
    let mut cut_short = false;
    loop {
        let mut h = [0u8; 4];
        match read_up_to(&mut br, &mut h) {
            Ok(4) => {}
            Ok(_) => break,
            Err(e) if is_budget_error(&e) => {
                cut_short = true;
                break;
            }
            Err(e) => return Err(io_msg(e, "MPEG audio frames")),
        }
        let Some(hdr) = FrameHeader::parse(&h).filter(same_stream) else {
            break; // ID3v1 / APE tag, or junk at the end
        };
        if size.is_some_and(|total| pos + hdr.len as u64 > total) {
            break; // a frame cut off by the end of the file
        }
        frames += 1;
        samples += hdr.samples as u64;
        pos += hdr.len as u64;
        if let Err(e) = br.seek_relative(hdr.len as i64 - 4) {
            return Err(io_msg(e, "MPEG audio frames"));
        }
        if br.fill_buf().map(|b| b.is_empty()).unwrap_or(false) {
            break;
        }
    }
    if frames == 0 {
        return Err("no complete MPEG audio frame".into());
    }
    Ok(Count {
        frames,
        samples,
        cut_short,
        pos,
    })
}

/// The length from a count: exact, or estimated past where the budget
/// stopped it.
fn apply(c: &Count, first: FrameHeader, first_at: u64, size: Option<u64>, f: &mut MediaFacts) {
    f.frames = None;
    let counted = c.samples as f64 / first.rate as f64;
    match size {
        Some(total) if c.cut_short && total > c.pos && c.frames > 0 => {
            let avg = (c.pos - first_at) as f64 / c.frames as f64;
            let rest_frames = (total - c.pos) as f64 / avg;
            let rest_s = rest_frames * first.samples as f64 / first.rate as f64;
            f.duration_s = Some(counted + rest_s);
            f.duration_estimated = true;
            // Frame sizes in a VBR stream range over ~×4 around the average.
            f.duration_margin_s = Some(rest_s * 0.5);
        }
        _ if c.cut_short => {
            f.duration_s = Some(counted);
            f.duration_estimated = true;
        }
        _ => f.duration_s = Some(counted),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_header_lengths() {
        // MPEG-1 layer III, 128 kbps, 44.1 kHz, no padding: 417 bytes, 1152 samples.
        let h = FrameHeader::parse(&[0xFF, 0xFB, 0x90, 0x00]).unwrap();
        assert_eq!(
            (h.layer, h.rate, h.len, h.samples, h.channels),
            (3, 44100, 417, 1152, 2)
        );
        // MPEG-1 layer II, 192 kbps, 48 kHz, mono.
        let h = FrameHeader::parse(&[0xFF, 0xFD, 0xA4, 0xC0]).unwrap();
        assert_eq!((h.layer, h.rate, h.len, h.channels), (2, 48000, 576, 1));
        // Free-format and reserved values are refused.
        assert!(FrameHeader::parse(&[0xFF, 0xFB, 0x00, 0x00]).is_none());
        assert!(FrameHeader::parse(&[0xFF, 0xFB, 0x9C, 0x00]).is_none());
    }
}
