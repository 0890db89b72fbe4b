//! Each rule's documentation — what it checks, why the service cares, a failing
//! example, how to fix it, which limits it reads — from `explain.toml`, beside
//! the rules. One source for `explain`, `rules --format json` and SARIF's
//! `rules[]`; a test fails when a code lacks a section.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::finding::Code;

/// The documentation of one rule.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDoc {
    /// What the rule checks.
    pub what: String,
    /// Why the service cares.
    pub why: String,
    /// A failing example (a request body, or a description of a file).
    pub example: String,
    /// How to fix it.
    pub fix: String,
    /// The dialect-file keys the rule reads (`["none"]` for none).
    pub limits: Vec<String>,
}

fn all() -> &'static BTreeMap<String, RuleDoc> {
    static DOCS: OnceLock<BTreeMap<String, RuleDoc>> = OnceLock::new();
    DOCS.get_or_init(|| toml::from_str(include_str!("explain.toml")).unwrap_or_default())
}

/// The documentation of a code, if written.
pub fn get(code: Code) -> Option<&'static RuleDoc> {
    all().get(code.as_str())
}

/// The declared default severities of a code as JSON (for `rules --format
/// json`): `[{"case", "when", "severity": {dialect: level}}]`.
pub fn severity_cases_json(code: Code) -> serde_json::Value {
    let cases = super::severity::declared(code, crate::Spec::builtin());
    serde_json::Value::Array(
        cases
            .into_iter()
            .map(|(case, when, per)| {
                let per: serde_json::Map<String, serde_json::Value> = per
                    .into_iter()
                    .map(|(d, s)| (d.as_str().to_string(), s.as_str().into()))
                    .collect();
                serde_json::json!({"case": case, "when": when, "severity": per})
            })
            .collect(),
    )
}

/// Renders `explain CODE` as text.
pub fn explain(code: Code) -> String {
    let mut s = format!(
        "{} {} (default: {})\n{}\n",
        code,
        code.name(),
        code.default_severity(),
        code.summary()
    );
    let cases = super::severity::declared(code, crate::Spec::builtin());
    if !cases.is_empty() {
        s.push_str("\nDefault severity\n");
        for (case, when, per) in cases {
            let levels: Vec<String> = per.iter().map(|(d, sev)| format!("{d}: {sev}")).collect();
            let label = case.map_or(String::new(), |c| format!(" [{c}]"));
            s.push_str(&format!("  {when}{label} — {}\n", levels.join(", ")));
        }
    }
    if let Some(r) = super::registry::rule(code) {
        s.push_str(&format!("\nRule unit\n  {} (also emits {})\n", r.id, {
            let others: Vec<&str> = r
                .codes
                .iter()
                .filter(|c| **c != code)
                .map(|c| c.as_str())
                .collect();
            if others.is_empty() {
                "nothing else".to_string()
            } else {
                others.join(", ")
            }
        }));
    }
    if let Some(d) = get(code) {
        s.push_str(&format!(
            "\nWhat it checks\n  {}\n\nWhy it matters\n  {}\n\nFailing example\n{}\n\nHow to fix it\n  {}\n\nLimits it reads\n  {}\n",
            d.what,
            d.why,
            d.example.trim_end().lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n"),
            d.fix,
            d.limits.join(", ")
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code has every section, and nothing documents a code that does not exist.
    #[test]
    fn every_rule_has_a_complete_section() {
        let docs: BTreeMap<String, RuleDoc> = toml::from_str(include_str!("explain.toml"))
            .expect("explain.toml parses with exactly the five keys");
        for code in Code::ALL {
            let d = docs
                .get(code.as_str())
                .unwrap_or_else(|| panic!("{code} has no section in explain.toml"));
            for (k, v) in [
                ("what", &d.what),
                ("why", &d.why),
                ("example", &d.example),
                ("fix", &d.fix),
            ] {
                assert!(!v.trim().is_empty(), "{code}.{k} is empty");
            }
            assert!(!d.limits.is_empty(), "{code}.limits is empty");
        }
        for key in docs.keys() {
            assert!(
                Code::parse(key).is_some(),
                "explain.toml documents unknown code {key}"
            );
        }
    }

    /// The limit keys a rule cites exist in the limits table.
    #[test]
    fn cited_limits_exist() {
        let table: toml::Table = crate::spec::builtin_tables()
            .into_iter()
            .map(|(id, t)| (id, toml::Value::Table(t)))
            .collect();
        for (code, d) in all() {
            for path in d.limits.iter().filter(|p| *p != "none") {
                let mut node = toml::Value::Table(table.clone());
                for part in path.split('.') {
                    node = match node {
                        toml::Value::Table(t) => t.get(part).cloned().unwrap_or_else(|| {
                            panic!("{code}: `{path}` is not in the dialect tables")
                        }),
                        // `models.<field>`: any model has the field.
                        toml::Value::Array(a) => a
                            .iter()
                            .find_map(|m| m.get(part).cloned())
                            .unwrap_or_else(|| {
                                panic!("{code}: `{path}` is not in the dialect tables")
                            }),
                        _ => panic!("{code}: `{path}` goes below a value"),
                    };
                }
            }
        }
    }
}
