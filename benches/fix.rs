//! `fix` on 100 requests that share 20 failing images (2 per request):
//! every image must be decoded and written once (20 jobs, not 200), and
//! the time and peak memory of planning, running and re-checking are
//! printed.
//!
//! Run: `cargo bench --bench fix`

use std::path::{Path, PathBuf};
use std::time::Instant;

use seedance_preflight::fix::{self, FixOptions};
use seedance_preflight::input::{Body, Document};
use seedance_preflight::{check_documents, Options, Source};

const REQUESTS: usize = 100;
const IMAGES: usize = 20;

fn peak_rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let dir = std::env::temp_dir().join(format!("sp-bench-fix-{}", std::process::id()));
    let out = dir.join("out");
    std::fs::create_dir_all(&dir).unwrap();
    let media = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/media/image");
    // Failing images of every fixable kind: too small, too wide, too narrow,
    // ratio, EXIF-rotated, animated, BMP.
    let sources = [
        "x-299x400.png",
        "x-6001x2400.png",
        "x-399x1000.png",
        "x-1001x400.png",
        "x-exif6-2000x700.jpg",
        "x-anim-3f.gif",
        "x-640x480.bmp",
    ];
    let images: Vec<PathBuf> = (0..IMAGES)
        .map(|i| {
            let src = media.join(sources[i % sources.len()]);
            let ext = src.extension().unwrap().to_string_lossy().to_string();
            let p = dir.join(format!("img{i}.{ext}"));
            std::fs::copy(&src, &p).unwrap();
            p
        })
        .collect();
    let docs: Vec<Document> = (0..REQUESTS)
        .map(|i| {
            let (a, b) = (&images[i % IMAGES], &images[(i + 7) % IMAGES]);
            let body = serde_json::json!({
                "model": "seedance-2.0-reference-to-video",
                "prompt": "Image 1 meets image 2",
                "image_urls": [a, b],
            });
            let path = dir.join(format!("r{i}.json"));
            let text = serde_json::to_string_pretty(&body).unwrap();
            std::fs::write(&path, &text).unwrap();
            Document {
                source: Source {
                    path: path.display().to_string(),
                    line: None,
                },
                body: Body::Bytes(text.into_bytes()),
            }
        })
        .collect();
    let texts: Vec<Option<String>> = docs
        .iter()
        .map(|d| match &d.body {
            Body::Bytes(b) => Some(String::from_utf8(b.clone()).unwrap()),
            _ => None,
        })
        .collect();
    let opts = Options::default();
    let t = Instant::now();
    let report = check_documents(&docs, &opts);
    let checked = t.elapsed();
    let t = Instant::now();
    let fopts = FixOptions::new(&out);
    let plan = fix::plan(&report, &texts, &opts, &fopts);
    let planned = t.elapsed();
    let t = Instant::now();
    let done = fix::execute(&plan, &fopts, &opts).unwrap();
    let executed = t.elapsed();
    let passing = done.requests.iter().filter(|r| r.passes).count();
    println!(
        "fix: {REQUESTS} requests sharing {IMAGES} images → {} jobs ({} ok); check {:.0} ms, plan {:.0} ms, run + write + re-check {:.0} ms; {passing}/{REQUESTS} pass after; peak RSS {} MiB",
        plan.jobs.len(),
        done.jobs.iter().filter(|j| j.ok).count(),
        checked.as_secs_f64() * 1e3,
        planned.as_secs_f64() * 1e3,
        executed.as_secs_f64() * 1e3,
        peak_rss_kib().map_or("?".into(), |k| (k / 1024).to_string()),
    );
    assert_eq!(plan.jobs.len(), IMAGES, "each image is rewritten once");
    assert_eq!(passing, REQUESTS);
    let _ = std::fs::remove_dir_all(Path::new(&dir));
}
