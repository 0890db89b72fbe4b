//! Probe throughput per format over the fixture corpus: files per second and
//! bytes read per file (median of 15 runs after a warm-up; files are in the
//! page cache, so this measures the probes, not the disk).
//!
//! Run: `cargo bench --bench probe`

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use seedance_preflight::probe::probe_path;
use seedance_preflight::source::DEFAULT_BUDGET;

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/media");
    let mut by_format: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for dir in ["image", "video", "audio"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            let p = e.unwrap().path();
            let f = probe_path(&p, DEFAULT_BUDGET);
            by_format
                .entry(f.format.name().to_string())
                .or_default()
                .push(p);
        }
    }
    println!(
        "{:<10} {:>6} {:>14} {:>16} {:>14}",
        "format", "files", "files/s", "bytes read/file", "file bytes/file"
    );
    let (mut all_files, mut all_secs) = (0usize, 0f64);
    for (format, files) in &by_format {
        let size: u64 = files
            .iter()
            .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
            .sum();
        let read: u64 = files
            .iter()
            .map(|p| probe_path(p, DEFAULT_BUDGET).bytes_read)
            .sum();
        let mut runs: Vec<f64> = (0..16)
            .map(|_| {
                let t = Instant::now();
                for _ in 0..20 {
                    for p in files {
                        std::hint::black_box(probe_path(p, DEFAULT_BUDGET));
                    }
                }
                t.elapsed().as_secs_f64() / 20.0
            })
            .skip(1)
            .collect();
        runs.sort_by(f64::total_cmp);
        let median = runs[runs.len() / 2];
        all_files += files.len();
        all_secs += median;
        println!(
            "{format:<10} {:>6} {:>14.0} {:>16} {:>14}",
            files.len(),
            files.len() as f64 / median,
            read / files.len() as u64,
            size / files.len() as u64
        );
    }
    println!(
        "{:<10} {:>6} {:>14.0}",
        "all",
        all_files,
        all_files as f64 / all_secs
    );
}
