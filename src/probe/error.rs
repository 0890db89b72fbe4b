//! Why a probe could not read a file completely, as a value.

use crate::source::OpenError;

/// Why a probe could not read a file completely: a value that crosses the
/// seam to the rules, which map it to a code (IMG002/VID002/AUD002, SRC008…).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProbeError {
    /// The file ends before what its headers declare.
    Truncated(String),
    /// A header is malformed or contradicts itself.
    Corrupt(String),
    /// The byte budget ran out before the facts were known.
    Budget(String),
    /// A container without the track the slot needs.
    NoTrack(String),
    /// Reading failed for another reason.
    Io(String),
    /// The asset could not be opened at all.
    Open(OpenError),
}

impl std::fmt::Display for ProbeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProbeError::Truncated(m)
            | ProbeError::Corrupt(m)
            | ProbeError::Budget(m)
            | ProbeError::NoTrack(m)
            | ProbeError::Io(m) => f.write_str(m),
            ProbeError::Open(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ProbeError {}

impl From<String> for ProbeError {
    fn from(m: String) -> Self {
        ProbeError::Corrupt(m)
    }
}

impl From<&str> for ProbeError {
    fn from(m: &str) -> Self {
        ProbeError::Corrupt(m.to_string())
    }
}
