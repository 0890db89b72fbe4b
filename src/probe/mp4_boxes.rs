//! What reaches `mp4-atom`: a `moov` or `moof` rebuilt from the boxes the probe
//! needs, and nothing else.
//!
//! Fuzzing found that `mp4-atom` 0.17 decodes any child box inside a sample
//! entry, and that some (an `sgpd` of version 0) loop on a 32-bit entry count
//! without consuming input: a 1 KB file made it allocate gigabytes. So:
//! - boxes outside [`KEEP`] are dropped before decoding (`sgpd`, `sbgp`, `udta`,
//!   `meta`, `senc`, … — none of them says anything the rules need);
//! - the sample descriptions (`stsd`) are read here, by a small parser of
//!   fixed offsets — codec fourcc, coded size, audio channels (from the AAC
//!   decoder config when present) — and handed to `mp4-atom` as one opaque
//!   entry that it keeps as raw bytes.

use super::bytes::{be16, be32, be64};
use super::ProbeError;

/// Boxes whose children are rebuilt recursively.
const CONTAINERS: &[&[u8; 4]] = &[
    b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"mvex", b"dinf", b"moof", b"traf",
];

/// Every box kept; all others are dropped.
const KEEP: &[&[u8; 4]] = &[
    b"moov", b"mvhd", b"trak", b"tkhd", b"edts", b"elst", b"mdia", b"mdhd", b"hdlr", b"minf",
    b"vmhd", b"smhd", b"nmhd", b"sthd", b"hmhd", b"dinf", b"dref", b"stbl", b"stsd", b"stts",
    b"stsc", b"stsz", b"stz2", b"stco", b"co64", b"mvex", b"mehd", b"trex", b"moof", b"mfhd",
    b"traf", b"tfhd", b"tfdt", b"trun",
];

/// The deepest nesting followed (real files use 6).
const MAX_DEPTH: usize = 12;

/// What the first sample description of a track says.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct SampleEntry {
    /// The sample-entry type: `avc1`, `hvc1`, `apco`, `mp4a`, …
    pub fourcc: String,
    /// Coded width and height (visual entries).
    pub width: u16,
    /// Coded height.
    pub height: u16,
    /// Audio channels: the AAC decoder config's, else the entry's field.
    pub channels: u16,
    /// For an encrypted entry (`encv`, `enca`): the original format (`frma`).
    pub original: Option<String>,
    /// For an encrypted entry: the scheme (`schm`: `cenc`, `cbcs`, …).
    pub scheme: Option<String>,
    /// H.264 / HEVC: the bytes of each NAL unit's length prefix (`avcC`,
    /// `hvcC`: 1, 2 or 4).
    pub nal_length_size: Option<u8>,
}

/// Rebuilds `bytes` (one or more whole boxes) keeping only [`KEEP`]; every
/// `stsd` met is parsed into `entries` (in document order) and replaced by a
/// single opaque entry.
pub(super) fn prune(bytes: &[u8], entries: &mut Vec<SampleEntry>) -> Result<Vec<u8>, ProbeError> {
    let mut out = Vec::with_capacity(bytes.len().min(1 << 20));
    prune_into(bytes, &mut out, entries, 0)?;
    Ok(out)
}

fn prune_into(
    bytes: &[u8],
    out: &mut Vec<u8>,
    entries: &mut Vec<SampleEntry>,
    depth: usize,
) -> Result<(), ProbeError> {
    if depth > MAX_DEPTH {
        return Err("MP4: boxes nested too deep".into());
    }
    let mut i = 0;
    while i + 8 <= bytes.len() {
        let size32 = be32(bytes, i).unwrap_or(0) as usize;
        let kind: [u8; 4] = bytes[i + 4..i + 8].try_into().unwrap_or_default();
        let (head, len) = match size32 {
            0 => (8, bytes.len() - i),
            1 => (
                16,
                be64(bytes, i + 8).map_or(0, |v| usize::try_from(v).unwrap_or(usize::MAX)),
            ),
            n => (8, n),
        };
        if len < head || len > bytes.len() - i {
            return Err(ProbeError::Corrupt(format!(
                "MP4: box {} overruns the box that holds it (corrupt file)",
                fourcc_text(&kind)
            )));
        }
        let payload = &bytes[i + head..i + len];
        if KEEP.contains(&&kind) {
            let start = out.len();
            out.extend_from_slice(&[0, 0, 0, 0]);
            out.extend_from_slice(&kind);
            if &kind == b"stsd" {
                entries.push(sample_entry(payload));
                // Full box (version 0), one entry `unkn` of 8 bytes of body.
                out.extend_from_slice(&[
                    0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 16, b'u', b'n', b'k', b'n', 0, 0, 0, 0, 0, 0,
                    0, 1,
                ]);
            } else if CONTAINERS.contains(&&kind) {
                prune_into(payload, out, entries, depth + 1)?;
            } else {
                out.extend_from_slice(payload);
            }
            let size =
                u32::try_from(out.len() - start).map_err(|_| "MP4: box too large".to_string())?;
            out[start..start + 4].copy_from_slice(&size.to_be_bytes());
        }
        i += len;
    }
    Ok(())
}

/// A box type for messages: `` `moov` ``, or hex when not printable.
pub(super) fn fourcc_text(kind: &[u8; 4]) -> String {
    if kind.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
        format!("`{}`", String::from_utf8_lossy(kind))
    } else {
        format!(
            "0x{:02x}{:02x}{:02x}{:02x}",
            kind[0], kind[1], kind[2], kind[3]
        )
    }
}

/// Reads the first sample description of an `stsd` payload.
fn sample_entry(stsd: &[u8]) -> SampleEntry {
    // stsd: version/flags (4), entry count (4), then entries as boxes.
    let Some(entry) = stsd.get(8..) else {
        return SampleEntry::default();
    };
    let size = be32(entry, 0).unwrap_or(0) as usize;
    let fourcc = entry.get(4..8).map_or(String::new(), |b| {
        String::from_utf8_lossy(b).trim_end().to_string()
    });
    // A declared size past the end is cut to what is there; below 8 there is no body.
    let body = entry.get(8..size.min(entry.len())).unwrap_or(&[]);
    let mut e = SampleEntry {
        fourcc,
        // Visual sample entry: reserved (6), data ref (2), pre-defined and
        // reserved (16), then width and height.
        width: be16(body, 24).unwrap_or(0),
        height: be16(body, 26).unwrap_or(0),
        ..SampleEntry::default()
    };
    // Audio sample entry: reserved (6), data ref (2), version (2), revision
    // (2), vendor (4), channel count (2) — then children after 28, 44 or 64
    // bytes for QuickTime sound description versions 0, 1 and 2.
    let version = be16(body, 8).unwrap_or(0);
    e.channels = be16(body, 16).unwrap_or(0);
    let children = match version {
        1 => 44,
        2 => 64,
        _ => 28,
    };
    if let Some(c) = body.get(children..).and_then(|kids| aac_channels(kids, 0)) {
        e.channels = c;
    }
    // The NAL length prefix: avcC byte 4, hvcC byte 21 (low two bits + 1).
    let config = match e.fourcc.as_str() {
        "avc1" | "avc3" => body
            .get(78..)
            .and_then(|k| child(k, b"avcC"))
            .and_then(|c| c.get(4)),
        "hvc1" | "hev1" => body
            .get(78..)
            .and_then(|k| child(k, b"hvcC"))
            .and_then(|c| c.get(21)),
        _ => None,
    };
    e.nal_length_size = config.map(|b| (b & 0x03) + 1);
    // An encrypted entry keeps the original format and scheme in `sinf`.
    let kids = match e.fourcc.as_str() {
        "encv" => body.get(78..),
        "enca" => body.get(children..),
        _ => None,
    };
    if let Some(sinf) = kids.and_then(|k| child(k, b"sinf")) {
        let text = |b: &[u8]| String::from_utf8_lossy(b).trim_end().to_string();
        e.original = child(sinf, b"frma").and_then(|p| p.get(..4)).map(text);
        e.scheme = child(sinf, b"schm").and_then(|p| p.get(4..8)).map(text);
    }
    e
}

/// The payload of the first box of type `kind` among `boxes`.
fn child<'a>(boxes: &'a [u8], kind: &[u8; 4]) -> Option<&'a [u8]> {
    let mut i = 0;
    while i + 8 <= boxes.len() {
        let len = be32(boxes, i)? as usize;
        if len < 8 || len > boxes.len() - i {
            return None;
        }
        if &boxes[i + 4..i + 8] == kind {
            return Some(&boxes[i + 8..i + len]);
        }
        i += len;
    }
    None
}

/// The channel configuration of an `esds` among `boxes` (or inside a
/// QuickTime `wave`).
fn aac_channels(boxes: &[u8], depth: usize) -> Option<u16> {
    let mut i = 0;
    while i + 8 <= boxes.len() && depth < 3 {
        let len = be32(boxes, i)? as usize;
        if len < 8 || len > boxes.len() - i {
            return None;
        }
        let payload = &boxes[i + 8..i + len];
        match &boxes[i + 4..i + 8] {
            b"esds" => return esds_channels(payload.get(4..)?),
            b"wave" => {
                if let Some(c) = aac_channels(payload, depth + 1) {
                    return Some(c);
                }
            }
            _ => {}
        }
        i += len;
    }
    None
}

/// Walks ES_Descriptor → DecoderConfigDescriptor → DecoderSpecificInfo and
/// reads the AudioSpecificConfig's channel configuration (1–7).
fn esds_channels(d: &[u8]) -> Option<u16> {
    let descriptor = |d: &[u8], tag: u8| -> Option<usize> {
        // tag (1), then a length of up to four 7-bit groups; returns the
        // offset of the body.
        if *d.first()? != tag {
            return None;
        }
        let mut i = 1;
        while i < 5 && d.get(i)? & 0x80 != 0 {
            i += 1;
        }
        Some(i + 1)
    };
    let mut p = descriptor(d, 0x03)?;
    let flags = *d.get(p + 2)?;
    p += 3;
    if flags & 0x80 != 0 {
        p += 2;
    }
    if flags & 0x40 != 0 {
        p += 1 + *d.get(p)? as usize;
    }
    if flags & 0x20 != 0 {
        p += 2;
    }
    let d = d.get(p..)?;
    let p = descriptor(d, 0x04)? + 13;
    let d = d.get(p..)?;
    let p = descriptor(d, 0x05)?;
    // The config may be the last bytes of the box: pad to a word.
    let mut asc = [0u8; 4];
    let avail = d.get(p..)?;
    let n = avail.len().min(4);
    asc[..n].copy_from_slice(&avail[..n]);
    let bits = u32::from_be_bytes(asc);
    // audioObjectType (5 bits, or 5 + 6 when 31), frequency index (4 bits, or
    // 4 + 24 when 15), channel configuration (4 bits).
    let mut shift = 32 - 5;
    if bits >> 27 == 31 {
        shift -= 6;
    }
    let freq = (bits >> (shift - 4)) & 0xF;
    shift -= 4;
    if freq == 15 {
        return None; // explicit 24-bit frequency: the channels lie past these bytes
    }
    let chan = ((bits >> (shift - 4)) & 0xF) as u16;
    (1..=7).contains(&chan).then_some(chan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_boxes_are_dropped_and_sizes_rewritten() {
        let mut moov = Vec::new();
        let inner = [
            &b"\0\0\0\x0cmvhdabcd"[..],
            b"\0\0\0\x0csgpdxxxx",
            b"\0\0\0\x08udta",
        ]
        .concat();
        moov.extend_from_slice(&((8 + inner.len()) as u32).to_be_bytes());
        moov.extend_from_slice(b"moov");
        moov.extend_from_slice(&inner);
        let out = prune(&moov, &mut Vec::new()).unwrap();
        assert_eq!(out, b"\0\0\0\x14moov\0\0\0\x0cmvhdabcd");
    }

    #[test]
    fn overrunning_boxes_are_refused() {
        assert!(prune(b"\0\0\0\x40moov\0\0\0\x08mvhd", &mut Vec::new()).is_err());
    }

    #[test]
    fn aac_channel_config() {
        // ES_Descriptor with DecoderConfig and an AudioSpecificConfig of
        // AAC-LC (2), 48 kHz (3), mono (1): 0x11 0x88.
        let esds = [
            0x03, 0x19, 0x00, 0x01, 0x00, // ES_Descriptor, ES_ID 1, flags 0
            0x04, 0x11, 0x40, 0x15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, // DecoderConfig (13 bytes)
            0x05, 0x02, 0x11, 0x88, // DecSpecificInfo, last in the box
        ];
        assert_eq!(esds_channels(&esds), Some(1));
    }
}
