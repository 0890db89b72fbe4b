//! The rules. They do no I/O: they read the parsed request, the limits table and
//! (later) the probe facts, and return findings.
//!
//! One file per family of request rules; each function checks one code.

mod assets;
mod callback;
pub mod docs;
mod fields;
mod media;
mod predict;
mod prompt;

pub use assets::AssetFacts;
pub use predict::Predicted;

use crate::finding::Finding;
use crate::request::Request;
use crate::spec::{DialectSpec, ModelSpec};

/// Choices that change what a rule may accept.
#[derive(Debug, Clone, Default)]
pub struct RuleOptions {
    /// Media entries may be local paths or `file://` URLs (they are checked as
    /// local files). When false a local path is SRC001: the service fetches URLs
    /// only.
    pub allow_local_paths: bool,
}

/// What every rule sees.
pub struct Ctx<'a> {
    /// The request.
    pub req: &'a Request,
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
}

impl Ctx<'_> {
    /// Items of a media array as the model will count them (every element, of
    /// any type), or `None` when the field is absent or not an array.
    pub fn media_len(&self, field: &str) -> Option<usize> {
        match &self.req.field(field)?.node.value {
            crate::json::Value::Array(items) => Some(items.len()),
            _ => None,
        }
    }
}

/// Runs every request-level rule and predicts the output.
///
/// `ctx.facts` holds the probe results of the request's assets; media rules
/// read them, request rules use them to tell the kind of a mixed-array entry.
pub fn check_request(ctx: &Ctx) -> (Vec<Finding>, Option<Predicted>) {
    let facts = ctx.facts;
    let mut out = Vec::new();
    fields::check(ctx, &mut out);
    prompt::check(ctx, &mut out);
    media::check(ctx, &mut out);
    callback::check(ctx, &mut out);
    assets::check(ctx, facts, &mut out);
    let predicted = predict::predict(ctx, facts, &mut out);
    (out, predicted)
}

/// The code a source that could not be opened is reported under: the one
/// place where [`OpenError`](crate::source::OpenError) meets the codes.
pub fn open_code(e: &crate::source::OpenError) -> crate::Code {
    use crate::source::OpenError as E;
    use crate::Code;
    match e {
        E::NotFound(_) | E::NotRegularFile(_) | E::Io(_) => Code::SRC008,
        E::NonPublicAddress(_) => Code::SRC002,
        E::HttpStatus(_) | E::NoLocation(_) => Code::SRC004,
        E::RedirectLoop { .. } | E::TooManyRedirects { .. } | E::BadRedirectScheme(_) => {
            Code::SRC005
        }
        E::ReservedName(_)
        | E::NoHost
        | E::Unreachable { .. }
        | E::BodyFailed(_)
        | E::RemoteDisabled
        | E::ClientSetup(_)
        | E::NotProbed(_) => Code::SRC003,
    }
}

/// The closest candidate to `word` by edit distance, when it is close enough to
/// be a plausible typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let w = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(&w, &c.to_ascii_lowercase()), c))
        .filter(|(d, c)| *d <= (c.len() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}
