//! What a media entry means once resolved: a local file or a URL, with the
//! run-wide id every entry meaning the same asset shares. Made by the
//! pipeline's resolve stage, kept on the report, read by `fix`.

use std::path::PathBuf;

/// A distinct asset of a run (an index into the run's asset list): every
/// entry, in any request, that means the same file or URL has the same id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AssetId(pub usize);

/// What an asset entry points at, once resolved: a local file or a URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AssetTarget {
    /// A local file (resolved against the request file's folder).
    Local(PathBuf),
    /// An http(s) URL.
    Remote(url::Url),
}

/// The asset an entry means, with its run-wide id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedAsset {
    /// Shared by every entry of the run that means the same asset.
    pub id: AssetId,
    /// The file or URL (shared by every entry that means it).
    pub target: std::sync::Arc<AssetTarget>,
}
