//! Writing files without following links a pull request planted: `fix`'s
//! output folder and everything under it, `--output FILE`,
//! `--write-baseline FILE`.
//!
//! A folder is made one component at a time (each existing component below
//! the current folder must be a real folder, not a link); every file is
//! written to a new temporary file in its (verified) folder —
//! `create_new`, which refuses any existing name, a dangling link included
//! — and renamed over its name, which replaces a name and never follows it.
//! An output that exists as a link, or as anything but a regular file, is
//! an error naming it.

use crate::{Error, ErrorKind};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// `path` made absolute against the current folder, `.` and `..` resolved
/// by their text (every component is then checked not to be a link).
pub fn absolute(path: &Path) -> PathBuf {
    let base = if path.is_absolute() {
        PathBuf::new()
    } else {
        std::env::current_dir().unwrap_or_default()
    };
    let mut out = PathBuf::new();
    for c in base.components().chain(path.components()) {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// Makes `dir` (and its missing parents) or verifies it: no component of it
/// below the current folder, and no component this call makes, is a link
/// or anything but a folder. Components above the current folder (`/tmp`
/// being a link on macOS) are the user's own. Returns the absolute folder.
pub fn make_dir(dir: &Path) -> Result<PathBuf, Error> {
    make_dir_below(dir, None)
}

/// [`make_dir`], and every component of `dir` below `root` (an output
/// folder) must be a real folder wherever it lies: `fix` makes
/// `<out>/assets/` with it.
pub fn make_dir_below(dir: &Path, root: Option<&Path>) -> Result<PathBuf, Error> {
    let abs = absolute(dir);
    let root = root.map(absolute);
    let mut at = PathBuf::new();
    for c in abs.components() {
        at.push(c);
        let strict =
            inside_cwd(&at) || root.as_ref().is_some_and(|r| at.starts_with(r) && at != *r);
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() && strict => {
                return Err(fail(format!(
                    "{} is a symbolic link: fix writes only into real folders (remove it, or choose another --out)",
                    shown(&at)
                )));
            }
            Ok(m) if m.file_type().is_symlink() => {
                if !at.is_dir() {
                    return Err(fail(format!("{} is not a folder", shown(&at))));
                }
            }
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(fail(format!("{} exists and is not a folder", shown(&at)))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // Not `create_dir_all`: each new component is made here,
                // and an existing name (a link made meanwhile) is an error.
                std::fs::create_dir(&at)
                    .map_err(|e| fail(format!("cannot create {}: {e}", shown(&at))))?;
            }
            Err(e) => return Err(fail(format!("cannot read {}: {e}", shown(&at)))),
        }
    }
    Ok(abs)
}

/// Refuses a planned output that exists as anything but a regular file (a
/// planted link above all): it is never written through.
pub fn check_target(path: &Path) -> Result<(), Error> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err(fail(format!(
            "{} is a symbolic link: fix does not write through links (remove it, or choose another --out)",
            shown(path)
        ))),
        Ok(m) if !m.is_file() => Err(fail(format!(
            "{} exists and is not a regular file",
            shown(path)
        ))),
        _ => Ok(()),
    }
}

/// A failure to write where asked.
fn fail(message: String) -> Error {
    Error::new(ErrorKind::Io, message)
}

static SEQ: AtomicU64 = AtomicU64::new(0);

/// A new, uniquely named file beside `path` (in its folder, which the
/// caller verified), opened for writing; its name is returned for
/// [`commit`]. The name keeps `path`'s extension (ffmpeg reads it).
pub fn temp_beside(path: &Path) -> Result<(File, PathBuf), Error> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or("out".into(), |n| n.to_string_lossy().into_owned());
    for _ in 0..16 {
        let n = SEQ.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".sp-{}-{n}-{name}", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(f) => return Ok((f, temp)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(fail(format!("cannot create {}: {e}", shown(&temp)))),
        }
    }
    Err(fail(format!(
        "cannot create a temporary file in {}",
        shown(dir)
    )))
}

/// Renames the finished `temp` over `path` (after checking `path` again);
/// on failure the temporary file is removed.
pub fn commit(temp: &Path, path: &Path) -> Result<(), Error> {
    let r = check_target(path).and_then(|()| {
        std::fs::rename(temp, path).map_err(|e| fail(format!("cannot write {}: {e}", shown(path))))
    });
    if r.is_err() {
        let _ = std::fs::remove_file(temp);
    }
    r
}

/// Writes `bytes` to `path` through a new temporary file and a rename.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    check_target(path)?;
    let (mut f, temp) = temp_beside(path)?;
    if let Err(e) = f.write_all(bytes).and_then(|()| f.flush()) {
        drop(f);
        let _ = std::fs::remove_file(&temp);
        return Err(fail(format!("cannot write {}: {e}", shown(path))));
    }
    drop(f);
    commit(&temp, path)
}

/// Makes `path` a new, empty regular file of this run (a regular file
/// left by an earlier run is removed first; a link or anything else is an
/// error), for an external program (ffmpeg, a converter) to write into.
pub fn fresh(path: &Path) -> Result<(), Error> {
    check_target(path)?;
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(fail(format!("cannot replace {}: {e}", shown(path)))),
    }
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map(drop)
        .map_err(|e| fail(format!("cannot create {}: {e}", shown(path))))
}

/// Whether `p` (absolute) lies strictly below the current folder: what a
/// checkout holds, and a pull request may have planted.
fn inside_cwd(p: &Path) -> bool {
    std::env::current_dir()
        .map(|c| absolute(&c))
        .is_ok_and(|c| p.starts_with(&c) && p != c)
}

/// Verifies the folders above `path` (they exist; none below the current
/// folder is a link).
fn check_parents(path: &Path) -> Result<(), Error> {
    let abs = absolute(path);
    let Some(dir) = abs.parent() else {
        return Ok(());
    };
    let mut at = PathBuf::new();
    for c in dir.components() {
        at.push(c);
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() && inside_cwd(&at) => {
                return Err(fail(format!(
                    "{} is a symbolic link: outputs are written only into real folders",
                    shown(&at)
                )))
            }
            Ok(_) => {}
            Err(e) => return Err(fail(format!("cannot write into {}: {e}", shown(&at)))),
        }
    }
    Ok(())
}

/// An output file named by a flag (`--output`, `--write-baseline`): a
/// regular file is written beside its name and renamed over it by
/// [`Output::finish`] (removed if dropped unfinished); a link below the
/// current folder — what a checkout may hold — is refused, never written
/// through; a device or FIFO outside it (`/dev/null`, `/dev/stdout`, a
/// shell's `>(…)`) is written directly.
#[derive(Debug)]
pub struct Output {
    file: Option<File>,
    /// `(temporary file, final name)` for a file renamed at the end.
    rename: Option<(PathBuf, PathBuf)>,
}

impl Output {
    /// Starts writing `path`.
    pub fn create(path: &Path) -> Result<Output, Error> {
        check_parents(path)?;
        let abs = absolute(path);
        match std::fs::symlink_metadata(&abs) {
            Ok(m) if m.file_type().is_symlink() && inside_cwd(&abs) => {
                return Err(fail(format!(
                    "{} is a symbolic link: an output is not written through a link in the checked folder (remove it, or name another file)",
                    shown(path)
                )))
            }
            Ok(m) if m.is_file() || m.file_type().is_symlink() && abs.is_file() => {}
            Ok(m) if m.is_dir() => return Err(fail(format!("{} is a folder", shown(path)))),
            Ok(_) if inside_cwd(&abs) => {
                return Err(fail(format!(
                    "{} exists and is not a regular file",
                    shown(path)
                )))
            }
            Ok(_) => {
                // A device or a FIFO the user named.
                let file = OpenOptions::new()
                    .write(true)
                    .open(&abs)
                    .map_err(|e| fail(format!("cannot open {}: {e}", shown(path))))?;
                return Ok(Output {
                    file: Some(file),
                    rename: None,
                });
            }
            _ => {}
        }
        let target = if abs.is_file() {
            // A link outside the checkout (the user's own): its target.
            std::fs::canonicalize(&abs).unwrap_or(abs)
        } else {
            abs
        };
        let (file, temp) = temp_beside(&target)?;
        Ok(Output {
            file: Some(file),
            rename: Some((temp, target)),
        })
    }

    /// Ends the file: renamed over its name.
    pub fn finish(mut self) -> Result<(), Error> {
        if let Some(mut f) = self.file.take() {
            f.flush().map_err(|e| fail(format!("cannot write: {e}")))?;
        }
        match self.rename.take() {
            Some((temp, path)) => commit(&temp, &path),
            None => Ok(()),
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(buf),
            None => Err(std::io::Error::other("finished")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if let Some((temp, _)) = self.rename.take() {
            let _ = std::fs::remove_file(temp);
        }
    }
}

/// Writes `bytes` to a file named by a flag, as [`Output`] does.
pub fn write_output(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let mut o = Output::create(path)?;
    o.write_all(bytes)
        .map_err(|e| fail(format!("cannot write {}: {e}", shown(path))))?;
    o.finish()
}

/// A path for messages: control characters escaped.
pub fn shown(p: &Path) -> String {
    crate::text::escape_controls(&p.display().to_string())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn links_are_refused_and_never_written_through() {
        let base = std::env::temp_dir().join(format!("sp-safe-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(&base).unwrap();
        let victim = base.join("victim");
        std::fs::write(&victim, b"keep").unwrap();
        let link = base.join("link");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        assert!(check_target(&link)
            .unwrap_err()
            .to_string()
            .contains("symbolic link"));
        assert!(write(&link, b"evil").is_err());
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
        // A dangling link is refused too.
        let dangling = base.join("dangling");
        std::os::unix::fs::symlink(base.join("nowhere"), &dangling).unwrap();
        assert!(write(&dangling, b"evil").is_err());
        assert!(!base.join("nowhere").exists());
        // A regular file is replaced.
        let plain = base.join("plain");
        write(&plain, b"one").unwrap();
        write(&plain, b"two").unwrap();
        assert_eq!(std::fs::read(&plain).unwrap(), b"two");
        let left: Vec<_> = std::fs::read_dir(&base)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with(".sp-"))
            .collect();
        assert!(left.is_empty(), "temporary files left: {left:?}");
        let _ = std::fs::remove_dir_all(&base);
    }
}

/// A temporary file for output too large to hold in memory, removed when
/// dropped (at once on Unix, where an open file lives on unlinked).
pub struct Spill {
    /// The open file, for reading and writing.
    pub file: std::fs::File,
    #[cfg(not(unix))]
    path: std::path::PathBuf,
}

impl Spill {
    /// A new, empty temporary file in the system's temporary folder.
    pub fn new() -> std::io::Result<Spill> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static SEQ: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir();
        loop {
            let n = SEQ.fetch_add(1, Ordering::Relaxed);
            let path = dir.join(format!(
                ".seedance-preflight-{}-{n}.spill",
                std::process::id()
            ));
            match std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(file) => {
                    #[cfg(unix)]
                    {
                        let _ = std::fs::remove_file(&path);
                        return Ok(Spill { file });
                    }
                    #[cfg(not(unix))]
                    return Ok(Spill { file, path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 1 << 20 => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

#[cfg(not(unix))]
impl Drop for Spill {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

impl std::io::Write for Spill {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}
