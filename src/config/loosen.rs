//! What a config file loosens relative to the built-in defaults: a gate
//! above `error`, a severity lowered or turned off, a limit widened (a
//! number, a list, a boolean, a severity or any other value changed in a
//! way not provably tighter), files left out of the walk, dialects added.
//! A pull request can commit a config beside the requests it adds: every
//! loosening is named (file, line, key, old and new value) on standard
//! error, in the JSON report and in SARIF, on every run.

use serde::Serialize;

use crate::finding::{Code, Severity};

use super::{FailOn, Level};

/// One setting of a file that loosens the built-in defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Loosening {
    /// The config or dialect file.
    pub file: String,
    /// The 1-based line of the key, where found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The key, dotted (`fail_on`, `severity.REQ006`,
    /// `limits.unified.video.max_duration_s`, `dialect_files`).
    pub key: String,
    /// The built-in value (JSON text, or words).
    pub old: String,
    /// The file's value.
    pub new: String,
}

impl std::fmt::Display for Loosening {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let file = crate::text::escape_controls(&self.file);
        match self.line {
            Some(l) => write!(f, "{file}:{l}: ")?,
            None => write!(f, "{file}: ")?,
        }
        write!(
            f,
            "`{}` = {} loosens the built-in {}: requests that pass here may be refused by the service",
            crate::text::escape_controls(&self.key),
            crate::text::escape_controls(&self.new),
            crate::text::escape_controls(&self.old)
        )
    }
}

fn rank(l: Level) -> u8 {
    match l {
        Level::Off => 0,
        Level::Info => 1,
        Level::Warning => 2,
        Level::Error => 3,
    }
}

fn sev_rank(s: Severity) -> u8 {
    match s {
        Severity::Info => 1,
        Severity::Warning => 2,
        Severity::Error => 3,
    }
}

fn level_name(l: Level) -> &'static str {
    match l {
        Level::Off => "off",
        Level::Info => "info",
        Level::Warning => "warning",
        Level::Error => "error",
    }
}

/// The highest severity `code` has by default in any built-in dialect and
/// case (what a lower setting takes away).
pub(crate) fn highest_default(code: Code) -> Severity {
    crate::rules::severity::declared(code, crate::Spec::builtin())
        .into_iter()
        .flat_map(|(_, _, per)| per.into_iter().map(|(_, s)| s))
        .chain([code.default_severity()])
        .max()
        .unwrap_or(Severity::Error)
}

/// `fail_on` above `error`: only `never` loosens.
pub(crate) fn fail_on(f: FailOn) -> Option<(String, String)> {
    (f == FailOn::Never).then(|| ("\"error\"".to_string(), "\"never\"".to_string()))
}

/// A `[severity]` entry that lowers some code below its built-in default:
/// `Some((old, new))`.
pub(crate) fn severity(key: &str, level: Level) -> Option<(String, String)> {
    let codes: Vec<Code> = match Code::parse(key) {
        Some(c) => vec![c],
        None => {
            let fam = key.to_ascii_uppercase();
            Code::ALL
                .iter()
                .copied()
                .filter(|c| c.family() == fam)
                .collect()
        }
    };
    let lowered: Vec<(Code, Severity)> = codes
        .into_iter()
        // Facts are report data: turning one off takes nothing away.
        .filter(|c| !crate::rules::FACTS.contains(c))
        .map(|c| (c, highest_default(c)))
        .filter(|(_, s)| rank(level) < sev_rank(*s))
        .collect();
    if lowered.is_empty() {
        return None;
    }
    let old = if lowered.len() == 1 {
        format!("\"{}\"", lowered[0].1.as_str())
    } else {
        let names: Vec<String> = lowered
            .iter()
            .take(4)
            .map(|(c, s)| format!("{c} {}", s.as_str()))
            .collect();
        format!(
            "({}{})",
            names.join(", "),
            if lowered.len() > 4 { ", …" } else { "" }
        )
    };
    Some((old, format!("\"{}\"", level_name(level))))
}

/// Whether a key names an upper bound (a larger value loosens).
fn is_upper(key: &str) -> bool {
    key.starts_with("max")
        || key.contains("_max")
        || key.contains("tolerance")
        || key.starts_with("recommended")
}

/// Whether a key names a lower bound (a smaller value loosens).
fn is_lower(key: &str) -> bool {
    key.starts_with("min") || key.contains("_min")
}

fn severity_rank(v: &toml::Value) -> Option<u8> {
    match v.as_str()? {
        "off" => Some(0),
        "info" => Some(1),
        "warning" => Some(2),
        "error" => Some(3),
        _ => None,
    }
}

fn shown(v: &toml::Value) -> String {
    let s = serde_json::to_string(v).unwrap_or_default();
    if s.chars().count() > 120 {
        let cut: String = s.chars().take(117).collect();
        format!("{cut}…")
    } else {
        s
    }
}

/// Whether `new` is provably no looser than `old` at `key`: a bound moved
/// inward, a list with nothing added, an equal value. Anything else (a
/// boolean flipped, a string changed, a list grown) is reported.
fn no_looser(key: &str, old: &toml::Value, new: &toml::Value) -> bool {
    use toml::Value as V;
    let num = |x: &V| x.as_float().or_else(|| x.as_integer().map(|i| i as f64));
    match (old, new) {
        (V::Table(o), V::Table(n)) => n
            .iter()
            .all(|(k, nv)| o.get(k).is_some_and(|ov| no_looser(k, ov, nv))),
        (V::Array(o), V::Array(n)) => {
            // Arrays of tables (models) compare element by element by id;
            // plain lists must not gain a member.
            n.iter().all(|nv| match nv {
                V::Table(nt) => {
                    let id = nt.get("id");
                    o.iter().any(|ov| match ov {
                        V::Table(ot) if id.is_some() && ot.get("id") == id => {
                            no_looser(key, ov, nv)
                        }
                        _ => ov == nv,
                    })
                }
                _ => o.contains(nv),
            })
        }
        _ if old == new => true,
        _ => match (num(old), num(new)) {
            (Some(o), Some(n)) if is_upper(key) => n <= o,
            (Some(o), Some(n)) if is_lower(key) => n >= o,
            _ => match (severity_rank(old), severity_rank(new)) {
                (Some(o), Some(n)) => n >= o,
                _ => false,
            },
        },
    }
}

/// The `[limits]` overrides that loosen the built-in tables, as
/// (key to locate, dotted key, old, new), walked down to the changed leaf
/// (a list or a model entry is reported whole).
pub(crate) fn limits(overrides: &toml::Table) -> Vec<(String, String, String, String)> {
    fn walk(
        base: &toml::Table,
        over: &toml::Table,
        path: &str,
        out: &mut Vec<(String, String, String, String)>,
    ) {
        for (k, v) in over {
            let here = format!("{path}.{k}");
            match (base.get(k), v) {
                (Some(toml::Value::Table(b)), toml::Value::Table(o)) => walk(b, o, &here, out),
                (Some(b), v) if !no_looser(k, b, v) => {
                    out.push((k.clone(), here, shown(b), shown(v)));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(toml_text: &str) -> Vec<String> {
        let over: toml::Table = toml::from_str(toml_text).unwrap();
        limits(&over).into_iter().map(|(_, k, _, _)| k).collect()
    }

    #[test]
    fn widening_any_kind_of_limit_is_loosening_and_narrowing_is_not() {
        // Numbers: a larger maximum, a smaller minimum.
        assert_eq!(
            keys("[unified.video]\nmax_duration_s = 20\nmin_fps = 30\n[unified.image]\nmin_side = 200\n"),
            ["limits.unified.image.min_side", "limits.unified.video.max_duration_s"]
        );
        assert_eq!(
            keys("[unified]\nbody_max_bytes = 100_000_000\ncallback_max_len = 10"),
            ["limits.unified.body_max_bytes"]
        );
        // Booleans, severities, lists.
        assert_eq!(
            keys("[unified]\ncallback_https_only = false"),
            ["limits.unified.callback_https_only"]
        );
        assert!(keys("[unified]\ncallback_https_only = true").is_empty());
        assert_eq!(
            keys("[unified]\nmedia_limits_severity = \"warning\""),
            ["limits.unified.media_limits_severity"]
        );
        assert_eq!(
            keys("[unified.video]\nformats = [\"mp4\", \"mov\", \"webm\"]"),
            ["limits.unified.video.formats"]
        );
        assert!(keys("[unified.video]\nformats = [\"mp4\"]").is_empty());
        // A model list: a model added, or one widened.
        let t = "[[unified.models]]\nid = \"seedance-2.0-text-to-video\"\nmode = \"text\"\nduration = { min = 4, max = 60, default = 5 }\nqualities = { allowed = [\"480p\", \"720p\"], default = \"720p\" }\naspect_ratios = { allowed = [\"16:9\"], default = \"16:9\" }\nmedia = {}\n";
        assert_eq!(keys(t), ["limits.unified.models"]);
    }

    #[test]
    fn lowering_a_severity_or_the_gate_is_loosening() {
        assert!(severity("REQ006", Level::Off).is_some());
        assert!(severity("REQ006", Level::Warning).is_some());
        assert!(severity("REQ006", Level::Error).is_none());
        assert!(severity("VID", Level::Warning).is_some());
        // A fact turned off takes nothing away.
        assert!(severity("REQ090", Level::Off).is_none());
        assert!(fail_on(FailOn::Never).is_some());
        assert!(fail_on(FailOn::Warning).is_none());
    }
}
