//! The gate against the pull request it guards (issue 21): each test puts
//! in a checkout what an attacker would commit, runs the binary with that
//! checkout as its current folder, and checks the attack fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use super::cli::text;

/// A fresh folder standing for a checked-out pull request.
fn checkout(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sp-attack-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Runs the binary in `cwd`.
fn run_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_seedance-preflight"))
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[cfg(feature = "fix")]
fn media(rel: &str) -> PathBuf {
    super::fixtures().join("media").join(rel)
}

const FAILING: &str =
    r#"{"model": "seedance-2.0-text-to-video", "prompt": "a cat", "duration": 16}"#;

#[cfg(all(unix, feature = "fix"))]
#[test]
fn fix_refuses_links_planted_in_out_and_changes_nothing_outside() {
    let co = checkout("links");
    std::fs::copy(media("image/x-299x400.png"), co.join("small.png")).unwrap();
    std::fs::write(
        co.join("r.json"),
        r#"{"model": "seedance-2.0-reference-to-video", "prompt": "image 1", "image_urls": ["small.png"]}"#,
    )
    .unwrap();
    let victim = co.join("victim.txt");
    std::fs::write(&victim, "keep").unwrap();
    // A link at the asset's output name.
    std::fs::create_dir_all(co.join("fixed/assets")).unwrap();
    std::os::unix::fs::symlink(&victim, co.join("fixed/assets/small.png")).unwrap();
    let o = run_in(&co, &["fix", "--out", "fixed", "r.json"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("small.png is a symbolic link"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    // A link in place of the assets folder.
    std::fs::remove_dir_all(co.join("fixed")).unwrap();
    let elsewhere = checkout("links-elsewhere");
    std::fs::create_dir_all(co.join("fixed")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, co.join("fixed/assets")).unwrap();
    let o = run_in(&co, &["fix", "--out", "fixed", "r.json"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("assets is a symbolic link"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    // A link in place of --out itself.
    std::fs::remove_dir_all(co.join("fixed")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, co.join("fixed")).unwrap();
    let o = run_in(&co, &["fix", "--out", "fixed", "r.json"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    // Without links, the same run writes.
    std::fs::remove_file(co.join("fixed")).unwrap();
    let o = run_in(&co, &["fix", "--out", "fixed", "r.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(co.join("fixed/assets/small.png").is_file());
    let _ = std::fs::remove_dir_all(&co);
    let _ = std::fs::remove_dir_all(&elsewhere);
}

#[test]
fn a_committed_config_that_opens_the_gate_is_named_and_isolated_ignores_it() {
    let co = checkout("config");
    std::fs::create_dir_all(co.join("requests")).unwrap();
    std::fs::write(co.join("requests/r.json"), FAILING).unwrap();
    std::fs::write(
        co.join("requests/seedance-preflight.toml"),
        "fail_on = \"never\"\n\n[severity]\nREQ006 = \"off\"\n\n[limits.unified]\ncallback_https_only = false\nbody_max_bytes = 100_000_000\n",
    )
    .unwrap();
    let o = run_in(
        &co,
        &["check", "--no-fetch", "--format", "json", "requests"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    for key in [
        "requests/seedance-preflight.toml:1: `fail_on` = \"never\"",
        ":4: `severity.REQ006` = \"off\" loosens the built-in \"error\"",
        "`limits.unified.callback_https_only` = false loosens the built-in true",
        "`limits.unified.body_max_bytes` = 100000000 loosens the built-in 64000000",
    ] {
        assert!(err.contains(key), "{key} not in {err}");
    }
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let keys: Vec<&str> = v["loosened"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "fail_on",
            "severity.REQ006",
            "limits.unified.body_max_bytes",
            "limits.unified.callback_https_only"
        ]
    );
    // SARIF carries them as configuration notifications.
    let o = run_in(
        &co,
        &["check", "--no-fetch", "--format", "sarif", "requests"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let notes = &v["runs"][0]["invocations"][0]["toolConfigurationNotifications"];
    assert_eq!(notes.as_array().unwrap().len(), 4, "{notes}");
    // --isolated reads no committed config: the request fails.
    let o = run_in(&co, &["check", "--no-fetch", "--isolated", "requests"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    assert!(!text(&o.stderr).contains("loosens"));
    let _ = std::fs::remove_dir_all(&co);
}

#[test]
fn a_dialect_file_cannot_redefine_a_built_in_dialect() {
    let co = checkout("dialect");
    let unified =
        include_str!("../../src/spec/dialects/unified.toml").replace("max = 15", "max = 60");
    std::fs::write(co.join("mine.toml"), unified).unwrap();
    std::fs::write(
        co.join("seedance-preflight.toml"),
        "dialect_files = [\"mine.toml\"]\n",
    )
    .unwrap();
    std::fs::write(co.join("r.json"), FAILING).unwrap();
    let o = run_in(&co, &["check", "--no-fetch", "r.json"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stdout));
    let err = text(&o.stderr);
    assert!(
        err.contains("mine.toml") && err.contains("the built-in dialect `unified`"),
        "{err}"
    );
    // Nor can one on the command line.
    let o = run_in(
        &co,
        &[
            "check",
            "--no-fetch",
            "--no-config",
            "--dialect-file",
            "mine.toml",
            "r.json",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stdout));
    // A config may not name files outside its folder.
    std::fs::write(
        co.join("seedance-preflight.toml"),
        "dialect_files = [\"../../etc/passwd\"]\n",
    )
    .unwrap();
    let o = run_in(&co, &["check", "--no-fetch", "r.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("below the config's folder"),
        "{}",
        text(&o.stderr)
    );
    let _ = std::fs::remove_dir_all(&co);
}

#[test]
fn hidden_and_ignored_requests_are_walked_under_isolated() {
    let co = checkout("hidden");
    std::fs::create_dir_all(co.join(".sneaky")).unwrap();
    std::fs::write(co.join(".sneaky/r.json"), FAILING).unwrap();
    std::fs::write(co.join("ignored.json"), FAILING).unwrap();
    std::fs::write(co.join(".ignore"), "ignored.json\n").unwrap();
    std::fs::write(
        co.join("ok.json"),
        r#"{"model": "seedance-2.0-text-to-video", "prompt": "a cat"}"#,
    )
    .unwrap();
    let o = run_in(&co, &["check", "--no-fetch", "--no-config", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    let o = run_in(&co, &["check", "--no-fetch", "--isolated", "."]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    assert!(
        text(&o.stdout).contains("3 requests: 1 passed, 2 failed"),
        "{}",
        text(&o.stdout)
    );
    let _ = std::fs::remove_dir_all(&co);
}

#[cfg(unix)]
#[test]
fn file_names_cannot_print_workflow_commands() {
    let co = checkout("names");
    let name = "x\n::error file=README.md::pwned\n::add-mask::secret\nx.json";
    std::fs::write(co.join(name), "{not json").unwrap();
    // A name that cannot be read as a request, and one that is a folder link.
    for format in ["human", "github", "json"] {
        let o = run_in(
            &co,
            &[
                "check",
                "--no-fetch",
                "--no-config",
                "--format",
                format,
                name,
                "missing\n::error::x.json",
            ],
        );
        for (what, out) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
            for line in text(out).lines() {
                assert!(
                    !line.trim_start().starts_with("::error file=README")
                        && !line.trim_start().starts_with("::add-mask")
                        && !line.trim_start().starts_with("::error::"),
                    "{format} {what}: {line:?}"
                );
            }
        }
    }
    let _ = std::fs::remove_dir_all(&co);
}

#[test]
fn configs_are_capped_in_size_and_globs() {
    let co = checkout("caps");
    std::fs::write(co.join("r.json"), FAILING).unwrap();
    let globs: Vec<String> = (0..200_000).map(|i| format!("\"g{i}/**\"")).collect();
    std::fs::write(
        co.join("seedance-preflight.toml"),
        format!("exclude = [{}]\n", globs.join(",")),
    )
    .unwrap();
    let t = std::time::Instant::now();
    let o = run_in(&co, &["check", "--no-fetch", "r.json"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("a config file is at most"),
        "{}",
        text(&o.stderr)
    );
    let globs: Vec<String> = (0..1500).map(|i| format!("\"g{i}\"")).collect();
    std::fs::write(
        co.join("seedance-preflight.toml"),
        format!("exclude = [{}]\n", globs.join(",")),
    )
    .unwrap();
    let o = run_in(&co, &["check", "--no-fetch", "r.json"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("globs: a config gives at most 1000"),
        "{}",
        text(&o.stderr)
    );
    assert!(t.elapsed() < std::time::Duration::from_secs(60));
    let _ = std::fs::remove_dir_all(&co);
}

#[cfg(feature = "fix")]
#[test]
fn fix_scales_a_long_strip_before_it_pads() {
    let co = checkout("strip");
    let strip = image::RgbImage::from_pixel(65535, 1, image::Rgb([200, 10, 10]));
    strip.save(co.join("strip.png")).unwrap();
    std::fs::write(
        co.join("r.json"),
        r#"{"model": "seedance-2.0-reference-to-video", "prompt": "image 1", "image_urls": ["strip.png"]}"#,
    )
    .unwrap();
    let o = run_in(
        &co,
        &["fix", "--format", "json", "--out", "fixed", "r.json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let steps = &v["plan"]["jobs"][0]["image"]["steps"];
    assert_eq!(
        steps,
        &serde_json::json!([
            {"step": "scale", "width": 6000, "height": 1},
            {"step": "pad", "width": 6000, "height": 2400}
        ])
    );
    let f = seedance_preflight::probe::probe_path(&co.join("fixed/assets/strip.png"), 1 << 20);
    assert_eq!((f.width, f.height), (Some(6000), Some(2400)));
    let _ = std::fs::remove_dir_all(&co);
}

#[cfg(feature = "fix")]
#[test]
fn ffmpeg_reads_and_writes_only_absolute_file_paths() {
    let co = checkout("ffmpeg");
    let dir = co.join("subfile,,start,0,end,0,,:");
    std::fs::create_dir_all(dir.join("abs")).unwrap();
    std::fs::copy(media("video/x-fps-23.976.mp4"), dir.join("abs/other.mp4")).unwrap();
    std::fs::write(
        co.join("r.json"),
        r#"{"model": "seedance-2.0-reference-to-video", "prompt": "video 1", "video_urls": ["subfile,,start,0,end,0,,:/abs/other.mp4"]}"#,
    )
    .unwrap();
    let o = run_in(
        &co,
        &[
            "fix",
            "--dry-run",
            "--format",
            "json",
            "--ffmpeg",
            "/bin/true",
            "--out",
            "fixed",
            "r.json",
        ],
    );
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o.stderr)));
    let command = v["plan"]["jobs"][0]["command"].as_str().unwrap_or_default();
    let abs = std::fs::canonicalize(&co).unwrap();
    assert!(
        command.contains(&format!("-i 'file:{}/subfile", abs.display()))
            || command.contains(&format!("-i file:{}/subfile", abs.display())),
        "{command}"
    );
    assert!(
        command.contains("file:") && command.ends_with(".mp4"),
        "{command}"
    );
    let _ = std::fs::remove_dir_all(&co);
}
