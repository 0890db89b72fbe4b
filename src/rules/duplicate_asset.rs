//! The `duplicate-asset` unit (REQ020): the same URL or file twice in one
//! media array.

use super::Ctx;
use crate::finding::{Code, Finding};
use crate::request::AssetRef;
use crate::spec::Mode;

/// REQ020: a media array naming one entry twice.
pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    duplicates(ctx, out);
}

fn duplicates(ctx: &Ctx, out: &mut Vec<Finding>) {
    // Media arrays, and for typed items each role (a first and a last frame
    // are two roles, so the same image for both passes).
    let slots = ctx
        .spec
        .media_fields
        .keys()
        .map(String::as_str)
        .chain(ctx.spec.roles());
    for slot in slots {
        let items: Vec<&AssetRef> = ctx.req.assets.iter().filter(|a| a.slot() == slot).collect();
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
