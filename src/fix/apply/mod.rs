//! The executor: runs a plan's jobs (in parallel, each once), writes the
//! rewritten requests, and checks them again.

#[cfg(feature = "remote")]
mod download;
mod image;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use super::{text, FixOptions, Job, Plan, Work};
use crate::input::{Body, Document};
use crate::report::Source;
use crate::{Code, Options, Report};

/// How one job went.
#[derive(Debug, Clone, Serialize)]
pub struct JobResult {
    /// The job.
    pub id: usize,
    /// Whether its output was written.
    pub ok: bool,
    /// What was written (`1000×401 PNG, 20 431 bytes`), or why not.
    pub detail: String,
}

/// How one request came out.
#[derive(Debug, Clone, Serialize)]
pub struct RequestResult {
    /// The request file.
    pub input: String,
    /// The rewritten request, when written.
    pub output: Option<String>,
    /// Whether the rewritten request passes the gate.
    pub passes: bool,
    /// The codes still found on the rewritten request (information left out).
    pub remaining: Vec<Code>,
}

/// The outcome of [`execute`].
#[derive(Debug, Clone, Serialize)]
pub struct Executed {
    /// Per job.
    pub jobs: Vec<JobResult>,
    /// Per request.
    pub requests: Vec<RequestResult>,
    /// The check of the written requests.
    #[serde(skip)]
    pub report: Report,
}

/// Runs `plan`: writes the new assets and requests under `opts.out` and
/// re-checks the requests with `check` (the options of the first check).
/// `Err` when the output folder cannot be made or a write would replace an
/// input (the tool cannot do its job).
pub fn execute(plan: &Plan, opts: &FixOptions, check: &Options) -> Result<Executed, crate::Error> {
    super::Fixer::new(opts.clone()).execute(plan, check)
}

impl super::Fixer {
    /// Runs `plan` (one chunk of this run, planned by [`Fixer::plan`](super::Fixer::plan)):
    /// see [`execute`]. Jobs not started by the run's deadline
    /// (`check.deadline`, from `check.started`) are not run, external
    /// programs are stopped at it, and downloads past
    /// [`FixOptions::max_downloads`] for the run are not made.
    pub fn execute(&mut self, plan: &Plan, check: &Options) -> Result<Executed, crate::Error> {
        let (done, fetched) = execute_chunk(plan, &self.opts, check, self.downloads, &self.written)
            .map_err(|m| crate::Error::new(crate::ErrorKind::Io, m))?;
        self.downloads += fetched;
        for j in &done.jobs {
            if self.written.len() <= j.id {
                self.written.resize(j.id + 1, None);
            }
            self.written[j.id] = Some(j.ok);
        }
        Ok(done)
    }
}
/// Makes `--out` and its folders (or verifies them: real folders, no link
/// at any level below the current folder) and refuses a planned output
/// that exists as anything but a regular file, or that is an input —
/// before anything is written.
fn prepare_out(plan: &Plan, opts: &FixOptions) -> Result<(), String> {
    let inputs: Vec<PathBuf> = plan
        .requests
        .iter()
        .map(|r| PathBuf::from(&r.input))
        .chain(plan.jobs.iter().map(|j| PathBuf::from(&j.input)))
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    let is_input = |p: &Path| std::fs::canonicalize(p).is_ok_and(|c| inputs.contains(&c));
    // Every folder written into is made here or verified to be a real
    // folder (no link at any level below the current folder), and every
    // planned output that exists must be a regular file: a link planted in
    // `--out` is an error naming it, before anything is written.
    super::safe::make_dir(&opts.out)?;
    let below = |name: &str| super::safe::make_dir_below(&opts.out.join(name), Some(&opts.out));
    below("assets")?;
    if plan.jobs.iter().any(|j| j.download.is_some()) {
        below("downloads")?;
    }
    if plan.jobs.iter().any(|j| j.convert.is_some()) {
        below(".decoded")?;
    }
    for out in plan
        .requests
        .iter()
        .filter_map(|r| r.output.as_deref())
        .chain(plan.jobs.iter().map(|j| j.output.as_str()))
        .chain(
            plan.jobs
                .iter()
                .filter(|j| j.download.is_some())
                .map(|j| j.input.as_str()),
        )
    {
        if is_input(Path::new(out)) {
            return Err(format!(
                "{} is one of the inputs: choose another --out folder",
                super::safe::shown(Path::new(out))
            ));
        }
        super::safe::check_target(Path::new(out))?;
    }
    Ok(())
}

/// Which jobs of this chunk may download (the run's `--max-downloads`, in
/// job order, after the `downloaded` of earlier chunks), and how many will.
fn download_allowance(plan: &Plan, opts: &FixOptions, downloaded: usize) -> (Vec<bool>, usize) {
    // The run's download cap: the downloads of this chunk, in job order,
    // up to what the earlier chunks left.
    let mut left = opts.max_downloads.saturating_sub(downloaded);
    let allowed: Vec<bool> = plan
        .jobs
        .iter()
        .map(|j| {
            if j.download.is_none() {
                return true;
            }
            let ok = left > 0;
            left = left.saturating_sub(1);
            ok
        })
        .collect();
    let fetched = allowed
        .iter()
        .zip(&plan.jobs)
        .filter(|(a, j)| **a && j.download.is_some())
        .count();
    (allowed, fetched)
}

fn execute_chunk(
    plan: &Plan,
    opts: &FixOptions,
    check: &Options,
    downloaded: usize,
    earlier: &[Option<bool>],
) -> Result<(Executed, usize), String> {
    prepare_out(plan, opts)?;
    let ffmpeg = plan.ffmpeg.as_ref().map(PathBuf::from);
    let fetcher = Fetch::new(plan, check);
    let deadline = check.deadline_at(std::time::Instant::now());
    let (allowed, fetched) = download_allowance(plan, opts, downloaded);
    let jobs: Vec<JobResult> = plan
        .jobs
        .par_iter()
        .zip(allowed.par_iter())
        .map(|(j, allowed)| {
            let refuse = |detail: String| JobResult {
                id: j.id,
                ok: false,
                detail,
            };
            if deadline.is_some_and(|d| std::time::Instant::now() >= d) {
                return refuse(format!(
                    "not run: the run's deadline of {} s passed (--deadline)",
                    check.deadline.unwrap_or_default().as_secs_f64()
                ));
            }
            if !allowed {
                return refuse(format!(
                    "not fetched: this run made its {} downloads (--max-downloads)",
                    opts.max_downloads
                ));
            }
            match fetcher.get(j, opts.download_max_bytes) {
                Ok(()) => run_job(j, opts, ffmpeg.as_deref(), deadline),
                Err(detail) => refuse(detail),
            }
        })
        .collect();
    // The converters' scratch folder, empty once every job removed its PNG
    // (a real folder: verified above).
    let _ = std::fs::remove_dir(opts.out.join(".decoded"));
    // Whether each job of this chunk wrote its output (a request's entry
    // is pointed at a job's output only then).
    let ok: std::collections::HashMap<usize, bool> = jobs.iter().map(|j| (j.id, j.ok)).collect();
    let mut docs = Vec::new();
    let mut written = Vec::new();
    for r in &plan.requests {
        let Some(out) = &r.output else {
            written.push(None);
            continue;
        };
        let mut splices = r.splices.clone();
        splices.extend(
            r.entry_splices
                .iter()
                .filter(|(id, _)| {
                    ok.get(id)
                        .copied()
                        .unwrap_or(earlier.get(*id).copied().flatten() == Some(true))
                })
                .map(|(_, s)| s.clone()),
        );
        let (new, _dropped) = text::apply(&r.text, splices);
        super::safe::write(Path::new(out), new.as_bytes())?;
        docs.push(Document {
            source: Source {
                path: out.clone(),
                line: None,
            },
            body: Body::Bytes(new.into_bytes()),
        });
        written.push(Some(docs.len() - 1));
    }
    let report = crate::check_documents(&docs, check);
    let requests = plan
        .requests
        .iter()
        .zip(&written)
        .map(|(r, w)| match w {
            Some(i) => {
                let rr = &report.requests[*i];
                RequestResult {
                    input: r.input.clone(),
                    output: r.output.clone(),
                    passes: !rr.failed,
                    remaining: rr
                        .findings
                        .iter()
                        .filter(|f| f.severity != crate::Severity::Info)
                        .map(|f| f.code)
                        .collect(),
                }
            }
            None => RequestResult {
                input: r.input.clone(),
                output: None,
                passes: false,
                remaining: r.unfixable.iter().map(|u| u.code).collect(),
            },
        })
        .collect();
    Ok((
        Executed {
            jobs,
            requests,
            report,
        },
        fetched,
    ))
}

fn run_job(
    j: &Job,
    opts: &FixOptions,
    ffmpeg: Option<&Path>,
    deadline: Option<std::time::Instant>,
) -> JobResult {
    // External programs stop at their own timeout or the run's deadline,
    // whichever comes first.
    let timeout = deadline.map_or(opts.ffmpeg_timeout, |d| {
        d.saturating_duration_since(std::time::Instant::now())
            .min(opts.ffmpeg_timeout)
    });
    let (input, output) = (Path::new(&j.input), Path::new(&j.output));
    let r = match &j.work {
        Work::Image(img) => match &j.slot {
            Some(slot) => {
                let decoded = match &j.convert {
                    Some(c) => decode_first(c, timeout),
                    None => Ok(()),
                };
                let input = j.convert.as_ref().map_or(input, |c| c.png.as_path());
                // The decode and the canvases are held inside the process's
                // decode budget: large images wait for one another.
                let held = crate::membudget::DECODES.reserve(img.memory(), None);
                let cap = held
                    .as_ref()
                    .map_or(opts.max_image_alloc, |h| h.bytes.min(opts.max_image_alloc));
                let r = decoded.and_then(|()| image::run(input, output, img, slot, cap));
                drop(held);
                if let Some(c) = &j.convert {
                    let _ = std::fs::remove_file(&c.png);
                }
                r.map(|(w, h, b)| {
                    format!(
                        "{w}×{h} {}, {b} bytes",
                        if img.jpeg { "JPEG" } else { "PNG" }
                    )
                })
            }
            None => Err("no envelope for the slot".into()),
        },
        Work::Audio(a) => if a.copy_frames {
            super::audio::cut_mp3(
                input,
                output,
                a.max_s.unwrap_or(a.cap_s).min(a.cap_s),
                64 << 20,
            )
        } else {
            super::audio::run(
                input,
                output,
                super::audio::AudioBounds {
                    max_s: a.max_s,
                    min_s: a.min_s,
                    cap_s: a.cap_s,
                    cut_at_cap: opts.allow_lossy,
                },
            )
        }
        .map(|w| {
            format!(
                "{:.3} s {}, {} Hz, {} channel{}, {} bytes",
                w.seconds,
                if a.copy_frames { "MP3" } else { "WAV" },
                w.sample_rate,
                w.channels,
                if w.channels == 1 { "" } else { "s" },
                w.bytes
            )
        }),
        Work::Video(_) => match ffmpeg {
            Some(prog) => super::safe::fresh(output)
                .map_err(String::from)
                .and_then(|()| crate::decode::process::run(prog, &j.args, timeout))
                .map(|()| {
                    let bytes = std::fs::metadata(output).map(|m| m.len()).unwrap_or(0);
                    format!("MP4, {bytes} bytes")
                }),
            None => Err(j.blocked.clone().unwrap_or_else(|| "no ffmpeg".into())),
        },
    };
    match r {
        Ok(detail) => JobResult {
            id: j.id,
            ok: true,
            detail,
        },
        Err(detail) => {
            // A half-written output must not be taken for a result.
            let _ = std::fs::remove_file(output);
            JobResult {
                id: j.id,
                ok: false,
                detail,
            }
        }
    }
}

/// Runs the external decoder of a HEIC, AVIF or SVG image into its PNG.
fn decode_first(c: &super::image::Convert, timeout: std::time::Duration) -> Result<(), String> {
    super::safe::fresh(&c.png)?;
    crate::decode::process::run_with(&c.prog, &c.args, c.stdin.as_deref(), timeout)?;
    match std::fs::metadata(&c.png) {
        Ok(m) if m.len() > 0 => Ok(()),
        _ => Err(format!(
            "{} wrote no {}",
            c.prog.display(),
            super::safe::shown(&c.png)
        )),
    }
}

/// The guarded fetcher for `--download` jobs (none when no job downloads).
struct Fetch {
    #[cfg(feature = "remote")]
    fetcher: Option<Result<crate::source::http::Fetcher, String>>,
}

impl Fetch {
    fn new(plan: &Plan, check: &Options) -> Fetch {
        let _ = (plan, check);
        Fetch {
            #[cfg(feature = "remote")]
            fetcher: plan.jobs.iter().any(|j| j.download.is_some()).then(|| {
                crate::source::http::Fetcher::new(check.remote.clone()).map_err(String::from)
            }),
        }
    }

    /// Fetches a job's URL into its input file, at most `max` bytes.
    fn get(&self, j: &Job, max: u64) -> Result<(), String> {
        let Some(url) = &j.download else {
            return Ok(());
        };
        #[cfg(feature = "remote")]
        {
            let fetcher = match &self.fetcher {
                Some(Ok(f)) => f,
                Some(Err(e)) => return Err(format!("cannot fetch: {e}")),
                None => return Err("cannot fetch: no fetcher".into()),
            };
            let url = url::Url::parse(url).map_err(|e| format!("{url}: {e}"))?;
            download::fetch(fetcher, &url, Path::new(&j.input), max)
        }
        #[cfg(not(feature = "remote"))]
        {
            let _ = max;
            Err(format!(
                "{url}: this build cannot fetch URLs (the `remote` feature is off)"
            ))
        }
    }
}
