//! The guarded client: one checked hop at a time, the resolver that refuses
//! non-public answers, and the mapping of transport errors to [`OpenError`].

use std::error::Error as StdError;
use std::fmt;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::blocking::{Client, Response};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::RANGE;
use url::{Host, Url};

use super::{RemoteFailure, RemoteOptions};
use crate::addr::classify_ip;
use crate::source::{OpenError, Unreachable};

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
    /// `None`: every answer passes (through a proxy the targets are
    /// resolved and checked in `check_target`).
    policy: Option<crate::addr::AllowList>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        let policy = self.policy.clone();
        Box::pin(async move {
            let lookup = host.clone();
            let addrs: Vec<SocketAddr> = tokio::task::spawn_blocking(move || {
                (lookup.as_str(), 0)
                    .to_socket_addrs()
                    .map(|a| a.collect::<Vec<_>>())
            })
            .await??;
            if let Some(policy) = policy {
                if let Some((ip, class)) = addrs
                    .iter()
                    .filter(|a| !policy.permits(a.ip(), Some(&host), None))
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
    pub(super) opts: RemoteOptions,
}

impl Fetcher {
    /// Builds the client. Fails only when TLS or the proxy cannot be set up.
    pub fn new(opts: RemoteOptions) -> Result<Fetcher, crate::Error> {
        let fail = |m: String| crate::Error::new(crate::ErrorKind::Usage, m);
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
                policy: opts.proxy.is_none().then(|| opts.policy()),
            }));
        if let Some(p) = &opts.proxy {
            b = b.proxy(reqwest::Proxy::all(p).map_err(|e| fail(format!("proxy `{p}`: {e}")))?);
        }
        let client = b
            .build()
            .map_err(|e| fail(format!("cannot set up the HTTP client: {e}")))?;
        Ok(Fetcher { client, opts })
    }

    /// The time one asset may take.
    pub(super) fn timeout(&self) -> Duration {
        self.opts.timeout
    }

    /// The scheme and, for an IP literal, the address — before any connection.
    pub(super) fn check_target(&self, url: &Url) -> Result<(), RemoteFailure> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(OpenError::BadRedirectScheme(url.scheme().to_string()).into());
        }
        if let Some(Host::Domain(d)) = url.host() {
            if crate::addr::reserved_name(d) {
                return Err(OpenError::ReservedName(d.to_string()).into());
            }
        }
        let policy = self.opts.policy();
        let port = url.port_or_known_default();
        let ip = match url.host() {
            Some(Host::Ipv4(ip)) => IpAddr::V4(ip),
            Some(Host::Ipv6(ip)) => IpAddr::V6(ip),
            Some(Host::Domain(d)) if self.opts.proxy.is_some() => {
                let port = url.port_or_known_default().unwrap_or(443);
                let addrs = (d, port).to_socket_addrs().map_err(|e| {
                    RemoteFailure::from(OpenError::Unreachable {
                        cause: Unreachable::Dns,
                        detail: format!("DNS lookup of `{d}` failed ({e})"),
                    })
                })?;
                for a in addrs.filter(|a| !policy.permits(a.ip(), Some(d), Some(port))) {
                    if let Some(class) = classify_ip(a.ip()) {
                        return Err(OpenError::NonPublicAddress(format!(
                            "`{d}` resolves to {}, {}; not requested",
                            a.ip(),
                            class.describe()
                        ))
                        .into());
                    }
                }
                return Ok(());
            }
            Some(Host::Domain(d)) if policy.pinned_elsewhere(d, port).is_some() => {
                // `--allow-host NAME:PORT` allows that port only: on any
                // other port the name's answers must pass without it (the
                // resolver the client connects with knows no port).
                let ports = policy.pinned_elsewhere(d, port).unwrap_or_default();
                let port = port.unwrap_or(443);
                let strict = policy.without_hosts();
                let addrs = (d, port).to_socket_addrs().map_err(|e| {
                    RemoteFailure::from(OpenError::Unreachable {
                        cause: Unreachable::Dns,
                        detail: format!("DNS lookup of `{d}` failed ({e})"),
                    })
                })?;
                for a in addrs.filter(|a| !strict.permits(a.ip(), None, Some(port))) {
                    if let Some(class) = classify_ip(a.ip()) {
                        let allowed: Vec<String> = ports.iter().map(u16::to_string).collect();
                        return Err(OpenError::NonPublicAddress(format!(
                            "`{d}` resolves to {}, {}; --allow-host allows it on port {} only, not {port}; not requested",
                            a.ip(),
                            class.describe(),
                            allowed.join(", ")
                        ))
                        .into());
                    }
                }
                return Ok(());
            }
            Some(Host::Domain(d)) => {
                return match crate::addr::local_name(d) {
                    Some(why)
                        if (d.eq_ignore_ascii_case("localhost")
                            || d.to_ascii_lowercase().ends_with(".localhost"))
                            && !policy.permits_url(url) =>
                    {
                        Err(
                            OpenError::NonPublicAddress(format!("`{d}`: {why}; not requested"))
                                .into(),
                        )
                    }
                    _ => Ok(()),
                };
            }
            None => return Err(OpenError::NoHost.into()),
        };
        match classify_ip(ip).filter(|_| !policy.permits(ip, Some(&ip.to_string()), port)) {
            Some(class) => Err(OpenError::NonPublicAddress(format!(
                "{ip} is {}; not requested",
                class.describe()
            ))
            .into()),
            None => Ok(()),
        }
    }

    /// One GET of `len` bytes from `start` (a plain GET when `len` is 0).
    pub(super) fn get(
        &self,
        url: &Url,
        start: u64,
        len: u64,
        deadline: Instant,
    ) -> Result<Response, RemoteFailure> {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(OpenError::Unreachable {
                cause: Unreachable::Timeout,
                detail: format!(
                    "timed out: the {} s allowed for this asset ran out",
                    self.opts.timeout.as_secs_f64()
                ),
            }
            .into());
        }
        let mut req = self.client.get(url.clone()).timeout(left);
        if len > 0 {
            req = req.header(
                RANGE,
                format!("bytes={start}-{}", start.saturating_add(len - 1)),
            );
        }
        req.send().map_err(|e| self.describe_error(&e))
    }

    fn describe_error(&self, e: &reqwest::Error) -> RemoteFailure {
        let mut source: Option<&(dyn StdError + 'static)> = e.source();
        while let Some(s) = source {
            if let Some(p) = s.downcast_ref::<PrivateAnswer>() {
                return OpenError::NonPublicAddress(format!("{p}; not requested")).into();
            }
            source = s.source();
        }
        let chain = error_chain(e);
        let (cause, detail) = if e.is_timeout() && e.is_connect() {
            (
                Unreachable::Timeout,
                format!(
                    "the connection timed out after {} s ({chain})",
                    self.opts.connect_timeout.as_secs_f64()
                ),
            )
        } else if e.is_timeout()
            && self
                .opts
                .run_deadline
                .is_some_and(|d| Instant::now() + Duration::from_millis(50) >= d)
        {
            (
                Unreachable::Timeout,
                "timed out: the run's deadline passed (--deadline)".to_string(),
            )
        } else if e.is_timeout() {
            (
                Unreachable::Timeout,
                format!("timed out after {} s", self.opts.timeout.as_secs_f64()),
            )
        } else if chain.contains("dns error")
            || chain.contains("failed to lookup")
            || chain.contains("Name or service not known")
        {
            (Unreachable::Dns, format!("DNS lookup failed ({chain})"))
        } else if chain.to_ascii_lowercase().contains("certificate")
            || chain.contains("tls")
            || chain.contains("TLS")
        {
            (Unreachable::Tls, format!("TLS failed ({chain})"))
        } else if e.is_connect() {
            (Unreachable::Connect, format!("cannot connect ({chain})"))
        } else {
            (Unreachable::Other, chain)
        };
        OpenError::Unreachable { cause, detail }.into()
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

pub(super) fn header(resp: &Response, name: reqwest::header::HeaderName) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// The URL without `user:password@` (never sent).
pub(super) fn strip_credentials(url: &Url) -> Url {
    let mut u = url.clone();
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u
}

/// `Content-Range: bytes a-b/total` → (a, total); total `None` when `*`.
pub(super) fn content_range(v: &str) -> Option<(u64, Option<u64>)> {
    let rest = v.trim().strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let start = range.split_once('-')?.0.trim().parse().ok()?;
    Some((start, total.trim().parse().ok()))
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
