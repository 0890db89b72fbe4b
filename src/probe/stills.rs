//! Image formats the service does not take, measured so that a user
//! converting them knows what they hold: TIFF (the first IFD's width,
//! length and orientation) and HEIF/AVIF (the `ispe` property of the
//! largest image, turned by its `irot`).

use std::io::{Read, Seek, SeekFrom};

use super::{io_msg, MediaFacts, ProbeError, ProbeResult};
use crate::source::read_up_to;

/// Most IFD entries read (a real first IFD has a few dozen).
const MAX_ENTRIES: usize = 4096;

pub(super) fn probe_tiff<R: Read + Seek>(r: &mut R, f: &mut MediaFacts) -> ProbeResult {
    r.seek(SeekFrom::Start(0))
        .map_err(|e| io_msg(e, "TIFF header"))?;
    let mut h = [0u8; 8];
    r.read_exact(&mut h).map_err(|e| io_msg(e, "TIFF header"))?;
    let le = match &h[..4] {
        b"II*\0" => true,
        b"MM\0*" => false,
        // BigTIFF (`II+\0`) and anything else: named, not measured.
        _ => return Ok(()),
    };
    let u16_at = |b: &[u8], i: usize| -> u16 {
        let x = [b[i], b[i + 1]];
        if le {
            u16::from_le_bytes(x)
        } else {
            u16::from_be_bytes(x)
        }
    };
    let u32_at = |b: &[u8], i: usize| -> u32 {
        let x = [b[i], b[i + 1], b[i + 2], b[i + 3]];
        if le {
            u32::from_le_bytes(x)
        } else {
            u32::from_be_bytes(x)
        }
    };
    let ifd = u32_at(&h, 4) as u64;
    r.seek(SeekFrom::Start(ifd))
        .map_err(|e| io_msg(e, "TIFF IFD"))?;
    let mut c = [0u8; 2];
    r.read_exact(&mut c).map_err(|e| io_msg(e, "TIFF IFD"))?;
    let count = (u16_at(&c, 0) as usize).min(MAX_ENTRIES);
    let mut entries = vec![0u8; count * 12];
    let n = read_up_to(r, &mut entries).map_err(|e| io_msg(e, "TIFF IFD"))?;
    if n < count * 12 {
        return Err(ProbeError::Truncated(format!(
            "TIFF: the first IFD declares {count} entries; the file ends first"
        )));
    }
    let (mut w, mut hgt, mut orient) = (None, None, None);
    for e in entries.chunks_exact(12) {
        let tag = u16_at(e, 0);
        let ty = u16_at(e, 2);
        let value = match ty {
            3 => u32::from(u16_at(e, 8)),
            4 => u32_at(e, 8),
            _ => continue,
        };
        match tag {
            256 => w = Some(value),
            257 => hgt = Some(value),
            274 => orient = Some(value as u8),
            _ => {}
        }
    }
    let (Some(w), Some(hgt)) = (w, hgt) else {
        return Err(ProbeError::Corrupt(
            "TIFF: the first IFD has no ImageWidth/ImageLength".into(),
        ));
    };
    if w == 0 || hgt == 0 {
        return Err(ProbeError::Corrupt(format!("TIFF: the image is {w}×{hgt}")));
    }
    f.width = Some(w);
    f.height = Some(hgt);
    f.animated = Some(false);
    f.orientation = orient.filter(|o| (1..=8).contains(o));
    let turned = matches!(f.orientation, Some(5..=8));
    f.display_width = Some(if turned { hgt } else { w });
    f.display_height = Some(if turned { w } else { hgt });
    Ok(())
}

/// Boxes of `buf`: (type, payload range).
fn boxes(buf: &[u8]) -> impl Iterator<Item = ([u8; 4], std::ops::Range<usize>)> + '_ {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        if at + 8 > buf.len() {
            return None;
        }
        let size = u32::from_be_bytes(buf[at..at + 4].try_into().ok()?) as usize;
        let ty: [u8; 4] = buf[at + 4..at + 8].try_into().ok()?;
        let (head, size) = match size {
            0 => (8, buf.len() - at),
            1 => {
                let big = u64::from_be_bytes(buf.get(at + 8..at + 16)?.try_into().ok()?);
                (16, usize::try_from(big).ok()?)
            }
            s => (8, s),
        };
        // A 64-bit size can be anything: checked, never wrapped.
        let end = at.checked_add(size)?;
        if size < head || end > buf.len() {
            return None;
        }
        let r = at + head..end;
        at = end;
        Some((ty, r))
    })
}

pub(super) fn probe_heif<R: Read + Seek>(
    r: &mut R,
    size: Option<u64>,
    f: &mut MediaFacts,
) -> ProbeResult {
    // `meta` comes right after `ftyp` in still images: its size says how
    // much of the head to read (at most 1 MiB).
    r.seek(SeekFrom::Start(0))
        .map_err(|e| io_msg(e, "HEIF boxes"))?;
    let mut first = vec![0u8; 4096];
    let n = read_up_to(r, &mut first).map_err(|e| io_msg(e, "HEIF boxes"))?;
    first.truncate(n);
    let mut need = 0usize;
    let mut at = 0usize;
    while at + 8 <= first.len() {
        let len = u32::from_be_bytes(first[at..at + 4].try_into().unwrap_or_default()) as usize;
        if &first[at + 4..at + 8] == b"meta" {
            need = at.saturating_add(len);
            break;
        }
        if len < 8 {
            break;
        }
        at += len;
    }
    let want = need
        .clamp(first.len(), 1 << 20)
        .min(size.map_or(usize::MAX, |s| s as usize));
    let mut buf = first;
    if want > buf.len() {
        let have = buf.len();
        buf.resize(want, 0);
        let m = read_up_to(r, &mut buf[have..]).map_err(|e| io_msg(e, "HEIF boxes"))?;
        buf.truncate(have + m);
    }
    let Some((_, meta)) = boxes(&buf).find(|(t, _)| t == b"meta") else {
        return Err(ProbeError::Truncated(
            "HEIF: no `meta` box in the first MiB".into(),
        ));
    };
    // `meta` is a full box: 4 bytes of version and flags.
    let meta = &buf[meta.start.saturating_add(4).min(meta.end)..meta.end];
    let ipco = boxes(meta)
        .find(|(t, _)| t == b"iprp")
        .and_then(|(_, p)| {
            boxes(&meta[p.clone()])
                .find(|(t, _)| t == b"ipco")
                .map(|(_, q)| meta[p][q].to_vec())
        })
        .ok_or_else(|| ProbeError::Corrupt("HEIF: no item properties (`iprp`/`ipco`)".into()))?;
    let mut best: Option<(u32, u32)> = None;
    let mut turn = 0u16;
    for (t, p) in boxes(&ipco) {
        let b = &ipco[p];
        match &t {
            b"ispe" if b.len() >= 12 => {
                let w = u32::from_be_bytes([b[4], b[5], b[6], b[7]]);
                let h = u32::from_be_bytes([b[8], b[9], b[10], b[11]]);
                if best.is_none_or(|(bw, bh)| {
                    u64::from(w) * u64::from(h) > u64::from(bw) * u64::from(bh)
                }) {
                    best = Some((w, h));
                }
            }
            b"irot" if !b.is_empty() => turn = u16::from(b[0] & 3) * 90,
            _ => {}
        }
    }
    let (w, h) = best.ok_or_else(|| ProbeError::Corrupt("HEIF: no image size (`ispe`)".into()))?;
    if w == 0 || h == 0 {
        return Err(ProbeError::Corrupt(format!("HEIF: the image is {w}×{h}")));
    }
    f.width = Some(w);
    f.height = Some(h);
    // An image sequence (`avis`, `msf1` brands) is animated.
    f.animated = Some(buf.get(8..12).is_some_and(|b| b == b"avis" || b == b"msf1"));
    f.rotation = (turn != 0).then_some(turn);
    let swap = turn == 90 || turn == 270;
    f.display_width = Some(if swap { h } else { w });
    f.display_height = Some(if swap { w } else { h });
    Ok(())
}
