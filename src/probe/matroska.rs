//! WebM / Matroska (EBML) and AVI (RIFF): the segment's `Info` (duration) and `Tracks`
//! (codec, pixel and display size, frame duration, sample rate, channels),
//! read from the head of the file up to the first `Cluster`. Formats the
//! service does not take, measured so a user converting them knows what
//! they hold.

use std::io::{Read, Seek, SeekFrom};

use super::{io_msg, MediaFacts, ProbeError, ProbeResult};
use crate::source::read_up_to;

/// How much of the head is read: `Info` and `Tracks` come before the first
/// cluster in files written by every common muxer.
const HEAD: usize = 1 << 20;

const SEGMENT: u32 = 0x1853_8067;
const INFO: u32 = 0x1549_A966;
const TRACKS: u32 = 0x1654_AE6B;
const TRACK_ENTRY: u32 = 0xAE;
const CLUSTER: u32 = 0x1F43_B675;

/// A variable-length integer at `b[at..]`: (value, length). `keep_marker`
/// for element ids (the marker bit is part of the id).
fn vint(b: &[u8], at: usize, keep_marker: bool) -> Option<(u64, usize)> {
    let first = *b.get(at)?;
    let len = first.leading_zeros() as usize + 1;
    if len > 8 || at + len > b.len() {
        return None;
    }
    let mut v = if keep_marker {
        u64::from(first)
    } else {
        u64::from(first) & ((1u64 << (8 - len)) - 1)
    };
    for &x in &b[at + 1..at + len] {
        v = (v << 8) | u64::from(x);
    }
    Some((v, len))
}

/// Elements of `b`: (id, data range); an unknown size runs to the end.
fn elements(b: &[u8]) -> impl Iterator<Item = (u32, std::ops::Range<usize>)> + '_ {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        let (id, il) = vint(b, at, true)?;
        let (size, sl) = vint(b, at + il, false)?;
        let start = at + il + sl;
        let unknown = size == (1u64 << (7 * sl)) - 1;
        let end = if unknown {
            b.len()
        } else {
            start.checked_add(usize::try_from(size).ok()?)?.min(b.len())
        };
        if start > b.len() {
            return None;
        }
        at = if unknown { start } else { end };
        Some((id as u32, start..end))
    })
}

fn uint(b: &[u8]) -> u64 {
    b.iter().take(8).fold(0, |v, &x| (v << 8) | u64::from(x))
}

fn float(b: &[u8]) -> Option<f64> {
    match b.len() {
        4 => Some(f64::from(f32::from_be_bytes(b.try_into().ok()?))),
        8 => Some(f64::from_be_bytes(b.try_into().ok()?)),
        _ => None,
    }
}

/// The name ffprobe gives a Matroska codec id.
fn codec_name(id: &str) -> String {
    match id {
        "V_MPEG4/ISO/AVC" => "h264",
        "V_MPEGH/ISO/HEVC" => "hevc",
        "V_VP8" => "vp8",
        "V_VP9" => "vp9",
        "V_AV1" => "av1",
        "V_MPEG4/ISO/ASP" => "mpeg4",
        "A_OPUS" => "opus",
        "A_VORBIS" => "vorbis",
        "A_AAC" => "aac",
        "A_FLAC" => "flac",
        "A_MPEG/L3" => "mp3",
        other => other,
    }
    .to_string()
}

pub(super) fn probe<R: Read + Seek>(r: &mut R, f: &mut MediaFacts) -> ProbeResult {
    // 64 KiB holds the headers of almost every file; read up to 1 MiB only
    // when the tracks were not in it.
    for want in [64 << 10, HEAD] {
        r.seek(SeekFrom::Start(0))
            .map_err(|e| io_msg(e, "Matroska header"))?;
        let mut buf = vec![0u8; want];
        let n = read_up_to(r, &mut buf).map_err(|e| io_msg(e, "Matroska header"))?;
        buf.truncate(n);
        match parse(&buf, f) {
            Err(_) if n == want && want < HEAD => continue,
            other => return other,
        }
    }
    Ok(())
}

fn parse(buf: &[u8], f: &mut MediaFacts) -> ProbeResult {
    let segment = elements(buf)
        .find(|(id, _)| *id == SEGMENT)
        .map(|(_, r)| r)
        .ok_or_else(|| ProbeError::Truncated("Matroska: no Segment".into()))?;
    let seg = &buf[segment];
    let mut scale = 1_000_000u64;
    let mut duration = None;
    let mut saw_tracks = false;
    for (id, range) in elements(seg) {
        let body = &seg[range];
        match id {
            INFO => {
                for (id, r) in elements(body) {
                    match id {
                        0x2A_D7B1 => scale = uint(&body[r]).max(1),
                        0x4489 => duration = float(&body[r]),
                        _ => {}
                    }
                }
            }
            TRACKS => {
                saw_tracks = true;
                for (id, r) in elements(body) {
                    if id == TRACK_ENTRY {
                        track(&body[r], f);
                    }
                }
            }
            CLUSTER => break,
            _ => {}
        }
    }
    if !saw_tracks {
        return Err(ProbeError::Truncated(
            "Matroska: no Tracks before the first cluster".into(),
        ));
    }
    if let Some(d) = duration.filter(|d| d.is_finite() && *d > 0.0) {
        f.duration_s = Some(d * scale as f64 / 1e9);
    }
    if f.has_video != Some(true) {
        f.has_video = Some(false);
    }
    Ok(())
}

fn track(b: &[u8], f: &mut MediaFacts) {
    let mut kind = 0u64;
    let mut codec = None;
    let mut frame_ns = None;
    let (mut w, mut h, mut dw, mut dh) = (None, None, None, None);
    let (mut rate, mut channels) = (None, None);
    for (id, r) in elements(b) {
        let v = &b[r];
        match id {
            0x83 => kind = uint(v),
            0x86 => codec = Some(String::from_utf8_lossy(v).into_owned()),
            0x23_E383 => frame_ns = Some(uint(v)),
            0xE0 => {
                for (id, r) in elements(v) {
                    let x = uint(&v[r]) as u32;
                    match id {
                        0xB0 => w = Some(x),
                        0xBA => h = Some(x),
                        0x54B0 => dw = Some(x),
                        0x54BA => dh = Some(x),
                        _ => {}
                    }
                }
            }
            0xE1 => {
                for (id, r) in elements(v) {
                    match id {
                        0xB5 => rate = float(&v[r]),
                        0x9F => channels = Some(uint(&v[r]) as u16),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    match kind {
        // The first video track.
        1 if f.has_video != Some(true) => {
            f.has_video = Some(true);
            f.codec = codec.as_deref().map(codec_name);
            f.width = w;
            f.height = h;
            f.display_width = dw.or(w);
            f.display_height = dh.or(h);
            f.fps = frame_ns.filter(|n| *n > 0).map(|n| 1e9 / n as f64);
            f.rotation = Some(0);
        }
        2 => {
            f.has_audio = Some(true);
            if f.has_video != Some(true) {
                f.codec = codec.as_deref().map(codec_name);
            }
            f.sample_rate = rate.filter(|r| *r > 0.0 && *r < 1e7).map(|r| r as u32);
            f.channels = channels;
        }
        _ => {}
    }
}

/// AVI: the `hdrl` list's main header (size) and the first video stream
/// header (`strh`: codec fourcc, rate ÷ scale, length in frames).
pub(super) fn probe_avi<R: Read + Seek>(r: &mut R, f: &mut MediaFacts) -> ProbeResult {
    r.seek(SeekFrom::Start(0))
        .map_err(|e| io_msg(e, "AVI header"))?;
    let mut buf = vec![0u8; 64 << 10];
    let n = read_up_to(r, &mut buf).map_err(|e| io_msg(e, "AVI header"))?;
    buf.truncate(n);
    let le32 = |b: &[u8], i: usize| -> Option<u32> {
        Some(u32::from_le_bytes(b.get(i..i + 4)?.try_into().ok()?))
    };
    // Chunks of a RIFF list body: (fourcc, list type for LIST, data range).
    fn chunks(b: &[u8]) -> Vec<([u8; 4], std::ops::Range<usize>)> {
        let mut out = Vec::new();
        let mut at = 0usize;
        while at + 8 <= b.len() && out.len() < 256 {
            let id: [u8; 4] = b[at..at + 4].try_into().unwrap_or_default();
            let len = u32::from_le_bytes(b[at + 4..at + 8].try_into().unwrap_or_default()) as usize;
            let end = (at + 8).saturating_add(len).min(b.len());
            out.push((id, at + 8..end));
            at = end + (len & 1);
        }
        out
    }
    if buf.len() < 12 || &buf[8..12] != b"AVI " {
        return Err(ProbeError::Truncated("AVI: no RIFF AVI header".into()));
    }
    let top = chunks(&buf[12..]);
    let hdrl = top
        .iter()
        .find(|(id, r)| id == b"LIST" && buf[12..].get(r.start..r.start + 4) == Some(b"hdrl"))
        .map(|(_, r)| &buf[12 + r.start + 4..12 + r.end])
        .ok_or_else(|| ProbeError::Truncated("AVI: no header list (`hdrl`)".into()))?;
    for (id, r) in chunks(hdrl) {
        let b = &hdrl[r];
        if &id == b"avih" {
            f.width = le32(b, 32);
            f.height = le32(b, 36);
        }
        if &id == b"LIST" && b.starts_with(b"strl") {
            for (sid, sr) in chunks(&b[4..]) {
                let s = &b[4..][sr];
                if &sid == b"strh" && s.starts_with(b"vids") && f.has_video != Some(true) {
                    f.has_video = Some(true);
                    f.rotation = Some(0);
                    f.codec = s
                        .get(4..8)
                        .map(|c| String::from_utf8_lossy(c).trim().to_string());
                    let (scale, rate, length) = (le32(s, 20), le32(s, 24), le32(s, 32));
                    if let (Some(scale), Some(rate)) =
                        (scale.filter(|v| *v > 0), rate.filter(|v| *v > 0))
                    {
                        f.fps = Some(rate as f64 / scale as f64);
                        if let Some(len) = length {
                            f.frames = Some(u64::from(len));
                            f.duration_s = Some(len as f64 * scale as f64 / rate as f64);
                        }
                    }
                }
            }
        }
    }
    f.display_width = f.width;
    f.display_height = f.height;
    Ok(())
}
