//! Audio: WAV (RIFF chunks). MPEG audio is in `mpeg_audio.rs`.

use std::io::{Read, Seek, SeekFrom};

use super::bytes::{le16, le32};
use super::{io_msg, MediaFacts, ProbeError, ProbeResult};
use crate::source::read_up_to;

/// WAV: `fmt ` for rate, channels and codec; `data` for the length. The
/// `data` chunk must fit the file; a RIFF size a few bytes past the end
/// (after a whole `data` chunk) is forgiven, as decoders do.
pub(super) fn probe_wav<R: Read + Seek>(r: &mut R, f: &mut MediaFacts) -> ProbeResult {
    r.seek(SeekFrom::Start(0))
        .map_err(|e| io_msg(e, "WAV header"))?;
    let mut riff = [0u8; 12];
    r.read_exact(&mut riff)
        .map_err(|e| io_msg(e, "WAV header"))?;
    let mut fmt: Option<[u8; 40]> = None;
    let mut fact: Option<u32> = None;
    for _ in 0..1024 {
        let mut ch = [0u8; 8];
        let n = read_up_to(r, &mut ch).map_err(|e| io_msg(e, "WAV chunks"))?;
        if n < 8 {
            return Err("WAV: no `data` chunk (truncated file)".into());
        }
        let len = le32(&ch, 4).unwrap_or(0) as u64;
        match &ch[..4] {
            b"fmt " => {
                let mut buf = [0u8; 40];
                let take = len.min(40) as usize;
                r.read_exact(&mut buf[..take])
                    .map_err(|e| io_msg(e, "WAV fmt chunk"))?;
                if take < 16 {
                    return Err(ProbeError::Corrupt(format!(
                        "WAV: the fmt chunk is {len} bytes, fewer than 16"
                    )));
                }
                fmt = Some(buf);
                r.seek(SeekFrom::Current((len - take as u64 + (len & 1)) as i64))
                    .map_err(|e| io_msg(e, "WAV chunks"))?;
            }
            b"fact" if len >= 4 => {
                let mut n = [0u8; 4];
                r.read_exact(&mut n)
                    .map_err(|e| io_msg(e, "WAV fact chunk"))?;
                fact = Some(u32::from_le_bytes(n));
                r.seek(SeekFrom::Current((len - 4 + (len & 1)) as i64))
                    .map_err(|e| io_msg(e, "WAV chunks"))?;
            }
            b"data" => {
                let fmt = fmt.ok_or("WAV: the `data` chunk comes before any `fmt` chunk")?;
                // The samples are what plays: a `data` chunk that fits the
                // file is whole, even when the RIFF size claims a few more
                // bytes after it (sloppy writers; lost trailing metadata).
                wav_facts(&fmt, fact, len, r, f)?;
                return Ok(());
            }
            _ => {
                r.seek(SeekFrom::Current((len + (len & 1)) as i64))
                    .map_err(|e| io_msg(e, "WAV chunks"))?;
            }
        }
    }
    Err("WAV: too many chunks before `data`".into())
}

fn wav_facts<R: Read + Seek>(
    fmt: &[u8; 40],
    fact: Option<u32>,
    declared: u64,
    r: &mut R,
    f: &mut MediaFacts,
) -> ProbeResult {
    let tag = le16(fmt, 0).unwrap_or(0);
    let channels = le16(fmt, 2).unwrap_or(0);
    let rate = le32(fmt, 4).unwrap_or(0);
    let byte_rate = le32(fmt, 8).unwrap_or(0);
    let bits = le16(fmt, 14).unwrap_or(0);
    if !(1..=MAX_RATE).contains(&rate) || !(1..=MAX_CHANNELS).contains(&channels) || byte_rate == 0
    {
        return Err(ProbeError::Corrupt(format!(
            "WAV: invalid format (sample rate {} Hz, {channels} channels, {byte_rate} bytes/s); a sample rate is 1 Hz–768 kHz and there are 1–32 channels",
            super::thousands(rate.into())
        )));
    }
    let real_tag = if tag == 0xFFFE {
        le16(fmt, 24).unwrap_or(0)
    } else {
        tag
    };
    f.codec = Some(match (real_tag, bits) {
        (1, 8) => "pcm_u8".into(),
        (1, b) => format!("pcm_s{b}le"),
        (3, b) => format!("pcm_f{b}le"),
        (6, _) => "pcm_alaw".into(),
        (7, _) => "pcm_mulaw".into(),
        (t, _) => format!("wav format 0x{t:04x}"),
    });
    f.sample_rate = Some(rate);
    f.channels = Some(channels);
    // A streaming writer leaves the size at 0xFFFFFFFF; a truncated file holds
    // less than declared: count what is really there.
    let here = r.stream_position().map_err(|e| io_msg(e, "WAV"))?;
    let end = r.seek(SeekFrom::End(0)).map_err(|e| io_msg(e, "WAV"))?;
    let present = end.saturating_sub(here);
    let streaming = declared == 0xFFFF_FFFF || (declared == 0 && present > 0);
    let data = if streaming {
        present
    } else {
        declared.min(present)
    };
    let secs = |n: u64| n as f64 / byte_rate as f64;
    if data > 0 {
        f.duration_s = Some(secs(data));
        if !matches!(real_tag, 1 | 3) {
            // Compressed (ADPCM, …): the byte rate does not give the length.
            f.duration_s = compressed_secs(fmt, fact, data).or(f.duration_s);
        }
    }
    if !streaming && declared > present {
        return Err(ProbeError::Truncated(format!(
            "the WAV's `data` chunk declares {} bytes ({}); the file holds {} of them ({}) (truncated)",
            super::thousands(declared),
            super::secs(secs(declared)),
            super::thousands(present),
            super::secs(secs(present)),
        )));
    }
    if data == 0 {
        return Err("WAV: the file holds no audio samples".into());
    }
    Ok(())
}

/// The length of compressed audio: the `fact` chunk's sample count, else
/// whole blocks × the samples per block the format extension states.
fn compressed_secs(fmt: &[u8; 40], fact: Option<u32>, data: u64) -> Option<f64> {
    let rate = f64::from(le32(fmt, 4)?);
    if let Some(samples) = fact.filter(|n| *n > 0 && *n != u32::MAX) {
        return Some(f64::from(samples) / rate);
    }
    let block = u64::from(le16(fmt, 12)?);
    let per_block = (le16(fmt, 16)? >= 2).then(|| le16(fmt, 18)).flatten()?;
    (block > 0 && per_block > 0).then(|| (data / block) as f64 * f64::from(per_block) / rate)
}

/// The highest sample rate believed (768 kHz).
const MAX_RATE: u32 = 768_000;
/// The most channels believed.
const MAX_CHANNELS: u16 = 32;
