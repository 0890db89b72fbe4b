//! The parts of a dialect file that describe requests rather than limits:
//! typed media items with roles and modes, notes on fields of other model
//! generations, and model ids accepted by prefix.

use serde::Deserialize;
use std::collections::BTreeMap;

use super::{MediaKind, Mode};

/// A field of another model generation.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct FieldNote {
    /// What kind of field it is: its REQ004 case, whose default severity
    /// the rule catalogue declares (and the dialect's `[severity]` may change).
    pub kind: NoteKind,
    /// What it is, for the message ("a Seedance 1.5 feature").
    pub says: String,
    /// The name to use instead, when there is one.
    #[serde(default)]
    pub instead: Option<String>,
}

/// The kinds of field notes, each a REQ004 case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoteKind {
    /// A field of another model generation the model refuses (an error).
    OtherGeneration,
    /// A field of an older generation, undocumented here (a warning).
    Undocumented,
}

impl NoteKind {
    /// The REQ004 case it is reported as.
    pub fn case(self) -> &'static str {
        match self {
            NoteKind::OtherGeneration => "other-generation",
            NoteKind::Undocumented => "undocumented",
        }
    }
}

/// Model ids accepted by prefix.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ModelPattern {
    /// The prefix (`ep-`).
    pub prefix: String,
    /// The model whose limits apply.
    pub like: String,
    /// Why, for the info finding.
    pub says: String,
}

/// Media as typed items of one array: `{"type": "image_url", "image_url":
/// {"url": …}, "role": "first_frame"}`.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ItemsSpec {
    /// The array (`content`), or a path of members to it
    /// (`metadata.content`: gateways that pass the provider's items below
    /// their own fields).
    pub array: String,
    /// The array may be left out (the request then carries no media this
    /// way); otherwise it is required (REQ003).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
    /// The member naming an item's type (`type`).
    pub type_key: String,
    /// The member naming an item's role (`role`).
    pub role_key: String,
    /// The item type that carries the prompt (`text`), and at most one of it.
    #[serde(default)]
    pub text_type: Option<String>,
    /// The media item types.
    pub types: BTreeMap<String, ItemType>,
    /// The modes: each a set of roles; roles of two modes may not mix.
    pub modes: Vec<ItemMode>,
    /// Roles that need another role beside them (`last_frame` → `first_frame`).
    #[serde(default)]
    pub requires: BTreeMap<String, String>,
    /// Item types of other model generations (`draft_task`): REQ004 at the
    /// note's case.
    #[serde(default)]
    pub notes: BTreeMap<String, FieldNote>,
    /// References in all above which a warning is given.
    #[serde(default)]
    pub references_warn: Option<usize>,
    /// References in all above which the request is refused.
    #[serde(default)]
    pub references_max: Option<usize>,
}

/// One media item type.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ItemType {
    /// The kind of media.
    pub kind: MediaKind,
    /// Path to the URL inside the item (`image_url.url`).
    pub url: String,
    /// The roles this type may carry.
    pub roles: Vec<String>,
    /// The role of an item written without one.
    pub default_role: String,
    /// Whether several items of this type must each carry a role (a single
    /// one takes the default).
    #[serde(default)]
    pub role_required_when_several: bool,
}

/// A mode of an items dialect.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ItemMode {
    /// Its name, for messages.
    pub name: String,
    /// The roles that make it.
    pub roles: Vec<String>,
    /// Which neutral mode it is.
    pub mode: Mode,
}
