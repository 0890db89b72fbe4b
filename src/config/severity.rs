//! Severity settings: a level per code or family, in layers (defaults →
//! config file → command line) resolved in one place.

use serde::Deserialize;
use std::collections::BTreeMap;

use crate::finding::{Code, Severity};

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
    pub fn set(&mut self, key: &str, level: Level) -> Result<(), crate::Error> {
        let fail = |m: String| crate::Error::new(crate::ErrorKind::Config, m);
        if let Some(code) = Code::parse(key) {
            // A body that is not JSON has no other finding: letting it pass
            // would let anything pass.
            if code == Code::REQ001 && level != Level::Error {
                return Err(fail(
                    "REQ001 (invalid-json) is always an error: a request that is not JSON cannot be checked at all".into(),
                ));
            }
            // A fact is report data: turning it off is harmless, raising
            // it would promise a gate that never trips.
            if crate::rules::FACTS.contains(&code) && level != Level::Off {
                return Err(fail(format!(
                    "{code} ({}) is a fact, not a finding: it is report data (JSON, `check -v`), and no gate can trip on it",
                    code.name()
                )));
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
        Err(fail(format!(
            "`{key}` is neither a rule code nor a family (REQ, SRC, IMG, VID, AUD){hint}"
        )))
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
