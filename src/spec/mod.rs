//! The limits of the Seedance APIs as data: one table per dialect × model.
//!
//! The table is `limits.toml`, embedded in the binary, deserialized with unknown
//! keys refused, and validated (ranges ordered, defaults allowed, sizes known) the
//! first time it is used. Rules read limits from here and nowhere else.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use crate::Severity;

mod validate;

/// The two request dialects the service is sold through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dialect {
    /// `POST /v1/videos/generations`, snake_case fields, per-kind media arrays.
    Unified,
    /// `POST /api/open/v1/video/generations`, camelCase fields, one `mediaUrls` array.
    Open,
}

impl Dialect {
    /// Both dialects, in a fixed order.
    pub const ALL: [Dialect; 2] = [Dialect::Unified, Dialect::Open];

    /// The lower-case name used on the command line and in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Unified => "unified",
            Dialect::Open => "open",
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Dialect {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "unified" => Ok(Dialect::Unified),
            "open" => Ok(Dialect::Open),
            _ => Err(format!(
                "unknown dialect `{s}` (expected `unified` or `open`)"
            )),
        }
    }
}

/// The whole table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Dialect A.
    pub unified: DialectSpec,
    /// Dialect B.
    pub open: DialectSpec,
}

/// The JSON type a request field must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FieldType {
    /// A JSON string.
    String,
    /// A JSON integer (a number written without fraction).
    Integer,
    /// `true` or `false`.
    Boolean,
    /// A JSON object.
    Object,
    /// An array whose elements are strings.
    StringArray,
}

impl FieldType {
    /// How the type is named in messages.
    pub fn describe(self) -> &'static str {
        match self {
            FieldType::String => "a string",
            FieldType::Integer => "an integer",
            FieldType::Boolean => "a boolean",
            FieldType::Object => "an object",
            FieldType::StringArray => "an array of strings",
        }
    }
}

/// The kind of media a media array holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MediaKind {
    /// Still images.
    Image,
    /// Video clips.
    Video,
    /// Audio clips.
    Audio,
    /// Any of the three, told apart by content (the open dialect's `mediaUrls`).
    Any,
}

impl MediaKind {
    /// The word used in messages and prompts ("image", "video", "audio", "media").
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Video => "video",
            MediaKind::Audio => "audio",
            MediaKind::Any => "media",
        }
    }
}

/// What a model generates from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Prompt only.
    Text,
    /// A first frame and optionally a last frame.
    FirstLastFrame,
    /// Reference images, videos and audio.
    Reference,
    /// One array of mixed media, kinds told apart by content (open dialect).
    Mixed,
}

/// Limits and fields of one dialect.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DialectSpec {
    /// Method and path, for messages.
    pub endpoint: String,
    /// The largest accepted request body (JSON plus media, the conservative reading).
    pub body_max_bytes: u64,
    /// The name of the completion-callback field.
    pub callback_field: String,
    /// The name of the output-quality field (`quality` / `resolution`).
    pub quality_field: String,
    /// The name of the aspect-ratio field.
    pub aspect_ratio_field: String,
    /// The longest accepted callback URL, in characters.
    pub callback_max_len: usize,
    /// Whether the callback must be `https://`.
    pub callback_https_only: bool,
    /// Severity of a plain `http://` media URL.
    pub http_media_severity: Severity,
    /// Severity of pixel, length and size limits on media.
    pub media_limits_severity: Severity,
    /// Every field the dialect defines, with its JSON type.
    pub fields: BTreeMap<String, FieldType>,
    /// The media array fields and the kind each holds.
    pub media_fields: BTreeMap<String, MediaKind>,
    /// Prompt length limits.
    pub prompt: PromptLimits,
    /// Image limits.
    pub image: ImageLimits,
    /// Reference-video limits.
    pub video: VideoLimits,
    /// Reference-audio limits.
    pub audio: AudioLimits,
    /// Output pixel size per quality, per aspect ratio.
    pub output_sizes: BTreeMap<String, BTreeMap<String, [u32; 2]>>,
    /// The models of the dialect.
    pub models: Vec<ModelSpec>,
}

/// Prompt length limits.
#[derive(Debug, Clone, Deserialize)]
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
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageLimits {
    /// Accepted formats, by content.
    pub formats: Vec<String>,
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
#[derive(Debug, Clone, Deserialize)]
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
#[derive(Debug, Clone, Deserialize)]
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

/// One model.
#[derive(Debug, Clone, Deserialize)]
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
#[derive(Debug, Clone, Deserialize)]
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
}

impl DurationRule {
    /// Whether `v` seconds is accepted.
    pub fn accepts(&self, v: i64) -> bool {
        match (&self.set, self.min, self.max) {
            (Some(set), _, _) => set.contains(&v),
            (None, Some(lo), Some(hi)) => (lo..=hi).contains(&v),
            _ => false,
        }
    }

    /// "4–15" or "5 or 10".
    pub fn describe(&self) -> String {
        match (&self.set, self.min, self.max) {
            (Some(set), _, _) => join_or(&set.iter().map(|v| v.to_string()).collect::<Vec<_>>()),
            (None, Some(lo), Some(hi)) => format!("an integer from {lo} to {hi}"),
            _ => "nothing".into(),
        }
    }
}

/// A closed set of string values with an optional documented default.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// The accepted values.
    pub allowed: Vec<String>,
    /// The documented default.
    pub default: Option<String>,
}

/// An inclusive item count range for a media array.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountRange {
    /// Fewest items.
    pub min: usize,
    /// Most items.
    pub max: usize,
}

/// "a, b or c".
pub fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

static BUILTIN: OnceLock<Spec> = OnceLock::new();

impl Spec {
    /// The built-in table (parsed and validated once).
    pub fn builtin() -> &'static Spec {
        BUILTIN.get_or_init(|| {
            let spec: Spec = toml::from_str(include_str!("limits.toml"))
                .unwrap_or_else(|e| panic!("built-in limits.toml does not parse: {e}"));
            if let Err(e) = spec.validate() {
                panic!("built-in limits.toml is inconsistent: {e}");
            }
            spec
        })
    }

    /// The table of one dialect.
    pub fn dialect(&self, d: Dialect) -> &DialectSpec {
        match d {
            Dialect::Unified => &self.unified,
            Dialect::Open => &self.open,
        }
    }

    /// Finds a model in any dialect.
    pub fn find_model(&self, id: &str) -> Option<(Dialect, &ModelSpec)> {
        Dialect::ALL
            .into_iter()
            .find_map(|d| self.dialect(d).model(id).map(|m| (d, m)))
    }

    /// Checks the table is consistent; a user override goes through this too.
    pub fn validate(&self) -> Result<(), String> {
        for d in Dialect::ALL {
            self.dialect(d)
                .validate()
                .map_err(|e| format!("[{d}] {e}"))?;
        }
        Ok(())
    }
}

impl DialectSpec {
    /// The model with this id.
    pub fn model(&self, id: &str) -> Option<&ModelSpec> {
        self.models.iter().find(|m| m.id == id)
    }
}

impl ModelSpec {
    /// The count range of a media field, or `None` when the model does not take it.
    pub fn media_range(&self, field: &str) -> Option<CountRange> {
        self.media.get(field).copied().filter(|r| r.max > 0)
    }
}

#[cfg(test)]
mod tests;
