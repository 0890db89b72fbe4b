//! Arithmetic over a track's sample tables, as decoded: where its sample
//! bytes end (`stco`/`co64` + `stsc` + `stsz`). Every loop runs over entries
//! present in the decoded tables, never over a count a header declares.

use mp4_atom::{Stbl, StszSamples};

/// The furthest byte any sample of the track reaches: for each chunk, its
/// offset plus the sizes of the samples `stsc` puts in it. 0 for a track
/// without chunks.
pub(super) fn data_end(stbl: &Stbl) -> u64 {
    let offsets: Vec<u64> = match (&stbl.co64, &stbl.stco) {
        (Some(c), _) => c.entries.clone(),
        (None, Some(c)) => c.entries.iter().map(|&o| u64::from(o)).collect(),
        (None, None) => return 0,
    };
    let runs = &stbl.stsc.entries;
    let mut run = 0;
    let mut sample = 0u64;
    let mut end = 0u64;
    for (i, &offset) in offsets.iter().enumerate() {
        let chunk = i as u64 + 1;
        while runs
            .get(run + 1)
            .is_some_and(|next| u64::from(next.first_chunk) <= chunk)
        {
            run += 1;
        }
        let per_chunk = runs.get(run).map_or(0, |r| u64::from(r.samples_per_chunk));
        let bytes = sizes(&stbl.stsz.samples, sample, per_chunk);
        sample = sample.saturating_add(per_chunk);
        end = end.max(offset.saturating_add(bytes));
    }
    end
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
