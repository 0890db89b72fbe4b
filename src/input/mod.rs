//! Turning command-line PATHs into request documents: a JSON file, `-` (standard
//! input), a directory (every `*.json` below it, sorted), or a `.jsonl` file (one
//! request per non-blank line).
//!
//! Reads are bounded: a document larger than [`MAX_DOCUMENT_BYTES`] is not read
//! whole — it is reported as too large (REQ018) from its size alone.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::report::Source;

mod read;
use read::{read_bounded, read_file};

/// The largest request document read into memory: the service's body limit is
/// 64 MB, so anything above this is rejected without being parsed.
pub const MAX_DOCUMENT_BYTES: u64 = 100_000_000;

/// One request body and where it came from.
#[derive(Debug)]
pub struct Document {
    /// Path (and JSONL line).
    pub source: Source,
    /// The bytes, or the size of a document too large to read.
    pub body: Body,
}

impl Document {
    /// The body as text, without a UTF-8 byte-order mark: what `fix` edits.
    /// `None` for a body not read whole, or not UTF-8.
    pub fn text(&self) -> Option<String> {
        match &self.body {
            Body::Bytes(b) => std::str::from_utf8(b)
                .ok()
                .map(|s| s.strip_prefix('\u{feff}').unwrap_or(s).to_string()),
            _ => None,
        }
    }
}

/// The content of a document.
#[derive(Debug)]
pub enum Body {
    /// The whole document.
    Bytes(Vec<u8>),
    /// Not read: larger than [`MAX_DOCUMENT_BYTES`]; its size.
    TooLarge(u64),
    /// Not read past the cap: a stream or line longer than
    /// [`MAX_DOCUMENT_BYTES`], of unknown length (at least this many bytes).
    /// The rest is never read, so an endless input cannot hang the tool.
    AtLeast(u64),
}

/// A PATH that could not be read: the tool cannot do its job (exit 2).
#[derive(Debug)]
pub struct InputError {
    /// The PATH as given.
    pub path: String,
    /// Why.
    pub error: io::Error,
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.error)
    }
}

/// Expands PATHs into documents, in order. `stdin` is read for `-`. Errors are
/// collected, not fatal, so that the other PATHs are still checked.
pub fn expand(paths: &[String], stdin: &mut dyn Read) -> (Vec<Document>, Vec<InputError>) {
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    expand_each(paths, stdin, &mut |item| match item {
        Ok(d) => docs.push(d),
        Err(e) => errors.push(e),
    });
    (docs, errors)
}

/// Which files a walk of a folder takes (files named explicitly are always
/// read).
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Globs (gitignore-like: `node_modules`, `**/golden.json`, `fixtures/*`)
    /// matched against the path below the walked folder and each of its
    /// parent folders: a match is not walked.
    pub exclude: Vec<String>,
    /// Globs that select files besides `*.json` / `*.jsonl`; a file they
    /// match is judged even when it does not look like a request.
    pub include: Vec<String>,
    /// The name standard input (`-`) is reported under.
    pub stdin_name: Option<String>,
    /// For untrusted checkouts (`--isolated`): obey no `.gitignore`,
    /// `.ignore` or `.git/info/exclude` file and walk hidden files and
    /// folders too (only `.git` itself is skipped), so that nothing the
    /// checkout holds can hide a request from the gate.
    pub isolated: bool,
}

/// What a walk left out.
#[derive(Debug, Default)]
pub struct Walked {
    /// `.json` files that parse as an object with neither `model` nor
    /// `prompt` (`package.json`, `tsconfig.json`): not requests.
    pub not_requests: Vec<String>,
}

/// Like [`expand`], but hands each document (or error) to `each` as soon as
/// it is read: a JSONL file of a million lines is never held whole, so a
/// caller can check and report in bounded chunks.
pub fn expand_each(
    paths: &[String],
    stdin: &mut dyn Read,
    each: &mut dyn FnMut(Result<Document, InputError>),
) {
    // The default selection has valid (empty) globs.
    let _ = expand_selected(paths, stdin, &Selection::default(), each);
}

/// [`expand_each`] with a [`Selection`]: folders are walked as ripgrep and
/// ruff walk them (`.gitignore`, `.ignore` and `.git/info/exclude` obeyed,
/// hidden files and folders skipped, links to folders not followed), minus
/// `exclude`, and a walked `.json` file that is an object with neither
/// `model` nor `prompt` is left out (counted in [`Walked`]). `Err` when a
/// glob does not parse.
pub fn expand_selected(
    paths: &[String],
    stdin: &mut dyn Read,
    sel: &Selection,
    each: &mut dyn FnMut(Result<Document, InputError>),
) -> Result<Walked, String> {
    let globs = |list: &[String], what: &str| -> Result<globset::GlobSet, String> {
        let mut b = globset::GlobSetBuilder::new();
        for g in list {
            b.add(
                globset::GlobBuilder::new(g.trim_end_matches('/'))
                    .literal_separator(true)
                    .build()
                    .map_err(|e| format!("--{what} `{g}`: {e}"))?,
            );
        }
        b.build().map_err(|e| format!("--{what}: {e}"))
    };
    let exclude = globs(&sel.exclude, "exclude")?;
    let include = globs(&sel.include, "include")?;
    let mut walked = Walked::default();
    for p in paths {
        let r = if p == "-" {
            let name = sel.stdin_name.as_deref().unwrap_or("-");
            read_bounded(stdin).map(|body| stdin_documents(name, body, each))
        } else {
            expand_path(
                Path::new(p),
                (&exclude, &include, sel.isolated),
                &mut walked,
                each,
            )
        };
        if let Err(error) = r {
            each(Err(InputError {
                path: p.clone(),
                error,
            }));
        }
    }
    Ok(walked)
}

type Sink<'a> = dyn FnMut(Result<Document, InputError>) + 'a;

/// Standard input is one document, or JSONL when it is not one JSON value
/// but its first non-blank line is: then each non-blank line is a request
/// (with its line number).
fn stdin_documents(name: &str, body: Body, each: &mut Sink) {
    let Body::Bytes(bytes) = body else {
        return each(Ok(Document {
            source: Source::file(name),
            body,
        }));
    };
    let whole = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(&bytes);
    let lines: Vec<(usize, &[u8])> = whole
        .split(|b| *b == b'\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix(b"\r").unwrap_or(l)))
        .filter(|(_, l)| !l.iter().all(|b| b.is_ascii_whitespace()))
        .collect();
    let jsonl = lines.len() > 1
        && crate::json::parse(whole).is_err()
        && crate::json::parse(lines[0].1).is_ok();
    if !jsonl {
        return each(Ok(Document {
            source: Source::file(name),
            body: Body::Bytes(bytes),
        }));
    }
    for (line, l) in lines {
        each(Ok(Document {
            source: Source {
                path: name.to_string(),
                line: Some(line),
            },
            body: Body::Bytes(l.to_vec()),
        }));
    }
}

fn expand_path(
    path: &Path,
    (exclude, include, isolated): (&globset::GlobSet, &globset::GlobSet, bool),
    walked: &mut Walked,
    each: &mut Sink,
) -> io::Result<()> {
    // Follows links: a link to a folder is walked, a link to a device or a
    // FIFO is refused before anything opens it.
    let meta = fs::metadata(path)?;
    if !meta.is_dir() {
        return read_file(path, each);
    }
    let mut files = Vec::new();
    let mut errors = Vec::new();
    walk(path, (exclude, include, isolated), &mut files, &mut errors);
    for e in errors {
        each(Err(e));
    }
    files.sort();
    if files.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            "no *.json or *.jsonl file below this directory (after .gitignore and --exclude)",
        ));
    }
    for (f, judged_always) in files {
        let mut skip = |doc: Result<Document, InputError>| match doc {
            Ok(d) if !judged_always && !looks_like_request(&d) => {
                walked.not_requests.push(d.source.path)
            }
            other => each(other),
        };
        if let Err(error) = read_file(&f, &mut skip) {
            each(Err(InputError {
                path: f.display().to_string(),
                error,
            }));
        }
    }
    Ok(())
}

/// A walked document is judged unless it parses as a JSON object with
/// neither `model` nor `prompt` (a JSONL line, a document too large to read,
/// invalid JSON and any non-object are judged: a broken request must not
/// pass unseen).
fn looks_like_request(d: &Document) -> bool {
    if d.source.line.is_some() {
        return true;
    }
    let Body::Bytes(b) = &d.body else {
        return true;
    };
    let b = b.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(b);
    match crate::json::parse(b) {
        Ok(crate::json::Node {
            value: crate::json::Value::Object(members),
            ..
        }) => members
            .iter()
            .any(|m| m.key == "model" || m.key == "prompt"),
        _ => true,
    }
}

/// Collects request candidates below `dir` with the `ignore` crate: `*.json`
/// and `*.jsonl` files, and files `include` matches (judged always).
fn walk(
    dir: &Path,
    (exclude, include, isolated): (&globset::GlobSet, &globset::GlobSet, bool),
    files: &mut Vec<(PathBuf, bool)>,
    errors: &mut Vec<InputError>,
) {
    let root = dir.to_path_buf();
    let excluded = {
        let exclude = exclude.clone();
        let root = root.clone();
        move |p: &Path| {
            let rel = p.strip_prefix(&root).unwrap_or(p);
            // The path below the walked folder, each parent, and each one's
            // own name: `node_modules` excludes that folder at any depth.
            !exclude.is_empty()
                && rel.ancestors().any(|a| {
                    !a.as_os_str().is_empty()
                        && (exclude.is_match(a)
                            || a.file_name().is_some_and(|n| exclude.is_match(n)))
                })
        }
    };
    let filter = excluded.clone();
    let obey = !isolated;
    let walker = ignore::WalkBuilder::new(dir)
        .hidden(obey)
        .parents(obey)
        .ignore(obey)
        .git_ignore(obey)
        .git_exclude(obey)
        .git_global(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry(move |e| {
            let git = isolated && e.depth() > 0 && e.file_name() == ".git";
            !git && !filter(e.path())
        })
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                errors.push(InputError {
                    path: dir.display().to_string(),
                    error: io::Error::other(e.to_string()),
                });
                continue;
            }
        };
        let Some(t) = entry.file_type() else { continue };
        if t.is_dir() || entry.depth() == 0 {
            continue;
        }
        let path = entry.path();
        if excluded(path) {
            continue;
        }
        let rel = path.strip_prefix(&root).unwrap_or(path);
        let included = !include.is_empty()
            && (include.is_match(rel) || path.file_name().is_some_and(|n| include.is_match(n)));
        if included || matches!(extension(path).as_deref(), Some("json" | "jsonl")) {
            files.push((path.to_path_buf(), included));
        }
    }
}

fn extension(path: &Path) -> Option<String> {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
}
