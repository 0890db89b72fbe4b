//! 200 URLs on a loopback server that adds 50 ms to every request: with N jobs
//! the run should take a small multiple of (200 / N) × 50 ms, not 200 × 50 ms.
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
    println!(
        "{URLS} URLs, {DELAY_MS} ms per request, 1 request each (serial: {} ms)",
        URLS as u64 * DELAY_MS
    );
    println!(
        "{:>5} {:>10} {:>12} {:>7}",
        "jobs", "ideal ms", "measured ms", "ratio"
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
        let ideal = (URLS as f64 / jobs as f64).ceil() * DELAY_MS as f64;
        println!("{jobs:>5} {ideal:>10.0} {ms:>12.0} {:>7.2}", ms / ideal);
    }
}
