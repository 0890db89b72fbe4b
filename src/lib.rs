//! # seedance-preflight
//!
//! Tells you, before anything is submitted, whether a Seedance 2.0
//! video-generation request will be accepted — and if not, exactly what to fix.
//!
//! Both API dialects are understood: the *unified* one
//! (`POST /v1/videos/generations`, snake_case) and the *open* one
//! (`POST /api/open/v1/video/generations`, camelCase). Every finding carries a
//! stable code (`REQ006`), a severity, a message that says what was measured and
//! what the limit is, a fix, and the JSON pointer, line and column of the value.
//!
//! The library does no printing and needs none of the command-line feature:
//!
//! ```
//! use seedance_preflight::{check_bytes, Code, Options, Severity};
//!
//! let body = br#"{
//!   "model": "seedance-2.0-image-to-video",
//!   "prompt": "The cat in image 1 turns its head",
//!   "image_urls": ["https://cdn.example.com/cat.jpg"],
//!   "duration": 16
//! }"#;
//! let report = check_bytes("request.json", body, &Options::default());
//! let errors: Vec<_> = report
//!     .findings
//!     .iter()
//!     .filter(|f| f.severity == Severity::Error)
//!     .collect();
//! assert_eq!(errors.len(), 1);
//! assert_eq!(errors[0].code, Code::REQ006);
//! assert_eq!(errors[0].pointer.as_deref(), Some("/duration"));
//! assert_eq!(errors[0].line_col, Some((5, 15)));
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod addr;
mod finding;
pub mod input;
pub mod json;
pub mod prompt;
pub mod report;
pub mod request;
pub mod rules;
pub mod spec;

pub use finding::{Code, Finding, Severity};
pub use report::{Report, RequestReport, Source, Summary};
pub use request::{AssetRef, Request};
pub use rules::{Predicted, RuleOptions};
pub use spec::{Dialect, Spec};

/// What a check may do and how findings are judged.
#[derive(Debug, Clone)]
pub struct Options {
    /// Read every request as this dialect instead of detecting it.
    pub dialect: Option<Dialect>,
    /// Choices that change what rules accept.
    pub rules: RuleOptions,
    /// The lowest severity that fails a request (`None`: nothing fails).
    pub fail_on: Option<Severity>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            dialect: None,
            rules: RuleOptions {
                allow_local_paths: true,
            },
            fail_on: Some(Severity::Error),
        }
    }
}

/// Checks one request body. `source` names it in the report (a path, `-`, or
/// `file.jsonl:12`); no file is opened and nothing is fetched.
pub fn check_bytes(source: &str, bytes: &[u8], opts: &Options) -> RequestReport {
    check_source(Source::file(source), bytes, opts)
}

/// Checks one request body read from `source` (whose `line` shifts reported
/// lines for a request that is one line of a JSONL file).
pub fn check_source(source: Source, bytes: &[u8], opts: &Options) -> RequestReport {
    let spec = Spec::builtin();
    let mut report = RequestReport::new(source);
    let root = match json::parse(bytes) {
        Ok(root) => root,
        Err(e) => {
            report.push_located(
                Finding::new(
                    Code::REQ001,
                    format!("the request is not valid JSON: {}", e.message),
                )
                .help("fix the JSON syntax (a JSON linter shows the exact spot)"),
                Some(e.offset),
                bytes,
            );
            return report.finish(opts);
        }
    };
    let req = match Request::from_json(root, bytes.len() as u64, opts.dialect, spec) {
        Ok(r) => r,
        Err(msg) => {
            report.push_located(
                Finding::new(Code::REQ001, msg).help("send one JSON object per request"),
                Some(0),
                bytes,
            );
            return report.finish(opts);
        }
    };
    let dialect_spec = spec.dialect(req.dialect);
    let model = req.model().and_then(|id| dialect_spec.model(id));
    let ctx = rules::Ctx {
        req: &req,
        spec: dialect_spec,
        model,
        opts: &opts.rules,
    };
    let (findings, predicted) = rules::check_request(&ctx);
    report.dialect = Some(req.dialect);
    report.model = req.model().map(str::to_string);
    report.predicted = predicted;
    for f in findings {
        let offset = f.offset;
        report.push_located(f, offset, bytes);
    }
    report.assets = req.assets;
    report.finish(opts)
}

/// Checks one document produced by [`input::expand`].
pub fn check_document(doc: &input::Document, opts: &Options) -> RequestReport {
    match &doc.body {
        input::Body::Bytes(bytes) => check_source(doc.source.clone(), bytes, opts),
        input::Body::TooLarge(size) => {
            let mut report = RequestReport::new(doc.source.clone());
            let limit = Spec::builtin()
                .dialect(opts.dialect.unwrap_or(Dialect::Unified))
                .body_max_bytes;
            report.findings.push(
                Finding::new(
                    Code::REQ018,
                    format!(
                        "the request body is {size} bytes; the service accepts at most {limit} (not parsed: above the {} byte read limit)",
                        input::MAX_DOCUMENT_BYTES
                    ),
                )
                .help("pass media by URL instead of inline, and shorten long fields"),
            );
            report.finish(opts)
        }
    }
}

/// Checks every document, in order.
pub fn check_documents(docs: &[input::Document], opts: &Options) -> Report {
    Report {
        requests: docs.iter().map(|d| check_document(d, opts)).collect(),
    }
}

/// The README's Rust examples run as doctests, so the README stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
