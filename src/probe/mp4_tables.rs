//! Arithmetic over a track's sample tables, as decoded: where its sample
//! bytes end (`stco`/`co64` + `stsc` + `stsz`), and the slowest stretch of a
//! variable frame rate (`stts`). Every loop runs over entries present in the
//! decoded tables, never over a count a header declares.

use mp4_atom::{Stbl, StszSamples, SttsEntry};

/// The frame rate of the slowest stretch of about a second: the window is as
/// many frames as the slowest sample duration fits in a second (at least 2).
/// `None` for a constant rate (one sample duration) or too few samples. The
/// last sample is left out: its duration is the muxer's guess.
pub(super) fn fps_min(stts: &[SttsEntry], timescale: u32) -> Option<f64> {
    let mut runs: Vec<(u64, u64)> = stts
        .iter()
        .filter(|e| e.sample_count > 0)
        .map(|e| (u64::from(e.sample_count), u64::from(e.sample_delta)))
        .collect();
    if let Some(last) = runs.last_mut() {
        last.0 -= 1;
    }
    runs.retain(|r| r.0 > 0);
    let mut deltas: Vec<u64> = runs.iter().map(|r| r.1).collect();
    deltas.sort_unstable();
    deltas.dedup();
    let slowest = *deltas.last()?;
    if deltas.len() < 2 || slowest == 0 || timescale == 0 {
        return None;
    }
    // Run starts: (first sample, duration before it).
    let mut starts = Vec::with_capacity(runs.len() + 1);
    let (mut n, mut d) = (0u64, 0u64);
    for &(count, delta) in &runs {
        starts.push((n, d));
        n = n.saturating_add(count);
        d = d.saturating_add(count.saturating_mul(delta));
    }
    let w = (u64::from(timescale) / slowest).clamp(2, n.max(2));
    if n < w {
        return None;
    }
    // Duration of the first k samples.
    let before = |k: u64| -> u64 {
        let i = starts.partition_point(|s| s.0 <= k).saturating_sub(1);
        let (first, dur) = starts[i];
        dur.saturating_add((k - first).saturating_mul(runs[i].1))
    };
    // The window sum is piecewise linear between run boundaries: its maximum
    // is where the window starts or ends on one.
    let longest = starts
        .iter()
        .flat_map(|&(b, _)| [b, b.saturating_sub(w)])
        .chain([0, n - w])
        .map(|s| s.min(n - w))
        .map(|s| before(s + w) - before(s))
        .max()?;
    (longest > 0).then(|| w as f64 * f64::from(timescale) / longest as f64)
}

/// The furthest byte any sample of the track reaches: for each chunk, its
/// offset plus the sizes of the samples `stsc` puts in it. 0 for a track
/// without chunks.
pub(super) fn data_end(stbl: &Stbl) -> u64 {
    chunks(stbl)
        .map(|(offset, first, count)| {
            offset.saturating_add(sizes(&stbl.stsz.samples, first, count))
        })
        .max()
        .unwrap_or(0)
}

/// Each chunk of the track: (its offset, the index of its first sample,
/// how many samples `stsc` puts in it).
pub(super) fn chunks(stbl: &Stbl) -> impl Iterator<Item = (u64, u64, u64)> + '_ {
    let offsets: Vec<u64> = match (&stbl.co64, &stbl.stco) {
        (Some(c), _) => c.entries.clone(),
        (None, Some(c)) => c.entries.iter().map(|&o| u64::from(o)).collect(),
        (None, None) => Vec::new(),
    };
    let runs = &stbl.stsc.entries;
    let (mut run, mut sample) = (0usize, 0u64);
    offsets.into_iter().enumerate().map(move |(i, offset)| {
        let chunk = i as u64 + 1;
        while runs
            .get(run + 1)
            .is_some_and(|next| u64::from(next.first_chunk) <= chunk)
        {
            run += 1;
        }
        let per_chunk = runs.get(run).map_or(0, |r| u64::from(r.samples_per_chunk));
        let first = sample;
        sample = sample.saturating_add(per_chunk);
        (offset, first, per_chunk)
    })
}

/// Total size of `count` samples from index `first`.
fn sizes(samples: &StszSamples, first: u64, count: u64) -> u64 {
    match samples {
        StszSamples::Identical { count: n, size } => {
            let have = u64::from(*n).saturating_sub(first).min(count);
            have.saturating_mul(u64::from(*size))
        }
        StszSamples::Different { sizes } => {
            let from = usize::try_from(first)
                .unwrap_or(usize::MAX)
                .min(sizes.len());
            let to = usize::try_from(first.saturating_add(count))
                .unwrap_or(usize::MAX)
                .min(sizes.len());
            sizes[from..to].iter().map(|&s| u64::from(s)).sum()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mp4_atom::{Stco, StscEntry, Stsz};

    fn stts(runs: &[(u32, u32)]) -> Vec<SttsEntry> {
        runs.iter()
            .map(|&(sample_count, sample_delta)| SttsEntry {
                sample_count,
                sample_delta,
            })
            .collect()
    }

    #[test]
    fn slowest_stretch() {
        // Constant rate, and a constant rate with an odd last sample: none.
        assert_eq!(fps_min(&stts(&[(90, 512)]), 15360), None);
        assert_eq!(fps_min(&stts(&[(89, 512), (1, 700)]), 15360), None);
        // 2 s at 60 fps, then 1 s at 15 fps (timescale 60): 15 fps.
        let m = fps_min(&stts(&[(120, 1), (16, 4)]), 60).unwrap();
        assert!((m - 15.0).abs() < 1e-9, "{m}");
        // A hostile count does not loop.
        assert!(fps_min(&stts(&[(u32::MAX, 1), (u32::MAX, 2)]), 90000).is_some());
    }

    #[test]
    fn chunks_and_sizes() {
        let mut stbl = Stbl {
            stco: Some(Stco {
                entries: vec![100, 1000],
            }),
            ..Stbl::default()
        };
        stbl.stsc.entries = vec![
            StscEntry {
                first_chunk: 1,
                samples_per_chunk: 2,
                sample_description_index: 1,
            },
            StscEntry {
                first_chunk: 2,
                samples_per_chunk: 3,
                sample_description_index: 1,
            },
        ];
        stbl.stsz = Stsz {
            samples: StszSamples::Different {
                sizes: vec![10, 10, 5, 5, 5],
            },
        };
        assert_eq!(data_end(&stbl), 1015);
        // A run declaring billions of samples per chunk only adds the sizes present.
        stbl.stsc.entries[1].samples_per_chunk = u32::MAX;
        assert_eq!(data_end(&stbl), 1015);
    }
}
