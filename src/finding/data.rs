//! Findings as data: what was measured, the limit broken, and a
//! machine-readable fix. Serialised as the JSON wire format's `measured`,
//! `limit` and `fix` members (`docs/json-format.md`).

use serde::Serialize;

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
