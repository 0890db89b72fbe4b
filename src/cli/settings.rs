//! The settings each request is checked with: the command line over the
//! nearest `seedance-preflight.toml` — found from each checked file's folder
//! upward (nearest wins), or the one `--config` names — over the defaults;
//! and `--show-settings`, which prints them with where each came from.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use seedance_preflight::config::{self, FailOn, Loaded, SeverityLayer, SeverityMap};
use seedance_preflight::{Options, Source, Spec};

/// What the command line decides, and what a config file may add.
pub(super) struct Layers {
    /// The options with no config applied.
    pub(super) bare: Options,
    /// `--allow/--warn/--deny`.
    pub(super) cli: SeverityLayer,
    /// `--fail-on`.
    pub(super) fail_on: Option<FailOn>,
    /// `--dialect-file`.
    pub(super) dialect_files: Vec<PathBuf>,
}

impl Layers {
    /// The options for requests governed by `loaded` (or by no config).
    pub(super) fn options(&self, loaded: Option<&Loaded>) -> Result<Options, String> {
        let mut o = self.bare.clone();
        let mut severity = SeverityMap::default();
        let mut fail_on = FailOn::Error;
        let mut spec = None;
        if let Some(l) = loaded {
            severity.push(l.severity.clone());
            fail_on = l.config.fail_on.unwrap_or(fail_on);
            o.default_dialect = l.config.dialect;
            spec = Some(l.spec.clone());
        }
        severity.push(self.cli.clone());
        o.severity = severity;
        o.fail_on = self.fail_on.unwrap_or(fail_on).severity();
        if !self.dialect_files.is_empty() {
            let mut s = spec.unwrap_or_else(|| Spec::builtin().clone());
            for f in &self.dialect_files {
                s = s
                    .with_dialect_file(f)
                    .map_err(|e| format!("dialect file: {e}"))?;
            }
            spec = Some(s);
        }
        if let (Some(d), Some(l)) = (o.default_dialect, loaded) {
            let s = spec.as_ref().unwrap_or_else(|| Spec::builtin());
            if s.get(d).is_none() {
                return Err(format!(
                    "config {}: unknown dialect `{d}`",
                    l.path.display()
                ));
            }
        }
        o.spec = spec.map(Arc::new);
        Ok(o)
    }
}

/// Finds and caches the config of each checked file.
pub(super) struct Configs {
    pub(super) layers: Layers,
    /// `--config FILE` or `--no-config`: one config for every request.
    pub(super) fixed: Option<Option<PathBuf>>,
    /// The config of requests without a folder (standard input, flags).
    pub(super) root: Option<PathBuf>,
    by_dir: HashMap<PathBuf, Option<PathBuf>>,
    /// Each config file, read and validated once.
    loaded: HashMap<PathBuf, Loaded>,
    built: HashMap<Option<PathBuf>, Options>,
    /// What every config read so far loosens (for the report).
    pub(super) loosened: Vec<config::Loosening>,
}

impl Configs {
    /// `root_loaded` is the root config as the caller already read it.
    pub(super) fn new(
        layers: Layers,
        fixed: Option<Option<PathBuf>>,
        root: Option<PathBuf>,
        root_loaded: Option<Loaded>,
    ) -> Self {
        let mut loaded = HashMap::new();
        let mut loosened = Vec::new();
        if let (Some(p), Some(l)) = (&root, root_loaded) {
            warn(&l);
            loosened.extend(l.loosened.iter().cloned());
            loaded.insert(p.clone(), l);
        }
        Configs {
            layers,
            fixed,
            root,
            by_dir: HashMap::new(),
            loaded,
            built: HashMap::new(),
            loosened,
        }
    }

    /// Reads every request as dialect `d` (`--dialect`), under every config,
    /// the options built so far included (the bare layer's dialect is all
    /// they take of it: nothing is read or built again).
    pub(super) fn set_dialect(&mut self, d: Option<seedance_preflight::Dialect>) {
        self.layers.bare.dialect = d;
        for o in self.built.values_mut() {
            o.dialect = d;
        }
    }

    /// The config file at `path`, read once.
    fn load(&mut self, path: &Path) -> Result<&Loaded, String> {
        if !self.loaded.contains_key(path) {
            let l = config::load(path).map_err(|e| format!("config: {}", String::from(e)))?;
            warn(&l);
            self.loosened.extend(l.loosened.iter().cloned());
            self.loaded.insert(path.to_path_buf(), l);
        }
        Ok(&self.loaded[path])
    }

    /// The config file that governs a request from `source`.
    pub(super) fn config_of(&mut self, source: &Source) -> Option<PathBuf> {
        if let Some(f) = &self.fixed {
            return f.clone();
        }
        if source.is_virtual() {
            return self.root.clone();
        }
        let dir = Path::new(&source.path)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let dir = std::env::current_dir().map_or(dir.clone(), |cwd| cwd.join(&dir));
        self.by_dir
            .entry(dir)
            .or_insert_with_key(|d| config::discover(d))
            .clone()
    }

    /// The options for requests governed by `path` (its file loaded once).
    pub(super) fn options(&mut self, path: &Option<PathBuf>) -> Result<Options, String> {
        if let Some(o) = self.built.get(path) {
            return Ok(o.clone());
        }
        if let Some(p) = path {
            self.load(p)?;
        }
        let loaded = path.as_deref().map(|p| &self.loaded[p]);
        let o = self.layers.options(loaded)?;
        self.built.insert(path.clone(), o.clone());
        Ok(o)
    }
}

/// What a config loosens, printed when it is read (on every run that
/// reads it): never a silent loosening of the gate.
fn warn(l: &Loaded) {
    for w in &l.loosened {
        say!("seedance-preflight: warning: {w}");
    }
}

/// `--show-settings`: the settings a request at `path` would be checked
/// with, and where each comes from.
pub(super) fn show(
    configs: &mut Configs,
    path: &str,
    args: &super::args::CheckArgs,
) -> Result<String, String> {
    let source = if path == "-" {
        Source::file(args.stdin_filename.as_deref().unwrap_or("-"))
    } else {
        Source::file(&Path::new(path).join("x.json").display().to_string())
    };
    let source = if Path::new(path).is_file() {
        Source::file(path)
    } else {
        source
    };
    let cfg = configs.config_of(&source);
    let opts = configs.options(&cfg)?;
    // `options` has read it.
    let loaded = cfg.as_deref().and_then(|p| configs.loaded.get(p));
    let file = loaded.map(|l| &l.config);
    let from = |cli: bool, in_file: bool| {
        if cli {
            "command line"
        } else if in_file {
            "config"
        } else {
            "default"
        }
    };
    let mut out = String::new();
    let mut line = |k: &str, v: String, src: &str| {
        out.push_str(&format!("{:<34} # {src}\n", format!("{k} = {v}")));
    };
    let dir = match Path::new(&source.path).parent() {
        Some(d) if !d.as_os_str().is_empty() => d.display().to_string(),
        _ => ".".into(),
    };
    let origin = match (&configs.fixed, &cfg) {
        (Some(None), _) => "--no-config".to_string(),
        (Some(Some(_)), _) => "--config".to_string(),
        (None, Some(_)) => format!("the nearest from {dir} upward"),
        (None, None) => format!("none from {dir} upward"),
    };
    line(
        "config",
        cfg.as_ref()
            .map_or("none".into(), |p| format!("{:?}", p.display().to_string())),
        &origin,
    );
    let fail_on = match opts.fail_on {
        Some(s) => format!("{:?}", s.as_str()),
        None => "\"never\"".into(),
    };
    line(
        "fail_on",
        fail_on,
        from(
            args.fail_on.is_some(),
            file.is_some_and(|c| c.fail_on.is_some()),
        ),
    );
    line(
        "dialect",
        match (&args.dialect, opts.default_dialect) {
            (Some(d), _) => format!("{d:?} (every request)"),
            (None, Some(d)) => format!("{:?} (requests that do not tell)", d.as_str()),
            (None, None) => "detected per request".into(),
        },
        from(
            args.dialect.is_some(),
            file.is_some_and(|c| c.dialect.is_some()),
        ),
    );
    if let Some(l) = &loaded {
        for (k, v) in &l.config.severity {
            line(
                &format!("severity.{k}"),
                format!("{:?}", format!("{v:?}").to_lowercase()),
                "config",
            );
        }
        let mut limits = Vec::new();
        flat(&l.config.limits, "limits", &mut limits);
        for (k, v) in limits {
            line(&k, v, "config");
        }
    }
    for (keys, level) in [
        (&args.allow, "off"),
        (&args.warn, "warning"),
        (&args.deny, "error"),
    ] {
        for k in keys {
            line(
                &format!("severity.{k}"),
                format!("{level:?}"),
                "command line",
            );
        }
    }
    for (key, given, in_file) in [
        ("exclude", &args.exclude, file.map(|c| &c.exclude)),
        ("include", &args.include, file.map(|c| &c.include)),
    ] {
        let all: Vec<&String> = given.iter().chain(in_file.into_iter().flatten()).collect();
        line(
            key,
            format!("{all:?}"),
            from(!given.is_empty(), in_file.is_some_and(|v| !v.is_empty())),
        );
    }
    let dflt = seedance_preflight::source::DEFAULT_BUDGET;
    line(
        "budget",
        opts.budget.to_string(),
        from(opts.budget != dflt, false),
    );
    line(
        "deadline",
        opts.deadline
            .map_or("none".into(), |d| format!("{} s", d.as_secs_f64())),
        from(
            opts.deadline != Some(seedance_preflight::DEFAULT_DEADLINE),
            false,
        ),
    );
    line(
        "max_urls",
        opts.max_urls.to_string(),
        from(opts.max_urls != seedance_preflight::DEFAULT_MAX_URLS, false),
    );
    line("fetch", opts.fetch.to_string(), from(!opts.fetch, false));
    line(
        "require_urls",
        (!opts.rules.allow_local_paths).to_string(),
        from(!opts.rules.allow_local_paths, false),
    );
    line(
        "media_root",
        opts.media_root
            .as_ref()
            .map_or("none".into(), |p| format!("{:?}", p.display().to_string())),
        from(opts.media_root.is_some(), false),
    );
    line(
        "jobs",
        if opts.jobs == 0 {
            "one per core".into()
        } else {
            opts.jobs.to_string()
        },
        from(opts.jobs != 0, false),
    );
    let spec = opts.spec();
    line(
        "dialects",
        format!("{:?}", spec.ids().map(|d| d.as_str()).collect::<Vec<_>>()),
        from(
            !args.dialect_files.is_empty(),
            file.is_some_and(|c| !c.dialect_files.is_empty()),
        ),
    );
    Ok(out)
}

/// A TOML table as `a.b.c = value` rows.
fn flat(t: &toml::Table, at: &str, out: &mut Vec<(String, String)>) {
    for (k, v) in t {
        let key = format!("{at}.{k}");
        match v {
            toml::Value::Table(sub) => flat(sub, &key, out),
            v => out.push((key, serde_json::to_string(v).unwrap_or_default())),
        }
    }
}
