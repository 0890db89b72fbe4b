//! FLAC (STREAMINFO) and Ogg (Vorbis, Opus or FLAC identification header,
//! and the last page's granule position for the length): formats the
//! service does not take, measured so a user converting them knows what
//! they hold.

use std::io::{Read, Seek, SeekFrom};

use super::{io_msg, MediaFacts, ProbeError, ProbeResult};
use crate::source::read_up_to;

/// Rate, channels, bits and samples from a 34-byte STREAMINFO block.
fn streaminfo(b: &[u8], f: &mut MediaFacts) -> ProbeResult {
    if b.len() < 18 {
        return Err(ProbeError::Truncated(
            "FLAC: STREAMINFO is cut short".into(),
        ));
    }
    let rate = (u32::from(b[10]) << 12) | (u32::from(b[11]) << 4) | (u32::from(b[12]) >> 4);
    let channels = ((b[12] >> 1) & 0x07) + 1;
    let total = (u64::from(b[13] & 0x0F) << 32)
        | u64::from(u32::from_be_bytes([b[14], b[15], b[16], b[17]]));
    if rate == 0 || rate > 655_350 {
        return Err(ProbeError::Corrupt(format!(
            "FLAC: STREAMINFO states a sample rate of {rate} Hz"
        )));
    }
    f.sample_rate = Some(rate);
    f.channels = Some(u16::from(channels));
    f.codec = Some("flac".into());
    // A total of 0 means "unknown" in STREAMINFO.
    if total > 0 {
        f.duration_s = Some(total as f64 / rate as f64);
    }
    Ok(())
}

/// FLAC: `fLaC` (after `start`, past an ID3v2 tag), then the first metadata
/// block, which must be STREAMINFO.
pub(super) fn probe_flac<R: Read + Seek>(r: &mut R, start: u64, f: &mut MediaFacts) -> ProbeResult {
    r.seek(SeekFrom::Start(start))
        .map_err(|e| io_msg(e, "FLAC header"))?;
    let mut head = [0u8; 8 + 34];
    let n = read_up_to(r, &mut head).map_err(|e| io_msg(e, "FLAC header"))?;
    if n < 8 || &head[..4] != b"fLaC" {
        return Err(ProbeError::Truncated("FLAC: no stream marker".into()));
    }
    if head[4] & 0x7F != 0 {
        return Err(ProbeError::Corrupt(
            "FLAC: the first metadata block is not STREAMINFO".into(),
        ));
    }
    streaminfo(&head[8..n], f)
}

/// Ogg: the first page's packet names the codec; the last page with a
/// granule position gives the length.
pub(super) fn probe_ogg<R: Read + Seek>(
    r: &mut R,
    size: Option<u64>,
    f: &mut MediaFacts,
) -> ProbeResult {
    r.seek(SeekFrom::Start(0))
        .map_err(|e| io_msg(e, "Ogg page"))?;
    let mut page = [0u8; 27 + 255 + 64];
    let n = read_up_to(r, &mut page).map_err(|e| io_msg(e, "Ogg page"))?;
    if n < 28 || &page[..4] != b"OggS" {
        return Err(ProbeError::Truncated(
            "Ogg: the first page is cut short".into(),
        ));
    }
    let segments = page[26] as usize;
    let body = 27 + segments;
    let packet = page.get(body..n).unwrap_or(&[]);
    // (rate used for granules, pre-skip)
    let (granule_rate, pre_skip) = if packet.starts_with(b"\x01vorbis") && packet.len() >= 16 {
        let rate = u32::from_le_bytes([packet[12], packet[13], packet[14], packet[15]]);
        f.codec = Some("vorbis".into());
        f.channels = Some(u16::from(packet[11]));
        f.sample_rate = Some(rate);
        (rate, 0u64)
    } else if packet.starts_with(b"OpusHead") && packet.len() >= 16 {
        f.codec = Some("opus".into());
        f.channels = Some(u16::from(packet[9]));
        let input_rate = u32::from_le_bytes([packet[12], packet[13], packet[14], packet[15]]);
        // Opus always decodes at 48 kHz; the input rate is informational.
        f.sample_rate = Some(if input_rate == 0 { 48_000 } else { input_rate });
        (
            48_000,
            u64::from(u16::from_le_bytes([packet[10], packet[11]])),
        )
    } else if packet.starts_with(b"\x7FFLAC") && packet.len() >= 13 + 34 {
        streaminfo(&packet[13 + 8..], f)?;
        (f.sample_rate.unwrap_or(0), 0)
    } else {
        f.codec = Some("unknown".into());
        return Ok(());
    };
    if granule_rate == 0 || granule_rate > 1_000_000 {
        return Err(ProbeError::Corrupt(format!(
            "Ogg: the stream states a rate of {granule_rate} Hz"
        )));
    }
    let Some(size) = size else { return Ok(()) };
    // The last page lies in the last 64 KiB (a page is at most 65,307 bytes).
    let from = size.saturating_sub(65_536);
    r.seek(SeekFrom::Start(from))
        .map_err(|e| io_msg(e, "Ogg last page"))?;
    let mut tail = vec![0u8; (size - from) as usize];
    let n = read_up_to(r, &mut tail).map_err(|e| io_msg(e, "Ogg last page"))?;
    let tail = &tail[..n];
    let last = (0..tail.len().saturating_sub(14))
        .rev()
        .filter(|&i| &tail[i..i + 4] == b"OggS" && tail[i + 4] == 0)
        .find_map(|i| {
            let g = u64::from_le_bytes(tail[i + 6..i + 14].try_into().ok()?);
            (g != u64::MAX).then_some(g)
        });
    match last {
        Some(g) => {
            f.duration_s = Some(g.saturating_sub(pre_skip) as f64 / granule_rate as f64);
            Ok(())
        }
        None => Err(ProbeError::Truncated(
            "Ogg: no page with a granule position at the end (truncated file)".into(),
        )),
    }
}
