//! Suggestions for a misspelt name: a code, a key, a model id.

/// The closest candidate to `word` by edit distance, when it is close enough to
/// be a plausible typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let w = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(&w, &c.to_ascii_lowercase()), c))
        .filter(|(d, c)| *d <= (c.len() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The id a misspelt or abbreviated `word` most likely means: the same id
/// in another case; else one whose hyphen-separated words each begin with
/// the word's (`seedance-2.0-ref-to-video` → `…-reference-to-video`); else
/// the closest by edit distance ([`did_you_mean`]).
pub fn near_id<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    if let Some(same) = candidates.iter().find(|c| c.eq_ignore_ascii_case(word)) {
        return Some(same);
    }
    let w = word.to_ascii_lowercase();
    let parts: Vec<&str> = w.split('-').collect();
    let abbreviates = |c: &str| {
        let c = c.to_ascii_lowercase();
        let cs: Vec<&str> = c.split('-').collect();
        cs.len() == parts.len()
            && parts
                .iter()
                .zip(&cs)
                .all(|(p, c)| !p.is_empty() && c.starts_with(p))
    };
    let mut by_words = candidates.iter().filter(|c| abbreviates(c));
    match (by_words.next(), by_words.next()) {
        (Some(one), None) => Some(one),
        _ => did_you_mean(word, candidates.iter().copied()),
    }
}

/// The help for an unknown model `id` of the request's dialect, whose ids
/// are `own` (`all` lists them in words), and the id to set when one is
/// meant: the same id in another case, or an abbreviation, in this dialect;
/// else the id (or a near one) in another dialect, which cannot be set.
pub(super) fn model_help(
    ctx: &super::Ctx,
    id: &str,
    own: &[&str],
    all: &dyn Fn() -> String,
) -> (String, Option<String>) {
    let near = near_id(id, own);
    let elsewhere = || {
        ctx.all
            .dialects()
            .iter()
            .filter(|d| d.id != ctx.req.dialect.as_str())
            .find_map(|d| {
                let theirs: Vec<&str> = d.models.iter().map(|m| m.id.as_str()).collect();
                near_id(id, &theirs).map(|m| (d, m.to_string()))
            })
    };
    if let Some(near) = near.filter(|n| n.eq_ignore_ascii_case(id)) {
        return (
            format!("write `{near}`: model ids are matched exactly, case included"),
            Some(near.to_string()),
        );
    }
    if let Some((other, m)) = elsewhere().filter(|(_, m)| m.eq_ignore_ascii_case(id)) {
        return (
            format!(
                "`{m}` belongs to the {} dialect ({}); send it there, or pick one of {}",
                other.id,
                other.endpoint,
                all()
            ),
            None,
        );
    }
    if let Some(near) = near {
        return (format!("did you mean `{near}`?"), Some(near.to_string()));
    }
    match elsewhere() {
        Some((other, m)) => (
            format!(
                "did you mean `{m}`? It is a model of the {} dialect ({}); here, use one of {}",
                other.id,
                other.endpoint,
                all()
            ),
            None,
        ),
        None => (format!("use one of {}", all()), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_ids() {
        let ids = [
            "seedance-2.0-text-to-video",
            "seedance-2.0-image-to-video",
            "seedance-2.0-reference-to-video",
        ];
        assert_eq!(
            near_id("seedance-2.0-ref-to-video", &ids),
            Some("seedance-2.0-reference-to-video")
        );
        assert_eq!(
            near_id("Seedance-2.0-Image-To-Video", &ids),
            Some("seedance-2.0-image-to-video")
        );
        assert_eq!(
            near_id("seedance-2.0-imag-to-video", &ids),
            Some("seedance-2.0-image-to-video")
        );
        assert_eq!(near_id("kling-v2", &ids), None);
    }
}
