//! Adopting the gate in a repository: folders walked as ripgrep and ruff
//! walk them (.gitignore, --exclude, only files that look like requests),
//! baselines, and per-code statistics.

use std::path::{Path, PathBuf};

use super::cli::{run, text};

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sp-select-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn put(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

const GOOD: &str = r#"{"model": "seedance-2.0-text-to-video", "prompt": "A lighthouse at dusk"}"#;
const BAD: &str =
    r#"{"model": "seedance-2.0-text-to-video", "prompt": "A lighthouse at dusk", "duration": 16}"#;

fn checked(o: &std::process::Output) -> Vec<String> {
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o.stdout)));
    let mut files: Vec<String> = v["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let f = r["file"].as_str().unwrap();
            f.rsplit(['/', '\\']).next().unwrap().to_string()
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_repository_walk_checks_only_the_requests() {
    let d = scratch("repo");
    put(&d, ".gitignore", "node_modules/\n");
    put(&d, "package.json", r#"{"name": "app", "version": "1.0.0"}"#);
    put(&d, "node_modules/lib/package.json", r#"{"name": "lib"}"#);
    put(&d, "node_modules/lib/request.json", BAD);
    put(&d, "requests/good.json", GOOD);
    put(&d, "requests/bad.json", BAD);
    put(&d, "requests/broken.json", "{\"model\": ");
    let dir = d.to_str().unwrap();
    let o = run(
        &[
            "check",
            "--no-fetch",
            "--no-config",
            "--format",
            "json",
            dir,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    // The broken one is judged (REQ001): a gate must not skip it unseen.
    assert_eq!(checked(&o), ["bad.json", "broken.json", "good.json"]);
    let err = text(&o.stderr);
    assert!(
        err.contains("left out 1 JSON file") && err.contains("package.json"),
        "{err}"
    );
    let o = run(
        &[
            "check",
            "--no-fetch",
            "--no-config",
            "--format",
            "json",
            "--exclude",
            "bad.json",
            "--exclude",
            "broken.json",
            dir,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(checked(&o), ["good.json"]);
    // --include takes other files, and judges them whatever they hold.
    put(&d, "requests/extra.req", GOOD);
    let o = run(
        &[
            "check",
            "--no-fetch",
            "--no-config",
            "--format",
            "json",
            "--include",
            "*.req",
            "--exclude",
            "bad.json",
            "--exclude",
            "broken.json",
            dir,
        ],
        None,
    );
    assert_eq!(checked(&o), ["extra.req", "good.json"]);
    // A file named explicitly is checked even when ignored.
    let ignored = d.join("node_modules/lib/request.json");
    let o = run(
        &[
            "check",
            "--no-fetch",
            "--no-config",
            ignored.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    // A bad glob is a usage error.
    let o = run(&["check", "--no-fetch", "--exclude", "a[", dir], None);
    assert_eq!(o.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_baseline_accepts_todays_findings_and_catches_new_ones() {
    let d = scratch("baseline");
    put(&d, "a.json", BAD);
    put(&d, "b.json", &BAD.replace("16", "3"));
    let base = d.join("baseline.json");
    let dir = d.join(".");
    let (dir, base_s) = (dir.to_str().unwrap(), base.to_str().unwrap());
    let o = run(
        &[
            "check",
            "--no-fetch",
            "--no-config",
            "--write-baseline",
            base_s,
            dir,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("recorded"));
    let o = run(
        &[
            "check",
            "--no-fetch",
            "--no-config",
            "--baseline",
            base_s,
            dir,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    assert!(
        text(&o.stderr).contains("suppressed 2 findings"),
        "{}",
        text(&o.stderr)
    );
    // Moving the finding to another line keeps it recorded.
    put(
        &d,
        "a.json",
        &BAD.replace(", \"duration\"", ",\n\n  \"duration\""),
    );
    let o = run(
        &[
            "check",
            "--no-fetch",
            "--no-config",
            "--baseline",
            base_s,
            dir,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    // A new failing request fails the gate.
    put(&d, "c.json", &BAD.replace("16", "20"));
    let o = run(
        &[
            "check",
            "--no-fetch",
            "--no-config",
            "--baseline",
            base_s,
            dir,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stdout).contains("c.json"));
    // A file that is not a baseline is a usage error naming it.
    let o = run(
        &[
            "check",
            "--no-fetch",
            "--baseline",
            d.join("a.json").to_str().unwrap(),
            dir,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("a.json"));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn statistics_count_findings_per_code_on_stderr() {
    let o = run(
        &[
            "check",
            "--no-fetch",
            "--no-config",
            "--statistics",
            "--format",
            "json",
            "fixtures/requests/unified/x-req006-duration-16.json",
            "fixtures/requests/unified/ok-text-to-video.json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    // Standard output stays valid JSON.
    let _: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let err = text(&o.stderr);
    assert!(
        err.contains("REQ006  error    duration-out-of-range"),
        "{err}"
    );
    // Facts are not counted: they are not findings.
    assert!(!err.contains("REQ090"), "{err}");
}

#[test]
fn standard_input_is_jsonl_when_it_is_one_request_per_line() {
    let body = format!("{GOOD}\n\n{BAD}\n");
    let o = run(
        &[
            "check",
            "--no-fetch",
            "--no-config",
            "--format",
            "json",
            "--stdin-filename",
            "batch.jsonl",
            "-",
        ],
        Some(body.as_bytes()),
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let reqs = v["requests"].as_array().unwrap();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[1]["file"], "batch.jsonl");
    assert_eq!(reqs[1]["line"], 3);
    // One pretty-printed document spread over lines stays one request.
    let pretty =
        serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(BAD).unwrap())
            .unwrap();
    let o = run(
        &[
            "check",
            "--no-fetch",
            "--no-config",
            "--format",
            "json",
            "-",
        ],
        Some(pretty.as_bytes()),
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["requests"].as_array().unwrap().len(), 1);
    assert_eq!(v["requests"][0]["findings"][0]["code"], "REQ006");
}
