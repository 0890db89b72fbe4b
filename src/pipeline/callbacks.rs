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
/// a non-public answer. Every lookup together is bounded by the per-URL
/// timeout and the run's deadline: a host whose answer has not come by then
/// is left unjudged (its lookup thread is abandoned, never waited for).
pub(crate) fn resolve_callbacks(
    parsed: &[Parsed],
    opts: &Options,
) -> HashMap<String, Option<String>> {
    let mut hosts: Vec<String> = parsed
        .iter()
        .filter_map(|p| callback_host(p, opts))
        .collect();
    hosts.sort();
    hosts.dedup();
    let now = std::time::Instant::now();
    let limit = opts.deadline_at(now).map_or(opts.remote.timeout, |d| {
        d.saturating_duration_since(now).min(opts.remote.timeout)
    });
    resolve_all(hosts, limit, resolve_host)
}

/// Lookups at once.
const AT_ONCE: usize = 16;

/// Runs `lookup` for every host, [`AT_ONCE`] at a time, each on a thread of
/// its own, and collects what has answered within `limit`.
fn resolve_all(
    hosts: Vec<String>,
    limit: std::time::Duration,
    lookup: fn(&str) -> Option<String>,
) -> HashMap<String, Option<String>> {
    use std::time::Instant;
    let mut out = HashMap::new();
    if hosts.is_empty() {
        return out;
    }
    let until = Instant::now().checked_add(limit);
    let (tx, rx) = std::sync::mpsc::channel();
    let mut queue = hosts.into_iter();
    let mut running = 0usize;
    loop {
        while running < AT_ONCE {
            let Some(h) = queue.next() else { break };
            let tx = tx.clone();
            let spawned = std::thread::Builder::new()
                .name("callback-dns".into())
                .spawn(move || {
                    let why = lookup(&h);
                    let _ = tx.send((h, why));
                });
            if spawned.is_ok() {
                running += 1;
            }
        }
        if running == 0 {
            break;
        }
        let left = until.map_or(limit, |u| u.saturating_duration_since(Instant::now()));
        match rx.recv_timeout(left) {
            Ok((h, why)) => {
                running -= 1;
                out.insert(h, why);
            }
            Err(_) => break,
        }
    }
    out
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
    fn slow_lookups_are_abandoned_at_the_limit() {
        fn slow(h: &str) -> Option<String> {
            if h.starts_with("slow") {
                std::thread::sleep(std::time::Duration::from_secs(30));
            }
            Some(format!("{h} answered"))
        }
        let hosts: Vec<String> = (0..40)
            .map(|i| format!("{}{i}.test", if i % 2 == 0 { "slow" } else { "fast" }))
            .collect();
        let t = std::time::Instant::now();
        let got = super::resolve_all(hosts, std::time::Duration::from_millis(300), slow);
        assert!(
            t.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            t.elapsed()
        );
        // The fast ones queued behind slow ones may not all have run; none
        // of the slow ones answered.
        assert!(got.keys().all(|h| h.starts_with("fast")), "{got:?}");
        assert!(!got.is_empty());
    }

    #[test]
    fn a_name_resolving_to_loopback_is_not_public() {
        let why =
            super::resolve_host("localhost").expect("localhost resolves to a loopback address");
        assert!(why.contains("loopback"), "{why}");
    }
}
