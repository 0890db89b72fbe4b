//! Findings, severities and the registry of rule codes.
//!
//! The codes are a contract with users: they are added, never renumbered or
//! reused. `Code::ALL` is snapshotted by a test so that an accidental rename fails.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A fact worth showing (predicted output size, billable seconds).
    Info,
    /// Likely accepted but likely to go wrong (distortion, cropping, ambiguity).
    Warning,
    /// The service would reject the request.
    Error,
}

impl Severity {
    /// `info`, `warning` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! codes {
    ($( $code:ident $name:literal $sev:ident $summary:literal ;)*) => {
        /// A stable rule code (`REQ006`), with its kebab name and default severity.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Code { $( #[doc = $summary] $code, )* }

        impl Code {
            /// Every code, in catalogue order.
            pub const ALL: &'static [Code] = &[ $( Code::$code, )* ];

            /// The code as written, e.g. `REQ006`.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$code => stringify!($code), )* }
            }

            /// The kebab-case name, e.g. `duration-out-of-range`.
            pub fn name(self) -> &'static str {
                match self { $( Code::$code => $name, )* }
            }

            /// The severity the product promises when nothing overrides it.
            pub fn default_severity(self) -> Severity {
                match self { $( Code::$code => Severity::$sev, )* }
            }

            /// One line: when the rule fires.
            pub fn summary(self) -> &'static str {
                match self { $( Code::$code => $summary, )* }
            }
        }
    };
}

codes! {
    REQ001 "invalid-json" Error "the body is not JSON, or not a JSON object";
    REQ002 "unknown-model" Error "`model` is missing or not a model of the dialect";
    REQ003 "missing-field" Error "a required field is absent";
    REQ004 "unknown-field" Warning "a field the dialect does not define";
    REQ005 "wrong-type" Error "a field has the wrong JSON type";
    REQ006 "duration-out-of-range" Error "`duration` is not an integer in the model's range or set";
    REQ007 "unsupported-quality" Error "`quality` / `resolution` is not offered by the model";
    REQ008 "unsupported-aspect-ratio" Error "`aspect_ratio` / `aspectRatio` is not offered by the model";
    REQ009 "empty-prompt" Error "the prompt is empty or only whitespace";
    REQ010 "prompt-too-long" Warning "the prompt exceeds the recommended length, or (error) the token cap";
    REQ011 "invalid-callback-url" Error "the callback URL is not HTTPS, too long, unparsable, or private";
    REQ012 "media-not-accepted" Error "media sent to a model that takes none of that kind";
    REQ013 "media-count" Error "too many or too few items in a media array for the model";
    REQ014 "audio-without-visual" Error "reference audio with no reference image and no reference video";
    REQ015 "prompt-reference-out-of-range" Error "the prompt names a media item beyond what the arrays hold";
    REQ016 "tag-syntax" Warning "the prompt uses `@Image1`-style tags the model does not understand";
    REQ017 "mixed-modes" Warning "first/last-frame wording combined with reference media, or other mode mixing";
    REQ018 "body-too-large" Error "the JSON body plus every referenced asset exceeds the body limit";
    REQ019 "inline-data" Error "a media entry is a `data:` URI, raw Base64, or a `blob:` URL";
    REQ020 "duplicate-asset" Warning "the same URL or file appears twice in one media array";
    REQ021 "duplicate-key" Warning "a JSON object names the same member twice";
    REQ090 "predicted-output" Info "the output size the service will render, and the billable seconds";
    SRC001 "unsupported-scheme" Error "a media URL is not https:// or http:// (or an allowed local path)";
    SRC002 "private-address" Error "the host is or resolves to an address the service cannot reach";
    SRC003 "unreachable" Error "DNS failure, refused connection, TLS failure or timeout";
    SRC004 "http-status" Error "the final HTTP answer is not 2xx";
    SRC005 "login-redirect" Error "redirects end on an HTML page, or there are too many";
    SRC006 "content-type-mismatch" Warning "the server's Content-Type contradicts the bytes";
    SRC007 "credentials-in-url" Warning "credentials or a signed-token parameter in a URL";
    SRC008 "file-not-found" Error "a local path cannot be opened";
    SRC009 "size-unknown" Warning "the size could not be learned without downloading everything";
    IMG001 "unsupported-image-format" Error "the bytes are not an accepted image format";
    IMG002 "unreadable-image" Error "truncated or corrupt image header, or an empty file";
    IMG003 "image-side-out-of-range" Error "a displayed side is outside the accepted pixel range";
    IMG004 "image-aspect-ratio" Error "displayed width ÷ height is outside the accepted range";
    IMG005 "image-too-large" Error "the image file is larger than accepted";
    IMG006 "extension-mismatch" Warning "the file name says one format and the bytes another";
    IMG007 "exif-rotation" Warning "EXIF orientation swaps width and height";
    IMG008 "animated-image" Warning "an animated image: only one frame will be used";
    IMG009 "first-last-mismatch" Warning "first and last frame differ in ratio or size";
    VID001 "unsupported-video-format" Error "the bytes are not an accepted video container";
    VID002 "unreadable-video" Error "truncated, corrupt, or no video track";
    VID003 "clip-duration" Error "one clip is shorter or longer than accepted";
    VID004 "total-video-duration" Error "all clips together are longer than accepted";
    VID005 "video-resolution" Error "pixels per frame, a side, or the ratio is outside the accepted range";
    VID006 "frame-rate" Error "the average frame rate is outside the accepted range";
    VID007 "video-too-large" Error "a video file, or all videos together, larger than accepted";
    VID008 "video-codec" Info "the codec, and whether the provider is known to decode it";
    AUD001 "unsupported-audio-format" Error "the bytes are not an accepted audio format";
    AUD002 "unreadable-audio" Error "truncated or corrupt audio";
    AUD003 "audio-clip-duration" Error "one audio clip is shorter or longer than accepted";
    AUD004 "total-audio-duration" Error "all audio clips together are longer than accepted";
    AUD005 "audio-too-large" Error "an audio file, or all audio together, larger than accepted";
    AUD006 "estimated-duration" Info "an MP3 length was estimated rather than counted";
}

impl Code {
    /// The family prefix: `REQ`, `SRC`, `IMG`, `VID` or `AUD`.
    pub fn family(self) -> &'static str {
        &self.as_str()[..3]
    }

    /// Looks a code up by its text (`REQ006`) or kebab name, case-insensitively.
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(text) || c.name() == text)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A measured or limiting amount: a number, or a word (`"webm"`, `"16:9"`).
/// Whole numbers are written without a fraction (`16`, not `16.0`).
#[derive(Debug, Clone, PartialEq)]
pub enum Amount {
    /// A number (seconds, pixels, bytes, a ratio, a count).
    Number(f64),
    /// A word: a format, an enum value, a model id.
    Text(String),
}

impl Serialize for Amount {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Amount::Number(v) if v.fract() == 0.0 && v.abs() < 9.0e15 => s.serialize_i64(*v as i64),
            Amount::Number(v) => s.serialize_f64(*v),
            Amount::Text(t) => s.serialize_str(t),
        }
    }
}

impl From<f64> for Amount {
    fn from(v: f64) -> Self {
        Amount::Number(v)
    }
}
impl From<u64> for Amount {
    fn from(v: u64) -> Self {
        Amount::Number(v as f64)
    }
}
impl From<i64> for Amount {
    fn from(v: i64) -> Self {
        Amount::Number(v as f64)
    }
}
impl From<u32> for Amount {
    fn from(v: u32) -> Self {
        Amount::Number(f64::from(v))
    }
}
impl From<usize> for Amount {
    fn from(v: usize) -> Self {
        Amount::Number(v as f64)
    }
}
impl From<&str> for Amount {
    fn from(v: &str) -> Self {
        Amount::Text(v.to_string())
    }
}
impl From<String> for Amount {
    fn from(v: String) -> Self {
        Amount::Text(v)
    }
}

/// The unit of a measured value or a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Unit {
    /// Seconds.
    S,
    /// Pixels (a side, or pixels per frame).
    Px,
    /// Frames per second.
    Fps,
    /// Bytes.
    Bytes,
    /// Width ÷ height.
    Ratio,
    /// A number of items.
    Count,
    /// Estimated tokens.
    Tokens,
    /// Characters.
    Chars,
    /// A format name (`jpeg`, `mp4`).
    Format,
    /// An enumerated value or a name (a model id, `720p`, `16:9`).
    Value,
}

/// What a rule measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measured {
    /// The value.
    pub value: Amount,
    /// Its unit.
    pub unit: Unit,
}

/// The limit a finding broke: the members that apply.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Limit {
    /// The smallest accepted value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<Amount>,
    /// The largest accepted value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<Amount>,
    /// The accepted values, when they are a set.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowed: Vec<Amount>,
    /// The unit.
    pub unit: Unit,
}

impl Limit {
    /// A range (either end may be open).
    pub fn range(min: Option<Amount>, max: Option<Amount>, unit: Unit) -> Self {
        Limit {
            min,
            max,
            allowed: Vec::new(),
            unit,
        }
    }

    /// At most `max`.
    pub fn max(max: impl Into<Amount>, unit: Unit) -> Self {
        Limit::range(None, Some(max.into()), unit)
    }

    /// From `min` to `max`.
    pub fn between(min: impl Into<Amount>, max: impl Into<Amount>, unit: Unit) -> Self {
        Limit::range(Some(min.into()), Some(max.into()), unit)
    }

    /// One of a set.
    pub fn one_of<T: Into<Amount>>(allowed: impl IntoIterator<Item = T>, unit: Unit) -> Self {
        Limit {
            min: None,
            max: None,
            allowed: allowed.into_iter().map(Into::into).collect(),
            unit,
        }
    }
}

/// A machine-readable remedy: an edit of the request text (`set`, `rename`,
/// `remove`, by JSON pointer) or a target for the media (`resize`, `pad`,
/// `trim`, …). `fix` acts on these; the `help` text says the same for people.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
#[non_exhaustive]
pub enum Fix {
    /// Set the value at `pointer`.
    Set {
        /// JSON pointer of the member.
        pointer: String,
        /// The new value.
        value: serde_json::Value,
    },
    /// Rename the member at `pointer` to `to`.
    Rename {
        /// JSON pointer of the member.
        pointer: String,
        /// The new member name.
        to: String,
    },
    /// Remove the member or element at `pointer`.
    Remove {
        /// JSON pointer.
        pointer: String,
    },
    /// Scale an image so its sides fall in range (ratio kept).
    Resize {
        /// The longest side may be at most this.
        #[serde(skip_serializing_if = "Option::is_none")]
        max_side: Option<u32>,
        /// The shortest side must be at least this.
        #[serde(skip_serializing_if = "Option::is_none")]
        min_side: Option<u32>,
    },
    /// Pad (or, where chosen, crop) to a ratio inside the range.
    Pad {
        /// Smallest accepted width ÷ height.
        min_ratio: f64,
        /// Largest accepted width ÷ height.
        max_ratio: f64,
    },
    /// Crop to a ratio.
    Crop {
        /// The width ÷ height to crop to.
        ratio: f64,
    },
    /// Cut to at most `max_s` seconds.
    Trim {
        /// Longest accepted length.
        max_s: f64,
    },
    /// Convert to one of the accepted formats.
    Transcode {
        /// Accepted formats, preferred first.
        to: Vec<String>,
    },
    /// Re-encode to fit: a size cap, a frame-rate range or a pixel range.
    Reencode(Reencode),
    /// Apply the EXIF orientation / rotation to the pixels.
    Rotate,
}

impl Fix {
    /// The JSON pointer a request-text edit applies to (`None` for media fixes).
    pub fn pointer(&self) -> Option<&str> {
        match self {
            Fix::Set { pointer, .. } | Fix::Rename { pointer, .. } | Fix::Remove { pointer } => {
                Some(pointer)
            }
            _ => None,
        }
    }
}

/// The targets of a re-encode (the members that apply).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Reencode {
    /// Largest accepted file size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_bytes: Option<u64>,
    /// Smallest accepted frame rate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_fps: Option<f64>,
    /// Largest accepted frame rate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_fps: Option<f64>,
    /// Fewest pixels per frame.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_pixels: Option<u64>,
    /// Most pixels per frame.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_pixels: Option<u64>,
}

/// One thing found wrong (or worth knowing) about a request.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The stable rule code.
    pub code: Code,
    /// The severity after overrides.
    pub severity: Severity,
    /// What was measured and what the limit is.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// JSON pointer of the value concerned (`/image_urls/1`), if any.
    pub pointer: Option<String>,
    /// Byte offset of that value in the request text, if known.
    pub offset: Option<usize>,
    /// 1-based line and column in the source file, if known.
    pub line_col: Option<(usize, usize)>,
    /// Index into the request's assets, when the finding is about one asset.
    pub asset: Option<usize>,
    /// Which of the code's declared severity cases fired (`"fraction"` for
    /// REQ005 on `5.0`); the default severity is looked up by code, case and
    /// dialect in one place (`rules::default_severity`).
    pub case: Option<&'static str>,
    /// Byte offset just past the value concerned (with `offset`, its span).
    pub end: Option<usize>,
    /// 1-based line and column of `end`, if known.
    pub end_line_col: Option<(usize, usize)>,
    /// What was measured, as data.
    pub measured: Option<Measured>,
    /// The limit broken, as data.
    pub limit: Option<Limit>,
    /// A machine-readable remedy, where one exists.
    pub fix: Option<Fix>,
}

impl Finding {
    /// A finding with the code's default severity and no location.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Finding {
            code,
            severity: code.default_severity(),
            message: message.into(),
            help: None,
            pointer: None,
            offset: None,
            line_col: None,
            asset: None,
            case: None,
            end: None,
            end_line_col: None,
            measured: None,
            limit: None,
            fix: None,
        }
    }

    /// Records what was measured.
    pub fn measured(mut self, value: impl Into<Amount>, unit: Unit) -> Self {
        self.measured = Some(Measured {
            value: value.into(),
            unit,
        });
        self
    }

    /// Records the limit broken.
    pub fn limit(mut self, limit: Limit) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Records a machine-readable remedy.
    pub fn fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// Names the declared severity case that fired.
    pub fn case(mut self, case: &'static str) -> Self {
        self.case = Some(case);
        self
    }

    /// Sets the end of the value's span (byte offset past its last byte).
    pub fn until(mut self, end: usize) -> Self {
        self.end = Some(end);
        self
    }

    /// Sets the fix.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the location: JSON pointer and byte offset.
    pub fn at(mut self, pointer: impl Into<String>, offset: usize) -> Self {
        self.pointer = Some(pointer.into());
        self.offset = Some(offset);
        self
    }

    /// Sets the location to a parsed JSON value: pointer, offset and end.
    pub fn at_node(self, pointer: impl Into<String>, node: &crate::json::Node) -> Self {
        self.at(pointer, node.offset).until(node.end)
    }

    /// Overrides the default severity (for rules whose severity depends on the case).
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Marks the finding as being about one asset.
    pub fn asset(mut self, index: usize) -> Self {
        self.asset = Some(index);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The list of codes is a contract: this snapshot changes only by appending.
    #[test]
    fn code_list_snapshot() {
        let list: Vec<String> = Code::ALL
            .iter()
            .map(|c| format!("{} {} {}", c, c.name(), c.default_severity()))
            .collect();
        let expected = include_str!("../tests/snapshots/codes.txt");
        assert_eq!(
            list.join("\n"),
            expected.trim_end(),
            "rule codes changed: append only"
        );
    }

    #[test]
    fn names_are_unique_kebab() {
        let mut names: Vec<_> = Code::ALL.iter().map(|c| c.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Code::ALL.len());
        assert!(names.iter().all(|n| n
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit())));
        assert_eq!(Code::parse("req006"), Some(Code::REQ006));
        assert_eq!(Code::parse("tag-syntax"), Some(Code::REQ016));
    }
}
