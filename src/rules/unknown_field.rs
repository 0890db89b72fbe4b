//! The `unknown-field` unit (REQ004): a member the dialect does not define
//! (with the name it most likely means), and a typed item of a type it does
//! not define.

use super::fields::winning_fields;
use super::items::{items, type_names};
use super::{did_you_mean, Ctx};
use crate::finding::{Code, Finding, Fix, Limit, Unit};
use crate::spec::join_or;

pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for f in winning_fields(ctx) {
        if ctx.spec.fields.contains_key(&f.name) {
            continue;
        }
        if let Some(note) = ctx.spec.notes.get(&f.name) {
            let mut finding = Finding::new(Code::REQ004, format!("`{}` is {}", f.name, note.says))
                .case(note.kind.case())
                .at(&f.pointer, f.key_offset)
                .until(f.key_end);
            finding = match &note.instead {
                Some(to) => finding.help(format!("use `{to}` instead")),
                None => finding.help("remove it").fix(Fix::Remove {
                    pointer: f.pointer.clone(),
                }),
            };
            out.push(finding);
            continue;
        }
        let mut finding = Finding::new(
            Code::REQ004,
            format!(
                "`{}` is not a field of the {} dialect; the service ignores or rejects it",
                f.name, ctx.req.dialect
            ),
        )
        .at(&f.pointer, f.key_offset)
        .until(f.key_end);
        finding = match suggestion(ctx, &f.name) {
            // A single defined name the member can be renamed to (not a
            // choice between several arrays).
            Some(s) if ctx.spec.items.as_ref().is_some_and(|i| i.array == s) => {
                let types: Vec<&String> = ctx
                    .spec
                    .items
                    .iter()
                    .flat_map(|i| i.text_type.iter().chain(i.types.keys()))
                    .collect();
                finding.help(format!(
                    "the {} dialect carries the prompt and the media as typed items of `{s}` ({}): move it there",
                    ctx.req.dialect,
                    types.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ")
                ))
            }
            Some(s) if ctx.spec.fields.contains_key(&s) && ctx.req.field(&s).is_none() => finding
                .help(format!("did you mean `{s}`?"))
                .fix(Fix::Rename {
                    pointer: f.pointer.clone(),
                    to: s,
                }),
            Some(s) => finding.help(format!("did you mean `{s}`?")),
            None => finding.help(format!(
                "remove it; the {} dialect defines {}",
                ctx.req.dialect,
                join_or(
                    &ctx.spec
                        .fields
                        .keys()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                )
            )),
        };
        out.push(finding);
    }
    unknown_types(ctx, out);
}

fn suggestion(ctx: &Ctx, name: &str) -> Option<String> {
    let defined = &ctx.spec.fields;
    let known = |s: &str| {
        s.split('`')
            .next()
            .is_some_and(|first| defined.contains_key(first))
    };
    if let Some(to) = ctx.spec.aliases.get(name) {
        return Some(to.clone());
    }
    if let Some((_, to)) = ALIASES.iter().find(|(from, to)| *from == name && known(to)) {
        return Some((*to).to_string());
    }
    let f = folded(name);
    let plural = format!("{f}s");
    if let Some(hit) = defined
        .keys()
        .find(|k| folded(k) == f || folded(k) == plural)
    {
        return Some(hit.clone());
    }
    did_you_mean(name, defined.keys().map(String::as_str)).map(str::to_string)
}

/// Lower case without `_` and `-`, so `imageUrls`, `image-urls` and `image_urls` meet.
fn folded(s: &str) -> String {
    s.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// REQ004: an item type the dialect does not define (or one of another
/// model generation, at the note's case).
fn unknown_types(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some((spec, items)) = items(ctx) else {
        return;
    };
    for it in &items {
        let Some(ty) = it.ty else { continue };
        if Some(ty) == spec.text_type.as_deref() || spec.types.contains_key(ty) {
            continue;
        }
        let Some(m) = it.member(&spec.type_key) else {
            continue;
        };
        let pointer = format!("{}/{}", it.pointer, spec.type_key);
        let mut f = match spec.notes.get(ty) {
            Some(note) => Finding::new(Code::REQ004, format!("item type `{ty}` is {}", note.says))
                .case(note.kind.case())
                .help(format!(
                    "remove the item; {} takes {}",
                    ctx.req.dialect,
                    join_or(&type_names(spec))
                )),
            None => {
                let names = spec.text_type.iter().chain(spec.types.keys());
                let f = Finding::new(
                    Code::REQ004,
                    format!(
                        "item type `{ty}` is not one of {}; the service refuses the request",
                        join_or(&type_names(spec))
                    ),
                )
                .case("item-type");
                match did_you_mean(ty, names.map(String::as_str)) {
                    Some(near) => f.help(format!("did you mean `{near}`?")),
                    None => f.help("remove the item, or give it one of the types above"),
                }
            }
        };
        f = f
            .at_node(&pointer, &m.node)
            .measured(ty, Unit::Value)
            .limit(Limit::one_of(
                spec.text_type.iter().chain(spec.types.keys()).cloned(),
                Unit::Value,
            ));
        out.push(f);
    }
}

/// Names the other dialect uses for the same thing, and common slips.
const ALIASES: &[(&str, &str)] = &[
    ("aspectRatio", "aspect_ratio"),
    ("webhookUrl", "callback_url"),
    ("callbackUrl", "callback_url"),
    ("webhook_url", "callback_url"),
    ("resolution", "quality"),
    ("mediaUrls", "image_urls`, `video_urls` or `audio_urls"),
    ("media_urls", "image_urls`, `video_urls` or `audio_urls"),
    ("aspect_ratio", "aspectRatio"),
    ("callback_url", "webhookUrl"),
    ("quality", "resolution"),
    ("image_urls", "mediaUrls"),
    ("video_urls", "mediaUrls"),
    ("audio_urls", "mediaUrls"),
    ("images", "image_urls"),
    ("videos", "video_urls"),
    ("image", "image_urls"),
    ("video", "video_urls"),
    ("audio", "audio_urls"),
];
