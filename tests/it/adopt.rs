//! First steps of issue 14 (a gate people adopt): broken pipes, REQ001 that
//! cannot be turned off, control characters escaped, --quiet.

use std::io::Read;
use std::process::{Command, Stdio};

use super::cli::{run, text};

#[test]
fn a_closed_pipe_ends_rules_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_seedance-preflight"))
        .args(["rules", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one byte, then close the pipe as `| head -c1` would: the output
    // (about 70 KB) is larger than the 64 KiB pipe buffer, so a write fails.
    let mut out = child.stdout.take().unwrap();
    let mut one = [0u8; 1];
    out.read_exact(&mut one).unwrap();
    drop(out);
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(!text(&o.stderr).contains("panicked"));
}

#[test]
fn req001_cannot_be_turned_off() {
    for args in [["--allow", "REQ001"], ["--warn", "invalid-json"]] {
        let mut a = vec!["check", "--no-config", "--no-fetch"];
        a.extend(args);
        a.push("-");
        let o = run(&a, Some(b"{not json"));
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(text(&o.stderr).contains("REQ001"), "{}", text(&o.stderr));
    }
    // A family setting does not reach it either.
    let o = run(
        &["check", "--no-config", "--no-fetch", "--allow", "REQ", "-"],
        Some(b"{not json"),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stdout).contains("REQ001"));
}

#[test]
fn control_characters_from_requests_are_escaped() {
    let o = run(
        &[
            "check",
            "--no-config",
            "--no-fetch",
            "--color",
            "never",
            "-",
        ],
        Some(br#"{"model": "seedance-2.0-text-to-video", "prompt": "x", "\u001b[31mred": 1}"#),
    );
    let out = text(&o.stdout);
    assert!(!out.contains('\u{1b}'), "{out:?}");
    assert!(out.contains("\\u{1b}[31mred"), "{out}");
}

#[test]
fn quiet_prints_only_failures_and_the_summary() {
    let o = run(
        &[
            "check",
            "--no-config",
            "--quiet",
            "--color",
            "never",
            "fixtures/requests/media/",
        ],
        None,
    );
    let out = text(&o.stdout);
    assert!(!out.contains("PASS"), "{out}");
    assert!(out.contains("FAIL"));
    assert!(out.lines().last().unwrap().contains("passed"), "{out}");
}

/// One run, several outputs: SARIF to a file and GitHub annotations to
/// stdout, both complete, from a single check.
#[test]
fn one_run_writes_several_formats() {
    let dir = std::env::temp_dir().join(format!("sp-output-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sarif = dir.join("preflight.sarif");
    let jsonl = dir.join("r.jsonl");
    let o = run(
        &[
            "check",
            "--no-config",
            "--no-fetch",
            "--output",
            &format!("sarif={}", sarif.display()),
            "--output",
            &format!("jsonl={}", jsonl.display()),
            "--output",
            "github=-",
            "fixtures/requests/unified/x-req006-duration-16.json",
            "fixtures/requests/unified/ok-text-to-video.json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout)
            .contains("::error file=fixtures/requests/unified/x-req006-duration-16.json"),
        "{}",
        text(&o.stdout)
    );
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(s["version"], "2.1.0");
    assert!(s["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["ruleId"] == "REQ006"));
    assert_eq!(std::fs::read_to_string(&jsonl).unwrap().lines().count(), 3);
    let bad = run(
        &["check", "--no-config", "--output", "yaml=x", "-"],
        Some(b"{}"),
    );
    assert_eq!(bad.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Facts are not findings: a clean request with a video passes the strictest
/// gate, and raising a fact is refused (turning one off is a no-op).
#[test]
fn facts_cannot_trip_the_gate() {
    let clean = "fixtures/requests/media/ok-r2v-all-kinds.json";
    for args in [
        &["--fail-on", "info"][..],
        &["--deny", "REQ"],
        &["--deny", "VID"],
    ] {
        let mut a = vec!["check", "--no-config"];
        a.extend(args);
        a.push(clean);
        let o = run(&a, None);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o.stdout));
    }
    for code in ["REQ090", "VID008", "video-codec"] {
        let o = run(&["check", "--no-config", "--deny", code, clean], None);
        assert_eq!(o.status.code(), Some(2), "{code}");
        assert!(
            text(&o.stderr).contains("is a fact, not a finding"),
            "{}",
            text(&o.stderr)
        );
    }
    let o = run(&["check", "--no-config", "--allow", "VID008", clean], None);
    assert_eq!(o.status.code(), Some(0));
    // The facts are shown with -v.
    let o = run(&["check", "--no-config", "-v", clean], None);
    let out = text(&o.stdout);
    assert!(
        out.contains("  fact[REQ090] output 1280×720 (720p, 16:9), 5 s long; billable 8 s\n"),
        "{out}"
    );
    assert!(out.contains("  fact[VID008] /video_urls/0: mp4, 1280×720, 3.000 s, 24.000 fps, avc1, 47218 bytes; codec H.264, which the provider decodes\n"), "{out}");
}

/// A misspelt code gets a suggestion.
#[test]
fn a_misspelt_code_gets_a_suggestion() {
    let o = run(
        &["check", "--no-config", "--no-fetch", "--deny", "REQ06", "-"],
        Some(b"{}"),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("did you mean `REQ006`?"),
        "{}",
        text(&o.stderr)
    );
}

/// Model suggestions ignore case, read abbreviations, and cross dialects.
#[test]
fn model_suggestions_ignore_case_and_cross_dialects() {
    let help = |model: &str| -> String {
        let body = format!(r#"{{"model":"{model}","prompt":"x"}}"#);
        let o = run(
            &[
                "check",
                "--no-config",
                "--no-fetch",
                "--dialect",
                "unified",
                "--format",
                "json",
                "-",
            ],
            Some(body.as_bytes()),
        );
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["requests"][0]["findings"][0]["help"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        help("seedance-2.0-ref-to-video"),
        "did you mean `seedance-2.0-reference-to-video`?"
    );
    assert!(help("Seedance-2.0-Text-To-Video").starts_with("write `seedance-2.0-text-to-video`"));
    assert!(help("Seedance-2.0").starts_with("`seedance-2.0` belongs to the open dialect"));
    assert!(help("doubao-seedance-2-0")
        .contains("`doubao-seedance-2-0-260128`? It is a model of the ark dialect"));
}

/// A request built from flags points at the flags, and `--duration` is
/// judged exactly as a file's `duration` is.
#[test]
fn flag_requests_point_at_their_flags() {
    let o = run(
        &[
            "check",
            "--no-config",
            "--format",
            "json",
            "--model",
            "seedance-2.0-reference-to-video",
            "--prompt",
            "image 1 moves like video 1",
            "--image",
            "fixtures/media/image/ok-1024x1024.png",
            "--video",
            "fixtures/media/video/ok-fps-24.mp4",
            "--video",
            "fixtures/media/video/x-fps-61.mp4",
            "--duration",
            "5.5",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let found: Vec<(String, String, serde_json::Value)> = v["requests"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().into(),
                f["flag"].as_str().unwrap_or("").into(),
                f["line"].clone(),
            )
        })
        .collect();
    assert!(
        found.contains(&(
            "REQ006".into(),
            "--duration".into(),
            serde_json::Value::Null
        )),
        "{found:?}"
    );
    assert!(
        found.contains(&(
            "VID006".into(),
            "--video #2".into(),
            serde_json::Value::Null
        )),
        "{found:?}"
    );
    // As in a file: 5.0 is a warning (write 5), "five" a type error.
    for (value, code) in [("5.0", "REQ005"), ("five", "REQ005"), ("16", "REQ006")] {
        let o = run(
            &[
                "check",
                "--no-config",
                "--no-fetch",
                "--model",
                "seedance-2.0-text-to-video",
                "--prompt",
                "x",
                "--duration",
                value,
            ],
            None,
        );
        let out = text(&o.stdout);
        assert!(
            out.contains(&format!("[{code}]")) && out.contains("--> --duration /duration"),
            "{value}: {out}"
        );
    }
}

/// A spent byte budget says so, and what to raise; not "damaged".
#[test]
fn budget_exhaustion_has_its_own_wording() {
    let o = run(
        &[
            "check",
            "--no-config",
            "--budget",
            "1000",
            "fixtures/requests/media/ok-r2v-all-kinds.json",
        ],
        None,
    );
    let out = text(&o.stdout);
    assert!(
        out.contains("raise the byte budget (--budget BYTES"),
        "{out}"
    );
    assert!(!out.contains("damaged or incomplete"), "{out}");
}

/// Each checked file gets the config nearest to it (walking up from its
/// folder); `--show-settings` says what applies and where it comes from.
#[test]
fn config_is_found_from_each_file_upward() {
    let root = std::env::temp_dir().join(format!("sp-per-file-config-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let bad = r#"{"model": "seedance-2.0-text-to-video", "prompt": "a cat", "duration": 16}"#;
    for d in ["lenient/deeper", "strict"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
        std::fs::write(root.join(d).join("req.json"), bad).unwrap();
    }
    std::fs::write(
        root.join("lenient/seedance-preflight.toml"),
        "[severity]\nREQ006 = \"warning\"\n",
    )
    .unwrap();
    std::fs::write(
        root.join("seedance-preflight.toml"),
        "fail_on = \"error\"\n",
    )
    .unwrap();
    let o = run(
        &[
            "check",
            "--no-fetch",
            "--format",
            "json",
            root.to_str().unwrap(),
        ],
        None,
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let verdict = |suffix: &str| -> (String, String) {
        let r = v["requests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["file"].as_str().unwrap().ends_with(suffix))
            .unwrap();
        (
            r["verdict"].as_str().unwrap().into(),
            r["findings"][0]["severity"].as_str().unwrap().into(),
        )
    };
    // The nested request takes lenient/'s config (nearest wins) …
    assert_eq!(
        verdict("deeper/req.json"),
        ("pass".into(), "warning".into())
    );
    // … and strict/'s takes the root one.
    assert_eq!(verdict("strict/req.json"), ("fail".into(), "error".into()));
    assert_eq!(o.status.code(), Some(1));
    let deeper = root.join("lenient/deeper");
    let o = run(
        &["check", "--show-settings", deeper.to_str().unwrap()],
        None,
    );
    assert_eq!(o.status.code(), Some(0));
    let out = text(&o.stdout);
    assert!(
        out.contains("lenient/seedance-preflight.toml\" # the nearest from"),
        "{out}"
    );
    assert!(
        out.contains("severity.REQ006 = \"warning\"        # config"),
        "{out}"
    );
    assert!(
        out.contains("fail_on = \"error\"                  # default"),
        "{out}"
    );
    let o = run(
        &[
            "check",
            "--show-settings",
            "--fail-on",
            "never",
            deeper.to_str().unwrap(),
        ],
        None,
    );
    assert!(
        text(&o.stdout).contains("fail_on = \"never\"                  # command line"),
        "{}",
        text(&o.stdout)
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// Bash completion completes subcommand options (clap_complete's bug with
/// hyphenated names worked around) and rule codes.
#[test]
fn bash_completion_completes_options_and_codes() {
    if std::process::Command::new("bash")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("SKIPPED: no bash");
        return;
    }
    let script = run(&["completions", "bash"], None);
    assert_eq!(script.status.code(), Some(0));
    let file = std::env::temp_dir().join(format!("sp-completion-{}.bash", std::process::id()));
    std::fs::write(&file, &script.stdout).unwrap();
    let complete = |words: &str| -> String {
        let body = format!(
            r#"source '{}'
COMP_WORDS=({words}); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 )); COMP_LINE="{words}"; COMP_POINT=${{#COMP_LINE}}
complete -p seedance-preflight >/dev/null || exit 3
_seedance_preflight seedance-preflight "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
echo "${{COMPREPLY[@]}}""#,
            file.display()
        );
        let o = std::process::Command::new("bash")
            .arg("-c")
            .arg(body)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    };
    assert_eq!(complete("seedance-preflight check --fo"), "--format");
    assert_eq!(complete("seedance-preflight check --fail-"), "--fail-on");
    assert!(complete("seedance-preflight check --deny VID00").starts_with("VID001 VID002"));
    assert!(complete("seedance-preflight explain duration-").contains("duration-out-of-range"));
    let _ = std::fs::remove_file(&file);
}

/// `--dialect` holds under every config of a run, including the one nearest
/// the current folder met again after another folder's config.
#[test]
fn dialect_flag_holds_across_per_file_configs() {
    let root = std::env::temp_dir().join(format!("sp-dialect-configs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let ark = r#"{"model":"doubao-seedance-2-0-260128","content":[{"type":"text","text":"x"}]}"#;
    for d in ["a", "b"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
        std::fs::write(root.join(d).join("r.json"), ark).unwrap();
    }
    std::fs::write(
        root.join("a/seedance-preflight.toml"),
        "fail_on = \"error\"\n",
    )
    .unwrap();
    let (a, b) = (root.join("a/r.json"), root.join("b/r.json"));
    let o = run(
        &[
            "check",
            "--no-fetch",
            "--format",
            "json",
            "--dialect",
            "unified",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
        ],
        None,
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let dialects: Vec<&str> = v["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["dialect"].as_str().unwrap())
        .collect();
    assert_eq!(dialects, ["unified", "unified"]);
    let _ = std::fs::remove_dir_all(&root);
}
