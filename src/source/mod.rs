//! Where media bytes come from. Every source is `Read + Seek` behind a byte
//! budget, so a probe never knows whether it reads a file or a URL, and no
//! parser can read more than the budget allows, whatever a header declares.

mod error;
pub mod http;
mod window;

pub use crate::addr::{parse_cidr, parse_host, AllowList};
pub use error::{BudgetSpent, OpenError, Unreachable};
pub use window::Windowed;

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

/// Default bytes a probe may read from one asset: enough for any real `moov`
/// box or a 15 MB MP3 counted frame by frame, bounded for hostile files.
pub const DEFAULT_BUDGET: u64 = 32 * 1024 * 1024;

/// A reader that counts what it reads and refuses to read past its budget.
#[derive(Debug)]
pub struct Budgeted<R> {
    inner: R,
    budget: u64,
    read: u64,
    reads: u64,
}

/// Whether an I/O error is a spent byte budget ([`BudgetSpent`]); probes tell
/// it apart from a truncated file by its type, not its text.
pub fn is_budget_error(e: &io::Error) -> bool {
    e.get_ref()
        .is_some_and(|inner| inner.downcast_ref::<BudgetSpent>().is_some())
}

impl<R> Budgeted<R> {
    /// Wraps `inner`, allowing at most `budget` bytes to be read.
    pub fn new(inner: R, budget: u64) -> Self {
        Budgeted {
            inner,
            budget,
            read: 0,
            reads: 0,
        }
    }

    /// Bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.read
    }

    /// Read calls that reached the inner source.
    pub fn reads(&self) -> u64 {
        self.reads
    }

    /// Bytes still allowed.
    pub fn remaining(&self) -> u64 {
        self.budget.saturating_sub(self.read)
    }
}

impl<R: Read> Read for Budgeted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let left = self.remaining();
        if left == 0 {
            return Err(BudgetSpent::io(self.budget, false));
        }
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.read += n as u64;
        self.reads += 1;
        Ok(n)
    }
}

impl<R: Seek> Seek for Budgeted<R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// Opens a local file for probing; returns the reader and the file size.
///
/// Only regular files are opened (after following links): the type is read
/// from the metadata *before* opening, because opening a FIFO blocks until a
/// writer appears and a device can be endless.
pub fn open_file(path: &Path, budget: u64) -> Result<(Budgeted<Windowed<File>>, u64), OpenError> {
    let file = open_nonblocking(path)?;
    let meta = file.metadata().map_err(|e| OpenError::from_io(&e))?;
    if let Some(what) = not_regular(&meta.file_type()) {
        return Err(OpenError::NotRegularFile(format!("{what}, not a file")));
    }
    let len = meta.len();
    Ok((Budgeted::new(Windowed::new(file, Some(len)), budget), len))
}

/// Opens read-only without blocking: on Unix with `O_NONBLOCK`, so opening
/// a FIFO returns at once (and no stat-then-open race remains); elsewhere
/// the type is checked from the metadata first. The caller then checks the
/// open file's own type.
/// A reader that fails once a deadline has passed: a long decode (`--deep`,
/// `fix`) stops at its next read when the run's time is up.
#[cfg(feature = "fix")]
#[derive(Debug)]
pub(crate) struct Deadlined<R> {
    pub(crate) inner: R,
    pub(crate) deadline: Option<std::time::Instant>,
}

/// The error a [`Deadlined`] reader returns past its deadline.
#[cfg(feature = "fix")]
pub(crate) const DEADLINE_PASSED: &str = "the run's deadline passed (--deadline)";

#[cfg(feature = "fix")]
impl<R: Read> Read for Deadlined<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self
            .deadline
            .is_some_and(|d| std::time::Instant::now() >= d)
        {
            return Err(io::Error::new(io::ErrorKind::TimedOut, DEADLINE_PASSED));
        }
        self.inner.read(buf)
    }
}

#[cfg(feature = "fix")]
impl<R: Seek> Seek for Deadlined<R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// Opens a local file for reading, refusing anything but a regular file
/// (checked on the opened handle: a FIFO does not block the open).
pub(crate) fn open_regular(path: &Path) -> Result<File, OpenError> {
    let file = open_nonblocking(path)?;
    let meta = file.metadata().map_err(|e| OpenError::from_io(&e))?;
    if let Some(what) = not_regular(&meta.file_type()) {
        return Err(OpenError::NotRegularFile(format!("{what}, not a file")));
    }
    Ok(file)
}

fn open_nonblocking(path: &Path) -> Result<File, OpenError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)
            .map_err(|e| OpenError::from_io(&e))
    }
    #[cfg(not(unix))]
    {
        let meta = std::fs::metadata(path).map_err(|e| OpenError::from_io(&e))?;
        if let Some(what) = not_regular(&meta.file_type()) {
            return Err(OpenError::NotRegularFile(format!("{what}, not a file")));
        }
        File::open(path).map_err(|e| OpenError::from_io(&e))
    }
}

/// What a file type is when it is not a regular file (`is a directory`, …).
pub fn not_regular(t: &std::fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("is a FIFO (named pipe)");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("is a device");
        }
        if t.is_socket() {
            return Some("is a socket");
        }
    }
    if t.is_dir() {
        Some("is a directory")
    } else if t.is_file() {
        None
    } else {
        Some("is not a regular file")
    }
}

/// Reads up to `buf.len()` bytes, stopping early only at end of file.
pub fn read_up_to<R: Read + ?Sized>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[test]
    fn budget_stops_reads_but_not_seeks() {
        let mut r = Budgeted::new(Cursor::new(vec![7u8; 1000]), 10);
        let mut buf = [0u8; 8];
        assert_eq!(r.read(&mut buf).unwrap(), 8);
        r.seek(SeekFrom::Start(900)).unwrap();
        assert_eq!(r.read(&mut buf).unwrap(), 2);
        let e = r.read(&mut buf).unwrap_err();
        assert!(is_budget_error(&e), "{e}");
        assert_eq!(r.bytes_read(), 10);
    }
}
