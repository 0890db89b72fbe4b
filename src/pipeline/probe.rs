//! Stage 3 — open and probe: every distinct asset once, in parallel, on a pool
//! of `jobs` threads; one slow or broken asset holds only its own thread.

use std::path::{Path, PathBuf};

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
    let Some(cache) = &opts.probe_cache else {
        return probe_uncached(keys, opts);
    };
    // URLs probed recently (by earlier calls sharing the cache) are not
    // fetched again; what is probed now and read whole is kept.
    let now = std::time::Instant::now();
    let mut out: Vec<Option<probe::MediaFacts>> = keys
        .iter()
        .map(|k| match k {
            AssetTarget::Remote(u) => cache.get(u.as_str(), now),
            AssetTarget::Local(_) => None,
        })
        .collect();
    let missing: Vec<AssetTarget> = keys
        .iter()
        .zip(&out)
        .filter(|(_, o)| o.is_none())
        .map(|(k, _)| k.clone())
        .collect();
    let mut fresh = missing.iter().zip(probe_uncached(&missing, opts));
    for slot in out.iter_mut().filter(|o| o.is_none()) {
        let Some((k, f)) = fresh.next() else { break };
        if let (AssetTarget::Remote(u), None) = (k, &f.error) {
            cache.put(u.as_str(), &f, now);
        }
        *slot = Some(f);
    }
    out.into_iter().flatten().collect()
}

fn probe_uncached(keys: &[AssetTarget], opts: &Options) -> Vec<probe::MediaFacts> {
    // No pool and no thread for nothing to probe (`check_bytes` in a loop).
    if keys.is_empty() {
        return Vec::new();
    }
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

/// Which of `keys` are past the run's URL cap: the first `max_urls`
/// distinct URLs are fetched, in order of appearance (counting those the
/// run's earlier calls fetched); the count is carried to later calls.
fn over_url_cap(keys: &[AssetTarget], opts: &Options) -> Vec<bool> {
    let earlier = opts
        .urls_fetched
        .as_ref()
        .map_or(0, |c| c.load(std::sync::atomic::Ordering::Relaxed));
    let mut urls = earlier;
    let over_cap: Vec<bool> = keys
        .iter()
        .map(|k| {
            let url = matches!(k, AssetTarget::Remote(_));
            urls += usize::from(url);
            url && urls > opts.max_urls
        })
        .collect();
    if let Some(c) = &opts.urls_fetched {
        c.store(
            urls.min(opts.max_urls.max(earlier)),
            std::sync::atomic::Ordering::Relaxed,
        );
    }
    over_cap
}

fn probe_all_here(keys: &[AssetTarget], opts: &Options, remote: bool) -> Vec<probe::MediaFacts> {
    use rayon::prelude::*;
    let deadline = opts.deadline_at(std::time::Instant::now());
    #[cfg(feature = "remote")]
    let fetcher = remote.then(|| {
        let mut r = opts.remote.clone();
        r.run_deadline = deadline;
        source::http::Fetcher::new(r)
    });
    let over_cap = over_url_cap(keys, opts);
    let root = opts.media_root.as_deref().map(MediaRoot::new);
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let jobs = match opts.jobs {
        0 if remote => cores.max(8),
        0 => cores,
        n => n,
    };
    let done = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        keys.par_iter()
            .zip(&over_cap)
            .inspect(|_| {
                if let Some(p) = &opts.progress {
                    p.tick(Stage::Probing, &done, keys.len());
                }
            })
            .map(|(k, over)| {
                // Only for an asset not probed (the probes name their own).
                let label = || match k {
                    AssetTarget::Local(p) => p.display().to_string(),
                    AssetTarget::Remote(u) => u.to_string(),
                };
                if *over {
                    return unchecked(
                        &label(),
                        format!(
                            "not checked: the run names more than {} distinct URLs (--max-urls)",
                            opts.max_urls
                        ),
                    );
                }
                if deadline.is_some_and(|d| std::time::Instant::now() >= d) {
                    return unchecked(
                        &label(),
                        format!(
                            "not checked: the run's deadline of {} s passed (--deadline)",
                            opts.deadline.unwrap_or_default().as_secs_f64()
                        ),
                    );
                }
                match k {
                    AssetTarget::Local(p) => match root.as_ref().map(|r| r.check(p)) {
                        Some(Err(e)) => probe::MediaFacts::unopenable(&label(), e),
                        _ => {
                            #[allow(unused_mut)]
                            let mut f = probe::probe_path(p, opts.budget);
                            #[cfg(feature = "fix")]
                            crate::deep::verify(p, &mut f, opts.deep, deadline);
                            f
                        }
                    },
                    #[cfg(feature = "remote")]
                    AssetTarget::Remote(u) => match &fetcher {
                        Some(Ok(f)) => probe::probe_url(f, u, opts.budget),
                        Some(Err(e)) => probe::MediaFacts::unopenable(
                            u.as_str(),
                            source::OpenError::ClientSetup(e.message.clone()),
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
                }
            })
            .collect()
    };
    // One asset needs no pool of its own (building one costs threads).
    if keys.len() == 1 {
        return work();
    }
    match rayon::ThreadPoolBuilder::new().num_threads(jobs).build() {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}

fn unchecked(label: &str, why: String) -> probe::MediaFacts {
    probe::MediaFacts::unopenable(label, source::OpenError::NotChecked(why))
}

/// The folder local media must lie in (`--media-root`).
struct MediaRoot {
    /// As given, made absolute and lexically normalised.
    lexical: PathBuf,
    /// With symbolic links resolved (`None` when the folder does not exist:
    /// then nothing is inside it).
    real: Option<PathBuf>,
}

impl MediaRoot {
    fn new(root: &Path) -> Self {
        MediaRoot {
            lexical: normalize(root),
            real: root.canonicalize().ok(),
        }
    }

    /// `Ok` when `path` lies inside: decided lexically first (an absolute
    /// path or `..` leading out is refused without touching the file), then
    /// with links resolved (a symbolic link leading out is refused before
    /// the file is opened).
    fn check(&self, path: &Path) -> Result<(), source::OpenError> {
        let outside = |why: &str| {
            Err(source::OpenError::OutsideMediaRoot(format!(
                "{why} the media root `{}`: not opened",
                self.lexical.display()
            )))
        };
        let Some(real_root) = &self.real else {
            return outside("the path cannot be inside");
        };
        let lexical = normalize(path);
        if !lexical.starts_with(&self.lexical) && !lexical.starts_with(real_root) {
            return outside("the path lies outside");
        }
        match path.canonicalize() {
            Ok(real) if !real.starts_with(real_root) => outside("a symbolic link leads outside"),
            _ => Ok(()),
        }
    }
}

/// An absolute path with `.` and `..` resolved by text alone.
fn normalize(p: &Path) -> PathBuf {
    use std::path::Component;
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}
