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

use crate::finding::{Code, Severity};
use crate::spec::{Dialect, Spec};

/// The file name looked for.
pub const FILE_NAME: &str = "seedance-preflight.toml";

/// A severity setting: a severity, or `off` to drop the finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Drop the finding.
    Off,
    /// Report as info.
    Info,
    /// Report as a warning.
    Warning,
    /// Report as an error.
    Error,
}

impl Level {
    /// The severity, or `None` for `off`.
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Off => None,
            Level::Info => Some(Severity::Info),
            Level::Warning => Some(Severity::Warning),
            Level::Error => Some(Severity::Error),
        }
    }
}

/// The gate: the lowest severity that fails a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    /// Errors fail (the default).
    Error,
    /// Warnings and errors fail.
    Warning,
    /// Any finding fails.
    Info,
    /// Nothing fails.
    Never,
}

impl FailOn {
    /// As the `Options::fail_on` value.
    pub fn severity(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

/// One layer of severity settings, keyed by code or family.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SeverityLayer {
    codes: BTreeMap<Code, Level>,
    families: BTreeMap<String, Level>,
}

impl SeverityLayer {
    /// Sets a code (`REQ006`, `duration-out-of-range`) or a family (`VID`).
    pub fn set(&mut self, key: &str, level: Level) -> Result<(), String> {
        if let Some(code) = Code::parse(key) {
            // A body that is not JSON has no other finding: letting it pass
            // would let anything pass.
            if code == Code::REQ001 && level != Level::Error {
                return Err(
                    "REQ001 (invalid-json) is always an error: a request that is not JSON cannot be checked at all".into(),
                );
            }
            // A fact is report data: turning it off is harmless, raising
            // it would promise a gate that never trips.
            if crate::rules::FACTS.contains(&code) && level != Level::Off {
                return Err(format!(
                    "{code} ({}) is a fact, not a finding: it is report data (JSON, `check -v`), and no gate can trip on it",
                    code.name()
                ));
            }
            self.codes.insert(code, level);
            return Ok(());
        }
        let family = key.to_ascii_uppercase();
        if Code::ALL.iter().any(|c| c.family() == family) {
            self.families.insert(family, level);
            return Ok(());
        }
        let known = Code::ALL
            .iter()
            .flat_map(|c| [c.as_str(), c.name()])
            .chain(["REQ", "SRC", "IMG", "VID", "AUD"]);
        let hint = crate::rules::did_you_mean(key, known)
            .map(|m| format!(" (did you mean `{m}`?)"))
            .unwrap_or_default();
        Err(format!(
            "`{key}` is neither a rule code nor a family (REQ, SRC, IMG, VID, AUD){hint}"
        ))
    }

    fn get(&self, code: Code) -> Option<Level> {
        self.codes
            .get(&code)
            .or_else(|| self.families.get(code.family()))
            .copied()
    }
}

/// Severity overrides, resolved in one place: later layers win (defaults →
/// config file → command line), and within a layer a code wins over its family.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SeverityMap {
    layers: Vec<SeverityLayer>,
}

impl SeverityMap {
    /// Adds a layer above the existing ones.
    pub fn push(&mut self, layer: SeverityLayer) {
        self.layers.push(layer);
    }

    /// The severity a finding gets: `None` drops it. `emitted` is what the rule
    /// chose (its default, or a case-dependent one such as REQ010's error).
    pub fn resolve(&self, code: Code, emitted: Severity) -> Option<Severity> {
        // REQ001 keeps its severity whatever a family setting says.
        if code == Code::REQ001 {
            return Some(emitted);
        }
        match self.layers.iter().rev().find_map(|l| l.get(code)) {
            Some(level) => level.severity(),
            None => Some(emitted),
        }
    }
}

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

/// The overrides that loosen a built-in limit: a `max…` raised or a
/// `min…` lowered, as (key, message).
pub fn loosened(overrides: &toml::Table) -> Vec<(String, String)> {
    fn walk(base: &toml::Table, over: &toml::Table, path: &str, out: &mut Vec<(String, String)>) {
        for (k, v) in over {
            let here = format!("{path}.{k}");
            match (base.get(k), v) {
                (Some(toml::Value::Table(b)), toml::Value::Table(o)) => walk(b, o, &here, out),
                (Some(b), v) => {
                    let num =
                        |x: &toml::Value| x.as_float().or_else(|| x.as_integer().map(|i| i as f64));
                    if let (Some(old), Some(new)) = (num(b), num(v)) {
                        let looser = (k.starts_with("max") && new > old)
                            || (k.starts_with("min") && new < old);
                        if looser {
                            out.push((
                                k.clone(),
                                format!("`{here}` = {new} loosens the built-in {old}: requests that pass here may be refused by the service"),
                            ));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let base: toml::Table = crate::spec::builtin_tables()
        .into_iter()
        .map(|(id, t)| (id, toml::Value::Table(t)))
        .collect();
    let mut out = Vec::new();
    walk(&base, overrides, "limits", &mut out);
    out
}

/// The built-in limits with `overrides` merged in. Every overridden key must
/// exist in the built-in table (so a typo is an error), and the result must
/// pass the same validation as the built-in table. `Err` carries the key to
/// locate and the message.
pub fn merged_spec(overrides: &toml::Table) -> Result<Spec, (String, String)> {
    let tables = crate::spec::builtin_tables();
    let mut base: toml::Table = tables
        .iter()
        .map(|(id, t)| (id.clone(), toml::Value::Table(t.clone())))
        .collect();
    merge(&mut base, overrides, "limits")?;
    let ordered = tables
        .into_iter()
        .filter_map(|(id, _)| match base.remove(&id) {
            Some(toml::Value::Table(t)) => Some((id, t)),
            _ => None,
        })
        .collect();
    Spec::from_tables(ordered)
        .map_err(|e| (String::new(), format!("the limits are inconsistent: {e}")))
}

fn merge(base: &mut toml::Table, over: &toml::Table, path: &str) -> Result<(), (String, String)> {
    for (k, v) in over {
        let here = format!("{path}.{k}");
        if !base.contains_key(k) {
            let hint = crate::rules::did_you_mean(k, base.keys().map(String::as_str))
                .map(|m| format!(" (did you mean `{m}`?)"))
                .unwrap_or_default();
            return Err((
                k.clone(),
                format!("`{here}` is not a key of the limits table{hint}"),
            ));
        }
        let Some(slot) = base.get_mut(k) else {
            continue;
        };
        match (slot, v) {
            (toml::Value::Table(b), toml::Value::Table(o)) => merge(b, o, &here)?,
            (slot, v)
                if std::mem::discriminant(slot) == std::mem::discriminant(v)
                    || (slot.is_float() && v.is_integer()) =>
            {
                *slot = match (slot.is_float(), v) {
                    (true, toml::Value::Integer(i)) => toml::Value::Float(*i as f64),
                    _ => v.clone(),
                };
            }
            (slot, v) => {
                return Err((
                    k.clone(),
                    format!("`{here}` must be {}, not {}", slot.type_str(), v.type_str()),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loosening_a_limit_is_reported_and_tightening_is_not() {
        let over: toml::Table = toml::from_str(
            "[unified.video]\nmax_duration_s = 20\nmin_fps = 30\n[unified.image]\nmin_side = 200\n",
        )
        .unwrap();
        let found = loosened(&over);
        let keys: Vec<&str> = found.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["min_side", "max_duration_s"]);
        assert!(found[1]
            .1
            .contains("`limits.unified.video.max_duration_s` = 20 loosens the built-in 15"));
    }

    #[test]
    fn layers_resolve_code_over_family_and_later_over_earlier() {
        let mut file = SeverityLayer::default();
        file.set("VID", Level::Warning).unwrap();
        file.set("VID008", Level::Off).unwrap();
        let mut cli = SeverityLayer::default();
        cli.set("vid006", Level::Error).unwrap();
        let mut map = SeverityMap::default();
        map.push(file);
        map.push(cli);
        assert_eq!(
            map.resolve(Code::VID003, Severity::Error),
            Some(Severity::Warning)
        );
        assert_eq!(map.resolve(Code::VID008, Severity::Info), None);
        assert_eq!(
            map.resolve(Code::VID006, Severity::Error),
            Some(Severity::Error)
        );
        assert_eq!(
            map.resolve(Code::REQ010, Severity::Error),
            Some(Severity::Error)
        );
        assert!(SeverityLayer::default().set("XYZ", Level::Off).is_err());
    }

    #[test]
    fn limit_overrides_merge_and_are_checked() {
        let over: toml::Table = toml::from_str("[unified.video]\nmax_duration_s = 10").unwrap();
        let spec = merged_spec(&over).unwrap();
        assert_eq!(
            spec.dialect(crate::spec::Dialect::UNIFIED)
                .video
                .max_duration_s,
            10.0
        );
        let typo: toml::Table = toml::from_str("[unified.video]\nmax_duration = 10").unwrap();
        assert!(merged_spec(&typo)
            .unwrap_err()
            .1
            .contains("limits.unified.video.max_duration"));
        let wrong: toml::Table =
            toml::from_str("[unified.video]\nmax_duration_s = \"ten\"").unwrap();
        assert!(merged_spec(&wrong).unwrap_err().1.contains("must be float"));
        let bad: toml::Table = toml::from_str("[unified.image]\nmin_side = 7000").unwrap();
        assert!(merged_spec(&bad).unwrap_err().1.contains("inconsistent"));
    }
}
