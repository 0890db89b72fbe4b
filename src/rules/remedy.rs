//! What kind of remedy each finding needs. The rules decide; `fix` applies:
//! it edits the request text for [`Remedy::Edit`], rewrites a file into its
//! envelope for [`Remedy::Rewrite`] and [`Remedy::Cut`], cuts every clip of
//! a kind to its envelope's `max_length_s` for [`Remedy::CutTotal`], and
//! leaves the rest with the finding's own advice. `fix` keeps no list of
//! codes of its own.

use serde::Serialize;

use crate::finding::{Code, Finding, Severity};

/// The remedy a finding calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
#[non_exhaustive]
pub enum Remedy {
    /// Nothing to apply: information, or a prediction that other findings
    /// answer (REQ090).
    None,
    /// An edit of the request's text: the finding's own `fix` (set,
    /// rename, remove); where it has none, the finding is left.
    Edit,
    /// A finding of the request judged with its media (the body with every
    /// asset: REQ018): settled by the media rewrites, not by text edits.
    WithMedia,
    /// The asset's file rewritten into its envelope (format, sides, ratio,
    /// pixels, frame rate, size).
    Rewrite,
    /// A clip of the wrong length: cut (lossy) or padded to its envelope.
    Cut,
    /// All clips of a kind together too long: each cut to its envelope's
    /// `max_length_s` (a finding of the request, not of one clip).
    CutTotal {
        /// `audio` or `video`, as in the envelope's `kind`.
        of: &'static str,
    },
    /// The file holds nothing a rewrite can repair (damaged, encrypted, no
    /// picture track): it must be replaced.
    Replace,
    /// The entry itself must change: where it points, or how.
    Entry,
}

/// The remedy finding `f` calls for.
pub fn remedy(f: &Finding) -> Remedy {
    if f.severity == Severity::Info {
        return Remedy::None;
    }
    match f.code {
        Code::REQ090 => Remedy::None,
        Code::REQ018 => Remedy::WithMedia,
        Code::AUD003 | Code::VID003 => Remedy::Cut,
        Code::AUD004 => Remedy::CutTotal { of: "audio" },
        Code::VID004 => Remedy::CutTotal { of: "video" },
        Code::IMG002 | Code::VID002 | Code::AUD002 | Code::VID009 => Remedy::Replace,
        c => match c.family() {
            "REQ" => Remedy::Edit,
            "IMG" | "VID" | "AUD" => Remedy::Rewrite,
            _ => Remedy::Entry,
        },
    }
}

impl Remedy {
    /// Whether the remedy acts on an asset's file.
    pub fn is_media(self) -> bool {
        matches!(
            self,
            Remedy::Rewrite | Remedy::Cut | Remedy::CutTotal { .. } | Remedy::Replace
        )
    }

    /// Whether the remedy is about a clip's length (or its kind's total).
    pub fn is_length(self) -> bool {
        matches!(self, Remedy::Cut | Remedy::CutTotal { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code has a remedy, and the families fall where `fix` expects.
    #[test]
    fn every_code_has_a_remedy_in_its_family() {
        for &c in Code::ALL {
            let f = Finding::new(c, "m");
            let r = remedy(&Finding {
                severity: Severity::Error,
                ..f
            });
            match c.family() {
                "REQ" => assert!(
                    matches!(r, Remedy::Edit | Remedy::WithMedia | Remedy::None),
                    "{c}"
                ),
                "SRC" => assert_eq!(r, Remedy::Entry, "{c}"),
                _ => assert!(r.is_media(), "{c}"),
            }
        }
    }
}
