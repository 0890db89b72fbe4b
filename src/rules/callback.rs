//! The completion callback URL (`callback_url` / `webhookUrl`).

use super::Ctx;
use crate::addr::host_not_public;
use crate::finding::{Code, Finding};

pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let name = &ctx.spec.callback_field;
    let Some((text, f)) = ctx.req.str_field(name) else {
        return;
    };
    let at = |m: String, help: &str| {
        Finding::new(Code::REQ011, m)
            .at(&f.pointer, f.node.offset)
            .help(help.to_string())
    };
    let len = text.chars().count();
    let max = ctx.spec.callback_max_len;
    if len > max {
        out.push(at(
            format!("`{name}` is {len} characters long; the service accepts at most {max}"),
            "use a shorter callback URL (move state into your own store, keyed by the task id)",
        ));
    }
    let url = match url::Url::parse(text.trim()) {
        Ok(u) if u.host().is_some() => u,
        Ok(_) => {
            return out.push(at(
                format!("`{name}` has no host"),
                "write a full https:// URL",
            ))
        }
        Err(e) => {
            return out.push(at(
                format!("`{name}` does not parse as a URL: {e}"),
                "write a full https:// URL",
            ))
        }
    };
    if ctx.spec.callback_https_only && url.scheme() != "https" {
        out.push(at(
            format!(
                "`{name}` uses `{}:`; the service calls back only over https://",
                url.scheme()
            ),
            "serve the callback endpoint over https://",
        ));
    }
    if let Some(why) = host_not_public(&url).or_else(|| ctx.callback_dns.map(str::to_string)) {
        out.push(at(
            format!(
                "`{name}` points at {why}; the service cannot reach a private or loopback address"
            ),
            "expose the callback on a public host name (a tunnel works for development)",
        ));
    }
}
