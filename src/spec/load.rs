//! Loading dialect files: the built-in ones (embedded), config overrides and
//! user files (`--dialect-file`). A file is parsed to a table, its model
//! family's limits (`media_limits = "seedance-2.0"`) are merged in under it,
//! and the result is deserialized with unknown keys refused and validated.
//! Errors name the file, the line and the key.

use std::path::Path;
use std::sync::OnceLock;

use super::{is_dialect_id, Dialect, DialectSpec, ModelSpec, Spec};
use crate::{Error, ErrorKind};

/// The built-in dialect files, in the order detection prefers them.
pub const BUILTIN_DIALECT_FILES: &[(&str, &str)] = &[
    ("unified.toml", include_str!("dialects/unified.toml")),
    ("open.toml", include_str!("dialects/open.toml")),
    ("ark.toml", include_str!("dialects/ark.toml")),
];

/// The shared model-family limits dialect files refer to.
const FAMILIES: &str = include_str!("families.toml");

/// The largest dialect file read.
const MAX_FILE_BYTES: u64 = 1 << 20;

static BUILTIN: OnceLock<Spec> = OnceLock::new();

fn family(name: &str) -> Option<toml::Table> {
    static TABLES: OnceLock<toml::Table> = OnceLock::new();
    let all = TABLES.get_or_init(|| {
        toml::from_str(FAMILIES)
            .unwrap_or_else(|e| panic!("built-in families.toml does not parse: {e}"))
    });
    all.get(name).and_then(|v| v.as_table()).cloned()
}

/// Fills `base` with `over`, recursively: `over`'s keys win.
fn overlay(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => overlay(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

/// A dialect file as a table, its family's limits merged in. `Err` is the
/// message and the 1-based line.
pub fn dialect_table(text: &str) -> Result<toml::Table, (String, usize)> {
    let table: toml::Table = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |s| crate::text::line_of(text, s.start));
        (e.message().to_string(), line)
    })?;
    let Some(name) = table.get("media_limits") else {
        return Ok(table);
    };
    let line = || crate::text::line_of_key(text, "media_limits").unwrap_or(1);
    let Some(name) = name.as_str() else {
        return Err(("`media_limits` must be a string".into(), line()));
    };
    let Some(mut base) = family(name) else {
        let known: toml::Table = toml::from_str(FAMILIES).unwrap_or_default();
        let known: Vec<String> = known.keys().map(|k| format!("`{k}`")).collect();
        return Err((
            format!(
                "`media_limits = \"{name}\"` names no model family (known: {})",
                known.join(", ")
            ),
            line(),
        ));
    };
    overlay(&mut base, table);
    Ok(base)
}

/// Deserializes and validates one dialect from its merged table. `text` is
/// the file's text, to locate a key named by an error.
fn dialect_from_table(table: toml::Table, text: &str) -> Result<DialectSpec, (String, usize)> {
    let d: DialectSpec = toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| {
            let msg = e.message().to_string();
            (msg.clone(), key_line(text, &msg))
        })?;
    if !is_dialect_id(&d.id) {
        return Err((
            format!(
                "`id = \"{}\"` is not a dialect id (lower-case letters, digits, `-`, `_` or `.`)",
                d.id
            ),
            crate::text::line_of_key(text, "id").unwrap_or(1),
        ));
    }
    d.validate().map_err(|msg| {
        let line = key_line(text, &msg);
        (msg, line)
    })?;
    Ok(d)
}

/// The line of the first `` `key` `` a message names that the text sets,
/// else 1.
fn key_line(text: &str, msg: &str) -> usize {
    msg.split('`')
        .skip(1)
        .step_by(2)
        .find_map(|k| {
            crate::text::line_of_key(text, k).or_else(|| {
                text.lines()
                    .position(|l| l.contains(&format!("\"{k}\"")) || l.contains(&format!("[{k}")))
                    .map(|i| i + 1)
            })
        })
        .unwrap_or(1)
}

/// Each built-in dialect as a table (family merged in), keyed by id, in
/// order: the base that config `[limits]` overrides are merged into.
pub fn builtin_tables() -> Vec<(String, toml::Table)> {
    BUILTIN_DIALECT_FILES
        .iter()
        .map(|(file, text)| {
            let t = dialect_table(text)
                .unwrap_or_else(|(e, line)| panic!("built-in {file}:{line}: {e}"));
            let id = t
                .get("id")
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string();
            (id, t)
        })
        .collect()
}

impl Spec {
    /// The built-in dialects (parsed and validated once).
    pub fn builtin() -> &'static Spec {
        BUILTIN.get_or_init(|| {
            Spec::from_tables(builtin_tables())
                .unwrap_or_else(|e| panic!("built-in dialect files are inconsistent: {e}"))
        })
    }

    /// Dialects from tables keyed by id (the built-in ones with config
    /// overrides merged in), in order.
    pub(crate) fn from_tables(tables: Vec<(String, toml::Table)>) -> Result<Spec, String> {
        let mut dialects = Vec::new();
        for (id, t) in tables {
            let d: DialectSpec = toml::Value::Table(t)
                .try_into()
                .map_err(|e: toml::de::Error| format!("[{id}] {}", e.message()))?;
            dialects.push(d);
        }
        let spec = Spec { dialects };
        spec.validate()?;
        Ok(spec)
    }

    /// This spec with one more dialect, from a dialect file's text (`path`
    /// names it in errors). A file cannot redefine a dialect already loaded
    /// — a built-in one above all: a request the report calls "unified"
    /// must be judged by the unified limits — that is an error naming both.
    pub fn with_dialect_text(&self, path: &Path, text: &str) -> Result<Spec, Error> {
        let at =
            |(msg, line): (String, usize)| Error::new(ErrorKind::Config, msg).at(path, Some(line));
        let table = dialect_table(text).map_err(at)?;
        let d = dialect_from_table(table, text).map_err(at)?;
        if let Some(old) = self.dialects.iter().find(|x| x.id == d.id) {
            let line = crate::text::line_of_key(text, "id");
            let by = match &old.origin {
                None => format!(
                    "the built-in dialect `{}` ({})",
                    old.id,
                    crate::text::escape_controls(&old.name)
                ),
                Some(f) => format!(
                    "dialect `{}` from {}",
                    old.id,
                    crate::text::escape_controls(f)
                ),
            };
            return Err(Error::new(
                ErrorKind::Config,
                format!(
                    "id `{}` is already taken by {by}: a file cannot redefine a loaded dialect; give yours another id",
                    crate::text::escape_controls(&d.id)
                ),
            )
            .at(path, line));
        }
        let mut spec = self.clone();
        let mut d = d;
        d.origin = Some(path.display().to_string());
        spec.dialects.push(d);
        Ok(spec)
    }

    /// This spec with one more dialect, read from a file (at most 1 MiB, a
    /// regular file).
    pub fn with_dialect_file(&self, path: &Path) -> Result<Spec, Error> {
        let io = |e: std::io::Error| Error::new(ErrorKind::Io, e.to_string()).at(path, None);
        let file = crate::source::open_regular(path)
            .map_err(|e| Error::new(ErrorKind::Io, e.to_string()).at(path, None))?;
        let meta = file.metadata().map_err(io)?;
        if meta.len() > MAX_FILE_BYTES {
            return Err(Error::new(
                ErrorKind::Config,
                format!(
                    "{} bytes: a dialect file is at most {MAX_FILE_BYTES}",
                    meta.len()
                ),
            )
            .at(path, None));
        }
        let mut text = String::new();
        std::io::Read::read_to_string(
            &mut std::io::Read::take(file, MAX_FILE_BYTES + 1),
            &mut text,
        )
        .map_err(io)?;
        self.with_dialect_text(path, &text)
    }

    /// Every loaded dialect, built-in ones first.
    pub fn dialects(&self) -> &[DialectSpec] {
        &self.dialects
    }

    /// The ids of the loaded dialects, in order.
    pub fn ids(&self) -> impl Iterator<Item = Dialect> + '_ {
        self.dialects.iter().map(|d| Dialect::new(&d.id))
    }

    /// The dialect with this id, when loaded.
    pub fn get(&self, d: Dialect) -> Option<&DialectSpec> {
        self.dialects.iter().find(|x| x.id == d.as_str())
    }

    /// The dialect with this id, to change (tests, tools built on the library).
    pub fn get_mut(&mut self, d: Dialect) -> Option<&mut DialectSpec> {
        self.dialects.iter_mut().find(|x| x.id == d.as_str())
    }

    /// The dialect with this id. A dialect that is not loaded (a caller's
    /// `Options::dialect` naming an id the spec lacks) falls back to the
    /// first loaded one; [`Spec::get`] tells.
    pub fn dialect(&self, d: Dialect) -> &DialectSpec {
        self.get(d).unwrap_or(&self.dialects[0])
    }

    /// Finds a model in any dialect: the first dialect, in load order, that
    /// lists it.
    pub fn find_model(&self, id: &str) -> Option<(Dialect, &ModelSpec)> {
        self.dialects
            .iter()
            .find_map(|d| d.model(id).map(|m| (Dialect::new(&d.id), m)))
    }

    /// Checks every dialect is consistent; a user override goes through this too.
    pub fn validate(&self) -> Result<(), crate::Error> {
        let fail = |m: String| crate::Error::new(crate::ErrorKind::Spec, m);
        if self.dialects.is_empty() {
            return Err(fail("no dialect is loaded".into()));
        }
        let mut seen = std::collections::BTreeSet::new();
        for d in &self.dialects {
            if !seen.insert(d.id.as_str()) {
                return Err(fail(format!("dialect `{}` is defined twice", d.id)));
            }
            d.validate().map_err(|e| fail(format!("[{}] {e}", d.id)))?;
        }
        Ok(())
    }
}
