//! Reading one file: only regular files, bounded by the document cap, and
//! a `.jsonl` file line by line.

use std::fs;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use super::{extension, Body, Document, Sink, MAX_DOCUMENT_BYTES};
use crate::report::Source;

/// Only regular files are read (after following links): a device can be
/// endless and opening a FIFO blocks until a writer comes. The type is read
/// from the metadata before opening, and again from the open file.
fn regular(meta: &fs::Metadata) -> io::Result<()> {
    match crate::source::not_regular(&meta.file_type()) {
        None => Ok(()),
        Some(what) => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{what}, not a regular file: not read"),
        )),
    }
}

pub(super) fn read_file(path: &Path, each: &mut Sink) -> io::Result<()> {
    let name = path.display().to_string();
    regular(&fs::metadata(path)?)?;
    let file = fs::File::open(path)?;
    regular(&file.metadata()?)?;
    if extension(path).as_deref() == Some("jsonl") {
        return read_jsonl(&name, file, each);
    }
    let size = file.metadata()?.len();
    let body = if size > MAX_DOCUMENT_BYTES {
        Body::TooLarge(size)
    } else {
        read_bounded(&mut &file)?
    };
    each(Ok(Document {
        source: Source::file(&name),
        body,
    }));
    Ok(())
}

/// Reads at most the cap plus one byte: "larger than the cap" is decided
/// without reading the rest (standard input may be endless).
pub(super) fn read_bounded(r: &mut dyn Read) -> io::Result<Body> {
    let mut buf = Vec::new();
    let n = r.take(MAX_DOCUMENT_BYTES + 1).read_to_end(&mut buf)? as u64;
    if n > MAX_DOCUMENT_BYTES {
        return Ok(Body::AtLeast(n));
    }
    Ok(Body::Bytes(buf))
}

/// One document per non-blank line; a line longer than the limit is drained
/// without being kept.
fn read_jsonl(name: &str, file: fs::File, each: &mut Sink) -> io::Result<()> {
    let mut reader = BufReader::new(file);
    let mut line_no = 0;
    loop {
        line_no += 1;
        let mut line = Vec::new();
        let n = (&mut reader)
            .take(MAX_DOCUMENT_BYTES + 1)
            .read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(());
        }
        let source = Source {
            path: name.to_string(),
            line: Some(line_no),
        };
        if line.len() as u64 > MAX_DOCUMENT_BYTES && line.last() != Some(&b'\n') {
            let mut rest = 0u64;
            loop {
                let buf = reader.fill_buf()?;
                if buf.is_empty() {
                    break;
                }
                let (used, done) = match buf.iter().position(|b| *b == b'\n') {
                    Some(i) => (i + 1, true),
                    None => (buf.len(), false),
                };
                rest += used as u64;
                reader.consume(used);
                if done {
                    break;
                }
            }
            each(Ok(Document {
                source,
                body: Body::TooLarge(line.len() as u64 + rest),
            }));
            continue;
        }
        while matches!(line.last(), Some(b'\n' | b'\r')) {
            line.pop();
        }
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        each(Ok(Document {
            source,
            body: Body::Bytes(line),
        }));
    }
}
