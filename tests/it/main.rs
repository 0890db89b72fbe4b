//! One integration-test binary (faster to link than one per file).

mod adopt;
mod attack;
mod cli;
mod contract;
mod data;
mod dialects;
#[cfg(feature = "fix")]
mod fix;
#[cfg(feature = "fix")]
mod fix_run;
mod formats;
#[cfg(feature = "remote")]
mod gate;
mod hostile;
mod integrity;
mod layering;
mod malformed;
mod media;
mod packaging;
#[cfg(feature = "remote")]
mod remote;
#[cfg(feature = "remote")]
mod runtime;
#[cfg(feature = "serve")]
mod serve;
#[cfg(feature = "remote")]
mod server;

mod requests;
mod resellers;
mod select;

use std::path::PathBuf;

/// The repository's `fixtures/` folder.
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}
