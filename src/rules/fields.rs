//! The request's members as the units read them (`winning_fields`).

use super::Ctx;

/// The members that count: the last of each name (REQ021 reports the others).
pub(super) fn winning_fields<'a>(
    ctx: &'a Ctx,
) -> impl Iterator<Item = &'a crate::request::Field> + 'a {
    // The index of the last member of each name, found in one pass.
    let mut last = std::collections::HashMap::new();
    for (i, f) in ctx.req.fields.iter().enumerate() {
        last.insert(f.name.as_str(), i);
    }
    ctx.req
        .fields
        .iter()
        .enumerate()
        .filter(move |(i, f)| last.get(f.name.as_str()) == Some(i))
        .map(|(_, f)| f)
}
