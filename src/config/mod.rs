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
mod loosen;
mod severity;

pub(crate) use limits::merged_spec;
pub use limits::LimitOverrides;
pub use loosen::Loosening;
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
    pub limits: LimitOverrides,
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
    /// Every setting that loosens the built-in defaults (the gate, a
    /// severity, a limit of any kind, files left out, dialects added):
    /// requests passing here may be refused by the service.
    pub loosened: Vec<Loosening>,
}

/// The largest config file read.
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;
/// The most `exclude` and `include` globs one config may give.
pub const MAX_GLOBS: usize = 1000;

/// Walks up from `start` to the first folder holding [`FILE_NAME`].
pub fn discover(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

pub(crate) use crate::text::{line_of, line_of_key};

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

/// Reads and validates a config file: a regular file of at most
/// [`MAX_CONFIG_BYTES`]. The error says `file:line: what` (kind
/// [`Config`](crate::ErrorKind::Config), or `Io` when unreadable).
pub fn load(path: &Path) -> Result<Loaded, crate::Error> {
    use crate::{Error, ErrorKind};
    let io = |e: String| Error::new(ErrorKind::Io, e).at(path, None);
    let file = crate::source::open_regular(path).map_err(|e| io(e.to_string()))?;
    let size = file.metadata().map_err(|e| io(e.to_string()))?.len();
    if size > MAX_CONFIG_BYTES {
        return Err(Error::new(
            ErrorKind::Config,
            format!("{size} bytes: a config file is at most {MAX_CONFIG_BYTES}"),
        )
        .at(path, None));
    }
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut std::io::Read::take(file, MAX_CONFIG_BYTES + 1),
        &mut text,
    )
    .map_err(|e| io(e.to_string()))?;
    parse(path, &text)
}

/// What a config's `fail_on`, `[severity]`, `[limits]` and `exclude`
/// loosen, each with its line (dialect files are noted as they load).
fn loosenings(config: &Config, text: &str, file_name: &str) -> Vec<Loosening> {
    let mut loosened = Vec::new();
    let mut note = |key: &str, line: Option<usize>, (old, new): (String, String)| {
        loosened.push(Loosening {
            file: file_name.to_string(),
            line,
            key: key.to_string(),
            old,
            new,
        });
    };
    if let Some(change) = config.fail_on.and_then(loosen::fail_on) {
        note("fail_on", line_of_key(text, "fail_on"), change);
    }
    for (key, level) in &config.severity {
        if let Some(change) = loosen::severity(key, *level) {
            note(&format!("severity.{key}"), line_of_key(text, key), change);
        }
    }
    for (locate, key, old, new) in loosen::limits(&config.limits.0) {
        note(&key, line_of_key(text, &locate), (old, new));
    }
    if !config.exclude.is_empty() {
        let line = line_of_key(text, "exclude").or_else(|| line_of_key(text, "extend-exclude"));
        note(
            "exclude",
            line,
            (
                "[]".into(),
                serde_json::to_string(&config.exclude).unwrap_or_default(),
            ),
        );
    }
    loosened
}

/// Validates the text of a config file read from `path` (its dialect files
/// are read relative to that path's folder); what [`load`] does after
/// reading. Never panics, whatever the text.
pub fn parse(path: &Path, text: &str) -> Result<Loaded, crate::Error> {
    use crate::{Error, ErrorKind};
    if text.len() as u64 > MAX_CONFIG_BYTES {
        return Err(Error::new(
            ErrorKind::Config,
            format!(
                "{} bytes: a config file is at most {MAX_CONFIG_BYTES}",
                text.len()
            ),
        )
        .at(path, None));
    }
    let config: Config = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(text, s.start));
        Error::new(ErrorKind::Config, with_hint(e.message())).at(path, Some(line))
    })?;
    let globs = config.exclude.len() + config.include.len();
    if globs > MAX_GLOBS {
        return Err(Error::new(
            ErrorKind::Config,
            format!("{globs} `exclude`/`include` globs: a config gives at most {MAX_GLOBS}"),
        )
        .at(path, line_of_key(text, "exclude")));
    }
    let mut severity = SeverityLayer::default();
    for (key, level) in &config.severity {
        severity.set(key, *level).map_err(|e| {
            let line = line_of_key(text, key).unwrap_or(1);
            Error::new(ErrorKind::Config, format!("[severity] {e}")).at(path, Some(line))
        })?;
    }
    let mut spec = merged_spec(&config.limits.0).map_err(|(key, e)| {
        let line = line_of_key(text, &key).unwrap_or(1);
        Error::new(ErrorKind::Config, format!("[limits] {e}")).at(path, Some(line))
    })?;
    let dir = path.parent().unwrap_or(Path::new(""));
    let file_name = path.display().to_string();
    let mut loosened = loosenings(&config, text, &file_name);
    for file in &config.dialect_files {
        // A config names dialect files beside or below itself: no absolute
        // path, no `..` (a committed config must not make the tool read,
        // and print parse errors of, files elsewhere on the machine).
        if file.is_absolute()
            || file
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            return Err(Error::new(
                ErrorKind::Config,
                format!(
                    "dialect_files: `{}` must be a path below the config's folder (no absolute path, no `..`); give other files with --dialect-file",
                    crate::text::escape_controls(&file.display().to_string())
                ),
            )
            .at(path, line_of_key(text, "dialect_files")));
        }
        let before: Vec<String> = spec.ids().map(|d| d.as_str().to_string()).collect();
        spec = spec.with_dialect_file(&dir.join(file))?;
        let added: Vec<String> = spec
            .ids()
            .map(|d| d.as_str().to_string())
            .filter(|id| !before.contains(id))
            .collect();
        loosened.push(Loosening {
            file: file_name.clone(),
            line: line_of_key(text, "dialect_files"),
            key: "dialect_files".into(),
            old: "the built-in dialects".into(),
            new: format!(
                "{:?} (adds dialect {})",
                file.display().to_string(),
                added.join(", ")
            ),
        });
    }
    Ok(Loaded {
        path: path.to_path_buf(),
        config,
        severity,
        spec,
        loosened,
    })
}
