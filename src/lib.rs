//! # seedance-preflight
//!
//! Tells you, before anything is submitted, whether a Seedance 2.0
//! video-generation request will be accepted — and if not, exactly what to fix.
//!
//! Three API dialects are built in — the *unified* one
//! (`POST /v1/videos/generations`, snake_case), the *open* one
//! (`POST /api/open/v1/video/generations`, camelCase) and the provider's own
//! *ark* task API (Volcengine Ark / BytePlus ModelArk, a `content[]` array of
//! typed items with roles) — and more are loaded from dialect files
//! ([`Spec::with_dialect_file`]). Every finding carries a
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
//! // Request-level rules only; with `fetch: true` (the default) local files
//! // are probed and URLs are fetched through the SSRF guard.
//! let opts = Options { fetch: false, ..Options::default() };
//! let report = check_bytes("request.json", body, &opts);
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

//! ## Surface
//!
//! The API is the items re-exported here and the modules [`config`]
//! (configuration files), [`fix`] (rewriting a failing request and its
//! media), [`input`] (documents from paths), [`probe`] (media facts),
//! [`report`] (the report and its renderers), [`rules`] (the registry and
//! rule docs), [`settings`] (the settings of each request: configuration
//! files under the caller's layer), [`source`] (budgeted readers, the HTTP
//! fetcher and its address guard) and [`spec`] (dialects and limits). The stages' own
//! machinery — the JSON parser, the request model, the prompt analysis,
//! the address classifier, the rule units — is private.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod addr;
pub mod config;
#[cfg(feature = "fix")]
mod decode;
#[cfg(feature = "fix")]
mod deep;
mod error;
mod finding;
#[cfg(feature = "fix")]
pub mod fix;
pub mod input;
mod json;
#[cfg(feature = "fix")]
mod membudget;
mod options;
pub mod outfile;
mod pipeline;
pub mod probe;
mod prompt;
pub mod report;
mod request;
pub mod rules;
#[cfg(feature = "serve")]
pub mod serve;
pub mod settings;
pub mod source;
pub mod spec;
mod text;

pub use error::{Error, ErrorKind};
pub use finding::{Amount, Code, Finding, Fix, Limit, Measured, Reencode, Severity, Unit};
pub use json::child_pointer as json_pointer;
pub use options::{
    Deep, FetchOptions, Options, OptionsBuilder, Progress, ReadOptions, Stage, VerdictOptions,
    DEFAULT_DEADLINE, DEFAULT_MAX_URLS,
};
pub use pipeline::{check_bytes, check_document, check_documents, check_source, probe_targets};
pub use probe::ProbeCache;
pub use report::{Report, RequestReport, Source, Summary};
pub use request::{AssetId, AssetRef, AssetTarget, ResolvedAsset};
pub use rules::{Predicted, RuleOptions};
pub use spec::{Dialect, Spec};

/// The README's Rust examples run as doctests, so the README stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
