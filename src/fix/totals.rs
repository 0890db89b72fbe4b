//! Lengths across the clips of a request, and output names and paths.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::pipeline::AssetTarget;
use crate::probe::Kind;
use crate::report::RequestReport;
use crate::spec::DialectSpec;

/// Where clips must be cut: each to its own maximum, then, when all of a
/// kind together exceed the total, from the last clip backwards (each kept
/// at least at the minimum length).
pub(super) struct Totals {
    pub(super) audio: HashMap<usize, Option<f64>>,
    pub(super) video: HashMap<usize, Option<f64>>,
    /// Each clip's length, where known (measured, or stated by its container).
    pub(super) lens: HashMap<usize, f64>,
    /// The most pixels a frame of each video may have: its envelope's (the
    /// rules' `accepts`, with the 1080p allowance) — what VID005 judges by.
    pub(super) max_pixels: HashMap<usize, u64>,
}

impl Totals {
    /// Whether asset `i` is to be cut.
    pub(super) fn cut(&self, i: usize) -> bool {
        matches!(self.audio.get(&i), Some(Some(_))) || matches!(self.video.get(&i), Some(Some(_)))
    }

    pub(super) fn of(rr: &RequestReport, d: &DialectSpec) -> Totals {
        let cut = |kind: Kind, max_each: f64, min_each: f64, max_total: f64| {
            let clips: Vec<(usize, f64)> = rr
                .facts
                .iter()
                .enumerate()
                .filter_map(|(i, f)| {
                    let f = f.as_ref()?;
                    if f.kind != kind || f.error.is_some() {
                        return None;
                    }
                    // A format the probes name but do not measure: the
                    // container's own statement, where it makes one.
                    let len = f.duration_s.or_else(|| {
                        match (kind, &*rr.resolved.get(i)?.as_ref()?.target) {
                            (Kind::Audio, AssetTarget::Local(p)) => super::audio::length(p),
                            _ => None,
                        }
                    })?;
                    Some((i, len))
                })
                .collect();
            let mut target: Vec<f64> = clips.iter().map(|(_, l)| l.min(max_each)).collect();
            let mut excess = target.iter().sum::<f64>() - max_total;
            for t in target.iter_mut().rev() {
                if excess <= 1e-9 {
                    break;
                }
                let room = (*t - min_each).max(0.0);
                let take = room.min(excess);
                *t -= take;
                excess -= take;
            }
            clips
                .iter()
                .zip(target)
                .map(|((i, l), t)| {
                    let cut = (t < l - 1e-6).then_some((t * 1000.0).floor() / 1000.0);
                    (*i, (*l, cut))
                })
                .collect::<HashMap<_, _>>()
        };
        let audio = cut(
            Kind::Audio,
            d.audio.max_duration_s,
            d.audio.min_duration_s,
            d.audio.max_total_duration_s,
        );
        let video = cut(
            Kind::Video,
            d.video.max_duration_s,
            d.video.min_duration_s,
            d.video.max_total_duration_s,
        );
        Totals {
            lens: audio
                .iter()
                .chain(&video)
                .map(|(i, (l, _))| (*i, *l))
                .collect(),
            audio: audio.into_iter().map(|(i, (_, t))| (i, t)).collect(),
            video: video.into_iter().map(|(i, (_, t))| (i, t)).collect(),
            max_pixels: rr
                .accepts
                .iter()
                .enumerate()
                .filter_map(|(i, a)| Some((i, a.as_ref()?.pixels?[1])))
                .collect(),
        }
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
