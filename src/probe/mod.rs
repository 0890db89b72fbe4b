//! Probes: what a media file is, decided from its bytes (never its name), and
//! the facts the rules judge — dimensions, duration, frame rate, codec.
//!
//! Each container format is a small module over `Read + Seek` behind a
//! [`Budgeted`] reader. A probe never panics and never
//! reads past the budget: a corrupt, truncated or hostile file gives facts with
//! `error` set.

mod cache;
mod header;
pub use cache::ProbeCache;
mod adts;
mod audio;
pub(crate) mod bytes;
mod describe;
mod error;
mod format;
mod image;
mod jpeg;
mod matroska;
mod mp4;
mod mp4_boxes;
mod mp4_tables;
mod mp4_tracks;
mod mp4_walk;
pub(crate) mod mpeg_audio;
mod png;
mod sniff;
mod stills;
mod xiph;

use serde::Serialize;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use crate::source::{self, Budgeted, OpenError};

pub use error::ProbeError;
pub use format::{describe_codec, Format, FormatInfo, Kind, Prober, FORMATS};
pub use mp4_walk::{walk_video_samples, walk_video_samples_in};
pub use sniff::sniff;

/// Everything a probe learned about one file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MediaFacts {
    /// The path or URL probed.
    pub source: String,
    /// Image, video, audio or unknown.
    pub kind: Kind,
    /// The format, from the bytes.
    pub format: Format,
    /// Stored width in pixels.
    pub width: Option<u32>,
    /// Stored height in pixels.
    pub height: Option<u32>,
    /// Width as displayed (EXIF orientation or track rotation applied).
    pub display_width: Option<u32>,
    /// Height as displayed.
    pub display_height: Option<u32>,
    /// Display rotation of a video track, degrees clockwise (0, 90, 180, 270).
    pub rotation: Option<u16>,
    /// EXIF orientation of an image (1–8).
    pub orientation: Option<u8>,
    /// Length in seconds (video: the longest audio/video track).
    pub duration_s: Option<f64>,
    /// Average frame rate of the video track (frames ÷ track duration).
    pub fps: Option<f64>,
    /// The slowest stretch's frame rate (about a second of frames), when the
    /// video track's frame rate varies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fps_min: Option<f64>,
    /// Frames in the video track.
    pub frames: Option<u64>,
    /// Codec: the video sample-entry fourcc (`avc1`, `hvc1`, `apco`), or the audio codec.
    pub codec: Option<String>,
    /// Audio sample rate in Hz.
    pub sample_rate: Option<u32>,
    /// Audio channels.
    pub channels: Option<u16>,
    /// File size in bytes, when known.
    pub size_bytes: Option<u64>,
    /// Whether an image has more than one frame.
    pub animated: Option<bool>,
    /// Whether the duration was estimated rather than counted or read from a header.
    pub duration_estimated: bool,
    /// For an estimated duration: how far off it may be, in seconds.
    pub duration_margin_s: Option<f64>,
    /// Whether an MP3 has a Xing/Info/VBRI header that states its length.
    pub length_header: Option<bool>,
    /// Whether a video container has a video track.
    pub has_video: Option<bool>,
    /// Whether a video container has an audio track.
    pub has_audio: Option<bool>,
    /// The encryption scheme of an encrypted track (`cenc`, `cbcs`, …; `?`
    /// when the sample entry is `encv`/`enca` without a readable scheme).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption: Option<String>,
    /// Bytes after the file's end marker or declared end (JPEG EOI, PNG
    /// `IEND`, the RIFF size): appended data such as a phone's motion clip.
    /// Absent when nothing follows, or when it was not measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trailing_bytes: Option<u64>,
    /// Bytes read from the source.
    pub bytes_read: u64,
    /// Read requests made (file reads or HTTP requests).
    pub requests: u64,
    /// Why the file could not be read completely, if it could not.
    pub error: Option<String>,
    /// The same, as a value (the rules read this, never the text).
    #[serde(skip)]
    pub problem: Option<ProbeError>,
    /// For a URL: redirects, status, Content-Type, and why it failed.
    pub remote: Option<crate::source::http::RemoteFacts>,
    /// What a full decode found (`--deep`), when one ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deep: Option<DeepCheck>,
}

/// The outcome of a full decode (`--deep`): the payload, not only the
/// headers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeepCheck {
    /// Whether every frame, sample or packet decoded.
    pub ok: bool,
    /// What was decoded (`1280×720 pixels`, `96000 samples in 94 packets`),
    /// or where and why decoding failed.
    pub detail: String,
    /// How it was checked: `image`, `symphonia` or `ffmpeg`.
    pub by: &'static str,
}

impl MediaFacts {
    fn new(source: &str, format: Format, size: Option<u64>) -> Self {
        MediaFacts {
            source: source.to_string(),
            kind: format.kind(),
            format,
            width: None,
            height: None,
            display_width: None,
            display_height: None,
            rotation: None,
            orientation: None,
            duration_s: None,
            fps: None,
            fps_min: None,
            frames: None,
            codec: None,
            sample_rate: None,
            channels: None,
            size_bytes: size,
            animated: None,
            duration_estimated: false,
            duration_margin_s: None,
            length_header: None,
            has_video: None,
            has_audio: None,
            encryption: None,
            trailing_bytes: None,
            bytes_read: 0,
            requests: 0,
            error: None,
            problem: None,
            remote: None,
            deep: None,
        }
    }

    /// Whether the file could not be opened at all (SRC008; exit 2 for `probe`).
    pub fn unopened(&self) -> bool {
        matches!(&self.problem, Some(ProbeError::Open(e)) if e.is_local())
    }

    /// Facts for an asset that could not be opened at all.
    pub fn unopenable(source: &str, why: OpenError) -> Self {
        let mut f = MediaFacts::new(source, Format::Unknown, None);
        f.fail(ProbeError::Open(why));
        f
    }

    /// Records why the file could not be read (text and value).
    pub(crate) fn fail(&mut self, e: ProbeError) {
        self.error = Some(e.to_string());
        self.problem = Some(e);
    }

    /// Sets stored and displayed size; `swap` when orientation/rotation turns it 90°.
    fn set_size(&mut self, w: u32, h: u32, swap: bool) {
        self.width = Some(w);
        self.height = Some(h);
        let (dw, dh) = if swap { (h, w) } else { (w, h) };
        self.display_width = Some(dw);
        self.display_height = Some(dh);
    }
}

/// A probe's failure.
type ProbeResult = Result<(), ProbeError>;

/// Turns an I/O error inside a probe into a typed failure that says what happened.
fn io_msg(e: io::Error, what: &str) -> ProbeError {
    if source::is_budget_error(&e) {
        ProbeError::Budget(format!("{what}: stopped at the byte budget ({e})"))
    } else if e.kind() == io::ErrorKind::UnexpectedEof {
        ProbeError::Truncated(format!("{what}: the file ends early (truncated)"))
    } else {
        ProbeError::Io(format!("{what}: {e}"))
    }
}

/// The largest tail [`read_tail`] reads.
const MAX_TAIL: u64 = 64 * 1024;

/// Reads the bytes from `from` to `end` (at most [`MAX_TAIL`], the last ones).
fn read_tail<R: Read + Seek>(
    r: &mut R,
    end: u64,
    from: u64,
    what: &str,
) -> Result<Vec<u8>, ProbeError> {
    let from = from.max(end.saturating_sub(MAX_TAIL)).min(end);
    r.seek(SeekFrom::Start(from)).map_err(|e| io_msg(e, what))?;
    let mut buf = vec![0u8; (end - from) as usize];
    r.read_exact(&mut buf).map_err(|e| io_msg(e, what))?;
    Ok(buf)
}

/// A count with thousands separators: `8,500`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Seconds for a message: `222 s`, `14.5 s`, `0.44 s`.
fn secs(s: f64) -> String {
    if s >= 100.0 {
        format!("{s:.0} s")
    } else if s >= 10.0 {
        format!("{s:.1} s")
    } else {
        format!("{s:.2} s")
    }
}

/// Probes bytes from any `Read + Seek` source. `size` is the total length when
/// known; `source_name` is only a label.
pub fn probe_reader<R: Read + Seek>(
    r: &mut Budgeted<R>,
    size: Option<u64>,
    source_name: &str,
) -> MediaFacts {
    let mut head = [0u8; 512];
    let got = r
        .seek(SeekFrom::Start(0))
        .and_then(|_| source::read_up_to(r, &mut head));
    let n = match got {
        Ok(n) => n,
        Err(e) => {
            let mut f = MediaFacts::new(source_name, Format::Unknown, size);
            f.fail(io_msg(e, "cannot read the file"));
            f.bytes_read = r.bytes_read();
            f.requests = r.reads();
            return f;
        }
    };
    let mut format = sniff(&head[..n]);
    let mut flac_at = 0;
    if format == Format::Mp3 && head.starts_with(b"ID3") {
        // An ID3v2 tag can sit in front of FLAC too: look past it.
        if let Some(end) = sniff::id3v2_end(&head[..n]) {
            let mut magic = [0u8; 4];
            if r.seek(SeekFrom::Start(end)).is_ok()
                && source::read_up_to(r, &mut magic).is_ok_and(|k| k == 4)
                && &magic == b"fLaC"
            {
                format = Format::Flac;
                flac_at = end;
            }
        }
    }
    let mut facts = MediaFacts::new(source_name, format, size);
    let result = match format.info().prober {
        Prober::Image => image::probe(r, format, &head[..n], size, &mut facts),
        Prober::IsoBmff => mp4::probe(r, size, &mut facts),
        Prober::Wav => audio::probe_wav(r, &mut facts),
        Prober::MpegAudio => mpeg_audio::probe_mpeg(r, size, &mut facts),
        Prober::Tiff => stills::probe_tiff(r, &mut facts),
        Prober::Matroska => matroska::probe(r, &mut facts),
        Prober::Avi => matroska::probe_avi(r, &mut facts),
        Prober::Heif => stills::probe_heif(r, size, &mut facts),
        Prober::Flac => xiph::probe_flac(r, flac_at, &mut facts),
        Prober::Ogg => xiph::probe_ogg(r, size, &mut facts),
        Prober::Adts => adts::probe(r, 0, size, &mut facts),
        Prober::None => Ok(()),
    };
    if let Err(e) = result {
        facts.fail(e);
    }
    facts.bytes_read = r.bytes_read();
    facts.requests = r.reads();
    facts
}

/// Probes a local file.
pub fn probe_path(path: &Path, budget: u64) -> MediaFacts {
    let label = path.display().to_string();
    match source::open_file(path, budget) {
        Ok((mut r, size)) => probe_reader(&mut r, Some(size), &label),
        Err(e) => MediaFacts::unopenable(&label, e),
    }
}

/// Probes a URL: opens it through the fetcher's guard (redirects, addresses,
/// status), then runs the same probes as for files over Range requests.
/// `bytes_read` and `requests` count what went over the network.
#[cfg(feature = "remote")]
pub fn probe_url(
    fetcher: &crate::source::http::Fetcher,
    url: &url::Url,
    budget: u64,
) -> MediaFacts {
    let label = url.to_string();
    let (src, remote) = fetcher.open(url);
    let mut facts = match src {
        None => {
            let mut f = MediaFacts::new(&label, Format::Unknown, None);
            if let Some(x) = &remote.failure {
                f.fail(ProbeError::Open(x.kind.clone()));
            }
            f.requests = remote
                .status
                .map_or(0, |_| 1 + remote.redirects.len() as u64);
            f
        }
        Some(mut src) => {
            src.budget = budget;
            let size = src.len;
            let mut f = {
                let mut b = Budgeted::new(&mut src, budget);
                probe_reader(&mut b, size, &label)
            };
            f.bytes_read = src.fetched;
            f.requests = src.requests;
            f.size_bytes = f.size_bytes.or(src.len);
            // A network failure while reading is reported as what it is
            // (SRC003/SRC004), not as whatever the cut bytes look like.
            if let Some(failure) = src.failure.take() {
                f.fail(ProbeError::Open(failure.clone()));
                let mut remote = remote;
                remote.failure = Some(failure.into());
                f.remote = Some(remote);
                return f;
            }
            f
        }
    };
    facts.remote = Some(remote);
    facts
}
