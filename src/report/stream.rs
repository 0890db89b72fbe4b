//! Reports written as the run goes: each request as soon as it is judged,
//! then the closing summary, so that a run of a million requests keeps none
//! of them for its output. JUnit, whose header counts the whole run, writes
//! its suites to a temporary file as the run goes, then the header, the
//! suites and the end. [`render`](super::render) writes a whole report
//! through this same path, so a streamed output and a whole one are the
//! same bytes.

use std::io::{self, Write};

use super::{github, human, json, junit, sarif, OutputFormat, RequestReport, Summary};
use crate::outfile::Spill;

/// A report being written request by request ([`Stream::requests`]), closed
/// by [`Stream::finish`].
pub struct Stream {
    format: OutputFormat,
    /// For the JSON and SARIF documents: their one growing array, once its
    /// opening has been written.
    array: Option<OpenArray>,
    /// For JUnit: the suites written so far (a temporary file, made at the
    /// first request) and the run's counts.
    junit: Option<(Spill, usize, usize)>,
}

/// An array of a pretty-printed document whose opening is written.
#[derive(Clone, Copy)]
struct OpenArray {
    /// Spaces before the array's member name (its elements sit 2 deeper).
    indent: usize,
    /// Elements written so far.
    written: usize,
}

impl Stream {
    /// A stream in `format` (every format streams; the `Option` is kept
    /// for callers of earlier versions).
    pub fn new(format: OutputFormat) -> Option<Stream> {
        format.streams().then_some(Stream {
            format,
            array: None,
            junit: None,
        })
    }

    /// Writes requests as they are judged.
    pub fn requests<'a>(
        &mut self,
        requests: impl IntoIterator<Item = &'a RequestReport>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        match self.format {
            OutputFormat::Human(style) => human::render_requests(requests, style, false, out),
            OutputFormat::Verbose(style) => human::render_requests(requests, style, true, out),
            OutputFormat::Github => github::render_requests(requests, out),
            OutputFormat::Jsonl => {
                for r in requests {
                    serde_json::to_writer(&mut *out, r)?;
                    writeln!(out)?;
                }
                Ok(())
            }
            OutputFormat::Json => {
                for r in requests {
                    self.element(r, out)?;
                }
                Ok(())
            }
            OutputFormat::Sarif => {
                for r in requests {
                    for result in sarif::results(r) {
                        self.element(&result, out)?;
                    }
                }
                Ok(())
            }
            OutputFormat::Junit => {
                let (spill, cases, failures) = match &mut self.junit {
                    Some(j) => j,
                    None => self.junit.insert((Spill::new()?, 0, 0)),
                };
                let mut w = io::BufWriter::new(&mut spill.file);
                for r in requests {
                    let (c, f) = junit::counts(r);
                    *cases += c;
                    *failures += f;
                    junit::render_suites([r], &mut w)?;
                }
                w.flush()
            }
        }
    }

    /// Writes the closing summary and what the settings loosen (and
    /// closes the document): JSON `loosened`, SARIF
    /// `invocations[].toolConfigurationNotifications`, GitHub warnings,
    /// a JSONL summary member. Human output leaves them to standard error.
    pub fn finish(
        mut self,
        summary: &Summary,
        loosened: &[crate::config::Loosening],
        out: &mut dyn Write,
    ) -> io::Result<()> {
        match self.format {
            OutputFormat::Human(_) | OutputFormat::Verbose(_) => {
                human::render_summary(summary, out)
            }
            OutputFormat::Github => {
                github::render_loosened(loosened, out)?;
                github::render_summary(summary, out)
            }
            OutputFormat::Jsonl => {
                let mut line =
                    serde_json::json!({"version": json::WIRE_VERSION, "summary": summary});
                if !loosened.is_empty() {
                    line["loosened"] = serde_json::to_value(loosened)?;
                }
                serde_json::to_writer(&mut *out, &line)?;
                writeln!(out)
            }
            OutputFormat::Json => self.close(&json::skeleton(summary, loosened)?, json::ARRAY, out),
            OutputFormat::Sarif => self.close(&sarif::skeleton(loosened)?, sarif::ARRAY, out),
            OutputFormat::Junit => {
                use std::io::Seek;
                match self.junit.take() {
                    None => junit::render_header(0, 0, out)?,
                    Some((mut spill, cases, failures)) => {
                        junit::render_header(cases, failures, out)?;
                        spill.file.seek(io::SeekFrom::Start(0))?;
                        io::copy(&mut spill.file, out)?;
                    }
                }
                junit::render_footer(out)
            }
        }
    }

    /// The document around the growing array, that array empty.
    fn skeleton(&self) -> io::Result<(String, &'static str)> {
        match self.format {
            // The summary follows the requests: any will do for the opening.
            OutputFormat::Json => Ok((json::skeleton(&Summary::default(), &[])?, json::ARRAY)),
            _ => Ok((sarif::skeleton(&[])?, sarif::ARRAY)),
        }
    }

    /// Writes one element of the growing array (its opening first).
    fn element(&mut self, value: &impl serde::Serialize, out: &mut dyn Write) -> io::Result<()> {
        let array = match self.array {
            Some(a) => a,
            None => {
                let (doc, key) = self.skeleton()?;
                let (before, _, indent) = around(&doc, key)?;
                out.write_all(before.as_bytes())?;
                let a = OpenArray { indent, written: 0 };
                self.array = Some(a);
                a
            }
        };
        let pad = " ".repeat(array.indent + 2);
        let text = serde_json::to_string_pretty(value)?;
        out.write_all(if array.written == 0 { b"\n" } else { b",\n" })?;
        out.write_all(pad.as_bytes())?;
        // A JSON string holds no raw newline: every one is layout.
        out.write_all(text.replace('\n', &format!("\n{pad}")).as_bytes())?;
        self.array = Some(OpenArray {
            written: array.written + 1,
            ..array
        });
        Ok(())
    }

    /// Closes the array and writes the rest of the document.
    fn close(&mut self, doc: &str, key: &str, out: &mut dyn Write) -> io::Result<()> {
        let (before, after, indent) = around(doc, key)?;
        match &self.array {
            None => out.write_all(before.as_bytes())?,
            Some(a) if a.written > 0 => write!(out, "\n{}", " ".repeat(indent))?,
            Some(_) => {}
        }
        out.write_all(b"]")?;
        out.write_all(after.as_bytes())?;
        writeln!(out)
    }
}

/// Splits a pretty-printed document at its empty array `key`: the text up
/// to and with the `[`, the text after the `]`, and the spaces before the
/// member name. The member is found at the start of a line, where no string
/// value can put it.
fn around<'d>(doc: &'d str, key: &str) -> io::Result<(&'d str, &'d str, usize)> {
    let member = format!("\"{key}\": [");
    let mut at = 0;
    for line in doc.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if line[indent..].starts_with(&member) && line[indent + member.len()..].starts_with(']') {
            let open = at + indent + member.len();
            return Ok((&doc[..open], &doc[open + 1..], indent));
        }
        at += line.len();
    }
    Err(io::Error::other(format!(
        "the report's skeleton has no empty `{key}` array"
    )))
}
