//! Command-line parsing and exit codes. Exit 0: nothing reached the gate;
//! 1: a finding reached it; 2: the tool could not do its job.

use std::io::{self, IsTerminal, Write};

use clap::{Parser, Subcommand, ValueEnum};
use seedance_preflight::report::{self, Format, HumanStyle};
use seedance_preflight::{check_documents, input, Dialect, Options, Severity};

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
    /// Check request files against the limits of the service.
    Check(CheckArgs),
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Request JSON files, `-` for standard input, directories (every *.json and
    /// *.jsonl below), or .jsonl files (one request per line).
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<String>,
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
    #[arg(long, value_enum, default_value = "error")]
    fail_on: FailOn,
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
        Command::Check(args) => check(args),
    }
}

fn check(args: CheckArgs) -> i32 {
    let opts = Options {
        dialect: args.dialect.map(|d| match d {
            DialectArg::Unified => Dialect::Unified,
            DialectArg::Open => Dialect::Open,
        }),
        rules: seedance_preflight::RuleOptions {
            allow_local_paths: !args.require_urls,
        },
        fail_on: match args.fail_on {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        },
    };
    // Media probing is not part of this build yet: every run is request-level.
    let _ = args.no_fetch;
    let (docs, errors) = input::expand(&args.paths, &mut io::stdin().lock());
    for e in &errors {
        eprintln!("seedance-preflight: cannot read {e}");
    }
    let report = check_documents(&docs, &opts);
    let format = match args.format {
        FormatArg::Json => Format::Json,
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
