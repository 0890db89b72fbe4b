//! What the image probes share: the header they return, and reads that
//! turn I/O errors into probe errors.

use std::io::{Read, Seek, SeekFrom};

use super::{io_msg, ProbeError, ProbeResult};

/// The largest EXIF segment parsed for the orientation tag.
pub(super) const MAX_EXIF_BYTES: usize = 64 * 1024;

/// What an image header says.
#[derive(Debug, Default)]
pub(super) struct Header {
    pub w: u32,
    pub h: u32,
    pub orientation: Option<u8>,
    pub animated: bool,
    /// Bytes after the image's end (see `MediaFacts::trailing_bytes`).
    pub trailing: Option<u64>,
    /// Why the file is damaged although its header was read: the facts are
    /// kept and the probe fails with this.
    pub damage: Option<ProbeError>,
}

impl Header {
    pub(super) fn still(w: u32, h: u32) -> Self {
        Header {
            w,
            h,
            ..Header::default()
        }
    }
}

pub(super) fn read_exact<R: Read>(r: &mut R, buf: &mut [u8], what: &str) -> ProbeResult {
    r.read_exact(buf).map_err(|e| io_msg(e, what))
}

pub(super) fn seek<R: Seek>(r: &mut R, to: SeekFrom) -> ProbeResult {
    r.seek(to).map(|_| ()).map_err(|e| io_msg(e, "seek"))
}
