//! Validate one request from the library, without the command-line front end.
//!
//! Run: `cargo run --example validate -- fixtures/requests/unified/x-req006-duration-16.json`

use seedance_preflight::{check_bytes, Options, Severity};

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "fixtures/requests/unified/ok-text-to-video.json".into());
    let body = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let report = check_bytes(&path, &body, &Options::default());
    for f in &report.findings {
        let (line, col) = f.line_col.unwrap_or((0, 0));
        println!(
            "{path}:{line}:{col}: {} {} {}",
            f.severity, f.code, f.message
        );
    }
    let errors = report.count(Severity::Error);
    println!(
        "{} error(s); verdict: {}",
        errors,
        if report.failed { "fail" } else { "pass" }
    );
    std::process::exit(i32::from(report.failed));
}
