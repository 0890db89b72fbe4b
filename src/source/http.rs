//! HTTP(S) sources: a `Read + Seek` view of a URL over Range requests, and the
//! guard that keeps a CI gate from being turned against its own network.
//!
//! Safety, because the URLs come from pull requests:
//! - no request goes to a loopback, private, link-local, CGNAT, unique-local or
//!   otherwise non-public address unless `allow_private` is set: IP-literal
//!   hosts are checked before any connection, names are checked on every DNS
//!   answer by the resolver the client connects with, and redirects are
//!   followed here, one checked hop at a time;
//! - no system proxy (only an explicit one), no cookies, and credentials written
//!   in a URL are stripped before it is requested;
//! - connect and total timeouts, a redirect cap, and the per-asset byte budget.

use std::error::Error as StdError;
use std::fmt;
use std::io::{self, Read, Seek, SeekFrom};
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::blocking::{Client, Response};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, LOCATION, RANGE};
use serde::Serialize;
use url::{Host, Url};

use crate::addr::classify_ip;

/// The smallest range fetched on a cache miss.
pub const BLOCK: u64 = 8 * 1024;

/// How remote assets are fetched.
#[derive(Debug, Clone)]
pub struct RemoteOptions {
    /// Allow loopback and private addresses (tests against a local server).
    pub allow_private: bool,
    /// Time to establish a connection.
    pub connect_timeout: Duration,
    /// Time for everything one asset needs (all its requests together).
    pub timeout: Duration,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
    /// An explicit proxy (`http://host:port`); none by default.
    pub proxy: Option<String>,
}

impl Default for RemoteOptions {
    fn default() -> Self {
        RemoteOptions {
            allow_private: false,
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(20),
            max_redirects: 5,
            proxy: None,
        }
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

/// A URL that could not be read, with the rule code that says so.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RemoteFailure {
    /// `SRC002`, `SRC003`, `SRC004` or `SRC005`.
    pub code: &'static str,
    /// What happened.
    pub message: String,
}

fn failure(code: &'static str, message: impl Into<String>) -> RemoteFailure {
    RemoteFailure {
        code,
        message: message.into(),
    }
}

/// The resolver error for a name whose answers include a non-public address.
#[derive(Debug)]
struct PrivateAnswer(String);

impl fmt::Display for PrivateAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl StdError for PrivateAnswer {}

/// The system resolver, refusing names with any non-public answer.
struct GuardedResolver {
    allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        let allow = self.allow_private;
        Box::pin(async move {
            let lookup = host.clone();
            let addrs: Vec<SocketAddr> = tokio::task::spawn_blocking(move || {
                (lookup.as_str(), 0)
                    .to_socket_addrs()
                    .map(|a| a.collect::<Vec<_>>())
            })
            .await??;
            if !allow {
                if let Some((ip, class)) = addrs
                    .iter()
                    .find_map(|a| classify_ip(a.ip()).map(|c| (a.ip(), c)))
                {
                    let msg = format!("`{host}` resolves to {ip}, {}", class.describe());
                    return Err(Box::new(PrivateAnswer(msg)) as Box<dyn StdError + Send + Sync>);
                }
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// Fetches URLs for the probes. One client, shared by every worker thread.
pub struct Fetcher {
    client: Client,
    opts: RemoteOptions,
}

impl Fetcher {
    /// Builds the client. Fails only when TLS or the proxy cannot be set up.
    pub fn new(opts: RemoteOptions) -> Result<Fetcher, String> {
        let mut b = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .connect_timeout(opts.connect_timeout)
            .timeout(opts.timeout)
            .referer(false)
            .user_agent(concat!("seedance-preflight/", env!("CARGO_PKG_VERSION")))
            // Through a proxy the proxy resolves the target: the guard then
            // resolves and checks each target itself (check_target), and the
            // proxy's own name is the user's choice, not checked.
            .dns_resolver(Arc::new(GuardedResolver {
                allow_private: opts.allow_private || opts.proxy.is_some(),
            }));
        if let Some(p) = &opts.proxy {
            b = b.proxy(reqwest::Proxy::all(p).map_err(|e| format!("proxy `{p}`: {e}"))?);
        }
        let client = b
            .build()
            .map_err(|e| format!("cannot set up the HTTP client: {e}"))?;
        Ok(Fetcher { client, opts })
    }

    /// Opens a URL: follows redirects (checking each hop) and reads the first
    /// block. On success the source is positioned at 0.
    pub fn open(&self, url: &Url) -> (Option<HttpSource<'_>>, RemoteFacts) {
        // checked_add: a huge --timeout must not overflow the clock.
        let now = Instant::now();
        let deadline = now
            .checked_add(self.opts.timeout)
            .unwrap_or(now + Duration::from_secs(86_400 * 365));
        let mut facts = RemoteFacts::default();
        let mut url = strip_credentials(url);
        let mut requests = 0u64;
        for hop in 0..=self.opts.max_redirects {
            facts.final_url = url.to_string();
            if let Err(f) = self.check_target(&url) {
                facts.failure = Some(f);
                return (None, facts);
            }
            let resp = match self.get(&url, 0, BLOCK, deadline) {
                Ok(r) => r,
                Err(f) => {
                    facts.failure = Some(f);
                    return (None, facts);
                }
            };
            requests += 1;
            let status = resp.status();
            facts.status = Some(status.as_u16());
            facts.content_type = header(&resp, CONTENT_TYPE);
            if status.is_redirection() {
                let Some(next) = header(&resp, LOCATION).and_then(|l| url.join(&l).ok()) else {
                    facts.failure = Some(failure(
                        "SRC004",
                        format!("HTTP {status} without a usable Location header"),
                    ));
                    return (None, facts);
                };
                let next = strip_credentials(&next);
                if next == url || facts.redirects.iter().any(|r| *r == next.as_str()) {
                    facts.redirects.push(next.to_string());
                    facts.failure = Some(failure(
                        "SRC005",
                        format!("redirect loop: {} leads back to {next}", url),
                    ));
                    return (None, facts);
                }
                facts.redirects.push(next.to_string());
                url = next;
                if hop == self.opts.max_redirects {
                    break;
                }
                continue;
            }
            if !status.is_success() {
                facts.failure = Some(failure("SRC004", status_message(status.as_u16())));
                return (None, facts);
            }
            let src = HttpSource::start(self, url.clone(), resp, deadline, requests);
            facts.range_supported = Some(src.ranged);
            return (Some(src), facts);
        }
        facts.failure = Some(failure(
            "SRC005",
            format!(
                "more than {} redirects (last: {})",
                self.opts.max_redirects, facts.final_url
            ),
        ));
        (None, facts)
    }

    /// The scheme and, for an IP literal, the address — before any connection.
    fn check_target(&self, url: &Url) -> Result<(), RemoteFailure> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(failure(
                "SRC005",
                format!(
                    "a redirect leads to the unsupported scheme `{}:`",
                    url.scheme()
                ),
            ));
        }
        if let Some(Host::Domain(d)) = url.host() {
            if crate::addr::reserved_name(d) {
                return Err(failure(
                    "SRC003",
                    format!("`{d}` is a reserved example domain (RFC 2606/6761): no real file is there, and nothing was requested"),
                ));
            }
        }
        if self.opts.allow_private {
            return Ok(());
        }
        let ip = match url.host() {
            Some(Host::Ipv4(ip)) => IpAddr::V4(ip),
            Some(Host::Ipv6(ip)) => IpAddr::V6(ip),
            Some(Host::Domain(d)) if self.opts.proxy.is_some() => {
                let port = url.port_or_known_default().unwrap_or(443);
                let addrs = (d, port)
                    .to_socket_addrs()
                    .map_err(|e| failure("SRC003", format!("DNS lookup of `{d}` failed ({e})")))?;
                for a in addrs {
                    if let Some(class) = classify_ip(a.ip()) {
                        return Err(failure(
                            "SRC002",
                            format!(
                                "`{d}` resolves to {}, {}; not requested",
                                a.ip(),
                                class.describe()
                            ),
                        ));
                    }
                }
                return Ok(());
            }
            Some(Host::Domain(d)) => {
                return match crate::addr::local_name(d) {
                    Some(why)
                        if d.eq_ignore_ascii_case("localhost")
                            || d.to_ascii_lowercase().ends_with(".localhost") =>
                    {
                        Err(failure("SRC002", format!("`{d}`: {why}; not requested")))
                    }
                    _ => Ok(()),
                };
            }
            None => return Err(failure("SRC003", "the URL has no host")),
        };
        match classify_ip(ip) {
            Some(class) => Err(failure(
                "SRC002",
                format!("{ip} is {}; not requested", class.describe()),
            )),
            None => Ok(()),
        }
    }

    /// One GET of `len` bytes from `start` (a plain GET when `len` is 0).
    fn get(
        &self,
        url: &Url,
        start: u64,
        len: u64,
        deadline: Instant,
    ) -> Result<Response, RemoteFailure> {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(failure(
                "SRC003",
                format!(
                    "timed out: the {} s allowed for this asset ran out",
                    self.opts.timeout.as_secs_f64()
                ),
            ));
        }
        let mut req = self.client.get(url.clone()).timeout(left);
        if len > 0 {
            req = req.header(RANGE, format!("bytes={start}-{}", start + len - 1));
        }
        req.send().map_err(|e| self.describe_error(&e))
    }

    fn describe_error(&self, e: &reqwest::Error) -> RemoteFailure {
        let mut source: Option<&(dyn StdError + 'static)> = e.source();
        while let Some(s) = source {
            if let Some(p) = s.downcast_ref::<PrivateAnswer>() {
                return failure("SRC002", format!("{p}; not requested"));
            }
            source = s.source();
        }
        let chain = error_chain(e);
        let what = if e.is_timeout() {
            format!("timed out after {} s", self.opts.timeout.as_secs_f64())
        } else if chain.contains("dns error")
            || chain.contains("failed to lookup")
            || chain.contains("Name or service not known")
        {
            format!("DNS lookup failed ({chain})")
        } else if chain.to_ascii_lowercase().contains("certificate")
            || chain.contains("tls")
            || chain.contains("TLS")
        {
            format!("TLS failed ({chain})")
        } else if e.is_connect() {
            format!("cannot connect ({chain})")
        } else {
            chain
        };
        failure("SRC003", what)
    }
}

fn error_chain(e: &dyn StdError) -> String {
    let mut parts = vec![e.to_string()];
    let mut s = e.source();
    while let Some(x) = s {
        let t = x.to_string();
        if !parts.iter().any(|p| p.contains(&t)) {
            parts.push(t);
        }
        s = x.source();
    }
    parts.join(": ")
}

fn header(resp: &Response, name: reqwest::header::HeaderName) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

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

/// The URL without `user:password@` (never sent).
fn strip_credentials(url: &Url) -> Url {
    let mut u = url.clone();
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u
}

/// `Content-Range: bytes a-b/total` → (a, total); total `None` when `*`.
fn content_range(v: &str) -> Option<(u64, Option<u64>)> {
    let rest = v.trim().strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let start = range.split_once('-')?.0.trim().parse().ok()?;
    Some((start, total.trim().parse().ok()))
}

/// A URL as `Read + Seek`. With Range support every cache miss is one request
/// of at least [`BLOCK`] bytes; without it the body is streamed once and what
/// was streamed is kept, up to the caller's byte budget.
pub struct HttpSource<'a> {
    fetcher: &'a Fetcher,
    url: Url,
    deadline: Instant,
    /// Total size, when the server said.
    pub len: Option<u64>,
    pos: u64,
    /// Fetched byte ranges: (start, bytes), non-overlapping.
    segments: Vec<(u64, Vec<u8>)>,
    /// Whether the server honours Range.
    pub ranged: bool,
    stream: Option<Response>,
    /// HTTP requests made.
    pub requests: u64,
    /// Bytes received.
    pub fetched: u64,
    /// The next fetch size: grows ×8 per miss (to [`MAX_BLOCK`]), so a parser
    /// hopping forward through a file needs few requests.
    next_block: u64,
    /// The byte budget: most bytes fetched over Range requests and kept in
    /// the cache, or streamed from a server that ignores Range.
    pub budget: u64,
}

/// The largest single read-ahead.
pub const MAX_BLOCK: u64 = 1024 * 1024;

impl<'a> HttpSource<'a> {
    fn start(
        fetcher: &'a Fetcher,
        url: Url,
        mut resp: Response,
        deadline: Instant,
        requests: u64,
    ) -> Self {
        let range = header(&resp, CONTENT_RANGE).and_then(|v| content_range(&v));
        let ranged = resp.status().as_u16() == 206 && range.is_some();
        let len = match range {
            Some((_, total)) if ranged => total,
            _ => header(&resp, CONTENT_LENGTH).and_then(|v| v.parse().ok()),
        };
        let mut src = HttpSource {
            fetcher,
            url,
            deadline,
            len,
            pos: 0,
            segments: Vec::new(),
            ranged,
            stream: None,
            requests,
            fetched: 0,
            next_block: BLOCK * 8,
            budget: crate::source::DEFAULT_BUDGET,
        };
        if ranged {
            let start = range.map_or(0, |r| r.0);
            let mut body = Vec::new();
            let _ = (&mut resp).take(BLOCK).read_to_end(&mut body);
            src.fetched += body.len() as u64;
            src.segments.push((start, body));
        } else {
            src.segments.push((0, Vec::new()));
            src.stream = Some(resp);
        }
        src
    }

    /// Copies cached bytes at `pos` into `buf`; 0 when not cached.
    fn copy_cached(&self, buf: &mut [u8]) -> usize {
        for (start, data) in &self.segments {
            let end = start + data.len() as u64;
            if (*start..end).contains(&self.pos) {
                let off = (self.pos - start) as usize;
                let n = buf.len().min(data.len() - off);
                buf[..n].copy_from_slice(&data[off..off + n]);
                return n;
            }
        }
        0
    }

    /// Fetches `want` bytes (at least a block) at the current position.
    fn fetch_range(&mut self, want: usize) -> io::Result<usize> {
        let allowed = self.budget.saturating_sub(self.fetched);
        if allowed == 0 {
            return Err(io::Error::other(format!(
                "byte budget of {} bytes spent (fetched over HTTP)",
                self.budget
            )));
        }
        let mut len = (want as u64).max(self.next_block).min(allowed);
        self.next_block = (self.next_block * 8).min(MAX_BLOCK);
        if let Some(total) = self.len {
            if self.pos >= total {
                return Ok(0);
            }
            len = len.min(total - self.pos);
        }
        // Do not re-fetch bytes a later segment already holds.
        if let Some(next) = self
            .segments
            .iter()
            .map(|s| s.0)
            .filter(|s| *s > self.pos)
            .min()
        {
            len = len.min(next - self.pos);
        }
        let resp = self
            .fetcher
            .get(&self.url, self.pos, len, self.deadline)
            .map_err(|f| io::Error::other(f.message))?;
        self.requests += 1;
        let status = resp.status().as_u16();
        let start = header(&resp, CONTENT_RANGE)
            .and_then(|v| content_range(&v))
            .map(|r| r.0);
        if status == 416 {
            return Ok(0);
        }
        if status != 206 || start != Some(self.pos) {
            return Err(io::Error::other(format!(
                "HTTP {status} to a Range request for bytes {}-{}: the server stopped honouring Range",
                self.pos,
                self.pos + len - 1
            )));
        }
        let mut body = Vec::new();
        resp.take(len).read_to_end(&mut body)?;
        self.fetched += body.len() as u64;
        let n = body.len();
        let at = self.segments.partition_point(|s| s.0 < self.pos);
        self.segments.insert(at, (self.pos, body));
        Ok(n)
    }

    /// Streams a Range-less body up to the current position plus `want`.
    fn stream_to(&mut self, want: usize) -> io::Result<usize> {
        let Some(resp) = self.stream.as_mut() else {
            return Ok(0);
        };
        let target = self.pos.saturating_add(want as u64);
        let cap = self.budget;
        let buf = &mut self.segments[0].1;
        while (buf.len() as u64) < target {
            if buf.len() as u64 >= cap {
                return Err(io::Error::other(format!(
                    "the server ignores Range requests: only the first {cap} bytes were read, and byte {} is past them",
                    self.pos
                )));
            }
            let mut chunk = [0u8; 16 * 1024];
            let n = resp.read(&mut chunk)?;
            if n == 0 {
                self.len = Some(buf.len() as u64);
                self.stream = None;
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
            self.fetched += n as u64;
        }
        Ok(0)
    }
}

impl Read for HttpSource<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() || self.len.is_some_and(|l| self.pos >= l) {
            return Ok(0);
        }
        let mut n = self.copy_cached(buf);
        if n == 0 {
            if self.ranged {
                self.fetch_range(buf.len())?;
            } else {
                self.stream_to(buf.len())?;
            }
            n = self.copy_cached(buf);
        }
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for HttpSource<'_> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let new = match pos {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
            SeekFrom::End(d) => match self.len {
                Some(l) => l.checked_add_signed(d),
                None if self.ranged => {
                    return Err(io::Error::other(
                        "the server did not say the file's size (Content-Range `*`), so its end cannot be read",
                    ))
                }
                None => {
                    // Without a known size the end is only reachable by streaming.
                    self.stream_to(usize::MAX / 2)?;
                    self.len.and_then(|l| l.checked_add_signed(d))
                }
            },
        };
        self.pos = new
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        Ok(self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_content_range() {
        assert_eq!(content_range("bytes 0-8191/47218"), Some((0, Some(47218))));
        assert_eq!(content_range("bytes 100-199/*"), Some((100, None)));
        assert_eq!(content_range("items 0-1/2"), None);
    }

    #[test]
    fn credentials_are_stripped() {
        let u = strip_credentials(&Url::parse("https://u:p@example.com/a.jpg").unwrap());
        assert_eq!(u.as_str(), "https://example.com/a.jpg");
    }

    #[test]
    fn literals_are_refused_before_any_connection() {
        let f = Fetcher::new(RemoteOptions::default()).unwrap();
        for u in [
            "http://127.0.0.1:9/a.jpg",
            "http://[::1]/a.jpg",
            "http://10.0.0.1/a",
            "http://[::ffff:192.168.0.1]/a",
            "http://localhost/a",
        ] {
            let (src, facts) = f.open(&Url::parse(u).unwrap());
            assert!(src.is_none());
            assert_eq!(facts.failure.unwrap().code, "SRC002", "{u}");
            assert_eq!(facts.status, None, "{u}: no request was made");
        }
    }
}
