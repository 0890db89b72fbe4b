//! SRC — getting the bytes: what each entry points at (scheme, private
//! hosts, secrets, inline data: REQ019), and what opening it showed (HTTP
//! failures, HTML pages, Content-Type, unknown size, missing files). The one
//! place where a typed [`OpenError`] becomes a code.

use super::common::{at_asset, content_type};
use super::Ctx;
use crate::addr::{classify_media_ref, credentials_in_url, host_not_public, MediaRef};
use crate::finding::{Code, Finding};
use crate::probe::{Format, Kind, MediaFacts};
use crate::request::AssetRef;
use crate::source::http::RemoteFacts;
use crate::source::OpenError;

/// SRC001, SRC002, SRC007, REQ019 from the request text; SRC002–SRC006,
/// SRC008 and SRC009 from what opening each asset showed.
pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (i, a) in ctx.req.assets.iter().enumerate() {
        entry(ctx, i, a, out);
        let Some(f) = ctx.facts.get(i).copied().flatten() else {
            continue;
        };
        let at = at_asset(i, a);
        if let Some(remote) = &f.remote {
            if !remote_ok(a, f, remote, out, &at) {
                continue;
            }
        }
        // Not opened at all (a URL's failures are `remote_ok`'s): one place
        // for every reason, under the code `open_code` gives it.
        if let (Some(crate::probe::ProbeError::Open(e)), None) = (&f.problem, &f.remote) {
            let code = e.code();
            let finding = match code {
                Code::SRC008 => Finding::new(
                    code,
                    format!("`{}` names `{}`, which cannot be opened: {e}", a.pointer, a.uri),
                )
                .help("fix the path (a relative path is read from the request file's folder; for standard input or a request built from flags, from the current folder)"),
                Code::SRC001 => Finding::new(code, format!("`{}` names `{}`: {e}", a.pointer, a.uri))
                    .help("keep media inside the media root, or pass an https:// URL"),
                // A reason of the run: its deadline, the URL cap, a build
                // without the HTTP client.
                _ => Finding::new(code, format!("`{}`: {e}", a.uri)).help(
                    "run again with a later --deadline or a higher --max-urls, or check the URL yourself",
                ),
            };
            out.push(at(finding));
        }
    }
}

fn entry(ctx: &Ctx, index: usize, a: &AssetRef, out: &mut Vec<Finding>) {
    let at = |f: Finding| f.at(&a.pointer, a.offset).asset(index);
    let inline = "upload the file to public object storage and pass its https:// URL";
    match classify_media_ref(&a.uri) {
        MediaRef::Https(url) | MediaRef::Http(url) if host_not_public(&url).is_some() => {
            let why = host_not_public(&url).unwrap_or_default();
            out.push(at(Finding::new(
                Code::SRC002,
                format!("`{}`: {why}; the service fetches from the public internet and cannot reach it", a.pointer),
            )
            .help("host the file on a public server or object storage")));
            secrets(&url, out, at);
        }
        MediaRef::Https(url) => secrets(&url, out, at),
        MediaRef::Http(url) => {
            out.push(at(Finding::new(
                Code::SRC001,
                format!("`{}` is plain http://; the {} dialect expects https://", a.pointer, ctx.req.dialect),
            )
            .case("http")
            .help("serve the file over https://")));
            secrets(&url, out, at);
        }
        MediaRef::Local(path) if !ctx.opts.allow_local_paths => out.push(at(Finding::new(
            Code::SRC001,
            format!("`{}` is a local path (`{path}`); the service fetches only http(s) URLs", a.pointer),
        )
        .help("upload the file and pass its https:// URL, or run without --require-urls to check local files"))),
        MediaRef::Local(_) => {}
        MediaRef::DataUri if ctx.spec.inline_data.contains(&a.kind) => {}
        MediaRef::OtherScheme(s) if ctx.spec.unverifiable_schemes.contains(&s) => out.push(at(Finding::new(
            Code::SRC010,
            format!("`{}` names `{}`, an asset in the provider's own library: it cannot be checked here", a.pointer, a.uri),
        )
        .help("nothing to fix; pass the file's https:// URL instead to have it checked"))),
        MediaRef::DataUri => out.push(at(Finding::new(
            Code::REQ019,
            match ctx.spec.inline_data.is_empty() {
                true => format!("`{}` is a data: URI; inline media are not supported", a.pointer),
                false => format!("`{}` is a data: URI; the {} dialect takes inline {} but not {}", a.pointer, ctx.req.dialect, crate::spec::join_or(&ctx.spec.inline_data.iter().map(|k| k.as_str().to_string()).collect::<Vec<_>>()), a.kind.as_str()),
            },
        )
        .help(inline))),
        MediaRef::Blob => out.push(at(Finding::new(
            Code::REQ019,
            format!("`{}` is a blob: URL, which exists only inside one browser tab", a.pointer),
        )
        .help(inline))),
        MediaRef::RawBase64 => out.push(at(Finding::new(
            Code::REQ019,
            format!("`{}` looks like raw Base64 data ({} characters); inline media are not supported", a.pointer, a.uri.len()),
        )
        .help(inline))),
        MediaRef::OtherScheme(s) => out.push(at(Finding::new(
            Code::SRC001,
            format!("`{}` uses the `{s}:` scheme; the service fetches only https:// URLs", a.pointer),
        )
        .help("publish the object and pass a public (or pre-signed) https:// URL"))),
        MediaRef::BadUrl(_) if ["<", ">", "{", "}", "…", "..."].iter().any(|p| a.uri.contains(p)) => {
            out.push(at(Finding::new(
                Code::SRC001,
                format!("`{}` is a placeholder left in a template (`{}`), not a URL: it was never filled in", a.pointer, a.uri.chars().take(120).collect::<String>()),
            )
            .help("put the real https:// URL of the file here")))
        }
        MediaRef::BadUrl(why) => out.push(at(Finding::new(
            Code::SRC001,
            format!("`{}` does not parse as a URL: {why}", a.pointer),
        )
        .help("write a full https:// URL"))),
        MediaRef::Empty => out.push(at(Finding::new(Code::SRC001, format!("`{}` is empty", a.pointer))
            .help("give a URL or remove the entry"))),
    }
}

fn secrets(url: &url::Url, out: &mut Vec<Finding>, at: impl Fn(Finding) -> Finding) {
    if let Some(why) = credentials_in_url(url) {
        out.push(at(Finding::new(
            Code::SRC007,
            format!("{why}: it leaks into logs, and signed URLs expire before a queued task runs"),
        )
        .help("serve the file from a public URL without secrets, or make sure the signature outlives the queue")));
    }
}

/// SRC002–SRC006 and SRC009 for a fetched URL; false when the media checks
/// cannot run (nothing usable was fetched, or it was an HTML page).
fn remote_ok(
    a: &AssetRef,
    f: &MediaFacts,
    remote: &RemoteFacts,
    out: &mut Vec<Finding>,
    at: &dyn Fn(Finding) -> Finding,
) -> bool {
    let hops = if remote.redirects.is_empty() {
        String::new()
    } else {
        format!(
            " (after {} redirect{} to {})",
            remote.redirects.len(),
            if remote.redirects.len() == 1 { "" } else { "s" },
            remote.final_url
        )
    };
    if let Some(fail) = &remote.failure {
        let code = fail.kind.code();
        let help = match code {
            Code::SRC003 if matches!(fail.kind, OpenError::ReservedName(_)) => "replace the placeholder with the file's real URL",
            Code::SRC002 => "host the file where the public internet can reach it",
            Code::SRC004 => "make the URL publicly readable without credentials (or use a long-lived signed URL)",
            Code::SRC005 => "link the file itself, not a page that redirects to a login",
            _ => "check that the URL opens from outside your network",
        };
        out.push(at(Finding::new(
            code,
            format!("`{}`: {}{hops}", a.uri, fail.message),
        )
        .help(help)));
        return false;
    }
    let ct = content_type(remote);
    if f.format == Format::Html || ct == "text/html" {
        let f = if remote.redirects.is_empty() {
            Finding::new(
                Code::SRC006,
                format!(
                    "`{}` serves an HTML page (Content-Type `{ct}`), not media",
                    a.uri
                ),
            )
            .case("html")
            .help("link the media file itself")
        } else {
            Finding::new(Code::SRC005, format!("`{}` redirects to an HTML page{hops}: a login wall or a viewer page, not the file", a.uri))
                .help("link the file itself, publicly readable")
        };
        out.push(at(f));
        return false;
    }
    if let Some(said) = content_type_format(&ct) {
        let same_family = said.kind() == f.kind && (said == f.format || said.kind() == Kind::Video);
        if !same_family && f.format != Format::Empty {
            out.push(at(Finding::new(
                Code::SRC006,
                format!(
                    "`{}` is served as `{ct}` but the bytes are {}",
                    a.uri,
                    f.format.describe()
                ),
            )
            .help(
                "fix the Content-Type the server sends (some fetchers trust it)",
            )));
        }
    }
    if f.size_bytes.is_none() {
        out.push(at(Finding::new(
            Code::SRC009,
            format!("the server did not say how large `{}` is, so size limits and the body limit could not be checked", a.uri),
        )
        .help("serve it with Content-Length and Range support (any object storage does)")));
    }
    true
}

/// The format a Content-Type names; `None` for generic or unknown types.
fn content_type_format(ct: &str) -> Option<Format> {
    Format::from_mime(ct)
}
