//! The media arrays and typed items as written: the `media-counts` unit
//! (REQ012, REQ013: which kinds and roles the model accepts, and how many)
//! and the `audio-without-visual` unit (REQ014).

use super::items::{items, Item};
use super::{did_you_mean, Ctx};
use crate::finding::{Code, Finding, Limit, Unit};
use crate::spec::{MediaKind, Mode};

/// Media counted per kind: `(known, unknown)` — in the open dialect an entry
/// whose extension does not say its kind may be any kind.
#[derive(Debug, Default)]
pub(super) struct KindCounts {
    image: usize,
    video: usize,
    audio: usize,
    unknown: usize,
}

impl KindCounts {
    pub(super) fn get(&self, kind: MediaKind) -> (usize, usize) {
        let known = match kind {
            MediaKind::Image => self.image,
            MediaKind::Video => self.video,
            MediaKind::Audio => self.audio,
            MediaKind::Any => 0,
        };
        (known, self.unknown)
    }
}

/// Counts the request's media per kind. In a mixed array (the open dialect's
/// `mediaUrls`) an entry's kind is what its bytes are when it was probed, else
/// what its file extension says, else unknown.
pub(super) fn kind_counts(ctx: &Ctx) -> KindCounts {
    let mut c = KindCounts::default();
    for i in 0..ctx.req.assets.len() {
        let kind = ctx.kind(i);
        match kind {
            Some(MediaKind::Image) => c.image += 1,
            Some(MediaKind::Video) => c.video += 1,
            Some(MediaKind::Audio) => c.audio += 1,
            Some(MediaKind::Any) | None => c.unknown += 1,
        }
    }
    c
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

pub(super) fn accepted_and_counts(ctx: &Ctx, out: &mut Vec<Finding>) {
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

pub(super) fn audio_without_visual(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(model) = ctx.model else { return };
    let c = kind_counts(ctx);
    let (case, why) = match ctx.mode().unwrap_or(model.mode) {
        Mode::Reference => (
            "reference",
            "the service needs at least one reference image or video beside audio",
        ),
        // The open dialect documents no such rule; the model family behind it has it.
        Mode::Mixed if c.unknown == 0 => (
            "mixed",
            "the model family needs an image or video beside audio (judged by content, or by file extension where not read)",
        ),
        _ => return,
    };
    if c.audio > 0 && c.image == 0 && c.video == 0 {
        let first_audio = (0..ctx.req.assets.len())
            .find(|&i| ctx.kind(i) == Some(MediaKind::Audio))
            .map(|i| &ctx.req.assets[i]);
        let mut f = Finding::new(
            Code::REQ014,
            format!(
                "the request carries {} but no image and no video: {why}",
                plural(c.audio, "audio clip")
            ),
        )
        .case(case)
        .help("add a reference image or video, or remove the audio");
        if let Some(a) = first_audio {
            f = f.at(&a.pointer, a.offset);
        }
        out.push(f);
    }
}

/// REQ012 and REQ013 per role: a role the model does not take, more of a
/// role than it takes, more than one text item, and the references in all.
#[expect(clippy::too_many_lines, reason = "predates the lint")]
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
