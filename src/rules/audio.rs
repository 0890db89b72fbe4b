//! AUD — reference audio: format, length, size, estimated lengths, and the
//! totals over all clips (AUD004, AUD005).

use super::common::{at_asset, clip_length, judgeable_in, readable, too_large, totals};
use super::Ctx;
use crate::finding::{Code, Finding};
use crate::probe::{Kind, MediaFacts};
use crate::spec::MediaKind;

/// AUD001–AUD006 for every audio slot, then the totals.
pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (i, a, f) in judgeable_in(ctx, MediaKind::Audio) {
        audio(ctx, i, f, out, &at_asset(i, a));
    }
    let au = &ctx.spec.audio;
    totals(
        ctx,
        MediaKind::Audio,
        (Code::AUD004, au.max_total_duration_s, "audio"),
        (Code::AUD005, au.max_total_bytes, "audio files"),
        out,
    );
}

fn audio(
    ctx: &Ctx,
    i: usize,
    f: &MediaFacts,
    out: &mut Vec<Finding>,
    at: &dyn Fn(Finding) -> Finding,
) {
    let slot = super::envelope::slot(ctx, i, MediaKind::Audio);
    if !readable(
        f,
        Kind::Audio,
        &slot.formats,
        (Code::AUD001, Code::AUD002),
        out,
        at,
    ) {
        return;
    }
    out.extend(clip_length(f, slot.duration_range(), Code::AUD003, ("audio", "audio")).map(at));
    out.extend(
        too_large(
            f,
            slot.max_bytes,
            Code::AUD005,
            "audio",
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
