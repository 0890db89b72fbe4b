//! Command-line parsing and exit codes. Exit 0: nothing reached the gate;
//! 1: a finding reached it; 2: the tool could not do its job.

use std::io;

use clap::{CommandFactory, Parser};
use seedance_preflight::Code;

mod args;
mod check;
mod dialects;
#[cfg(feature = "fix")]
mod fix;
mod flags;
mod probe;
mod run;

use args::{Cli, Command, ListFormat};

/// Exit status when a finding reaches the gate.
pub(crate) const EXIT_FINDINGS: i32 = 1;
/// Exit status when the tool could not do its job.
pub(crate) const EXIT_TOOL_FAILURE: i32 = 2;
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
        Command::Check(args) => check::check(*args),
        Command::Probe(args) => probe::probe(args),
        Command::Explain { code } => explain(&code),
        Command::Rules { format } => rules(format),
        #[cfg(feature = "fix")]
        Command::Fix(args) => fix::fix(*args),
        #[cfg(not(feature = "fix"))]
        Command::Fix(_) => usage_error("this build has no `fix` (the `fix` feature is off)"),
        Command::Dialects {
            id,
            dialect_files,
            format,
        } => dialects::dialects(id, dialect_files, format),
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
        Some(c) => print_out(&seedance_preflight::rules::docs::explain(c)),
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
    let text = match format {
        ListFormat::Human => Code::ALL
            .iter()
            .map(|c| {
                format!(
                    "{:<7} {:<30} {:<8} {}\n",
                    c.as_str(),
                    c.name(),
                    c.default_severity().as_str(),
                    c.summary()
                )
            })
            .collect::<String>(),
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
            format!(
                "{}\n",
                serde_json::to_string_pretty(&list).unwrap_or_default()
            )
        }
    };
    print_out(&text)
}

/// Writes to standard output; a closed pipe (`| head -1`) ends quietly with
/// status 0, any other write error is a tool failure.
fn print_out(text: &str) -> i32 {
    use std::io::Write;
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => 0,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            eprintln!("seedance-preflight: cannot write: {e}");
            EXIT_TOOL_FAILURE
        }
    }
}

pub(crate) fn usage_error(msg: &str) -> i32 {
    eprintln!("seedance-preflight: {msg}");
    EXIT_TOOL_FAILURE
}
