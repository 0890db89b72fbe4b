//! Rules over probed media: IMG, VID, AUD, SRC008, and the cross-asset ones
//! (totals, body size, first/last-frame mismatch). They read the facts the
//! probes produced; they do no I/O.

use super::Ctx;
use crate::finding::{Code, Finding, Fix, Limit, Reencode, Severity, Unit};
use crate::probe::{Format, Kind, MediaFacts};
use crate::request::AssetRef;
use crate::source::http::RemoteFacts;
use crate::spec::{join_or, MediaKind, Mode};

/// The facts of each asset of a request (same order as `req.assets`); `None`
/// where nothing was probed (a URL in this build, or `--no-fetch`).
pub type AssetFacts<'a> = [Option<&'a MediaFacts>];

pub(super) fn check(ctx: &Ctx, facts: &AssetFacts, out: &mut Vec<Finding>) {
    for (i, a) in ctx.req.assets.iter().enumerate() {
        let Some(f) = facts.get(i).copied().flatten() else {
            continue;
        };
        let at = |x: Finding| x.at(&a.pointer, a.offset).asset(i);
        if let Some(remote) = &f.remote {
            if !remote_ok(a, f, remote, out, &at) {
                continue;
            }
        }
        if f.format == Format::Unknown && f.unopened() {
            out.push(at(Finding::new(
                Code::SRC008,
                format!(
                    "`{}` names `{}`, which cannot be opened: {}",
                    a.pointer,
                    a.uri,
                    f.error.as_deref().unwrap_or("")
                ),
            )
            .help(
                "fix the path (relative paths are read from the request file's folder)",
            )));
            continue;
        }
        match slot_kind(a, f) {
            MediaKind::Image => image(ctx, a, f, out, &at),
            MediaKind::Video => video(ctx, f, out, &at),
            MediaKind::Audio => audio(ctx, f, out, &at),
            MediaKind::Any => {}
        }
    }
    totals(ctx, facts, out);
    first_last(ctx, facts, out);
}

/// SRC002–SRC006 and SRC009 for a fetched URL; false when the media checks
/// cannot run (nothing usable was fetched, or it was an HTML page).
fn remote_ok(
    a: &AssetRef,
    f: &MediaFacts,
    remote: &RemoteFacts,
    out: &mut Vec<Finding>,
    at: &dyn Fn(Finding) -> Finding,
) -> bool {
    let hops = if remote.redirects.is_empty() {
        String::new()
    } else {
        format!(
            " (after {} redirect{} to {})",
            remote.redirects.len(),
            if remote.redirects.len() == 1 { "" } else { "s" },
            remote.final_url
        )
    };
    if let Some(fail) = &remote.failure {
        let code = super::open_code(&fail.kind);
        let help = match code {
            Code::SRC003 if matches!(fail.kind, crate::source::OpenError::ReservedName(_)) => "replace the placeholder with the file's real URL",
            Code::SRC002 => "host the file where the public internet can reach it",
            Code::SRC004 => "make the URL publicly readable without credentials (or use a long-lived signed URL)",
            Code::SRC005 => "link the file itself, not a page that redirects to a login",
            _ => "check that the URL opens from outside your network",
        };
        out.push(at(Finding::new(
            code,
            format!("`{}`: {}{hops}", a.uri, fail.message),
        )
        .help(help)));
        return false;
    }
    let ct = remote
        .content_type
        .as_deref()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if f.format == Format::Html || ct == "text/html" {
        let f = if remote.redirects.is_empty() {
            Finding::new(
                Code::SRC006,
                format!(
                    "`{}` serves an HTML page (Content-Type `{ct}`), not media",
                    a.uri
                ),
            )
            .severity(Severity::Error)
            .help("link the media file itself")
        } else {
            Finding::new(Code::SRC005, format!("`{}` redirects to an HTML page{hops}: a login wall or a viewer page, not the file", a.uri))
                .help("link the file itself, publicly readable")
        };
        out.push(at(f));
        return false;
    }
    if let Some(said) = content_type_format(&ct) {
        let same_family = said.kind() == f.kind && (said == f.format || said.kind() == Kind::Video);
        if !same_family && f.format != Format::Empty {
            out.push(at(Finding::new(
                Code::SRC006,
                format!(
                    "`{}` is served as `{ct}` but the bytes are {}",
                    a.uri,
                    f.format.describe()
                ),
            )
            .help(
                "fix the Content-Type the server sends (some fetchers trust it)",
            )));
        }
    }
    if f.size_bytes.is_none() {
        out.push(at(Finding::new(
            Code::SRC009,
            format!("the server did not say how large `{}` is, so size limits and the body limit could not be checked", a.uri),
        )
        .help("serve it with Content-Length and Range support (any object storage does)")));
    }
    true
}

/// The format a Content-Type names; `None` for generic or unknown types.
fn content_type_format(ct: &str) -> Option<Format> {
    Some(match ct {
        "image/jpeg" | "image/jpg" | "image/pjpeg" => Format::Jpeg,
        "image/png" | "image/apng" => Format::Png,
        "image/webp" => Format::Webp,
        "image/gif" => Format::Gif,
        "image/bmp" | "image/x-ms-bmp" => Format::Bmp,
        "video/mp4" => Format::Mp4,
        "video/quicktime" => Format::Mov,
        "video/x-m4v" => Format::M4v,
        "video/webm" => Format::Webm,
        "audio/mpeg" | "audio/mp3" => Format::Mp3,
        "audio/wav" | "audio/x-wav" | "audio/wave" | "audio/vnd.wave" => Format::Wav,
        _ => return None,
    })
}

/// The kind an asset is judged as: its array's kind, or in a mixed array the
/// kind of its bytes (then its extension, for files that are none of the three).
fn slot_kind(a: &AssetRef, f: &MediaFacts) -> MediaKind {
    match (a.kind, f.kind) {
        (MediaKind::Any, Kind::Image) => MediaKind::Image,
        (MediaKind::Any, Kind::Video) => MediaKind::Video,
        (MediaKind::Any, Kind::Audio) => MediaKind::Audio,
        (MediaKind::Any, Kind::Unknown) => {
            super::media::kind_from_extension(&a.uri).unwrap_or(MediaKind::Image)
        }
        (k, _) => k,
    }
}

fn names(formats: &[String]) -> String {
    let pretty = |f: &String| match f.as_str() {
        "webp" => "WebP".to_string(),
        other => other.to_uppercase(),
    };
    join_or(&formats.iter().map(pretty).collect::<Vec<_>>())
}

/// A ratio with enough digits that a value just outside a bound does not print
/// as the bound itself (6001 ÷ 2400 is 2.5004, not 2.500).
fn ratio_text(r: f64) -> String {
    format!("{r:.4}")
}

/// Wrong format (IMG001/VID001/AUD001) or unreadable (IMG002/VID002/AUD002);
/// returns false when the other checks cannot run.
fn readable(
    f: &MediaFacts,
    want: Kind,
    accepted: &[String],
    (unsupported, unreadable): (Code, Code),
    out: &mut Vec<Finding>,
    at: &dyn Fn(Finding) -> Finding,
) -> bool {
    let word = match want {
        Kind::Image => "image",
        Kind::Video => "video",
        _ => "audio",
    };
    if f.format == Format::Empty {
        out.push(at(Finding::new(unreadable, "the file is empty (0 bytes)")
            .help(format!("export the {word} again"))));
        return false;
    }
    if f.kind != want || !accepted.iter().any(|n| n == f.format.name()) {
        out.push(at(Finding::new(
            unsupported,
            format!(
                "the bytes are {}; this slot accepts {}",
                f.format.describe(),
                names(accepted)
            ),
        )
        .measured(f.format.name(), Unit::Format)
        .limit(Limit::one_of(
            accepted.iter().map(String::as_str),
            Unit::Format,
        ))
        .fix(Fix::Transcode {
            to: accepted.to_vec(),
        })
        .help(format!(
            "convert it to {} (the format is read from the bytes, not the file name)",
            names(accepted)
        ))));
        return false;
    }
    if let Some(e) = &f.error {
        out.push(at(Finding::new(
            unreadable,
            format!("{} that cannot be read: {e}", f.format.describe()),
        )
        .help(format!(
            "export the {word} again; the file is damaged or incomplete"
        ))));
        return false;
    }
    true
}

/// IMG005/VID007/AUD005: one file above the size limit.
fn too_large(
    f: &MediaFacts,
    max: u64,
    code: Code,
    word: &str,
    sev: Severity,
    help: &str,
) -> Option<Finding> {
    let size = f.size_bytes.filter(|s| *s > max)?;
    Some(
        Finding::new(
            code,
            format!(
                "the {word} file is {} ({size} bytes); the limit is {}",
                mb(size),
                mb(max)
            ),
        )
        .severity(sev)
        .measured(size, Unit::Bytes)
        .limit(Limit::max(max, Unit::Bytes))
        .fix(Fix::Reencode(Reencode {
            max_bytes: Some(max),
            ..Reencode::default()
        }))
        .help(help),
    )
}

/// VID003/AUD003: one clip outside the accepted length. `noun` names the
/// clip ("clip", "audio"), `kind` the slot ("video", "audio").
fn clip_length(
    f: &MediaFacts,
    (min, max): (f64, f64),
    code: Code,
    (noun, kind): (&str, &str),
    sev: Severity,
) -> Option<Finding> {
    let d = f.duration_s.filter(|d| *d < min || *d > max)?;
    let help = if d < min {
        "use a longer clip".to_string()
    } else {
        format!("trim it to at most {max} s")
    };
    let f = Finding::new(
        code,
        format!("the {noun} is {d:.3} s long; each reference {kind} must be {min}–{max} s"),
    )
    .severity(sev)
    .measured(d, Unit::S)
    .limit(Limit::between(min, max, Unit::S))
    .help(help);
    Some(if d > max {
        f.fix(Fix::Trim { max_s: max })
    } else {
        f
    })
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn image(
    ctx: &Ctx,
    a: &AssetRef,
    f: &MediaFacts,
    out: &mut Vec<Finding>,
    at: &dyn Fn(Finding) -> Finding,
) {
    let lim = &ctx.spec.image;
    let sev = ctx.spec.media_limits_severity;
    extension(a, f, Code::IMG006, out, at);
    if !readable(
        f,
        Kind::Image,
        &lim.formats,
        (Code::IMG001, Code::IMG002),
        out,
        at,
    ) {
        return;
    }
    let (Some(w), Some(h)) = (f.display_width, f.display_height) else {
        return;
    };
    let rotated = f.width != f.display_width;
    let shape = if rotated {
        format!(
            "{w}×{h} as displayed (stored {}×{}, EXIF orientation {})",
            f.width.unwrap_or(0),
            f.height.unwrap_or(0),
            f.orientation.unwrap_or(0)
        )
    } else {
        format!("{w}×{h}")
    };
    for (side, v) in [("width", w), ("height", h)] {
        if v < lim.min_side || v > lim.max_side {
            out.push(at(Finding::new(
                Code::IMG003,
                format!(
                    "the image is {shape}: its {side} {v} px is outside {}–{} px",
                    lim.min_side, lim.max_side
                ),
            )
            .severity(sev)
            .measured(v, Unit::Px)
            .limit(Limit::between(lim.min_side, lim.max_side, Unit::Px))
            .fix(if v < lim.min_side {
                Fix::Resize {
                    max_side: None,
                    min_side: Some(lim.min_side),
                }
            } else {
                Fix::Resize {
                    max_side: Some(lim.max_side),
                    min_side: None,
                }
            })
            .help(if v < lim.min_side {
                format!("upscale it so each side is at least {} px", lim.min_side)
            } else {
                format!("downscale it so each side is at most {} px", lim.max_side)
            })));
        }
    }
    let ratio = w as f64 / h as f64;
    if ratio < lim.min_ratio || ratio > lim.max_ratio {
        out.push(at(Finding::new(
            Code::IMG004,
            format!(
                "the image is {shape}: width ÷ height = {}, outside {}–{}",
                ratio_text(ratio),
                lim.min_ratio,
                lim.max_ratio
            ),
        )
        .severity(sev)
        .measured(ratio, Unit::Ratio)
        .limit(Limit::between(lim.min_ratio, lim.max_ratio, Unit::Ratio))
        .fix(Fix::Pad {
            min_ratio: lim.min_ratio,
            max_ratio: lim.max_ratio,
        })
        .help(format!(
            "crop it to a ratio between {} (2:5) and {} (5:2)",
            lim.min_ratio, lim.max_ratio
        ))));
    }
    out.extend(
        too_large(
            f,
            lim.max_bytes,
            Code::IMG005,
            "image",
            sev,
            "re-encode it (JPEG quality 85–90 or WebP) or downscale it",
        )
        .map(at),
    );
    if rotated {
        out.push(at(Finding::new(
            Code::IMG007,
            format!(
                "EXIF orientation {} turns the stored {}×{} image into {w}×{h}; the checks used the displayed {w}×{h}",
                f.orientation.unwrap_or(0),
                f.width.unwrap_or(0),
                f.height.unwrap_or(0)
            ),
        )
        .measured(f64::from(f.orientation.unwrap_or(0)), Unit::Value)
        .fix(Fix::Rotate)
        .help("if the service ignores EXIF the frame is used sideways: rotate the pixels and drop the orientation tag")));
    }
    if f.animated == Some(true) {
        out.push(at(Finding::new(
            Code::IMG008,
            format!(
                "{} is animated: only one frame will be used",
                f.format.describe()
            ),
        )
        .help("export the frame you want as a still image")));
    }
}

fn extension(
    a: &AssetRef,
    f: &MediaFacts,
    code: Code,
    out: &mut Vec<Finding>,
    at: &dyn Fn(Finding) -> Finding,
) {
    let Some(named) = Format::from_extension(&a.uri) else {
        return;
    };
    let same = named == f.format
        || matches!(
            (named, f.format),
            (Format::Mp4, Format::M4v) | (Format::M4v, Format::Mp4)
        );
    if !same && f.format != Format::Empty && f.format != Format::Unknown {
        out.push(at(Finding::new(
            code,
            format!(
                "the name says {} but the bytes are {}",
                named.describe(),
                f.format.describe()
            ),
        )
        .help(format!(
            "rename it with the extension `.{}`, or convert it",
            f.format.name()
        ))));
    }
}

fn video(ctx: &Ctx, f: &MediaFacts, out: &mut Vec<Finding>, at: &dyn Fn(Finding) -> Finding) {
    let lim = &ctx.spec.video;
    let sev = ctx.spec.media_limits_severity;
    if !readable(
        f,
        Kind::Video,
        &lim.formats,
        (Code::VID001, Code::VID002),
        out,
        at,
    ) {
        return;
    }
    out.extend(
        clip_length(
            f,
            (lim.min_duration_s, lim.max_duration_s),
            Code::VID003,
            ("clip", "video"),
            sev,
        )
        .map(at),
    );
    if let (Some(w), Some(h)) = (f.display_width, f.display_height) {
        let px = w as u64 * h as u64;
        let ratio = w as f64 / h as f64;
        let mut why = Vec::new();
        if px < lim.min_pixels || px > lim.max_pixels {
            why.push(format!(
                "{px} pixels per frame is outside {}–{}",
                lim.min_pixels, lim.max_pixels
            ));
        }
        for v in [w, h] {
            if v < lim.min_side || v > lim.max_side {
                why.push(format!(
                    "a side of {v} px is outside {}–{} px",
                    lim.min_side, lim.max_side
                ));
            }
        }
        if ratio < lim.min_ratio || ratio > lim.max_ratio {
            why.push(format!(
                "width ÷ height = {} is outside {}–{}",
                ratio_text(ratio),
                lim.min_ratio,
                lim.max_ratio
            ));
        }
        if !why.is_empty() {
            let rot = match f.rotation {
                Some(r @ (90 | 270)) => format!(" (displayed, after a {r}° rotation)"),
                _ => String::new(),
            };
            out.push(at(Finding::new(
                Code::VID005,
                format!("the video is {w}×{h}{rot}: {}", why.join("; ")),
            )
            .severity(sev)
            .measured(px, Unit::Px)
            .limit(Limit::between(lim.min_pixels, lim.max_pixels, Unit::Px))
            .fix(Fix::Reencode(Reencode {
                min_pixels: Some(lim.min_pixels),
                max_pixels: Some(lim.max_pixels),
                ..Reencode::default()
            }))
            .help("scale it to 480p–720p, e.g. 1280×720, 720×1280 or 960×960")));
        }
    }
    if let Some(fps) = f.fps {
        if fps < lim.min_fps || fps > lim.max_fps {
            out.push(at(Finding::new(
                Code::VID006,
                format!(
                    "the average frame rate is {fps:.3} fps; the service accepts {}–{} fps",
                    lim.min_fps, lim.max_fps
                ),
            )
            .severity(sev)
            .measured(fps, Unit::Fps)
            .limit(Limit::between(lim.min_fps, lim.max_fps, Unit::Fps))
            .fix(Fix::Reencode(Reencode {
                min_fps: Some(lim.min_fps),
                max_fps: Some(lim.max_fps),
                ..Reencode::default()
            }))
            .help(format!(
                "re-encode at a constant {} to {} fps (e.g. 24, 30 or 60)",
                lim.min_fps, lim.max_fps
            ))));
        }
    }
    out.extend(
        too_large(
            f,
            lim.max_bytes,
            Code::VID007,
            "video",
            sev,
            "re-encode it at a lower bitrate or trim it",
        )
        .map(at),
    );
    if let Some(codec) = &f.codec {
        let (name, known) = match codec.as_str() {
            "avc1" | "avc3" => ("H.264", true),
            "hvc1" | "hev1" => ("HEVC", true),
            "av01" => ("AV1", false),
            "vp09" => ("VP9", false),
            c if c.starts_with("ap") => ("ProRes", false),
            _ => ("an uncommon codec", false),
        };
        let msg = if known {
            format!("codec {name} (`{codec}`), which the provider's decoders handle")
        } else {
            format!("codec {name} (`{codec}`): the provider does not document support for it")
        };
        let mut fd = Finding::new(Code::VID008, msg);
        if !known {
            fd = fd.help("transcode to H.264 (libx264) to be safe");
        }
        out.push(at(fd));
    }
}

fn audio(ctx: &Ctx, f: &MediaFacts, out: &mut Vec<Finding>, at: &dyn Fn(Finding) -> Finding) {
    let lim = &ctx.spec.audio;
    let sev = ctx.spec.media_limits_severity;
    if !readable(
        f,
        Kind::Audio,
        &lim.formats,
        (Code::AUD001, Code::AUD002),
        out,
        at,
    ) {
        return;
    }
    out.extend(
        clip_length(
            f,
            (lim.min_duration_s, lim.max_duration_s),
            Code::AUD003,
            ("audio", "audio"),
            sev,
        )
        .map(at),
    );
    out.extend(
        too_large(
            f,
            lim.max_bytes,
            Code::AUD005,
            "audio",
            sev,
            "re-encode it as MP3 at 128–192 kbps",
        )
        .map(at),
    );
    if f.duration_estimated {
        let margin = f
            .duration_margin_s
            .map_or(String::new(), |m| format!(" (± {m:.3} s)"));
        out.push(at(Finding::new(
            Code::AUD006,
            format!(
                "the MP3 has no Xing/Info/VBRI header and counting its frames stopped at the byte budget: its length {:.3} s{margin} is estimated",
                f.duration_s.unwrap_or(0.0)
            ),
        )
        .help("re-encode with a length header (LAME writes one by default), or raise the byte budget")));
    }
}

/// Totals over a request: VID004, AUD004, VID007/AUD005 totals, REQ018.
fn totals(ctx: &Ctx, facts: &AssetFacts, out: &mut Vec<Finding>) {
    let sev = ctx.spec.media_limits_severity;
    let judged: Vec<(MediaKind, &MediaFacts)> = ctx
        .req
        .assets
        .iter()
        .zip(facts)
        .filter_map(|(a, f)| f.map(|f| (slot_kind(a, f), f)))
        .filter(|(_, f)| f.error.is_none())
        .collect();
    let sum = |k: MediaKind, get: &dyn Fn(&MediaFacts) -> Option<f64>| -> (usize, f64) {
        let items: Vec<f64> = judged
            .iter()
            .filter(|(kk, f)| *kk == k && f.kind != Kind::Image)
            .filter_map(|(_, f)| get(f))
            .collect();
        (items.len(), items.iter().sum())
    };
    let v = &ctx.spec.video;
    let au = &ctx.spec.audio;
    for (kind, code, max, word) in [
        (
            MediaKind::Video,
            Code::VID004,
            v.max_total_duration_s,
            "video",
        ),
        (
            MediaKind::Audio,
            Code::AUD004,
            au.max_total_duration_s,
            "audio",
        ),
    ] {
        let (n, total) = sum(kind, &|f| f.duration_s);
        if n > 1 && total > max {
            out.push(Finding::new(code, format!("the {n} reference {word} clips last {total:.3} s together; the limit is {max} s in total"))
                .severity(sev)
                .measured(total, Unit::S)
                .limit(Limit::max(max, Unit::S))
                .help(format!("trim or drop clips so that all {word} together is at most {max} s")));
        }
    }
    for (kind, code, max, word) in [
        (MediaKind::Video, Code::VID007, v.max_total_bytes, "videos"),
        (
            MediaKind::Audio,
            Code::AUD005,
            au.max_total_bytes,
            "audio files",
        ),
    ] {
        let (n, total) = sum(kind, &|f| f.size_bytes.map(|s| s as f64));
        if n > 1 && total > max as f64 {
            out.push(Finding::new(code, format!("the {n} {word} are {} together; some mirrors of the API limit the total to {}", mb(total as u64), mb(max)))
                .severity(Severity::Warning)
                .measured(total, Unit::Bytes)
                .limit(Limit::max(max, Unit::Bytes))
                .help("re-encode them smaller if your provider enforces the total"));
        }
    }
    // Saturating: sizes may come from a server's headers.
    let media: u64 = facts
        .iter()
        .flatten()
        .filter_map(|f| f.size_bytes)
        .fold(0, u64::saturating_add);
    let max = ctx.spec.body_max_bytes;
    let body = ctx.req.body_bytes;
    if media > 0 && body <= max && body.saturating_add(media) > max {
        out.push(
            Finding::new(
                Code::REQ018,
                format!("the JSON body ({body} bytes) and its media ({media} bytes) come to {} bytes; the limit is {max} bytes", body.saturating_add(media)),
            )
            .at("", 0)
            .measured(body.saturating_add(media), Unit::Bytes)
            .limit(Limit::max(max, Unit::Bytes))
            .help("use fewer or smaller media files"),
        );
    }
}

/// IMG009: a first and a last frame whose ratios or sizes differ.
fn first_last(ctx: &Ctx, facts: &AssetFacts, out: &mut Vec<Finding>) {
    let Some(model) = ctx.model else { return };
    let images: Vec<(usize, &AssetRef, &MediaFacts)> = ctx
        .req
        .assets
        .iter()
        .enumerate()
        .filter_map(|(i, a)| facts.get(i).copied().flatten().map(|f| (i, a, f)))
        .filter(|(_, a, f)| {
            slot_kind(a, f) == MediaKind::Image && f.kind == Kind::Image && f.error.is_none()
        })
        .collect();
    let pair = match model.mode {
        Mode::FirstLastFrame => images.len() == 2,
        // The open dialect takes a first and last frame as two images and nothing else.
        Mode::Mixed => images.len() == 2 && ctx.req.assets.len() == 2,
        _ => false,
    };
    if !pair {
        return;
    }
    let dims = |f: &MediaFacts| {
        (
            f.display_width.unwrap_or(0) as f64,
            f.display_height.unwrap_or(0) as f64,
        )
    };
    let ((w1, h1), (w2, h2)) = (dims(images[0].2), dims(images[1].2));
    if w1 * h1 * w2 * h2 == 0.0 {
        return;
    }
    let (r1, r2) = (w1 / h1, w2 / h2);
    let (last_i, last) = (images[1].0, images[1].1);
    let at = |x: Finding| x.at(&last.pointer, last.offset).asset(last_i);
    let lim = &ctx.spec.image;
    if (r1 - r2).abs() / r1 > lim.first_last_ratio_tolerance {
        let (lost, dir) = if r2 > r1 {
            (1.0 - r1 / r2, "width")
        } else {
            (1.0 - r2 / r1, "height")
        };
        out.push(at(Finding::new(
            Code::IMG009,
            format!(
                "the first frame is {w1}×{h1} (ratio {r1:.3}) and the last {w2}×{h2} (ratio {r2:.3}): the service crops the last frame to the first frame's ratio, cutting {:.1} % of its {dir}",
                lost * 100.0
            ),
        )
        .measured(r2, Unit::Ratio)
        .fix(Fix::Crop { ratio: r1 })
        .help("crop the last frame to the first frame's ratio yourself, so you choose what is kept")));
    } else if (w1 * h1).max(w2 * h2) / (w1 * h1).min(w2 * h2) > lim.first_last_max_area_ratio {
        out.push(at(Finding::new(
            Code::IMG009,
            format!("the first frame is {w1}×{h1} and the last {w2}×{h2}: sizes this different make the transition distort"),
        )
        .help("use first and last frames of similar size")));
    }
}
