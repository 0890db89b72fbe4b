//! `fix` as a run like `check`: the same settings (configs, `--isolated`,
//! `--require-urls`, `--media-root`), chunks that carry shared assets over,
//! and a download cap.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::cli::{run, text};

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sp-fixrun-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn fix_json(args: &[&str]) -> (Option<i32>, Value, String) {
    let mut all = vec!["fix", "--format", "json"];
    all.extend(args);
    let o = run(&all, None);
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {} {}", text(&o.stdout), text(&o.stderr)));
    (o.status.code(), v, text(&o.stderr))
}

fn media(rel: &str) -> String {
    std::fs::canonicalize(Path::new("fixtures/media").join(rel))
        .unwrap()
        .display()
        .to_string()
}

fn edits(v: &Value) -> Vec<String> {
    v["plan"]["requests"][0]["edits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn fix_obeys_the_config_check_obeys_and_isolated_ignores_it() {
    let d = dir("config");
    std::fs::write(
        d.join("seedance-preflight.toml"),
        "[severity]\nREQ006 = \"off\"\n",
    )
    .unwrap();
    let req = d.join("r.json");
    std::fs::write(
        &req,
        json!({"model": "seedance-2.0-text-to-video", "prompt": "a cat", "duration": 16})
            .to_string(),
    )
    .unwrap();
    let out = d.join("out");
    let (r, o) = (req.to_str().unwrap(), out.to_str().unwrap());
    // check passes it under the config (and says the config loosens)...
    let c = run(&["check", "--no-fetch", r], None);
    assert_eq!(c.status.code(), Some(0), "{}", text(&c.stdout));
    // ...so fix leaves the duration alone, and says so too.
    let (code, v, err) = fix_json(&["--dry-run", "--out", o, r]);
    assert_eq!(code, Some(0), "{v}");
    assert!(edits(&v).is_empty(), "{v}");
    assert!(err.contains("REQ006"), "{err}");
    // Under --isolated the checkout's config is not read: the gate holds.
    let (code, v, err) = fix_json(&["--dry-run", "--isolated", "--out", o, r]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(edits(&v), ["/duration"], "{v}");
    assert!(!err.contains("warning"), "{err}");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn fix_opens_no_local_file_the_flags_forbid() {
    let d = dir("paths");
    let req = d.join("r.json");
    std::fs::write(
        &req,
        json!({
            "model": "seedance-2.0-reference-to-video",
            "prompt": "Image 1 in the rain",
            "image_urls": [media("image/x-399x1000.png")],
        })
        .to_string(),
    )
    .unwrap();
    let out = d.join("out");
    let (r, o) = (req.to_str().unwrap(), out.to_str().unwrap());
    let jobs = |v: &Value| v["plan"]["jobs"].as_array().unwrap().len();
    let left = |v: &Value| -> Vec<String> {
        v["plan"]["requests"][0]["unfixable"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["code"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, v, _) = fix_json(&["--dry-run", "--out", o, r]);
    assert_eq!(jobs(&v), 1, "{v}");
    let (code, v, _) = fix_json(&["--dry-run", "--require-urls", "--out", o, r]);
    assert_eq!((code, jobs(&v)), (Some(1), 0), "{v}");
    assert_eq!(left(&v), ["SRC001"], "{v}");
    let (code, v, _) = fix_json(&[
        "--dry-run",
        "--media-root",
        d.to_str().unwrap(),
        "--out",
        o,
        r,
    ]);
    assert_eq!((code, jobs(&v)), (Some(1), 0), "{v}");
    assert_eq!(left(&v), ["SRC001"], "{v}");
    let _ = std::fs::remove_dir_all(&d);
}

/// More requests than one chunk holds, all naming one image that needs a
/// fix: one job, written once, and every rewritten request passes.
#[test]
fn fix_runs_in_chunks_and_writes_a_shared_asset_once() {
    let d = dir("chunks");
    let reqs = d.join("requests");
    std::fs::create_dir_all(&reqs).unwrap();
    let body = json!({
        "model": "seedance-2.0-reference-to-video",
        "prompt": "Image 1 in the rain",
        "image_urls": [media("image/x-399x1000.png")],
    })
    .to_string();
    let n = 1100;
    for i in 0..n {
        std::fs::write(reqs.join(format!("r{i:04}.json")), &body).unwrap();
    }
    let out = d.join("out");
    let (code, v, err) = fix_json(&["--out", out.to_str().unwrap(), reqs.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(v["plan"]["requests"].as_array().unwrap().len(), n);
    assert_eq!(
        v["plan"]["jobs"].as_array().unwrap().len(),
        1,
        "{}",
        v["plan"]["jobs"]
    );
    let results = v["result"]["requests"].as_array().unwrap();
    assert_eq!(results.len(), n);
    assert!(results.iter().all(|r| r["passes"] == true));
    assert!(v["plan"]["requests"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["jobs"] == json!([0])));
    assert_eq!(std::fs::read_dir(out.join("assets")).unwrap().count(), 1);
    // The last request, from the second chunk, points at the one asset.
    let last: Value =
        serde_json::from_slice(&std::fs::read(out.join(format!("r{:04}.json", n - 1))).unwrap())
            .unwrap();
    assert_eq!(last["image_urls"][0], "assets/x-399x1000.png");
    let _ = std::fs::remove_dir_all(&d);
}

/// A JSONL batch is checked and reported line by line, never rewritten.
#[test]
fn fix_reports_a_large_jsonl_batch_without_rewriting_it() {
    let d = dir("jsonl");
    let batch = d.join("b.jsonl");
    std::fs::write(&batch, "{}\n".repeat(3000)).unwrap();
    let out = d.join("out");
    let o = run(
        &[
            "fix",
            "--out",
            out.to_str().unwrap(),
            batch.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    let stdout = text(&o.stdout);
    assert!(
        stdout.ends_with("3000 requests: 0 pass after fixing, 3000 still fail\n"),
        "{}",
        &stdout[stdout.len().saturating_sub(300)..]
    );
    assert!(stdout.contains("a JSONL line is checked, not rewritten"));
    let _ = std::fs::remove_dir_all(&d);
}

#[cfg(feature = "remote")]
#[test]
fn fix_downloads_at_most_max_downloads_files() {
    let server = super::server::Server::start();
    let d = dir("downloads");
    let req = d.join("r.json");
    std::fs::write(
        &req,
        json!({
            "model": "seedance-2.0-reference-to-video",
            "prompt": "Image 1 and image 2 in the rain",
            "image_urls": [
                server.url("/files/image/x-399x1000.png"),
                server.url("/files/image/x-1001x400.png"),
            ],
        })
        .to_string(),
    )
    .unwrap();
    let out = d.join("out");
    let (code, v, _) = fix_json(&[
        "--allow-loopback",
        "--download",
        "--max-downloads",
        "1",
        "--out",
        out.to_str().unwrap(),
        req.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(1), "{v}");
    let jobs = v["result"]["jobs"].as_array().unwrap();
    assert_eq!(jobs.len(), 2, "{v}");
    assert_eq!(jobs.iter().filter(|j| j["ok"] == true).count(), 1, "{v}");
    assert!(jobs.iter().any(
        |j| j["detail"].as_str().unwrap().contains("--max-downloads")
            || j["detail"].as_str().unwrap().contains("downloads")
    ));
    assert_eq!(std::fs::read_dir(out.join("downloads")).unwrap().count(), 1);
    let _ = std::fs::remove_dir_all(&d);
}

/// `--allow-host HOST:PORT` lets that host through on that port only, on
/// every hop: a redirect to another port of the same host is refused.
#[cfg(feature = "remote")]
#[test]
fn allow_host_with_a_port_admits_no_other_port_on_any_hop() {
    let a = super::server::Server::start();
    let b = super::server::Server::start();
    let port = |s: &super::server::Server| {
        s.base
            .trim_end_matches('/')
            .rsplit(':')
            .next()
            .unwrap()
            .to_string()
    };
    let d = dir("allowport");
    let probe = |url: &str| -> (bool, String) {
        let req = d.join("r.json");
        std::fs::write(
            &req,
            json!({
                "model": "seedance-2.0-image-to-video",
                "prompt": "The cat turns",
                "image_urls": [url],
            })
            .to_string(),
        )
        .unwrap();
        let host = format!("127.0.0.1:{}", port(&a));
        let o = run(
            &[
                "check",
                "--format",
                "json",
                "--allow-host",
                &host,
                req.to_str().unwrap(),
            ],
            None,
        );
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        let req = &v["requests"][0];
        (
            req["assets"][0]["probe"]["width"] == 1280,
            req["findings"].to_string(),
        )
    };
    let (fetched, findings) = probe(&a.url("/files/image/ok-1280x720.jpg"));
    assert!(fetched, "{findings}");
    // Port A redirects to port B of the same address: not allowed there.
    let hop = a.url(&format!("/to/{}", b.url("/files/image/ok-1280x720.jpg")));
    let (fetched, findings) = probe(&hop);
    assert!(!fetched, "{findings}");
    assert!(findings.contains("SRC00"), "{findings}");
    let _ = std::fs::remove_dir_all(&d);
}

/// The rules decide the remedy: an ark request asking for 1080p may carry a
/// 1920×1080 reference clip (check reports only its 61 fps, VID006), so fix
/// re-times it and leaves its size alone.
#[test]
fn fix_keeps_a_1080p_clip_where_the_request_allows_1080p() {
    let Some(ffmpeg) = seedance_preflight::fix::find_ffmpeg(None) else {
        eprintln!("SKIPPED: no ffmpeg on PATH; this test makes its 1920x1080 61 fps clip with it");
        return;
    };
    let d = dir("ark1080");
    let clip = d.join("clip.mp4");
    let made = std::process::Command::new(ffmpeg)
        .args([
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=1920x1080:rate=61",
            "-t",
            "2.5",
        ])
        .args([
            "-pix_fmt",
            "yuv420p",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-y",
        ])
        .arg(&clip)
        .status()
        .unwrap();
    assert!(made.success());
    let req = d.join("r.json");
    std::fs::write(
        &req,
        json!({
            "model": "doubao-seedance-2-0-260128",
            "content": [
                {"type": "text", "text": "The dancer moves like video 1"},
                {"type": "video_url", "video_url": {"url": clip.to_str().unwrap()}, "role": "reference_video"}
            ],
            "resolution": "1080p",
            "ratio": "16:9",
            "duration": 5
        })
        .to_string(),
    )
    .unwrap();
    let c = run(
        &[
            "check",
            "--isolated",
            "--format",
            "json",
            req.to_str().unwrap(),
        ],
        None,
    );
    let v: Value = serde_json::from_slice(&c.stdout).unwrap();
    let codes: Vec<&str> = v["requests"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "info")
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["VID006"], "{v}");
    // The envelope the rule judged by, and fix aims for: 1080p's budget.
    let accepts = &v["requests"][0]["assets"][0]["accepts"];
    assert_eq!(accepts["pixels"], json!([409600, 2073600]), "{accepts}");
    assert_eq!(accepts["fps"], json!([24.0, 60.0]), "{accepts}");
    let out = d.join("out");
    let (_, v, _) = fix_json(&[
        "--dry-run",
        "--isolated",
        "--out",
        out.to_str().unwrap(),
        req.to_str().unwrap(),
    ]);
    let job = &v["plan"]["jobs"][0];
    assert_eq!(job["kind"], "video", "{v}");
    assert!(job["video"]["scale"].is_null(), "{job}");
    assert!(
        !job["actions"].to_string().contains("scale"),
        "{}",
        job["actions"]
    );
    let _ = std::fs::remove_dir_all(&d);
}

/// `--max-urls` and `--deadline` are the run's, not each chunk's: a URL in
/// the second chunk of 4,096 requests is over a cap of 1 that the first
/// chunk used.
#[cfg(feature = "remote")]
#[test]
fn max_urls_counts_across_chunks() {
    let server = super::server::Server::start();
    let d = dir("maxurls");
    let n = 4100;
    for i in 0..n {
        let mut body = json!({"model": "seedance-2.0-text-to-video", "prompt": "a cat"});
        if i == 0 || i == n - 1 {
            body = json!({
                "model": "seedance-2.0-image-to-video",
                "prompt": "image 1 turns",
                "image_urls": [server.url(if i == 0 { "/files/image/ok-1280x720.jpg" } else { "/files/image/ok-1000x400.png" })],
            });
        }
        std::fs::write(d.join(format!("r{i:05}.json")), body.to_string()).unwrap();
    }
    let o = run(
        &[
            "check",
            "--isolated",
            "--allow-loopback",
            "--max-urls",
            "1",
            "--format",
            "jsonl",
            d.to_str().unwrap(),
        ],
        None,
    );
    let out = text(&o.stdout);
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let of = |name: &str| {
        lines
            .iter()
            .find(|l| l["file"].as_str().is_some_and(|f| f.ends_with(name)))
            .unwrap_or_else(|| panic!("no report for {name}"))
            .clone()
    };
    let first = of("r00000.json");
    assert_eq!(first["assets"][0]["probe"]["width"], 1280, "{first}");
    let last = of(&format!("r{:05}.json", n - 1));
    assert!(
        last["findings"].to_string().contains("--max-urls"),
        "{last}"
    );
    let _ = std::fs::remove_dir_all(&d);
}

/// Each clip's longest after the request's total is the envelope's
/// (`accepts.max_length_s`), and `fix` cuts to exactly that: 15 s + 3 s of
/// audio against a 15 s total cuts the last clip to its 2 s shortest, then
/// the first to 13 s.
#[test]
fn clips_are_cut_to_the_length_their_envelope_allows_after_the_total() {
    let d = dir("total");
    let req = d.join("req.json");
    std::fs::write(
        &req,
        json!({
            "model": "seedance-2.0-reference-to-video",
            "prompt": "The singer in image 1 sings along to audio 1 and audio 2",
            "image_urls": [media("image/ok-1280x720.jpg")],
            "audio_urls": [media("audio/ok-wav-15.0s.wav"), media("audio/ok-wav-44k-stereo-3s.wav")]
        })
        .to_string(),
    )
    .unwrap();
    let c = run(
        &[
            "check",
            "--isolated",
            "--format",
            "json",
            req.to_str().unwrap(),
        ],
        None,
    );
    let v: Value = serde_json::from_slice(&c.stdout).unwrap();
    let assets = v["requests"][0]["assets"].as_array().unwrap();
    let max: Vec<&Value> = assets
        .iter()
        .map(|a| &a["accepts"]["max_length_s"])
        .collect();
    // (assets are listed by field: audio_urls, then image_urls)
    assert_eq!(max, [&json!(13.0), &json!(2.0), &Value::Null], "{v}");
    assert_eq!(assets[0]["accepts"]["duration_s"], json!([2.0, 15.0]));
    let (_, v, _) = fix_json(&[
        "--dry-run",
        "--isolated",
        "--allow-lossy",
        "--out",
        d.join("out").to_str().unwrap(),
        req.to_str().unwrap(),
    ]);
    let cut: Vec<&Value> = v["plan"]["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| &j["audio"]["max_s"])
        .collect();
    assert_eq!(cut, [&json!(13.0), &json!(2.0)], "{v}");
}
