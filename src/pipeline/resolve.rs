//! Stage 2 — resolve assets: which file or URL each media entry means (relative
//! paths against the request file's folder), deduplicated across the run so
//! each is probed once. Each distinct asset gets an [`AssetId`] that the
//! report keeps, so later commands (`fix`) can act on it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::parse::Parsed;
use crate::report::Source;
use crate::{addr, Options};

pub use crate::request::{AssetId, AssetTarget, ResolvedAsset};

/// Every distinct asset of a run, and for each request the id of each of
/// its entries (`None`: nothing to open — inline data, another scheme, a
/// private URL already reported, or `--no-fetch`).
pub(crate) struct Resolved {
    pub(crate) targets: Vec<AssetTarget>,
    pub(crate) per_request: Vec<Vec<Option<AssetId>>>,
}

/// Resolves the media entries of every parsed request.
pub(crate) fn resolve(parsed: &[Parsed], opts: &Options) -> Resolved {
    let mut targets: Vec<AssetTarget> = Vec::new();
    let mut index: HashMap<AssetTarget, usize> = HashMap::new();
    let per_request = parsed
        .iter()
        .map(|p| match (&p.req, opts.fetch) {
            (Some(req), true) => req
                .assets
                .iter()
                .map(|a| {
                    // `--require-urls`: no local path is opened at all.
                    if !opts.rules.allow_local_paths
                        && matches!(addr::classify_media_ref(&a.uri), addr::MediaRef::Local(_))
                    {
                        return None;
                    }
                    // Entries beyond the model's maximum (REQ013) are not fetched.
                    if beyond_max(req, a, opts) {
                        return None;
                    }
                    let key = asset_key(&p.report.source, &a.uri, opts)?;
                    Some(AssetId(*index.entry(key.clone()).or_insert_with(|| {
                        targets.push(key);
                        targets.len() - 1
                    })))
                })
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    Resolved {
        targets,
        per_request,
    }
}

/// Whether an entry lies beyond the most the model takes in its array.
fn beyond_max(req: &crate::request::Request, a: &crate::request::AssetRef, opts: &Options) -> bool {
    let spec = opts.spec().dialect(req.dialect);
    spec.request_model(req.model())
        .and_then(|m| m.media_range(a.slot()))
        .is_some_and(|r| a.slot_index >= r.max)
}

/// The asset an entry names: a local file (resolved against the request file's
/// folder) or an http(s) URL. `None` when there is nothing to fetch — inline
/// data, another scheme, or a private URL the guard would refuse anyway (its
/// SRC002 is already reported from the request).
pub(crate) fn asset_key(req_source: &Source, uri: &str, opts: &Options) -> Option<AssetTarget> {
    match addr::classify_media_ref(uri) {
        addr::MediaRef::Local(path) => {
            let path = PathBuf::from(path);
            if path.is_absolute() || req_source.is_virtual() {
                return Some(AssetTarget::Local(path));
            }
            let base = Path::new(&req_source.path)
                .parent()
                .unwrap_or(Path::new(""));
            Some(AssetTarget::Local(base.join(path)))
        }
        addr::MediaRef::Https(u) | addr::MediaRef::Http(u) => (addr::host_not_public(&u).is_none()
            || opts.remote.policy().permits_url(&u))
        .then_some(AssetTarget::Remote(u)),
        _ => None,
    }
}
