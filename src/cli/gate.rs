//! The gate's settings from the command line, the same for `check` and
//! `fix`: the library's resolver built from `GateArgs`, the root config
//! read (its loosenings printed), and `--dialect` applied to every config.

use std::path::Path;

use super::args::{FailOn, GateArgs};
use super::settings;
use seedance_preflight::settings::{ConfigChoice, Layers, Resolver};
use seedance_preflight::{config, Dialect, Options};

/// A resolver ready for a run, and the options of its root config.
pub(super) struct Gate {
    pub(super) resolver: Resolver,
    /// The options of requests without a folder of their own.
    pub(super) root_opts: Options,
    /// `--dialect`, resolved against the dialects in force.
    pub(super) dialect: Option<Dialect>,
}

impl GateArgs {
    /// `bare` (the command's own options) with this layer's bounds on it.
    fn bare(&self, bare: Options) -> Result<Options, String> {
        let deadline = match std::time::Duration::try_from_secs_f64(self.deadline) {
            Ok(d) if d.is_zero() => None,
            Ok(d) => Some(d),
            Err(_) => {
                return Err(format!(
                    "--deadline must be a number of seconds (0 for none), not {}",
                    self.deadline
                ))
            }
        };
        Ok(Options {
            rules: seedance_preflight::RuleOptions {
                allow_local_paths: !self.require_urls,
            },
            deadline,
            // The run's deadline and URL cap count from here, across chunks.
            started: Some(std::time::Instant::now()),
            urls_fetched: Some(Default::default()),
            max_urls: self.max_urls,
            media_root: self.media_root.clone(),
            ..bare
        })
    }

    /// `--allow`, `--warn`, `--deny` as one severity layer.
    fn severity_layer(&self) -> Result<config::SeverityLayer, String> {
        let mut layer = config::SeverityLayer::default();
        for (keys, level, flag) in [
            (&self.allow, config::Level::Off, "--allow"),
            (&self.warn, config::Level::Warning, "--warn"),
            (&self.deny, config::Level::Error, "--deny"),
        ] {
            for k in keys {
                layer
                    .set(k, level)
                    .map_err(|e| format!("{flag} {k}: {e}"))?;
            }
        }
        Ok(layer)
    }

    /// Which configs govern the requests. `--isolated` reads only a config
    /// the command line names.
    fn choice(&self) -> ConfigChoice {
        match &self.config {
            _ if self.no_config => ConfigChoice::None,
            Some(p) => ConfigChoice::File(p.clone()),
            None if self.isolated => ConfigChoice::None,
            None => ConfigChoice::Nearest,
        }
    }

    /// The resolver for a run whose folderless requests sit in `start`.
    pub(super) fn resolve(&self, bare: Options, start: &Path) -> Result<Gate, String> {
        let layers = Layers {
            bare: self.bare(bare)?,
            severity: self.severity_layer()?,
            fail_on: self.fail_on.map(|f| match f {
                FailOn::Error => config::FailOn::Error,
                FailOn::Warning => config::FailOn::Warning,
                FailOn::Info => config::FailOn::Info,
                FailOn::Never => config::FailOn::Never,
            }),
            dialect_files: self.dialect_files.clone(),
            // `--dialect ID` of a shipped reseller dialect loads it.
            shipped: self
                .dialect
                .iter()
                .filter(|id| {
                    seedance_preflight::spec::SHIPPED
                        .iter()
                        .any(|(i, _, _)| i == id)
                })
                .cloned()
                .collect(),
        };
        let mut resolver = Resolver::new(layers, self.choice(), start).map_err(String::from);
        if let Ok(r) = &mut resolver {
            settings::warn_new(r);
        }
        let mut resolver = resolver?;
        let root = resolver.root().map(Path::to_path_buf);
        let opts = settings::options(&mut resolver, &root)?;
        let dialect = match self.dialect.as_deref() {
            Some(id) => Some(known_dialect(opts.spec(), id)?),
            None => None,
        };
        // Every config's options read every request as `--dialect` (the
        // root's come back from the cache).
        resolver.set_dialect(dialect);
        let root_opts = settings::options(&mut resolver, &root)?;
        Ok(Gate {
            resolver,
            root_opts,
            dialect,
        })
    }
}

fn known_dialect(spec: &seedance_preflight::Spec, id: &str) -> Result<Dialect, String> {
    let d: Dialect = id.parse()?;
    if spec.get(d).is_some() {
        return Ok(d);
    }
    let ids: Vec<&str> = spec.ids().map(Dialect::as_str).collect();
    Err(format!(
        "unknown dialect `{id}` (loaded: {}; add one with --dialect-file)",
        ids.join(", ")
    ))
}
