//! Reading a prompt the way the limits are stated: CJK characters and English
//! words counted apart, a conservative token estimate, and the media the prompt
//! names by position ("image 2", "视频1", "第2张图").
//!
//! ## The token estimate
//! The provider caps prompts at 10,000 tokens without publishing its tokenizer.
//! We over-estimate on purpose, so that an estimate under the cap means the real
//! count is under it too:
//! - each CJK character (ideographs, kana, hangul, CJK punctuation, full-width
//!   forms) counts **2** tokens — byte-level BPE tokenizers spend 1–1.5 on common
//!   ideographs and at most 3 on rare ones;
//! - each run of letters or digits counts **⌈length ÷ 4⌉** tokens, at least 1 —
//!   English averages 1.3 tokens per word, this gives 2 for a 5-letter word;
//! - each other visible character counts 1, and one outside the Basic
//!   Multilingual Plane (emoji) counts 4, its UTF-8 length.
//!
//! Counting covers the whole prompt; references, tags and first/last-frame
//! wording are searched in the first [`SCAN_LIMIT_BYTES`] only.

use regex::Regex;
use std::ops::Range;
use std::sync::OnceLock;

use crate::spec::MediaKind;

/// Counts and references found in a prompt.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PromptFacts {
    /// CJK characters (ideographs, kana, hangul, CJK punctuation, full-width forms).
    pub cjk_chars: usize,
    /// Runs of letters or digits outside the CJK ranges.
    pub words: usize,
    /// The conservative token estimate described in the module docs.
    pub tokens_estimate: usize,
    /// Media named by position.
    pub references: Vec<MediaMention>,
    /// `@Image1`-style tags, which the model does not understand.
    pub tags: Vec<Range<usize>>,
    /// Byte range of wording about a first or last frame, if any.
    pub first_last_wording: Option<Range<usize>>,
}

/// "image 2" in a prompt: the kind, the 1-based position, and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaMention {
    /// Image, video or audio.
    pub kind: MediaKind,
    /// The position named (1-based as written; 0 when the prompt says "image 0").
    pub number: usize,
    /// Byte range in the prompt.
    pub span: Range<usize>,
}

/// Whether `c` counts as a CJK character.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F      // CJK symbols and punctuation
        | 0x3040..=0x30FF    // hiragana, katakana
        | 0x3400..=0x4DBF    // extension A
        | 0x4E00..=0x9FFF    // unified ideographs
        | 0xAC00..=0xD7AF    // hangul syllables
        | 0xF900..=0xFAFF    // compatibility ideographs
        | 0xFF00..=0xFFEF    // half-width and full-width forms
        | 0x20000..=0x3134F) // extensions B–G
}

/// Analyses a prompt.
pub fn analyse(prompt: &str) -> PromptFacts {
    let mut f = PromptFacts::default();
    let mut word_len = 0usize;
    let end_word = |len: &mut usize, f: &mut PromptFacts| {
        if *len > 0 {
            f.words += 1;
            f.tokens_estimate += len.div_ceil(4);
            *len = 0;
        }
    };
    for c in prompt.chars() {
        if is_cjk(c) {
            end_word(&mut word_len, &mut f);
            f.cjk_chars += 1;
            f.tokens_estimate += 2;
        } else if c.is_alphanumeric() || (c == '\'' && word_len > 0) {
            word_len += 1;
        } else {
            end_word(&mut word_len, &mut f);
            if !c.is_whitespace() {
                f.tokens_estimate += if (c as u32) > 0xFFFF { 4 } else { 1 };
            }
        }
    }
    end_word(&mut word_len, &mut f);
    let scanned = scan_prefix(prompt);
    f.references = mentions(scanned);
    f.tags = patterns()
        .tag
        .find_iter(scanned)
        .map(|m| m.range())
        .collect();
    // Wording that names an image as the frame ("首帧为图片1", "image 1 as
    // the first frame") is how the provider's guide asks for a frame in
    // reference mode: only wording not tied to an image counts.
    f.first_last_wording = patterns()
        .first_last
        .find_iter(scanned)
        .map(|m| m.range())
        .find(|w| !names_an_image(scanned, w, &f.references));
    f
}

/// Whether frame wording at `w` is tied to an image mention: one starts or
/// ends within a few bytes of it, with no sentence break between.
fn names_an_image(text: &str, w: &Range<usize>, refs: &[MediaMention]) -> bool {
    const NEAR: usize = 16;
    refs.iter().filter(|m| m.kind == MediaKind::Image).any(|m| {
        let gap = if m.span.start >= w.end {
            w.end..m.span.start
        } else if w.start >= m.span.end {
            m.span.end..w.start
        } else {
            return true;
        };
        gap.len() <= NEAR
            && text.get(gap).is_some_and(|g| {
                !g.contains(['。', '.', ';', '；', '!', '！', '?', '？', '\n', ',', '，'])
            })
    })
}

/// How much of a prompt is searched for references, tags and wording. Counting
/// covers the whole prompt; a prompt longer than this is far above the token cap
/// (an error on its own), so the search need not go further.
pub const SCAN_LIMIT_BYTES: usize = 256 * 1024;

fn scan_prefix(prompt: &str) -> &str {
    if prompt.len() <= SCAN_LIMIT_BYTES {
        return prompt;
    }
    let mut end = SCAN_LIMIT_BYTES;
    while !prompt.is_char_boundary(end) {
        end -= 1;
    }
    &prompt[..end]
}

struct Patterns {
    english: Regex,
    chinese_suffix: Regex,
    chinese_ordinal: Regex,
    tag: Regex,
    first_last: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let num = r"(\d{1,3}|[一二两三四五六七八九十]{1,3})";
        let build = |re: &str| Regex::new(re).expect("built-in pattern compiles");
        Patterns {
            english: build(r"(?i)\b(image|img|video|audio)(?:\s?#\s?|[ _-])?(?:no\.\s?)?(\d{1,3})\b"),
            chinese_suffix: build(&format!(r"(图片|图像|照片|视频|音频|音乐|图)\s?{num}")),
            chinese_ordinal: build(&format!(
                r"第\s?{num}\s?(?:张|个|段|条|幅|首)?\s?(图片|图像|照片|视频|音频|音乐|图)"
            )),
            tag: build(r"(?i)@(?:image|img|video|audio|图片|视频|音频)\s?\d+"),
            first_last: build(
                r"(?i)\b(?:first|last|start(?:ing)?|end(?:ing)?|final|opening|closing)[ -]frames?\b|首帧|尾帧|末帧|首尾帧|起始帧|结束帧|第一帧|最后一帧",
            ),
        }
    })
}

fn kind_of(word: &str) -> MediaKind {
    match word.to_ascii_lowercase().as_str() {
        "video" | "视频" => MediaKind::Video,
        "audio" | "音频" | "音乐" => MediaKind::Audio,
        _ => MediaKind::Image,
    }
}

/// Parses an Arabic number or a Chinese numeral up to 99 (一, 十二, 二十三, 两).
fn number(text: &str) -> Option<usize> {
    if let Ok(n) = text.parse() {
        return Some(n);
    }
    let digit = |c: char| {
        "零一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .or((c == '两').then_some(2))
    };
    let chars: Vec<char> = text.chars().collect();
    match chars.as_slice() {
        [d] if *d != '十' => digit(*d),
        ['十'] => Some(10),
        ['十', u] => Some(10 + digit(*u)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
        _ => None,
    }
}

fn mentions(prompt: &str) -> Vec<MediaMention> {
    let p = patterns();
    let mut out: Vec<MediaMention> = Vec::new();
    let mut push = |kind_word: &str, num: &str, span: Range<usize>| {
        if let Some(number) = number(num) {
            let kind = kind_of(kind_word);
            if !out
                .iter()
                .any(|m| m.span.start < span.end && span.start < m.span.end)
            {
                out.push(MediaMention { kind, number, span });
            }
        }
    };
    // Ordinals first, so "第2张图" is one mention and not also "图" + a number.
    for c in p.chinese_ordinal.captures_iter(prompt) {
        push(&c[2], &c[1], c.get(0).expect("whole match").range());
    }
    for c in p.english.captures_iter(prompt) {
        push(&c[1], &c[2], c.get(0).expect("whole match").range());
    }
    for c in p.chinese_suffix.captures_iter(prompt) {
        push(&c[1], &c[2], c.get(0).expect("whole match").range());
    }
    out.sort_by_key(|m| m.span.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(p: &str) -> Vec<(MediaKind, usize)> {
        analyse(p)
            .references
            .iter()
            .map(|m| (m.kind, m.number))
            .collect()
    }

    #[test]
    fn counts_cjk_and_words_apart() {
        let f = analyse("一只猫 walks on the 屋顶, slowly.");
        assert_eq!(f.cjk_chars, 5);
        assert_eq!(f.words, 4);
        // 5 CJK × 2 + words walks(2) on(1) the(1) slowly(2) + ',' + '.'
        assert_eq!(f.tokens_estimate, 10 + 6 + 2);
        assert_eq!(analyse("don't stop").words, 2);
        assert_eq!(analyse("😀").tokens_estimate, 4);
    }

    #[test]
    fn english_references() {
        use MediaKind::*;
        assert_eq!(
            refs("Use image 1 as style and video 2 for motion, audio 1 for rhythm"),
            vec![(Image, 1), (Video, 2), (Audio, 1)]
        );
        assert_eq!(refs("Image3 then IMAGE #4"), vec![(Image, 3), (Image, 4)]);
        assert_eq!(refs("an image of 3 cats, 1080p video"), vec![]);
    }

    #[test]
    fn chinese_references() {
        use MediaKind::*;
        assert_eq!(refs("参考图片2的风格"), vec![(Image, 2)]);
        assert_eq!(refs("第2张图的人物"), vec![(Image, 2)]);
        assert_eq!(refs("第二张图片和第三个视频"), vec![(Image, 2), (Video, 3)]);
        assert_eq!(
            refs("视频1的运镜，音频1的节奏，图1"),
            vec![(Video, 1), (Audio, 1), (Image, 1)]
        );
        assert_eq!(refs("第十二张图"), vec![(Image, 12)]);
    }

    #[test]
    fn tags_and_frame_wording() {
        let f = analyse("@Image1 dances, then @video2");
        assert_eq!(f.tags.len(), 2);
        assert!(analyse("the first frame is a cat")
            .first_last_wording
            .is_some());
        assert!(analyse("首帧是一只猫").first_last_wording.is_some());
        // Naming an image as the frame is the guide's own form.
        assert!(analyse("首帧为图片1，视频1的运镜")
            .first_last_wording
            .is_none());
        assert!(analyse("use image 1 as the first frame")
            .first_last_wording
            .is_none());
        assert!(analyse("the first frame is image 2")
            .first_last_wording
            .is_none());
        assert!(analyse("图片1是猫。首帧是一只狗")
            .first_last_wording
            .is_some());
        assert!(analyse("a frame of a cat").first_last_wording.is_none());
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(number("三"), Some(3));
        assert_eq!(number("十"), Some(10));
        assert_eq!(number("十二"), Some(12));
        assert_eq!(number("二十三"), Some(23));
        assert_eq!(number("两"), Some(2));
        assert_eq!(number("十十"), None);
    }
}
