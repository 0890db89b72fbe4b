//! Dialects as data: a dialect file loaded at run time behaves exactly as the
//! built-in one it copies, a malformed file is refused with its line and key,
//! and `dialects` lists and describes what is loaded.

use seedance_preflight::{check_source, Dialect, Options, Source, Spec};
use std::sync::Arc;

use super::cli::{run, text};

const ARK: &str = include_str!("../../src/spec/dialects/ark.toml");

/// (code, severity, pointer) of every finding.
fn verdict(spec: &Arc<Spec>, dialect: Dialect, path: &std::path::Path) -> Vec<String> {
    let bytes = std::fs::read(path).unwrap();
    let opts = Options {
        dialect: Some(dialect),
        fetch: false,
        spec: Some(spec.clone()),
        ..Options::default()
    };
    let report = check_source(Source::file(&path.display().to_string()), &bytes, &opts);
    // The findings, and the prediction (a fact) as the last line.
    report
        .findings
        .iter()
        .map(|f| format!("{} {} {:?}", f.code, f.severity, f.pointer))
        .chain([format!("{:?}", report.predicted)])
        .collect()
}

#[test]
fn a_renamed_copy_of_the_ark_file_gives_identical_verdicts() {
    let copy = ARK.replacen("id = \"ark\"", "id = \"my-relay\"", 1);
    assert_ne!(copy, ARK);
    let spec = Arc::new(
        Spec::builtin()
            .with_dialect_text(std::path::Path::new("my-relay.toml"), &copy)
            .unwrap(),
    );
    let dir = super::fixtures().join("requests/ark");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        let builtin = verdict(&spec, Dialect::ARK, &path);
        let loaded = verdict(&spec, "my-relay".parse().unwrap(), &path);
        assert_eq!(builtin, loaded, "{}", path.display());
        assert!(!builtin.is_empty());
        n += 1;
    }
    assert!(n >= 40, "{n} fixtures");
}

#[test]
fn a_dialect_file_is_used_from_the_command_line() {
    let o = run(
        &[
            "check",
            "--no-fetch",
            "--no-config",
            "--dialect-file",
            "fixtures/dialects/example-relay.toml",
            "--format",
            "json",
            "fixtures/dialects/requests/ok-animate.json",
            "fixtures/dialects/requests/x-animate.json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes = |i: usize| -> Vec<String> {
        let mut c: Vec<String> = v["requests"][i]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect();
        c.sort();
        c
    };
    assert_eq!(v["requests"][0]["dialect"], "example-relay");
    assert!(codes(0).is_empty(), "{:?}", codes(0));
    assert!(v["requests"][0]["predicted"].is_object());
    assert_eq!(
        codes(1),
        ["REQ003", "REQ004", "REQ006", "REQ007", "REQ012", "REQ013"]
    );
    // Without the file, the relay's fields are unknown to every dialect.
    let o = run(
        &[
            "check",
            "--no-fetch",
            "--no-config",
            "fixtures/dialects/requests/ok-animate.json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    // An unknown id names the loaded ones.
    let o = run(
        &["check", "--no-fetch", "--dialect", "nope", "x.json"],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("loaded: unified, open, ark"));
}

#[test]
fn a_malformed_dialect_file_exits_2_with_file_line_and_key() {
    let dir = std::env::temp_dir().join(format!("sp-dialect-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases = [
        // An unknown key.
        (
            ARK.replacen("callback_max_len", "callback_max_length", 1),
            "callback_max_length",
        ),
        // A role no item type has, in a mode.
        (
            ARK.replacen(
                "roles = [\"first_frame\", \"last_frame\"]",
                "roles = [\"first_frame\", \"final_frame\"]",
                1,
            ),
            "final_frame",
        ),
        // A model pattern naming no model.
        (
            ARK.replacen(
                "like = \"doubao-seedance-2-0-fast-260128\"",
                "like = \"nope\"",
                1,
            ),
            "nope",
        ),
    ];
    for (i, (body, key)) in cases.iter().enumerate() {
        let path = dir.join(format!("bad{i}.toml"));
        std::fs::write(&path, body).unwrap();
        let o = run(
            &[
                "check",
                "--no-fetch",
                "--no-config",
                "--dialect-file",
                path.to_str().unwrap(),
                "fixtures/requests/ark/ok-text.json",
            ],
            None,
        );
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(&format!("bad{i}.toml")), "{err}");
        assert!(err.contains(key), "{err}");
        if i == 0 {
            let line = 1 + body
                .lines()
                .position(|l| l.starts_with("callback_max_length"))
                .unwrap();
            assert!(err.contains(&format!("bad0.toml:{line}")), "{err}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn dialects_lists_and_describes() {
    let o = run(&["dialects"], None);
    assert_eq!(o.status.code(), Some(0));
    let out = text(&o.stdout);
    for id in ["unified", "open", "ark"] {
        assert!(out.lines().any(|l| l.starts_with(id)), "{out}");
    }
    let o = run(&["dialects", "ark", "--format", "json"], None);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["id"], "ark");
    assert_eq!(v["items"]["types"]["image_url"]["url"], "image_url.url");
    // The family's limits are merged in.
    assert_eq!(v["image"]["max_side"], 6000);
    assert_eq!(v["video"]["max_pixels_by_quality"]["1080p"], 2_073_600);
    let o = run(
        &[
            "dialects",
            "example-relay",
            "--dialect-file",
            "fixtures/dialects/example-relay.toml",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("sd2-animate"));
}

#[test]
fn a_config_loads_dialect_files_relative_to_itself() {
    let dir = std::env::temp_dir().join(format!("sp-dialect-config-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("dialects")).unwrap();
    std::fs::copy(
        super::fixtures().join("dialects/example-relay.toml"),
        dir.join("dialects/relay.toml"),
    )
    .unwrap();
    let config = dir.join("seedance-preflight.toml");
    std::fs::write(&config, "dialect_files = [\"dialects/relay.toml\"]\n").unwrap();
    let o = run(
        &[
            "check",
            "--no-fetch",
            "--config",
            config.to_str().unwrap(),
            "fixtures/dialects/requests/ok-animate.json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("example-relay dialect"));
    std::fs::write(&config, "dialect_files = [\"dialects/missing.toml\"]\n").unwrap();
    let o = run(
        &[
            "check",
            "--no-fetch",
            "--config",
            config.to_str().unwrap(),
            "x.json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("missing.toml"),
        "{}",
        text(&o.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_renamed_copy_through_the_command_line_gives_the_same_report() {
    let dir = std::env::temp_dir().join(format!("sp-dialect-copy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join("my-relay.toml");
    std::fs::write(&copy, ARK.replacen("id = \"ark\"", "id = \"my-relay\"", 1)).unwrap();
    let verdicts = |extra: &[&str]| -> Vec<(String, String, String)> {
        let mut args = vec!["check", "--no-fetch", "--no-config", "--format", "json"];
        args.extend(extra);
        args.push("fixtures/requests/ark");
        let o = run(&args, None);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["requests"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| {
                let file = r["file"].as_str().unwrap().to_string();
                // Each request's prediction (a fact), then its findings.
                let predicted = (file.clone(), "predicted".into(), r["predicted"].to_string());
                std::iter::once(predicted).chain(r["findings"].as_array().unwrap().iter().map(
                    move |f| {
                        (
                            file.clone(),
                            format!("{} {}", f["code"], f["severity"]),
                            f["location"].to_string(),
                        )
                    },
                ))
            })
            .collect()
    };
    let builtin = verdicts(&["--dialect", "ark"]);
    let loaded = verdicts(&[
        "--dialect-file",
        copy.to_str().unwrap(),
        "--dialect",
        "my-relay",
    ]);
    assert!(builtin.len() > 60, "{}", builtin.len());
    assert_eq!(builtin, loaded);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn fal_reference_to_video_is_a_user_dialect_file() {
    let o = run(
        &[
            "check",
            "--no-fetch",
            "--no-config",
            "--format",
            "json",
            "--dialect-file",
            "fixtures/dialects/fal-reference-to-video.toml",
            "--dialect",
            "fal-r2v",
            "fixtures/dialects/fal/ok-references.json",
            "fixtures/dialects/fal/x-references.json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes = |i: usize| -> Vec<String> {
        let mut c: Vec<String> = v["requests"][i]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{}:{}",
                    f["code"].as_str().unwrap(),
                    f["severity"].as_str().unwrap()
                )
            })
            .collect();
        c.sort();
        c
    };
    // No `model` member and no REQ002: the endpoint names the model. The
    // `@Image1` tags fal asks for are information only in this file.
    assert_eq!(codes(0), ["REQ016:info", "REQ016:info"]);
    assert_eq!(
        codes(1),
        [
            "REQ004:warning",
            "REQ007:error",
            "REQ013:error",
            "SRC001:error"
        ]
    );
}
