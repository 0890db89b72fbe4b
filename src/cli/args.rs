//! The command line's shape: subcommands, flags and their values (clap).

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "seedance-preflight",
    version,
    about = "Checks Seedance 2.0 video-generation requests before you submit them"
)]
pub(super) struct Cli {
    #[command(subcommand)]
    pub(super) command: Command,
}

#[derive(Subcommand)]
pub(super) enum Command {
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
    /// Rewrite failing requests and their media so that they pass: request
    /// fields, images, audio, and video through ffmpeg. Originals are never
    /// modified; the output is checked again.
    Fix(Box<FixArgs>),
    /// A validating proxy in front of the API: requests to a dialect's
    /// endpoint are judged like `check`; a rejected one is answered with a
    /// 400 in the dialect's own error shape, the rest is forwarded.
    Serve(Box<ServeArgs>),
    /// List the loaded dialects, or describe one: endpoint, where the prompt
    /// and media are, item types, roles and modes, fields, models.
    Dialects {
        /// The dialect to describe (all when absent).
        id: Option<String>,
        /// Load a dialect described in a file as well (repeatable).
        #[arg(long = "dialect-file", value_name = "FILE")]
        dialect_files: Vec<std::path::PathBuf>,
        /// Output format (JSON: the dialect as loaded, family limits merged).
        #[arg(long, value_enum, default_value = "human")]
        format: ListFormat,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or with --dir write one page per
    /// subcommand there.
    Man {
        /// Write `seedance-preflight.1` and `seedance-preflight-<command>.1`
        /// into this folder instead.
        #[arg(long, value_name = "DIR")]
        dir: Option<std::path::PathBuf>,
    },
}

#[derive(clap::Args)]
pub(super) struct ServeArgs {
    /// Where to listen.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub(super) listen: std::net::SocketAddr,
    /// The real API's base URL (`https://ark.cn-beijing.volces.com`).
    #[arg(long, value_name = "URL")]
    pub(super) upstream: String,
    /// Forward everything and only report (response headers and metrics):
    /// for a gentle rollout.
    #[arg(long)]
    pub(super) dry_run: bool,
    /// Judge request fields only: fetch no media.
    #[arg(long)]
    pub(super) no_fetch: bool,
    /// Requests handled at once; more wait their turn.
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub(super) max_concurrency: usize,
    /// Seconds a client may take to send its request headers.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub(super) header_timeout: f64,
    /// Seconds a client may take to send its body.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    pub(super) body_timeout: f64,
    /// Seconds the judging of one request may take (media not checked by
    /// then is SRC003).
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    pub(super) judge_deadline: f64,
    /// Seconds the upstream may take to answer.
    #[arg(long, value_name = "SECONDS", default_value_t = 120.0)]
    pub(super) upstream_timeout: f64,
    /// Seconds what was probed of a media URL is reused by later requests
    /// (at most 10,000 URLs; 0: every request fetches its media).
    #[arg(long, value_name = "SECONDS", default_value_t = 600.0)]
    pub(super) cache_ttl: f64,
    #[command(flatten)]
    pub(super) gate: GateArgs,
    #[command(flatten)]
    pub(super) net: NetArgs,
}

#[derive(Clone, Copy, ValueEnum)]
pub(super) enum ListFormat {
    Human,
    Json,
}

/// How URLs are fetched (shared by `check` and `probe`).
#[derive(clap::Args)]
pub(super) struct NetArgs {
    /// Fetch from loopback addresses too (a local test server). The service
    /// itself still cannot reach them: SRC002 is still reported.
    #[arg(long, help_heading = "Fetching URLs")]
    pub(super) allow_loopback: bool,
    /// Deprecated: the same as --allow-loopback (it no longer opens every
    /// private range).
    #[arg(long, hide = true)]
    pub(super) allow_private_addresses: bool,
    /// Fetch from this host (HOST or HOST:PORT) even when it resolves to a
    /// private address (repeatable). Link-local addresses stay refused.
    #[arg(long, value_name = "HOST[:PORT]", help_heading = "Fetching URLs")]
    pub(super) allow_host: Vec<String>,
    /// Fetch from this private address range (repeatable), e.g. 10.1.0.0/16.
    /// Link-local addresses stay refused.
    #[arg(long, value_name = "CIDR", help_heading = "Fetching URLs")]
    pub(super) allow_cidr: Vec<String>,
    /// Seconds allowed for everything one URL needs.
    #[arg(
        long,
        default_value_t = 20.0,
        value_name = "SECONDS",
        help_heading = "Fetching URLs"
    )]
    pub(super) timeout: f64,
    /// Seconds allowed to connect.
    #[arg(
        long,
        default_value_t = 5.0,
        value_name = "SECONDS",
        help_heading = "Fetching URLs"
    )]
    pub(super) connect_timeout: f64,
    /// Redirects followed (each hop checked) before giving up.
    #[arg(
        long,
        default_value_t = 5,
        value_name = "N",
        help_heading = "Fetching URLs"
    )]
    pub(super) max_redirects: usize,
    /// Send requests through this proxy (no system proxy is ever used).
    #[arg(long, value_name = "URL", help_heading = "Fetching URLs")]
    pub(super) proxy: Option<String>,
}

/// How far `--deep` goes.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum DeepArg {
    /// Images with the `image` crate, audio with symphonia (every packet).
    Decode,
    /// As `decode`, and videos decoded by ffmpeg (on PATH).
    Ffmpeg,
}

impl DeepArg {
    pub(super) fn mode(arg: Option<DeepArg>) -> seedance_preflight::Deep {
        match arg {
            None => seedance_preflight::Deep::Off,
            Some(DeepArg::Decode) => seedance_preflight::Deep::Decode,
            Some(DeepArg::Ffmpeg) => seedance_preflight::Deep::Ffmpeg,
        }
    }
}

#[derive(clap::Args)]
pub(super) struct ProbeArgs {
    /// Media files or http(s) URLs.
    #[arg(value_name = "PATH|URL", required = true)]
    pub(super) paths: Vec<String>,
    #[command(flatten)]
    pub(super) net: NetArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub(super) format: FormatArg,
    /// Bytes a probe may read from one file.
    #[arg(long, default_value_t = seedance_preflight::source::DEFAULT_BUDGET, value_name = "BYTES")]
    pub(super) budget: u64,
    /// Files probed at once (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub(super) jobs: Option<usize>,
    /// Decode every local asset in full after its header probe, to prove
    /// the data is intact (reads whole files: slower). `--deep=ffmpeg`
    /// decodes videos with ffmpeg too.
    #[arg(long, value_enum, value_name = "HOW", num_args = 0..=1, require_equals = true, default_missing_value = "decode")]
    pub(super) deep: Option<DeepArg>,
}

#[derive(clap::Args)]
pub(super) struct CheckArgs {
    /// Request JSON files, `-` for standard input, directories (every *.json and
    /// *.jsonl below), or .jsonl files (one request per line).
    #[arg(value_name = "PATH")]
    pub(super) paths: Vec<String>,
    /// Build a request from flags: the model (its dialect decides the field names).
    #[arg(long, value_name = "MODEL", help_heading = "Request from flags")]
    pub(super) model: Option<String>,
    /// The prompt of a request built from flags.
    #[arg(long, value_name = "TEXT", help_heading = "Request from flags")]
    pub(super) prompt: Option<String>,
    /// An image (path or URL); repeat for more.
    #[arg(
        long = "image",
        value_name = "PATH|URL",
        help_heading = "Request from flags"
    )]
    pub(super) images: Vec<String>,
    /// A reference video; repeat for more.
    #[arg(
        long = "video",
        value_name = "PATH|URL",
        help_heading = "Request from flags"
    )]
    pub(super) videos: Vec<String>,
    /// A reference audio clip; repeat for more.
    #[arg(
        long = "audio",
        value_name = "PATH|URL",
        help_heading = "Request from flags"
    )]
    pub(super) audios: Vec<String>,
    /// Output length in seconds.
    #[arg(long, value_name = "SECONDS", help_heading = "Request from flags")]
    pub(super) duration: Option<String>,
    /// Output quality (`quality` / `resolution`).
    #[arg(long, value_name = "Q", help_heading = "Request from flags")]
    pub(super) quality: Option<String>,
    /// Output aspect ratio.
    #[arg(long, value_name = "W:H", help_heading = "Request from flags")]
    pub(super) aspect_ratio: Option<String>,
    /// Bytes a probe may read from one asset.
    #[arg(long, default_value_t = seedance_preflight::source::DEFAULT_BUDGET, value_name = "BYTES")]
    pub(super) budget: u64,
    /// Assets probed at once (default: one per core; at least 8 with URLs).
    #[arg(long, short = 'j', value_name = "N")]
    pub(super) jobs: Option<usize>,
    #[command(flatten)]
    pub(super) net: NetArgs,
    /// Decode every local asset in full after its header probe, to prove
    /// the data is intact (reads whole files: slower). `--deep=ffmpeg`
    /// decodes videos with ffmpeg too.
    #[arg(long, value_enum, value_name = "HOW", num_args = 0..=1, require_equals = true, default_missing_value = "decode")]
    pub(super) deep: Option<DeepArg>,
    /// Request-level rules only: no file, DNS or network access for media.
    #[arg(long)]
    pub(super) no_fetch: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub(super) format: FormatArg,
    #[command(flatten)]
    pub(super) gate: GateArgs,
    /// Leave out what this glob matches when walking folders (repeatable;
    /// `node_modules`, `**/golden.json`). `.gitignore` is obeyed as well.
    #[arg(long, value_name = "GLOB")]
    pub(super) exclude: Vec<String>,
    /// The name standard input (`-`) is reported under (locations, baselines).
    #[arg(long, value_name = "NAME")]
    pub(super) stdin_filename: Option<String>,
    /// Walk files this glob matches besides *.json and *.jsonl, and judge
    /// them even when they do not look like requests (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub(super) include: Vec<String>,
    /// Report only findings this baseline file does not record (say how
    /// many it suppressed).
    #[arg(long, value_name = "FILE")]
    pub(super) baseline: Option<std::path::PathBuf>,
    /// Record every finding of this run in FILE (a baseline) and exit 0.
    #[arg(long, value_name = "FILE")]
    pub(super) write_baseline: Option<std::path::PathBuf>,
    /// Also write the report in FORMAT to FILE (`-`: standard output, instead
    /// of --format); repeatable, all from one run: `--output sarif=out.sarif
    /// --output github=-`.
    #[arg(long, value_name = "FORMAT=FILE")]
    pub(super) output: Vec<String>,
    /// Print only the requests that fail, and the summary (human and jsonl
    /// output).
    #[arg(long, short = 'q')]
    pub(super) quiet: bool,
    /// Print the settings a request in PATH (the first PATH, or the current
    /// folder) is checked with, and where each comes from (default, config
    /// file, command line); check nothing.
    #[arg(long)]
    pub(super) show_settings: bool,
    /// Show each request's facts in human output: the predicted output
    /// (REQ090) and what was probed of each asset, a video's codec (VID008).
    /// JSON carries them always (`predicted`, `assets[].probe`, `codec`).
    #[arg(long = "show-facts", short = 'v', visible_alias = "verbose")]
    pub show_facts: bool,
    /// After the report, count the findings per code (on standard error, so
    /// machine-readable output stays valid).
    #[arg(long)]
    pub(super) statistics: bool,
    /// When to colour human output.
    #[arg(long, value_enum, default_value = "auto")]
    pub(super) color: ColorArg,
}

/// The settings of the gate, shared by `check` and `fix`: which config and
/// dialect files are read, severities, the gate, where media may come
/// from, and the run's bounds.
#[derive(clap::Args)]
pub(super) struct GateArgs {
    /// Read every request as this dialect instead of detecting it (`unified`,
    /// `open`, `ark`, or the id of a loaded dialect file).
    #[arg(long, value_name = "ID")]
    pub(super) dialect: Option<String>,
    /// Load a dialect described in a file (repeatable; see docs/dialects.md).
    #[arg(long = "dialect-file", value_name = "FILE")]
    pub(super) dialect_files: Vec<std::path::PathBuf>,
    /// The lowest severity that fails a request (exit 1) [default: error, or the config's `fail_on`].
    #[arg(long, value_enum)]
    pub(super) fail_on: Option<FailOn>,
    /// Make these codes or families (`IMG008`, `VID`) errors; repeatable.
    #[arg(long, value_name = "CODE|FAMILY", help_heading = "Severity")]
    pub(super) deny: Vec<String>,
    /// Make these codes or families warnings; repeatable.
    #[arg(long, value_name = "CODE|FAMILY", help_heading = "Severity")]
    pub(super) warn: Vec<String>,
    /// Turn these codes or families off; repeatable.
    #[arg(long, value_name = "CODE|FAMILY", help_heading = "Severity")]
    pub(super) allow: Vec<String>,
    /// Read this config file for every request, instead of the
    /// seedance-preflight.toml nearest each checked file (from its folder
    /// upward).
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub(super) config: Option<std::path::PathBuf>,
    /// Use no config file.
    #[arg(long)]
    pub(super) no_config: bool,
    /// For untrusted checkouts (a pull request): read no config file and no
    /// dialect file that is not named on the command line, obey no
    /// `.gitignore`/`.ignore` file and walk hidden files too (only `.git` is
    /// skipped). Nothing the checkout holds can loosen the gate or hide a
    /// request from it.
    #[arg(long)]
    pub(super) isolated: bool,
    /// Media entries must be http(s) URLs: a local path is SRC001 and is not
    /// opened.
    #[arg(long)]
    pub(super) require_urls: bool,
    /// Local media paths must lie inside DIR (after `..` and symbolic links):
    /// others are SRC001 and are not opened. Recommended in CI: `--media-root .`
    /// (or `--require-urls`).
    #[arg(long, value_name = "DIR")]
    pub(super) media_root: Option<std::path::PathBuf>,
    /// Seconds the whole run may take: assets not checked by then get SRC003
    /// and the report is still written (0: no limit).
    #[arg(long, value_name = "SECONDS", default_value_t = 300.0)]
    pub(super) deadline: f64,
    /// Most distinct URLs one run fetches; the rest are reported unchecked.
    #[arg(long, value_name = "N", default_value_t = seedance_preflight::DEFAULT_MAX_URLS)]
    pub(super) max_urls: usize,
}

#[derive(Clone, Copy, ValueEnum)]
pub(super) enum FormatArg {
    Human,
    Json,
    /// SARIF 2.1.0 (check only).
    Sarif,
    /// JUnit XML (check only).
    Junit,
    /// GitHub Actions annotations (check only).
    Github,
    /// One JSON request report per line, then a summary line; streamed
    /// (check only).
    Jsonl,
}

#[derive(Clone, Copy, ValueEnum)]
pub(super) enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
pub(super) enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args)]
pub(super) struct FixArgs {
    /// Request files or folders (JSON).
    #[arg(value_name = "PATH", required = true)]
    pub(super) paths: Vec<String>,
    /// Where the rewritten requests go; new assets go under DIR/assets/.
    #[arg(long, value_name = "DIR")]
    pub(super) out: std::path::PathBuf,
    /// Print the plan (each action, its input and output, the exact ffmpeg
    /// command) and write nothing.
    #[arg(long)]
    pub(super) dry_run: bool,
    /// Allow changes that remove content: trimming audio and video, cropping.
    #[arg(long)]
    pub(super) allow_lossy: bool,
    /// Bring an image's ratio into range by centre-cropping (with
    /// --allow-lossy) instead of padding.
    #[arg(long)]
    pub(super) crop: bool,
    /// Padding colour, `RRGGBB` or `RRGGBBAA` hex.
    #[arg(long, value_name = "HEX", default_value = "000000")]
    pub(super) pad_color: String,
    /// Pad audio shorter than the minimum with silence.
    #[arg(long)]
    pub(super) pad_silence: bool,
    /// The ffmpeg binary (default: `ffmpeg` on PATH).
    #[arg(long, value_name = "PATH")]
    pub(super) ffmpeg: Option<std::path::PathBuf>,
    /// Longest one ffmpeg run may take, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 600.0)]
    pub(super) ffmpeg_timeout: f64,
    /// Point rewritten entries at PREFIX/<name> (for users who upload
    /// DIR/assets/ themselves) instead of the local files.
    #[arg(long, value_name = "PREFIX")]
    pub(super) rewrite_urls: Option<String>,
    /// Fetch remote assets that need fixing (through the same guard as
    /// checking) into DIR/downloads/, and fix them there.
    #[arg(long)]
    pub(super) download: bool,
    /// The largest file --download fetches, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 200_000_000)]
    pub(super) download_max: u64,
    /// Most files --download fetches in one run; the jobs past it are not
    /// run, and say why.
    #[arg(long, value_name = "N", default_value_t = seedance_preflight::DEFAULT_MAX_URLS)]
    pub(super) max_downloads: usize,
    #[command(flatten)]
    pub(super) gate: GateArgs,
    #[command(flatten)]
    pub(super) net: NetArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub(super) format: ListFormat,
}
