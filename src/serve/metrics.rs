//! Prometheus text metrics: requests by dialect and verdict, findings by
//! code, upstream latency and the latency the proxy adds (histograms).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

/// Histogram bounds, seconds.
const BOUNDS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0, 30.0,
];

#[derive(Default)]
struct Histogram {
    buckets: [u64; BOUNDS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, d: Duration) {
        let s = d.as_secs_f64();
        for (i, b) in BOUNDS.iter().enumerate() {
            if s <= *b {
                self.buckets[i] += 1;
            }
        }
        self.count += 1;
        self.sum += s;
    }

    fn render(&self, name: &str, help: &str, out: &mut String) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        for (i, b) in BOUNDS.iter().enumerate() {
            let _ = writeln!(out, "{name}_bucket{{le=\"{b}\"}} {}", self.buckets[i]);
        }
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {}", self.count);
        let _ = writeln!(out, "{name}_sum {}", self.sum);
        let _ = writeln!(out, "{name}_count {}", self.count);
    }
}

#[derive(Default)]
struct Inner {
    requests: BTreeMap<(String, String), u64>,
    findings: BTreeMap<String, u64>,
    upstream: Histogram,
    added: Histogram,
}

/// The proxy's counters (bounded: dialects, verdicts and codes are finite).
#[derive(Default)]
pub struct Metrics(Mutex<Inner>);

impl Metrics {
    /// Records one handled request.
    pub(super) fn record(
        &self,
        dialect: Option<&str>,
        verdict: &str,
        codes: &[String],
        upstream: Option<Duration>,
        added: Duration,
    ) {
        let mut m = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *m.requests
            .entry((dialect.unwrap_or("none").to_string(), verdict.to_string()))
            .or_insert(0) += 1;
        for c in codes {
            *m.findings.entry(c.clone()).or_insert(0) += 1;
        }
        if let Some(u) = upstream {
            m.upstream.observe(u);
        }
        m.added.observe(added);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let m = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = String::new();
        out.push_str("# HELP seedance_preflight_requests_total Requests handled, by dialect (none: forwarded unjudged) and verdict.\n# TYPE seedance_preflight_requests_total counter\n");
        for ((d, v), n) in &m.requests {
            let _ = writeln!(
                out,
                "seedance_preflight_requests_total{{dialect=\"{d}\",verdict=\"{v}\"}} {n}"
            );
        }
        out.push_str("# HELP seedance_preflight_findings_total Findings on judged requests, by code.\n# TYPE seedance_preflight_findings_total counter\n");
        for (c, n) in &m.findings {
            let _ = writeln!(out, "seedance_preflight_findings_total{{code=\"{c}\"}} {n}");
        }
        m.upstream.render(
            "seedance_preflight_upstream_seconds",
            "Time to the upstream's answer headers.",
            &mut out,
        );
        m.added.render(
            "seedance_preflight_added_seconds",
            "Time the proxy adds (reading, judging, answering).",
            &mut out,
        );
        out
    }
}
