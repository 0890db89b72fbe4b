//! A URL as `Read + Seek` over Range requests, with a cache of what was fetched.

use std::io::{self, Read, Seek, SeekFrom};
use std::time::{Duration, Instant};

use reqwest::blocking::Response;
use reqwest::header::{CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, LOCATION};
use url::Url;

use super::fetch::{content_range, header, strip_credentials, Fetcher};
use super::{RemoteFacts, BLOCK};
use crate::source::{BudgetSpent, OpenError, Unreachable};

impl Fetcher {
    /// Opens a URL: follows redirects (checking each hop) and reads the first
    /// block. On success the source is positioned at 0.
    pub fn open(&self, url: &Url) -> (Option<HttpSource<'_>>, RemoteFacts) {
        // checked_add: a huge --timeout must not overflow the clock.
        let now = Instant::now();
        let own = now
            .checked_add(self.opts.timeout)
            .unwrap_or(now + Duration::from_secs(86_400 * 365));
        // The run's deadline bounds every URL too.
        let deadline = self.opts.run_deadline.map_or(own, |d| d.min(own));
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
                    facts.failure = Some(OpenError::NoLocation(status.as_u16()).into());
                    return (None, facts);
                };
                let next = strip_credentials(&next);
                if next == url || facts.redirects.iter().any(|r| *r == next.as_str()) {
                    facts.redirects.push(next.to_string());
                    facts.failure = Some(
                        OpenError::RedirectLoop {
                            from: url.to_string(),
                            to: next.to_string(),
                        }
                        .into(),
                    );
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
                facts.failure = Some(OpenError::HttpStatus(status.as_u16()).into());
                return (None, facts);
            }
            let src = HttpSource::start(self, url.clone(), resp, deadline, requests);
            facts.range_supported = Some(src.ranged);
            return (Some(src), facts);
        }
        facts.failure = Some(
            OpenError::TooManyRedirects {
                max: self.opts.max_redirects,
                last: facts.final_url.clone(),
            }
            .into(),
        );
        (None, facts)
    }
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
    /// A network failure while reading (a stalled or cut body, a broken
    /// Range answer): what the probe saw is not what the file holds, so the
    /// rules report this (SRC003/SRC004), not a format error.
    pub failure: Option<OpenError>,
}

/// What a failed body read means: a timeout (stalled), or a body that ended
/// before the length the server announced.
fn body_failure(e: &io::Error, got: u64, timeout: std::time::Duration) -> OpenError {
    let timed_out = e.kind() == io::ErrorKind::TimedOut
        || e.get_ref()
            .and_then(|x| x.downcast_ref::<reqwest::Error>())
            .is_some_and(reqwest::Error::is_timeout)
        || e.to_string().contains("timed out");
    if timed_out {
        OpenError::Unreachable {
            cause: Unreachable::Timeout,
            detail: format!(
                "the body stalled after {got} bytes: timed out (the {} s allowed for this asset ran out)",
                timeout.as_secs_f64()
            ),
        }
    } else {
        OpenError::BodyFailed(format!(
            "the body ended after {got} bytes, before the length the server announced ({e})"
        ))
    }
}

/// The largest single read-ahead.
pub const MAX_BLOCK: u64 = 1024 * 1024;

impl<'a> HttpSource<'a> {
    pub(super) fn start(
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
            failure: None,
        };
        if ranged {
            let start = range.map_or(0, |r| r.0);
            if start != 0 {
                src.failure = Some(OpenError::BrokenRange(format!(
                    "HTTP 206 to a Range request for bytes 0-{}: the answer starts at byte {start}",
                    BLOCK - 1
                )));
            }
            let mut body = Vec::new();
            if let Err(e) = (&mut resp).take(BLOCK).read_to_end(&mut body) {
                src.failure = Some(body_failure(&e, body.len() as u64, fetcher.timeout()));
            }
            src.fetched += body.len() as u64;
            src.segments.push((0, body));
        } else {
            src.segments.push((0, Vec::new()));
            src.stream = Some(resp);
        }
        src
    }

    /// Copies cached bytes at `pos` into `buf`; 0 when not cached.
    fn copy_cached(&self, buf: &mut [u8]) -> usize {
        for (start, data) in &self.segments {
            let end = start.saturating_add(data.len() as u64);
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
            return Err(BudgetSpent::io(self.budget, true));
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
            let msg = format!(
                "HTTP {status} to a Range request for bytes {}-{}: the server stopped honouring Range",
                self.pos,
                self.pos.saturating_add(len - 1)
            );
            self.failure = Some(OpenError::BrokenRange(msg.clone()));
            return Err(io::Error::other(msg));
        }
        let mut body = Vec::new();
        if let Err(e) = resp.take(len).read_to_end(&mut body) {
            self.failure = Some(body_failure(&e, body.len() as u64, self.fetcher.timeout()));
            return Err(e);
        }
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
            let n = match resp.read(&mut chunk) {
                Ok(n) => n,
                Err(e) => {
                    self.failure = Some(body_failure(&e, buf.len() as u64, self.fetcher.timeout()));
                    return Err(e);
                }
            };
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
