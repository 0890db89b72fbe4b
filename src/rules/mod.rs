//! The rules. They do no I/O: they read the parsed request, the limits table
//! and the probe facts, and return findings.
//!
//! Public here: the [registry](RULES) (every code belongs to exactly one
//! rule unit; [`rule`] finds it), each code's documentation ([`docs`]) and
//! default severities. The units themselves are private; the registry's
//! tests run each one alone. One unit is one file, named after it
//! (`media-counts` is `media_counts.rs`, with `pub(super) fn check`), and
//! each code is named by its unit's file alone (tests in
//! `tests/it/layering.rs` hold both). Helpers: `fields` and `items` (the
//! members and typed items as read), `counts` (media per kind), `choices`,
//! `common` (what the media units share), `envelope` (what each asset's slot
//! accepts), `remedy`, `predict` (REQ090, a fact), `suggest`.

mod aspect_ratio;
mod audio;
mod audio_without_visual;
mod callback;
mod choices;
mod common;
mod counts;
pub mod docs;
mod document;
mod duplicate_asset;
mod duplicate_key;
mod duration;
pub(crate) mod envelope;
mod legacy_prompt;
mod media_counts;
mod model;
mod quality;
mod required;
pub use envelope::Accepts;
mod fields;
mod image;
mod items;
mod predict;
mod prompt;
mod registry;
mod remedy;
pub use remedy::{remedy, Remedy};
mod roles;
pub mod severity;
mod sources;
mod suggest;
mod types;
mod unknown_field;
mod video;

pub(crate) use common::{media_kinds, AssetFacts};
pub(crate) use document::{problem as document_problem, DocumentProblem};
pub use predict::Predicted;
pub use registry::{rule, Rule, FACTS, RULES};
pub(crate) use severity::default_severity;
pub use suggest::did_you_mean;

use crate::finding::Finding;
use crate::request::Request;
use crate::spec::{DialectSpec, MediaKind, ModelSpec};

/// Choices that change what a rule may accept.
#[derive(Debug, Clone, Default)]
pub struct RuleOptions {
    /// Media entries may be local paths or `file://` URLs (they are checked as
    /// local files). When false a local path is SRC001: the service fetches URLs
    /// only.
    pub allow_local_paths: bool,
}

/// What every rule sees.
pub(crate) struct Ctx<'a> {
    /// The request.
    pub req: &'a Request,
    /// Every loaded dialect (to say where a model or field belongs instead).
    pub all: &'a crate::spec::Spec,
    /// The limits of the request's dialect.
    pub spec: &'a DialectSpec,
    /// The model, when `model` names one of the dialect.
    pub model: Option<&'a ModelSpec>,
    /// Caller choices.
    pub opts: &'a RuleOptions,
    /// When the callback's host name was resolved and an answer is not
    /// public: why (REQ011). `None` when not resolved or public.
    pub callback_dns: Option<&'a str>,
    /// Probe facts per asset (same order as `req.assets`; empty or `None`
    /// where nothing was probed).
    pub facts: &'a AssetFacts<'a>,
    /// Each asset's media kind, computed once ([`media_kinds`]): its slot's,
    /// or in a mixed array what its bytes are, else what its name says.
    pub kinds: &'a [Option<MediaKind>],
    /// What each asset's slot accepts (same order as `req.assets`): computed
    /// once by [`Ctx::envelopes`], read by the media rules and by `fix`.
    pub accepts: &'a [Option<Accepts>],
}

impl<'a> Ctx<'a> {
    /// The envelope of every asset, computed from this context (whose
    /// `accepts` may be empty): store it and hand it back with
    /// `Ctx { accepts: &envelopes, ..ctx }`.
    pub(crate) fn envelopes(&self) -> Vec<Option<Accepts>> {
        envelope::all(self)
    }

    /// The envelope of asset `i`, when its kind is known.
    pub(crate) fn accepts(&self, i: usize) -> Option<&'a Accepts> {
        self.accepts.get(i).and_then(Option::as_ref)
    }

    /// The media kind of asset `i`, when known.
    pub(crate) fn kind(&self, i: usize) -> Option<MediaKind> {
        self.kinds.get(i).copied().flatten()
    }
}

impl Ctx<'_> {
    /// The mode the request is in: the model's, or for a model whose mode
    /// is decided by roles, the mode of the roles given (first/last frame
    /// when any frame role is given, else reference when any reference,
    /// else text).
    pub fn mode(&self) -> Option<crate::spec::Mode> {
        use crate::spec::Mode;
        let model = self.model?;
        if model.mode != Mode::ByRole {
            return Some(model.mode);
        }
        let modes = self
            .spec
            .items
            .as_ref()
            .map(|i| &i.modes[..])
            .unwrap_or(&[]);
        let of = |role: &str| {
            modes
                .iter()
                .find(|m| m.roles.iter().any(|r| r == role))
                .map(|m| m.mode)
        };
        let found: Vec<Mode> = self
            .req
            .assets
            .iter()
            .filter_map(|a| a.role.as_deref().and_then(of))
            .collect();
        Some(if found.contains(&Mode::FirstLastFrame) {
            Mode::FirstLastFrame
        } else if found.contains(&Mode::Reference) {
            Mode::Reference
        } else {
            Mode::Text
        })
    }

    /// Items of a media array as the model will count them (every element, of
    /// any type), or `None` when the field is absent or not an array.
    pub fn media_len(&self, field: &str) -> Option<usize> {
        match &self.req.field(field)?.node.value {
            crate::json::Value::Array(items) => Some(items.len()),
            // A single-URL media field (`image_url`): one entry.
            crate::json::Value::String(_)
                if self.spec.fields.get(field) == Some(&crate::spec::FieldType::String) =>
            {
                Some(1)
            }
            _ => None,
        }
    }
}

/// Runs every rule unit of the registry and predicts the output.
///
/// `ctx.facts` holds the probe results of the request's assets; media rules
/// read them, request rules use them to tell the kind of a mixed-array entry.
pub(crate) fn check_request(ctx: &Ctx) -> (Vec<Finding>, Option<Predicted>) {
    let mut out = Vec::new();
    for r in RULES {
        (r.check)(ctx, &mut out);
    }
    (out, predict::predict(ctx))
}
