//! Command-line parsing and exit codes. Exit 0: nothing reached the gate;
//! 1: a finding reached it; 2: the tool could not do its job.

use std::io;

use clap::{CommandFactory, Parser};

/// One line on standard error, control characters escaped: a file name
/// holding a newline cannot print a line of its own (on a GitHub runner, a
/// line `::error …` or `::add-mask::…` is a workflow command).
macro_rules! say {
    ($($t:tt)*) => {
        eprintln!("{}", seedance_preflight::report::escape_controls(&format!($($t)*)))
    };
}
use seedance_preflight::Code;

mod args;
mod check;
mod complete;
mod dialects;
#[cfg(feature = "fix")]
mod fix;
mod flags;
mod gate;
mod net;
mod probe;
mod run;
#[cfg(feature = "serve")]
mod serve;
mod settings;

use args::{Cli, Command, ListFormat};

/// Exit status when a finding reaches the gate.
pub(crate) const EXIT_FINDINGS: i32 = 1;
/// Exit status when the tool could not do its job.
pub(crate) const EXIT_TOOL_FAILURE: i32 = 2;
/// Parses the process's arguments, runs the command, and returns the exit
/// status.
pub fn run() -> i32 {
    run_from(std::env::args_os())
}

/// Parses `args` (the program name first), runs the command, and returns
/// the exit status: what the Python package's console script calls.
pub fn run_from<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
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
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve::serve(*args),
        #[cfg(not(feature = "serve"))]
        Command::Serve(_) => usage_error("this build has no `serve` (the `serve` feature is off)"),
        Command::Dialects {
            id,
            dialect_files,
            format,
        } => dialects::dialects(id, dialect_files, format),
        Command::Completions { shell } => print_out(&complete::script(shell)),
        Command::Man { dir } => man(dir),
    }
}

/// Sections every page shares.
const MAN_EXTRA: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
nothing reached the gate (with \fBfix\fR: every written request passes)
.TP
\fB1\fR
a finding reached the gate (\fB\-\-fail\-on\fR; with \fBfix\fR: something could not be fixed)
.TP
\fB2\fR
the tool could not do its job: a usage error, an unreadable path, a bad config or dialect file
.SH ENVIRONMENT
.TP
\fBNO_COLOR\fR
when set and not empty, no colour (unless \fB\-\-color always\fR)
.TP
\fBCLICOLOR_FORCE\fR
when set and not 0, colour even when standard output is not a terminal
.TP
\fBCLICOLOR\fR
when 0, no colour
.SH FILES
.TP
\fBseedance\-preflight.toml\fR
the config, found from the current folder upward (\fB\-\-config\fR, \fB\-\-no\-config\fR)
.TP
\fB.gitignore\fR, \fB.ignore\fR
obeyed when walking folders
"#;

fn man_page(cmd: clap::Command) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut out)?;
    out.extend_from_slice(MAN_EXTRA.as_bytes());
    Ok(out)
}

fn man(dir: Option<std::path::PathBuf>) -> i32 {
    let top = Cli::command();
    let Some(dir) = dir else {
        return match man_page(top) {
            Ok(page) => print_out(&String::from_utf8_lossy(&page)),
            Err(e) => usage_error(&format!("cannot write the man page: {e}")),
        };
    };
    let mut pages = vec![("seedance-preflight.1".to_string(), top.clone())];
    for sub in top.get_subcommands() {
        let name: &'static str =
            Box::leak(format!("seedance-preflight-{}", sub.get_name()).into_boxed_str());
        pages.push((format!("{name}.1"), sub.clone().name(name)));
    }
    let written = std::fs::create_dir_all(&dir).and_then(|()| {
        for (file, cmd) in pages {
            std::fs::write(dir.join(file), man_page(cmd)?)?;
        }
        Ok(())
    });
    match written {
        Ok(()) => 0,
        Err(e) => usage_error(&format!("cannot write man pages to {}: {e}", dir.display())),
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
    use seedance_preflight::rules::FACTS;
    let text = match format {
        ListFormat::Human => Code::ALL
            .iter()
            .map(|c| {
                format!(
                    "{:<7} {:<30} {:<8} {}\n",
                    c.as_str(),
                    c.name(),
                    if FACTS.contains(c) {
                        "fact"
                    } else {
                        c.default_severity().as_str()
                    },
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
                        "fact": FACTS.contains(c),
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
            say!("seedance-preflight: cannot write: {e}");
            EXIT_TOOL_FAILURE
        }
    }
}

pub(crate) fn usage_error(msg: &str) -> i32 {
    say!("seedance-preflight: {msg}");
    EXIT_TOOL_FAILURE
}
