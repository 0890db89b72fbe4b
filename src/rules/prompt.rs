//! The `prompt` unit: empty, too long, media named beyond what was sent, tag
//! syntax, first/last-frame wording or roles of two modes mixed with
//! reference media (REQ009, REQ010, REQ015, REQ016, REQ017).

use super::counts::{kind_counts, KindCounts};
use super::Ctx;
use crate::finding::{Code, Finding};
use crate::prompt::{analyse, PromptFacts};
use crate::spec::{MediaKind, Mode};

/// The prompt's text and member, when it is a string.
pub(super) fn prompt<'a>(ctx: &'a Ctx) -> Option<(&'a str, &'a crate::request::Field)> {
    let f = ctx.req.prompt.as_ref()?;
    f.node.value.as_str().map(|s| (s, f))
}

pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    mixed_roles(ctx, out);
    text_only_fields(ctx, out);
    let Some((text, field)) = prompt(ctx) else {
        return;
    };
    let at = |f: Finding| f.at(&field.pointer, field.node.offset);
    if text.trim().is_empty() {
        out.push(at(Finding::new(
            Code::REQ009,
            format!(
                "the prompt is empty{}",
                if text.is_empty() {
                    ""
                } else {
                    " (only whitespace)"
                }
            ),
        )
        .help("describe the video to generate")));
        return;
    }
    let facts = analyse(text);
    length(ctx, &facts, out, at);
    let counts = kind_counts(ctx);
    references(ctx, text, &facts, &counts, out, at);
    for tag in &facts.tags {
        let t = &text[tag.clone()];
        let plain = t.trim_start_matches('@').to_lowercase();
        out.push(at(Finding::new(
            Code::REQ016,
            format!(
                "the prompt uses the tag `{t}`; the model has no tag syntax and reads it as text"
            ),
        )
        .help(format!(
            "refer to media in plain words by position, e.g. \"{}\"",
            spaced(&plain)
        ))));
    }
    mixed_modes(ctx, text, &facts, &counts, out, at);
}

fn a_an(word: &str) -> String {
    let article = if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {word}")
}

/// "image1" → "image 1".
fn spaced(tag: &str) -> String {
    let split = tag.find(|c: char| c.is_ascii_digit()).unwrap_or(tag.len());
    format!("{} {}", tag[..split].trim(), &tag[split..])
}

fn length(ctx: &Ctx, f: &PromptFacts, out: &mut Vec<Finding>, at: impl Fn(Finding) -> Finding) {
    let lim = &ctx.spec.prompt;
    if f.tokens_estimate > lim.max_tokens {
        out.push(at(Finding::new(
            Code::REQ010,
            format!(
                "the prompt is about {} tokens by a conservative estimate ({} CJK characters, {} words); the hard cap is {} tokens",
                f.tokens_estimate, f.cjk_chars, f.words, lim.max_tokens
            ),
        )
        .case("token-cap")
        .help("shorten the prompt; `seedance-preflight explain REQ010` says how tokens are estimated")));
    } else if f.cjk_chars > lim.recommended_cjk_chars || f.words > lim.recommended_words {
        out.push(at(Finding::new(
            Code::REQ010,
            format!(
                "the prompt has {} CJK characters and {} English words; the provider recommends at most {} CJK characters or {} words",
                f.cjk_chars, f.words, lim.recommended_cjk_chars, lim.recommended_words
            ),
        )
        .help("shorten the prompt: details past the recommended length are often ignored")));
    }
}

fn references(
    ctx: &Ctx,
    text: &str,
    f: &PromptFacts,
    counts: &KindCounts,
    out: &mut Vec<Finding>,
    at: impl Fn(Finding) -> Finding,
) {
    // A media array of the wrong type (REQ005) has no count to compare with.
    let malformed = ctx
        .spec
        .media_fields
        .keys()
        .any(|k| ctx.req.field(k).is_some() && ctx.media_len(k).is_none());
    if malformed {
        return;
    }
    for m in &f.references {
        let said = &text[m.span.clone()];
        let (known, unknown) = counts.get(m.kind);
        let msg = if m.number == 0 {
            format!("the prompt names \"{said}\", but media are numbered from 1")
        } else if m.number > known + unknown {
            let held = match ctx.spec.has_mixed_array() {
                false => format!(
                    "the request holds {known} {}{}",
                    m.kind.as_str(),
                    if known == 1 { "" } else { "s" }
                ),
                true => match known + unknown {
                    0 => format!(
                        "no entry of `mediaUrls` can be {} (judged by content, or by file extension where not read)",
                        a_an(m.kind.as_str())
                    ),
                    n => format!(
                        "only {n} entr{} of `mediaUrls` can be {} (judged by content, or by file extension where not read)",
                        if n == 1 { "y" } else { "ies" },
                        a_an(m.kind.as_str())
                    ),
                },
            };
            format!("the prompt names \"{said}\", but {held}")
        } else {
            continue;
        };
        out.push(at(Finding::new(Code::REQ015, msg).help(format!(
            "add the {} it names, or change the prompt: \"{} 1\" is the first {} of the request",
            m.kind.as_str(),
            m.kind.as_str(),
            m.kind.as_str()
        ))));
    }
}

fn mixed_modes(
    ctx: &Ctx,
    text: &str,
    f: &PromptFacts,
    counts: &KindCounts,
    out: &mut Vec<Finding>,
    at: impl Fn(Finding) -> Finding,
) {
    let Some(span) = &f.first_last_wording else {
        return;
    };
    let Some(mode) = ctx.mode() else { return };
    let (videos, _) = counts.get(MediaKind::Video);
    let mixes = match mode {
        Mode::Reference | Mode::Mixed => videos > 0,
        Mode::Text | Mode::FirstLastFrame | Mode::ByRole => false,
    };
    if mixes {
        out.push(at(Finding::new(
            Code::REQ017,
            format!(
                "the prompt speaks of a \"{}\" while the request also carries {videos} reference video{}; the service does not mix first/last-frame and reference modes",
                &text[span.clone()],
                if videos == 1 { "" } else { "s" }
            ),
        )
        .help("for a first/last-frame video use an image-to-video model without reference videos; otherwise describe the images as references (\"image 1\")")));
    }
}

/// REQ017 (case `text-only`): a field for text-only requests sent with media.
fn text_only_fields(ctx: &Ctx, out: &mut Vec<Finding>) {
    if ctx.req.assets.is_empty() {
        return;
    }
    for name in &ctx.spec.text_only_fields {
        let Some(f) = ctx.req.field(name) else {
            continue;
        };
        out.push(
            Finding::new(
                Code::REQ017,
                format!(
                    "`{name}` applies to text-only requests, and this one carries {} media item{}",
                    ctx.req.assets.len(),
                    if ctx.req.assets.len() == 1 { "" } else { "s" }
                ),
            )
            .case("text-only")
            .at(&f.pointer, f.key_offset)
            .until(f.node.end)
            .help(format!(
                "remove `{name}`, or send the media in another request"
            )),
        );
    }
}

/// REQ017 (case `roles`): roles of two modes in one request.
fn mixed_roles(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(spec) = &ctx.spec.items else { return };
    let mode_of = |role: &str| {
        spec.modes
            .iter()
            .find(|m| m.roles.iter().any(|r| r == role))
    };
    let mut first: Option<(&crate::spec::ItemMode, &crate::request::AssetRef)> = None;
    for a in &ctx.req.assets {
        let Some(m) = a.role.as_deref().and_then(mode_of) else {
            continue;
        };
        match first {
            None => first = Some((m, a)),
            Some((fm, fa)) if fm.name != m.name => {
                out.push(
                    Finding::new(
                        Code::REQ017,
                        format!(
                            "`{}` is a `{}` ({} mode), but `{}` is a `{}` ({} mode); the modes are mutually exclusive",
                            a.pointer,
                            a.slot(),
                            m.name,
                            fa.pointer,
                            fa.slot(),
                            fm.name
                        ),
                    )
                    .case("roles")
                    .at(&a.pointer, a.offset)
                    .asset(a.position)
                    .help(format!(
                        "send the {} items ({}) and the {} items ({}) in two requests",
                        fm.name,
                        fm.roles.join(", "),
                        m.name,
                        m.roles.join(", ")
                    )),
                );
                return;
            }
            Some(_) => {}
        }
    }
}
