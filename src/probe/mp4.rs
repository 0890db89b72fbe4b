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
use super::{io_msg, MediaFacts, ProbeError, ProbeResult};

/// The largest `moov` decoded (a 15 s clip's tables are a few hundred KB).
const MAX_MOOV_BYTES: u64 = 16 * 1024 * 1024;
/// The largest single `moof` decoded.
const MAX_MOOF_BYTES: u64 = 4 * 1024 * 1024;
/// Top-level boxes visited before giving up (fragmented files have two per fragment).
const MAX_TOP_LEVEL_BOXES: usize = 100_000;

#[derive(Default, Debug)]
struct Track {
    video: bool,
    timescale: u32,
    media_duration: u64,
    samples: u64,
    width: u32,
    height: u32,
    rotation: u16,
    codec: String,
    channels: u16,
    /// Length after edit lists, seconds (absent in fragmented files).
    presented_s: Option<f64>,
    /// The furthest byte the sample tables in `moov` point to.
    data_end: u64,
}

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
fn read_box_header<R: Read + Seek>(
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
fn decode_box<T: Decode, R: Read + Seek>(
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

/// The audio and video tracks; `entries` are the sample descriptions of the
/// `trak`s in document order, as `mp4_boxes::prune` read them.
fn read_tracks(
    moov: &Moov,
    entries: &[super::mp4_boxes::SampleEntry],
    fragmented: bool,
) -> Result<HashMap<u32, Track>, ProbeError> {
    let mut out = HashMap::new();
    for (index, trak) in moov.trak.iter().enumerate() {
        let handler: [u8; 4] = trak.mdia.hdlr.handler.into();
        let video = match &handler {
            b"vide" => true,
            b"soun" => false,
            _ => continue,
        };
        let mdhd = &trak.mdia.mdhd;
        if mdhd.timescale == 0 {
            return Err(ProbeError::Corrupt(format!(
                "MP4: track {} has a timescale of 0",
                trak.tkhd.track_id
            )));
        }
        let stbl = &trak.mdia.minf.stbl;
        let samples = stbl
            .stts
            .entries
            .iter()
            .map(|e| e.sample_count as u64)
            .sum();
        // Saturating: 32-bit counts and deltas declared by a hostile file.
        let stts_duration: u64 = stbl.stts.entries.iter().fold(0u64, |acc, e| {
            acc.saturating_add((e.sample_count as u64).saturating_mul(e.sample_delta as u64))
        });
        let known = |d: u64| d != 0 && d != u64::MAX && d != u32::MAX as u64;
        let media_duration = if known(mdhd.duration) {
            mdhd.duration
        } else {
            stts_duration
        };
        // The presentation length after edit lists (AAC priming is edited out)
        // is the tkhd duration, in the movie timescale.
        // In a fragmented file tkhd covers only the samples in moov: the
        // fragments' durations are added to the media duration instead.
        let presented_s = (!fragmented && known(trak.tkhd.duration) && moov.mvhd.timescale > 0)
            .then(|| trak.tkhd.duration as f64 / moov.mvhd.timescale as f64);
        let mut t = Track {
            video,
            timescale: mdhd.timescale,
            media_duration,
            presented_s,
            samples,
            data_end: super::mp4_tables::data_end(stbl),
            ..Track::default()
        };
        if let Some(e) = entries.get(index) {
            t.codec = e.fourcc.clone();
            t.width = e.width.into();
            t.height = e.height.into();
            t.channels = e.channels;
        }
        if video && (t.width == 0 || t.height == 0) {
            t.width = trak.tkhd.width.integer().into();
            t.height = trak.tkhd.height.integer().into();
        }
        let m = &trak.tkhd.matrix;
        let deg = (m.b as f64).atan2(m.a as f64).to_degrees();
        t.rotation = ((deg.round() as i64).rem_euclid(360) as u16 + 45) / 90 * 90 % 360;
        out.insert(trak.tkhd.track_id, t);
    }
    Ok(out)
}

/// Adds a fragment's sample counts and durations to the tracks.
fn add_fragment(moof: &Moof, tracks: Option<&mut HashMap<u32, Track>>, trex: &HashMap<u32, u32>) {
    let Some(tracks) = tracks else { return };
    for traf in &moof.traf {
        let id = traf.tfhd.track_id;
        let Some(t) = tracks.get_mut(&id) else {
            continue;
        };
        let default = traf
            .tfhd
            .default_sample_duration
            .or_else(|| trex.get(&id).copied())
            .unwrap_or(0) as u64;
        for trun in &traf.trun {
            match &trun.samples {
                // Samples without their own fields: one multiplication, not a
                // loop over a count a hostile file may set to 4 billion.
                mp4_atom::TrunSamples::Inherited { count, .. } => {
                    t.samples = t.samples.saturating_add(*count as u64);
                    t.media_duration = t
                        .media_duration
                        .saturating_add((*count as u64).saturating_mul(default));
                }
                mp4_atom::TrunSamples::Explicit(entries) => {
                    for s in entries {
                        t.samples = t.samples.saturating_add(1);
                        t.media_duration = t
                            .media_duration
                            .saturating_add(s.duration.map_or(default, u64::from));
                    }
                }
            }
        }
    }
}

fn summarize(tracks: HashMap<u32, Track>, f: &mut MediaFacts) -> ProbeResult {
    let media_secs = |t: &Track| t.media_duration as f64 / t.timescale as f64;
    let secs = |t: &Track| t.presented_s.unwrap_or_else(|| media_secs(t));
    let video = tracks
        .values()
        .filter(|t| t.video)
        .max_by(|a, b| (a.width as u64 * a.height as u64).cmp(&(b.width as u64 * b.height as u64)));
    let audio = tracks.values().find(|t| !t.video);
    f.has_video = Some(video.is_some());
    f.has_audio = Some(audio.is_some());
    f.duration_s = tracks.values().map(secs).reduce(f64::max);
    if let Some(a) = audio {
        f.sample_rate = Some(a.timescale);
        f.channels = (a.channels > 0).then_some(a.channels);
    }
    let Some(v) = video else {
        f.codec = audio.map(|a| a.codec.clone());
        return Err("the container has no video track".into());
    };
    f.codec = Some(v.codec.clone());
    f.frames = Some(v.samples);
    f.rotation = Some(v.rotation);
    if v.media_duration > 0 {
        f.fps = Some(v.samples as f64 / media_secs(v));
    }
    f.set_size(v.width, v.height, v.rotation % 180 == 90);
    Ok(())
}
