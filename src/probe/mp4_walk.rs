//! `--deep` for MP4/MOV without ffmpeg: every sample of the video track is
//! read, and for H.264/HEVC its length-prefixed NAL units must tile it
//! exactly (a damaged or overwritten sample breaks the chain of lengths).

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use mp4_atom::{Moov, StszSamples};

use super::mp4::{decode_box, read_box_header, MAX_MOOV_BYTES};

/// Walks the samples of the largest video track of the MP4 at `r` (`size`
/// bytes): `Ok` says what was walked, `Err` which sample is damaged
/// ([`walk_video_samples`] over any reader: the fuzz target).
pub fn walk_video_samples_in<R: Read + Seek>(r: &mut R, size: u64) -> Result<String, String> {
    let mut pos = 0u64;
    let mut found = None;
    for _ in 0..100_000 {
        if pos.saturating_add(8) > size {
            break;
        }
        let (kind, _, len) = read_box_header(r, pos, size).map_err(|e| e.to_string())?;
        if &kind == b"moov" {
            let mut entries = Vec::new();
            let moov: Moov = decode_box(r, pos, len, MAX_MOOV_BYTES, "moov", &mut entries)
                .map_err(|e| e.to_string())?;
            found = Some((moov, entries));
            break;
        }
        if len == 0 {
            break;
        }
        pos = pos.saturating_add(len);
    }
    let (moov, entries) = found.ok_or("no `moov` box")?;
    let (index, trak) = moov
        .trak
        .iter()
        .enumerate()
        .filter(|(_, t)| <[u8; 4]>::from(t.mdia.hdlr.handler) == *b"vide")
        .max_by_key(|(_, t)| u64::from(t.tkhd.width.integer()) * u64::from(t.tkhd.height.integer()))
        .ok_or("no video track")?;
    let nal = entries.get(index).and_then(|e| e.nal_length_size);
    let ranges = sample_ranges(&trak.mdia.minf.stbl, size);
    if ranges.is_empty() && moov.mvex.is_some() {
        return Ok("not walked: the samples are in fragments (`moof`), which the walk does not follow; --deep=ffmpeg decodes them".into());
    }
    if ranges.is_empty() {
        return Err("the video track lists no samples".into());
    }
    let mut buf = Vec::new();
    let mut read = 0u64;
    for (n, &(offset, len)) in ranges.iter().enumerate() {
        let end = offset.saturating_add(u64::from(len));
        if end > size {
            return Err(format!(
                "sample {} at byte {offset} runs {} bytes past the end of the file",
                n + 1,
                end - size
            ));
        }
        read = read.saturating_add(u64::from(len));
        if read > size.saturating_mul(2) {
            return Err("the samples overlap far beyond the file's size (a hostile table)".into());
        }
        buf.resize(len as usize, 0);
        r.seek(SeekFrom::Start(offset))
            .and_then(|_| r.read_exact(&mut buf))
            .map_err(|e| format!("sample {} at byte {offset}: {e}", n + 1))?;
        if let Some(k) = nal {
            nal_units(&buf, usize::from(k))
                .map_err(|e| format!("sample {} ({len} bytes at byte {offset}): {e}", n + 1))?;
        }
    }
    Ok(format!(
        "{} video samples ({read} bytes) read{}",
        ranges.len(),
        if nal.is_some() {
            "; every NAL unit fits its sample"
        } else {
            ""
        }
    ))
}

/// Checks that length-prefixed NAL units tile `sample` exactly, each with
/// its forbidden bit clear.
fn nal_units(sample: &[u8], k: usize) -> Result<(), String> {
    let mut at = 0usize;
    let mut units = 0;
    while at < sample.len() {
        let Some(prefix) = sample.get(at..at + k) else {
            return Err(format!(
                "{} stray bytes after {units} NAL units",
                sample.len() - at
            ));
        };
        let len = prefix
            .iter()
            .fold(0usize, |v, &b| (v << 8) | usize::from(b));
        let body = at + k;
        if len == 0 || body.saturating_add(len) > sample.len() {
            return Err(format!(
                "NAL unit {} at +{at} declares {len} bytes, but {} remain",
                units + 1,
                sample.len() - body
            ));
        }
        if sample[body] & 0x80 != 0 {
            return Err(format!(
                "NAL unit {} at +{at} has its forbidden bit set",
                units + 1
            ));
        }
        at = body + len;
        units += 1;
    }
    if units == 0 {
        return Err("an empty sample".into());
    }
    Ok(())
}

/// Samples listed at most (an hour at 60 fps is 216,000).
const MAX_SAMPLES: usize = 4_000_000;

/// Every sample's (offset, size), in table order: chunk offsets, samples
/// per chunk (`stsc`), sizes (`stsz`). It stops after the first sample that
/// runs past `size` (the walk reports it) and at [`MAX_SAMPLES`], so a
/// hostile table cannot make it grow.
fn sample_ranges(stbl: &mp4_atom::Stbl, size: u64) -> Vec<(u64, u32)> {
    let size_of = |i: u64| -> Option<u32> {
        match &stbl.stsz.samples {
            StszSamples::Identical { count, size } => (i < u64::from(*count)).then_some(*size),
            StszSamples::Different { sizes } => sizes.get(usize::try_from(i).ok()?).copied(),
        }
    };
    let mut out = Vec::new();
    for (chunk_offset, first, count) in super::mp4_tables::chunks(stbl) {
        let mut at = chunk_offset;
        for sample in first..first.saturating_add(count) {
            let Some(len) = size_of(sample) else {
                return out;
            };
            out.push((at, len));
            at = at.saturating_add(u64::from(len));
            if at > size || out.len() >= MAX_SAMPLES {
                return out;
            }
        }
    }
    out
}

/// `--deep` for an MP4/MOV without ffmpeg: reads every sample of the video
/// track and checks that its H.264/HEVC NAL units tile it (`Ok`: what was
/// walked; `Err`: the damaged sample).
pub fn walk_video_samples(path: &Path) -> Result<String, String> {
    let mut file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let size = file.metadata().map_err(|e| e.to_string())?.len();
    walk_video_samples_in(&mut std::io::BufReader::new(&mut file), size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nal_units_must_tile_the_sample() {
        assert!(nal_units(&[0, 0, 0, 2, 0x65, 1, 0, 0, 0, 1, 0x41], 4).is_ok());
        assert!(nal_units(&[0, 0, 0, 9, 0x65, 1], 4)
            .unwrap_err()
            .contains("declares 9 bytes"));
        assert!(nal_units(&[0, 0, 0, 1, 0x85], 4)
            .unwrap_err()
            .contains("forbidden bit"));
        assert!(nal_units(&[0, 0, 0, 1, 0x65, 0, 0], 4)
            .unwrap_err()
            .contains("stray bytes"));
        assert!(nal_units(&[0, 1, 0x65], 2).is_ok());
    }
}
