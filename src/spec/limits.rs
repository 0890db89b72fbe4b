//! Media and prompt limits of a model family, as `families.toml` states
//! them and a dialect file may override them.

use serde::Deserialize;
use std::collections::BTreeMap;

/// Prompt length limits.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct PromptLimits {
    /// Recommended maximum of CJK characters (warning above).
    pub recommended_cjk_chars: usize,
    /// Recommended maximum of English words (warning above).
    pub recommended_words: usize,
    /// Hard cap in tokens (error above, by a conservative estimate).
    pub max_tokens: usize,
}

/// Image limits.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ImageLimits {
    /// Accepted formats, by content.
    pub formats: Vec<String>,
    /// Formats some sources list: a warning rather than an error.
    #[serde(default)]
    pub formats_warn: Vec<String>,
    /// Smallest accepted displayed side, pixels.
    pub min_side: u32,
    /// Largest accepted displayed side, pixels.
    pub max_side: u32,
    /// Smallest accepted displayed width ÷ height.
    pub min_ratio: f64,
    /// Largest accepted displayed width ÷ height.
    pub max_ratio: f64,
    /// Largest accepted file, bytes.
    pub max_bytes: u64,
    /// IMG009: relative difference of first/last-frame ratios reported.
    pub first_last_ratio_tolerance: f64,
    /// IMG009: factor between first/last-frame pixel areas reported.
    pub first_last_max_area_ratio: f64,
}

/// Reference-video limits.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct VideoLimits {
    /// Accepted containers, by content.
    pub formats: Vec<String>,
    /// Shortest accepted clip, seconds.
    pub min_duration_s: f64,
    /// Longest accepted clip, seconds.
    pub max_duration_s: f64,
    /// Longest accepted total of all clips, seconds.
    pub max_total_duration_s: f64,
    /// Fewest accepted pixels per frame.
    pub min_pixels: u64,
    /// Most accepted pixels per frame.
    pub max_pixels: u64,
    /// A larger pixel budget when the request asks for this quality.
    #[serde(default)]
    pub max_pixels_by_quality: BTreeMap<String, u64>,
    /// Smallest displayed side.
    pub min_side: u32,
    /// Largest displayed side.
    pub max_side: u32,
    /// Smallest displayed ratio.
    pub min_ratio: f64,
    /// Largest displayed ratio.
    pub max_ratio: f64,
    /// Lowest average frame rate.
    pub min_fps: f64,
    /// Highest average frame rate.
    pub max_fps: f64,
    /// Largest file, bytes.
    pub max_bytes: u64,
    /// Largest total of all videos, bytes (a warning: some mirrors state it).
    pub max_total_bytes: u64,
}

/// Reference-audio limits.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct AudioLimits {
    /// Accepted formats, by content.
    pub formats: Vec<String>,
    /// Shortest clip, seconds.
    pub min_duration_s: f64,
    /// Longest clip, seconds.
    pub max_duration_s: f64,
    /// Longest total, seconds.
    pub max_total_duration_s: f64,
    /// Largest file, bytes.
    pub max_bytes: u64,
    /// Largest total of all audio, bytes (a warning).
    pub max_total_bytes: u64,
}
