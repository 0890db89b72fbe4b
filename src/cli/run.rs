//! A check run: documents checked in bounded chunks, each output (stdout
//! and every `--output`) written as it goes, baselines and statistics.

use std::io::{self, Write};

use super::flags::{flag_of, FLAGS};
use super::{usage_error, EXIT_FINDINGS, EXIT_TOOL_FAILURE};
use seedance_preflight::report::{self, OutputFormat};
use seedance_preflight::{check_documents, input, Options};

/// Documents checked in bounded chunks: each chunk is parsed, probed and
/// judged, then its parsed requests are dropped. Every format but JUnit
/// writes each chunk at once and keeps nothing; a JUnit output keeps the
/// request reports it prints.
pub(super) struct Run {
    /// The options of the current chunk (of the config governing it).
    pub(super) opts: Options,
    /// Each request's config, and the options it makes.
    pub(super) configs: seedance_preflight::settings::Resolver,
    /// The config governing the current chunk.
    pub(super) config: Option<std::path::PathBuf>,
    /// Where the report goes: one format each (`--format` to stdout, and
    /// every `--output FORMAT=FILE`), all from one run.
    pub(super) sinks: Vec<Sink>,
    /// Whether some output needs the whole run (keeps the request reports).
    pub(super) keep: bool,
    pub(super) chunk: Vec<input::Document>,
    pub(super) chunk_bytes: usize,
    pub(super) kept: Vec<seedance_preflight::RequestReport>,
    pub(super) summary: report::Summary,
    pub(super) failed: bool,
    pub(super) input_errors: usize,
    pub(super) quiet: bool,
    /// The flag each value of a request built from flags came from.
    pub(super) flag_labels: Vec<(String, String)>,
    /// `--statistics`: findings per code, with their severity.
    pub(super) statistics: Option<
        std::collections::BTreeMap<(seedance_preflight::Code, seedance_preflight::Severity), usize>,
    >,
    /// `--baseline`: what it suppresses.
    pub(super) baseline: Option<seedance_preflight::report::baseline::Matcher>,
    /// About how large the baseline recorded so far is, in bytes.
    pub(super) record_bytes: u64,
    /// `--write-baseline`: where, and what is recorded so far.
    pub(super) record: Option<(
        std::path::PathBuf,
        seedance_preflight::report::baseline::Baseline,
    )>,
}

/// One output of a run.
pub(super) struct Sink {
    pub(super) format: OutputFormat,
    pub(super) out: Dest,
    /// Where the format writes request by request (all but JUnit).
    pub(super) stream: Option<report::Stream>,
    /// The first write error (a closed pipe, a full disk): nothing more is
    /// written there.
    pub(super) error: Option<io::Error>,
}

/// Where an output goes: standard output, or a file written beside its
/// name and renamed over it when the run ends.
pub(super) enum Dest {
    Stdout(io::BufWriter<io::Stdout>),
    File(io::BufWriter<seedance_preflight::outfile::Output>),
}

impl Write for Dest {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Dest::Stdout(w) => w.write(buf),
            Dest::File(w) => w.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Dest::Stdout(w) => w.flush(),
            Dest::File(w) => w.flush(),
        }
    }
}

impl Dest {
    /// Ends the output: a file is renamed over its name.
    fn close(self) -> io::Result<()> {
        match self {
            Dest::Stdout(mut w) => w.flush(),
            Dest::File(w) => w
                .into_inner()
                .map_err(|e| e.into_error())?
                .finish()
                .map_err(io::Error::other),
        }
    }
}

/// Most documents, and most request bytes, checked at once.
const CHUNK_DOCS: usize = 4096;
const CHUNK_BYTES: usize = 64 << 20;

impl Run {
    pub(super) fn push(&mut self, doc: input::Document) {
        // A chunk is checked with one config: another one starts a chunk.
        let config = self.configs.config_of(&doc.source);
        if config != self.config {
            self.flush_chunk();
            match super::settings::options(&mut self.configs, &config) {
                Ok(o) => {
                    self.opts = o;
                    self.config = config;
                }
                Err(e) => {
                    say!("seedance-preflight: {}: {e}", doc.source.display());
                    self.input_errors += 1;
                    return;
                }
            }
        }
        self.chunk_bytes += match &doc.body {
            input::Body::Bytes(b) => b.len(),
            _ => 0,
        };
        self.chunk.push(doc);
        if self.chunk.len() >= CHUNK_DOCS || self.chunk_bytes >= CHUNK_BYTES {
            self.flush_chunk();
        }
    }

    fn flush_chunk(&mut self) {
        if self.chunk.is_empty() {
            return;
        }
        let docs = std::mem::take(&mut self.chunk);
        self.chunk_bytes = 0;
        let bar = progress_bar(docs.len());
        let mut opts = self.opts.clone();
        if let Some(bar) = &bar {
            let b = bar.clone();
            opts.progress = Some(seedance_preflight::Progress(std::sync::Arc::new(
                move |stage, done, total| {
                    let what = match stage {
                        seedance_preflight::Stage::Probing => "probing assets",
                        seedance_preflight::Stage::Judging => "checking requests",
                    };
                    b.set_length(total as u64);
                    b.set_position(done as u64);
                    b.set_message(what);
                },
            )));
        }
        let mut part = check_documents(&docs, &opts);
        drop(docs);
        // A request built from flags: point at the flags, not at lines of
        // a document nobody wrote.
        for r in part.requests.iter_mut().filter(|r| r.source.path == FLAGS) {
            for f in &mut r.findings {
                let flag = f
                    .pointer
                    .as_deref()
                    .and_then(|p| flag_of(&self.flag_labels, p));
                if let Some(flag) = flag {
                    f.flag = Some(flag.to_string());
                    f.line_col = None;
                    f.end_line_col = None;
                }
            }
        }
        if let Some((_, b)) = &mut self.record {
            use seedance_preflight::report::baseline::{Baseline, MAX_BASELINE_BYTES};
            // Stop recording once the file would be refused on reading:
            // memory stays bounded, and the run ends with a tool failure.
            if self.record_bytes <= MAX_BASELINE_BYTES {
                let more = Baseline::record(&part.requests);
                self.record_bytes += Baseline::approx_bytes(&more.findings);
                b.findings.extend(more.findings);
            }
        }
        if let Some(stats) = &mut self.statistics {
            for f in part.requests.iter().flat_map(|r| &r.findings) {
                *stats.entry((f.code, f.severity)).or_insert(0) += 1;
            }
        }
        if let Some(m) = &mut self.baseline {
            for r in &mut part.requests {
                m.apply(r, self.opts.fail_on);
            }
        }
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        self.summary.add(&part.summary());
        self.failed |= part.failed();
        for sink in &mut self.sinks {
            let Some(stream) = sink.stream.as_mut().filter(|_| sink.error.is_none()) else {
                continue;
            };
            // `--quiet` leaves passing requests out of the text formats;
            // the documents (JSON, SARIF, annotations) hold every request.
            let quiet = self.quiet
                && matches!(
                    sink.format,
                    OutputFormat::Human(_) | OutputFormat::Verbose(_) | OutputFormat::Jsonl
                );
            let shown = part.requests.iter().filter(|r| !quiet || r.failed);
            if let Err(e) = stream
                .requests(shown, &mut sink.out)
                .and_then(|_| sink.out.flush())
            {
                sink.error = Some(e);
            }
        }
        if self.keep {
            self.kept.extend(part.requests);
        }
    }

    pub(super) fn finish(mut self) -> i32 {
        self.flush_chunk();
        if let Some(stats) = &self.statistics {
            let mut rows: Vec<_> = stats.iter().collect();
            rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            for ((code, sev), n) in rows {
                say!("{n:>7}  {code}  {:<8} {}", sev.as_str(), code.name());
            }
        }
        if let Some(m) = &self.baseline {
            if !self.quiet {
                say!(
                    "seedance-preflight: the baseline suppressed {} finding{}",
                    m.suppressed,
                    if m.suppressed == 1 { "" } else { "s" }
                );
            }
        }
        if let Some((path, mut b)) = self.record.take() {
            b.findings.sort();
            let written = b
                .to_json_checked()
                .and_then(|text| seedance_preflight::outfile::write_output(&path, text.as_bytes()));
            if let Err(e) = written {
                return usage_error(&format!("--write-baseline {}: {e}", path.display()));
            }
            say!(
                "seedance-preflight: recorded {} finding{} in {}",
                b.findings.len(),
                if b.findings.len() == 1 { "" } else { "s" },
                path.display()
            );
            // Recording is the job: the findings are accepted, not gated.
            self.failed = false;
        }
        let report = seedance_preflight::Report {
            requests: std::mem::take(&mut self.kept),
            assets_probed: self.summary.assets_probed,
            loosened: self.configs.loosened().to_vec(),
        };
        let mut status = if self.input_errors > 0 {
            EXIT_TOOL_FAILURE
        } else if self.failed {
            EXIT_FINDINGS
        } else {
            0
        };
        for mut sink in std::mem::take(&mut self.sinks) {
            let written = match (sink.error.take(), sink.stream.take()) {
                (Some(e), _) => Err(e),
                (None, Some(stream)) => {
                    stream.finish(&self.summary, &report.loosened, &mut sink.out)
                }
                (None, None) => report::render(&report, sink.format, &mut sink.out),
            };
            if let Err(e) = written.and_then(|_| sink.out.close()) {
                if e.kind() != io::ErrorKind::BrokenPipe {
                    say!("seedance-preflight: cannot write the report: {e}");
                    status = EXIT_TOOL_FAILURE;
                }
            }
        }
        status
    }
}

/// A progress bar on stderr for long runs, only when stderr is a terminal.
pub(super) fn progress_bar(requests: usize) -> Option<indicatif::ProgressBar> {
    if requests < 50 || !std::io::IsTerminal::is_terminal(&io::stderr()) {
        return None;
    }
    let bar = indicatif::ProgressBar::new(requests as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{spinner} {msg} {pos}/{len} [{bar:30}] {elapsed}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    Some(bar)
}
