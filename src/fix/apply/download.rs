//! `--download`: a remote asset fetched whole through the guarded fetcher
//! (the same address guard, redirects, timeouts as checking), at most a
//! given number of bytes, into the output folder.

use std::io::{Read, Write};
use std::path::Path;

use crate::source::http::Fetcher;

/// Fetches `url` into `dest`; `Err` says why nothing usable was written.
pub(super) fn fetch(
    fetcher: &Fetcher,
    url: &url::Url,
    dest: &Path,
    max: u64,
) -> Result<(), String> {
    let (src, facts) = fetcher.open(url);
    let Some(mut src) = src else {
        return Err(format!(
            "cannot fetch {url}: {}",
            facts.failure.map_or("no answer".to_string(), |f| f.message)
        ));
    };
    if let Some(len) = src.len.filter(|l| *l > max) {
        return Err(format!(
            "{url} is {len} bytes, above the download limit of {max}"
        ));
    }
    src.budget = max.saturating_add(1);
    crate::outfile::check_target(dest)?;
    let (mut file, temp) = crate::outfile::temp_beside(dest)?;
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    let result = loop {
        let n = match src.read(&mut buf) {
            Ok(0) => break Ok(()),
            Ok(n) => n,
            Err(e) => break Err(format!("{url}: the body failed mid-read: {e}")),
        };
        total += n as u64;
        if total > max {
            break Err(format!(
                "{url} is larger than the download limit of {max} bytes"
            ));
        }
        if let Err(e) = file.write_all(&buf[..n]) {
            break Err(format!("cannot write {}: {e}", crate::outfile::shown(dest)));
        }
    };
    let result = result.and_then(|()| match (src.failure.take(), src.len) {
        (Some(f), _) => Err(format!("{url}: {f}")),
        (None, Some(len)) if len != total => Err(format!(
            "{url}: {total} bytes arrived of the {len} announced"
        )),
        _ => Ok(()),
    });
    drop(file);
    match result {
        Ok(()) => Ok(crate::outfile::commit(&temp, dest)?),
        Err(e) => {
            let _ = std::fs::remove_file(&temp);
            Err(e)
        }
    }
}
