//! Default severities as declared data: the one resolver every finding's
//! default passes through, and the table `explain`, `rules --format json`
//! and SARIF read — so the documented default is the emitted default.
//!
//! A code's default is its catalogue severity ([`Code::default_severity`])
//! unless a row here says otherwise: for the code in every case, or for one
//! named case of it (a rule marks which case fired with
//! [`Finding::case`](crate::Finding::case)). A row's level is fixed, or read
//! from the dialect's limits table (`media_limits_severity`,
//! `http_media_severity`). User overrides (config, flags) come after this,
//! in the verdict stage.

use crate::finding::{Code, Severity};
use crate::spec::{Dialect, DialectSpec, Spec};

/// Where a default level comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DefaultLevel {
    /// Always this severity.
    Fixed(Severity),
    /// The dialect's `media_limits_severity` (pixel, length and size limits).
    MediaLimits,
    /// The dialect's `http_media_severity` (a plain `http://` media URL).
    HttpMedia,
}

/// One declared default.
#[derive(Debug, Clone, Copy)]
pub struct SeverityCase {
    /// The code.
    pub code: Code,
    /// The case (`None`: every finding of the code without a case of its own).
    pub case: Option<&'static str>,
    /// The level.
    pub level: DefaultLevel,
    /// When it applies, for the documentation.
    pub when: &'static str,
}

macro_rules! cases {
    ($( $code:ident $case:expr => $level:expr, $when:literal ;)*) => {
        /// Every declared default that differs from the catalogue, or depends
        /// on the dialect.
        pub const SEVERITY_CASES: &[SeverityCase] = &[ $( SeverityCase {
            code: Code::$code,
            case: $case,
            level: $level,
            when: $when,
        }, )* ];
    };
}

use DefaultLevel::*;
use Severity::{Error, Info, Warning};

cases! {
    REQ002 Some("pattern") => Fixed(Info), "a model id accepted by prefix (an endpoint id), checked as the model the dialect file names";
    REQ004 Some("other-generation") => Fixed(Error), "a field or item type of another model generation, which the model refuses (dialect file `notes`)";
    REQ004 Some("item-type") => Fixed(Error), "an item of the items array (`content[]`) whose `type` the dialect does not define: the provider validates the discriminator, and an item it skipped would be lost silently";
    REQ004 Some("undocumented") => Fixed(Warning), "a field of an older generation, undocumented for this one (dialect file `notes`)";
    REQ005 Some("fraction") => Fixed(Warning), "an accepted duration written as a fraction (`5.0`)";
    REQ010 Some("token-cap") => Fixed(Error), "above the hard token cap";
    REQ012 Some("empty") => Fixed(Warning), "the media array is present but empty";
    REQ013 Some("references") => Fixed(Warning), "more references in all than several sources allow, fewer than the most any allows";
    REQ017 Some("roles") => Fixed(Warning), "items whose roles belong to two modes (a dialect may refuse it: ark `REQ017/roles` = error)";
    REQ017 Some("text-only") => Fixed(Warning), "a field for text-only requests (`text_only_fields`) sent with media";
    REQ014 Some("mixed") => Fixed(Warning), "a mixed media array (open dialect), judged by content";
    SRC001 Some("http") => HttpMedia, "a plain http:// URL";
    SRC006 Some("html") => Fixed(Error), "the server sends an HTML page for a media slot";
    IMG001 Some("listed") => Fixed(Warning), "a format only some sources list for the dialect (`formats_warn`)";
    IMG003 None => MediaLimits, "always";
    IMG004 None => MediaLimits, "always";
    IMG005 None => MediaLimits, "always";
    VID003 None => MediaLimits, "always";
    VID004 None => MediaLimits, "always";
    VID005 None => MediaLimits, "always";
    VID006 None => MediaLimits, "always";
    VID007 None => MediaLimits, "one file above the limit";
    VID007 Some("total") => Fixed(Warning), "all videos together above the total some mirrors enforce";
    AUD003 None => MediaLimits, "always";
    AUD004 None => MediaLimits, "always";
    AUD005 None => MediaLimits, "one file above the limit";
    AUD005 Some("total") => Fixed(Warning), "all audio together above the total some mirrors enforce";
}

impl DefaultLevel {
    /// The severity in a dialect.
    pub fn in_dialect(self, d: &DialectSpec) -> Severity {
        match self {
            Fixed(s) => s,
            MediaLimits => d.media_limits_severity,
            HttpMedia => d.http_media_severity,
        }
    }
}

/// The default severity of a finding: by code, case and dialect (`None`
/// for a document that is not a request: the catalogue's default).
pub fn default_severity(code: Code, case: Option<&str>, dialect: Option<&DialectSpec>) -> Severity {
    // The dialect file's own table first: `CODE/case`, then `CODE`.
    if let Some(d) = dialect {
        let own = case
            .and_then(|c| d.severity.get(&format!("{code}/{c}")))
            .or_else(|| d.severity.get(code.as_str()));
        if let Some(s) = own {
            return *s;
        }
    }
    let row = SEVERITY_CASES
        .iter()
        .find(|c| c.code == code && c.case.is_some() && c.case == case)
        .or_else(|| {
            SEVERITY_CASES
                .iter()
                .find(|c| c.code == code && c.case.is_none())
        });
    match (row, dialect) {
        (Some(r), Some(d)) => r.level.in_dialect(d),
        (
            Some(SeverityCase {
                level: Fixed(s), ..
            }),
            None,
        ) => *s,
        _ => code.default_severity(),
    }
}

/// A declared default with its severity per dialect: `(case, when, levels)`.
pub type Declared = (Option<String>, String, Vec<(Dialect, Severity)>);

/// The declared defaults of a code, each with its severity per dialect.
pub fn declared(code: Code, spec: &Spec) -> Vec<Declared> {
    let levels = |case: Option<&str>| -> Vec<(Dialect, Severity)> {
        spec.dialects()
            .iter()
            .map(|d| (Dialect::new(&d.id), default_severity(code, case, Some(d))))
            .collect()
    };
    let mut out: Vec<Declared> = SEVERITY_CASES
        .iter()
        .filter(|c| c.code == code)
        .map(|c| {
            (
                c.case.map(str::to_string),
                c.when.to_string(),
                levels(c.case),
            )
        })
        .collect();
    // Rows only a dialect file declares.
    let mut extra = std::collections::BTreeSet::new();
    for d in spec.dialects() {
        for key in d.severity.keys() {
            let (c, case) = key
                .split_once('/')
                .map_or((key.as_str(), None), |(c, k)| (c, Some(k)));
            let known = out.iter().any(|(k, _, _)| k.as_deref() == case);
            if c == code.as_str() && !known {
                extra.insert(case.map(str::to_string));
            }
        }
    }
    for case in extra {
        let per = levels(case.as_deref());
        out.push((case, "as the dialect file declares".to_string(), per));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A code-wide row agrees with the catalogue in the default (unified)
    /// dialect, so `Code::default_severity` and SARIF stay true.
    #[test]
    fn code_wide_rows_match_the_catalogue_in_the_unified_dialect() {
        let unified = Spec::builtin().dialect(Dialect::UNIFIED);
        for c in SEVERITY_CASES.iter().filter(|c| c.case.is_none()) {
            assert_eq!(
                c.level.in_dialect(unified),
                c.code.default_severity(),
                "{}",
                c.code
            );
        }
        let open = Spec::builtin().dialect(Dialect::OPEN);
        assert_eq!(default_severity(Code::IMG003, None, Some(open)), Warning);
        assert_eq!(
            default_severity(Code::VID007, Some("total"), Some(unified)),
            Warning
        );
        assert_eq!(
            default_severity(Code::SRC001, Some("http"), Some(unified)),
            Warning
        );
        assert_eq!(
            default_severity(Code::SRC001, Some("http"), Some(open)),
            Error
        );
        assert_eq!(default_severity(Code::SRC001, None, Some(unified)), Error);
    }
}
