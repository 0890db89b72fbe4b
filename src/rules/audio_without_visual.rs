//! The `audio-without-visual` unit (REQ014): reference audio with no
//! reference image and no reference video.

use super::counts::{kind_counts, plural};
use super::Ctx;
use crate::finding::{Code, Finding};
use crate::spec::{MediaKind, Mode};

pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
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
