//! 200 URLs on a loopback server that adds 50 ms to every request: with N jobs
//! the run should take a small multiple of (200 / N) × 50 ms × the requests
//! each URL needs, not 200 × 50 ms × those requests. A JPEG needs two: its
//! header, then its last bytes (the end marker that proves it is whole).
//!
//! Run: `cargo bench --bench remote`

#[path = "../tests/it/server.rs"]
#[allow(dead_code)]
mod server;

use std::time::{Duration, Instant};

use seedance_preflight::source::http::RemoteOptions;
use seedance_preflight::{probe_targets, Options};

const URLS: usize = 200;
const DELAY_MS: u64 = 50;

fn main() {
    let server = server::Server::start();
    let urls: Vec<String> = (0..URLS)
        .map(|i| server.url(&format!("/delay/{DELAY_MS}/image/ok-1280x720.jpg?n={i}")))
        .collect();
    println!("{URLS} URLs, {DELAY_MS} ms per request");
    println!(
        "{:>5} {:>9} {:>10} {:>12} {:>7}",
        "jobs", "requests", "ideal ms", "measured ms", "ratio"
    );
    for jobs in [8, 16, 32, 64] {
        let opts = Options {
            jobs,
            remote: RemoteOptions {
                allow_private: true,
                timeout: Duration::from_secs(30),
                ..RemoteOptions::default()
            },
            ..Options::default()
        };
        let t = Instant::now();
        let facts = probe_targets(&urls, &opts);
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        assert!(
            facts
                .iter()
                .all(|f| f.error.is_none() && f.width == Some(1280)),
            "every URL probed"
        );
        // Requests per URL, as the probes made them (the same for every URL).
        let each = facts.iter().map(|f| f.requests).max().unwrap_or(1);
        let ideal = (URLS as f64 / jobs as f64).ceil() * (each * DELAY_MS) as f64;
        println!(
            "{jobs:>5} {:>9} {ideal:>10.0} {ms:>12.0} {:>7.2}",
            each * URLS as u64,
            ms / ideal
        );
    }
}
