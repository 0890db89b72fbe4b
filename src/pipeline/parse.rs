//! Stage 1 — parse: a document's bytes become a [`Request`] (dialect detected,
//! members and media entries located), or a typed
//! [`DocumentProblem`](crate::rules::DocumentProblem) that the `document` rule
//! reports.

use crate::report::RequestReport;
use crate::request::Request;
use crate::spec::Dialect;
use crate::{input, json, rules, Options};

/// One document parsed, before its media are judged.
pub(crate) struct Parsed<'a> {
    pub(crate) report: RequestReport,
    pub(crate) req: Option<Request>,
    pub(crate) text: &'a [u8],
}

pub(crate) fn parse_document<'a>(doc: &'a input::Document, opts: &Options) -> Parsed<'a> {
    let mut report = RequestReport::new(doc.source.clone());
    let (bytes, problem) = match &doc.body {
        input::Body::Bytes(b) => (b.as_slice(), None),
        input::Body::TooLarge(size) | input::Body::AtLeast(size) => (
            &[][..],
            Some(rules::DocumentProblem::TooLarge {
                size: *size,
                at_least: matches!(doc.body, input::Body::AtLeast(_)),
                limit: opts
                    .spec()
                    .dialect(opts.dialect.unwrap_or(Dialect::UNIFIED))
                    .body_max_bytes,
                read_limit: input::MAX_DOCUMENT_BYTES,
            }),
        ),
    };
    let req = match problem {
        Some(p) => Err(p),
        None => json::parse(bytes)
            .map_err(|e| rules::DocumentProblem::NotJson {
                message: e.message,
                offset: e.offset,
            })
            .and_then(|root| {
                Request::from_json(
                    root,
                    bytes.len() as u64,
                    opts.dialect,
                    opts.default_dialect,
                    opts.spec(),
                )
                .map_err(|message| rules::DocumentProblem::NotAnObject { message })
            }),
    };
    match req {
        Ok(req) => Parsed {
            report,
            req: Some(req),
            text: bytes,
        },
        Err(problem) => {
            let (finding, offset) = rules::document_problem(&problem);
            match offset {
                Some(_) => report.push_located(finding, offset, bytes),
                None => report.findings.push(finding),
            }
            Parsed {
                report,
                req: None,
                text: bytes,
            }
        }
    }
}
