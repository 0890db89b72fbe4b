//! The rule registry: every rule unit, the codes it owns, and its check.
//! A code belongs to exactly one unit (a test proves it), so a code leads to
//! the one place that emits it, and a unit can be run alone.

use super::{
    aspect_ratio, audio, audio_without_visual, callback, document, duplicate_asset, duplicate_key,
    duration, image, legacy_prompt, media_counts, model, prompt, quality, required, roles, sources,
    types, unknown_field, video, Ctx,
};
use crate::finding::{Code, Finding};

/// One rule unit.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// A stable short name (`duration`, `image`).
    pub id: &'static str,
    /// The codes it emits, and no other unit emits.
    pub codes: &'static [Code],
    /// The check over a parsed request (and its probed assets).
    pub(crate) check: fn(&Ctx, &mut Vec<Finding>),
}

/// Every unit, in the order they run. `document` also owns what the parse
/// stage reports (a body too large, not JSON, or not an object).
pub const RULES: &[Rule] = &[
    Rule {
        id: "document",
        codes: &[Code::REQ001, Code::REQ018],
        check: document::check,
    },
    Rule {
        id: "model",
        codes: &[Code::REQ002],
        check: model::check,
    },
    Rule {
        id: "required",
        codes: &[Code::REQ003],
        check: required::check,
    },
    Rule {
        id: "unknown-field",
        codes: &[Code::REQ004],
        check: unknown_field::check,
    },
    Rule {
        id: "types",
        codes: &[Code::REQ005],
        check: types::check,
    },
    Rule {
        id: "duration",
        codes: &[Code::REQ006],
        check: duration::check,
    },
    Rule {
        id: "quality",
        codes: &[Code::REQ007],
        check: quality::check,
    },
    Rule {
        id: "aspect-ratio",
        codes: &[Code::REQ008],
        check: aspect_ratio::check,
    },
    Rule {
        id: "prompt",
        codes: &[
            Code::REQ009,
            Code::REQ010,
            Code::REQ015,
            Code::REQ016,
            Code::REQ017,
        ],
        check: prompt::check,
    },
    Rule {
        id: "legacy-prompt",
        codes: &[Code::REQ022],
        check: legacy_prompt::check,
    },
    Rule {
        id: "roles",
        codes: &[Code::REQ023],
        check: roles::check,
    },
    Rule {
        id: "callback",
        codes: &[Code::REQ011],
        check: callback::check,
    },
    Rule {
        id: "media-counts",
        codes: &[Code::REQ012, Code::REQ013],
        check: media_counts::check,
    },
    Rule {
        id: "audio-without-visual",
        codes: &[Code::REQ014],
        check: audio_without_visual::check,
    },
    Rule {
        id: "duplicate-asset",
        codes: &[Code::REQ020],
        check: duplicate_asset::check,
    },
    Rule {
        id: "duplicate-key",
        codes: &[Code::REQ021],
        check: duplicate_key::check,
    },
    Rule {
        id: "sources",
        codes: &[
            Code::REQ019,
            Code::SRC001,
            Code::SRC002,
            Code::SRC003,
            Code::SRC004,
            Code::SRC005,
            Code::SRC006,
            Code::SRC007,
            Code::SRC008,
            Code::SRC009,
            Code::SRC010,
        ],
        check: sources::check,
    },
    Rule {
        id: "image",
        codes: &[
            Code::IMG001,
            Code::IMG002,
            Code::IMG003,
            Code::IMG004,
            Code::IMG005,
            Code::IMG006,
            Code::IMG007,
            Code::IMG008,
            Code::IMG009,
        ],
        check: image::check,
    },
    Rule {
        id: "video",
        codes: &[
            Code::VID001,
            Code::VID002,
            Code::VID003,
            Code::VID004,
            Code::VID005,
            Code::VID006,
            Code::VID007,
            Code::VID009,
            Code::VID010,
        ],
        check: video::check,
    },
    Rule {
        id: "audio",
        codes: &[
            Code::AUD001,
            Code::AUD002,
            Code::AUD003,
            Code::AUD004,
            Code::AUD005,
            Code::AUD006,
        ],
        check: audio::check,
    },
];

/// Codes that name facts, not findings: the predicted output (REQ090, the
/// report's `predicted`) and a video's codec (VID008, its asset's
/// `codec`). No unit emits them; they stay documented (`explain`), and a
/// gate cannot trip on them.
pub const FACTS: &[Code] = &[Code::REQ090, Code::VID008];

/// The unit that owns a code.
pub fn rule(code: Code) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.codes.contains(&code))
}

/// Runs one unit alone (the registry's tests).
#[cfg(test)]
pub(crate) fn run_one(id: &str, ctx: &Ctx) -> Option<Vec<Finding>> {
    let r = RULES.iter().find(|r| r.id == id)?;
    let mut out = Vec::new();
    (r.check)(ctx, &mut out);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code is owned by exactly one unit, or is a fact that no unit
    /// emits; unit names are unique.
    #[test]
    fn each_code_has_exactly_one_unit() {
        for code in Code::ALL {
            let owners: Vec<&str> = RULES
                .iter()
                .filter(|r| r.codes.contains(code))
                .map(|r| r.id)
                .collect();
            let expected = usize::from(!FACTS.contains(code));
            assert_eq!(owners.len(), expected, "{code} is owned by {owners:?}");
        }
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len(), "unit ids are unique");
    }

    fn fixture_documents() -> Vec<crate::input::Document> {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/requests");
        let (docs, errors) = crate::input::expand(&[root.to_string()], &mut std::io::empty());
        assert!(errors.is_empty(), "{errors:?}");
        assert!(docs.len() > 90, "{} fixture requests", docs.len());
        docs
    }

    /// Run alone over every fixture request (with its real media probed),
    /// each unit emits only the codes it owns — so each code is emitted by
    /// exactly one unit — and together the units emit every code the
    /// fixtures exercise.
    #[test]
    fn each_unit_alone_emits_only_its_own_codes() {
        let docs = fixture_documents();
        let opts = crate::Options::default();
        let mut seen = std::collections::BTreeSet::new();
        let mut contexts = 0;
        crate::pipeline::for_each_ctx(&docs, &opts, |ctx| {
            contexts += 1;
            for r in RULES {
                let out = run_one(r.id, ctx).unwrap();
                for f in &out {
                    assert!(
                        r.codes.contains(&f.code),
                        "unit `{}` emitted {} ({})",
                        r.id,
                        f.code,
                        f.message
                    );
                    seen.insert(f.code);
                }
            }
        });
        assert!(contexts > 90);
        assert!(
            seen.len() >= 35,
            "the fixtures exercise {} codes",
            seen.len()
        );
    }

    /// One unit checked in isolation: the duration rule sees only the
    /// duration, whatever else is wrong with the request.
    #[test]
    fn one_rule_in_isolation() {
        let doc = crate::input::Document {
            source: crate::Source::file("t.json"),
            body: crate::input::Body::Bytes(
                br#"{"model": "seedance-2.0-text-to-video", "prompt": "", "duration": 16,
                     "aspectRatio": "16:9", "quality": "4k"}"#
                    .to_vec(),
            ),
        };
        let opts = crate::Options::builder().no_fetch().build();
        let mut ran = false;
        crate::pipeline::for_each_ctx(std::slice::from_ref(&doc), &opts, |ctx| {
            let out = run_one("duration", ctx).unwrap();
            let codes: Vec<Code> = out.iter().map(|f| f.code).collect();
            assert_eq!(codes, [Code::REQ006]);
            assert_eq!(out[0].pointer.as_deref(), Some("/duration"));
            assert!(run_one("no-such-unit", ctx).is_none());
            ran = true;
        });
        assert!(ran);
        assert_eq!(rule(Code::REQ006).map(|r| r.id), Some("duration"));
    }

    /// The media units judge by the envelope in the context, not by the
    /// limit table: the same 1280×720 JPEG passes its slot's envelope and
    /// fails one narrowed to 1000 px sides, and a clip's pixels likewise.
    #[test]
    fn media_units_judge_by_the_envelope() {
        let image = std::fs::canonicalize("fixtures/media/image/ok-1280x720.jpg").unwrap();
        let body = serde_json::json!({
            "model": "seedance-2.0-image-to-video",
            "prompt": "a cat",
            "image_urls": [image.display().to_string()]
        })
        .to_string();
        let doc = crate::input::Document {
            source: crate::Source::file("t.json"),
            body: crate::input::Body::Bytes(body.into_bytes()),
        };
        let opts = crate::Options::builder()
            .rules(crate::rules::RuleOptions {
                allow_local_paths: true,
            })
            .build();
        let mut ran = false;
        crate::pipeline::for_each_ctx(std::slice::from_ref(&doc), &opts, |ctx| {
            let codes = |ctx: &crate::rules::Ctx| -> Vec<Code> {
                run_one("image", ctx)
                    .unwrap()
                    .iter()
                    .map(|f| f.code)
                    .collect()
            };
            assert_eq!(codes(ctx), []);
            let mut narrow = ctx.accepts.to_vec();
            let e = narrow[0].as_mut().unwrap();
            e.side = Some([300, 1000]);
            let ctx2 = crate::rules::Ctx {
                accepts: &narrow,
                ..*ctx
            };
            let out = run_one("image", &ctx2).unwrap();
            assert_eq!(
                out.iter().map(|f| f.code).collect::<Vec<_>>(),
                [Code::IMG003]
            );
            assert!(
                out[0].message.contains("outside 300–1000 px"),
                "{}",
                out[0].message
            );
            ran = true;
        });
        assert!(ran);
    }
}
