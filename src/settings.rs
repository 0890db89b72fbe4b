//! The settings each request is checked with, resolved in one place for
//! every front end (`check`, `fix`, `probe`, a server, the library): the
//! caller's own layer (flags) over the nearest `seedance-preflight.toml` —
//! found from each request's folder upward (nearest wins), or the one file
//! the caller names — over the built-in defaults.
//!
//! A configuration file that loosens the gate never does so silently: every
//! loosening of every file read is kept ([`Resolver::loosened`]) and handed
//! out once as it is read ([`Resolver::take_new`]) for the caller to print.
//!
//! ```
//! use seedance_preflight::settings::{ConfigChoice, Layers, Resolver};
//! use seedance_preflight::{Options, Source};
//!
//! let layers = Layers::new(Options { fetch: false, ..Options::default() });
//! // `None`: no configuration file at all (an untrusted checkout).
//! let mut r = Resolver::new(layers, ConfigChoice::None, std::path::Path::new(".")).unwrap();
//! let (_config, opts) = r.options_for(&Source::file("requests/cat.json")).unwrap();
//! assert!(!opts.fetch);
//! assert!(r.loosened().is_empty());
//! ```

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::{self, FailOn, Loaded, Loosening, SeverityLayer, SeverityMap};
use crate::{Dialect, Error, ErrorKind, Options, Source, Spec};

/// What the caller decides (its flags), over any configuration file.
#[derive(Clone, Default)]
pub struct Layers {
    /// The options with no configuration applied.
    pub bare: Options,
    /// Severity overrides (`--allow/--warn/--deny`), over the file's.
    pub severity: SeverityLayer,
    /// The gate (`--fail-on`), over the file's `fail_on`.
    pub fail_on: Option<FailOn>,
    /// Dialect files named by the caller, loaded after the file's.
    pub dialect_files: Vec<PathBuf>,
    /// Shipped dialects to load ([`crate::spec::SHIPPED`] ids), after those.
    pub shipped: Vec<String>,
}

impl Layers {
    /// `bare` with no overrides.
    pub fn new(bare: Options) -> Self {
        Layers {
            bare,
            ..Layers::default()
        }
    }

    /// The options for requests governed by `loaded` (or by no config).
    fn options(&self, loaded: Option<&Loaded>) -> Result<Options, Error> {
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
        severity.push(self.severity.clone());
        o.severity = severity;
        o.fail_on = self.fail_on.unwrap_or(fail_on).severity();
        if !self.dialect_files.is_empty() || !self.shipped.is_empty() {
            let mut s = spec.unwrap_or_else(|| Spec::builtin().clone());
            for f in &self.dialect_files {
                s = s
                    .with_dialect_file(f)
                    .map_err(|e| Error::new(e.kind, format!("dialect file: {e}")))?;
            }
            for id in &self.shipped {
                if s.ids().any(|d| d.as_str() == id) {
                    continue;
                }
                s = s.with_shipped(id)?;
            }
            spec = Some(s);
        }
        if let (Some(d), Some(l)) = (o.default_dialect, loaded) {
            let s = spec.as_ref().unwrap_or_else(|| Spec::builtin());
            if s.get(d).is_none() {
                return Err(
                    Error::new(ErrorKind::Config, format!("unknown dialect `{d}`"))
                        .at(&l.path, None),
                );
            }
        }
        o.spec = spec.map(Arc::new);
        Ok(o)
    }
}

/// Which configuration files govern the requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigChoice {
    /// The `seedance-preflight.toml` nearest each request, from its folder
    /// upward.
    Nearest,
    /// This one file for every request.
    File(PathBuf),
    /// None: the defaults and the caller's layer only (`--no-config`, and
    /// `--isolated` without `--config`).
    None,
}

/// Finds, reads (once) and layers the configuration of each request.
pub struct Resolver {
    layers: Layers,
    /// `Some`: one config (or none) for every request.
    fixed: Option<Option<PathBuf>>,
    /// The config of requests without a folder (standard input, flags).
    root: Option<PathBuf>,
    by_dir: HashMap<PathBuf, Option<PathBuf>>,
    /// Each config file, read and validated once.
    loaded: HashMap<PathBuf, Loaded>,
    built: HashMap<Option<PathBuf>, Options>,
    /// What every config read so far loosens.
    loosened: Vec<Loosening>,
    /// How many of `loosened` were handed out by [`Resolver::take_new`].
    taken: usize,
}

impl Resolver {
    /// Reads the root configuration: the named file, or the nearest one from
    /// `start` (the folder of requests that have none of their own: standard
    /// input, flags; relative to the current folder) upward.
    pub fn new(layers: Layers, choice: ConfigChoice, start: &Path) -> Result<Self, Error> {
        let fixed = match choice {
            ConfigChoice::Nearest => None,
            ConfigChoice::File(p) => Some(Some(p)),
            ConfigChoice::None => Some(None),
        };
        let root = match &fixed {
            Some(f) => f.clone(),
            None => std::env::current_dir()
                .ok()
                .and_then(|d| config::discover(&d.join(start))),
        };
        let mut r = Resolver {
            layers,
            fixed,
            root: root.clone(),
            by_dir: HashMap::new(),
            loaded: HashMap::new(),
            built: HashMap::new(),
            loosened: Vec::new(),
            taken: 0,
        };
        if let Some(p) = &root {
            r.load(p)?;
        }
        Ok(r)
    }

    /// The configuration of requests without a folder of their own.
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// The root configuration, as read.
    pub fn root_config(&self) -> Option<&Loaded> {
        self.root.as_deref().and_then(|p| self.loaded.get(p))
    }

    /// A configuration file read so far.
    pub fn loaded(&self, path: &Path) -> Option<&Loaded> {
        self.loaded.get(path)
    }

    /// `Some` when one configuration (or none) governs every request.
    pub fn fixed(&self) -> Option<Option<&Path>> {
        self.fixed.as_ref().map(|f| f.as_deref())
    }

    /// The caller's layer.
    pub fn layers(&self) -> &Layers {
        &self.layers
    }

    /// Reads every request as dialect `d`, under every configuration, the
    /// options built so far included.
    pub fn set_dialect(&mut self, d: Option<Dialect>) {
        self.layers.bare.dialect = d;
        for o in self.built.values_mut() {
            o.dialect = d;
        }
    }

    /// The configuration file at `path`, read once.
    fn load(&mut self, path: &Path) -> Result<&Loaded, Error> {
        if !self.loaded.contains_key(path) {
            let l = config::load(path).map_err(|e| Error::new(e.kind, format!("config: {e}")))?;
            self.loosened.extend(l.loosened.iter().cloned());
            self.loaded.insert(path.to_path_buf(), l);
        }
        Ok(&self.loaded[path])
    }

    /// The configuration file that governs a request from `source`.
    pub fn config_of(&mut self, source: &Source) -> Option<PathBuf> {
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

    /// The options for requests governed by `config` (read once).
    pub fn options(&mut self, config: &Option<PathBuf>) -> Result<Options, Error> {
        if let Some(o) = self.built.get(config) {
            return Ok(o.clone());
        }
        if let Some(p) = config {
            self.load(p)?;
        }
        let loaded = config.as_deref().map(|p| &self.loaded[p]);
        let o = self.layers.options(loaded)?;
        self.built.insert(config.clone(), o.clone());
        Ok(o)
    }

    /// The configuration governing `source`, and the options it makes.
    pub fn options_for(&mut self, source: &Source) -> Result<(Option<PathBuf>, Options), Error> {
        let c = self.config_of(source);
        let o = self.options(&c)?;
        Ok((c, o))
    }

    /// Every loosening of every configuration read so far.
    pub fn loosened(&self) -> &[Loosening] {
        &self.loosened
    }

    /// The loosenings read since the last call: for a caller that prints
    /// each as its file is read.
    pub fn take_new(&mut self) -> &[Loosening] {
        let from = self.taken;
        self.taken = self.loosened.len();
        &self.loosened[from..]
    }
}
