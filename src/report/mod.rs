//! Reports: the findings of each request, the verdict, and the renderers.
//! Renderers are pure functions of a [`Report`], and all but JUnit write
//! request by request as a run goes ([`Stream`]).

pub mod baseline;
mod github;
mod human;
mod json;
mod junit;
mod sarif;
mod stream;

use std::io::{self, Write};

use crate::finding::{Finding, Severity};
use crate::options::VerdictOptions;
use crate::request::AssetRef;
use crate::request::ResolvedAsset;
use crate::rules::Predicted;
use crate::spec::Dialect;

pub use human::HumanStyle;
pub use json::WIRE_VERSION;
pub use stream::Stream;

pub use crate::text::escape_controls;

/// Where a request came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The file path as given (`-` for standard input).
    pub path: String,
    /// For one line of a JSONL file: its 1-based line number.
    pub line: Option<usize>,
}

impl Source {
    /// A whole file.
    pub fn file(path: &str) -> Self {
        Source {
            path: path.to_string(),
            line: None,
        }
    }

    /// Standard input (`-`) or a request built from flags (`<flags>`): relative
    /// media paths are read from the current folder.
    pub fn is_virtual(&self) -> bool {
        self.path == "-" || self.path.starts_with('<')
    }

    /// `path`, or `path:line` for a JSONL record.
    pub fn display(&self) -> String {
        match self.line {
            Some(l) => format!("{}:{l}", self.path),
            None => self.path.clone(),
        }
    }
}

/// The outcome for one request.
#[derive(Debug, Clone)]
pub struct RequestReport {
    /// Where it came from.
    pub source: Source,
    /// The dialect it was read as (`None` when it is not a JSON object).
    pub dialect: Option<Dialect>,
    /// The `model` value, when it is a string.
    pub model: Option<String>,
    /// Findings, sorted by position then code.
    pub findings: Vec<Finding>,
    /// The media entries of the request.
    pub assets: Vec<AssetRef>,
    /// The predicted output (REQ090), when the model is known.
    pub predicted: Option<Predicted>,
    /// Probe facts per asset (same order as `assets`); empty or `None` where
    /// nothing was probed. Shared with every other request of the run that
    /// names the same asset.
    pub facts: Vec<Option<std::sync::Arc<crate::probe::MediaFacts>>>,
    /// Whether a finding reaches the gate.
    pub failed: bool,
    /// The resolved asset of each entry (same order as `assets`): its
    /// run-wide id and the file or URL it means; `None` where nothing was
    /// opened (inline data, another scheme, `--no-fetch`).
    pub resolved: Vec<Option<ResolvedAsset>>,
    /// What each entry's slot accepts in this request (same order as
    /// `assets`): the envelope the media rules judge by and `fix` aims for;
    /// `None` where the kind is not known.
    pub accepts: Vec<Option<crate::rules::Accepts>>,
}

impl RequestReport {
    pub(crate) fn new(source: Source) -> Self {
        RequestReport {
            source,
            dialect: None,
            model: None,
            findings: Vec::new(),
            assets: Vec::new(),
            predicted: None,
            facts: Vec::new(),
            failed: false,
            resolved: Vec::new(),
            accepts: Vec::new(),
        }
    }

    /// Adds a finding, resolving its byte offset to a line and column in the
    /// file (JSONL records are shifted to their line).
    pub(crate) fn push_located(&mut self, f: Finding, offset: Option<usize>, text: &[u8]) {
        self.push_all_located(vec![(f, offset)], text);
    }

    /// Adds findings, resolving their byte offsets to lines and columns in one
    /// pass over the text (JSONL records are shifted to their line).
    pub(crate) fn push_all_located(
        &mut self,
        findings: Vec<(Finding, Option<usize>)>,
        text: &[u8],
    ) {
        let mut offsets: Vec<usize> = findings.iter().filter_map(|(_, o)| *o).collect();
        offsets.extend(findings.iter().filter_map(|(f, o)| o.and(f.end)));
        let resolved = crate::json::line_cols(text, &offsets);
        let (starts, ends) = resolved.split_at(
            resolved
                .len()
                .min(findings.iter().filter(|(_, o)| o.is_some()).count()),
        );
        let (mut starts, mut ends) = (starts.iter(), ends.iter());
        let shift = self.source.line.map_or(0, |l| l - 1);
        // Kept for the run: no spare capacity (a `Finding` is ~400 bytes).
        self.findings.reserve_exact(findings.len());
        for (mut f, offset) in findings {
            if let Some(off) = offset {
                let (line, col) = starts.next().copied().unwrap_or((1, 1));
                f.offset = Some(off);
                f.line_col = Some((line + shift, col));
                if f.end.is_some() {
                    f.end_line_col = ends.next().map(|&(l, c)| (l + shift, c));
                }
            } else {
                f.end = None;
            }
            self.findings.push(f);
        }
    }

    pub(crate) fn finish(mut self, opts: &VerdictOptions) -> Self {
        // Severity is resolved here and nowhere else: `off` drops a finding.
        self.findings
            .retain_mut(|f| match opts.severity.resolve(f.code, f.severity) {
                Some(s) => {
                    f.severity = s;
                    true
                }
                None => false,
            });
        // By position; findings about the whole request after; the prediction last.
        self.findings.sort_by_key(|f| {
            (
                f.code == crate::Code::REQ090,
                f.line_col.is_none(),
                f.line_col,
                f.code,
            )
        });
        self.failed = opts
            .fail_on
            .is_some_and(|gate| self.findings.iter().any(|f| f.severity >= gate));
        self
    }

    /// How many findings have this severity.
    pub fn count(&self, s: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == s).count()
    }
}

/// The outcome of a run over many requests.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// One entry per request, in input order.
    pub requests: Vec<RequestReport>,
    /// Distinct assets probed (each once, however many requests share it).
    pub assets_probed: usize,
    /// What the settings in force loosen relative to the built-in defaults
    /// (config files, with file, line, key, old and new value).
    pub loosened: Vec<crate::config::Loosening>,
}

/// Counts over a whole report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Summary {
    /// Requests checked.
    pub requests: usize,
    /// Requests that passed the gate.
    pub passed: usize,
    /// Requests that failed it.
    pub failed: usize,
    /// Findings of severity error.
    pub errors: usize,
    /// Findings of severity warning.
    pub warnings: usize,
    /// Findings of severity info.
    pub infos: usize,
    /// Distinct assets probed (files and URLs), each once.
    pub assets_probed: usize,
}

impl Summary {
    /// Adds the counts of another part of the same run.
    pub fn add(&mut self, other: &Summary) {
        self.requests += other.requests;
        self.passed += other.passed;
        self.failed += other.failed;
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.infos += other.infos;
        self.assets_probed += other.assets_probed;
    }
}

impl Report {
    /// The counts.
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            requests: self.requests.len(),
            assets_probed: self.assets_probed,
            ..Summary::default()
        };
        for r in &self.requests {
            if r.failed {
                s.failed += 1;
            } else {
                s.passed += 1;
            }
            s.errors += r.count(Severity::Error);
            s.warnings += r.count(Severity::Warning);
            s.infos += r.count(Severity::Info);
        }
        s
    }

    /// Whether any request failed the gate.
    pub fn failed(&self) -> bool {
        self.requests.iter().any(|r| r.failed)
    }
}

/// An output format (the media formats are [`probe::Format`](crate::probe::Format)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Text for a person, optionally coloured.
    Human(HumanStyle),
    /// Text for a person with each request's facts as well: the predicted
    /// output (REQ090) and what was probed of each asset, a video's codec
    /// (VID008) included (`check -v`, `--show-facts`).
    Verbose(HumanStyle),
    /// The versioned JSON wire format (see `docs/json-format.md`).
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// JUnit XML, for CI test reports.
    Junit,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// One JSON object per request per line (the wire format's request
    /// objects), then one `{"version": 1, "summary": {…}}` line; streamed.
    Jsonl,
}

impl OutputFormat {
    /// Whether the format is written request by request as the run goes
    /// ([`Stream`]): every one is (JUnit spills its suites to a temporary
    /// file until its header can be written).
    pub fn streams(self) -> bool {
        true
    }
}

/// Writes a report in a format. Every format is a pure function of the
/// report; the streamed ones go through [`Stream`], as a run does.
pub fn render(report: &Report, format: OutputFormat, out: &mut dyn Write) -> io::Result<()> {
    match Stream::new(format) {
        Some(mut stream) => {
            stream.requests(&report.requests, out)?;
            stream.finish(&report.summary(), &report.loosened, out)
        }
        None => Ok(()),
    }
}
