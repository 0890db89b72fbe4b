//! What a check may do and how findings are judged.
//!
//! [`Options`] is one flat struct (the stable, struct-literal-friendly
//! surface of 0.1: `Options { fetch: false, ..Options::default() }`), built
//! more readably with [`Options::builder`]. Each stage sees only its concern
//! through a view: [`ReadOptions`] (probing), [`FetchOptions`] (URLs and
//! DNS), [`RuleOptions`] and the limits (rules), [`VerdictOptions`]
//! (severity and the gate).
//!
//! # What I/O `Options::default()` does
//!
//! Local media paths named by a request are opened read-only (regular files
//! only) and read through a 32 MiB budget per asset; http(s) URLs are fetched
//! with Range requests through the address guard (public addresses only, 5 s
//! connect / 20 s per asset, at most 5 redirects, no proxy, no cookies);
//! callback host names are resolved with the system resolver (never
//! connected to). Nothing is written and nothing is printed. `fetch: false`
//! ([`OptionsBuilder::no_fetch`]) does no file, DNS or network access for
//! media at all.

use std::sync::Arc;

use crate::config;
use crate::finding::Severity;
use crate::rules::RuleOptions;
use crate::source;
use crate::spec::{Dialect, Spec};

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
    pub spec: Option<Arc<Spec>>,
    /// Severity overrides (config file, command line), applied in one place.
    pub severity: config::SeverityMap,
    /// Told of progress (a progress bar); the library itself prints nothing.
    pub progress: Option<Progress>,
    /// The whole run's time: assets not probed by then are reported
    /// unchecked (SRC003) and the report is still made (`None`: no limit).
    pub deadline: Option<std::time::Duration>,
    /// When the run began: [`Options::deadline`] counts from it. `None`:
    /// from the start of each call. A caller that checks its documents in
    /// chunks (the command line does) sets it once, so that the deadline
    /// is the whole run's, not each chunk's.
    pub started: Option<std::time::Instant>,
    /// URLs fetched so far by the run this call belongs to, shared by its
    /// calls (a run checked in chunks sets it once), so that
    /// [`Options::max_urls`] is the whole run's. `None`: each call's own.
    pub urls_fetched: Option<Arc<std::sync::atomic::AtomicUsize>>,
    /// Facts of URLs probed by earlier calls, reused while fresh (`serve`
    /// shares one across requests). `None`: every call fetches.
    pub probe_cache: Option<Arc<crate::probe::ProbeCache>>,
    /// Most distinct URLs one run fetches; the rest are reported unchecked.
    pub max_urls: usize,
    /// Local media paths must lie inside this folder (after resolving `..`
    /// and symbolic links); others are SRC001 and never opened. `None`: no
    /// restriction.
    pub media_root: Option<std::path::PathBuf>,
    /// A full decode of every local asset after its header probe
    /// (`--deep`): off by default; see [`Deep`].
    pub deep: Deep,
}

/// How far `--deep` goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Deep {
    /// Headers only (the default: header-fast).
    #[default]
    Off,
    /// Decode images with the `image` crate and audio with `symphonia`
    /// (every packet); read every sample of an MP4/MOV video and check its
    /// H.264/HEVC NAL units tile it.
    Decode,
    /// As `Decode`, and videos decoded by an `ffmpeg` on PATH.
    Ffmpeg,
}

/// The default run deadline: 300 s.
pub const DEFAULT_DEADLINE: std::time::Duration = std::time::Duration::from_secs(300);
/// The default cap on distinct URLs per run.
pub const DEFAULT_MAX_URLS: usize = 10_000;

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
    pub(crate) fn tick(
        &self,
        stage: Stage,
        counter: &std::sync::atomic::AtomicUsize,
        total: usize,
    ) {
        let done = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        (self.0)(stage, done, total);
    }
}

impl Options {
    /// The instant the run's deadline falls at, for a call made at `now`
    /// (`None`: no deadline).
    pub fn deadline_at(&self, now: std::time::Instant) -> Option<std::time::Instant> {
        self.deadline
            .and_then(|d| self.started.unwrap_or(now).checked_add(d))
    }

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
            deadline: Some(DEFAULT_DEADLINE),
            started: None,
            urls_fetched: None,
            probe_cache: None,
            max_urls: DEFAULT_MAX_URLS,
            media_root: None,
            deep: Deep::Off,
        }
    }
}

/// How media are read: the probing stage's concern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOptions {
    /// Bytes a probe may read from one asset.
    pub budget: u64,
    /// Assets probed at once (0 = automatic).
    pub jobs: usize,
}

/// Whether and how media and callbacks reach the network: the fetching
/// stage's concern.
#[derive(Debug, Clone)]
pub struct FetchOptions<'a> {
    /// Open and probe media at all.
    pub fetch: bool,
    /// How URLs are fetched.
    pub remote: &'a source::http::RemoteOptions,
}

/// How findings become a verdict: the severity resolver's concern.
#[derive(Debug, Clone, Copy)]
pub struct VerdictOptions<'a> {
    /// Severity overrides.
    pub severity: &'a config::SeverityMap,
    /// The lowest severity that fails a request.
    pub fail_on: Option<Severity>,
}

impl Options {
    /// A builder starting from the defaults.
    pub fn builder() -> OptionsBuilder {
        OptionsBuilder(Options::default())
    }

    /// The probing stage's view.
    pub fn reading(&self) -> ReadOptions {
        ReadOptions {
            budget: self.budget,
            jobs: self.jobs,
        }
    }

    /// The fetching stage's view.
    pub fn fetching(&self) -> FetchOptions<'_> {
        FetchOptions {
            fetch: self.fetch,
            remote: &self.remote,
        }
    }

    /// The verdict stage's view.
    pub fn verdict(&self) -> VerdictOptions<'_> {
        VerdictOptions {
            severity: &self.severity,
            fail_on: self.fail_on,
        }
    }
}

/// Builds [`Options`] by concern:
///
/// ```
/// use seedance_preflight::{Options, Severity};
/// let opts = Options::builder()
///     .no_fetch()
///     .fail_on(Some(Severity::Warning))
///     .build();
/// assert!(!opts.fetch);
/// ```
#[derive(Debug, Clone)]
pub struct OptionsBuilder(Options);

impl OptionsBuilder {
    /// Request-level rules only: no file, DNS or network access for media.
    pub fn no_fetch(mut self) -> Self {
        self.0.fetch = false;
        self
    }

    /// Bytes a probe may read from one asset.
    pub fn budget(mut self, bytes: u64) -> Self {
        self.0.budget = bytes;
        self
    }

    /// Assets probed at once (0 = automatic).
    pub fn jobs(mut self, n: usize) -> Self {
        self.0.jobs = n;
        self
    }

    /// How URLs are fetched.
    pub fn remote(mut self, remote: source::http::RemoteOptions) -> Self {
        self.0.remote = remote;
        self
    }

    /// Read every request as this dialect.
    pub fn dialect(mut self, d: Dialect) -> Self {
        self.0.dialect = Some(d);
        self
    }

    /// The dialect of a request that does not tell.
    pub fn default_dialect(mut self, d: Dialect) -> Self {
        self.0.default_dialect = Some(d);
        self
    }

    /// Choices that change what rules accept.
    pub fn rules(mut self, rules: RuleOptions) -> Self {
        self.0.rules = rules;
        self
    }

    /// The limits (with config overrides).
    pub fn spec(mut self, spec: Arc<Spec>) -> Self {
        self.0.spec = Some(spec);
        self
    }

    /// Severity overrides.
    pub fn severity(mut self, map: config::SeverityMap) -> Self {
        self.0.severity = map;
        self
    }

    /// The lowest severity that fails a request (`None`: nothing fails).
    pub fn fail_on(mut self, gate: Option<Severity>) -> Self {
        self.0.fail_on = gate;
        self
    }

    /// A progress callback.
    pub fn progress(mut self, p: Progress) -> Self {
        self.0.progress = Some(p);
        self
    }

    /// The whole run's deadline (`None`: none).
    pub fn deadline(mut self, d: Option<std::time::Duration>) -> Self {
        self.0.deadline = d;
        self
    }

    /// Most distinct URLs one run fetches.
    pub fn max_urls(mut self, n: usize) -> Self {
        self.0.max_urls = n;
        self
    }

    /// Confine local media paths to a folder.
    pub fn media_root(mut self, root: std::path::PathBuf) -> Self {
        self.0.media_root = Some(root);
        self
    }

    /// The options.
    pub fn build(self) -> Options {
        self.0
    }
}
