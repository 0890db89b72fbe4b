//! The request's media counted per kind (read by the `media-counts`,
//! `audio-without-visual` and `prompt` units).

use super::Ctx;
use crate::spec::MediaKind;

/// Media counted per kind: `(known, unknown)` — in the open dialect an entry
/// whose extension does not say its kind may be any kind.
#[derive(Debug, Default)]
pub(super) struct KindCounts {
    pub(super) image: usize,
    pub(super) video: usize,
    pub(super) audio: usize,
    pub(super) unknown: usize,
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

pub(super) fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}
