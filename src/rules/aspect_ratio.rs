//! The `aspect-ratio` unit (REQ008): `aspect_ratio` / `aspectRatio` not
//! offered by the model.

use super::choices::choice;
use super::Ctx;
use crate::finding::{Code, Finding};

/// REQ008: `aspect_ratio` / `aspectRatio` not offered by the model.
pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    choice(
        ctx,
        &ctx.spec.aspect_ratio_field,
        Code::REQ008,
        |m| &m.aspect_ratios,
        out,
    );
}
