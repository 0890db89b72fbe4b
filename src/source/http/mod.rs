//! HTTP(S) sources: a `Read + Seek` view of a URL over Range requests, and the
//! guard that keeps a CI gate from being turned against its own network.
//!
//! Safety, because the URLs come from pull requests:
//! - no request goes to a loopback, private, link-local, CGNAT, unique-local or
//!   otherwise non-public address unless an exception allows it (loopback,
//!   a named host, a range; never link-local): IP-literal
//!   hosts are checked before any connection, names are checked on every DNS
//!   answer by the resolver the client connects with, and redirects are
//!   followed here, one checked hop at a time;
//! - no system proxy (only an explicit one), no cookies, and credentials written
//!   in a URL are stripped before it is requested;
//! - connect and total timeouts, a redirect cap, and the per-asset byte budget.
//!
//! The option and fact types are always compiled; the client itself only with
//! the `remote` feature (without it no HTTP stack is built at all).

use std::time::Duration;

use serde::Serialize;

use super::OpenError;

#[cfg(feature = "remote")]
mod fetch;
#[cfg(feature = "remote")]
mod reader;

#[cfg(feature = "remote")]
pub use fetch::Fetcher;
#[cfg(feature = "remote")]
pub use reader::{HttpSource, MAX_BLOCK};

/// The smallest range fetched on a cache miss.
pub const BLOCK: u64 = 8 * 1024;

/// How remote assets are fetched.
#[derive(Debug, Clone)]
pub struct RemoteOptions {
    /// Allow loopback and private addresses (tests against a local server).
    pub allow_private: bool,
    /// Narrower exceptions: named hosts and address ranges (`--allow-host`,
    /// `--allow-cidr`; loopback here is the same as `allow_private`).
    /// Link-local addresses are refused whatever is allowed.
    pub allow: crate::addr::AllowList,
    /// Time to establish a connection.
    pub connect_timeout: Duration,
    /// Time for everything one asset needs (all its requests together).
    pub timeout: Duration,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
    /// An explicit proxy (`http://host:port`); none by default.
    pub proxy: Option<String>,
    /// The run's deadline: no URL is fetched past it (set by the pipeline
    /// from [`Options::deadline`](crate::Options::deadline)).
    pub run_deadline: Option<std::time::Instant>,
}

impl Default for RemoteOptions {
    fn default() -> Self {
        RemoteOptions {
            allow_private: false,
            allow: crate::addr::AllowList::default(),
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(20),
            max_redirects: 5,
            proxy: None,
            run_deadline: None,
        }
    }
}

impl RemoteOptions {
    /// The exceptions in force: `allow` plus loopback when `allow_private`
    /// (the old flag `--allow-private-addresses` is `--allow-loopback`).
    pub fn policy(&self) -> crate::addr::AllowList {
        let mut p = self.allow.clone();
        p.loopback |= self.allow_private;
        p
    }
}

/// What fetching a URL showed, beside the media facts.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RemoteFacts {
    /// The URL the bytes came from, after redirects.
    pub final_url: String,
    /// Every redirect hop, in order.
    pub redirects: Vec<String>,
    /// The final HTTP status.
    pub status: Option<u16>,
    /// The final `Content-Type`.
    pub content_type: Option<String>,
    /// Whether the server honoured `Range` (206 with `Content-Range`).
    pub range_supported: Option<bool>,
    /// Why the URL could not be read, when it could not.
    pub failure: Option<RemoteFailure>,
}

/// A URL that could not be read: the typed reason, and the rule code and
/// text the rules give it (kept for the wire format's `probe.remote.failure`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RemoteFailure {
    /// `SRC002`, `SRC003`, `SRC004` or `SRC005`: the rules' mapping of `kind`.
    pub code: &'static str,
    /// What happened.
    pub message: String,
    /// Why, as a value.
    #[serde(skip)]
    pub kind: OpenError,
}

impl From<OpenError> for RemoteFailure {
    fn from(kind: OpenError) -> Self {
        RemoteFailure {
            code: kind.code().as_str(),
            message: kind.to_string(),
            kind,
        }
    }
}
