//! IMG — images (also the first and last frame): format, sides, ratio, size,
//! EXIF rotation, animation, and the first/last-frame pair.

use super::common::{
    at_asset, judgeable_in, judged_as, ratio_text, readable, too_large, AssetFacts,
};
use super::envelope::Accepts;
use super::Ctx;
use crate::finding::{Code, Finding, Fix, Limit, Unit};
use crate::probe::{Format, Kind, MediaFacts};
use crate::request::AssetRef;
use crate::spec::{MediaKind, Mode};

/// IMG001–IMG008 for every image slot; IMG009 for a first/last pair.
pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (i, a, f) in judgeable_in(ctx, MediaKind::Image) {
        image(ctx, i, a, f, out, &at_asset(i, a));
    }
    first_last(ctx, ctx.facts, out);
}

fn image(
    ctx: &Ctx,
    i: usize,
    a: &AssetRef,
    f: &MediaFacts,
    out: &mut Vec<Finding>,
    at: &dyn Fn(Finding) -> Finding,
) {
    // What the slot accepts (the envelope); the sources' extra formats are
    // the dialect's.
    let slot = super::envelope::slot(ctx, i, MediaKind::Image);
    let formats = &slot.formats;
    let formats_warn = &ctx.spec.image.formats_warn;
    extension(a, f, Code::IMG006, out, at);
    let listed = formats_warn
        .iter()
        .find(|n| f.kind == Kind::Image && *n == f.format.name() && !formats.contains(n));
    if let Some(name) = listed {
        out.push(at(Finding::new(
            Code::IMG001,
            format!(
                "the bytes are {}; only some sources list {name} for the {} dialect, which documents {}",
                f.format.describe(),
                ctx.req.dialect,
                crate::spec::join_or(formats)
            ),
        )
        .case("listed")
        .measured(f.format.name(), Unit::Format)
        .limit(Limit::one_of(formats.iter().map(String::as_str), Unit::Format))
        .fix(Fix::Transcode {
            to: formats.clone(),
        })
        .help(format!(
            "convert it to {} to be safe",
            crate::spec::join_or(formats)
        ))));
    }
    let accepted: Vec<String> = formats.iter().chain(listed).cloned().collect();
    if !readable(
        f,
        Kind::Image,
        &accepted,
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
    geometry(&shape, (w, h), &slot, out, at);
    out.extend(
        too_large(
            f,
            slot.max_bytes,
            Code::IMG005,
            "image",
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

/// IMG003 (a displayed side outside the envelope's) and IMG004 (the
/// displayed ratio outside its band); `shape` says the size in words.
fn geometry(
    shape: &str,
    (w, h): (u32, u32),
    slot: &Accepts,
    out: &mut Vec<Finding>,
    at: &dyn Fn(Finding) -> Finding,
) {
    let (min_side, max_side) = slot.side_range();
    let (min_ratio, max_ratio) = slot.ratio_range();
    for (side, v) in [("width", w), ("height", h)] {
        if v < min_side || v > max_side {
            out.push(at(Finding::new(
                Code::IMG003,
                format!(
                    "the image is {shape}: its {side} {v} px is outside {}–{} px",
                    min_side, max_side
                ),
            )
            .measured(v, Unit::Px)
            .limit(Limit::between(min_side, max_side, Unit::Px))
            .fix(if v < min_side {
                Fix::Resize {
                    max_side: None,
                    min_side: Some(min_side),
                }
            } else {
                Fix::Resize {
                    max_side: Some(max_side),
                    min_side: None,
                }
            })
            .help(if v < min_side {
                format!("upscale it so each side is at least {} px", min_side)
            } else {
                format!("downscale it so each side is at most {} px", max_side)
            })));
        }
    }
    let ratio = w as f64 / h as f64;
    if ratio < min_ratio || ratio > max_ratio {
        out.push(at(Finding::new(
            Code::IMG004,
            format!(
                "the image is {shape}: width ÷ height = {}, outside {}–{}",
                ratio_text(ratio),
                min_ratio,
                max_ratio
            ),
        )
        .measured(ratio, Unit::Ratio)
        .limit(Limit::between(min_ratio, max_ratio, Unit::Ratio))
        .fix(Fix::Pad {
            min_ratio,
            max_ratio,
        })
        .help(format!(
            "crop it to a ratio between {} (2:5) and {} (5:2)",
            min_ratio, max_ratio
        ))));
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

/// IMG009: a first and a last frame whose ratios or sizes differ.
fn first_last(ctx: &Ctx, facts: &AssetFacts, out: &mut Vec<Finding>) {
    let Some(model) = ctx.model else { return };
    let mut images: Vec<(usize, &AssetRef, &MediaFacts)> = ctx
        .req
        .assets
        .iter()
        .enumerate()
        .filter_map(|(i, a)| facts.get(i).copied().flatten().map(|f| (i, a, f)))
        .filter(|(i, _, f)| {
            judged_as(ctx, *i) == MediaKind::Image && f.kind == Kind::Image && f.error.is_none()
        })
        .collect();
    // Where roles say which is which, the first-frame role comes first.
    if let Some(m) = ctx
        .spec
        .items
        .as_ref()
        .and_then(|i| i.modes.iter().find(|m| m.mode == Mode::FirstLastFrame))
    {
        images.sort_by_key(|(_, a, _)| {
            a.role
                .as_deref()
                .and_then(|r| m.roles.iter().position(|x| x == r))
        });
    }
    let pair = match ctx.mode().unwrap_or(model.mode) {
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
