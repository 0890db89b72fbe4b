//! `serve`: the proxy, with the gate's settings resolved as for `check`
//! (the config nearest the current folder, unless `--isolated`).

use std::path::Path;
use std::time::Duration;

use seedance_preflight::serve::{self, ServeOptions};
use seedance_preflight::Options;

use super::args::ServeArgs;
use super::usage_error;

pub(super) fn serve(args: ServeArgs) -> i32 {
    let remote = match args.net.options() {
        Ok(r) => r,
        Err(e) => return usage_error(&e),
    };
    let upstream = match url::Url::parse(&args.upstream) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => u,
        _ => {
            return usage_error(&format!(
                "--upstream {}: give an http(s) base URL",
                args.upstream
            ))
        }
    };
    let secs = |v: f64, flag: &str| {
        Duration::try_from_secs_f64(v)
            .ok()
            .filter(|d| !d.is_zero())
            .ok_or_else(|| format!("{flag} must be a positive number of seconds"))
    };
    let times = (|| {
        Ok::<_, String>((
            secs(args.header_timeout, "--header-timeout")?,
            secs(args.body_timeout, "--body-timeout")?,
            secs(args.judge_deadline, "--judge-deadline")?,
            secs(args.upstream_timeout, "--upstream-timeout")?,
        ))
    })();
    let Ok(cache_ttl) = Duration::try_from_secs_f64(args.cache_ttl) else {
        return usage_error("--cache-ttl must be a number of seconds (0: no cache)");
    };
    let (header_timeout, body_timeout, judge_deadline, upstream_timeout) = match times {
        Ok(t) => t,
        Err(e) => return usage_error(&e),
    };
    let bare = Options {
        fetch: !args.no_fetch,
        remote,
        ..Options::default()
    };
    let gate = match args.gate.resolve(bare, Path::new("")) {
        Ok(g) => g,
        Err(e) => return usage_error(&e),
    };
    let opts = ServeOptions {
        dry_run: args.dry_run,
        max_concurrency: args.max_concurrency,
        header_timeout,
        body_timeout,
        judge_deadline,
        upstream_timeout,
        cache_ttl,
        ..ServeOptions::new(args.listen, upstream)
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return usage_error(&format!("cannot start the runtime: {e}")),
    };
    let dry = args.dry_run;
    let result = rt.block_on(serve::run(opts, gate.root_opts, shutdown(), |addr| {
        say!(
            "seedance-preflight: serving on http://{addr}{}",
            if dry {
                " (dry run: everything is forwarded)"
            } else {
                ""
            }
        );
    }));
    match result {
        Ok(()) => 0,
        Err(e) => usage_error(&e.to_string()),
    }
}

/// SIGTERM or Ctrl-C.
async fn shutdown() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => return std::future::pending().await,
            };
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
