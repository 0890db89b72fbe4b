//! `fix`: turn a rejected request into one that passes.
//!
//! Two steps a caller can separate: [`plan`] reads a checked [`Report`](crate::Report)
//! (the findings' `fix` data and the probed facts) and says what it would
//! do — text edits of the request, one job per asset to rewrite, and what
//! cannot be fixed and why — without touching anything; [`execute`] runs a
//! plan: it writes the new assets and requests under the output folder
//! (never over an input) and re-checks what it wrote. Images go through the
//! `image` crate, audio through `symphonia` and `hound`, video through an
//! external `ffmpeg` (with a timeout). Wire format: `docs/fix-format.md`.

pub(crate) use crate::decode::audio;
mod apply;
mod plan;
pub mod text;

pub(crate) use plan::{image, video};

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use crate::finding::Code;
use crate::outfile as safe;

pub use self::image::{ImageJob, ImageStep};
pub use crate::decode::process::find_ffmpeg;
pub use apply::{execute, Executed, JobResult, RequestResult};
pub use plan::plan;
pub use video::VideoJob;

/// The version of the plan and result wire format.
pub const FORMAT_VERSION: u32 = 1;

/// Choices for planning and running fixes.
#[derive(Debug, Clone)]
pub struct FixOptions {
    /// Where the rewritten requests go (assets under `assets/`).
    pub out: PathBuf,
    /// Allow changes that remove content: trimming, cropping.
    pub allow_lossy: bool,
    /// Bring an image's ratio into range by centre-cropping (needs
    /// `allow_lossy`) instead of padding.
    pub crop: bool,
    /// Padding colour, RGBA.
    pub pad_color: [u8; 4],
    /// Pad audio that is too short with silence.
    pub pad_silence: bool,
    /// The ffmpeg binary (found on PATH when `None`).
    pub ffmpeg: Option<PathBuf>,
    /// Longest one ffmpeg run may take.
    pub ffmpeg_timeout: Duration,
    /// Point rewritten entries at `PREFIX/<name>` instead of the local file.
    pub rewrite_urls: Option<String>,
    /// The most memory one image decode may allocate.
    pub max_image_alloc: u64,
    /// Fetch remote assets that need fixing (through the guarded fetcher)
    /// into `<out>/downloads/`.
    pub download: bool,
    /// The largest file fetched by `download`.
    pub download_max_bytes: u64,
    /// Most files fetched by `download` in one run; the jobs past it are
    /// not run, and say why.
    pub max_downloads: usize,
}

impl FixOptions {
    /// Defaults: pad (no crop, no trim), black padding, ffmpeg from PATH with
    /// a 10-minute timeout, 1 GiB per image decode.
    pub fn new(out: impl Into<PathBuf>) -> Self {
        FixOptions {
            out: out.into(),
            allow_lossy: false,
            crop: false,
            pad_color: [0, 0, 0, 255],
            pad_silence: false,
            ffmpeg: None,
            ffmpeg_timeout: Duration::from_secs(600),
            rewrite_urls: None,
            max_image_alloc: 1 << 30,
            download: false,
            download_max_bytes: 200_000_000,
            max_downloads: crate::DEFAULT_MAX_URLS,
        }
    }
}

/// A fix run, planned and executed chunk by chunk ([`Fixer::plan`],
/// [`Fixer::execute`]): what carries over between chunks — the jobs planned
/// (an asset shared by requests of different chunks is written once), the
/// names taken under the output folder, the downloads made — and nothing
/// else, so a run of any length holds one chunk of requests at a time.
#[derive(Debug)]
pub struct Fixer {
    opts: FixOptions,
    ffmpeg: Option<PathBuf>,
    /// (input, settings) → job id.
    by_key: std::collections::HashMap<String, usize>,
    /// Asset output names taken.
    names: std::collections::HashMap<String, usize>,
    /// Request output names taken.
    out_names: std::collections::HashMap<String, usize>,
    /// The output of every job planned, by id.
    outputs: Vec<String>,
    /// Whether each job executed wrote its output, by id.
    written: Vec<Option<bool>>,
    /// Files fetched by `download` so far.
    downloads: usize,
}

impl Fixer {
    /// A run with these options (ffmpeg looked for once, here).
    pub fn new(opts: FixOptions) -> Self {
        Fixer {
            ffmpeg: find_ffmpeg(opts.ffmpeg.as_deref()),
            opts,
            by_key: Default::default(),
            names: Default::default(),
            out_names: Default::default(),
            outputs: Vec::new(),
            written: Vec::new(),
            downloads: 0,
        }
    }

    /// The run's options.
    pub fn options(&self) -> &FixOptions {
        &self.opts
    }

    /// The ffmpeg used for video jobs, when one was found.
    pub fn ffmpeg(&self) -> Option<&std::path::Path> {
        self.ffmpeg.as_deref()
    }
}

/// What `fix` would do for a set of checked requests.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// [`FORMAT_VERSION`].
    pub version: u32,
    /// Per request, in input order.
    pub requests: Vec<RequestPlan>,
    /// Asset rewrites, each once however many requests share the asset.
    pub jobs: Vec<Job>,
    /// The ffmpeg used for video jobs, when one was found.
    pub ffmpeg: Option<String>,
}

/// The plan for one request.
#[derive(Debug, Clone, Serialize)]
pub struct RequestPlan {
    /// The request file.
    pub input: String,
    /// Where the rewritten request is written (`None`: it cannot be).
    pub output: Option<String>,
    /// Edits of the request text.
    pub edits: Vec<Edit>,
    /// The jobs whose outputs this request will point at.
    pub jobs: Vec<usize>,
    /// What cannot be fixed here, and why.
    pub unfixable: Vec<Unfixable>,
    #[serde(skip)]
    pub(crate) text: String,
    #[serde(skip)]
    pub(crate) splices: Vec<text::Splice>,
    /// Per job of this request: the splice of the entry pointing at its output.
    #[serde(skip)]
    pub(crate) entry_splices: Vec<(usize, text::Splice)>,
}

/// One edit of a request's text.
#[derive(Debug, Clone, Serialize)]
pub struct Edit {
    /// The finding it answers (`None` for an entry re-pointed at a moved file).
    pub code: Option<Code>,
    /// JSON pointer.
    pub pointer: String,
    /// `set`, `rename`, `remove` or `repoint`.
    pub action: &'static str,
    /// The text replaced.
    pub from: String,
    /// The new text.
    pub to: String,
}

/// One asset rewrite.
#[derive(Debug, Clone, Serialize)]
pub struct Job {
    /// Its index in [`Plan::jobs`].
    pub id: usize,
    /// `image`, `audio` or `video`.
    pub kind: &'static str,
    /// The file read (never written).
    pub input: String,
    /// The file written, under `<out>/assets/`.
    pub output: String,
    /// The findings it answers.
    pub codes: Vec<Code>,
    /// What it does, in words, in order.
    pub actions: Vec<String>,
    /// Whether it removes content (trim, crop).
    pub lossy: bool,
    /// What it does: its settings, under the member named for its kind
    /// (`image`, `audio` or `video`).
    #[serde(flatten)]
    pub work: Work,
    /// The exact external command: ffmpeg for a video job; the converter
    /// that decodes a HEIC, AVIF or SVG image to PNG before an image job.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// The URL fetched into `input` first (`--download`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub download: Option<String>,
    /// Why it cannot run here (no ffmpeg), when it cannot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked: Option<String>,
    #[serde(skip)]
    pub(crate) args: Vec<String>,
    /// What the asset's slot accepts (the rules' envelope): the image job
    /// decides its steps again from the decoded size.
    #[serde(skip)]
    pub(crate) slot: Option<crate::rules::Accepts>,
    /// The external decoder of an image job: program, arguments, the PNG
    /// it writes (removed after the job).
    #[serde(skip)]
    pub(crate) convert: Option<image::Convert>,
}

/// What a job does to its asset.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Work {
    /// Decode, transform (scale, pad, crop) and write an image.
    Image(ImageJob),
    /// Cut, pad or convert an audio clip.
    Audio(AudioJob),
    /// Re-encode a video with ffmpeg.
    Video(VideoJob),
}

/// Audio settings of a job.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AudioJob {
    /// Cut to at most this many seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_s: Option<f64>,
    /// Pad with silence to at least this many seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_s: Option<f64>,
    /// An accepted MP3 that only needs cutting: whole frames copied, no
    /// re-encoding.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub copy_frames: bool,
    /// The slot's longest clip: never more is written.
    #[serde(skip)]
    pub cap_s: f64,
}

/// A finding `fix` leaves, with the reason.
#[derive(Debug, Clone, Serialize)]
pub struct Unfixable {
    /// The code.
    pub code: Code,
    /// Where.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// Why it is left, and what to do instead.
    pub reason: String,
}
