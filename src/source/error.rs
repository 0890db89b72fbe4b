//! Why a source could not be opened or read: typed values that cross the seam
//! between the source stage and the rules. Only the rules map them to codes
//! (`rules::source::open_code`); the text is for people.

use crate::finding::Code;
use std::fmt;
use std::io;

/// What went wrong before a connection or a read gave anything usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unreachable {
    /// The name did not resolve.
    Dns,
    /// The connection was refused or could not be made.
    Connect,
    /// The TLS handshake or certificate check failed.
    Tls,
    /// A timeout fired.
    Timeout,
    /// Another transport failure.
    Other,
}

/// Why an asset could not be opened (a local path or a URL).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OpenError {
    /// A local path that does not exist.
    NotFound(String),
    /// A local path that is not a regular file (a directory, a FIFO, a device).
    NotRegularFile(String),
    /// Another local I/O error (permissions, …).
    Io(String),
    /// The host is, or resolves to, an address the service cannot reach.
    NonPublicAddress(String),
    /// A reserved example domain (RFC 2606/6761): nothing was requested.
    ReservedName(String),
    /// The URL has no host.
    NoHost,
    /// DNS, connection, TLS or timeout.
    Unreachable {
        /// Which step failed.
        cause: Unreachable,
        /// What the transport said.
        detail: String,
    },
    /// The final answer was not 2xx.
    HttpStatus(u16),
    /// A redirect status without a usable `Location`.
    NoLocation(u16),
    /// A redirect leads back to a URL already visited.
    RedirectLoop {
        /// The URL that redirected.
        from: String,
        /// Where it led.
        to: String,
    },
    /// More redirects than allowed.
    TooManyRedirects {
        /// The cap.
        max: usize,
        /// The last URL reached.
        last: String,
    },
    /// A redirect to a scheme other than http(s).
    BadRedirectScheme(String),
    /// The body failed part-way (a stall, a short body).
    BodyFailed(String),
    /// The server answered a Range request with other bytes than asked for.
    BrokenRange(String),
    /// This build fetches no URLs (the `remote` feature is off).
    RemoteDisabled,
    /// The HTTP client could not be set up (TLS, proxy).
    ClientSetup(String),
    /// Not probed (nothing to open).
    NotProbed(String),
    /// Not checked: the run's deadline passed, or the run names more
    /// distinct URLs than it may fetch.
    NotChecked(String),
    /// A local path outside the media root (`--media-root`): not opened.
    OutsideMediaRoot(String),
}

impl OpenError {
    /// A local open error from `std::io`.
    pub fn from_io(e: &io::Error) -> Self {
        match e.kind() {
            io::ErrorKind::NotFound => OpenError::NotFound(e.to_string()),
            _ => OpenError::Io(e.to_string()),
        }
    }

    /// Whether it concerns a local path (SRC008) rather than a URL.
    pub fn is_local(&self) -> bool {
        matches!(
            self,
            OpenError::NotFound(_)
                | OpenError::NotRegularFile(_)
                | OpenError::Io(_)
                | OpenError::OutsideMediaRoot(_)
        )
    }
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::NotFound(e) | OpenError::Io(e) | OpenError::NotRegularFile(e) => {
                write!(f, "cannot open the file: {e}")
            }
            OpenError::NonPublicAddress(m) => f.write_str(m),
            OpenError::ReservedName(d) => write!(
                f,
                "`{d}` is a reserved example domain (RFC 2606/6761): no real file is there, and nothing was requested"
            ),
            OpenError::NoHost => f.write_str("the URL has no host"),
            OpenError::Unreachable { detail, .. } => f.write_str(detail),
            OpenError::HttpStatus(code) => f.write_str(&status_message(*code)),
            OpenError::NoLocation(status) => {
                write!(f, "HTTP {status} without a usable Location header")
            }
            OpenError::RedirectLoop { from, to } => {
                write!(f, "redirect loop: {from} leads back to {to}")
            }
            OpenError::TooManyRedirects { max, last } => {
                write!(f, "more than {max} redirects (last: {last})")
            }
            OpenError::BadRedirectScheme(s) => {
                write!(f, "a redirect leads to the unsupported scheme `{s}:`")
            }
            OpenError::BodyFailed(m) | OpenError::BrokenRange(m) => f.write_str(m),
            OpenError::RemoteDisabled => f.write_str(
                "not checked: this build fetches no URLs (built without the `remote` feature)",
            ),
            OpenError::ClientSetup(m) | OpenError::NotProbed(m) | OpenError::NotChecked(m) => {
                f.write_str(m)
            }
            OpenError::OutsideMediaRoot(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for OpenError {}

/// The text of a non-2xx answer.
fn status_message(code: u16) -> String {
    let why = match code {
        401 | 403 => "the URL needs credentials; the service fetches anonymously",
        404 | 410 => "the file is gone (or the URL is wrong)",
        429 => "the server is rate-limiting",
        500..=599 => "the server failed",
        _ => "the service needs a 2xx answer",
    };
    format!("HTTP {code}: {why}")
}

/// The error a [`Budgeted`](super::Budgeted) reader returns when its budget
/// is spent: a typed value inside `io::Error`, told apart by
/// [`is_budget_error`](super::is_budget_error), never by its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BudgetSpent {
    /// The budget in bytes.
    pub budget: u64,
    /// Whether the bytes came over HTTP.
    pub http: bool,
}

impl fmt::Display for BudgetSpent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "byte budget of {} bytes spent", self.budget)?;
        if self.http {
            f.write_str(" (fetched over HTTP)")?;
        }
        Ok(())
    }
}

impl std::error::Error for BudgetSpent {}

impl BudgetSpent {
    /// As an `io::Error` for a `Read` implementation.
    pub fn io(budget: u64, http: bool) -> io::Error {
        io::Error::other(BudgetSpent { budget, http })
    }
}

impl OpenError {
    /// The code a source that could not be opened is reported under: the one
    /// place where [`OpenError`](crate::source::OpenError) meets the codes.
    pub fn code(&self) -> Code {
        use OpenError as E;
        match self {
            E::NotFound(_) | E::NotRegularFile(_) | E::Io(_) => Code::SRC008,
            E::NonPublicAddress(_) => Code::SRC002,
            E::HttpStatus(_) | E::NoLocation(_) | E::BrokenRange(_) => Code::SRC004,
            E::RedirectLoop { .. } | E::TooManyRedirects { .. } | E::BadRedirectScheme(_) => {
                Code::SRC005
            }
            E::ReservedName(_)
            | E::NoHost
            | E::Unreachable { .. }
            | E::BodyFailed(_)
            | E::RemoteDisabled
            | E::ClientSetup(_)
            | E::NotProbed(_)
            | E::NotChecked(_) => Code::SRC003,
            E::OutsideMediaRoot(_) => Code::SRC001,
        }
    }
}
