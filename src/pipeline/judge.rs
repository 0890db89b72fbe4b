//! Stage 5 — rules, then stage 6 — severity and the verdict: the rule units
//! judge one request with its probed facts; the report resolves severities
//! in one place and decides the gate.

use super::parse::Parsed;
use super::resolve::ResolvedAsset;
use std::sync::Arc;

use crate::probe::MediaFacts;
use crate::report::RequestReport;
use crate::{rules, Options};

pub(crate) fn judge(
    p: Parsed,
    facts: Vec<Option<Arc<MediaFacts>>>,
    resolved: Vec<Option<ResolvedAsset>>,
    callback_dns: Option<&str>,
    opts: &Options,
) -> RequestReport {
    let Parsed {
        mut report,
        req,
        text,
    } = p;
    let Some(req) = req else {
        return report.finish(&opts.verdict());
    };
    let view: Vec<Option<&MediaFacts>> = facts.iter().map(Option::as_deref).collect();
    let dialect_spec = opts.spec().dialect(req.dialect);
    let model = dialect_spec.request_model(req.model());
    let kinds = rules::media_kinds(&req, &view);
    let ctx = rules::Ctx {
        req: &req,
        all: opts.spec(),
        spec: dialect_spec,
        model,
        opts: &opts.rules,
        callback_dns,
        facts: &view,
        kinds: &kinds,
        accepts: &[],
    };
    // Each asset's envelope first: the media rules judge by it.
    let accepts = ctx.envelopes();
    let ctx = rules::Ctx {
        accepts: &accepts,
        ..ctx
    };
    let (mut findings, predicted) = rules::check_request(&ctx);
    // Stage 6a: each finding's default severity, by code, case and dialect,
    // from the declared table (overrides follow in `finish`).
    for f in &mut findings {
        f.severity = rules::default_severity(f.code, f.case, Some(dialect_spec));
    }
    report.dialect = Some(req.dialect);
    report.model = req.model().map(str::to_string);
    report.predicted = predicted;
    let located = findings.into_iter().map(|f| {
        let offset = f.offset;
        (f, offset)
    });
    report.push_all_located(located.collect(), text);
    report.facts = facts;
    report.assets = req.assets;
    report.resolved = resolved;
    report.accepts = accepts;
    report.finish(&opts.verdict())
}
