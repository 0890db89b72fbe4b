//! The `quality` unit (REQ007): `quality` / `resolution` not offered by the
//! model.

use super::choices::choice;
use super::Ctx;
use crate::finding::{Code, Finding};

/// REQ007: `quality` / `resolution` not offered by the model.
pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    choice(
        ctx,
        &ctx.spec.quality_field,
        Code::REQ007,
        |m| &m.qualities,
        out,
    );
}
