//! The dialects and limits of the Seedance APIs as data: one file per dialect
//! (`dialects/*.toml`: fields, media slots, roles, models), sharing the media
//! limits of a model family (`families.toml`).
//!
//! The built-in files are embedded in the binary; users add their own with
//! `--dialect-file` (format in `docs/dialects.md`). Each is deserialized with
//! unknown keys refused and validated (ranges ordered, defaults allowed, sizes
//! known, formats in the format table) when it loads. Rules read limits from
//! here and nowhere else.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

use crate::Severity;

mod items;
mod limits;
mod models;
pub use models::{Choice, CountRange, DurationRule, ModelSpec};
mod validate;
pub use items::{FieldNote, ItemMode, ItemType, ItemsSpec, ModelPattern, NoteKind};
pub use limits::{AudioLimits, ImageLimits, PromptLimits, VideoLimits};

/// A request dialect, named by its `id` (`unified`, `open`, `ark`, or the id
/// of a user-supplied dialect file). A small copyable handle: the dialect's
/// fields, models and limits are in its [`DialectSpec`], looked up in the
/// [`Spec`] in force.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Dialect(&'static str);

impl Dialect {
    /// Dialect A: `POST /v1/videos/generations`, snake_case, per-kind arrays.
    pub const UNIFIED: Dialect = Dialect("unified");
    /// Dialect B: `POST /api/open/v1/video/generations`, one `mediaUrls` array.
    pub const OPEN: Dialect = Dialect("open");
    /// Dialect C: the provider's task API, a `content[]` array with roles.
    pub const ARK: Dialect = Dialect("ark");

    /// The dialect with this id (interned: ids are few, each is kept once
    /// for the life of the process). Whether such a dialect is loaded is for
    /// the [`Spec`] to say ([`Spec::get`]).
    pub fn new(id: &str) -> Dialect {
        for d in [Dialect::UNIFIED, Dialect::OPEN, Dialect::ARK] {
            if d.0 == id {
                return d;
            }
        }
        static INTERNED: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());
        let mut seen = INTERNED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = seen.iter().find(|s| **s == id) {
            return Dialect(s);
        }
        let s: &'static str = Box::leak(id.to_string().into_boxed_str());
        seen.push(s);
        Dialect(s)
    }

    /// The id, as used on the command line and in JSON output.
    pub fn as_str(self) -> &'static str {
        self.0
    }
}

impl fmt::Debug for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Dialect({})", self.0)
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Dialect {
    type Err = String;
    /// Any well-formed id (lower-case letters, digits, `-`, `_`, `.`); whether
    /// it is loaded is checked against the spec where it is used.
    fn from_str(s: &str) -> Result<Self, String> {
        if is_dialect_id(s) {
            Ok(Dialect::new(s))
        } else {
            Err(format!(
                "`{s}` is not a dialect id (lower-case letters, digits, `-`, `_` or `.`)"
            ))
        }
    }
}

/// Whether `s` is a well-formed dialect id.
pub fn is_dialect_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b))
}

/// The dialects in force: the built-in ones (unified, open, ark), with any
/// config overrides, and any loaded from user dialect files.
#[derive(Debug, Clone)]
pub struct Spec {
    dialects: Vec<DialectSpec>,
}

/// The JSON type a request field must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
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
    /// An array whose elements are objects (the ark dialect's `content`).
    ObjectArray,
    /// An array of anything.
    Array,
    /// A string or a number.
    Scalar,
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
            FieldType::ObjectArray => "an array of objects",
            FieldType::Array => "an array",
            FieldType::Scalar => "a string or a number",
        }
    }
}

/// The kind of media a media array holds.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, serde::Serialize,
)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
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
    /// Decided by the roles of the media items (ark dialect): text only,
    /// first frame, first and last frame, or reference.
    ByRole,
}

/// One dialect, as its data file declares it (`src/spec/dialects/*.toml`,
/// or a user file given with `--dialect-file`); see `docs/dialects.md`.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct DialectSpec {
    /// The id (`unified`, `open`, `ark`, …).
    pub id: String,
    /// The dialect file it came from (`None`: built in).
    #[serde(skip)]
    pub origin: Option<String>,
    /// A human name.
    pub name: String,
    /// Method and path, for messages.
    pub endpoint: String,
    /// The shared model-family limits this file starts from (merged in at
    /// load: its keys fill what the file does not set).
    #[serde(default)]
    pub media_limits: Option<String>,
    /// Where the prompt is: a member name, or a path into the request
    /// (`content[type=text].text`).
    #[serde(default = "default_prompt")]
    pub prompt_field: String,
    /// Whether a request with media may omit the prompt.
    #[serde(default)]
    pub prompt_optional_with_media: bool,
    /// The largest accepted request body (JSON plus media, the conservative reading).
    pub body_max_bytes: u64,
    /// The member that holds the request (`input` for Replicate's
    /// `{"input": {…}}`); `None`: the body is the request.
    #[serde(default)]
    pub body_root: Option<String>,
    /// The name of the duration field (`seconds` on OpenAI-style gateways).
    #[serde(default = "default_duration")]
    pub duration_field: String,
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
    /// Default severities of this dialect that differ from the catalogue's,
    /// by code (`REQ017`) or code and case (`REQ004/other-generation`).
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    /// Every field the dialect defines, with its JSON type.
    pub fields: BTreeMap<String, FieldType>,
    /// Fields the service knows from other model generations: using one is
    /// REQ004 at the note's severity, with its text.
    #[serde(default)]
    pub notes: BTreeMap<String, FieldNote>,
    /// Names other dialects (or habits) use, and this dialect's name for them.
    #[serde(default)]
    pub aliases: BTreeMap<String, String>,
    /// The media array fields and the kind each holds.
    #[serde(default)]
    pub media_fields: BTreeMap<String, MediaKind>,
    /// Media as typed items of one array, with roles (the ark `content[]`).
    #[serde(default)]
    pub items: Option<ItemsSpec>,
    /// Kinds of media that may travel inline as `data:` URIs (counted in
    /// the body); any other inline entry is REQ019.
    #[serde(default)]
    pub inline_data: Vec<MediaKind>,
    /// URL schemes naming the provider's own asset library: accepted, not
    /// checkable here (SRC010).
    #[serde(default)]
    pub unverifiable_schemes: Vec<String>,
    /// Fields that apply to text-only requests: sent with media, REQ017.
    #[serde(default)]
    pub text_only_fields: Vec<String>,
    /// Prompt flags of older model generations the model does not read (REQ022).
    #[serde(default)]
    pub legacy_prompt_flags: Vec<String>,
    /// The model a request without a `model` member is checked as: the
    /// model the endpoint URL names (fal.ai's shape). Such a request gets no
    /// REQ002.
    #[serde(default)]
    pub endpoint_model: Option<String>,
    /// The body of the service's own answer to a rejected request, for a
    /// proxy to answer in the callers' shape (`serve`): a JSON object in
    /// which the strings `{message}`, `{param}`, `{code}` and `{codes}` are
    /// replaced (`None`: an OpenAI-style `{"error": {…}}`).
    #[serde(default)]
    pub error_envelope: Option<serde_json::Value>,
    /// A top-level member whose value is `null` is read as absent: the
    /// official SDK sends `null` for every parameter it was not given.
    #[serde(default)]
    pub null_is_absent: bool,
    /// Model ids that name no model of the table but are accepted by prefix
    /// (an endpoint id), checked as another model.
    #[serde(default)]
    pub model_patterns: Vec<ModelPattern>,
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

fn default_duration() -> String {
    "duration".into()
}

fn default_prompt() -> String {
    "prompt".into()
}

/// "a, b or c".
pub fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

impl DialectSpec {
    /// The model with this id.
    pub fn model(&self, id: &str) -> Option<&ModelSpec> {
        self.models.iter().find(|m| m.id == id)
    }

    /// The model a request's `model` means: the model with this id, else
    /// the model a matching pattern names (an endpoint id).
    pub fn resolve_model(&self, id: &str) -> Option<&ModelSpec> {
        self.model(id).or_else(|| {
            let p = self.pattern(id)?;
            self.model(&p.like)
        })
    }

    /// The model a request is checked as: its `model` member resolved,
    /// else the endpoint's model when the dialect names one.
    pub fn request_model(&self, id: Option<&str>) -> Option<&ModelSpec> {
        match id {
            Some(id) => self.resolve_model(id),
            None => self.endpoint_model.as_deref().and_then(|m| self.model(m)),
        }
    }

    /// The model pattern an id matches, when it is not a listed model.
    pub fn pattern(&self, id: &str) -> Option<&ModelPattern> {
        if self.model(id).is_some() {
            return None;
        }
        self.model_patterns
            .iter()
            .find(|p| id.starts_with(&p.prefix) && id.len() > p.prefix.len())
    }

    /// The roles the dialect's media items may carry (none without `items`).
    pub fn roles(&self) -> impl Iterator<Item = &str> {
        self.items
            .iter()
            .flat_map(|i| i.types.values())
            .flat_map(|t| t.roles.iter().map(String::as_str))
    }

    /// Whether the dialect has one array of mixed media, kinds told apart by
    /// content (the open dialect's `mediaUrls`).
    pub fn has_mixed_array(&self) -> bool {
        self.media_fields.values().any(|k| *k == MediaKind::Any)
    }
}

mod load;
pub(crate) use load::builtin_tables;
pub use load::BUILTIN_DIALECT_FILES;

#[cfg(test)]
mod tests;

/// The reseller dialects shipped with the tool but not loaded by default
/// (their shapes would otherwise compete in detection): `(id, file, text)`.
/// `--dialect ID` loads one; `seedance-preflight dialects` lists them.
pub const SHIPPED: &[(&str, &str, &str)] = &[
    (
        "fal-i2v",
        "dialects/fal-image-to-video.toml",
        include_str!("../../dialects/fal-image-to-video.toml"),
    ),
    (
        "replicate",
        "dialects/replicate.toml",
        include_str!("../../dialects/replicate.toml"),
    ),
    (
        "relaydance",
        "dialects/relaydance.toml",
        include_str!("../../dialects/relaydance.toml"),
    ),
    (
        "xenodia",
        "dialects/xenodia.toml",
        include_str!("../../dialects/xenodia.toml"),
    ),
];

impl Spec {
    /// This table with the shipped dialect `id` loaded (an error when no
    /// shipped dialect has that id, or it is loaded already).
    pub fn with_shipped(&self, id: &str) -> Result<Spec, crate::Error> {
        match SHIPPED.iter().find(|(i, _, _)| *i == id) {
            Some((_, file, text)) => self.with_dialect_text(std::path::Path::new(file), text),
            None => Err(crate::Error::new(
                crate::ErrorKind::Usage,
                format!("no shipped dialect `{id}`"),
            )),
        }
    }
}
