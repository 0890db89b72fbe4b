//! Lengths across the clips of a request, and output names and paths.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::probe::Kind;
use crate::report::RequestReport;
use crate::request::AssetTarget;

/// The clips to cut, and each clip's length: a clip longer than the
/// longest its envelope allows in this request (`max_length_s`, the rules'
/// reading of the per-clip and total limits) is cut to it.
pub(super) struct Totals {
    /// Asset → the length to cut it to, seconds (whole milliseconds).
    pub(super) trim: HashMap<usize, f64>,
    /// Each clip's length, where known (measured, or stated by its container).
    pub(super) lens: HashMap<usize, f64>,
}

impl Totals {
    /// Whether asset `i` is to be cut.
    pub(super) fn cut(&self, i: usize) -> bool {
        self.trim.contains_key(&i)
    }

    pub(super) fn of(rr: &RequestReport) -> Totals {
        let mut t = Totals {
            trim: HashMap::new(),
            lens: HashMap::new(),
        };
        for (i, f) in rr.facts.iter().enumerate() {
            let (Some(f), Some(Some(slot))) = (f, rr.accepts.get(i)) else {
                continue;
            };
            let Some(max) = slot.max_length_s else {
                continue;
            };
            if f.error.is_some() {
                continue;
            }
            // A format the probes name but do not measure: the container's
            // own statement, where it makes one.
            let len =
                f.duration_s
                    .or_else(|| match (f.kind, &*rr.resolved.get(i)?.as_ref()?.target) {
                        (Kind::Audio, AssetTarget::Local(p)) => crate::decode::audio::length(p),
                        _ => None,
                    });
            let Some(len) = len else { continue };
            t.lens.insert(i, len);
            if len > max + 1e-6 {
                t.trim.insert(i, (max * 1000.0).floor() / 1000.0);
            }
        }
        t
    }
}

/// `name.ext` → `name-2.ext`.
pub(super) fn suffixed(name: &str, n: usize) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}-{n}.{ext}"),
        None => format!("{name}-{n}"),
    }
}

/// `target` as a path relative to the folder `from` (both made absolute).
pub(super) fn relative(from: &Path, target: &Path) -> String {
    let abs = |p: &Path| {
        std::fs::canonicalize(p).unwrap_or_else(|_| {
            std::env::current_dir()
                .map(|c| c.join(p))
                .unwrap_or_else(|_| p.to_path_buf())
        })
    };
    let (from, target) = (abs(from), abs(target));
    let a: Vec<_> = from.components().collect();
    let b: Vec<_> = target.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..a.len() {
        out.push("..");
    }
    for c in &b[common..] {
        out.push(c);
    }
    out.display().to_string()
}
