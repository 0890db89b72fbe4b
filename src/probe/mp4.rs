//! MP4 / MOV / M4V (ISO base media and QuickTime): walk the top-level boxes
//! (seeking over `mdat`), decode only `moov` — and the small `moof` boxes of a
//! fragmented file — with `mp4-atom`, then compute:
//! - duration: the longest audio/video track (`mdhd`, or the fragments' sample
//!   durations);
//! - exact average fps: video frames ÷ video media duration (`stts`/`trun`);
//! - rotation from the `tkhd` matrix, codec from the sample-entry fourcc.

use mp4_atom::{Decode, Moof, Moov};
use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};

use super::bytes::{be32, be64};
use super::mp4_tracks::{add_fragment, read_tracks, summarize, Track};
use super::{io_msg, MediaFacts, ProbeError, ProbeResult};

/// The largest `moov` decoded (a 15 s clip's tables are a few hundred KB).
pub(super) const MAX_MOOV_BYTES: u64 = 16 * 1024 * 1024;
/// The largest single `moof` decoded.
const MAX_MOOF_BYTES: u64 = 4 * 1024 * 1024;
/// Top-level boxes visited before giving up (fragmented files have two per fragment).
const MAX_TOP_LEVEL_BOXES: usize = 100_000;

pub(super) fn probe<R: Read + Seek>(
    r: &mut R,
    size: Option<u64>,
    f: &mut MediaFacts,
) -> ProbeResult {
    let end = match size {
        Some(s) => s,
        None => r.seek(SeekFrom::End(0)).map_err(|e| io_msg(e, "MP4"))?,
    };
    let mut tracks: Option<HashMap<u32, Track>> = None;
    let mut trex_defaults: HashMap<u32, u32> = HashMap::new();
    let mut fragmented = false;
    let mut overrun: Option<String> = None;
    let mut pos = 0u64;
    for _ in 0..MAX_TOP_LEVEL_BOXES {
        if pos.saturating_add(8) > end {
            break;
        }
        let (kind, header_len, box_len) = read_box_header(r, pos, end)?;
        if pos.saturating_add(box_len) > end {
            overrun = Some(format!(
                "the `{}` box at byte {pos} declares {} bytes but the file ends at byte {}",
                fourcc(&kind),
                super::thousands(box_len),
                super::thousands(end)
            ));
        }
        match &kind {
            b"moov" => {
                let mut entries = Vec::new();
                let moov: Moov = decode_box(r, pos, box_len, MAX_MOOV_BYTES, "moov", &mut entries)?;
                fragmented = moov.mvex.is_some();
                if let Some(mvex) = &moov.mvex {
                    for t in &mvex.trex {
                        trex_defaults.insert(t.track_id, t.default_sample_duration);
                    }
                }
                tracks = Some(read_tracks(&moov, &entries, fragmented)?);
                if !fragmented {
                    break;
                }
            }
            b"moof" if fragmented => {
                let moof: Moof =
                    decode_box(r, pos, box_len, MAX_MOOF_BYTES, "moof", &mut Vec::new())?;
                add_fragment(&moof, tracks.as_mut(), &trex_defaults);
            }
            _ => {}
        }
        let _ = header_len;
        if box_len == 0 {
            break;
        }
        pos = pos.saturating_add(box_len);
    }
    let Some(tracks) = tracks else {
        return Err(match overrun {
            Some(why) => ProbeError::Truncated(format!(
                "MP4: {why}, and no `moov` box was found (truncated)"
            )),
            None => "no `moov` box: the file is truncated or not a complete MP4/MOV".into(),
        });
    };
    if let Some(t) = tracks
        .values()
        .filter(|t| t.data_end > end)
        .max_by_key(|t| t.data_end)
    {
        return Err(ProbeError::Truncated(format!(
            "MP4: the {} track's samples run to byte {} but the file ends at byte {} (truncated)",
            if t.video { "video" } else { "audio" },
            super::thousands(t.data_end),
            super::thousands(end)
        )));
    }
    summarize(tracks, f)
}

/// Reads a box header at `pos`: (type, header length, whole box length; 0 = to
/// the end of the file).
pub(super) fn read_box_header<R: Read + Seek>(
    r: &mut R,
    pos: u64,
    end: u64,
) -> Result<([u8; 4], u64, u64), ProbeError> {
    r.seek(SeekFrom::Start(pos))
        .map_err(|e| io_msg(e, "MP4 box header"))?;
    let mut h = [0u8; 16];
    let want = if end - pos >= 16 { 16 } else { 8 };
    r.read_exact(&mut h[..want])
        .map_err(|e| io_msg(e, "MP4 box header"))?;
    let kind: [u8; 4] = h[4..8].try_into().unwrap_or_default();
    let size32 = be32(&h, 0).unwrap_or(0) as u64;
    let (header_len, len) = match size32 {
        0 => (8, end - pos),
        1 => (
            16,
            be64(&h, 8).ok_or("MP4: a 64-bit box size is cut off (truncated)")?,
        ),
        n => (8, n),
    };
    if len < header_len {
        return Err(ProbeError::Corrupt(format!(
            "MP4: box `{}` declares {len} bytes, less than its header",
            fourcc(&kind)
        )));
    }
    if pos.saturating_add(len) > end && kind != *b"mdat" {
        return Err(ProbeError::Truncated(format!(
            "MP4: box `{}` at byte {pos} declares {len} bytes but the file ends at {end} (truncated)",
            fourcc(&kind)
        )));
    }
    Ok((kind, header_len, len))
}

/// Reads a whole box, prunes it to what the probe needs (see `mp4_boxes`) and
/// decodes that. Sample descriptions found go to `entries`.
pub(super) fn decode_box<T: Decode, R: Read + Seek>(
    r: &mut R,
    pos: u64,
    len: u64,
    cap: u64,
    what: &str,
    entries: &mut Vec<super::mp4_boxes::SampleEntry>,
) -> Result<T, ProbeError> {
    if len > cap {
        return Err(ProbeError::Corrupt(format!(
            "MP4: the `{what}` box is {len} bytes, above the {cap}-byte limit for a header"
        )));
    }
    r.seek(SeekFrom::Start(pos)).map_err(|e| io_msg(e, what))?;
    let mut buf = vec![0u8; len as usize];
    r.read_exact(&mut buf)
        .map_err(|e| io_msg(e, &format!("MP4 `{what}` box")))?;
    let pruned = super::mp4_boxes::prune(&buf, entries)?;
    T::decode(&mut pruned.as_slice())
        .map_err(|e| ProbeError::Corrupt(format!("MP4: the `{what}` box does not decode: {e}")))
}

fn fourcc(b: &[u8]) -> String {
    String::from_utf8_lossy(b).trim_end().to_string()
}
