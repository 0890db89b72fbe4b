//! The JSON wire format, version 1. Documented in `docs/json-format.md`:
//! fields may be added within a version; none is renamed or removed.

use serde::Serialize;
use std::io;

use super::{Report, RequestReport};
use crate::finding::Finding;
use crate::request::AssetRef;

/// The `version` field of the JSON output.
pub const WIRE_VERSION: u32 = 1;

#[derive(Serialize)]
struct Wire<'a> {
    version: u32,
    requests: Vec<WireRequest<'a>>,
    summary: super::Summary,
    /// What the settings loosen (omitted when nothing is).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    loosened: &'a [crate::config::Loosening],
}

#[derive(Serialize)]
struct WireRequest<'a> {
    source: String,
    file: &'a str,
    line: Option<usize>,
    dialect: Option<&'static str>,
    model: Option<&'a str>,
    verdict: &'static str,
    findings: Vec<WireFinding<'a>>,
    assets: Vec<WireAsset<'a>>,
    predicted: &'a Option<crate::rules::Predicted>,
}

#[derive(Serialize)]
struct WireFinding<'a> {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    message: &'a str,
    help: Option<&'a str>,
    location: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    asset: Option<usize>,
    measured: Option<&'a crate::finding::Measured>,
    limit: Option<&'a crate::finding::Limit>,
    fix: Option<&'a crate::finding::Fix>,
    /// The command-line flag of a request built from flags.
    #[serde(skip_serializing_if = "Option::is_none")]
    flag: Option<&'a str>,
}

#[derive(Serialize)]
struct WireAsset<'a> {
    field: &'a str,
    index: usize,
    kind: &'static str,
    uri: &'a str,
    location: &'a str,
    probe: Option<&'a crate::probe::MediaFacts>,
    /// A video's codec (the VID008 fact).
    #[serde(skip_serializing_if = "Option::is_none")]
    codec: Option<WireCodec<'a>>,
    /// What the entry's slot accepts in this request.
    #[serde(skip_serializing_if = "Option::is_none")]
    accepts: Option<&'a crate::rules::Accepts>,
}

/// A video's codec: its id, usual name, and whether the provider is known
/// to decode it.
#[derive(Serialize)]
struct WireCodec<'a> {
    id: &'a str,
    name: &'static str,
    provider_decodes: bool,
}

fn finding(f: &Finding) -> WireFinding<'_> {
    WireFinding {
        code: f.code.as_str(),
        name: f.code.name(),
        severity: f.severity.as_str(),
        message: &f.message,
        help: f.help.as_deref(),
        location: f.pointer.as_deref(),
        line: f.line_col.map(|l| l.0),
        column: f.line_col.map(|l| l.1),
        asset: f.asset,
        measured: f.measured.as_ref(),
        limit: f.limit.as_ref(),
        fix: f.fix.as_ref(),
        flag: f.flag.as_deref(),
    }
}

fn asset<'a>(
    a: &'a AssetRef,
    facts: Option<&'a crate::probe::MediaFacts>,
    accepts: Option<&'a crate::rules::Accepts>,
) -> WireAsset<'a> {
    WireAsset {
        accepts,
        field: &a.field,
        index: a.index,
        kind: a.kind.as_str(),
        uri: &a.uri,
        location: &a.pointer,
        probe: facts,
        codec: facts
            .and_then(|f| f.video_codec())
            .map(|(id, name, provider_decodes)| WireCodec {
                id,
                name,
                provider_decodes,
            }),
    }
}

fn request(r: &RequestReport) -> WireRequest<'_> {
    WireRequest {
        source: r.source.display(),
        file: &r.source.path,
        line: r.source.line,
        dialect: r.dialect.map(|d| d.as_str()),
        model: r.model.as_deref(),
        verdict: if r.failed { "fail" } else { "pass" },
        findings: r.findings.iter().map(finding).collect(),
        assets: r
            .assets
            .iter()
            .enumerate()
            .map(|(i, a)| {
                asset(
                    a,
                    r.facts.get(i).and_then(Option::as_deref),
                    r.accepts.get(i).and_then(Option::as_ref),
                )
            })
            .collect(),
        predicted: &r.predicted,
    }
}

/// The member of the document that grows as requests are judged.
pub(super) const ARRAY: &str = "requests";

/// The document with no requests: what surrounds them ([`super::Stream`]).
pub(super) fn skeleton(
    summary: &super::Summary,
    loosened: &[crate::config::Loosening],
) -> io::Result<String> {
    let wire = Wire {
        version: WIRE_VERSION,
        requests: Vec::new(),
        summary: *summary,
        loosened,
    };
    Ok(serde_json::to_string_pretty(&wire)?)
}

/// A finding serialises as one element of the wire format's `findings`.
impl Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        finding(self).serialize(s)
    }
}

/// A request report serialises as one element of the wire format's `requests`.
impl Serialize for RequestReport {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        request(self).serialize(s)
    }
}

/// A report serialises as the whole wire document (`docs/json-format.md`).
impl Serialize for Report {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Wire {
            version: WIRE_VERSION,
            requests: self.requests.iter().map(request).collect(),
            summary: self.summary(),
            loosened: &self.loosened,
        }
        .serialize(s)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn serialize_matches_the_rendered_wire_format() {
        let opts = crate::Options::builder().no_fetch().build();
        let r = crate::check_bytes(
            "t.json",
            br#"{"model": "seedance-2.0-text-to-video", "prompt": "a", "duration": 16}"#,
            &opts,
        );
        let report = super::Report {
            requests: vec![r],
            assets_probed: 0,
            loosened: Vec::new(),
        };
        let mut out = Vec::new();
        super::super::render(&report, super::super::OutputFormat::Json, &mut out).unwrap();
        let rendered: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(serde_json::to_value(&report).unwrap(), rendered);
        assert_eq!(
            serde_json::to_value(&report.requests[0]).unwrap(),
            rendered["requests"][0]
        );
        assert_eq!(
            serde_json::to_value(&report.requests[0].findings[0]).unwrap(),
            rendered["requests"][0]["findings"][0]
        );
    }
}
