//! A local file read through a small window. The probes read headers in
//! small pieces — a JPEG's 2-byte markers, an MP4's 8-byte box headers —
//! and seek between them; through the window each piece inside the last
//! 4 KiB read is a copy, and a seek is arithmetic, not a system call.
//! What the probes consume, and so the byte budget, is counted by
//! [`Budgeted`](super::Budgeted) above it, unchanged.

use std::io::{self, Read, Seek, SeekFrom};

/// The most read ahead of a small read.
const WINDOW: usize = 4096;

/// A reader whose small reads are served from the last window read.
#[derive(Debug)]
pub struct Windowed<R> {
    inner: R,
    /// The length of the file, when known (a seek from the end needs it).
    len: Option<u64>,
    /// The position the next read starts at.
    pos: u64,
    /// Where `inner` stands, when known.
    inner_pos: Option<u64>,
    /// The file offset of `window[0]`.
    start: u64,
    window: Vec<u8>,
}

impl<R> Windowed<R> {
    /// Wraps `inner`, positioned at its start; `len` is its length, when
    /// known.
    pub fn new(inner: R, len: Option<u64>) -> Self {
        Windowed {
            inner,
            len,
            pos: 0,
            inner_pos: Some(0),
            start: 0,
            window: Vec::new(),
        }
    }
}

impl<R: Read + Seek> Read for Windowed<R> {
    /// Fills `out` as a regular file does: short only at the end of the
    /// file (or when an error follows what was read).
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let mut done = 0;
        while done < out.len() {
            match self.read_some(&mut out[done..]) {
                Ok(0) => break,
                Ok(n) => done += n,
                Err(e) if done == 0 => return Err(e),
                Err(_) => break,
            }
        }
        Ok(done)
    }
}

impl<R: Read + Seek> Windowed<R> {
    /// One step of a read: from the window, or one read of the file.
    fn read_some(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if let Some(off) = self
            .pos
            .checked_sub(self.start)
            .and_then(|o| usize::try_from(o).ok())
            .filter(|&o| o < self.window.len())
        {
            let n = out.len().min(self.window.len() - off);
            out[..n].copy_from_slice(&self.window[off..off + n]);
            self.pos += n as u64;
            return Ok(n);
        }
        if self.inner_pos != Some(self.pos) {
            self.inner_pos = None;
            self.inner.seek(SeekFrom::Start(self.pos))?;
            self.inner_pos = Some(self.pos);
        }
        // A large read goes straight through; a small one fills the window.
        if out.len() >= WINDOW {
            let n = self.inner.read(out)?;
            self.pos += n as u64;
            self.inner_pos = Some(self.pos);
            return Ok(n);
        }
        self.window.resize(WINDOW, 0);
        let got = self.inner.read(&mut self.window);
        let n = match got {
            Ok(n) => n,
            Err(e) => {
                self.window.clear();
                self.inner_pos = None;
                return Err(e);
            }
        };
        self.window.truncate(n);
        self.start = self.pos;
        self.inner_pos = Some(self.pos + n as u64);
        let k = out.len().min(n);
        out[..k].copy_from_slice(&self.window[..k]);
        self.pos += k as u64;
        Ok(k)
    }
}

impl<R: Seek> Seek for Windowed<R> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let negative = || {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "invalid seek to a negative or overflowing position",
            )
        };
        self.pos = match to {
            SeekFrom::Start(p) => p,
            SeekFrom::Current(d) => self.pos.checked_add_signed(d).ok_or_else(negative)?,
            SeekFrom::End(d) => match self.len {
                Some(len) => len.checked_add_signed(d).ok_or_else(negative)?,
                None => {
                    let p = self.inner.seek(to)?;
                    self.inner_pos = Some(p);
                    p
                }
            },
        };
        Ok(self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// Reads and seeks through the window give exactly what the bytes
    /// hold, whatever the pattern.
    #[test]
    fn agrees_with_the_bytes_under_any_reads_and_seeks() {
        let data: Vec<u8> = (0..20_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut plain = Cursor::new(data.clone());
        let mut w = Windowed::new(Cursor::new(data.clone()), Some(data.len() as u64));
        // A fixed pseudo-random walk of seeks and reads of every size.
        let mut x = 12345u64;
        for _ in 0..5_000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let to = match x % 4 {
                0 => SeekFrom::Start(x % 21_000),
                1 => SeekFrom::Current(((x >> 8) % 600) as i64 - 300),
                2 => SeekFrom::End(-(((x >> 8) % 400) as i64)),
                _ => SeekFrom::Current(0),
            };
            let a = plain.seek(to);
            let b = w.seek(to);
            assert_eq!(a.is_ok(), b.is_ok(), "{to:?}");
            if let (Ok(a), Ok(b)) = (a, b) {
                assert_eq!(a, b);
            } else {
                // A failed seek moves neither: put them back together.
                let p = plain.stream_position().unwrap();
                w.seek(SeekFrom::Start(p)).unwrap();
            }
            let size = [1usize, 2, 7, 16, 512, 4095, 4096, 9000][(x >> 16) as usize % 8];
            let (mut p, mut q) = (vec![0u8; size], vec![0u8; size]);
            let n = plain.read(&mut p).unwrap();
            let m = w.read(&mut q).unwrap();
            assert_eq!((m, &q[..m]), (n, &p[..n]));
        }
    }

    #[test]
    fn small_reads_inside_a_window_do_not_reach_the_file() {
        struct Counting(Cursor<Vec<u8>>, usize);
        impl Read for Counting {
            fn read(&mut self, b: &mut [u8]) -> io::Result<usize> {
                self.1 += 1;
                self.0.read(b)
            }
        }
        impl Seek for Counting {
            fn seek(&mut self, p: SeekFrom) -> io::Result<u64> {
                self.1 += 1;
                self.0.seek(p)
            }
        }
        let mut w = Windowed::new(Counting(Cursor::new(vec![1u8; 10_000]), 0), Some(10_000));
        let mut b = [0u8; 2];
        for at in [0u64, 2, 20, 300, 4000, 2] {
            w.seek(SeekFrom::Start(at)).unwrap();
            w.read_exact(&mut b).unwrap();
        }
        w.seek(SeekFrom::End(-2)).unwrap();
        w.read_exact(&mut b).unwrap();
        // One window at 0; one seek and one window at the end.
        assert_eq!(w.inner.1, 3);
    }
}
