//! Stage 4 — callback DNS: every distinct callback host name is resolved once
//! (never connected to); REQ011 reads the answer.

use std::collections::HashMap;

use super::parse::Parsed;
use crate::{addr, Options};

/// The callback host name of a parsed request worth resolving: a name (not an
/// IP literal), neither reserved nor local by itself, with fetching on.
pub(crate) fn callback_host(p: &Parsed, opts: &Options) -> Option<String> {
    let req = p
        .req
        .as_ref()
        .filter(|_| opts.fetch && opts.remote.policy().is_empty())?;
    let field = &opts.spec().dialect(req.dialect).callback_field;
    let url = url::Url::parse(req.str_field(field)?.0.trim()).ok()?;
    match url.host()? {
        url::Host::Domain(d) if !addr::reserved_name(d) && addr::local_name(d).is_none() => {
            Some(d.to_ascii_lowercase())
        }
        _ => None,
    }
}

/// Resolves every distinct callback host once (REQ011: a name that resolves
/// to a private address cannot be called back). `Some(why)` for a host with
/// a non-public answer.
pub(crate) fn resolve_callbacks(
    parsed: &[Parsed],
    opts: &Options,
) -> HashMap<String, Option<String>> {
    use rayon::prelude::*;
    let mut hosts: Vec<String> = parsed
        .iter()
        .filter_map(|p| callback_host(p, opts))
        .collect();
    hosts.sort();
    hosts.dedup();
    hosts
        .into_par_iter()
        .map(|h| {
            let why = resolve_host(&h);
            (h, why)
        })
        .collect()
}

/// Resolves a host name with the system resolver and says why it is not
/// public when any answer is not (`None`: public, or not resolvable — a name
/// that does not resolve is the service's problem to report, not a private one).
fn resolve_host(host: &str) -> Option<String> {
    use std::net::ToSocketAddrs;
    let addrs = (host, 443).to_socket_addrs().ok()?;
    addrs.into_iter().find_map(|a| {
        addr::classify_ip(a.ip())
            .map(|c| format!("`{host}` resolves to {}, {}", a.ip(), c.describe()))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_name_resolving_to_loopback_is_not_public() {
        let why =
            super::resolve_host("localhost").expect("localhost resolves to a loopback address");
        assert!(why.contains("loopback"), "{why}");
    }
}
