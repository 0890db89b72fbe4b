//! The media arrays as written: which the model accepts, how many, inline data,
//! duplicates, and what each entry points at (scheme, private hosts, secrets).

use super::{did_you_mean, Ctx};
use crate::addr::{classify_media_ref, credentials_in_url, host_not_public, MediaRef};
use crate::finding::{Code, Finding, Severity};
use crate::request::AssetRef;
use crate::spec::{MediaKind, Mode};

pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    accepted_and_counts(ctx, out);
    audio_without_visual(ctx, out);
    duplicates(ctx, out);
    body_size(ctx, out);
    for (i, a) in ctx.req.assets.iter().enumerate() {
        entry(ctx, i, a, out);
    }
}

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

/// The kind a file name suggests, from its extension (URL query ignored).
pub(crate) fn kind_from_extension(uri: &str) -> Option<MediaKind> {
    let path = uri.split(['?', '#']).next().unwrap_or(uri);
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "jpg" | "jpeg" | "png" | "webp" | "gif" | "bmp" | "heic" | "heif" | "avif" | "tif"
        | "tiff" => Some(MediaKind::Image),
        "mp4" | "mov" | "m4v" | "webm" | "mkv" | "avi" => Some(MediaKind::Video),
        "mp3" | "wav" | "m4a" | "aac" | "ogg" | "flac" | "opus" => Some(MediaKind::Audio),
        _ => None,
    }
}

/// Counts the request's media per kind. In a mixed array (the open dialect's
/// `mediaUrls`) an entry's kind is what its bytes are when it was probed, else
/// what its file extension says, else unknown.
pub(super) fn kind_counts(ctx: &Ctx) -> KindCounts {
    let mut c = KindCounts::default();
    for (i, a) in ctx.req.assets.iter().enumerate() {
        let probed = ctx
            .facts
            .get(i)
            .copied()
            .flatten()
            .and_then(|f| match f.kind {
                crate::probe::Kind::Image => Some(MediaKind::Image),
                crate::probe::Kind::Video => Some(MediaKind::Video),
                crate::probe::Kind::Audio => Some(MediaKind::Audio),
                crate::probe::Kind::Unknown => None,
            });
        let kind = match a.kind {
            MediaKind::Any => probed.or_else(|| kind_from_extension(&a.uri)),
            k => Some(k),
        };
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

fn accepted_and_counts(ctx: &Ctx, out: &mut Vec<Finding>) {
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
                    .severity(Severity::Warning)
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

fn audio_without_visual(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(model) = ctx.model else { return };
    let c = kind_counts(ctx);
    let (severity, why) = match model.mode {
        Mode::Reference => (
            Severity::Error,
            "the service needs at least one reference image or video beside audio",
        ),
        // The open dialect documents no such rule; the model family behind it has it.
        Mode::Mixed if c.unknown == 0 => (
            Severity::Warning,
            "the model family needs an image or video beside audio (judged by content, or by file extension where not read)",
        ),
        _ => return,
    };
    if c.audio > 0 && c.image == 0 && c.video == 0 {
        let first_audio = ctx.req.assets.iter().find(|a| {
            a.kind == MediaKind::Audio || kind_from_extension(&a.uri) == Some(MediaKind::Audio)
        });
        let mut f = Finding::new(
            Code::REQ014,
            format!(
                "the request carries {} but no image and no video: {why}",
                plural(c.audio, "audio clip")
            ),
        )
        .severity(severity)
        .help("add a reference image or video, or remove the audio");
        if let Some(a) = first_audio {
            f = f.at(&a.pointer, a.offset);
        }
        out.push(f);
    }
}

fn duplicates(ctx: &Ctx, out: &mut Vec<Finding>) {
    for field in ctx.spec.media_fields.keys() {
        let items: Vec<&AssetRef> = ctx.req.assets_in(field).collect();
        // Identical first and last frame is explicitly allowed (document 004).
        let first_last_pair = items.len() == 2
            && ctx
                .model
                .is_some_and(|m| matches!(m.mode, Mode::FirstLastFrame | Mode::Mixed));
        if first_last_pair {
            continue;
        }
        // First place of each entry; linear in the array's length.
        let mut first_seen: std::collections::HashMap<&str, &AssetRef> =
            std::collections::HashMap::new();
        for a in &items {
            let first = *first_seen.entry(a.uri.trim()).or_insert(a);
            if !std::ptr::eq(first, *a) {
                out.push(
                    Finding::new(
                        Code::REQ020,
                        format!(
                            "`{}` is the same entry as `{}`: the model gets the same media twice",
                            a.pointer, first.pointer
                        ),
                    )
                    .at(&a.pointer, a.offset)
                    .help("remove the duplicate, and renumber the media the prompt names")
                    .asset(a.position),
                );
            }
        }
    }
}

fn body_size(ctx: &Ctx, out: &mut Vec<Finding>) {
    let max = ctx.spec.body_max_bytes;
    if ctx.req.body_bytes > max {
        out.push(
            Finding::new(
                Code::REQ018,
                format!(
                    "the JSON body alone is {} bytes; the service accepts at most {max} bytes for the body and its media together",
                    ctx.req.body_bytes
                ),
            )
            .at("", 0)
            .help("pass media by URL instead of inline, and shorten long fields"),
        );
    }
}

fn entry(ctx: &Ctx, index: usize, a: &AssetRef, out: &mut Vec<Finding>) {
    let at = |f: Finding| f.at(&a.pointer, a.offset).asset(index);
    let inline = "upload the file to public object storage and pass its https:// URL";
    match classify_media_ref(&a.uri) {
        MediaRef::Https(url) | MediaRef::Http(url) if host_not_public(&url).is_some() => {
            let why = host_not_public(&url).unwrap_or_default();
            out.push(at(Finding::new(
                Code::SRC002,
                format!("`{}`: {why}; the service fetches from the public internet and cannot reach it", a.pointer),
            )
            .help("host the file on a public server or object storage")));
            secrets(&url, out, at);
        }
        MediaRef::Https(url) => secrets(&url, out, at),
        MediaRef::Http(url) => {
            out.push(at(Finding::new(
                Code::SRC001,
                format!("`{}` is plain http://; the {} dialect expects https://", a.pointer, ctx.req.dialect),
            )
            .severity(ctx.spec.http_media_severity)
            .help("serve the file over https://")));
            secrets(&url, out, at);
        }
        MediaRef::Local(path) if !ctx.opts.allow_local_paths => out.push(at(Finding::new(
            Code::SRC001,
            format!("`{}` is a local path (`{path}`); the service fetches only http(s) URLs", a.pointer),
        )
        .help("upload the file and pass its https:// URL, or run without --require-urls to check local files"))),
        MediaRef::Local(_) => {}
        MediaRef::DataUri => out.push(at(Finding::new(
            Code::REQ019,
            format!("`{}` is a data: URI; inline media are not supported", a.pointer),
        )
        .help(inline))),
        MediaRef::Blob => out.push(at(Finding::new(
            Code::REQ019,
            format!("`{}` is a blob: URL, which exists only inside one browser tab", a.pointer),
        )
        .help(inline))),
        MediaRef::RawBase64 => out.push(at(Finding::new(
            Code::REQ019,
            format!("`{}` looks like raw Base64 data ({} characters); inline media are not supported", a.pointer, a.uri.len()),
        )
        .help(inline))),
        MediaRef::OtherScheme(s) => out.push(at(Finding::new(
            Code::SRC001,
            format!("`{}` uses the `{s}:` scheme; the service fetches only https:// URLs", a.pointer),
        )
        .help("publish the object and pass a public (or pre-signed) https:// URL"))),
        MediaRef::BadUrl(why) => out.push(at(Finding::new(
            Code::SRC001,
            format!("`{}` does not parse as a URL: {why}", a.pointer),
        )
        .help("write a full https:// URL"))),
        MediaRef::Empty => out.push(at(Finding::new(Code::SRC001, format!("`{}` is empty", a.pointer))
            .help("give a URL or remove the entry"))),
    }
}

fn secrets(url: &url::Url, out: &mut Vec<Finding>, at: impl Fn(Finding) -> Finding) {
    if let Some(why) = credentials_in_url(url) {
        out.push(at(Finding::new(
            Code::SRC007,
            format!("{why}: it leaks into logs, and signed URLs expire before a queued task runs"),
        )
        .help("serve the file from a public URL without secrets, or make sure the signature outlives the queue")));
    }
}
