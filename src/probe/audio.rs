//! Audio: WAV (RIFF chunks) and MPEG audio (MP3 / MP2).
//!
//! An MP3's length comes from its Xing/Info/VBRI header when it has one;
//! otherwise every frame is counted (header-only reads, seeking over frame
//! data). When the byte budget cuts counting short, the rest is estimated from
//! the average frame size and the facts say so, with a margin.

use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};

use super::bytes::{be32, le16, le32};
use super::{io_msg, Format, MediaFacts, ProbeError, ProbeResult};
use crate::source::{is_budget_error, read_up_to};

/// WAV: `fmt ` for rate, channels and codec; `data` for the length.
pub(super) fn probe_wav<R: Read + Seek>(r: &mut R, f: &mut MediaFacts) -> ProbeResult {
    r.seek(SeekFrom::Start(12))
        .map_err(|e| io_msg(e, "WAV header"))?;
    let mut fmt: Option<[u8; 40]> = None;
    for _ in 0..1024 {
        let mut ch = [0u8; 8];
        let n = read_up_to(r, &mut ch).map_err(|e| io_msg(e, "WAV chunks"))?;
        if n < 8 {
            return Err("WAV: no `data` chunk (truncated file)".into());
        }
        let len = le32(&ch, 4).unwrap_or(0) as u64;
        match &ch[..4] {
            b"fmt " => {
                let mut buf = [0u8; 40];
                let take = len.min(40) as usize;
                r.read_exact(&mut buf[..take])
                    .map_err(|e| io_msg(e, "WAV fmt chunk"))?;
                if take < 16 {
                    return Err(ProbeError::Corrupt(format!(
                        "WAV: the fmt chunk is {len} bytes, fewer than 16"
                    )));
                }
                fmt = Some(buf);
                r.seek(SeekFrom::Current((len - take as u64 + (len & 1)) as i64))
                    .map_err(|e| io_msg(e, "WAV chunks"))?;
            }
            b"data" => {
                let fmt = fmt.ok_or("WAV: the `data` chunk comes before any `fmt` chunk")?;
                return wav_facts(&fmt, len, r, f);
            }
            _ => {
                r.seek(SeekFrom::Current((len + (len & 1)) as i64))
                    .map_err(|e| io_msg(e, "WAV chunks"))?;
            }
        }
    }
    Err("WAV: too many chunks before `data`".into())
}

fn wav_facts<R: Read + Seek>(
    fmt: &[u8; 40],
    declared: u64,
    r: &mut R,
    f: &mut MediaFacts,
) -> ProbeResult {
    let tag = le16(fmt, 0).unwrap_or(0);
    let channels = le16(fmt, 2).unwrap_or(0);
    let rate = le32(fmt, 4).unwrap_or(0);
    let byte_rate = le32(fmt, 8).unwrap_or(0);
    let bits = le16(fmt, 14).unwrap_or(0);
    if rate == 0 || channels == 0 || byte_rate == 0 {
        return Err(ProbeError::Corrupt(format!(
            "WAV: invalid format (sample rate {rate} Hz, {channels} channels, {byte_rate} bytes/s)"
        )));
    }
    let real_tag = if tag == 0xFFFE {
        le16(fmt, 24).unwrap_or(0)
    } else {
        tag
    };
    f.codec = Some(match (real_tag, bits) {
        (1, 8) => "pcm_u8".into(),
        (1, b) => format!("pcm_s{b}le"),
        (3, b) => format!("pcm_f{b}le"),
        (6, _) => "pcm_alaw".into(),
        (7, _) => "pcm_mulaw".into(),
        (t, _) => format!("wav format 0x{t:04x}"),
    });
    f.sample_rate = Some(rate);
    f.channels = Some(channels);
    // A streaming writer leaves the size at 0xFFFFFFFF; a truncated file holds
    // less than declared: count what is really there.
    let here = r.stream_position().map_err(|e| io_msg(e, "WAV"))?;
    let end = r.seek(SeekFrom::End(0)).map_err(|e| io_msg(e, "WAV"))?;
    let present = end.saturating_sub(here);
    let data = if declared == 0xFFFF_FFFF {
        present
    } else {
        declared.min(present)
    };
    if data == 0 {
        return Err("WAV: the file holds no audio samples".into());
    }
    f.duration_s = Some(data as f64 / byte_rate as f64);
    Ok(())
}

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
        f.format = Format::Aac;
        return Ok(());
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
    if let Some(frames) = length_header(frame, &first) {
        f.length_header = Some(true);
        f.duration_s = Some(frames as f64 * first.samples as f64 / first.rate as f64);
        return Ok(());
    }
    f.length_header = Some(false);
    count_frames(r, start, &buf, offset, size, first, f)
}

/// The frame count of a Xing/Info or VBRI header in the first frame.
fn length_header(frame: &[u8], h: &FrameHeader) -> Option<u64> {
    let side = match (h.mpeg1, h.channels) {
        (true, 1) => 17,
        (true, _) => 32,
        (false, 1) => 9,
        (false, _) => 17,
    };
    let x = 4 + side;
    if matches!(frame.get(x..x + 4), Some(b"Xing" | b"Info")) {
        let flags = be32(frame, x + 4)?;
        return (flags & 1 != 0)
            .then(|| be32(frame, x + 8).map(u64::from))
            .flatten();
    }
    if frame.get(36..40) == Some(b"VBRI") {
        return be32(frame, 36 + 14).map(u64::from);
    }
    None
}

fn count_frames<R: Read + Seek>(
    r: &mut R,
    buf_at: u64,
    buf: &[u8],
    offset: usize,
    size: Option<u64>,
    first: FrameHeader,
    f: &mut MediaFacts,
) -> ProbeResult {
    let first_at = buf_at + offset as u64;
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
    f.frames = None;
    let counted = samples as f64 / first.rate as f64;
    match size {
        Some(total) if cut_short && total > pos => {
            let avg = (pos - first_at) as f64 / frames as f64;
            let rest_frames = (total - pos) as f64 / avg;
            let rest_s = rest_frames * first.samples as f64 / first.rate as f64;
            f.duration_s = Some(counted + rest_s);
            f.duration_estimated = true;
            // Frame sizes in a VBR stream range over ~×4 around the average.
            f.duration_margin_s = Some(rest_s * 0.5);
        }
        _ if cut_short => {
            f.duration_s = Some(counted);
            f.duration_estimated = true;
        }
        _ => f.duration_s = Some(counted),
    }
    Ok(())
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
