//! Findings, severities and the registry of rule codes.
//!
//! The codes are a contract with users: they are added, never renumbered or
//! reused. `Code::ALL` is snapshotted by a test so that an accidental rename fails.

use serde::{Deserialize, Serialize};
use std::fmt;

mod codes;
mod data;

pub use codes::Code;
pub use data::{Amount, Fix, Limit, Measured, Reencode, Unit};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A fact worth showing (predicted output size, billable seconds).
    Info,
    /// Likely accepted but likely to go wrong (distortion, cropping, ambiguity).
    Warning,
    /// The service would reject the request.
    Error,
}

impl Severity {
    /// `info`, `warning` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing found wrong (or worth knowing) about a request.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The stable rule code.
    pub code: Code,
    /// The severity after overrides.
    pub severity: Severity,
    /// What was measured and what the limit is.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// JSON pointer of the value concerned (`/image_urls/1`), if any.
    pub pointer: Option<String>,
    /// Byte offset of that value in the request text, if known.
    pub offset: Option<usize>,
    /// 1-based line and column in the source file, if known.
    pub line_col: Option<(usize, usize)>,
    /// Index into the request's assets, when the finding is about one asset.
    pub asset: Option<usize>,
    /// Which of the code's declared severity cases fired (`"fraction"` for
    /// REQ005 on `5.0`); the default severity is looked up by code, case and
    /// dialect in one place (`rules::default_severity`).
    pub case: Option<&'static str>,
    /// Byte offset just past the value concerned (with `offset`, its span).
    pub end: Option<usize>,
    /// 1-based line and column of `end`, if known.
    pub end_line_col: Option<(usize, usize)>,
    /// What was measured, as data.
    pub measured: Option<Measured>,
    /// The limit broken, as data.
    pub limit: Option<Limit>,
    /// A machine-readable remedy, where one exists.
    pub fix: Option<Fix>,
    /// For a request built from command-line flags: the flag the value
    /// came from (`--video #1`), which is where a person looks instead of a
    /// line of a document they never saw.
    pub flag: Option<String>,
}

impl Finding {
    /// A finding with the code's default severity and no location.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Finding {
            code,
            severity: code.default_severity(),
            message: message.into(),
            help: None,
            pointer: None,
            offset: None,
            line_col: None,
            asset: None,
            case: None,
            end: None,
            end_line_col: None,
            measured: None,
            limit: None,
            fix: None,
            flag: None,
        }
    }

    /// Records what was measured.
    pub fn measured(mut self, value: impl Into<Amount>, unit: Unit) -> Self {
        self.measured = Some(Measured {
            value: value.into(),
            unit,
        });
        self
    }

    /// Records the limit broken.
    pub fn limit(mut self, limit: Limit) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Records a machine-readable remedy.
    pub fn fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// Names the declared severity case that fired.
    pub fn case(mut self, case: &'static str) -> Self {
        self.case = Some(case);
        self
    }

    /// Sets the end of the value's span (byte offset past its last byte).
    pub fn until(mut self, end: usize) -> Self {
        self.end = Some(end);
        self
    }

    /// Sets the fix.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the location: JSON pointer and byte offset.
    pub fn at(mut self, pointer: impl Into<String>, offset: usize) -> Self {
        self.pointer = Some(pointer.into());
        self.offset = Some(offset);
        self
    }

    /// Sets the location to a parsed JSON value: pointer, offset and end.
    pub fn at_node(self, pointer: impl Into<String>, node: &crate::json::Node) -> Self {
        self.at(pointer, node.offset).until(node.end)
    }

    /// Overrides the default severity (for rules whose severity depends on the case).
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Marks the finding as being about one asset.
    pub fn asset(mut self, index: usize) -> Self {
        self.asset = Some(index);
        self
    }
}
