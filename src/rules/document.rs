//! The `document` unit, the document as a whole: REQ001 (not JSON, or not
//! one JSON object) and
//! REQ018 (the body, or the body and its media, above the service's limit).
//! The parse stage reports what it found as a [`DocumentProblem`]; this unit
//! is the one place that turns it into a finding.

use super::Ctx;
use crate::finding::{Code, Finding, Limit, Unit};

/// Why a document did not become a request: the parse stage's typed output.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DocumentProblem {
    /// Larger than the tool reads: judged from its size alone.
    TooLarge {
        /// The size in bytes (or a lower bound).
        size: u64,
        /// Whether `size` is only a lower bound (a stream not read further).
        at_least: bool,
        /// The service's body limit.
        limit: u64,
        /// The tool's read limit.
        read_limit: u64,
    },
    /// Not valid JSON.
    NotJson {
        /// What the parser found.
        message: String,
        /// Where.
        offset: usize,
    },
    /// Valid JSON, but not one object.
    NotAnObject {
        /// What it is instead.
        message: String,
    },
}

/// The finding for a document that is not a request, and the byte offset it
/// points at (`None` for the whole document).
pub fn problem(p: &DocumentProblem) -> (Finding, Option<usize>) {
    match p {
        DocumentProblem::TooLarge {
            size,
            limit,
            read_limit,
            at_least,
        } => (
            Finding::new(
                Code::REQ018,
                if *at_least {
                    format!(
                        "the request body is more than {read_limit} bytes (not read further); the service accepts at most {limit}"
                    )
                } else {
                    format!(
                        "the request body is {size} bytes; the service accepts at most {limit} (not parsed: above the {read_limit} byte read limit)"
                    )
                },
            )
            .measured(*size, Unit::Bytes)
            .limit(Limit::max(*limit, Unit::Bytes))
            .help("pass media by URL instead of inline, and shorten long fields"),
            None,
        ),
        DocumentProblem::NotJson { message, offset } => (
            Finding::new(
                Code::REQ001,
                format!("the request is not valid JSON: {message}"),
            )
            .help("fix the JSON syntax (a JSON linter shows the exact spot)"),
            Some(*offset),
        ),
        DocumentProblem::NotAnObject { message } => (
            Finding::new(Code::REQ001, message.clone()).help("send one JSON object per request"),
            Some(0),
        ),
    }
}

/// REQ018 for a parsed request: the body alone, or the body and every
/// probed asset together, above the limit. Sizes may come from a server's
/// headers: every sum saturates.
pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let max = ctx.spec.body_max_bytes;
    let body = ctx.req.body_bytes;
    if body > max {
        out.push(
            Finding::new(
                Code::REQ018,
                format!(
                    "the JSON body alone is {body} bytes; the service accepts at most {max} bytes for the body and its media together"
                ),
            )
            .at("", 0)
            .measured(body, Unit::Bytes)
            .limit(Limit::max(max, Unit::Bytes))
            .help("pass media by URL instead of inline, and shorten long fields"),
        );
        return;
    }
    let media: u64 = ctx
        .facts
        .iter()
        .flatten()
        .filter_map(|f| f.size_bytes)
        .fold(0, u64::saturating_add);
    let total = body.saturating_add(media);
    if media > 0 && total > max {
        out.push(
            Finding::new(
                Code::REQ018,
                format!("the JSON body ({body} bytes) and its media ({media} bytes) come to {total} bytes; the limit is {max} bytes"),
            )
            .at("", 0)
            .measured(total, Unit::Bytes)
            .limit(Limit::max(max, Unit::Bytes))
            .help("use fewer or smaller media files"),
        );
    }
}
