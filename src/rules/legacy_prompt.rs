//! The `legacy-prompt` unit (REQ022): Seedance 1.x parameter flags in the
//! prompt (`--ratio 16:9`) that 2.0 does not read.

use super::prompt::prompt;
use super::Ctx;
use crate::finding::{Code, Finding};

/// REQ022: parameter flags of older model generations written into the
/// prompt (`--ratio 16:9`), in a dialect whose file lists them.
pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let flags = &ctx.spec.legacy_prompt_flags;
    let Some((text, field)) = prompt(ctx).filter(|_| !flags.is_empty()) else {
        return;
    };
    // Seedance 1.x does read them (REQ002 names the model as 1.x).
    let model = ctx.req.field("model").and_then(|m| m.node.value.as_str());
    if ctx.model.is_none() && model.is_some_and(super::model::is_seedance_1x) {
        return;
    }
    let mut found: Vec<&str> = Vec::new();
    for (i, word) in text.split_whitespace().enumerate() {
        let name = word.split('=').next().unwrap_or(word);
        if let Some(f) = flags.iter().find(|f| f.eq_ignore_ascii_case(name)) {
            if !found.contains(&f.as_str()) && found.len() < 16 {
                found.push(f);
            }
        }
        if i > 100_000 {
            break;
        }
    }
    if found.is_empty() {
        return;
    }
    let listed = found.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>();
    out.push(
        Finding::new(
            Code::REQ022,
            format!(
                "the prompt carries {} {}; Seedance 2.0 does not read parameters from the prompt, so they stay in the text and have no effect",
                if found.len() == 1 { "the flag" } else { "the flags" },
                crate::spec::join_or(&listed).replacen(" or ", " and ", 1)
            ),
        )
        .at(&field.pointer, field.node.offset)
        .until(field.node.end)
        .measured(found.join(" "), crate::finding::Unit::Value)
        .help("remove the flags from the text and set the request's fields instead (`ratio`, `duration`, `resolution`, `seed`, `watermark`)"),
    );
}
