//! `seedance-preflight.toml`: severities per code or family, limit overrides,
//! default dialect and model, and the gate. Found for each checked file by
//! walking up from its folder (the nearest wins), or given with `--config`.
//!
//! ```toml
//! fail_on = "warning"            # error | warning | info | never
//! dialect = "unified"            # default dialect when a request does not tell
//! model = "seedance-2.0-reference-to-video"   # default for requests built from flags
//!
//! [severity]                     # off | info | warning | error
//! IMG008 = "off"                 # a code…
//! VID = "warning"                # …or a whole family (a code wins over its family)
//!
//! [limits.unified.video]         # any key of the built-in limits table
//! max_duration_s = 10.0
//! ```
//!
//! Unknown keys are errors that name the file and line: a typo must not
//! silently turn a gate off.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::spec::{Dialect, Spec};

mod limits;
mod severity;

pub use limits::{loosened, merged_spec};
pub use severity::{FailOn, Level, SeverityLayer, SeverityMap};

/// The file name looked for.
pub const FILE_NAME: &str = "seedance-preflight.toml";

/// The file's contents.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The gate.
    pub fail_on: Option<FailOn>,
    /// Default dialect for requests that do not tell.
    pub dialect: Option<Dialect>,
    /// Default model for requests built from flags.
    pub model: Option<String>,
    /// Severity per code or family.
    #[serde(default)]
    pub severity: BTreeMap<String, Level>,
    /// Overrides of the built-in dialect tables, keyed by dialect id
    /// (`[limits.unified.video]`: any key of `src/spec/dialects/unified.toml`).
    #[serde(default)]
    pub limits: toml::Table,
    /// More dialect files to load (relative to the config file's folder).
    #[serde(default)]
    pub dialect_files: Vec<PathBuf>,
    /// Globs left out when walking folders (added to `--exclude`; also
    /// spelt `extend-exclude`, as in ruff).
    #[serde(default, alias = "extend-exclude")]
    pub exclude: Vec<String>,
    /// Globs selected when walking folders besides `*.json` / `*.jsonl`
    /// (added to `--include`).
    #[serde(default)]
    pub include: Vec<String>,
}

impl<'de> Deserialize<'de> for Dialect {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A loaded config: where it came from, its severity layer and its limits.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The file.
    pub path: PathBuf,
    /// What it says.
    pub config: Config,
    /// Its `[severity]` table as a layer.
    pub severity: SeverityLayer,
    /// The limits table with its `[limits]` merged in and validated.
    pub spec: Spec,
    /// `[limits]` overrides that loosen a documented limit (a larger
    /// maximum, a smaller minimum): requests passing here may be refused.
    pub warnings: Vec<String>,
}

/// Walks up from `start` to the first folder holding [`FILE_NAME`].
pub fn discover(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The 1-based line where `key` is set, looked up in the file's text (a best
/// effort for errors found after parsing).
pub(crate) fn line_of_key(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let t = l.trim_start().trim_start_matches('"');
            t.starts_with(key)
                && t[key.len()..]
                    .trim_start()
                    .trim_start_matches('"')
                    .trim_start()
                    .starts_with('=')
        })
        .map(|i| i + 1)
}

/// serde's "unknown field `fial_on`, expected one of `fail_on`, …" with
/// the likely one named first.
fn with_hint(message: &str) -> String {
    let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    match quoted.split_first() {
        Some((word, candidates)) if message.starts_with("unknown field") => {
            match crate::rules::did_you_mean(word, candidates.iter().copied()) {
                Some(m) => format!("unknown key `{word}` (did you mean `{m}`?); {message}"),
                None => message.to_string(),
            }
        }
        _ => message.to_string(),
    }
}

/// Reads and validates a config file. The error says `file:line: what`
/// (kind [`Config`](crate::ErrorKind::Config), or `Io` when unreadable).
pub fn load(path: &Path) -> Result<Loaded, crate::Error> {
    use crate::{Error, ErrorKind};
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::new(ErrorKind::Io, e.to_string()).at(path, None))?;
    let config: Config = toml::from_str(&text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(&text, s.start));
        Error::new(ErrorKind::Config, with_hint(e.message())).at(path, Some(line))
    })?;
    let mut severity = SeverityLayer::default();
    for (key, level) in &config.severity {
        severity.set(key, *level).map_err(|e| {
            let line = line_of_key(&text, key).unwrap_or(1);
            Error::new(ErrorKind::Config, format!("[severity] {e}")).at(path, Some(line))
        })?;
    }
    let mut spec = merged_spec(&config.limits).map_err(|(key, e)| {
        let line = line_of_key(&text, &key).unwrap_or(1);
        Error::new(ErrorKind::Config, format!("[limits] {e}")).at(path, Some(line))
    })?;
    let dir = path.parent().unwrap_or(Path::new(""));
    for file in &config.dialect_files {
        spec = spec.with_dialect_file(&dir.join(file))?;
    }
    let warnings = loosened(&config.limits)
        .into_iter()
        .map(|(key, w)| {
            let line = line_of_key(&text, &key).unwrap_or(1);
            format!("{}:{line}: {w}", path.display())
        })
        .collect();
    Ok(Loaded {
        path: path.to_path_buf(),
        config,
        severity,
        spec,
        warnings,
    })
}
