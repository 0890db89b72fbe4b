//! The `media-counts` unit (REQ012, REQ013): media of a kind or role the
//! model does not take, or more (or fewer) than it takes.

use super::counts::plural;
use super::items::{items, Item};
use super::{did_you_mean, Ctx};
use crate::finding::{Code, Finding, Limit, Unit};
use crate::spec::{Mode, ModelSpec};

pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    role_counts(ctx, out);
    let Some(model) = ctx.model else { return };
    for (field, &kind) in &ctx.spec.media_fields {
        let Some(f) = ctx.req.field(field) else {
            continue;
        };
        let Some(n) = ctx.media_len(field) else {
            continue;
        };
        match model.media_range(field) {
            None => {
                let alternative = did_you_mean(
                    &model.id,
                    ctx.spec
                        .models
                        .iter()
                        .filter(|m| m.media_range(field).is_some())
                        .map(|m| m.id.as_str()),
                )
                .or_else(|| {
                    ctx.spec
                        .models
                        .iter()
                        .find(|m| m.media_range(field).is_some())
                        .map(|m| m.id.as_str())
                });
                let mut help = format!("remove `{field}`");
                if let Some(alt) = alternative {
                    help.push_str(&format!(
                        ", or use `{alt}`, which takes {} input",
                        kind.as_str()
                    ));
                }
                let finding = if n == 0 {
                    Finding::new(
                        Code::REQ012,
                        format!(
                            "`{}` takes no {} input; `{field}` is present (empty)",
                            model.id,
                            kind.as_str()
                        ),
                    )
                    .case("empty")
                } else {
                    Finding::new(
                        Code::REQ012,
                        format!(
                            "`{}` takes no {} input, but `{field}` holds {}",
                            model.id,
                            kind.as_str(),
                            plural(n, "item")
                        ),
                    )
                };
                out.push(finding.at(&f.pointer, f.node.offset).help(help));
            }
            Some(range) if n < range.min || n > range.max => {
                let what = if n > range.max { "too many" } else { "too few" };
                let role = match model.mode {
                    Mode::FirstLastFrame => " (the first frame, and optionally the last frame)",
                    _ => "",
                };
                out.push(
                    Finding::new(
                        Code::REQ013,
                        format!(
                            "`{field}` holds {}: {what}; `{}` takes {} to {}{role}",
                            plural(n, "item"),
                            model.id,
                            range.min,
                            range.max
                        ),
                    )
                    .at(&f.pointer, f.node.offset)
                    .help(if n > range.max {
                        format!("keep at most {} entries in `{field}`", range.max)
                    } else {
                        format!(
                            "give `{field}` at least {}",
                            plural(range.min, "entry").replace("entrys", "entries")
                        )
                    }),
                );
            }
            Some(_) => {}
        }
    }
}

/// REQ012 and REQ013 per role: a role the model does not take, more of a
/// role than it takes, more than one text item, and the references in all.
fn role_counts(ctx: &Ctx, out: &mut Vec<Finding>) {
    let (Some(model), Some((spec, items))) = (ctx.model, items(ctx)) else {
        return;
    };
    let texts: Vec<&Item> = items
        .iter()
        .filter(|i| i.ty.is_some() && i.ty == spec.text_type.as_deref())
        .collect();
    if let (Some(second), Some(tt)) = (texts.get(1), &spec.text_type) {
        out.push(
            Finding::new(
                Code::REQ013,
                format!(
                    "`{}` holds {} `{tt}` items; the prompt is one `{tt}` item",
                    spec.array,
                    texts.len()
                ),
            )
            .at_node(&second.pointer, second.node)
            .measured(texts.len() as u64, Unit::Count)
            .limit(Limit::max(1u64, Unit::Count))
            .help(format!("join the texts into one `{tt}` item")),
        );
    }
    per_role(ctx, model, out);
    let references: Vec<_> = ctx
        .req
        .assets
        .iter()
        .filter(|a| {
            a.role.as_deref().is_some_and(|r| {
                spec.modes
                    .iter()
                    .any(|m| m.mode == Mode::Reference && m.roles.iter().any(|x| x == r))
            })
        })
        .collect();
    let n = references.len();
    let over = |limit: Option<usize>| limit.filter(|l| n > *l);
    let (limit, case) = match (over(spec.references_max), over(spec.references_warn)) {
        (Some(max), _) => (max, None),
        (None, Some(warn)) => (warn, Some("references")),
        (None, None) => return,
    };
    let at = references[limit];
    let mut f = Finding::new(
        Code::REQ013,
        format!(
            "the request holds {n} references in all; {}",
            match case {
                None => format!("the service takes at most {limit}"),
                Some(_) => format!(
                    "several sources give {limit} as the most the service takes (others {})",
                    spec.references_max.map_or("more".into(), |m| m.to_string())
                ),
            }
        ),
    )
    .at(&at.pointer, at.offset)
    .asset(at.position)
    .measured(n as u64, Unit::Count)
    .limit(Limit::max(limit as u64, Unit::Count))
    .help(format!("keep at most {limit} reference items"));
    if let Some(c) = case {
        f = f.case(c);
    }
    out.push(f);
}

/// REQ012 and REQ013 for each role written: a role the model does not
/// take, and more of a role than it takes.
fn per_role(ctx: &Ctx, model: &ModelSpec, out: &mut Vec<Finding>) {
    let mut roles: Vec<&str> = ctx
        .req
        .assets
        .iter()
        .filter_map(|a| a.role.as_deref())
        .collect();
    roles.sort_unstable();
    roles.dedup();
    for role in roles {
        let of_role: Vec<_> = ctx
            .req
            .assets
            .iter()
            .filter(|a| a.role.as_deref() == Some(role))
            .collect();
        let n = of_role.len();
        let first = of_role[0];
        match model.media_range(role) {
            None => out.push(
                Finding::new(
                    Code::REQ012,
                    format!(
                        "`{}` takes no `{role}` input, but the request holds {n}",
                        model.id
                    ),
                )
                .at(&first.pointer, first.offset)
                .asset(first.position)
                .help(format!(
                    "remove the `{role}` item{}",
                    if n == 1 { "" } else { "s" }
                )),
            ),
            Some(r) if n > r.max => {
                let extra = of_role[r.max];
                out.push(
                    Finding::new(
                        Code::REQ013,
                        format!(
                            "the request holds {n} `{role}` items; `{}` takes at most {}",
                            model.id, r.max
                        ),
                    )
                    .at(&extra.pointer, extra.offset)
                    .asset(extra.position)
                    .measured(n as u64, Unit::Count)
                    .limit(Limit::max(r.max as u64, Unit::Count))
                    .help(format!(
                        "keep at most {} `{role}` item{}",
                        r.max,
                        if r.max == 1 { "" } else { "s" }
                    )),
                );
            }
            Some(_) => {}
        }
    }
}
