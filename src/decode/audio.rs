//! Audio with `symphonia` (MP3, WAV, FLAC, Ogg Vorbis, AAC/M4A) decoded and
//! streamed into a 16-bit PCM WAV with `hound`: a format conversion, a trim
//! to at most `max_s` seconds, or silence padded up to `min_s` seconds. The
//! samples are written as they are decoded: memory does not grow with the
//! clip's length.

use std::path::Path;

use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::DecoderOptions;
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::FormatOptions;
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

use crate::source::Deadlined;

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Written {
    /// Seconds of audio in the output.
    pub seconds: f64,
    /// Sample rate.
    pub sample_rate: u32,
    /// Channels.
    pub channels: u16,
    /// File size.
    pub bytes: u64,
}

/// Why audio could not be opened for decoding: the message, and whether it
/// is a format or codec symphonia does not support (which says nothing
/// about damage).
pub(crate) struct OpenFailure {
    message: String,
    unsupported: bool,
}

impl From<OpenFailure> for String {
    fn from(f: OpenFailure) -> String {
        f.message
    }
}

impl From<&str> for OpenFailure {
    fn from(m: &str) -> Self {
        OpenFailure {
            message: m.to_string(),
            unsupported: false,
        }
    }
}

fn failure(what: &str, e: SymError) -> OpenFailure {
    OpenFailure {
        unsupported: matches!(e, SymError::Unsupported(_)),
        message: format!("{what}: {e}"),
    }
}

impl symphonia::core::io::MediaSource for Deadlined<std::fs::File> {
    fn is_seekable(&self) -> bool {
        self.inner.is_seekable()
    }

    fn byte_len(&self) -> Option<u64> {
        self.inner.byte_len()
    }
}

/// The container reader for `input` (its extension as a hint), reading
/// until `deadline`.
fn open_format(
    input: &Path,
    deadline: Option<std::time::Instant>,
) -> Result<Box<dyn symphonia::core::formats::FormatReader>, OpenFailure> {
    let file = crate::source::open_regular(input).map_err(|e| OpenFailure {
        message: format!("cannot open: {e}"),
        unsupported: false,
    })?;
    let mss = MediaSourceStream::new(
        Box::new(Deadlined {
            inner: file,
            deadline,
        }),
        Default::default(),
    );
    let mut hint = Hint::new();
    if let Some(ext) = input.extension().and_then(|e| e.to_str()) {
        hint.with_extension(ext);
    }
    symphonia::default::get_probe()
        .format(
            &hint,
            mss,
            &FormatOptions::default(),
            &MetadataOptions::default(),
        )
        .map(|p| p.format)
        .map_err(|e| failure("cannot read the audio", e))
}

/// The container reader, its default track and a decoder for it.
#[allow(clippy::type_complexity)]
fn open_decoder(
    input: &Path,
    deadline: Option<std::time::Instant>,
) -> Result<
    (
        Box<dyn symphonia::core::formats::FormatReader>,
        symphonia::core::formats::Track,
        Box<dyn symphonia::core::codecs::Decoder>,
    ),
    OpenFailure,
> {
    let format = open_format(input, deadline)?;
    let track = format
        .default_track()
        .ok_or("the file has no audio track")?
        .clone();
    let decoder = symphonia::default::get_codecs()
        .make(&track.codec_params, &DecoderOptions::default())
        .map_err(|e| failure("no decoder for this audio", e))?;
    Ok((format, track, decoder))
}

/// The next packet of track `id` (`None` at the end of the stream, or where
/// the stream changes and would need a reset).
fn next_packet(
    format: &mut dyn symphonia::core::formats::FormatReader,
    id: u32,
) -> Result<Option<symphonia::core::formats::Packet>, SymError> {
    loop {
        match format.next_packet() {
            Ok(p) if p.track_id() == id => return Ok(Some(p)),
            Ok(_) => {}
            Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                return Ok(None)
            }
            Err(SymError::ResetRequired) => return Ok(None),
            Err(e) => return Err(e),
        }
    }
}

/// The length a container states for its default track, without decoding
/// (for formats the probes name but do not measure: Ogg, FLAC, M4A).
pub fn length(input: &Path) -> Option<f64> {
    let format = open_format(input, None).ok()?;
    let p = &format.default_track()?.codec_params;
    let frames = p.n_frames?;
    match (p.time_base, p.sample_rate) {
        (Some(tb), _) => {
            let t = tb.calc_time(frames);
            Some(t.seconds as f64 + t.frac)
        }
        (None, Some(rate)) if rate > 0 => Some(frames as f64 / rate as f64),
        _ => None,
    }
}

/// Decodes every packet of `input` (`--deep`): `Ok` says how much decoded,
/// `Err` which packet failed and why. A damaged packet fails the check here
/// (a player would skip it; the service may not).
pub fn decode_all(input: &Path, deadline: Option<std::time::Instant>) -> Result<String, String> {
    let (mut format, track, mut decoder) = match open_decoder(input, deadline) {
        Ok(x) => x,
        // A codec symphonia lacks (MPEG layer I/II here) is not damage.
        Err(e) if e.unsupported => return Ok(format!("not checked: {}", e.message)),
        Err(e) => return Err(e.message),
    };
    let (mut packets, mut frames, mut rate) = (0u64, 0u64, 0u32);
    // Packets that did not decode, and the first one's reason.
    let (mut bad, mut first_bad) = (0u64, None);
    loop {
        let packet = match next_packet(format.as_mut(), track.id) {
            Ok(Some(p)) => p,
            Ok(None) => break,
            Err(e) => return Err(format!("packet {}: cannot be read: {e}", packets + 1)),
        };
        packets += 1;
        match decoder.decode(&packet) {
            Ok(decoded) => {
                rate = decoded.spec().rate;
                frames += decoded.frames() as u64;
            }
            Err(e) => {
                let why = format!("packet {packets} (after {frames} samples) does not decode: {e}");
                // Players skip a damaged packet; so does this check, unless
                // many are (below).
                if !matches!(e, SymError::DecodeError(_)) {
                    return Err(why);
                }
                bad += 1;
                first_bad.get_or_insert(why);
            }
        }
    }
    if packets == 0 {
        return Err("no audio packet in the file".into());
    }
    // More than 1 in 20 packets lost, or nothing decoded, is damage a
    // listener hears; fewer is what every player conceals.
    if bad > 0 && (bad * 20 > packets || frames == 0) {
        return Err(format!(
            "{bad} of {packets} packets do not decode; the first: {}",
            first_bad.unwrap_or_default()
        ));
    }
    let secs = if rate > 0 {
        frames as f64 / f64::from(rate)
    } else {
        0.0
    };
    let decoded =
        format!("{frames} samples per channel in {packets} packets decoded ({secs:.3} s)");
    Ok(match bad {
        0 => decoded,
        1 => format!("{decoded}; 1 packet did not decode and was skipped, as players skip it"),
        _ => format!(
            "{decoded}; {bad} packets did not decode and were skipped, as players skip them"
        ),
    })
}

/// What one audio rewrite may do: cut to / pad to, and the slot's own
/// longest clip — a hard bound on what is written, whatever the file's
/// header said of its length.
#[derive(Debug, Clone, Copy)]
pub struct AudioBounds {
    /// Cut to at most this many seconds (planned).
    pub max_s: Option<f64>,
    /// Pad with silence to at least this many seconds.
    pub min_s: Option<f64>,
    /// The slot's longest clip: decoding stops here.
    pub cap_s: f64,
    /// Whether a clip found longer than `cap_s` while decoding (its header
    /// said less, or nothing) may be cut there (`--allow-lossy`).
    pub cut_at_cap: bool,
}

/// Decodes `input` and writes a WAV of at most `b.max_s` seconds (and, with
/// `b.min_s`, padded with silence to at least that). Never more than
/// `b.cap_s` seconds are written: a clip that decodes longer than its
/// header said is cut there (with `cut_at_cap`) or refused.
pub fn run(input: &Path, output: &Path, b: AudioBounds) -> Result<Written, String> {
    crate::outfile::check_target(output)?;
    let (file, temp) = crate::outfile::temp_beside(output)?;
    let written = write_wav(input, file, b);
    match written {
        Ok(mut w) => {
            crate::outfile::commit(&temp, output)?;
            w.bytes = std::fs::metadata(output).map(|m| m.len()).unwrap_or(0);
            Ok(w)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&temp);
            Err(e)
        }
    }
}

fn write_wav(input: &Path, file: std::fs::File, b: AudioBounds) -> Result<Written, String> {
    let (mut format, track, mut decoder) = open_decoder(input, None)?;
    let mut file = Some(file);
    let mut writer: Option<(
        hound::WavWriter<std::io::BufWriter<std::fs::File>>,
        u32,
        u16,
    )> = None;
    let mut frames: u64 = 0;
    let mut limit_frames = u64::MAX;
    let cap = b.max_s.map_or(b.cap_s, |m| m.min(b.cap_s)).max(0.0);
    let mut more = false;
    loop {
        let packet = match next_packet(format.as_mut(), track.id) {
            Ok(Some(p)) => p,
            Ok(None) => break,
            Err(e) => return Err(format!("cannot read a packet: {e}")),
        };
        let decoded = match decoder.decode(&packet) {
            Ok(d) => d,
            // A damaged packet: skip it, as players do.
            Err(SymError::DecodeError(_)) => continue,
            Err(e) => return Err(format!("cannot decode: {e}")),
        };
        let spec = *decoded.spec();
        let channels = spec.channels.count() as u16;
        if writer.is_none() {
            let Some(f) = file.take() else { break };
            let w = hound::WavWriter::new(
                std::io::BufWriter::new(f),
                hound::WavSpec {
                    channels,
                    sample_rate: spec.rate,
                    bits_per_sample: 16,
                    sample_format: hound::SampleFormat::Int,
                },
            )
            .map_err(|e| format!("cannot write the WAV: {e}"))?;
            limit_frames = (cap * spec.rate as f64).floor() as u64;
            writer = Some((w, spec.rate, channels));
        }
        let Some((w, _, ch)) = writer.as_mut() else {
            continue;
        };
        if channels != *ch {
            return Err("the channel count changes mid-stream".into());
        }
        let mut buf = SampleBuffer::<i16>::new(decoded.capacity() as u64, spec);
        buf.copy_interleaved_ref(decoded);
        for frame in buf.samples().chunks(channels.max(1) as usize) {
            if frames >= limit_frames {
                more = true;
                break;
            }
            for s in frame {
                w.write_sample(*s)
                    .map_err(|e| format!("cannot write: {e}"))?;
            }
            frames += 1;
        }
        if frames >= limit_frames {
            // Stop decoding at the bound; whether audio remains is known
            // from the packet just read (a clip ending exactly on the bound
            // leaves none).
            more |= next_packet(format.as_mut(), track.id).is_ok_and(|p| p.is_some());
            break;
        }
    }
    let (mut w, rate, channels) = writer.ok_or("the file holds no decodable audio")?;
    if more && b.max_s.is_none_or(|m| m > b.cap_s) && !b.cut_at_cap {
        return Err(format!(
            "the audio decodes to more than the {} s a clip may last, more than its header said: cut it (--allow-lossy cuts it there)",
            b.cap_s
        ));
    }
    if let Some(min) = b.min_s {
        let want = (min.min(b.cap_s) * rate as f64).ceil() as u64;
        while frames < want {
            for _ in 0..channels {
                w.write_sample(0i16)
                    .map_err(|e| format!("cannot write: {e}"))?;
            }
            frames += 1;
        }
    }
    w.finalize()
        .map_err(|e| format!("cannot finish the WAV: {e}"))?;
    Ok(Written {
        seconds: frames as f64 / rate as f64,
        sample_rate: rate,
        channels,
        bytes: 0,
    })
}

/// An MP3 cut to at most `max_s` seconds on frame boundaries, without
/// re-encoding: an ID3v2 tag is kept, a Xing/Info/VBRI header frame is
/// dropped (its frame count would no longer be true), whole frames are
/// copied while they fit, and anything after the last frame (an ID3v1 tag,
/// junk) is left out. The cut lands within one frame (about 26 ms) of
/// `max_s`.
pub fn cut_mp3(input: &Path, output: &Path, max_s: f64, max_bytes: u64) -> Result<Written, String> {
    use crate::probe::mpeg_audio::FrameHeader;
    let meta = std::fs::metadata(input).map_err(|e| format!("cannot open: {e}"))?;
    if meta.len() > max_bytes {
        return Err(format!(
            "{} bytes: above the {max_bytes} bytes read for a cut",
            meta.len()
        ));
    }
    let b = std::fs::read(input).map_err(|e| format!("cannot read: {e}"))?;
    let mut at = 0usize;
    if b.starts_with(b"ID3") && b.len() >= 10 {
        let size = b[6..10]
            .iter()
            .fold(0usize, |v, x| (v << 7) | usize::from(x & 0x7F));
        at = (10 + size + if b[5] & 0x10 != 0 { 10 } else { 0 }).min(b.len());
    }
    let mut out = b[..at].to_vec();
    // The first frame: the first sync whose next frame also parses.
    let start = (at..b.len().saturating_sub(4)).find(|&i| {
        FrameHeader::parse(&b[i..]).is_some_and(|h| {
            b.get(i + h.len..).and_then(FrameHeader::parse).is_some() || i + h.len == b.len()
        })
    });
    let Some(mut i) = start else {
        return Err("no MPEG audio frame found".into());
    };
    let (mut samples, mut rate, mut channels) = (0u64, 0u32, 0u16);
    let mut first = true;
    while let Some(h) = b.get(i..).and_then(FrameHeader::parse) {
        let Some(frame) = b.get(i..i + h.len) else {
            break;
        };
        let header_frame = first
            && frame
                .windows(4)
                .take(64)
                .any(|w| w == b"Xing" || w == b"Info" || w == b"VBRI");
        first = false;
        if !header_frame {
            if (samples + u64::from(h.samples)) as f64 / h.rate as f64 > max_s + 1e-9 {
                break;
            }
            out.extend_from_slice(frame);
            samples += u64::from(h.samples);
            (rate, channels) = (h.rate, h.channels);
        }
        i += h.len;
    }
    if rate == 0 {
        return Err("no complete MPEG audio frame".into());
    }
    crate::outfile::write(output, &out)?;
    Ok(Written {
        seconds: samples as f64 / f64::from(rate),
        sample_rate: rate,
        channels,
        bytes: out.len() as u64,
    })
}
