//! The command line's side of the library's settings resolver
//! ([`seedance_preflight::settings`]): what a config loosens, printed as
//! it is read; and `--show-settings`, which prints the settings with where
//! each came from.

use std::path::Path;

use seedance_preflight::settings::Resolver;
use seedance_preflight::{Options, Source};

/// The options for requests governed by `config`, each loosening of a
/// file read for them printed as it is read (on every run that reads it):
/// never a silent loosening of the gate.
pub(super) fn options(
    r: &mut Resolver,
    config: &Option<std::path::PathBuf>,
) -> Result<Options, String> {
    let o = r.options(config).map_err(String::from);
    warn_new(r);
    o
}

/// Prints the loosenings read since the last call.
pub(super) fn warn_new(r: &mut Resolver) {
    for w in r.take_new() {
        say!("seedance-preflight: warning: {w}");
    }
}

/// The source a request at `path` would have: the file, standard input
/// (`--stdin-filename`), or a request in the folder.
fn source_at(path: &str, args: &super::args::CheckArgs) -> Source {
    if Path::new(path).is_file() {
        Source::file(path)
    } else if path == "-" {
        Source::file(args.stdin_filename.as_deref().unwrap_or("-"))
    } else {
        Source::file(&Path::new(path).join("x.json").display().to_string())
    }
}

/// Where a setting comes from.
fn source_of(cli: bool, in_file: bool) -> &'static str {
    if cli {
        "command line"
    } else if in_file {
        "config"
    } else {
        "default"
    }
}

/// The run's bounds and resources, each with where it comes from.
fn bounds(opts: &Options, line: &mut dyn FnMut(&str, String, &str)) {
    let dflt = seedance_preflight::source::DEFAULT_BUDGET;
    line(
        "budget",
        opts.budget.to_string(),
        source_of(opts.budget != dflt, false),
    );
    line(
        "deadline",
        opts.deadline
            .map_or("none".into(), |d| format!("{} s", d.as_secs_f64())),
        source_of(
            opts.deadline != Some(seedance_preflight::DEFAULT_DEADLINE),
            false,
        ),
    );
    line(
        "max_urls",
        opts.max_urls.to_string(),
        source_of(opts.max_urls != seedance_preflight::DEFAULT_MAX_URLS, false),
    );
    line(
        "fetch",
        opts.fetch.to_string(),
        source_of(!opts.fetch, false),
    );
    line(
        "require_urls",
        (!opts.rules.allow_local_paths).to_string(),
        source_of(!opts.rules.allow_local_paths, false),
    );
    line(
        "media_root",
        opts.media_root
            .as_ref()
            .map_or("none".into(), |p| format!("{:?}", p.display().to_string())),
        source_of(opts.media_root.is_some(), false),
    );
    line(
        "jobs",
        if opts.jobs == 0 {
            "one per core".into()
        } else {
            opts.jobs.to_string()
        },
        source_of(opts.jobs != 0, false),
    );
}

/// `--show-settings`: the settings a request at `path` would be checked
/// with, and where each comes from.
pub(super) fn show(
    configs: &mut Resolver,
    path: &str,
    args: &super::args::CheckArgs,
) -> Result<String, String> {
    let source = source_at(path, args);
    let cfg = configs.config_of(&source);
    let opts = options(configs, &cfg)?;
    // `options` has read it.
    let loaded = cfg.as_deref().and_then(|p| configs.loaded(p));
    let file = loaded.map(|l| &l.config);
    let from = source_of;
    let mut out = String::new();
    let mut line = |k: &str, v: String, src: &str| {
        out.push_str(&format!("{:<34} # {src}\n", format!("{k} = {v}")));
    };
    let dir = match Path::new(&source.path).parent() {
        Some(d) if !d.as_os_str().is_empty() => d.display().to_string(),
        _ => ".".into(),
    };
    let origin = match (configs.fixed(), &cfg) {
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
            args.gate.fail_on.is_some(),
            file.is_some_and(|c| c.fail_on.is_some()),
        ),
    );
    line(
        "dialect",
        match (&args.gate.dialect, opts.default_dialect) {
            (Some(d), _) => format!("{d:?} (every request)"),
            (None, Some(d)) => format!("{:?} (requests that do not tell)", d.as_str()),
            (None, None) => "detected per request".into(),
        },
        from(
            args.gate.dialect.is_some(),
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
        for (k, v) in l.config.limits.entries() {
            line(&k, v, "config");
        }
    }
    for (keys, level) in [
        (&args.gate.allow, "off"),
        (&args.gate.warn, "warning"),
        (&args.gate.deny, "error"),
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
    bounds(&opts, &mut line);
    let spec = opts.spec();
    line(
        "dialects",
        format!("{:?}", spec.ids().map(|d| d.as_str()).collect::<Vec<_>>()),
        from(
            !args.gate.dialect_files.is_empty(),
            file.is_some_and(|c| !c.dialect_files.is_empty()),
        ),
    );
    Ok(out)
}
