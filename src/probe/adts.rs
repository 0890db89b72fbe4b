//! AAC in ADTS frames (`.aac`): the length counted from the frame headers
//! (7 bytes each, seeking over the payload), as exactly as a decoder counts
//! it: 1024 samples per raw data block.

use std::io::{Read, Seek, SeekFrom};

use super::{io_msg, MediaFacts, ProbeError, ProbeResult};
use crate::source::read_up_to;

/// The sampling-frequency index table of ISO/IEC 14496-3.
const RATES: [u32; 13] = [
    96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
];

/// Frames counted before giving up (an hour at 48 kHz is 168,750).
const MAX_FRAMES: u64 = 1 << 20;

/// Counts the ADTS frames from byte `start` (after any ID3v2 tag).
pub(super) fn probe<R: Read + Seek>(
    r: &mut R,
    start: u64,
    size: Option<u64>,
    f: &mut MediaFacts,
) -> ProbeResult {
    let mut pos = start;
    let (mut frames, mut samples, mut rate, mut channels) = (0u64, 0u64, 0u32, 0u16);
    let mut h = [0u8; 7];
    let mut cut = None;
    while frames < MAX_FRAMES {
        r.seek(SeekFrom::Start(pos))
            .map_err(|e| io_msg(e, "ADTS frame header"))?;
        let n = read_up_to(r, &mut h).map_err(|e| io_msg(e, "ADTS frame header"))?;
        if n == 0 {
            break;
        }
        // A trailing ID3v1 or APE tag ends the audio.
        if h.starts_with(b"TAG") || h.starts_with(b"APETAGE") || h.starts_with(b"ID3") {
            break;
        }
        if n < 7 || h[0] != 0xFF || h[1] & 0xF6 != 0xF0 {
            if frames == 0 {
                return Err(ProbeError::Corrupt("no ADTS frame at the start".into()));
            }
            return Err(ProbeError::Corrupt(format!(
                "ADTS frame {} at byte {pos} has no sync word (corrupt file)",
                frames + 1
            )));
        }
        let index = usize::from((h[2] >> 2) & 0x0F);
        let frame_rate = *RATES.get(index).ok_or_else(|| {
            ProbeError::Corrupt(format!("ADTS sampling index {index} is reserved"))
        })?;
        let len = (u64::from(h[3] & 0x03) << 11) | (u64::from(h[4]) << 3) | u64::from(h[5] >> 5);
        if len < 7 {
            return Err(ProbeError::Corrupt(format!(
                "ADTS frame {} at byte {pos} declares {len} bytes (corrupt file)",
                frames + 1
            )));
        }
        if size.is_some_and(|s| pos.saturating_add(len) > s) {
            // The last frame is cut short: what is complete is what plays.
            cut = Some((frames + 1, len));
            break;
        }
        if frames == 0 {
            rate = frame_rate;
            channels = u16::from(((h[2] & 0x01) << 2) | (h[3] >> 6));
        }
        samples += 1024 * (u64::from(h[6] & 0x03) + 1);
        frames += 1;
        pos += len;
    }
    if frames == 0 {
        return Err(ProbeError::Truncated(
            "the ADTS stream holds no complete frame (truncated)".into(),
        ));
    }
    f.codec = Some("aac".into());
    f.sample_rate = Some(rate);
    // Channel configuration 0 is set by a program config element instead.
    f.channels = (channels > 0).then_some(channels);
    f.duration_s = Some(samples as f64 / f64::from(rate));
    match cut {
        Some((n, len)) => Err(ProbeError::Truncated(format!(
            "ADTS frame {n} declares {len} bytes; the file ends {} bytes into it (truncated); {frames} whole frames ({:.3} s) are there",
            size.unwrap_or(0).saturating_sub(pos),
            samples as f64 / f64::from(rate)
        ))),
        None => Ok(()),
    }
}
