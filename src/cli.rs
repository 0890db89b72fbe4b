//! Command-line parsing and exit codes. Exit 0: nothing reached the gate;
//! 1: a finding reached it; 2: the tool could not do its job.

use std::io::{self, IsTerminal, Write};

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use seedance_preflight::report::{self, Format, HumanStyle};
use seedance_preflight::{check_documents, config, input, Code, Dialect, Options};

/// Exit status when a finding reaches the gate.
const EXIT_FINDINGS: i32 = 1;
/// Exit status when the tool could not do its job.
const EXIT_TOOL_FAILURE: i32 = 2;

#[derive(Parser)]
#[command(
    name = "seedance-preflight",
    version,
    about = "Checks Seedance 2.0 video-generation requests before you submit them"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check requests, and the media they name, against the limits of the service.
    Check(Box<CheckArgs>),
    /// Print what the probes read from media files (format, size, duration, fps…).
    Probe(ProbeArgs),
    /// Explain a rule: what it checks, why, a failing example, the fix, its limits.
    Explain {
        /// A code (`REQ006`) or a name (`duration-out-of-range`).
        code: String,
    },
    /// List every rule code.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: ListFormat,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
}

#[derive(Clone, Copy, ValueEnum)]
enum ListFormat {
    Human,
    Json,
}

/// How URLs are fetched (shared by `check` and `probe`).
#[derive(clap::Args)]
struct NetArgs {
    /// Fetch from loopback and private addresses too (a local test server). The
    /// service itself still cannot reach them: SRC002 is still reported.
    #[arg(long, help_heading = "Fetching URLs")]
    allow_private_addresses: bool,
    /// Seconds allowed for everything one URL needs.
    #[arg(
        long,
        default_value_t = 20.0,
        value_name = "SECONDS",
        help_heading = "Fetching URLs"
    )]
    timeout: f64,
    /// Seconds allowed to connect.
    #[arg(
        long,
        default_value_t = 5.0,
        value_name = "SECONDS",
        help_heading = "Fetching URLs"
    )]
    connect_timeout: f64,
    /// Redirects followed (each hop checked) before giving up.
    #[arg(
        long,
        default_value_t = 5,
        value_name = "N",
        help_heading = "Fetching URLs"
    )]
    max_redirects: usize,
    /// Send requests through this proxy (no system proxy is ever used).
    #[arg(long, value_name = "URL", help_heading = "Fetching URLs")]
    proxy: Option<String>,
}

impl NetArgs {
    fn options(&self) -> Result<seedance_preflight::source::http::RemoteOptions, String> {
        let secs = |v: f64, name: &str| {
            std::time::Duration::try_from_secs_f64(v)
                .ok()
                .filter(|d| !d.is_zero())
                .ok_or(format!(
                    "--{name} must be a positive number of seconds, not {v}"
                ))
        };
        Ok(seedance_preflight::source::http::RemoteOptions {
            allow_private: self.allow_private_addresses,
            timeout: secs(self.timeout, "timeout")?,
            connect_timeout: secs(self.connect_timeout, "connect-timeout")?,
            max_redirects: self.max_redirects,
            proxy: self.proxy.clone(),
        })
    }
}

#[derive(clap::Args)]
struct ProbeArgs {
    /// Media files or http(s) URLs.
    #[arg(value_name = "PATH|URL", required = true)]
    paths: Vec<String>,
    #[command(flatten)]
    net: NetArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: FormatArg,
    /// Bytes a probe may read from one file.
    #[arg(long, default_value_t = seedance_preflight::source::DEFAULT_BUDGET, value_name = "BYTES")]
    budget: u64,
    /// Files probed at once (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Request JSON files, `-` for standard input, directories (every *.json and
    /// *.jsonl below), or .jsonl files (one request per line).
    #[arg(value_name = "PATH")]
    paths: Vec<String>,
    /// Build a request from flags: the model (its dialect decides the field names).
    #[arg(long, value_name = "MODEL", help_heading = "Request from flags")]
    model: Option<String>,
    /// The prompt of a request built from flags.
    #[arg(long, value_name = "TEXT", help_heading = "Request from flags")]
    prompt: Option<String>,
    /// An image (path or URL); repeat for more.
    #[arg(
        long = "image",
        value_name = "PATH|URL",
        help_heading = "Request from flags"
    )]
    images: Vec<String>,
    /// A reference video; repeat for more.
    #[arg(
        long = "video",
        value_name = "PATH|URL",
        help_heading = "Request from flags"
    )]
    videos: Vec<String>,
    /// A reference audio clip; repeat for more.
    #[arg(
        long = "audio",
        value_name = "PATH|URL",
        help_heading = "Request from flags"
    )]
    audios: Vec<String>,
    /// Output length in seconds.
    #[arg(long, value_name = "SECONDS", help_heading = "Request from flags")]
    duration: Option<i64>,
    /// Output quality (`quality` / `resolution`).
    #[arg(long, value_name = "Q", help_heading = "Request from flags")]
    quality: Option<String>,
    /// Output aspect ratio.
    #[arg(long, value_name = "W:H", help_heading = "Request from flags")]
    aspect_ratio: Option<String>,
    /// Bytes a probe may read from one asset.
    #[arg(long, default_value_t = seedance_preflight::source::DEFAULT_BUDGET, value_name = "BYTES")]
    budget: u64,
    /// Assets probed at once (default: one per core; at least 8 with URLs).
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
    #[command(flatten)]
    net: NetArgs,
    /// Request-level rules only: no file, DNS or network access for media.
    #[arg(long)]
    no_fetch: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: FormatArg,
    /// Read every request as this dialect instead of detecting it.
    #[arg(long, value_enum)]
    dialect: Option<DialectArg>,
    /// The lowest severity that fails a request (exit 1).
    /// The lowest severity that fails a request (exit 1) [default: error, or the config's `fail_on`].
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Make these codes or families (`IMG008`, `VID`) errors; repeatable.
    #[arg(long, value_name = "CODE|FAMILY", help_heading = "Severity")]
    deny: Vec<String>,
    /// Make these codes or families warnings; repeatable.
    #[arg(long, value_name = "CODE|FAMILY", help_heading = "Severity")]
    warn: Vec<String>,
    /// Turn these codes or families off; repeatable.
    #[arg(long, value_name = "CODE|FAMILY", help_heading = "Severity")]
    allow: Vec<String>,
    /// Read this config file instead of looking for seedance-preflight.toml
    /// from the current folder upward.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<std::path::PathBuf>,
    /// Use no config file.
    #[arg(long)]
    no_config: bool,
    /// Media entries must be http(s) URLs: a local path is SRC001.
    #[arg(long)]
    require_urls: bool,
    /// When to colour human output.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorArg,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Human,
    Json,
    /// SARIF 2.1.0 (check only).
    Sarif,
    /// JUnit XML (check only).
    Junit,
    /// GitHub Actions annotations (check only).
    Github,
}

#[derive(Clone, Copy, ValueEnum)]
enum DialectArg {
    Unified,
    Open,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

/// Parses arguments, runs the command, and returns the exit status.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_TOOL_FAILURE } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match cli.command {
        Command::Check(args) => check(*args),
        Command::Probe(args) => probe(args),
        Command::Explain { code } => explain(&code),
        Command::Rules { format } => rules(format),
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "seedance-preflight",
                &mut io::stdout(),
            );
            0
        }
        Command::Man => match clap_mangen::Man::new(Cli::command()).render(&mut io::stdout()) {
            Ok(()) => 0,
            Err(e) => usage_error(&format!("cannot write the man page: {e}")),
        },
    }
}

fn explain(code: &str) -> i32 {
    match Code::parse(code) {
        Some(c) => {
            print!("{}", seedance_preflight::rules::docs::explain(c));
            0
        }
        None => {
            let near =
                seedance_preflight::rules::did_you_mean(code, Code::ALL.iter().map(|c| c.as_str()));
            let hint = near.map_or(String::new(), |n| format!(" (did you mean {n}?)"));
            usage_error(&format!(
                "no rule `{code}`{hint}; `seedance-preflight rules` lists them"
            ))
        }
    }
}

fn rules(format: ListFormat) -> i32 {
    match format {
        ListFormat::Human => {
            for c in Code::ALL {
                println!(
                    "{:<7} {:<30} {:<8} {}",
                    c.as_str(),
                    c.name(),
                    c.default_severity().as_str(),
                    c.summary()
                );
            }
        }
        ListFormat::Json => {
            let list: Vec<serde_json::Value> = Code::ALL
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "code": c.as_str(),
                        "name": c.name(),
                        "family": c.family(),
                        "default_severity": c.default_severity().as_str(),
                        "summary": c.summary(),
                        "docs": seedance_preflight::rules::docs::get(*c),
                        "rule_unit": seedance_preflight::rules::rule(*c).map(|r| r.id),
                        "severity_cases": seedance_preflight::rules::docs::severity_cases_json(*c),
                    })
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&list).unwrap_or_default()
            );
        }
    }
    0
}

/// Whether request flags were given (a request is built from them).
fn wants_flag_request(args: &CheckArgs) -> bool {
    args.model.is_some()
        || args.prompt.is_some()
        || !args.images.is_empty()
        || !args.videos.is_empty()
        || !args.audios.is_empty()
        || args.duration.is_some()
        || args.quality.is_some()
        || args.aspect_ratio.is_some()
}

/// The request a `--model …` command line describes, as JSON in its dialect.
fn request_from_flags(args: &CheckArgs) -> Option<Vec<u8>> {
    let model = args.model.as_ref()?;
    let dialect = args
        .dialect
        .map(|d| match d {
            DialectArg::Unified => Dialect::Unified,
            DialectArg::Open => Dialect::Open,
        })
        .or_else(|| {
            seedance_preflight::Spec::builtin()
                .find_model(model)
                .map(|(d, _)| d)
        })
        .unwrap_or(Dialect::Unified);
    let mut req = serde_json::Map::new();
    req.insert("model".into(), model.clone().into());
    if let Some(p) = &args.prompt {
        req.insert("prompt".into(), p.clone().into());
    }
    let spec = seedance_preflight::Spec::builtin().dialect(dialect);
    let list = |v: &[String]| serde_json::Value::from(v.to_vec());
    match dialect {
        Dialect::Unified => {
            for (name, items) in [
                ("image_urls", &args.images),
                ("video_urls", &args.videos),
                ("audio_urls", &args.audios),
            ] {
                if !items.is_empty() {
                    req.insert(name.into(), list(items));
                }
            }
        }
        Dialect::Open => {
            let all: Vec<String> = args
                .images
                .iter()
                .chain(&args.videos)
                .chain(&args.audios)
                .cloned()
                .collect();
            if !all.is_empty() {
                req.insert("mediaUrls".into(), list(&all));
            }
        }
    }
    if let Some(d) = args.duration {
        req.insert("duration".into(), d.into());
    }
    if let Some(q) = &args.quality {
        req.insert(spec.quality_field.clone(), q.clone().into());
    }
    if let Some(r) = &args.aspect_ratio {
        req.insert(spec.aspect_ratio_field.clone(), r.clone().into());
    }
    serde_json::to_vec_pretty(&serde_json::Value::Object(req)).ok()
}

fn probe(args: ProbeArgs) -> i32 {
    if !matches!(args.format, FormatArg::Human | FormatArg::Json) {
        return usage_error("probe prints --format human or json");
    }
    let remote = match args.net.options() {
        Ok(r) => r,
        Err(e) => return usage_error(&e),
    };
    let opts = Options {
        budget: args.budget,
        jobs: args.jobs.unwrap_or(0),
        remote,
        ..Options::default()
    };
    let facts = seedance_preflight::probe_targets(&args.paths, &opts);
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let written = match args.format {
        FormatArg::Json => serde_json::to_writer_pretty(&mut out, &facts)
            .map_err(io::Error::other)
            .and_then(|_| writeln!(out)),
        _ => facts
            .iter()
            .try_for_each(|f| writeln!(out, "{}", describe_facts(f))),
    };
    if let Err(e) = written.and_then(|_| out.flush()) {
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("seedance-preflight: cannot write: {e}");
            return EXIT_TOOL_FAILURE;
        }
    }
    let unopened: Vec<_> = facts
        .iter()
        .filter(|f| f.unopened() || f.remote.as_ref().is_some_and(|r| r.failure.is_some()))
        .collect();
    for f in &unopened {
        eprintln!(
            "seedance-preflight: {}: {}",
            f.source,
            f.error.as_deref().unwrap_or("")
        );
    }
    if unopened.is_empty() {
        0
    } else {
        EXIT_TOOL_FAILURE
    }
}

/// One line per file: `path: format W×H, 3.000 s, 24.000 fps, …`.
fn describe_facts(f: &seedance_preflight::probe::MediaFacts) -> String {
    let mut parts = vec![f.format.name().to_string()];
    if let (Some(w), Some(h)) = (f.display_width, f.display_height) {
        let stored = if f.width != Some(w) {
            format!(
                " (stored {}×{})",
                f.width.unwrap_or(0),
                f.height.unwrap_or(0)
            )
        } else {
            String::new()
        };
        parts.push(format!("{w}×{h}{stored}"));
    }
    if let Some(d) = f.duration_s {
        parts.push(format!(
            "{d:.3} s{}",
            if f.duration_estimated {
                " (estimated)"
            } else {
                ""
            }
        ));
    }
    if let Some(fps) = f.fps {
        parts.push(format!("{fps:.3} fps"));
    }
    if let Some(c) = &f.codec {
        parts.push(c.clone());
    }
    if let (Some(r), Some(c)) = (f.sample_rate, f.channels) {
        parts.push(format!("{r} Hz, {c} ch"));
    }
    if f.animated == Some(true) {
        parts.push("animated".into());
    }
    if let Some(s) = f.size_bytes {
        parts.push(format!("{s} bytes"));
    }
    parts.push(format!("read {} bytes", f.bytes_read));
    let mut line = format!("{}: {}", f.source, parts.join(", "));
    if let Some(e) = &f.error {
        line.push_str(&format!(" — error: {e}"));
    }
    line
}

fn usage_error(msg: &str) -> i32 {
    eprintln!("seedance-preflight: {msg}");
    EXIT_TOOL_FAILURE
}

/// The config in force: `--config`, else the first seedance-preflight.toml
/// from the current folder upward, unless `--no-config`.
fn load_config(args: &CheckArgs) -> Result<Option<config::Loaded>, String> {
    if args.no_config {
        return Ok(None);
    }
    let path = match &args.config {
        Some(p) => Some(p.clone()),
        None => std::env::current_dir()
            .ok()
            .and_then(|d| config::discover(&d)),
    };
    path.map(|p| config::load(&p)).transpose()
}

fn severity_layer(args: &CheckArgs) -> Result<config::SeverityLayer, String> {
    let mut layer = config::SeverityLayer::default();
    for (keys, level, flag) in [
        (&args.allow, config::Level::Off, "--allow"),
        (&args.warn, config::Level::Warning, "--warn"),
        (&args.deny, config::Level::Error, "--deny"),
    ] {
        for k in keys {
            layer
                .set(k, level)
                .map_err(|e| format!("{flag} {k}: {e}"))?;
        }
    }
    Ok(layer)
}

fn check(mut args: CheckArgs) -> i32 {
    let remote = match args.net.options() {
        Ok(r) => r,
        Err(e) => return usage_error(&e),
    };
    let loaded = match load_config(&args) {
        Ok(l) => l,
        Err(e) => return usage_error(&format!("config: {e}")),
    };
    let cli_layer = match severity_layer(&args) {
        Ok(l) => l,
        Err(e) => return usage_error(&e),
    };
    let mut severity = config::SeverityMap::default();
    let mut fail_on = config::FailOn::Error;
    let mut dialect = None;
    let mut spec = None;
    if let Some(l) = &loaded {
        severity.push(l.severity.clone());
        fail_on = l.config.fail_on.unwrap_or(fail_on);
        dialect = l.config.dialect;
        if args.model.is_none() && wants_flag_request(&args) {
            args.model = l.config.model.clone();
        }
        spec = Some(std::sync::Arc::new(l.spec.clone()));
    }
    severity.push(cli_layer);
    if let Some(f) = args.fail_on {
        fail_on = match f {
            FailOn::Error => config::FailOn::Error,
            FailOn::Warning => config::FailOn::Warning,
            FailOn::Info => config::FailOn::Info,
            FailOn::Never => config::FailOn::Never,
        };
    }
    if wants_flag_request(&args) && args.model.is_none() {
        return usage_error("--prompt, --image, --video, --audio, --duration, --quality and --aspect-ratio describe a request: give --model too (or `model` in the config)");
    }
    if args.paths.is_empty() && args.model.is_none() {
        return usage_error("nothing to check: give request PATHs (`-` for standard input) or describe one with --model");
    }
    let opts = Options {
        dialect: args.dialect.map(|d| match d {
            DialectArg::Unified => Dialect::Unified,
            DialectArg::Open => Dialect::Open,
        }),
        default_dialect: dialect,
        rules: seedance_preflight::RuleOptions {
            allow_local_paths: !args.require_urls,
        },
        fail_on: fail_on.severity(),
        fetch: !args.no_fetch,
        budget: args.budget,
        jobs: args.jobs.unwrap_or(0),
        remote,
        spec,
        severity,
        progress: None,
    };
    let (mut docs, errors) = input::expand(&args.paths, &mut io::stdin().lock());
    if let Some(body) = request_from_flags(&args) {
        docs.push(input::Document {
            source: seedance_preflight::Source::file("<flags>"),
            body: input::Body::Bytes(body),
        });
    }
    for e in &errors {
        eprintln!("seedance-preflight: cannot read {e}");
    }
    let bar = progress_bar(docs.len());
    let mut opts = opts;
    if let Some(bar) = &bar {
        let b = bar.clone();
        opts.progress = Some(seedance_preflight::Progress(std::sync::Arc::new(
            move |stage, done, total| {
                let what = match stage {
                    seedance_preflight::Stage::Probing => "probing assets",
                    seedance_preflight::Stage::Judging => "checking requests",
                };
                b.set_length(total as u64);
                b.set_position(done as u64);
                b.set_message(what);
            },
        )));
    }
    let report = check_documents(&docs, &opts);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let format = match args.format {
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Junit => Format::Junit,
        FormatArg::Github => Format::Github,
        FormatArg::Human => Format::Human(human_style(args.color)),
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if let Err(e) = report::render(&report, format, &mut out).and_then(|_| out.flush()) {
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("seedance-preflight: cannot write the report: {e}");
            return EXIT_TOOL_FAILURE;
        }
    }
    if !errors.is_empty() {
        EXIT_TOOL_FAILURE
    } else if report.failed() {
        EXIT_FINDINGS
    } else {
        0
    }
}

/// A progress bar on stderr for long runs, only when stderr is a terminal.
fn progress_bar(requests: usize) -> Option<indicatif::ProgressBar> {
    if requests < 50 || !io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(requests as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{spinner} {msg} {pos}/{len} [{bar:30}] {elapsed}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    Some(bar)
}

fn human_style(color: ColorArg) -> HumanStyle {
    let on = match color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
        }
    };
    if on {
        HumanStyle::Color
    } else {
        HumanStyle::Plain
    }
}
