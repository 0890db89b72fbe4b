//! Narrow exceptions to the address guard, for tests against a local server:
//! loopback, named hosts (optionally with a port) and CIDR ranges. A
//! link-local address (169.254.0.0/16 — cloud metadata — and fe80::/10) is
//! never allowed, whatever the exceptions say, so an allowed test server
//! cannot redirect the tool into it.

use std::net::IpAddr;

use url::{Host, Url};

use super::{classify_ip, NonPublic};

/// Which non-public destinations may be contacted anyway.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowList {
    /// Loopback addresses (127.0.0.0/8, ::1, `localhost`).
    pub loopback: bool,
    /// Host names or literals, with an optional port (`--allow-host`).
    pub hosts: Vec<(String, Option<u16>)>,
    /// Address ranges (`--allow-cidr`).
    pub cidrs: Vec<(IpAddr, u8)>,
}

impl AllowList {
    /// Whether nothing is allowed beyond public addresses.
    pub fn is_empty(&self) -> bool {
        !self.loopback && self.hosts.is_empty() && self.cidrs.is_empty()
    }

    /// Whether `ip`, reached for `host` (and `port`, when known), may be
    /// contacted: public addresses always; link-local never; otherwise only
    /// under an exception.
    pub fn permits(&self, ip: IpAddr, host: Option<&str>, port: Option<u16>) -> bool {
        match classify_ip(ip) {
            None => true,
            Some(NonPublic::LinkLocal) => false,
            Some(class) => {
                (class == NonPublic::Loopback && self.loopback)
                    || host.is_some_and(|h| self.host_allowed(h, port))
                    || self.cidrs.iter().any(|(net, len)| in_cidr(ip, *net, *len))
            }
        }
    }

    /// Whether a host (name or literal) is on the list for this port.
    pub fn host_allowed(&self, host: &str, port: Option<u16>) -> bool {
        let h = host.trim_start_matches('[').trim_end_matches(']');
        self.hosts.iter().any(|(name, p)| {
            name.eq_ignore_ascii_case(h) && (p.is_none() || port.is_none() || *p == port)
        })
    }

    /// The ports `host` is allowed on, when `--allow-host` names it only
    /// with ports and `port` is not one of them (`None` otherwise): a hop to
    /// another port of that host gets no exception.
    pub fn pinned_elsewhere(&self, host: &str, port: Option<u16>) -> Option<Vec<u16>> {
        let h = host.trim_start_matches('[').trim_end_matches(']');
        let mut ports = Vec::new();
        for (name, p) in &self.hosts {
            if !name.eq_ignore_ascii_case(h) {
                continue;
            }
            match p {
                None => return None,
                Some(p) if Some(*p) == port => return None,
                Some(p) => ports.push(*p),
            }
        }
        (!ports.is_empty()).then_some(ports)
    }

    /// This list without its host exceptions (loopback and ranges only).
    pub fn without_hosts(&self) -> AllowList {
        AllowList {
            hosts: Vec::new(),
            ..self.clone()
        }
    }

    /// Whether a URL whose host is non-public by its text alone (a private
    /// literal, `localhost`) may be requested.
    pub fn permits_url(&self, url: &Url) -> bool {
        let port = url.port_or_known_default();
        match url.host() {
            Some(Host::Ipv4(ip)) => self.permits(IpAddr::V4(ip), Some(&ip.to_string()), port),
            Some(Host::Ipv6(ip)) => self.permits(IpAddr::V6(ip), Some(&ip.to_string()), port),
            Some(Host::Domain(d)) => {
                let lower = d.to_ascii_lowercase();
                (self.loopback && (lower == "localhost" || lower.ends_with(".localhost")))
                    || self.host_allowed(d, port)
            }
            None => false,
        }
    }
}

/// Parses `HOST[:PORT]` (`[v6]:port` for an IPv6 literal).
pub fn parse_host(s: &str) -> Result<(String, Option<u16>), crate::Error> {
    let bad = || {
        crate::Error::new(
            crate::ErrorKind::Usage,
            format!("`{s}` is not HOST or HOST:PORT"),
        )
    };
    if let Some(rest) = s.strip_prefix('[') {
        let (h, after) = rest.split_once(']').ok_or_else(bad)?;
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p.parse().map_err(|_| bad())?),
            None if after.is_empty() => None,
            None => return Err(bad()),
        };
        return Ok((h.to_string(), port));
    }
    match s.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') && !h.is_empty() => {
            Ok((h.to_string(), Some(p.parse().map_err(|_| bad())?)))
        }
        _ if !s.is_empty() => Ok((s.to_string(), None)),
        _ => Err(bad()),
    }
}

/// Parses `ADDR/LEN` (`10.1.0.0/16`, `fd00::/8`); a bare address is a /32 or /128.
pub fn parse_cidr(s: &str) -> Result<(IpAddr, u8), crate::Error> {
    let usage = |m: String| crate::Error::new(crate::ErrorKind::Usage, m);
    let (a, len) = s.split_once('/').unwrap_or((s, ""));
    let ip: IpAddr = a
        .parse()
        .map_err(|_| usage(format!("`{s}` is not an address range (ADDR/LEN)")))?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let len = if len.is_empty() {
        max
    } else {
        len.parse::<u8>()
            .ok()
            .filter(|l| *l <= max)
            .ok_or_else(|| usage(format!("`{s}`: the prefix length must be 0–{max}")))?
    };
    Ok((ip, len))
}

fn in_cidr(ip: IpAddr, net: IpAddr, len: u8) -> bool {
    let mask = |bits: u32, len: u8| -> u128 {
        if len == 0 {
            0
        } else {
            (!0u128 << (bits - u32::from(len))) & (!0u128 >> (128 - bits))
        }
    };
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let m = mask(32, len);
            (u128::from(u32::from(a)) & m) == (u128::from(u32::from(n)) & m)
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let m = mask(128, len);
            (u128::from(a) & m) == (u128::from(n) & m)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn narrow_exceptions_and_link_local_never() {
        let loopback = AllowList {
            loopback: true,
            ..AllowList::default()
        };
        assert!(loopback.permits(ip("127.0.0.1"), None, None));
        assert!(loopback.permits(ip("::1"), None, None));
        assert!(!loopback.permits(ip("10.0.0.1"), None, None));
        assert!(!loopback.permits(ip("169.254.169.254"), None, None));
        assert!(loopback.permits(ip("8.8.8.8"), None, None));
        let cidr = AllowList {
            cidrs: vec![
                parse_cidr("10.1.0.0/16").unwrap(),
                parse_cidr("169.254.0.0/16").unwrap(),
            ],
            ..AllowList::default()
        };
        assert!(cidr.permits(ip("10.1.2.3"), None, None));
        assert!(!cidr.permits(ip("10.2.0.1"), None, None));
        assert!(!cidr.permits(ip("127.0.0.1"), None, None));
        assert!(
            !cidr.permits(ip("169.254.169.254"), None, None),
            "link-local never"
        );
        let host = AllowList {
            hosts: vec![parse_host("media.test:8080").unwrap()],
            ..AllowList::default()
        };
        assert!(host.permits(ip("10.0.0.5"), Some("media.test"), Some(8080)));
        assert!(!host.permits(ip("10.0.0.5"), Some("media.test"), Some(9090)));
        assert!(!host.permits(ip("fe80::1"), Some("media.test"), Some(8080)));
        // A name allowed only on a port: another port of it is pinned
        // elsewhere (the fetcher then drops the host exceptions for that hop).
        assert_eq!(
            host.pinned_elsewhere("media.test", Some(9090)),
            Some(vec![8080])
        );
        assert_eq!(host.pinned_elsewhere("MEDIA.test", Some(8080)), None);
        assert_eq!(host.pinned_elsewhere("other.test", Some(9090)), None);
        assert!(host.without_hosts().hosts.is_empty());
        assert_eq!(parse_host("[::1]:9").unwrap(), ("::1".to_string(), Some(9)));
        assert!(parse_cidr("10.0.0.0/33").is_err());
        assert!(parse_host("").is_err());
    }
}
