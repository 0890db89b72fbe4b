//! `fix`: plan, and unless `--dry-run`, run the plan and check the output,
//! chunk by chunk under the same settings as `check`.

use std::fmt::Write as _;
use std::io::{Seek, Write as _};
use std::path::Path;

use seedance_preflight::fix::{self, FixOptions, Fixer, Plan};
use seedance_preflight::{input, Options};

use super::args::{FixArgs, ListFormat};
use super::{print_out, usage_error, EXIT_FINDINGS, EXIT_TOOL_FAILURE};

pub(super) fn fix(args: FixArgs) -> i32 {
    let remote = match args.net.options() {
        Ok(r) => r,
        Err(e) => return usage_error(&e),
    };
    let Some(pad_color) = parse_color(&args.pad_color) else {
        return usage_error(&format!(
            "--pad-color `{}` is not RRGGBB or RRGGBBAA hex",
            args.pad_color
        ));
    };
    let Some(timeout) = std::time::Duration::try_from_secs_f64(args.ffmpeg_timeout)
        .ok()
        .filter(|d| !d.is_zero())
    else {
        return usage_error("--ffmpeg-timeout must be a positive number of seconds");
    };
    if let Some(p) = &args.ffmpeg {
        if !p.is_file() {
            return usage_error(&format!("--ffmpeg {}: not a file", p.display()));
        }
    }
    // The same settings as `check` for the same files: configs (unless
    // --isolated), dialect files, severities, the gate, and the run's bounds.
    let bare = Options {
        remote,
        ..Options::default()
    };
    let gate = match args.gate.resolve(bare, Path::new("")) {
        Ok(g) => g,
        Err(e) => return usage_error(&e),
    };
    let mut selection = input::Selection {
        isolated: args.gate.isolated,
        ..input::Selection::default()
    };
    if let Some(l) = gate.resolver.root_config() {
        selection.exclude.extend(l.config.exclude.iter().cloned());
        selection.include.extend(l.config.include.iter().cloned());
    }
    let opts = FixOptions {
        allow_lossy: args.allow_lossy,
        crop: args.crop,
        pad_color,
        pad_silence: args.pad_silence,
        ffmpeg: args.ffmpeg.clone(),
        ffmpeg_timeout: timeout,
        rewrite_urls: args.rewrite_urls.clone(),
        download: args.download,
        download_max_bytes: args.download_max,
        max_downloads: args.max_downloads,
        ..FixOptions::new(&args.out)
    };
    let out = match args.format {
        ListFormat::Human => Out::Human(String::new()),
        ListFormat::Json => match JsonOut::new() {
            Ok(j) => Out::Json(Box::new(j)),
            Err(e) => return usage_error(&format!("cannot make a temporary file: {e}")),
        },
    };
    let config = gate.resolver.root().map(Path::to_path_buf);
    let mut run = FixRun {
        fixer: Fixer::new(opts),
        resolver: gate.resolver,
        config,
        opts: gate.root_opts,
        dry_run: args.dry_run,
        chunk: Vec::new(),
        chunk_bytes: 0,
        out,
        requests: 0,
        passed: 0,
        left: false,
        input_errors: 0,
        failure: None,
    };
    let walked = input::expand_selected(
        &args.paths,
        &mut std::io::empty(),
        &selection,
        &mut |item| match item {
            Ok(doc) => run.push(doc),
            Err(e) => {
                say!("seedance-preflight: cannot read {e}");
                run.input_errors += 1;
            }
        },
    );
    if let Err(e) = walked {
        return usage_error(&e);
    }
    run.finish()
}

/// Most documents, and most request bytes, fixed at once.
const CHUNK_DOCS: usize = 1024;
const CHUNK_BYTES: usize = 64 << 20;

/// A fix run: documents checked, planned and fixed in bounded chunks (one
/// config each), each chunk's output written or spilled as it goes.
struct FixRun {
    resolver: seedance_preflight::settings::Resolver,
    fixer: Fixer,
    /// The config of the current chunk, and its options.
    config: Option<std::path::PathBuf>,
    opts: Options,
    dry_run: bool,
    chunk: Vec<input::Document>,
    chunk_bytes: usize,
    out: Out,
    requests: usize,
    passed: usize,
    /// A dry run: something is left unfixable or blocked.
    left: bool,
    input_errors: usize,
    /// Why the run stopped (the tool could not do its job).
    failure: Option<String>,
}

impl FixRun {
    fn push(&mut self, doc: input::Document) {
        if self.failure.is_some() {
            return;
        }
        let config = self.resolver.config_of(&doc.source);
        if config != self.config {
            self.flush();
            match super::settings::options(&mut self.resolver, &config) {
                Ok(o) => {
                    self.opts = o;
                    self.config = config;
                }
                Err(e) => {
                    say!("seedance-preflight: {}: {e}", doc.source.display());
                    self.input_errors += 1;
                    return;
                }
            }
        }
        self.chunk_bytes += match &doc.body {
            input::Body::Bytes(b) => b.len(),
            _ => 0,
        };
        self.chunk.push(doc);
        if self.chunk.len() >= CHUNK_DOCS || self.chunk_bytes >= CHUNK_BYTES {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.chunk.is_empty() || self.failure.is_some() {
            self.chunk.clear();
            return;
        }
        let docs = std::mem::take(&mut self.chunk);
        self.chunk_bytes = 0;
        let texts: Vec<Option<String>> = docs.iter().map(input::Document::text).collect();
        let report = seedance_preflight::check_documents(&docs, &self.opts);
        drop(docs);
        let plan = self.fixer.plan(&report, &texts, &self.opts);
        drop((report, texts));
        self.requests += plan.requests.len();
        let done = if self.dry_run {
            self.left |= plan.requests.iter().any(|r| !r.unfixable.is_empty())
                || plan.jobs.iter().any(|j| j.blocked.is_some());
            None
        } else {
            match self.fixer.execute(&plan, &self.opts) {
                Ok(d) => {
                    self.passed += d.requests.iter().filter(|r| r.passes).count();
                    Some(d)
                }
                Err(e) => {
                    self.failure = Some(e.to_string());
                    return;
                }
            }
        };
        if let Err(e) = self.out.chunk(&plan, done.as_ref()) {
            self.failure = Some(format!("cannot write the report: {e}"));
        }
    }

    fn finish(mut self) -> i32 {
        self.flush();
        if let Some(e) = self.failure {
            return usage_error(&e);
        }
        if self.requests == 0 && self.input_errors == 0 {
            return usage_error("no request files found");
        }
        let text = match self.out {
            Out::Human(mut s) => {
                if !self.dry_run {
                    let _ = writeln!(
                        s,
                        "{} request{}: {} pass after fixing, {} still fail",
                        self.requests,
                        if self.requests == 1 { "" } else { "s" },
                        self.passed,
                        self.requests - self.passed
                    );
                }
                Ok(s)
            }
            Out::Json(j) => j.finish(self.dry_run, self.fixer.ffmpeg()),
        };
        let code = match text {
            Ok(t) => print_out(&t),
            Err(e) => return usage_error(&format!("cannot write the report: {e}")),
        };
        if code != 0 {
            code
        } else if self.input_errors > 0 {
            EXIT_TOOL_FAILURE
        } else if (self.dry_run && self.left) || (!self.dry_run && self.passed < self.requests) {
            EXIT_FINDINGS
        } else {
            0
        }
    }
}

/// The output of a fix run.
enum Out {
    /// Each chunk's text, printed as it is made.
    Human(String),
    /// The four arrays of the JSON document, spilled to temporary files
    /// as the run goes and written out at the end.
    Json(Box<JsonOut>),
}

impl Out {
    fn chunk(&mut self, plan: &Plan, done: Option<&fix::Executed>) -> std::io::Result<()> {
        match self {
            Out::Human(_) => {
                let mut s = human_plan(plan);
                if let Some(done) = done {
                    let _ = writeln!(s);
                    for j in &done.jobs {
                        let _ = writeln!(
                            s,
                            "{} job {}: {}",
                            if j.ok { "wrote" } else { "FAILED" },
                            j.id,
                            j.detail
                        );
                    }
                    for r in &done.requests {
                        let out = r.output.as_deref().unwrap_or("(not written)");
                        if r.passes {
                            let _ = writeln!(s, "PASS {out}");
                        } else {
                            let codes: Vec<String> =
                                r.remaining.iter().map(|c| c.to_string()).collect();
                            let _ = writeln!(s, "FAIL {out}: {} remain", codes.join(", "));
                        }
                    }
                }
                let mut o = std::io::stdout().lock();
                o.write_all(s.as_bytes())?;
                o.flush()
            }
            Out::Json(j) => {
                for r in &plan.requests {
                    j.plan_requests.push(r)?;
                }
                for job in &plan.jobs {
                    j.plan_jobs.push(job)?;
                }
                if let Some(done) = done {
                    for r in &done.requests {
                        j.result_requests.push(r)?;
                    }
                    for job in &done.jobs {
                        j.result_jobs.push(job)?;
                    }
                }
                Ok(())
            }
        }
    }
}

/// `fix --format json`, streamed: the document's arrays are written to
/// temporary files element by element, then the document around them (keys
/// in order, as `docs/fix-format.md` shows them).
struct JsonOut {
    plan_jobs: SpillArray,
    plan_requests: SpillArray,
    result_jobs: SpillArray,
    result_requests: SpillArray,
}

impl JsonOut {
    fn new() -> std::io::Result<JsonOut> {
        Ok(JsonOut {
            plan_jobs: SpillArray::new(6)?,
            plan_requests: SpillArray::new(6)?,
            result_jobs: SpillArray::new(6)?,
            result_requests: SpillArray::new(6)?,
        })
    }

    fn finish(self, dry_run: bool, ffmpeg: Option<&Path>) -> std::io::Result<String> {
        let mut out = Vec::new();
        let ffmpeg = serde_json::to_string(&ffmpeg.map(|p| p.display().to_string()))
            .unwrap_or_else(|_| "null".into());
        write!(
            out,
            "{{\n  \"dry_run\": {dry_run},\n  \"plan\": {{\n    \"ffmpeg\": {ffmpeg},\n    \"jobs\": "
        )?;
        self.plan_jobs.write_to(&mut out)?;
        write!(out, ",\n    \"requests\": ")?;
        self.plan_requests.write_to(&mut out)?;
        write!(out, ",\n    \"version\": {}\n  }},\n", fix::FORMAT_VERSION)?;
        if !dry_run {
            write!(out, "  \"result\": {{\n    \"jobs\": ")?;
            self.result_jobs.write_to(&mut out)?;
            write!(out, ",\n    \"requests\": ")?;
            self.result_requests.write_to(&mut out)?;
            write!(out, "\n  }},\n")?;
        }
        write!(out, "  \"version\": {}\n}}\n", fix::FORMAT_VERSION)?;
        String::from_utf8(out).map_err(std::io::Error::other)
    }
}

/// One array of a pretty-printed JSON document, its elements written to a
/// temporary file as they come.
struct SpillArray {
    spill: std::io::BufWriter<seedance_preflight::outfile::Spill>,
    /// Spaces before each element.
    indent: usize,
    len: usize,
}

impl SpillArray {
    fn new(indent: usize) -> std::io::Result<SpillArray> {
        Ok(SpillArray {
            spill: std::io::BufWriter::new(seedance_preflight::outfile::Spill::new()?),
            indent,
            len: 0,
        })
    }

    fn push(&mut self, v: &impl serde::Serialize) -> std::io::Result<()> {
        let value = serde_json::to_value(v).map_err(std::io::Error::other)?;
        let text = serde_json::to_string_pretty(&value).map_err(std::io::Error::other)?;
        let pad = " ".repeat(self.indent);
        self.spill
            .write_all(if self.len == 0 { b"\n" } else { b",\n" })?;
        self.spill.write_all(pad.as_bytes())?;
        self.spill
            .write_all(text.replace('\n', &format!("\n{pad}")).as_bytes())?;
        self.len += 1;
        Ok(())
    }

    fn write_to(self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        if self.len == 0 {
            return out.write_all(b"[]");
        }
        let mut spill = self.spill.into_inner().map_err(|e| e.into_error())?;
        out.write_all(b"[")?;
        spill.file.seek(std::io::SeekFrom::Start(0))?;
        std::io::copy(&mut spill.file, out)?;
        write!(out, "\n{}]", " ".repeat(self.indent - 2))
    }
}

fn parse_color(hex: &str) -> Option<[u8; 4]> {
    let h = hex.trim_start_matches('#');
    if !(h.len() == 6 || h.len() == 8) || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
    Some([
        byte(0)?,
        byte(2)?,
        byte(4)?,
        if h.len() == 8 { byte(6)? } else { 255 },
    ])
}

fn human_plan(plan: &Plan) -> String {
    let mut s = String::new();
    for r in &plan.requests {
        let _ = writeln!(
            s,
            "{} → {}",
            r.input,
            r.output.as_deref().unwrap_or("(not rewritten)")
        );
        for e in &r.edits {
            let code = e.code.map_or(String::new(), |c| format!(" ({c})"));
            let _ = writeln!(
                s,
                "  edit {} {}: {} → {}{code}",
                e.action, e.pointer, e.from, e.to
            );
        }
        for id in &r.jobs {
            let _ = writeln!(s, "  uses job {id}");
        }
        for u in &r.unfixable {
            let at = u
                .pointer
                .as_deref()
                .map_or(String::new(), |p| format!(" {p}"));
            let _ = writeln!(s, "  cannot fix {}{at}: {}", u.code, u.reason);
        }
    }
    for j in &plan.jobs {
        let codes: Vec<String> = j.codes.iter().map(|c| c.to_string()).collect();
        let _ = writeln!(
            s,
            "job {} ({}{}; {}): {} → {}",
            j.id,
            j.kind,
            if j.lossy { ", lossy" } else { "" },
            codes.join(", "),
            j.input,
            j.output
        );
        for a in &j.actions {
            let _ = writeln!(s, "  {a}");
        }
        if let Some(c) = &j.command {
            let _ = writeln!(s, "  $ {c}");
        }
        if let Some(b) = &j.blocked {
            let _ = writeln!(s, "  blocked: {b}");
        }
    }
    s
}
