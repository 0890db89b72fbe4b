//! `fix`: plan, and unless `--dry-run`, run the plan and check the output.

use std::fmt::Write as _;
use std::sync::Arc;

use seedance_preflight::fix::{self, FixOptions, Plan};
use seedance_preflight::{input, Options, Spec};

use super::args::{FixArgs, ListFormat};
use super::{print_out, usage_error, EXIT_FINDINGS};

pub(super) fn fix(args: FixArgs) -> i32 {
    let remote = match args.net.options() {
        Ok(r) => r,
        Err(e) => return usage_error(&e),
    };
    let mut spec = Spec::builtin().clone();
    for f in &args.dialect_files {
        spec = match spec.with_dialect_file(f) {
            Ok(s) => s,
            Err(e) => return usage_error(&format!("dialect file: {e}")),
        };
    }
    let dialect = match args.dialect.as_deref() {
        None => None,
        Some(id) => match id.parse().ok().filter(|d| spec.get(*d).is_some()) {
            Some(d) => Some(d),
            None => {
                let ids: Vec<&str> = spec.ids().map(|d| d.as_str()).collect();
                return usage_error(&format!(
                    "unknown dialect `{id}` (loaded: {})",
                    ids.join(", ")
                ));
            }
        },
    };
    let Some(pad_color) = parse_color(&args.pad_color) else {
        return usage_error(&format!(
            "--pad-color `{}` is not RRGGBB or RRGGBBAA hex",
            args.pad_color
        ));
    };
    let Some(timeout) = std::time::Duration::try_from_secs_f64(args.ffmpeg_timeout)
        .ok()
        .filter(|d| !d.is_zero())
    else {
        return usage_error("--ffmpeg-timeout must be a positive number of seconds");
    };
    let spec = Arc::new(spec);
    let check = Options {
        dialect,
        remote,
        spec: Some(spec.clone()),
        ..Options::default()
    };
    let (docs, errors) = input::expand(&args.paths, &mut std::io::empty());
    if let Some(e) = errors.first() {
        return usage_error(&e.to_string());
    }
    if docs.is_empty() {
        return usage_error("no request files found");
    }
    let texts: Vec<Option<String>> = docs
        .iter()
        .map(|d| match &d.body {
            input::Body::Bytes(b) => std::str::from_utf8(b)
                .ok()
                .map(|s| s.strip_prefix('\u{feff}').unwrap_or(s).to_string()),
            _ => None,
        })
        .collect();
    let report = seedance_preflight::check_documents(&docs, &check);
    let opts = FixOptions {
        allow_lossy: args.allow_lossy,
        crop: args.crop,
        pad_color,
        pad_silence: args.pad_silence,
        ffmpeg: args.ffmpeg.clone(),
        ffmpeg_timeout: timeout,
        rewrite_urls: args.rewrite_urls.clone(),
        download: args.download,
        download_max_bytes: args.download_max,
        ..FixOptions::new(&args.out)
    };
    if let Some(p) = &args.ffmpeg {
        if !p.is_file() {
            return usage_error(&format!("--ffmpeg {}: not a file", p.display()));
        }
    }
    let plan = fix::plan(&report, &texts, &check, &opts);
    if args.dry_run {
        let left = plan.requests.iter().any(|r| !r.unfixable.is_empty())
            || plan.jobs.iter().any(|j| j.blocked.is_some());
        let text = match args.format {
            ListFormat::Json => json(&serde_json::json!({
                "version": fix::FORMAT_VERSION,
                "dry_run": true,
                "plan": plan,
            })),
            ListFormat::Human => human_plan(&plan),
        };
        let code = print_out(&text);
        return if code != 0 {
            code
        } else if left {
            EXIT_FINDINGS
        } else {
            0
        };
    }
    let done = match fix::execute(&plan, &opts, &check) {
        Ok(d) => d,
        Err(e) => return usage_error(&e),
    };
    let all_pass = done.requests.iter().all(|r| r.passes);
    let text = match args.format {
        ListFormat::Json => json(&serde_json::json!({
            "version": fix::FORMAT_VERSION,
            "dry_run": false,
            "plan": plan,
            "result": done,
        })),
        ListFormat::Human => {
            let mut s = human_plan(&plan);
            let _ = writeln!(s);
            for j in &done.jobs {
                let _ = writeln!(
                    s,
                    "{} job {}: {}",
                    if j.ok { "wrote" } else { "FAILED" },
                    j.id,
                    j.detail
                );
            }
            for r in &done.requests {
                let out = r.output.as_deref().unwrap_or("(not written)");
                if r.passes {
                    let _ = writeln!(s, "PASS {out}");
                } else {
                    let codes: Vec<String> = r.remaining.iter().map(|c| c.to_string()).collect();
                    let _ = writeln!(s, "FAIL {out}: {} remain", codes.join(", "));
                }
            }
            let passed = done.requests.iter().filter(|r| r.passes).count();
            let _ = writeln!(
                s,
                "{} request{}: {passed} pass after fixing, {} still fail",
                done.requests.len(),
                if done.requests.len() == 1 { "" } else { "s" },
                done.requests.len() - passed
            );
            s
        }
    };
    let code = print_out(&text);
    if code != 0 {
        code
    } else if all_pass {
        0
    } else {
        EXIT_FINDINGS
    }
}

fn json(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default() + "\n"
}

fn parse_color(hex: &str) -> Option<[u8; 4]> {
    let h = hex.trim_start_matches('#');
    if !(h.len() == 6 || h.len() == 8) || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
    Some([
        byte(0)?,
        byte(2)?,
        byte(4)?,
        if h.len() == 8 { byte(6)? } else { 255 },
    ])
}

fn human_plan(plan: &Plan) -> String {
    let mut s = String::new();
    for r in &plan.requests {
        let _ = writeln!(
            s,
            "{} → {}",
            r.input,
            r.output.as_deref().unwrap_or("(not rewritten)")
        );
        for e in &r.edits {
            let code = e.code.map_or(String::new(), |c| format!(" ({c})"));
            let _ = writeln!(
                s,
                "  edit {} {}: {} → {}{code}",
                e.action, e.pointer, e.from, e.to
            );
        }
        for id in &r.jobs {
            let _ = writeln!(s, "  uses job {id}");
        }
        for u in &r.unfixable {
            let at = u
                .pointer
                .as_deref()
                .map_or(String::new(), |p| format!(" {p}"));
            let _ = writeln!(s, "  cannot fix {}{at}: {}", u.code, u.reason);
        }
    }
    for j in &plan.jobs {
        let codes: Vec<String> = j.codes.iter().map(|c| c.to_string()).collect();
        let _ = writeln!(
            s,
            "job {} ({}{}; {}): {} → {}",
            j.id,
            j.kind,
            if j.lossy { ", lossy" } else { "" },
            codes.join(", "),
            j.input,
            j.output
        );
        for a in &j.actions {
            let _ = writeln!(s, "  {a}");
        }
        if let Some(c) = &j.command {
            let _ = writeln!(s, "  $ {c}");
        }
        if let Some(b) = &j.blocked {
            let _ = writeln!(s, "  blocked: {b}");
        }
    }
    s
}
