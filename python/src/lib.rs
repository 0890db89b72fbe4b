//! `seedance_preflight._native`: the library behind the Python package.
//! Every call that checks, probes or fixes releases the GIL while it works;
//! results cross as the JSON wire formats (`docs/json-format.md`), which the
//! pure-Python layer turns into typed objects.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use seedance_preflight::settings::{ConfigChoice, Layers, Resolver};
use seedance_preflight::{config, input, Dialect, Options};

#[allow(dead_code, unused_imports)]
#[path = "../../src/cli/mod.rs"]
mod cli;

/// The settings a call was given, as JSON from the Python layer.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct Settings {
    fetch: Option<bool>,
    dialect: Option<String>,
    config: Option<PathBuf>,
    fail_on: Option<String>,
    jobs: Option<usize>,
    budget: Option<u64>,
    deadline: Option<f64>,
    require_urls: bool,
    media_root: Option<PathBuf>,
    allow_loopback: bool,
    dialect_files: Vec<PathBuf>,
}

/// The options for a call: the library's own resolver over the caller's
/// settings (a config only when one is named).
fn options(settings: &str) -> PyResult<Options> {
    let s: Settings = serde_json::from_str(settings)
        .map_err(|e| PyValueError::new_err(format!("settings: {e}")))?;
    let mut bare = Options {
        fetch: s.fetch.unwrap_or(true),
        jobs: s.jobs.unwrap_or(0),
        budget: s
            .budget
            .unwrap_or(seedance_preflight::source::DEFAULT_BUDGET),
        media_root: s.media_root.clone(),
        ..Options::default()
    };
    bare.rules.allow_local_paths = !s.require_urls;
    bare.remote.allow.loopback = s.allow_loopback;
    if let Some(d) = s.deadline {
        bare.deadline = std::time::Duration::try_from_secs_f64(d)
            .ok()
            .filter(|d| !d.is_zero());
    }
    let fail_on = match s.fail_on.as_deref() {
        None => None,
        Some("error") => Some(config::FailOn::Error),
        Some("warning") => Some(config::FailOn::Warning),
        Some("info") => Some(config::FailOn::Info),
        Some("never") => Some(config::FailOn::Never),
        Some(o) => {
            return Err(PyValueError::new_err(format!(
                "fail_on={o:?}: one of \"error\", \"warning\", \"info\", \"never\""
            )))
        }
    };
    let layers = Layers {
        bare,
        fail_on,
        dialect_files: s.dialect_files.clone(),
        ..Layers::default()
    };
    let choice = match &s.config {
        Some(p) => ConfigChoice::File(p.clone()),
        None => ConfigChoice::None,
    };
    let mut r = Resolver::new(layers, choice, Path::new(""))
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    let root = r.root().map(Path::to_path_buf);
    let mut o = r
        .options(&root)
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    if let Some(id) = &s.dialect {
        let d: Dialect = id.parse().map_err(|e: String| PyValueError::new_err(e))?;
        if o.spec().get(d).is_none() {
            let ids: Vec<&str> = o.spec().ids().map(|d| d.as_str()).collect();
            return Err(PyValueError::new_err(format!(
                "unknown dialect {id:?} (loaded: {})",
                ids.join(", ")
            )));
        }
        o.dialect = Some(d);
    }
    o.started = Some(std::time::Instant::now());
    Ok(o)
}

/// Settings checked once: a handle the Python layer reuses across calls.
#[pyclass(frozen, module = "seedance_preflight._native")]
struct Checker {
    opts: Arc<Options>,
}

#[pymethods]
impl Checker {
    #[new]
    fn new(settings: &str) -> PyResult<Self> {
        let mut opts = options(settings)?;
        // One checker serves a whole `check_many` stream: a URL probed in
        // one chunk is not fetched again by a later one.
        opts.probe_cache = Some(Arc::new(seedance_preflight::ProbeCache::new(
            std::time::Duration::from_secs(3600),
            100_000,
        )));
        Ok(Checker {
            opts: Arc::new(opts),
        })
    }

    /// One body (JSON text as bytes) → the wire document of its report.
    fn check(&self, py: Python<'_>, name: &str, body: Vec<u8>) -> String {
        let opts = self.opts.clone();
        let name = name.to_string();
        py.detach(move || {
            let rr = seedance_preflight::check_bytes(&name, &body, &opts);
            wire(vec![rr])
        })
    }

    /// A file (or a JSONL file's lines) → the wire document of its reports.
    fn check_path(&self, py: Python<'_>, path: &str) -> PyResult<String> {
        let opts = self.opts.clone();
        let path = path.to_string();
        py.detach(move || {
            let (docs, errors) = input::expand(std::slice::from_ref(&path), &mut std::io::empty());
            if let Some(e) = errors.first() {
                return Err(PyOSError::new_err(e.to_string()));
            }
            let report = seedance_preflight::check_documents(&docs, &opts);
            Ok(serde_json::to_string(&report).unwrap_or_default())
        })
    }

    /// Many bodies at once (a chunk of `check_many`): every distinct asset
    /// is probed once, in parallel, and a URL probed by an earlier chunk is
    /// not fetched again → per request, in order, its verdict and its wire
    /// report (parsed by Python only when read).
    fn check_batch(&self, py: Python<'_>, bodies: Vec<Vec<u8>>) -> Vec<(&'static str, String)> {
        let opts = self.opts.clone();
        py.detach(move || {
            let docs: Vec<input::Document> = bodies
                .into_iter()
                .enumerate()
                .map(|(i, b)| input::Document {
                    source: seedance_preflight::Source {
                        path: "<request>".into(),
                        line: Some(i + 1),
                    },
                    body: input::Body::Bytes(b),
                })
                .collect();
            let report = seedance_preflight::check_documents(&docs, &opts);
            report
                .requests
                .iter()
                .map(|r| {
                    (
                        if r.failed { "fail" } else { "pass" },
                        serde_json::to_string(r).unwrap_or_default(),
                    )
                })
                .collect()
        })
    }
}

fn wire(requests: Vec<seedance_preflight::RequestReport>) -> String {
    let report = seedance_preflight::Report {
        assets_probed: 0,
        requests,
        loosened: Vec::new(),
    };
    serde_json::to_string(&report).unwrap_or_default()
}

/// What the probes read from a file, or from bytes → the probe JSON.
#[pyfunction]
#[pyo3(signature = (path=None, data=None, budget=None))]
fn probe(
    py: Python<'_>,
    path: Option<PathBuf>,
    data: Option<Vec<u8>>,
    budget: Option<u64>,
) -> PyResult<String> {
    let budget = budget.unwrap_or(seedance_preflight::source::DEFAULT_BUDGET);
    py.detach(move || {
        let facts = match (path, data) {
            (Some(p), None) => seedance_preflight::probe::probe_path(&p, budget),
            (None, Some(d)) => {
                let len = d.len() as u64;
                let mut r =
                    seedance_preflight::source::Budgeted::new(std::io::Cursor::new(d), budget);
                seedance_preflight::probe::probe_reader(&mut r, Some(len), "<bytes>")
            }
            _ => return Err(PyValueError::new_err("give a path or bytes")),
        };
        serde_json::to_string(&facts).map_err(|e| PyValueError::new_err(e.to_string()))
    })
}

/// A fix plan held natively: `fix.plan` makes it, `fix.execute` runs it.
#[cfg(feature = "fix")]
#[pyclass(frozen, module = "seedance_preflight._native")]
struct FixPlan {
    plan: seedance_preflight::fix::Plan,
    opts: seedance_preflight::fix::FixOptions,
    check: Options,
}

#[cfg(feature = "fix")]
#[pymethods]
impl FixPlan {
    /// The plan's wire format (`docs/fix-format.md`).
    fn to_json(&self) -> String {
        serde_json::to_string(&self.plan).unwrap_or_default()
    }

    /// Runs the plan → the result's wire format.
    fn execute(&self, py: Python<'_>) -> PyResult<String> {
        py.detach(|| {
            seedance_preflight::fix::execute(&self.plan, &self.opts, &self.check)
                .map(|done| serde_json::to_string(&done).unwrap_or_default())
                .map_err(|e| PyOSError::new_err(e.to_string()))
        })
    }
}

/// Plans the fixes of request files → a native plan.
#[cfg(feature = "fix")]
#[pyfunction]
#[pyo3(signature = (paths, out, settings, allow_lossy=false, crop=false, pad_silence=false))]
fn fix_plan(
    py: Python<'_>,
    paths: Vec<String>,
    out: PathBuf,
    settings: &str,
    allow_lossy: bool,
    crop: bool,
    pad_silence: bool,
) -> PyResult<FixPlan> {
    let check = options(settings)?;
    py.detach(move || {
        let (docs, errors) = input::expand(&paths, &mut std::io::empty());
        if let Some(e) = errors.first() {
            return Err(PyOSError::new_err(e.to_string()));
        }
        let texts: Vec<Option<String>> = docs.iter().map(input::Document::text).collect();
        let report = seedance_preflight::check_documents(&docs, &check);
        let opts = seedance_preflight::fix::FixOptions {
            allow_lossy,
            crop,
            pad_silence,
            ..seedance_preflight::fix::FixOptions::new(out)
        };
        let plan = seedance_preflight::fix::plan(&report, &texts, &check, &opts);
        Ok(FixPlan { plan, opts, check })
    })
}

/// The command line, with `argv` (the program name first) → exit status.
#[pyfunction]
fn cli_main(py: Python<'_>, argv: Vec<String>) -> i32 {
    py.detach(move || cli::run_from(argv))
}

/// The crate's version.
#[pyfunction]
fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Checker>()?;
    m.add_function(wrap_pyfunction!(probe, m)?)?;
    m.add_function(wrap_pyfunction!(cli_main, m)?)?;
    m.add_function(wrap_pyfunction!(version, m)?)?;
    #[cfg(feature = "fix")]
    {
        m.add_class::<FixPlan>()?;
        m.add_function(wrap_pyfunction!(fix_plan, m)?)?;
    }
    Ok(())
}
