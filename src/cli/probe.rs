//! `probe`: what the probes read from media files.

use std::io::{self, Write};

use super::args::{FormatArg, ProbeArgs};
use super::{usage_error, EXIT_TOOL_FAILURE};
use std::path::Path;

use seedance_preflight::settings::{ConfigChoice, Layers, Resolver};
use seedance_preflight::Options;

pub(super) fn probe(args: ProbeArgs) -> i32 {
    if !matches!(args.format, FormatArg::Human | FormatArg::Json) {
        return usage_error("probe prints --format human or json");
    }
    let remote = match args.net.options() {
        Ok(r) => r,
        Err(e) => return usage_error(&e),
    };
    let bare = Options {
        budget: args.budget,
        jobs: args.jobs.unwrap_or(0),
        remote,
        deep: super::args::DeepArg::mode(args.deep),
        ..Options::default()
    };
    // The same resolver as `check`, `fix` and `serve`: probing reads no
    // config (nothing in one changes what a header says), so the caller's
    // layer alone — and the run-wide deadline and URL cap it carries.
    let layers = Layers::new(bare);
    let opts = match Resolver::new(layers, ConfigChoice::None, Path::new("."))
        .and_then(|mut r| r.options(&None))
    {
        Ok(o) => o,
        Err(e) => return usage_error(&e.to_string()),
    };
    let facts = seedance_preflight::probe_targets(&args.paths, &opts);
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let written = match args.format {
        FormatArg::Json => serde_json::to_writer_pretty(&mut out, &facts)
            .map_err(io::Error::other)
            .and_then(|_| writeln!(out)),
        _ => facts
            .iter()
            .try_for_each(|f| writeln!(out, "{}", describe_facts(f))),
    };
    if let Err(e) = written.and_then(|_| out.flush()) {
        if e.kind() != io::ErrorKind::BrokenPipe {
            say!("seedance-preflight: cannot write: {e}");
            return EXIT_TOOL_FAILURE;
        }
    }
    let unopened: Vec<_> = facts
        .iter()
        .filter(|f| f.unopened() || f.remote.as_ref().is_some_and(|r| r.failure.is_some()))
        .collect();
    for f in &unopened {
        say!(
            "seedance-preflight: {}: {}",
            f.source,
            f.error.as_deref().unwrap_or("")
        );
    }
    if unopened.is_empty() {
        0
    } else {
        EXIT_TOOL_FAILURE
    }
}

/// One line per file: `path: format W×H, 3.000 s, 24.000 fps, …`.
pub(super) fn describe_facts(f: &seedance_preflight::probe::MediaFacts) -> String {
    let mut parts = f.describe_parts();
    parts.push(format!("read {} bytes", f.bytes_read));
    let mut line = format!(
        "{}: {}",
        seedance_preflight::report::escape_controls(&f.source),
        parts.join(", ")
    );
    if let Some(e) = &f.error {
        line.push_str(&format!(" — error: {e}"));
    }
    line
}
