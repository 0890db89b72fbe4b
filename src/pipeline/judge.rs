//! Stage 5 — rules, then stage 6 — severity and the verdict: the rule units
//! judge one request with its probed facts; the report resolves severities
//! in one place and decides the gate.

use super::parse::Parsed;
use super::resolve::ResolvedAsset;
use crate::report::RequestReport;
use crate::{rules, Options};

pub(crate) fn judge(
    p: Parsed,
    facts: &rules::AssetFacts,
    resolved: Vec<Option<ResolvedAsset>>,
    callback_dns: Option<&str>,
    opts: &Options,
) -> RequestReport {
    let Parsed {
        mut report,
        req,
        text,
        lines,
    } = p;
    let Some(req) = req else {
        return report.finish(&opts.verdict());
    };
    let dialect_spec = opts.spec().dialect(req.dialect);
    let model = dialect_spec.request_model(req.model());
    let ctx = rules::Ctx {
        req: &req,
        all: opts.spec(),
        spec: dialect_spec,
        model,
        opts: &opts.rules,
        callback_dns,
        facts,
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
    report.push_all_located(located.collect(), text, &lines);
    report.facts = facts.iter().map(|f| f.cloned()).collect();
    report.assets = req.assets;
    report.resolved = resolved;
    report.finish(&opts.verdict())
}
