//! What the media rules share: the facts per asset, which assets the kind
//! rules may judge, the slot an asset fills, and the format / size / length
//! checks the image, video and audio rules run alike.

use super::Ctx;
use crate::finding::{Code, Finding, Fix, Limit, Reencode, Unit};
use crate::probe::{Format, Kind, MediaFacts};
use crate::request::AssetRef;
use crate::spec::{join_or, MediaKind};

/// Each asset of the request that was probed and can be judged by the kind
/// rules (IMG/VID/AUD), with its index: not a URL that failed or served an
/// HTML page, and not a path that could not be opened — those are the source
/// rules' findings (SRC002–SRC006, SRC008).
pub(super) fn judgeable<'c>(
    ctx: &'c Ctx,
) -> impl Iterator<Item = (usize, &'c AssetRef, &'c MediaFacts)> + 'c {
    ctx.req.assets.iter().enumerate().filter_map(|(i, a)| {
        let f = ctx.facts.get(i).copied().flatten()?;
        if let Some(remote) = &f.remote {
            if remote.failure.is_some() || f.format == Format::Html || served_as_html(remote) {
                return None;
            }
        }
        if matches!(f.problem, Some(crate::probe::ProbeError::Open(_))) {
            return None;
        }
        Some((i, a, f))
    })
}

/// The judgeable assets that fill a slot of this kind.
pub(super) fn judgeable_in<'c>(
    ctx: &'c Ctx,
    kind: MediaKind,
) -> impl Iterator<Item = (usize, &'c AssetRef, &'c MediaFacts)> + 'c {
    judgeable(ctx).filter(move |(i, _, _)| judged_as(ctx, *i) == kind)
}

/// The server's Content-Type, lower case, without parameters.
pub(super) fn content_type(remote: &crate::source::http::RemoteFacts) -> String {
    remote
        .content_type
        .as_deref()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn served_as_html(remote: &crate::source::http::RemoteFacts) -> bool {
    content_type(remote) == "text/html"
}

/// Locates a finding at an asset's entry.
pub(super) fn at_asset(i: usize, a: &AssetRef) -> impl Fn(Finding) -> Finding + '_ {
    move |x: Finding| x.at(&a.pointer, a.offset).asset(i)
}

/// The facts of each asset of a request (same order as `req.assets`); `None`
/// where nothing was probed (a URL in this build, or `--no-fetch`).
pub type AssetFacts<'a> = [Option<&'a MediaFacts>];

/// The kind asset `i` is judged as: its kind ([`Ctx::kind`]), an image where
/// nothing says (a mixed array's entry that is none of the three).
pub(super) fn judged_as(ctx: &Ctx, i: usize) -> MediaKind {
    ctx.kind(i).unwrap_or(MediaKind::Image)
}

pub(super) fn names(formats: &[String]) -> String {
    let pretty = |f: &String| match Format::from_id(f) {
        Some(known) => known.info().display.to_string(),
        None => f.to_uppercase(),
    };
    join_or(&formats.iter().map(pretty).collect::<Vec<_>>())
}

/// A ratio with enough digits that a value just outside a bound does not print
/// as the bound itself (6001 ÷ 2400 is 2.5004, not 2.500).
pub(super) fn ratio_text(r: f64) -> String {
    format!("{r:.4}")
}

/// Wrong format (IMG001/VID001/AUD001) or unreadable (IMG002/VID002/AUD002);
/// returns false when the other checks cannot run.
pub(super) fn readable(
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
    // The budget ran out before the facts were known: nothing says the
    // file is damaged, and the remedy is the budget, not the file.
    if let Some(crate::probe::ProbeError::Budget(m)) = &f.problem {
        out.push(at(Finding::new(
            unreadable,
            format!(
                "{} could not be checked: {m}, before its facts were known",
                if f.format == Format::Unknown {
                    "the file".to_string()
                } else {
                    f.format.describe().to_string()
                }
            ),
        )
        .help(format!(
            "raise the byte budget (--budget BYTES; {} bytes were read) and check again; the file is not known to be damaged",
            f.bytes_read
        ))));
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
    if let Some(d) = f.deep.as_ref().filter(|d| !d.ok) {
        out.push(at(Finding::new(
            unreadable,
            format!(
                "{} whose data does not decode ({}): {}",
                f.format.describe(),
                d.by,
                d.detail
            ),
        )
        .help(format!(
            "the headers are intact but the data is damaged: export the {word} again (found by --deep)"
        ))));
        return false;
    }
    true
}

/// IMG005/VID007/AUD005: one file above the size limit.
pub(super) fn too_large(
    f: &MediaFacts,
    max: u64,
    code: Code,
    word: &str,
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
pub(super) fn clip_length(
    f: &MediaFacts,
    (min, max): (f64, f64),
    code: Code,
    (noun, kind): (&str, &str),
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
    .measured(d, Unit::S)
    .limit(Limit::between(min, max, Unit::S))
    .help(help);
    Some(if d > max {
        f.fix(Fix::Trim { max_s: max })
    } else {
        f
    })
}

pub(super) fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// The totals of one kind over a request: all clips' length (VID004/AUD004,
/// with the per-dialect media-limit severity) and all files' size
/// (VID007/AUD005 as a warning: only some mirrors limit the total).
pub(super) fn totals(
    ctx: &Ctx,
    kind: MediaKind,
    (len_code, max_s, word): (Code, f64, &str),
    (size_code, max_bytes, plural): (Code, u64, &str),
    out: &mut Vec<Finding>,
) {
    let judged: Vec<&MediaFacts> = ctx
        .facts
        .iter()
        .enumerate()
        .filter_map(|(i, f)| f.filter(|_| judged_as(ctx, i) == kind))
        .filter(|f| f.error.is_none() && f.kind != Kind::Image)
        .collect();
    let sum = |get: &dyn Fn(&MediaFacts) -> Option<f64>| -> (usize, f64) {
        let items: Vec<f64> = judged.iter().filter_map(|f| get(f)).collect();
        (items.len(), items.iter().sum())
    };
    let (n, total) = sum(&|f| f.duration_s);
    if n > 1 && total > max_s {
        out.push(Finding::new(len_code, format!("the {n} reference {word} clips last {total:.3} s together; the limit is {max_s} s in total"))
            .measured(total, Unit::S)
            .limit(Limit::max(max_s, Unit::S))
            .help(format!("trim or drop clips so that all {word} together is at most {max_s} s")));
    }
    let (n, total) = sum(&|f| f.size_bytes.map(|s| s as f64));
    if n > 1 && total > max_bytes as f64 {
        out.push(Finding::new(size_code, format!("the {n} {plural} are {} together; some mirrors of the API limit the total to {}", mb(total as u64), mb(max_bytes)))
            .case("total")
            .measured(total, Unit::Bytes)
            .limit(Limit::max(max_bytes, Unit::Bytes))
            .help("re-encode them smaller if your provider enforces the total"));
    }
}

/// `a` or `an` before `word`.
pub(super) fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// The kind a file name suggests, from its extension (URL query ignored).
pub(crate) fn kind_from_extension(uri: &str) -> Option<MediaKind> {
    match crate::probe::Format::from_extension(uri)?.kind() {
        crate::probe::Kind::Image => Some(MediaKind::Image),
        crate::probe::Kind::Video => Some(MediaKind::Video),
        crate::probe::Kind::Audio => Some(MediaKind::Audio),
        crate::probe::Kind::Unknown => None,
    }
}

/// Each asset's media kind, once per request: its slot's; in a mixed array
/// (the open dialect's `mediaUrls`) what its bytes are when they were read,
/// else what its file extension says, else unknown.
pub(crate) fn media_kinds(
    req: &crate::request::Request,
    facts: &AssetFacts,
) -> Vec<Option<MediaKind>> {
    req.assets
        .iter()
        .enumerate()
        .map(|(i, a)| match a.kind {
            MediaKind::Any => facts
                .get(i)
                .copied()
                .flatten()
                .and_then(|f| match f.kind {
                    Kind::Image => Some(MediaKind::Image),
                    Kind::Video => Some(MediaKind::Video),
                    Kind::Audio => Some(MediaKind::Audio),
                    Kind::Unknown => None,
                })
                .or_else(|| kind_from_extension(&a.uri)),
            k => Some(k),
        })
        .collect()
}
