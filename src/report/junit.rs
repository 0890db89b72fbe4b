//! JUnit XML: one `<testsuite>` per request, one failing `<testcase>` per
//! error finding, one passing case for a request without errors. Warnings and
//! infos go to the suite's `<system-out>`, so CI dashboards show them without
//! failing on them.

use std::io::{self, Write};

use crate::finding::Severity;

/// XML text with `&`, `<`, `>`, quotes escaped and characters XML 1.0 forbids
/// (control characters other than tab, newline, return) dropped.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The number of test cases a request makes, and its failures.
pub(super) fn counts(r: &crate::report::RequestReport) -> (usize, usize) {
    let errors = r.count(Severity::Error);
    (errors.max(1), errors)
}

/// The document's opening, with the run's counts.
pub(super) fn render_header(cases: usize, failures: usize, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="seedance-preflight" tests="{cases}" failures="{failures}" errors="0">"#
    )
}

/// The document's end.
pub(super) fn render_footer(out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "</testsuites>")
}

/// One `<testsuite>` per request.
pub(super) fn render_suites<'a>(
    requests: impl IntoIterator<Item = &'a crate::report::RequestReport>,
    out: &mut dyn Write,
) -> io::Result<()> {
    for r in requests {
        let name = esc(&r.source.display());
        let errors: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        writeln!(
            out,
            r#"  <testsuite name="{name}" tests="{}" failures="{}" errors="0" skipped="0">"#,
            errors.len().max(1),
            errors.len()
        )?;
        if errors.is_empty() {
            writeln!(
                out,
                r#"    <testcase classname="seedance-preflight" name="{name}: passes preflight" file="{}"/>"#,
                esc(&r.source.path)
            )?;
        }
        for f in &errors {
            let loc = f
                .pointer
                .as_deref()
                .filter(|p| !p.is_empty())
                .unwrap_or("request");
            let line = f
                .line_col
                .map_or(String::new(), |(l, _)| format!(r#" line="{l}""#));
            writeln!(
                out,
                r#"    <testcase classname="seedance-preflight.{}" name="{} {} {}" file="{}"{line}>"#,
                f.code.family(),
                f.code,
                f.code.name(),
                esc(loc),
                esc(&r.source.path)
            )?;
            let mut body = f.message.clone();
            if let Some(h) = &f.help {
                body.push_str("\nfix: ");
                body.push_str(h);
            }
            if let Some((l, c)) = f.line_col {
                body.push_str(&format!("\nat {}:{l}:{c}", r.source.path));
            }
            writeln!(
                out,
                r#"      <failure type="{}" message="{}">{}</failure>"#,
                f.code,
                esc(&f.message),
                esc(&body)
            )?;
            writeln!(out, "    </testcase>")?;
        }
        let others: Vec<String> = r
            .findings
            .iter()
            .filter(|f| f.severity != Severity::Error)
            .map(|f| {
                format!(
                    "{}[{}] {} {}",
                    f.severity,
                    f.code,
                    f.pointer.as_deref().unwrap_or(""),
                    f.message
                )
            })
            .collect();
        if !others.is_empty() {
            writeln!(
                out,
                "    <system-out>{}</system-out>",
                esc(&others.join("\n"))
            )?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    Ok(())
}
