//! The library's own failures — when it cannot do its job, as opposed to a
//! finding about a request. The command line exits 2 on any of them.

use std::fmt;
use std::path::PathBuf;

/// What kind of failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A file or stream could not be read.
    Io,
    /// A config file is malformed or names something that does not exist.
    Config,
    /// A limits or dialect table is inconsistent.
    Spec,
    /// The caller asked for something impossible (flags, arguments).
    Usage,
}

/// A failure of the tool, with where it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The kind.
    pub kind: ErrorKind,
    /// The file concerned, if any.
    pub path: Option<PathBuf>,
    /// The 1-based line in that file, if known.
    pub line: Option<usize>,
    /// What went wrong.
    pub message: String,
}

impl Error {
    /// A failure of this kind with a message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            path: None,
            line: None,
            message: message.into(),
        }
    }

    /// Sets the file (and line) concerned.
    pub fn at(mut self, path: impl Into<PathBuf>, line: Option<usize>) -> Self {
        self.path = Some(path.into());
        self.line = line;
        self
    }
}

impl fmt::Display for Error {
    /// `file:line: message`, `file: message`, or the message alone.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.path, self.line) {
            (Some(p), Some(l)) => write!(f, "{}:{l}: {}", p.display(), self.message),
            (Some(p), None) => write!(f, "{}: {}", p.display(), self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {}

impl From<Error> for String {
    fn from(e: Error) -> String {
        e.to_string()
    }
}
