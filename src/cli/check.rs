//! `check`: requests from files, standard input or flags; config and
//! severity layers; the run and its output.

use std::io;

use super::args::{CheckArgs, ColorArg, FormatArg};
use super::flags::{request_from_flags, FLAGS};
use super::run::{Dest, Run, Sink};
use super::settings;
use super::usage_error;
use seedance_preflight::report::baseline::Baseline;
use seedance_preflight::report::{self, HumanStyle, OutputFormat};
use seedance_preflight::{input, Options};

pub(super) fn check(mut args: CheckArgs) -> i32 {
    let remote = match args.net.options() {
        Ok(r) => r,
        Err(e) => return usage_error(&e),
    };
    let bare = Options {
        fetch: !args.no_fetch,
        budget: args.budget,
        jobs: args.jobs.unwrap_or(0),
        remote,
        deep: super::args::DeepArg::mode(args.deep),
        ..Options::default()
    };
    // The config of requests without a folder of their own, and of the
    // walk's `exclude`/`include`: `--config`, else the nearest from the
    // current folder (or --stdin-filename's) upward.
    let start = stdin_folder(&args);
    let super::gate::Gate {
        resolver: mut configs,
        root_opts: opts,
        dialect: given,
    } = match args.gate.resolve(bare, &start) {
        Ok(g) => g,
        Err(e) => return usage_error(&e),
    };
    let baseline = match args.baseline.as_deref().map(Baseline::load).transpose() {
        Ok(b) => b.map(|b| b.matcher()),
        Err(e) => return usage_error(&format!("baseline: {e}")),
    };
    let mut selection = input::Selection {
        exclude: args.exclude.clone(),
        include: args.include.clone(),
        stdin_name: args.stdin_filename.clone(),
        isolated: args.gate.isolated,
    };
    if let Some(l) = configs.root_config() {
        selection.exclude.extend(l.config.exclude.iter().cloned());
        selection.include.extend(l.config.include.iter().cloned());
        if args.model.is_none() && wants_flag_request(&args) {
            args.model = l.config.model.clone();
        }
    }
    let root = configs.root().map(std::path::Path::to_path_buf);
    let in_force = std::sync::Arc::new(opts.spec().clone());
    if args.show_settings {
        let at = args.paths.first().map_or(".", String::as_str);
        return match settings::show(&mut configs, at, &args) {
            Ok(text) => {
                print!("{text}");
                0
            }
            Err(e) => usage_error(&e),
        };
    }
    if wants_flag_request(&args) && args.model.is_none() {
        return usage_error("--prompt, --image, --video, --audio, --duration, --quality and --aspect-ratio describe a request: give --model too (or `model` in the config)");
    }
    if args.paths.is_empty() && args.model.is_none() {
        return usage_error("nothing to check: give request PATHs (`-` for standard input) or describe one with --model");
    }
    let sinks = match sinks(&args) {
        Ok(s) => s,
        Err(e) => return usage_error(&e),
    };
    let (flags_doc, flag_labels) = match request_from_flags(&args, &in_force, given) {
        Some((body, labels)) => (
            Some(input::Document {
                source: seedance_preflight::Source::file(FLAGS),
                body: input::Body::Bytes(body),
            }),
            labels,
        ),
        None => (None, Vec::new()),
    };
    let keep = sinks.iter().any(|k| k.stream.is_none());
    let mut run = Run {
        opts,
        configs,
        config: root,
        sinks,
        keep,
        chunk: Vec::new(),
        chunk_bytes: 0,
        kept: Vec::new(),
        summary: report::Summary::default(),
        failed: false,
        input_errors: 0,
        quiet: args.quiet,
        flag_labels,
        statistics: args.statistics.then(Default::default),
        baseline,
        record_bytes: 0,
        record: args.write_baseline.clone().map(|p| {
            (
                p,
                seedance_preflight::report::baseline::Baseline::record([]),
            )
        }),
    };
    if let Some(code) = feed(&mut run, &args, &selection, flags_doc) {
        return code;
    }
    run.finish()
}

/// Whether request flags were given (a request is built from them).
pub(super) fn wants_flag_request(args: &CheckArgs) -> bool {
    args.model.is_some()
        || args.prompt.is_some()
        || !args.images.is_empty()
        || !args.videos.is_empty()
        || !args.audios.is_empty()
        || args.duration.is_some()
        || args.quality.is_some()
        || args.aspect_ratio.is_some()
}

/// The folder of requests with none of their own (`--stdin-filename`'s).
fn stdin_folder(args: &CheckArgs) -> std::path::PathBuf {
    args.stdin_filename
        .as_deref()
        .and_then(|n| std::path::Path::new(n).parent())
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default()
}

/// Reads every document of the PATHs (and the request built from flags)
/// into the run; `Some(exit code)` when the walk itself failed.
fn feed(
    run: &mut Run,
    args: &CheckArgs,
    selection: &input::Selection,
    flags_doc: Option<input::Document>,
) -> Option<i32> {
    let walked = input::expand_selected(
        &args.paths,
        &mut io::stdin().lock(),
        selection,
        &mut |item| match item {
            Ok(doc) => run.push(doc),
            Err(e) => {
                say!("seedance-preflight: cannot read {e}");
                run.input_errors += 1;
            }
        },
    );
    match walked {
        Err(e) => return Some(usage_error(&e)),
        Ok(w) if !w.not_requests.is_empty() && !args.quiet => say!(
            "seedance-preflight: left out {} JSON file{} below the folders given: not request{} (no `model` or `prompt`): {}{}; name a file, or --include it, to check it",
            w.not_requests.len(),
            if w.not_requests.len() == 1 { "" } else { "s" },
            if w.not_requests.len() == 1 { "" } else { "s" },
            w.not_requests.iter().take(3).cloned().collect::<Vec<_>>().join(", "),
            if w.not_requests.len() > 3 { ", …" } else { "" }
        ),
        Ok(_) => {}
    }
    if let Some(doc) = flags_doc {
        run.push(doc);
    }
    None
}

/// The outputs: standard output in `--format`, and each `--output
/// FORMAT=FILE` (one of them may take standard output instead).
fn sinks(args: &CheckArgs) -> Result<Vec<Sink>, String> {
    let mut sinks = Vec::new();
    let human = |style| {
        if args.show_facts {
            OutputFormat::Verbose(style)
        } else {
            OutputFormat::Human(style)
        }
    };
    let stdout_format = match args.format {
        FormatArg::Json => OutputFormat::Json,
        FormatArg::Sarif => OutputFormat::Sarif,
        FormatArg::Junit => OutputFormat::Junit,
        FormatArg::Github => OutputFormat::Github,
        FormatArg::Jsonl => OutputFormat::Jsonl,
        FormatArg::Human => human(human_style(args.color)),
    };
    let mut stdout_taken = false;
    for spec in &args.output {
        let (name, dest) = match spec.split_once('=') {
            Some(x) => x,
            None => {
                return Err(format!(
                    "--output {spec}: write FORMAT=FILE (`-` for standard output)"
                ))
            }
        };
        let format = match name {
            "human" => human(if dest == "-" { human_style(args.color) } else { HumanStyle::Plain }),
            "json" => OutputFormat::Json,
            "jsonl" => OutputFormat::Jsonl,
            "sarif" => OutputFormat::Sarif,
            "junit" => OutputFormat::Junit,
            "github" => OutputFormat::Github,
            other => return Err(format!("--output {spec}: unknown format `{other}` (human, json, jsonl, sarif, junit, github)")),
        };
        let out = if dest == "-" {
            if stdout_taken {
                return Err("--output: only one output may go to standard output".into());
            }
            stdout_taken = true;
            Dest::Stdout(io::BufWriter::new(io::stdout()))
        } else {
            // Written beside its name and renamed at the end: a link
            // planted at that name is refused, never written through.
            match seedance_preflight::outfile::Output::create(std::path::Path::new(dest)) {
                Ok(f) => Dest::File(io::BufWriter::new(f)),
                Err(e) => return Err(format!("--output {spec}: {e}")),
            }
        };
        sinks.push(Sink {
            format,
            out,
            stream: report::Stream::new(format),
            error: None,
        });
    }
    if !stdout_taken {
        sinks.insert(
            0,
            Sink {
                format: stdout_format,
                out: Dest::Stdout(io::BufWriter::new(io::stdout())),
                stream: report::Stream::new(stdout_format),
                error: None,
            },
        );
    }
    Ok(sinks)
}

pub(super) fn human_style(color: ColorArg) -> HumanStyle {
    let on = match color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        // anstream's choice: NO_COLOR, CLICOLOR_FORCE, CLICOLOR and TERM=dumb,
        // then whether stdout is a terminal.
        ColorArg::Auto => !matches!(
            anstream::AutoStream::choice(&io::stdout()),
            anstream::ColorChoice::Never
        ),
    };
    if on {
        HumanStyle::Color
    } else {
        HumanStyle::Plain
    }
}
