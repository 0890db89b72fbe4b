//! The models of a dialect: accepted durations, qualities, ratios and
//! media counts.

use serde::Deserialize;
use std::collections::BTreeMap;

use super::{join_or, Mode};

/// One model.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    /// The `model` value.
    pub id: String,
    /// What it generates from.
    pub mode: Mode,
    /// Accepted `duration` values.
    pub duration: DurationRule,
    /// Accepted `quality` / `resolution` values.
    pub qualities: Choice,
    /// Accepted aspect ratios.
    pub aspect_ratios: Choice,
    /// Media arrays the model accepts, with their count ranges. An array of the
    /// dialect that is not listed here is not accepted by the model.
    pub media: BTreeMap<String, CountRange>,
}

/// Accepted durations: an inclusive range or an explicit set.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct DurationRule {
    /// Smallest accepted value (with `max`).
    pub min: Option<i64>,
    /// Largest accepted value (with `min`).
    pub max: Option<i64>,
    /// The only accepted values (instead of a range).
    pub set: Option<Vec<i64>>,
    /// What the service uses when the field is absent, where documented.
    pub default: Option<i64>,
    /// A value that lets the model choose (`-1`).
    #[serde(default)]
    pub auto: Option<i64>,
}

impl DurationRule {
    /// Whether `v` seconds is accepted.
    pub fn accepts(&self, v: i64) -> bool {
        if self.auto == Some(v) {
            return true;
        }
        match (&self.set, self.min, self.max) {
            (Some(set), _, _) => set.contains(&v),
            (None, Some(lo), Some(hi)) => (lo..=hi).contains(&v),
            _ => false,
        }
    }

    /// "4–15" or "5 or 10".
    pub fn describe(&self) -> String {
        let base = match (&self.set, self.min, self.max) {
            (Some(set), _, _) => join_or(&set.iter().map(|v| v.to_string()).collect::<Vec<_>>()),
            (None, Some(lo), Some(hi)) => format!("an integer from {lo} to {hi}"),
            _ => "nothing".into(),
        };
        match self.auto {
            Some(a) => format!("{base}, or {a} (the model chooses)"),
            None => base,
        }
    }
}

/// A closed set of string values with an optional documented default.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// The accepted values.
    pub allowed: Vec<String>,
    /// The documented default.
    pub default: Option<String>,
    /// The default when the request has a first frame, where it differs.
    #[serde(default)]
    pub default_with_first_frame: Option<String>,
}

/// An inclusive item count range for a media array.
#[derive(Debug, Clone, Copy, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct CountRange {
    /// Fewest items.
    pub min: usize,
    /// Most items.
    pub max: usize,
    /// The field may be left out (the request is then text-to-video);
    /// when it is given, it holds `min` to `max` items.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
}

impl ModelSpec {
    /// The count range of a media field, or `None` when the model does not take it.
    pub fn media_range(&self, field: &str) -> Option<CountRange> {
        self.media.get(field).copied().filter(|r| r.max > 0)
    }
}
