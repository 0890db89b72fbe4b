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

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod addr;
pub mod config;
mod finding;
pub mod input;
pub mod json;
pub mod probe;
pub mod prompt;
pub mod report;
pub mod request;
pub mod rules;
pub mod source;
pub mod spec;

pub use finding::{Amount, Code, Finding, Fix, Limit, Measured, Reencode, Severity, Unit};
pub use report::{Report, RequestReport, Source, Summary};
pub use request::{AssetRef, Request};
pub use rules::{Predicted, RuleOptions};
pub use spec::{Dialect, Spec};

/// What a check may do and how findings are judged.
#[derive(Debug, Clone)]
pub struct Options {
    /// Read every request as this dialect instead of detecting it.
    pub dialect: Option<Dialect>,
    /// The dialect of a request whose `model` and field names do not tell
    /// (the config file's `dialect`); the built-in default is unified.
    pub default_dialect: Option<Dialect>,
    /// Choices that change what rules accept.
    pub rules: RuleOptions,
    /// The lowest severity that fails a request (`None`: nothing fails).
    pub fail_on: Option<Severity>,
    /// Open and probe the media (`false`: request-level rules only, no file,
    /// DNS or network access — `--no-fetch`).
    pub fetch: bool,
    /// Bytes a probe may read from one asset.
    pub budget: u64,
    /// Assets probed at once (files and URLs); 0 = one per core, and at least
    /// 8 when URLs are fetched (their time is spent waiting on the network).
    pub jobs: usize,
    /// How URLs are fetched.
    pub remote: source::http::RemoteOptions,
    /// The limits (`None`: the built-in table; `Some`: with config overrides).
    pub spec: Option<std::sync::Arc<Spec>>,
    /// Severity overrides (config file, command line), applied in one place.
    pub severity: config::SeverityMap,
    /// Told of progress (a progress bar); the library itself prints nothing.
    pub progress: Option<Progress>,
}

/// What a long run is doing, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Probing assets: `done` of `total`.
    Probing,
    /// Judging requests: `done` of `total`.
    Judging,
}

/// A progress callback: `(stage, done, total)`, called from worker threads.
#[derive(Clone)]
pub struct Progress(pub std::sync::Arc<dyn Fn(Stage, usize, usize) + Send + Sync>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress(..)")
    }
}

impl Progress {
    fn tick(&self, stage: Stage, counter: &std::sync::atomic::AtomicUsize, total: usize) {
        let done = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        (self.0)(stage, done, total);
    }
}

impl Options {
    /// The limits in force.
    pub fn spec(&self) -> &Spec {
        self.spec.as_deref().unwrap_or_else(|| Spec::builtin())
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            dialect: None,
            default_dialect: None,
            rules: RuleOptions {
                allow_local_paths: true,
            },
            fail_on: Some(Severity::Error),
            fetch: true,
            budget: source::DEFAULT_BUDGET,
            jobs: 0,
            remote: source::http::RemoteOptions::default(),
            spec: None,
            severity: config::SeverityMap::default(),
            progress: None,
        }
    }
}

/// Checks one request body. `source` names it in the report (a path, `-`, or
/// `file.jsonl:12`) and is the folder relative media paths are read from.
pub fn check_bytes(source: &str, bytes: &[u8], opts: &Options) -> RequestReport {
    check_source(Source::file(source), bytes, opts)
}

/// Checks one request body read from `source` (whose `line` shifts reported
/// lines for a request that is one line of a JSONL file).
pub fn check_source(source: Source, bytes: &[u8], opts: &Options) -> RequestReport {
    let doc = input::Document {
        source,
        body: input::Body::Bytes(bytes.to_vec()),
    };
    let mut report = check_documents(std::slice::from_ref(&doc), opts);
    report.requests.remove(0)
}

/// One document parsed, before its media are judged.
struct Parsed<'a> {
    report: RequestReport,
    req: Option<Request>,
    text: &'a [u8],
    lines: json::LineIndex,
}

fn parse_document<'a>(doc: &'a input::Document, opts: &Options) -> Parsed<'a> {
    let mut report = RequestReport::new(doc.source.clone());
    let (bytes, problem) = match &doc.body {
        input::Body::Bytes(b) => (b.as_slice(), None),
        input::Body::TooLarge(size) => (
            &[][..],
            Some(rules::DocumentProblem::TooLarge {
                size: *size,
                limit: opts
                    .spec()
                    .dialect(opts.dialect.unwrap_or(Dialect::Unified))
                    .body_max_bytes,
                read_limit: input::MAX_DOCUMENT_BYTES,
            }),
        ),
    };
    let lines = json::LineIndex::new(bytes);
    let req = match problem {
        Some(p) => Err(p),
        None => json::parse(bytes)
            .map_err(|e| rules::DocumentProblem::NotJson {
                message: e.message,
                offset: e.offset,
            })
            .and_then(|root| {
                Request::from_json(
                    root,
                    bytes.len() as u64,
                    opts.dialect,
                    opts.default_dialect,
                    opts.spec(),
                )
                .map_err(|message| rules::DocumentProblem::NotAnObject { message })
            }),
    };
    match req {
        Ok(req) => Parsed {
            report,
            req: Some(req),
            text: bytes,
            lines,
        },
        Err(problem) => {
            let (finding, offset) = rules::document_problem(&problem);
            match offset {
                Some(_) => report.push_located(finding, offset, bytes, &lines),
                None => report.findings.push(finding),
            }
            Parsed {
                report,
                req: None,
                text: bytes,
                lines,
            }
        }
    }
}

/// What an asset entry points at, once resolved: a local file or a URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum AssetKey {
    Local(std::path::PathBuf),
    Remote(url::Url),
}

/// The asset an entry names: a local file (resolved against the request file's
/// folder) or an http(s) URL. `None` when there is nothing to fetch — inline
/// data, another scheme, or a private URL the guard would refuse anyway (its
/// SRC002 is already reported from the request).
fn asset_key(req_source: &Source, uri: &str, opts: &Options) -> Option<AssetKey> {
    match addr::classify_media_ref(uri) {
        addr::MediaRef::Local(path) => {
            let path = std::path::PathBuf::from(path);
            if path.is_absolute() || req_source.is_virtual() {
                return Some(AssetKey::Local(path));
            }
            let base = std::path::Path::new(&req_source.path)
                .parent()
                .unwrap_or(std::path::Path::new(""));
            Some(AssetKey::Local(base.join(path)))
        }
        addr::MediaRef::Https(u) | addr::MediaRef::Http(u) => (opts.remote.allow_private
            || addr::host_not_public(&u).is_none())
        .then_some(AssetKey::Remote(u)),
        _ => None,
    }
}

/// Checks every document: requests are parsed in parallel, the distinct
/// assets of all of them (files and URLs) are probed once each in parallel,
/// then each request is judged. Output order is input order.
pub fn check_documents(docs: &[input::Document], opts: &Options) -> Report {
    use rayon::prelude::*;
    let parsed: Vec<Parsed> = docs.par_iter().map(|d| parse_document(d, opts)).collect();

    // Every distinct asset, probed once however many requests share it.
    let mut keys: Vec<AssetKey> = Vec::new();
    let mut index: std::collections::HashMap<AssetKey, usize> = std::collections::HashMap::new();
    let asset_keys: Vec<Vec<Option<usize>>> = parsed
        .iter()
        .map(|p| match (&p.req, opts.fetch) {
            (Some(req), true) => req
                .assets
                .iter()
                .map(|a| {
                    let key = asset_key(&p.report.source, &a.uri, opts)?;
                    Some(*index.entry(key.clone()).or_insert_with(|| {
                        keys.push(key);
                        keys.len() - 1
                    }))
                })
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    let facts = probe_all(&keys, opts);
    let callbacks = resolve_callbacks(&parsed, opts);

    let (judged, total) = (std::sync::atomic::AtomicUsize::new(0), parsed.len());
    let requests = parsed
        .into_par_iter()
        .zip(asset_keys)
        .map(|(p, keys)| {
            if let Some(pr) = &opts.progress {
                pr.tick(Stage::Judging, &judged, total);
            }
            let asset_facts: Vec<Option<&probe::MediaFacts>> =
                keys.iter().map(|k| k.map(|i| &facts[i])).collect();
            let dns = callback_host(&p, opts)
                .and_then(|h| callbacks.get(&h))
                .and_then(|v| v.as_deref());
            judge(p, &asset_facts, dns, opts)
        })
        .collect();
    Report {
        requests,
        assets_probed: facts.len(),
    }
}

/// The callback host name of a parsed request worth resolving: a name (not an
/// IP literal), neither reserved nor local by itself, with fetching on.
fn callback_host(p: &Parsed, opts: &Options) -> Option<String> {
    let req = p
        .req
        .as_ref()
        .filter(|_| opts.fetch && !opts.remote.allow_private)?;
    let field = &opts.spec().dialect(req.dialect).callback_field;
    let url = url::Url::parse(req.str_field(field)?.0.trim()).ok()?;
    match url.host()? {
        url::Host::Domain(d) if !addr::reserved_name(d) && addr::local_name(d).is_none() => {
            Some(d.to_ascii_lowercase())
        }
        _ => None,
    }
}

/// Resolves every distinct callback host once (REQ011: a name that resolves
/// to a private address cannot be called back). `Some(why)` for a host with
/// a non-public answer.
fn resolve_callbacks(
    parsed: &[Parsed],
    opts: &Options,
) -> std::collections::HashMap<String, Option<String>> {
    use rayon::prelude::*;
    let mut hosts: Vec<String> = parsed
        .iter()
        .filter_map(|p| callback_host(p, opts))
        .collect();
    hosts.sort();
    hosts.dedup();
    hosts
        .into_par_iter()
        .map(|h| {
            let why = resolve_host(&h);
            (h, why)
        })
        .collect()
}

/// Resolves a host name with the system resolver and says why it is not
/// public when any answer is not (`None`: public, or not resolvable — a name
/// that does not resolve is the service's problem to report, not a private one).
fn resolve_host(host: &str) -> Option<String> {
    use std::net::ToSocketAddrs;
    let addrs = (host, 443).to_socket_addrs().ok()?;
    addrs.into_iter().find_map(|a| {
        addr::classify_ip(a.ip())
            .map(|c| format!("`{host}` resolves to {}, {}", a.ip(), c.describe()))
    })
}

/// Probes files and URLs as the `probe` command does: each target is a path
/// (relative to the current folder), a `file://` URL, or an http(s) URL.
pub fn probe_targets(targets: &[String], opts: &Options) -> Vec<probe::MediaFacts> {
    let here = Source::file("-");
    let keys: Vec<Option<AssetKey>> = targets
        .iter()
        .map(|t| match addr::classify_media_ref(t) {
            addr::MediaRef::Https(u) | addr::MediaRef::Http(u) => Some(AssetKey::Remote(u)),
            _ => asset_key(&here, t, opts).or_else(|| Some(AssetKey::Local(t.into()))),
        })
        .collect();
    let present: Vec<AssetKey> = keys.iter().flatten().cloned().collect();
    let mut facts = probe_all(&present, opts).into_iter();
    keys.iter()
        .zip(targets)
        .map(|(k, t)| match k {
            Some(_) => facts.next().unwrap_or_else(|| {
                probe::MediaFacts::unopenable(t, source::OpenError::NotProbed("not probed".into()))
            }),
            None => probe::MediaFacts::unopenable(
                t,
                source::OpenError::NotProbed("not a file or an http(s) URL".into()),
            ),
        })
        .collect()
}

/// Probes every asset on a pool of `opts.jobs` threads; one slow or broken
/// asset holds only its own thread.
///
/// The work runs on threads of its own, so that the blocking HTTP client is
/// never built or dropped on a thread that drives an async runtime (calling
/// the library from inside tokio is fine).
fn probe_all(keys: &[AssetKey], opts: &Options) -> Vec<probe::MediaFacts> {
    let remote = keys.iter().any(|k| matches!(k, AssetKey::Remote(_)));
    if remote {
        std::thread::scope(|s| {
            s.spawn(|| probe_all_here(keys, opts, remote))
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))
        })
    } else {
        probe_all_here(keys, opts, remote)
    }
}

fn probe_all_here(keys: &[AssetKey], opts: &Options, remote: bool) -> Vec<probe::MediaFacts> {
    use rayon::prelude::*;
    #[cfg(feature = "remote")]
    let fetcher = remote.then(|| source::http::Fetcher::new(opts.remote.clone()));
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let jobs = match opts.jobs {
        0 if remote => cores.max(8),
        0 => cores,
        n => n,
    };
    let done = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        keys.par_iter()
            .inspect(|_| {
                if let Some(p) = &opts.progress {
                    p.tick(Stage::Probing, &done, keys.len());
                }
            })
            .map(|k| match k {
                AssetKey::Local(p) => probe::probe_path(p, opts.budget),
                #[cfg(feature = "remote")]
                AssetKey::Remote(u) => match &fetcher {
                    Some(Ok(f)) => probe::probe_url(f, u, opts.budget),
                    Some(Err(e)) => probe::MediaFacts::unopenable(
                        u.as_str(),
                        source::OpenError::ClientSetup(e.clone()),
                    ),
                    None => probe::MediaFacts::unopenable(
                        u.as_str(),
                        source::OpenError::ClientSetup("no HTTP client".into()),
                    ),
                },
                #[cfg(not(feature = "remote"))]
                AssetKey::Remote(u) => {
                    probe::MediaFacts::unopenable(u.as_str(), source::OpenError::RemoteDisabled)
                }
            })
            .collect()
    };
    match rayon::ThreadPoolBuilder::new().num_threads(jobs).build() {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}

fn judge(
    p: Parsed,
    facts: &rules::AssetFacts,
    callback_dns: Option<&str>,
    opts: &Options,
) -> RequestReport {
    let Parsed {
        mut report,
        req,
        text,
        lines,
    } = p;
    let Some(req) = req else {
        return report.finish(opts);
    };
    let dialect_spec = opts.spec().dialect(req.dialect);
    let model = req.model().and_then(|id| dialect_spec.model(id));
    let ctx = rules::Ctx {
        req: &req,
        spec: dialect_spec,
        model,
        opts: &opts.rules,
        callback_dns,
        facts,
    };
    let (findings, predicted) = rules::check_request(&ctx);
    report.dialect = Some(req.dialect);
    report.model = req.model().map(str::to_string);
    report.predicted = predicted;
    let located = findings.into_iter().map(|f| {
        let offset = f.offset;
        (f, offset)
    });
    report.push_all_located(located.collect(), text, &lines);
    report.facts = facts.iter().map(|f| f.cloned()).collect();
    report.assets = req.assets;
    report.finish(opts)
}

/// Checks one document produced by [`input::expand`].
pub fn check_document(doc: &input::Document, opts: &Options) -> RequestReport {
    check_documents(std::slice::from_ref(doc), opts)
        .requests
        .remove(0)
}

/// The README's Rust examples run as doctests, so the README stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

#[cfg(test)]
mod tests {
    #[test]
    fn a_name_resolving_to_loopback_is_not_public() {
        let why =
            super::resolve_host("localhost").expect("localhost resolves to a loopback address");
        assert!(why.contains("loopback"), "{why}");
    }
}
