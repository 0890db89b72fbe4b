//! SARIF 2.1.0 (validated against the official schema by a test): a `rules[]`
//! table of every code with its name, summary and help, stable `ruleId`s, and
//! results located in the request file by line and column (in Unicode code
//! points, as declared by `columnKind`) and by JSON pointer.

use serde_json::{json, Value};
use std::io;

use super::RequestReport;
use crate::finding::{Code, Severity};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative path as a URI reference: `/` kept, everything outside the
/// unreserved set percent-encoded; absolute paths become `file://` URIs.
fn uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if path.starts_with('/') {
        format!("file://{out}")
    } else {
        out
    }
}

fn rule(code: Code) -> Value {
    let doc = crate::rules::docs::get(code);
    let full = doc.map_or(code.summary().to_string(), |d| d.what.clone());
    let help_text = doc.map_or(String::new(), |d| {
        format!("{}\n\nWhy: {}\n\nFix: {}", d.what, d.why, d.fix)
    });
    let help_md = doc.map_or(String::new(), |d| {
        format!(
            "{}\n\n**Why:** {}\n\n**Fix:** {}\n\n**Failing example:**\n\n```\n{}\n```",
            d.what,
            d.why,
            d.fix,
            d.example.trim()
        )
    });
    json!({
        "id": code.as_str(),
        "name": code.name(),
        "shortDescription": {"text": code.summary()},
        "fullDescription": {"text": full},
        "help": {"text": help_text, "markdown": help_md},
        "defaultConfiguration": {"level": level(code.default_severity())},
        "properties": {"tags": [code.family()]}
    })
}

/// A SARIF `fix` for a finding whose remedy is an edit of the request text
/// (`set` replaces the value, `rename` the member name), located by line and
/// column like the result itself. Media fixes have no text edit.
fn text_fix(r: &RequestReport, f: &crate::finding::Finding) -> Option<Value> {
    use crate::finding::Fix;
    let ((sl, sc), (el, ec)) = (f.line_col?, f.end_line_col?);
    if r.source.is_virtual() {
        return None;
    }
    let (what, inserted) = match f.fix.as_ref()? {
        Fix::Set { pointer, value } => (format!("set {pointer} to {value}"), value.to_string()),
        Fix::Rename { pointer, to } => (
            format!("rename {pointer} to `{to}`"),
            Value::String(to.clone()).to_string(),
        ),
        _ => return None,
    };
    Some(json!({
        "description": {"text": what},
        "artifactChanges": [{
            "artifactLocation": {"uri": uri(&r.source.path)},
            "replacements": [{
                "deletedRegion": {"startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec},
                "insertedContent": {"text": inserted}
            }]
        }]
    }))
}

/// The SARIF results of one request: one per finding.
pub(super) fn results(r: &RequestReport) -> impl Iterator<Item = Value> + '_ {
    r.findings.iter().map(move |f| result(r, f))
}

fn result(r: &RequestReport, f: &crate::finding::Finding) -> Value {
    let mut text = f.message.clone();
    if let Some(h) = &f.help {
        text.push_str(". Fix: ");
        text.push_str(h);
    }
    let mut location = json!({});
    if !r.source.is_virtual() {
        let (line, col) = f.line_col.unwrap_or((r.source.line.unwrap_or(1), 1));
        location["physicalLocation"] = json!({
            "artifactLocation": {"uri": uri(&r.source.path)},
            "region": {"startLine": line, "startColumn": col}
        });
    }
    if let Some(p) = f.pointer.as_deref() {
        location["logicalLocations"] =
            json!([{"fullyQualifiedName": if p.is_empty() { "/" } else { p }, "kind": "member"}]);
    }
    let index = Code::ALL.iter().position(|c| *c == f.code).unwrap_or(0);
    let mut result = json!({
        "ruleId": f.code.as_str(),
        "ruleIndex": index,
        "level": level(f.severity),
        "message": {"text": text},
        "locations": [location],
        "properties": {"request": r.source.display(), "name": f.code.name()}
    });
    if let Some(fix) = text_fix(r, f) {
        result["fixes"] = json!([fix]);
    }
    result
}

/// The member of the run that grows as requests are judged.
pub(super) const ARRAY: &str = "results";

/// The log with no results: what surrounds them ([`super::Stream`]). The
/// run's `invocations` follow its `results`: they are written when the run
/// ends, with a configuration notification for every loosened setting
/// (found as configs are read along the way).
pub(super) fn skeleton(loosened: &[crate::config::Loosening]) -> io::Result<String> {
    #[derive(serde::Serialize)]
    struct Log {
        #[serde(rename = "$schema")]
        schema: &'static str,
        runs: [Run; 1],
        version: &'static str,
    }
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Run {
        column_kind: &'static str,
        results: [Value; 0],
        invocations: [Value; 1],
        tool: Value,
    }
    let rules: Vec<Value> = Code::ALL.iter().map(|c| rule(*c)).collect();
    let mut invocation = json!({"executionSuccessful": true});
    if !loosened.is_empty() {
        let notes: Vec<Value> = loosened
            .iter()
            .map(|l| {
                let mut region = json!({});
                if let Some(line) = l.line {
                    region = json!({"startLine": line});
                }
                json!({
                    "descriptor": {"id": "loosened"},
                    "level": "warning",
                    "message": {"text": l.to_string()},
                    "locations": [{"physicalLocation": {
                        "artifactLocation": {"uri": uri(&l.file)},
                        "region": region
                    }}],
                    "properties": {"key": l.key, "old": l.old, "new": l.new}
                })
            })
            .collect();
        invocation["toolConfigurationNotifications"] = Value::Array(notes);
    }
    let doc = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [Run {
            column_kind: "unicodeCodePoints",
            results: [],
            invocations: [invocation],
            tool: json!({"driver": {
                "name": "seedance-preflight",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules
            }}),
        }],
        version: "2.1.0",
    };
    Ok(serde_json::to_string_pretty(&doc)?)
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("requests/a b.json"), "requests/a%20b.json");
        assert_eq!(uri("/abs/x#1.json"), "file:///abs/x%231.json");
    }
}
