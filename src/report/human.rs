//! Text for a person: grouped per request, one block per finding with code,
//! location, message and fix; colour only when asked for.

use std::io::{self, Write};

use crate::finding::Severity;

/// Whether to colour the output (the caller decides: terminal, `NO_COLOR`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HumanStyle {
    /// Plain text.
    Plain,
    /// ANSI colours.
    Color,
}

struct Paint(HumanStyle);

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        match self.0 {
            HumanStyle::Plain => text.to_string(),
            HumanStyle::Color => format!("\x1b[{code}m{text}\x1b[0m"),
        }
    }
    fn severity(&self, s: Severity) -> String {
        let code = match s {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
        };
        self.wrap(code, s.as_str())
    }
}

/// The requests' lines, without the summary (streamed in chunks); with
/// `facts`, each request's facts too (the predicted output, and what was
/// probed of each asset).
pub(super) fn render_requests<'a>(
    requests: impl IntoIterator<Item = &'a super::RequestReport>,
    style: HumanStyle,
    facts: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let p = Paint(style);
    for r in requests {
        let verdict = if r.failed {
            p.wrap("1;31", "FAIL")
        } else {
            p.wrap("1;32", "PASS")
        };
        let what = match (&r.dialect, &r.model) {
            (Some(d), Some(m)) => format!(" ({d} dialect, {m})"),
            (Some(d), None) => format!(" ({d} dialect)"),
            _ => String::new(),
        };
        writeln!(
            out,
            "{verdict} {}{}",
            p.wrap("1", &printable(&r.source.display())),
            printable(&what)
        )?;
        if facts {
            render_facts(r, &p, out)?;
        }
        for f in &r.findings {
            let loc = match (f.line_col, f.pointer.as_deref()) {
                _ if f.flag.is_some() => format!(
                    "{} {}",
                    f.flag.as_deref().unwrap_or_default(),
                    f.pointer.as_deref().unwrap_or_default()
                ),
                (Some((l, c)), Some(ptr)) if !ptr.is_empty() => {
                    format!("{}:{l}:{c} {ptr}", r.source.path)
                }
                (Some((l, c)), _) => format!("{}:{l}:{c}", r.source.path),
                (None, _) => r.source.display(),
            };
            writeln!(
                out,
                "  {}[{}] {}: {}",
                p.severity(f.severity),
                p.wrap("1", f.code.as_str()),
                f.code.name(),
                printable(&f.message)
            )?;
            writeln!(out, "    {} {}", p.wrap("2", "-->"), printable(&loc))?;
            if let Some(help) = &f.help {
                writeln!(out, "    {} {}", p.wrap("32", "fix:"), printable(help))?;
            }
        }
    }
    Ok(())
}

/// A request's facts: the predicted output (REQ090), then each probed
/// asset, a video with its codec (VID008).
fn render_facts(r: &super::RequestReport, p: &Paint, out: &mut dyn Write) -> io::Result<()> {
    let label = p.wrap("1;34", "fact");
    if let Some(pred) = &r.predicted {
        writeln!(out, "  {label}[REQ090] {}", printable(&pred.describe()))?;
    }
    for (a, f) in r.assets.iter().zip(&r.facts) {
        let Some(f) = f.as_ref().filter(|f| !f.unopened()) else {
            continue;
        };
        let mut line = format!("{}: {}", a.pointer, f.describe_parts().join(", "));
        let mut code = "";
        if let Some((_, name, decoded)) = f.video_codec() {
            code = "[VID008]";
            line.push_str(&format!(
                "; codec {name}{}",
                if decoded {
                    ", which the provider decodes"
                } else {
                    ": the provider does not document it (transcode to H.264 to be safe)"
                }
            ));
        }
        writeln!(out, "  {label}{code} {}", printable(&line))?;
    }
    Ok(())
}

/// Text from a request (member names, values, paths) with control
/// characters escaped, so a key holding `\u001b[31m` cannot drive the
/// terminal.
fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return s.into();
    }
    super::escape_controls(s).into()
}

/// The closing summary line.
pub(super) fn render_summary(s: &super::Summary, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "{} request{}: {} passed, {} failed ({} error{}, {} warning{}, {} info)",
        s.requests,
        if s.requests == 1 { "" } else { "s" },
        s.passed,
        s.failed,
        s.errors,
        if s.errors == 1 { "" } else { "s" },
        s.warnings,
        if s.warnings == 1 { "" } else { "s" },
        s.infos
    )
}
