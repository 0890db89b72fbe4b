//! Baselines: record today's findings, then report only new ones.
//!
//! A finding is known by its fingerprint: the code, the file (as given on
//! the command line; a JSONL record adds nothing, so a record may move), the
//! JSON pointer and a hash of the message (which states the offending value
//! and the limit). Line numbers are not part of it, so findings survive edits
//! that move them. The same fingerprint may occur several times; each
//! recorded occurrence suppresses one.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::finding::{Finding, Severity};
use crate::report::RequestReport;
use crate::{Error, ErrorKind};

/// The version of the baseline file format.
pub const BASELINE_VERSION: u32 = 1;

/// The largest baseline file read (and so written).
pub const MAX_BASELINE_BYTES: u64 = 64 << 20;

/// One recorded finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The rule code.
    pub code: String,
    /// The request file.
    pub file: String,
    /// JSON pointer, `""` for the whole request.
    pub pointer: String,
    /// FNV-1a 64 of the message, hex.
    pub hash: String,
}

/// A baseline file: `{"version": 1, "findings": [...]}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// [`BASELINE_VERSION`].
    pub version: u32,
    /// The recorded findings, sorted.
    pub findings: Vec<Entry>,
}

fn fnv(text: &str) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in text.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}")
}

/// The fingerprint of a finding of a request.
pub fn entry(r: &RequestReport, f: &Finding) -> Entry {
    entry_in(&r.source.path, f)
}

fn entry_in(file: &str, f: &Finding) -> Entry {
    Entry {
        code: f.code.to_string(),
        file: file.to_string(),
        pointer: f.pointer.clone().unwrap_or_default(),
        hash: fnv(&f.message),
    }
}

impl Baseline {
    /// A baseline of every finding (information included) of these requests.
    pub fn record<'a>(requests: impl IntoIterator<Item = &'a RequestReport>) -> Baseline {
        let mut findings: Vec<Entry> = requests
            .into_iter()
            .flat_map(|r| r.findings.iter().map(move |f| entry(r, f)))
            .collect();
        findings.sort();
        Baseline {
            version: BASELINE_VERSION,
            findings,
        }
    }

    /// Adds the findings of more requests.
    pub fn extend<'a>(&mut self, requests: impl IntoIterator<Item = &'a RequestReport>) {
        let more = Baseline::record(requests);
        self.findings.extend(more.findings);
        self.findings.sort();
    }

    /// Reads a baseline file (at most 64 MiB, a regular file).
    pub fn load(path: &Path) -> Result<Baseline, Error> {
        let io = |e: std::io::Error| Error::new(ErrorKind::Io, e.to_string()).at(path, None);
        let meta = std::fs::metadata(path).map_err(io)?;
        if !meta.is_file() || meta.len() > MAX_BASELINE_BYTES {
            return Err(Error::new(
                ErrorKind::Config,
                "a baseline is a regular file of at most 64 MiB",
            )
            .at(path, None));
        }
        let text = std::fs::read_to_string(path).map_err(io)?;
        let b: Baseline = serde_json::from_str(&text).map_err(|e| {
            Error::new(ErrorKind::Config, format!("not a baseline file: {e}"))
                .at(path, Some(e.line()))
        })?;
        if b.version != BASELINE_VERSION {
            return Err(Error::new(
                ErrorKind::Config,
                format!(
                    "baseline version {} (this tool writes {BASELINE_VERSION})",
                    b.version
                ),
            )
            .at(path, None));
        }
        Ok(b)
    }

    /// The file's text.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// The file's text, refused when [`Baseline::load`] would refuse it
    /// (above [`MAX_BASELINE_BYTES`]).
    pub fn to_json_checked(&self) -> Result<String, crate::Error> {
        let text = self.to_json();
        if text.len() as u64 > MAX_BASELINE_BYTES {
            return Err(crate::Error::new(crate::ErrorKind::Usage, format!(
                "the baseline would be {} bytes, above the {MAX_BASELINE_BYTES} a baseline may be (--baseline would refuse it): record fewer requests per baseline",
                text.len()
            )));
        }
        Ok(text)
    }

    /// About how many bytes the file's text takes (each entry's strings and
    /// its layout), to stop recording before memory grows past the cap.
    pub fn approx_bytes(entries: &[Entry]) -> u64 {
        entries
            .iter()
            .map(|e| (e.code.len() + e.file.len() + e.pointer.len() + e.hash.len() + 90) as u64)
            .sum()
    }

    /// A matcher that suppresses each recorded occurrence once.
    pub fn matcher(&self) -> Matcher {
        let mut left = BTreeMap::new();
        for e in &self.findings {
            *left.entry(e.clone()).or_insert(0usize) += 1;
        }
        Matcher {
            left,
            suppressed: 0,
        }
    }
}

/// Removes recorded findings from request reports.
#[derive(Debug)]
pub struct Matcher {
    left: BTreeMap<Entry, usize>,
    /// How many findings were removed so far.
    pub suppressed: usize,
}

impl Matcher {
    /// Drops the findings of `r` the baseline records and recomputes its
    /// verdict against `fail_on`.
    pub fn apply(&mut self, r: &mut RequestReport, fail_on: Option<Severity>) {
        let before = r.findings.len();
        let file = r.source.path.clone();
        let findings = std::mem::take(&mut r.findings);
        r.findings = findings
            .into_iter()
            .filter(|f| {
                let e = entry_in(&file, f);
                match self.left.get_mut(&e) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        false
                    }
                    _ => true,
                }
            })
            .collect();
        self.suppressed += before - r.findings.len();
        r.failed = fail_on.is_some_and(|gate| r.findings.iter().any(|f| f.severity >= gate));
    }
}
