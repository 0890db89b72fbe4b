//! The tracks of an MP4/MOV: read from a decoded `moov` (and the `moof`s of
//! a fragmented file), then summarised into facts.

use mp4_atom::{Moof, Moov};
use std::collections::HashMap;

use super::{MediaFacts, ProbeError, ProbeResult};

#[derive(Default, Debug)]
pub(super) struct Track {
    pub video: bool,
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
    pub data_end: u64,
    /// Sum of the sample durations (`stts`, then the fragments' `trun`s):
    /// the divisor of the frame rate, without empty edits.
    table_duration: u64,
    /// The slowest stretch's frame rate, for a variable-rate `stts`.
    fps_min: Option<f64>,
    /// The encryption scheme of an `encv`/`enca` sample entry (`cenc`,
    /// `cbcs`; `?` when not stated).
    scheme: Option<String>,
}

/// The audio and video tracks; `entries` are the sample descriptions of the
/// `trak`s in document order, as `mp4_boxes::prune` read them.
pub(super) fn read_tracks(
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
            table_duration: stts_duration,
            fps_min: super::mp4_tables::fps_min(&stbl.stts.entries, mdhd.timescale),
            ..Track::default()
        };
        if let Some(e) = entries.get(index) {
            t.codec = e.original.clone().unwrap_or_else(|| e.fourcc.clone());
            if matches!(e.fourcc.as_str(), "encv" | "enca") {
                t.scheme = Some(e.scheme.clone().unwrap_or_else(|| "?".into()));
            }
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
pub(super) fn add_fragment(
    moof: &Moof,
    tracks: Option<&mut HashMap<u32, Track>>,
    trex: &HashMap<u32, u32>,
) {
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
                    let d = (*count as u64).saturating_mul(default);
                    t.media_duration = t.media_duration.saturating_add(d);
                    t.table_duration = t.table_duration.saturating_add(d);
                }
                mp4_atom::TrunSamples::Explicit(entries) => {
                    for s in entries {
                        t.samples = t.samples.saturating_add(1);
                        let d = s.duration.map_or(default, u64::from);
                        t.media_duration = t.media_duration.saturating_add(d);
                        t.table_duration = t.table_duration.saturating_add(d);
                    }
                }
            }
        }
    }
}

pub(super) fn summarize(tracks: HashMap<u32, Track>, f: &mut MediaFacts) -> ProbeResult {
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
        // Audio alone is named as ffprobe names it (`mp4a` is AAC).
        f.codec = audio.map(|a| match a.codec.as_str() {
            "mp4a" => "aac".to_string(),
            c => c.to_string(),
        });
        // Sound without a picture is a fact of the file (`has_video:
        // false`), which a video slot refuses (VID002); only a file with
        // neither track is an error.
        if audio.is_some() {
            return Ok(());
        }
        return Err("the container has no audio or video track".into());
    };
    f.codec = Some(v.codec.clone());
    f.frames = Some(v.samples);
    f.rotation = Some(v.rotation);
    f.encryption = v
        .scheme
        .clone()
        .or_else(|| audio.and_then(|a| a.scheme.clone()));
    f.set_size(v.width, v.height, v.rotation % 180 == 90);
    if v.samples == 0 {
        return Err(ProbeError::NoTrack(
            "the video track has no samples (an empty track, or the init segment of a fragmented stream without its fragments)".into(),
        ));
    }
    if v.table_duration > 0 {
        let fps = v.samples as f64 / (v.table_duration as f64 / v.timescale as f64);
        f.fps = Some(fps);
        // Reported only when the slowest stretch is clearly slower than the average.
        f.fps_min = v.fps_min.filter(|m| *m < fps * 0.99);
    }
    Ok(())
}
