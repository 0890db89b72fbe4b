//! CLI contract: stdout, stderr and exit codes.

use std::io::Write;
use std::process::{Command, Output, Stdio};

pub(crate) fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_seedance-preflight"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(bytes) = stdin {
            // A child that exits before reading (a usage error) closes the pipe.
            let _ = input.write_all(bytes);
        }
    }
    child.wait_with_output().unwrap()
}

pub(crate) fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o.stdout)))
}

const OK: &str = "fixtures/requests/unified/ok-text-to-video.json";
const BAD: &str = "fixtures/requests/unified/x-req006-duration-16.json";

#[test]
fn passing_request_exits_0_with_human_summary() {
    let o = run(&["check", "--no-fetch", OK], None);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.starts_with(&format!(
            "PASS {OK} (unified dialect, seedance-2.0-text-to-video)\n"
        )),
        "{out}"
    );
    // The predicted output is a fact, not a finding: shown with -v only.
    assert!(!out.contains("REQ090"), "{out}");
    assert!(
        out.ends_with("1 request: 1 passed, 0 failed (0 errors, 0 warnings, 0 info)\n"),
        "{out}"
    );
    let o = run(&["check", "--no-fetch", "-v", OK], None);
    assert_eq!(o.status.code(), Some(0));
    let out = text(&o.stdout);
    assert!(
        out.contains("  fact[REQ090] output 992×432 (480p, 21:9), 15 s long; billable 15 s\n"),
        "{out}"
    );
    assert!(
        !out.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );
    assert_eq!(text(&o.stderr), "");
}

#[test]
fn failing_request_exits_1_and_says_measured_limit_and_fix() {
    let o = run(&["check", "--no-fetch", BAD], None);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(out.contains("error[REQ006] duration-out-of-range: duration 16 s is not accepted by `seedance-2.0-image-to-video`: it takes an integer from 4 to 15"), "{out}");
    assert!(out.contains(&format!("--> {BAD}:7:15 /duration")), "{out}");
    assert!(
        out.contains("fix: set duration to an integer from 4 to 15 (nearest: 15)"),
        "{out}"
    );
}

#[test]
fn json_wire_format_v1() {
    let o = run(&["check", "--no-fetch", "--format", "json", BAD, OK], None);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["version"], 1);
    let r = &v["requests"][0];
    assert_eq!(r["source"], BAD);
    assert_eq!(r["dialect"], "unified");
    assert_eq!(r["model"], "seedance-2.0-image-to-video");
    assert_eq!(r["verdict"], "fail");
    let f = &r["findings"][0];
    assert_eq!(f["code"], "REQ006");
    assert_eq!(f["name"], "duration-out-of-range");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["location"], "/duration");
    assert_eq!(f["line"], 7);
    assert_eq!(f["column"], 15);
    assert!(f["asset"].is_null());
    assert_eq!(r["assets"][0]["location"], "/image_urls/0");
    assert_eq!(v["requests"][1]["verdict"], "pass");
    assert_eq!(v["requests"][1]["predicted"]["width"], 992);
    assert_eq!(
        v["summary"],
        serde_json::json!({"requests": 2, "passed": 1, "failed": 1, "errors": 1, "warnings": 0, "infos": 0, "assets_probed": 0})
    );
}

#[test]
fn stdin_and_jsonl_locations() {
    let o = run(
        &["check", "--no-fetch", "--format", "json", "-"],
        Some(br#"{"model":"seedance-2.0","prompt":"x","mediaUrls":[]}"#),
    );
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["requests"][0]["source"], "-");
    assert_eq!(v["requests"][0]["dialect"], "open");
    let o = run(
        &[
            "check",
            "--no-fetch",
            "--format",
            "json",
            "fixtures/requests/batch/mixed.jsonl",
        ],
        None,
    );
    let v = json(&o);
    let sources: Vec<&str> = v["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        [
            "fixtures/requests/batch/mixed.jsonl:1",
            "fixtures/requests/batch/mixed.jsonl:3",
            "fixtures/requests/batch/mixed.jsonl:4"
        ]
    );
    assert_eq!(v["requests"][1]["findings"][0]["code"], "REQ001");
    assert_eq!(v["requests"][1]["findings"][0]["line"], 3);
}

#[test]
fn directory_walk_checks_every_request() {
    let o = run(
        &[
            "check",
            "--no-fetch",
            "--format",
            "json",
            "fixtures/requests",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    let n = v["requests"].as_array().unwrap().len();
    let listed = std::fs::read_to_string(super::fixtures().join("requests/cases.toml"))
        .unwrap()
        .matches("[[case]]")
        .count();
    assert_eq!(n, listed + 3, "every .json plus the three JSONL records");
}

#[test]
fn gate_and_dialect_flags() {
    let warn_only = "fixtures/requests/unified/ok-http-url-warning.json";
    assert_eq!(
        run(&["check", "--no-fetch", warn_only], None).status.code(),
        Some(0)
    );
    assert_eq!(
        run(
            &["check", "--no-fetch", "--fail-on", "warning", warn_only],
            None
        )
        .status
        .code(),
        Some(1)
    );
    assert_eq!(
        run(&["check", "--no-fetch", "--fail-on", "never", BAD], None)
            .status
            .code(),
        Some(0)
    );
    let local = "fixtures/requests/unified/x-src001-local-path.json";
    assert_eq!(
        run(&["check", "--no-fetch", local], None).status.code(),
        Some(0)
    );
    let o = run(&["check", "--no-fetch", "--require-urls", local], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stdout).contains("error[SRC001]"));
    let o = run(
        &[
            "check",
            "--no-fetch",
            "--dialect",
            "open",
            OK,
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(json(&o)["requests"][0]["findings"][0]["code"], "REQ002");
}

#[test]
fn tool_failures_exit_2() {
    let o = run(&["check", "--no-fetch", "no/such/file.json"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains(
            "seedance-preflight: cannot read no/such/file.json: No such file or directory"
        ),
        "{}",
        text(&o.stderr)
    );
    // The readable PATHs are still checked and reported.
    let o = run(&["check", "--no-fetch", OK, "no/such/file.json"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stdout).contains("PASS"));
    let o = run(&["check", "--no-fetch", "--format", "yaml", OK], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("invalid value 'yaml'"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(run(&["check"], None).status.code(), Some(2));
    assert_eq!(run(&["frobnicate"], None).status.code(), Some(2));
    assert_eq!(run(&["--version"], None).status.code(), Some(0));
}

#[test]
fn color_always_and_no_color() {
    let o = run(&["check", "--no-fetch", "--color", "always", BAD], None);
    assert!(text(&o.stdout).contains("\x1b[1;31merror\x1b[0m"));
}

#[test]
fn probe_prints_facts_as_json() {
    let o = run(
        &[
            "probe",
            "--format",
            "json",
            "fixtures/media/video/x-fps-23.976.mp4",
            "fixtures/media/image/x-exif6-1800x800.jpg",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v = json(&o);
    let video = &v[0];
    for key in [
        "source",
        "kind",
        "format",
        "width",
        "height",
        "display_width",
        "display_height",
        "rotation",
        "orientation",
        "duration_s",
        "fps",
        "frames",
        "codec",
        "sample_rate",
        "channels",
        "size_bytes",
        "animated",
        "duration_estimated",
        "bytes_read",
        "error",
    ] {
        assert!(video.get(key).is_some(), "missing {key}");
    }
    assert_eq!(video["kind"], "video");
    assert_eq!(video["codec"], "avc1");
    assert!((video["fps"].as_f64().unwrap() - 24000.0 / 1001.0).abs() < 0.001);
    assert_eq!(v[1]["orientation"], 6);
    assert_eq!(
        (
            v[1]["display_width"].as_u64(),
            v[1]["display_height"].as_u64()
        ),
        (Some(800), Some(1800))
    );
    let o = run(&["probe", "fixtures/media/image/nope.png"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("cannot open the file"));
}

#[test]
fn a_request_from_flags_is_checked_with_its_media() {
    let o = run(
        &[
            "check",
            "--format",
            "json",
            "--model",
            "seedance-2.0-reference-to-video",
            "--prompt",
            "image 1 moves like video 1",
            "--image",
            "fixtures/media/image/ok-1024x1024.png",
            "--video",
            "fixtures/media/video/x-fps-61.mp4",
            "--duration",
            "6",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let r = &json(&o)["requests"][0];
    assert_eq!(r["source"], "<flags>");
    assert_eq!(r["dialect"], "unified");
    let codes: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["VID006"]);
    // The codec is a fact of the asset, not a finding.
    assert!(
        r["assets"][0]["codec"].is_null(),
        "an image has no codec fact"
    );
    assert_eq!(r["assets"][1]["codec"]["name"], "H.264");
    assert_eq!(r["assets"][1]["codec"]["provider_decodes"], true);
    assert_eq!(r["predicted"]["billable_s"], 9.0);
    // The open dialect gathers every medium into mediaUrls.
    let o = run(
        &[
            "check",
            "--format",
            "json",
            "--model",
            "seedance-2.0",
            "--prompt",
            "image 1",
            "--image",
            "fixtures/media/image/ok-800x600.webp",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    assert_eq!(json(&o)["requests"][0]["assets"][0]["field"], "mediaUrls");
}

#[cfg(feature = "remote")]
#[test]
fn check_and_probe_fetch_urls_with_private_addresses_allowed() {
    let server = super::server::Server::start();
    let url = server.url("/files/video/x-fps-23.976.mp4");
    let o = run(
        &[
            "probe",
            "--allow-private-addresses",
            "--format",
            "json",
            &url,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v = json(&o);
    assert!((v[0]["fps"].as_f64().unwrap() - 23.976).abs() < 0.001);
    assert_eq!(v[0]["remote"]["range_supported"], true);
    let body = format!(
        r#"{{"model":"seedance-2.0-reference-to-video","prompt":"video 1","video_urls":["{url}"]}}"#
    );
    let o = run(
        &[
            "check",
            "--allow-private-addresses",
            "--format",
            "json",
            "-",
        ],
        Some(body.as_bytes()),
    );
    assert_eq!(o.status.code(), Some(1));
    let codes: Vec<String> = json(&o)["requests"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    // SRC002 stays: the service cannot reach 127.0.0.1 even when we may.
    assert_eq!(codes, ["SRC002", "VID006"]);
    // Without the flag nothing is fetched, and a 404 through probe exits 2.
    let before = server.connections.load(std::sync::atomic::Ordering::SeqCst);
    let o = run(&["probe", &server.url("/status/404")], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stdout).contains("not requested"),
        "{}",
        text(&o.stdout)
    );
    assert_eq!(
        server.connections.load(std::sync::atomic::Ordering::SeqCst),
        before
    );
    let o = run(
        &[
            "probe",
            "--allow-private-addresses",
            &server.url("/status/404"),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stdout).contains("HTTP 404"), "{}", text(&o.stdout));
    assert!(
        run(&["check", "--timeout", "0", "-"], Some(b"{}"))
            .status
            .code()
            == Some(2)
    );
}

#[test]
fn config_overrides_severity_limits_and_gate() {
    let req = "fixtures/requests/media/ok-r2v-mov-hevc-rotated.json";
    // Built-in: passes (three clips of 2–3 s).
    let o = run(&["check", "--no-config", "--format", "json", req], None);
    assert_eq!(o.status.code(), Some(0));
    // The strict config: clips are still under 10 s (and its `VID008 =
    // "off"`, a fact turned off, is accepted and changes nothing).
    let o = run(
        &[
            "check",
            "--config",
            "fixtures/configs/strict.toml",
            "--format",
            "json",
            req,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    let codes = |o: &Output| -> Vec<String> {
        json(o)["requests"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(codes(&o).is_empty());
    // A stricter limit from the config: 15.0 s is now too long.
    let o = run(
        &[
            "check",
            "--config",
            "fixtures/configs/strict.toml",
            "--format",
            "json",
            "fixtures/requests/media/x-video-total.json",
        ],
        None,
    );
    let c = codes(&o);
    assert_eq!(c.iter().filter(|c| *c == "VID003").count(), 1, "{c:?}");
    // IMG008 denied by the config fails the request; --allow on the command line wins.
    let gif = "fixtures/requests/media/x-open-gif-animated.json";
    assert_eq!(
        run(
            &["check", "--config", "fixtures/configs/strict.toml", gif],
            None
        )
        .status
        .code(),
        Some(1)
    );
    let o = run(
        &[
            "check",
            "--config",
            "fixtures/configs/strict.toml",
            "--allow",
            "IMG",
            "--fail-on",
            "error",
            gif,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    // --deny/--warn on the command line.
    let o = run(
        &[
            "check",
            "--no-fetch",
            "--deny",
            "REQ004",
            "fixtures/requests/unified/x-req004-unknown-fields.json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stdout).contains("error[REQ004]"));
    let o = run(
        &[
            "check",
            "--no-fetch",
            "--warn",
            "REQ006",
            "fixtures/requests/unified/x-req006-duration-16.json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o.stdout).contains("warning[REQ006]"));
}

#[test]
fn config_errors_exit_2_naming_file_and_line() {
    for (file, line, words) in [
        ("x-unknown-key.toml", 5, "colour"),
        ("x-unknown-top-key.toml", 2, "unknown key `fial_on` (did you mean `fail_on`?)"),
        (
            "x-bad-limit.toml",
            3,
            "limits.unified.video.max_duraton_s` is not a key of the limits table (did you mean `max_duration_s`?)",
        ),
        ("x-bad-level.toml", 2, "unknown variant `fatal`"),
    ] {
        let path = format!("fixtures/configs/{file}");
        let o = run(
            &[
                "check",
                "--no-fetch",
                "--config",
                &path,
                "fixtures/requests/unified/ok-text-to-video.json",
            ],
            None,
        );
        assert_eq!(o.status.code(), Some(2), "{file}");
        let err = text(&o.stderr);
        assert!(
            err.starts_with(&format!("seedance-preflight: config: {path}:{line}: ")),
            "{file}: {err}"
        );
        assert!(err.contains(words), "{file}: {err}");
        assert_eq!(
            text(&o.stdout),
            "",
            "{file}: nothing is checked with a broken config"
        );
    }
    let o = run(
        &[
            "check",
            "--no-fetch",
            "--deny",
            "NOPE1",
            "fixtures/requests/unified/ok-text-to-video.json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--deny NOPE1: `NOPE1` is neither a rule code nor a family"));
    let o = run(&["check", "--no-fetch", "--prompt", "a cat"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("give --model too"));
}

/// The binary prints exactly the pinned output of every format (stdout),
/// nothing on stderr, and exit 1.
#[test]
fn each_format_through_the_binary_matches_its_snapshot() {
    let inputs = [
        "fixtures/requests/unified/x-req006-duration-16.json",
        "fixtures/requests/media/x-first-last-mismatch.json",
        "fixtures/requests/unified/ok-text-to-video.json",
    ];
    for format in ["human", "json", "sarif", "junit", "github"] {
        let mut args = vec![
            "check",
            "--no-config",
            "--color",
            "never",
            "--format",
            format,
        ];
        args.extend(inputs);
        let o = run(&args, None);
        assert_eq!(o.status.code(), Some(1), "{format}");
        assert_eq!(text(&o.stderr), "", "{format}");
        // Regenerate with `UPDATE_SNAPSHOTS=1 cargo test` after an intended
        // change, and review the diff.
        let path = super::fixtures().join(format!("../tests/snapshots/format.{format}.txt"));
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            std::fs::write(&path, &o.stdout).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            text(&o.stdout) == want,
            "{format}: stdout differs from {}:\n{}",
            path.display(),
            text(&o.stdout)
        );
    }
}

#[test]
fn explain_and_rules() {
    let o = run(&["explain", "req006"], None);
    assert_eq!(o.status.code(), Some(0));
    let out = text(&o.stdout);
    for section in [
        "What it checks",
        "Why it matters",
        "Failing example",
        "How to fix it",
        "Limits it reads",
    ] {
        assert!(out.contains(section), "{section}");
    }
    let o = run(&["explain", "REQ06"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("did you mean REQ006?"),
        "{}",
        text(&o.stderr)
    );
    let o = run(&["rules", "--format", "json"], None);
    let v = json(&o);
    assert_eq!(v.as_array().unwrap().len(), 59);
    assert_eq!(v[0]["code"], "REQ001");
    assert!(v[0]["docs"]["fix"].is_string());
    let listed = text(&run(&["rules"], None).stdout);
    assert_eq!(listed.lines().count(), 59);
    for shell in ["bash", "zsh", "fish"] {
        let o = run(&["completions", shell], None);
        assert_eq!(o.status.code(), Some(0));
        assert!(text(&o.stdout).contains("seedance-preflight"));
    }
    let man = run(&["man"], None);
    assert!(text(&man.stdout).starts_with(".ie \\n(.g .ds Aq"), "roff");
    for section in ["EXIT STATUS", "ENVIRONMENT", "FILES"] {
        assert!(
            text(&man.stdout).contains(&format!(".SH \"{section}\""))
                || text(&man.stdout).contains(&format!(".SH {section}")),
            "{section}"
        );
    }
    let dir = std::env::temp_dir().join(format!("sp-man-{}", std::process::id()));
    let o = run(&["man", "--dir", dir.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let check = std::fs::read_to_string(dir.join("seedance-preflight-check.1")).unwrap();
    assert!(check.contains("\\-\\-baseline") && check.contains(".SH \"EXIT STATUS\""));
    assert!(dir.join("seedance-preflight-fix.1").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Oversized values and the config's default dialect keep the exit contract.
#[test]
fn huge_timeouts_and_the_config_default_dialect() {
    let o = run(
        &[
            "probe",
            "--timeout",
            "1e19",
            "fixtures/media/image/ok-1280x720.jpg",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // The config's dialect applies only when the request does not tell: an
    // open-dialect request keeps its dialect.
    let open = "fixtures/requests/open/ok-open-1.5-pro-10s.json";
    let o = run(
        &[
            "check",
            "--no-fetch",
            "--config",
            "fixtures/configs/default-unified.toml",
            "--format",
            "json",
            open,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    assert_eq!(json(&o)["requests"][0]["dialect"], "open");
    let o = run(
        &[
            "check",
            "--no-fetch",
            "--config",
            "fixtures/configs/default-unified.toml",
            "--format",
            "json",
            "-",
        ],
        Some(br#"{"prompt":"a cat"}"#),
    );
    assert_eq!(json(&o)["requests"][0]["dialect"], "unified");
}
