//! Batch runs: 10,000 generated requests.
//! 1. sharing 100 local assets (3 per request): each asset is probed once;
//! 2. each naming its own asset (10,000 distinct files): peak memory.
//!
//! Run: `cargo bench --bench batch`

use std::path::{Path, PathBuf};
use std::time::Instant;

use seedance_preflight::input::{Body, Document};
use seedance_preflight::{check_documents, Options, Source};

const REQUESTS: usize = 10_000;

/// `n` distinct paths to real fixture files (hard links: no extra disk).
fn assets(dir: &Path, n: usize) -> Vec<PathBuf> {
    let media = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/media");
    let sources = [
        "image/ok-1280x720.jpg",
        "image/ok-1024x1024.png",
        "video/ok-h264-24fps.mp4",
        "audio/ok-wav-2.0s.wav",
    ];
    (0..n)
        .map(|i| {
            let src = media.join(sources[i % sources.len()]);
            let ext = src.extension().unwrap().to_string_lossy().to_string();
            let p = dir.join(format!("a{i}.{ext}"));
            if !p.exists() {
                std::fs::hard_link(&src, &p)
                    .or_else(|_| std::fs::copy(&src, &p).map(|_| ()))
                    .unwrap();
            }
            p
        })
        .collect()
}

fn request(i: usize, picks: &[&PathBuf]) -> Document {
    let (mut images, mut videos, mut audio) = (vec![], vec![], vec![]);
    for p in picks {
        let s = p.display().to_string();
        match p.extension().unwrap().to_str().unwrap() {
            "mp4" => videos.push(s),
            "wav" => audio.push(s),
            _ => images.push(s),
        }
    }
    if images.is_empty() && videos.is_empty() {
        images.push(picks[0].display().to_string());
    }
    let body = serde_json::json!({
        "model": "seedance-2.0-reference-to-video",
        "prompt": format!("request {i}: image 1 in motion"),
        "image_urls": images, "video_urls": videos, "audio_urls": audio,
    });
    Document {
        source: Source {
            path: "batch.jsonl".into(),
            line: Some(i + 1),
        },
        body: Body::Bytes(serde_json::to_vec(&body).unwrap()),
    }
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            l.strip_prefix("VmHWM:")
                .and_then(|v| v.trim().trim_end_matches(" kB").parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let dir = std::env::temp_dir().join("seedance-preflight-bench-batch");
    std::fs::create_dir_all(&dir).unwrap();

    let pool = assets(&dir, 100);
    let docs: Vec<Document> = (0..REQUESTS)
        .map(|i| {
            request(
                i,
                &[
                    &pool[i % 100],
                    &pool[(i * 7 + 3) % 100],
                    &pool[(i * 13 + 5) % 100],
                ],
            )
        })
        .collect();
    let t = Instant::now();
    let report = check_documents(&docs, &Options::default());
    let secs = t.elapsed().as_secs_f64();
    assert_eq!(report.requests.len(), REQUESTS);
    assert_eq!(
        report.assets_probed, 100,
        "each shared asset is probed exactly once"
    );
    println!(
        "shared:   {REQUESTS} requests, 30000 asset entries, {} distinct assets probed, {:.3} s ({:.0} requests/s)",
        report.assets_probed,
        secs,
        REQUESTS as f64 / secs
    );
    drop(report);
    drop(docs);

    let own = assets(&dir, REQUESTS);
    let docs: Vec<Document> = (0..REQUESTS).map(|i| request(i, &[&own[i]])).collect();
    let t = Instant::now();
    let report = check_documents(&docs, &Options::default());
    let secs = t.elapsed().as_secs_f64();
    assert_eq!(report.assets_probed, REQUESTS);
    println!(
        "distinct: {REQUESTS} requests, {} distinct assets probed, {:.3} s ({:.0} assets/s); peak RSS of the whole run {} MiB",
        report.assets_probed,
        secs,
        REQUESTS as f64 / secs,
        peak_rss_kib() / 1024
    );
}
