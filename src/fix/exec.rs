//! The executor: runs a plan's jobs (in parallel, each once), writes the
//! rewritten requests, and checks them again.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use super::{text, FixOptions, Job, Plan};
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
pub fn execute(plan: &Plan, opts: &FixOptions, check: &Options) -> Result<Executed, String> {
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
    let ffmpeg = plan.ffmpeg.as_ref().map(PathBuf::from);
    let fetcher = Fetch::new(plan, check);
    let jobs: Vec<JobResult> = plan
        .jobs
        .par_iter()
        .map(|j| match fetcher.get(j, opts.download_max_bytes) {
            Ok(()) => run_job(j, opts, ffmpeg.as_deref()),
            Err(detail) => JobResult {
                id: j.id,
                ok: false,
                detail,
            },
        })
        .collect();
    // The converters' scratch folder, empty once every job removed its PNG
    // (a real folder: verified above).
    let _ = std::fs::remove_dir(opts.out.join(".decoded"));
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
                .filter(|(id, _)| jobs[*id].ok)
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
    Ok(Executed {
        jobs,
        requests,
        report,
    })
}

fn run_job(j: &Job, opts: &FixOptions, ffmpeg: Option<&Path>) -> JobResult {
    let (input, output) = (Path::new(&j.input), Path::new(&j.output));
    let r = match (&j.image, &j.audio, &j.video) {
        (Some(img), _, _) => match &j.lim {
            Some(lim) => {
                let decoded = match &j.convert {
                    Some(c) => decode_first(c, opts),
                    None => Ok(()),
                };
                let input = j.convert.as_ref().map_or(input, |c| c.png.as_path());
                // The decode and the canvases are held inside the process's
                // decode budget: large images wait for one another.
                let held = crate::membudget::DECODES.reserve(img.memory(), None);
                let cap = held
                    .as_ref()
                    .map_or(opts.max_image_alloc, |h| h.bytes.min(opts.max_image_alloc));
                let r = decoded.and_then(|()| super::image::run(input, output, img, lim, cap));
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
            None => Err("no limits".into()),
        },
        (_, Some(a), _) => if a.copy_frames {
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
        (_, _, Some(_)) => match ffmpeg {
            Some(prog) => super::safe::fresh(output)
                .and_then(|()| super::video::run(prog, &j.args, opts.ffmpeg_timeout))
                .map(|()| {
                    let bytes = std::fs::metadata(output).map(|m| m.len()).unwrap_or(0);
                    format!("MP4, {bytes} bytes")
                }),
            None => Err(j.blocked.clone().unwrap_or_else(|| "no ffmpeg".into())),
        },
        _ => Err("nothing to do".into()),
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
fn decode_first(c: &super::image::Convert, opts: &FixOptions) -> Result<(), String> {
    super::safe::fresh(&c.png)?;
    super::video::run_with(&c.prog, &c.args, c.stdin.as_deref(), opts.ffmpeg_timeout)?;
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
            fetcher: plan
                .jobs
                .iter()
                .any(|j| j.download.is_some())
                .then(|| crate::source::http::Fetcher::new(check.remote.clone())),
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
            super::download::fetch(fetcher, &url, Path::new(&j.input), max)
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
