//! Stage 3 — open and probe: every distinct asset once, in parallel, on a pool
//! of `jobs` threads; one slow or broken asset holds only its own thread.

use super::resolve::{asset_key, AssetTarget};
use crate::options::Stage;
use crate::report::Source;
use crate::{addr, probe, source, Options};

/// Probes files and URLs as the `probe` command does: each target is a path
/// (relative to the current folder), a `file://` URL, or an http(s) URL.
pub fn probe_targets(targets: &[String], opts: &Options) -> Vec<probe::MediaFacts> {
    let here = Source::file("-");
    let keys: Vec<Option<AssetTarget>> = targets
        .iter()
        .map(|t| match addr::classify_media_ref(t) {
            addr::MediaRef::Https(u) | addr::MediaRef::Http(u) => Some(AssetTarget::Remote(u)),
            _ => asset_key(&here, t, opts).or_else(|| Some(AssetTarget::Local(t.into()))),
        })
        .collect();
    let present: Vec<AssetTarget> = keys.iter().flatten().cloned().collect();
    let mut facts = probe_all(&present, opts).into_iter();
    keys.iter()
        .zip(targets)
        .map(|(k, t)| match k {
            Some(_) => facts.next().unwrap_or_else(|| {
                probe::MediaFacts::unopenable(t, source::OpenError::NotProbed("not probed".into()))
            }),
            None => probe::MediaFacts::unopenable(
                t,
                source::OpenError::NotProbed("not a file or an http(s) URL".into()),
            ),
        })
        .collect()
}

/// Probes every asset on a pool of `opts.jobs` threads; one slow or broken
/// asset holds only its own thread.
///
/// The work runs on threads of its own, so that the blocking HTTP client is
/// never built or dropped on a thread that drives an async runtime (calling
/// the library from inside tokio is fine).
pub(crate) fn probe_all(keys: &[AssetTarget], opts: &Options) -> Vec<probe::MediaFacts> {
    let remote = keys.iter().any(|k| matches!(k, AssetTarget::Remote(_)));
    if remote {
        std::thread::scope(|s| {
            s.spawn(|| probe_all_here(keys, opts, remote))
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))
        })
    } else {
        probe_all_here(keys, opts, remote)
    }
}

fn probe_all_here(keys: &[AssetTarget], opts: &Options, remote: bool) -> Vec<probe::MediaFacts> {
    use rayon::prelude::*;
    #[cfg(feature = "remote")]
    let fetcher = remote.then(|| source::http::Fetcher::new(opts.remote.clone()));
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let jobs = match opts.jobs {
        0 if remote => cores.max(8),
        0 => cores,
        n => n,
    };
    let done = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        keys.par_iter()
            .inspect(|_| {
                if let Some(p) = &opts.progress {
                    p.tick(Stage::Probing, &done, keys.len());
                }
            })
            .map(|k| match k {
                AssetTarget::Local(p) => probe::probe_path(p, opts.budget),
                #[cfg(feature = "remote")]
                AssetTarget::Remote(u) => match &fetcher {
                    Some(Ok(f)) => probe::probe_url(f, u, opts.budget),
                    Some(Err(e)) => probe::MediaFacts::unopenable(
                        u.as_str(),
                        source::OpenError::ClientSetup(e.clone()),
                    ),
                    None => probe::MediaFacts::unopenable(
                        u.as_str(),
                        source::OpenError::ClientSetup("no HTTP client".into()),
                    ),
                },
                #[cfg(not(feature = "remote"))]
                AssetTarget::Remote(u) => {
                    probe::MediaFacts::unopenable(u.as_str(), source::OpenError::RemoteDisabled)
                }
            })
            .collect()
    };
    match rayon::ThreadPoolBuilder::new().num_threads(jobs).build() {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}
