//! The pipeline: a small module that only chains the stages.
//!
//! ```text
//!  documents ──parse──▶ Parsed ──resolve──▶ Resolved ──probe──▶ MediaFacts per AssetId
//!   (input)   (1)      (Request |          (AssetTarget      (3, parallel, once
//!                       DocumentProblem)     + AssetId) (2)     per distinct asset)
//!                                  │
//!                                  ├──callback DNS (4)──▶ why a callback host is private
//!                                  ▼
//!                        rules (5: the registry's units) ──▶ findings
//!                                  ▼
//!                        severity + verdict (6) ──▶ RequestReport ──▶ Report ──▶ renderers (7)
//! ```
//!
//! Each stage has a named input and output type and lives in its own file;
//! nothing here does work of its own.

mod callbacks;
mod judge;
mod parse;
mod probe;
mod resolve;

pub use probe::probe_targets;
pub use resolve::{AssetTarget, ResolvedAsset};

use std::sync::Arc;

use crate::report::{Report, RequestReport, Source};
use crate::{input, options::Stage, Options};

/// Checks one request body. `source` names it in the report (a path, `-`, or
/// `file.jsonl:12`) and is the folder relative media paths are read from.
pub fn check_bytes(source: &str, bytes: &[u8], opts: &Options) -> RequestReport {
    check_source(Source::file(source), bytes, opts)
}

/// Checks one request body read from `source` (whose `line` shifts reported
/// lines for a request that is one line of a JSONL file).
pub fn check_source(source: Source, bytes: &[u8], opts: &Options) -> RequestReport {
    let doc = input::Document {
        source,
        body: input::Body::Bytes(bytes.to_vec()),
    };
    let mut report = check_documents(std::slice::from_ref(&doc), opts);
    report.requests.remove(0)
}

/// Checks one document produced by [`input::expand`].
pub fn check_document(doc: &input::Document, opts: &Options) -> RequestReport {
    check_documents(std::slice::from_ref(doc), opts)
        .requests
        .remove(0)
}

/// Checks every document: requests are parsed in parallel, the distinct
/// assets of all of them (files and URLs) are probed once each in parallel,
/// then each request is judged. Output order is input order.
pub fn check_documents(docs: &[input::Document], opts: &Options) -> Report {
    use rayon::prelude::*;
    let parsed: Vec<parse::Parsed> = docs
        .par_iter()
        .map(|d| parse::parse_document(d, opts))
        .collect();
    let resolve::Resolved {
        targets,
        per_request,
    } = resolve::resolve(&parsed, opts);
    // Shared, not copied, into each report that names an asset: 30,000
    // entries of 100 assets hold 100 facts.
    let facts: Vec<Arc<crate::probe::MediaFacts>> = probe::probe_all(&targets, opts)
        .into_iter()
        .map(Arc::new)
        .collect();
    let dns = callbacks::resolve_callbacks(&parsed, opts);
    let targets: Vec<Arc<AssetTarget>> = targets.into_iter().map(Arc::new).collect();

    let (judged, total) = (std::sync::atomic::AtomicUsize::new(0), parsed.len());
    let requests = parsed
        .into_par_iter()
        .zip(per_request)
        .map(|(p, ids)| {
            if let Some(pr) = &opts.progress {
                pr.tick(Stage::Judging, &judged, total);
            }
            let asset_facts = ids.iter().map(|k| k.map(|i| facts[i.0].clone())).collect();
            let why = callbacks::callback_host(&p, opts)
                .and_then(|h| dns.get(&h))
                .and_then(|v| v.as_deref());
            let resolved = ids
                .iter()
                .map(|k| {
                    k.map(|id| ResolvedAsset {
                        id,
                        target: targets[id.0].clone(),
                    })
                })
                .collect();
            judge::judge(p, asset_facts, resolved, why, opts)
        })
        .collect();
    Report {
        requests,
        assets_probed: facts.len(),
        loosened: Vec::new(),
    }
}

/// Runs stages 1–4 and hands each parsed request's rule context to `f`
/// (tests run rule units alone through it).
#[cfg(test)]
pub(crate) fn for_each_ctx(
    docs: &[input::Document],
    opts: &Options,
    mut f: impl FnMut(&crate::rules::Ctx),
) {
    let parsed: Vec<parse::Parsed> = docs
        .iter()
        .map(|d| parse::parse_document(d, opts))
        .collect();
    let resolved = resolve::resolve(&parsed, opts);
    let facts = probe::probe_all(&resolved.targets, opts);
    for (p, ids) in parsed.iter().zip(&resolved.per_request) {
        let Some(req) = &p.req else { continue };
        let spec = opts.spec().dialect(req.dialect);
        let asset_facts: Vec<Option<&crate::probe::MediaFacts>> =
            ids.iter().map(|k| k.map(|i| &facts[i.0])).collect();
        let kinds = crate::rules::media_kinds(req, &asset_facts);
        let ctx = crate::rules::Ctx {
            req,
            all: opts.spec(),
            spec,
            model: spec.request_model(req.model()),
            opts: &opts.rules,
            callback_dns: None,
            facts: &asset_facts,
            kinds: &kinds,
            accepts: &[],
        };
        let accepts = ctx.envelopes();
        f(&crate::rules::Ctx {
            accepts: &accepts,
            ..ctx
        });
    }
}
