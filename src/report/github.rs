//! GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::msg`
//! (`::warning`, `::notice` likewise), escaped as the runner expects.

use std::io::{self, Write};

use super::{RequestReport, Summary};
use crate::finding::Severity;

/// Escapes a command's message: `%`, carriage return and newline.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: as data, plus `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One command per finding.
pub(super) fn render_requests<'a>(
    requests: impl IntoIterator<Item = &'a RequestReport>,
    out: &mut dyn Write,
) -> io::Result<()> {
    for r in requests {
        for f in &r.findings {
            let command = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut props = Vec::new();
            if !r.source.is_virtual() {
                props.push(format!("file={}", escape_property(&r.source.path)));
            }
            match (f.line_col, r.source.line) {
                (Some((l, c)), _) => {
                    props.push(format!("line={l}"));
                    props.push(format!("col={c}"));
                }
                (None, Some(l)) => props.push(format!("line={l}")),
                _ => {}
            }
            props.push(format!(
                "title={}",
                escape_property(&format!("{} {}", f.code, f.code.name()))
            ));
            let mut msg = f.message.clone();
            if let Some(p) = f.pointer.as_deref().filter(|p| !p.is_empty()) {
                msg = format!("{p}: {msg}");
            }
            if let Some(h) = &f.help {
                msg.push_str("\nfix: ");
                msg.push_str(h);
            }
            writeln!(
                out,
                "::{command} {}::{}",
                props.join(","),
                escape_data(&msg)
            )?;
        }
    }
    Ok(())
}

/// A warning per loosened setting, at its file and line.
pub(super) fn render_loosened(
    loosened: &[crate::config::Loosening],
    out: &mut dyn Write,
) -> io::Result<()> {
    for l in loosened {
        let line = l.line.map_or(String::new(), |n| format!(",line={n}"));
        writeln!(
            out,
            "::warning file={}{line},title={}::{}",
            escape_property(&l.file),
            escape_property("seedance-preflight: the gate is loosened"),
            escape_data(&l.to_string())
        )?;
    }
    Ok(())
}

/// The closing notice: the run's counts.
pub(super) fn render_summary(s: &Summary, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "::notice title=seedance-preflight::{} requests: {} passed, {} failed ({} errors, {} warnings, {} infos)",
        s.requests, s.passed, s.failed, s.errors, s.warnings, s.infos
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
