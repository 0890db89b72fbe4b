//! The gate under attack (issue 13): whatever a pull request commits — endless
//! files, FIFOs, symbolic links, hostile servers, tarpits — the tool ends,
//! bounded, and says what happened. Every test that could hang runs the
//! binary under a watchdog that kills it and fails, instead of hanging CI.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use seedance_preflight::source::http::RemoteOptions;
use seedance_preflight::{check_bytes, Code, Options};

use super::server::Server;

struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    took: Duration,
}

/// Runs the binary with `stdin` from a file (or nothing), killing it after
/// `limit`: a hang fails the test.
fn run_bounded(args: &[&str], stdin: Option<&Path>, limit: Duration) -> Ran {
    let start = Instant::now();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_seedance-preflight"));
    cmd.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match stdin {
        Some(p) => cmd.stdin(std::fs::File::open(p).unwrap()),
        None => cmd.stdin(Stdio::null()),
    };
    let mut child = cmd.spawn().unwrap();
    // Drain the pipes on threads so a chatty child cannot block on them.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let o = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut out, &mut s);
        s
    });
    let e = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut err, &mut s);
        s
    });
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`{}` did not end within {limit:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Ran {
        code,
        stdout: o.join().unwrap(),
        stderr: e.join().unwrap(),
        took: start.elapsed(),
    }
}

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sp-gate-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap().success();
    assert!(ok, "mkfifo");
}

const OK: &str = r#"{"model": "seedance-2.0-text-to-video", "prompt": "a lighthouse at dusk"}"#;

/// Case 1: `check /dev/zero` is refused at once, not read forever.
#[test]
fn an_endless_device_as_a_path_is_refused() {
    let r = run_bounded(
        &["check", "--no-config", "/dev/zero"],
        None,
        Duration::from_secs(10),
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("/dev/zero") && r.stderr.contains("not a regular file"),
        "{}",
        r.stderr
    );
}

/// Case 1: an endless standard input is read to the cap plus one byte and
/// reported as too large, without reading the rest.
#[test]
fn an_endless_standard_input_is_cut_at_the_cap() {
    let r = run_bounded(
        &["check", "--no-config", "--format", "json", "-"],
        Some(Path::new("/dev/zero")),
        Duration::from_secs(30),
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let f = &v["requests"][0]["findings"][0];
    assert_eq!(f["code"], "REQ018");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("more than 100000000 bytes"),
        "{f}"
    );
}

/// Cases 1 and 2: a folder holding a symlink to /dev/zero and a FIFO ends
/// at once with exit 2 naming both, and the other request is still checked.
#[test]
fn a_folder_with_a_device_link_and_a_fifo_ends_and_checks_the_rest() {
    let d = tempdir("folder");
    std::os::unix::fs::symlink("/dev/zero", d.join("x.json")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", d.join("z.jsonl")).unwrap();
    mkfifo(&d.join("y.json"));
    std::fs::write(d.join("ok.json"), OK).unwrap();
    let dir = d.to_str().unwrap();
    let r = run_bounded(
        &["check", "--no-config", "--no-fetch", dir],
        None,
        Duration::from_secs(10),
    );
    assert!(r.took < Duration::from_secs(5), "took {:?}", r.took);
    assert_eq!(r.code, Some(2), "{}\n{}", r.stdout, r.stderr);
    for bad in ["x.json", "y.json", "z.jsonl"] {
        assert!(r.stderr.contains(bad), "{bad} not named: {}", r.stderr);
    }
    assert!(
        r.stdout.contains("PASS") && r.stdout.contains("ok.json"),
        "{}",
        r.stdout
    );
    let _ = std::fs::remove_dir_all(&d);
}

/// Case 2: a FIFO named as media is SRC008 "not a regular file" (never
/// opened); with --require-urls it is SRC001 and not even looked at.
#[test]
fn a_fifo_named_as_media_is_not_opened() {
    let d = tempdir("fifo-media");
    mkfifo(&d.join("clip.mp4"));
    let req = d.join("req.json");
    std::fs::write(
        &req,
        r#"{"model": "seedance-2.0-reference-to-video", "prompt": "video 1", "video_urls": ["clip.mp4"]}"#,
    )
    .unwrap();
    let path = req.to_str().unwrap();
    let r = run_bounded(
        &["check", "--no-config", "--format", "json", path],
        None,
        Duration::from_secs(10),
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stdout.contains("SRC008") && r.stdout.contains("FIFO"),
        "{}",
        r.stdout
    );
    let r = run_bounded(
        &[
            "check",
            "--no-config",
            "--require-urls",
            "--format",
            "json",
            path,
        ],
        None,
        Duration::from_secs(10),
    );
    assert!(
        r.stdout.contains("SRC001") && !r.stdout.contains("SRC008"),
        "{}",
        r.stdout
    );
    let _ = std::fs::remove_dir_all(&d);
}

/// Case 9: --media-root keeps a request from naming files outside it (an
/// absolute path, `..`, or a symbolic link leading out): SRC001, and nothing
/// about the file is disclosed.
#[test]
fn the_media_root_confines_local_paths() {
    let d = tempdir("root");
    std::fs::create_dir_all(d.join("repo")).unwrap();
    let jpg = super::fixtures().join("media/image/ok-1280x720.jpg");
    std::fs::copy(&jpg, d.join("repo/in.jpg")).unwrap();
    std::fs::copy(&jpg, d.join("outside.jpg")).unwrap();
    std::os::unix::fs::symlink(d.join("outside.jpg"), d.join("repo/link.jpg")).unwrap();
    let body = serde_json::json!({"model": "seedance-2.0-reference-to-video", "prompt": "image 1",
        "image_urls": ["in.jpg", "../outside.jpg", "/etc/shadow", "link.jpg"]});
    let req = d.join("repo/req.json");
    std::fs::write(&req, body.to_string()).unwrap();
    let root = d.join("repo");
    let r = run_bounded(
        &[
            "check",
            "--no-config",
            "--format",
            "json",
            "--media-root",
            root.to_str().unwrap(),
            req.to_str().unwrap(),
        ],
        None,
        Duration::from_secs(10),
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let findings = v["requests"][0]["findings"].as_array().unwrap();
    let codes_of = |i: u64| -> Vec<&str> {
        findings
            .iter()
            .filter(|f| f["asset"] == i)
            .map(|f| f["code"].as_str().unwrap())
            .collect()
    };
    assert!(codes_of(0).is_empty(), "{:?}", codes_of(0));
    for i in 1..=3 {
        assert_eq!(codes_of(i), ["SRC001"], "asset {i}");
    }
    assert!(!r.stdout.contains("Permission denied") && !r.stdout.contains("No such file"));
    assert!(v["requests"][0]["assets"][2]["probe"]["size_bytes"].is_null());
    let _ = std::fs::remove_dir_all(&d);
}

fn loopback() -> RemoteOptions {
    RemoteOptions {
        allow_private: true,
        timeout: Duration::from_secs(1),
        connect_timeout: Duration::from_secs(1),
        ..RemoteOptions::default()
    }
}

fn check_urls(field: &str, urls: &[String], opts: &Options) -> seedance_preflight::RequestReport {
    let model = if field == "image_urls" {
        "seedance-2.0-image-to-video"
    } else {
        "seedance-2.0-reference-to-video"
    };
    let mut body = serde_json::json!({"model": model, "prompt": "image 1 and video 1"});
    body[field] = serde_json::json!(urls);
    check_bytes("r.json", &serde_json::to_vec(&body).unwrap(), opts)
}

fn codes_of(r: &seedance_preflight::RequestReport, i: usize) -> Vec<Code> {
    r.findings
        .iter()
        .filter(|f| f.asset == Some(i) && f.code != Code::SRC002 && f.code != Code::SRC001)
        .map(|f| f.code)
        .collect()
}

/// Case 3: a run-wide deadline bounds tarpits; entries beyond the model's
/// maximum are not fetched; --max-urls caps distinct URLs.
#[test]
fn the_run_deadline_and_the_url_cap_bound_fetching() {
    let server = Server::start();
    let urls: Vec<String> = (0..12)
        .map(|i| server.url(&format!("/tarpit/{i}.mp4")))
        .collect();
    let opts = Options {
        remote: RemoteOptions {
            timeout: Duration::from_secs(30),
            ..loopback()
        },
        deadline: Some(Duration::from_secs(2)),
        jobs: 2,
        ..Options::default()
    };
    let start = Instant::now();
    let r = check_urls("video_urls", &urls[..3], &opts);
    let took = start.elapsed();
    assert!(took < Duration::from_secs(8), "took {took:?}");
    for i in 0..3 {
        assert_eq!(codes_of(&r, i), [Code::SRC003], "{i}: {:?}", r.findings);
    }
    assert!(r.findings.iter().any(|f| f.message.contains("deadline")));

    // Beyond the maximum count (3 videos for reference-to-video): REQ013, and
    // only the first three were requested.
    let before = server.connections.load(std::sync::atomic::Ordering::SeqCst);
    let files: Vec<String> = (0..5)
        .map(|_| server.url("/files/video/ok-h264-24fps.mp4"))
        .collect();
    let distinct: Vec<String> = files
        .iter()
        .enumerate()
        .map(|(i, u)| format!("{u}?n={i}"))
        .collect();
    let r = check_urls(
        "video_urls",
        &distinct,
        &Options {
            remote: loopback(),
            ..Options::default()
        },
    );
    assert!(r.findings.iter().any(|f| f.code == Code::REQ013));
    let requested = server.connections.load(std::sync::atomic::Ordering::SeqCst) - before;
    assert!(
        requested <= 3 * 2,
        "{requested} requests for 3 fetchable entries"
    );
    assert!(codes_of(&r, 3).is_empty() && codes_of(&r, 4).is_empty());

    // --max-urls 1: the second distinct URL is not fetched.
    let r = check_urls(
        "video_urls",
        &distinct[..2],
        &Options {
            remote: loopback(),
            max_urls: 1,
            ..Options::default()
        },
    );
    assert_eq!(codes_of(&r, 1), [Code::SRC003]);
    assert!(r.findings.iter().any(|f| f.message.contains("--max-urls")));
}

/// Case 5: a Content-Range total of 2^64 − 1 neither panics nor wraps.
#[test]
fn a_huge_server_size_saturates() {
    let server = Server::start();
    let r = check_urls(
        "image_urls",
        &[server.url("/huge/image/ok-1280x720.jpg")],
        &Options {
            remote: loopback(),
            ..Options::default()
        },
    );
    let req018 = r
        .findings
        .iter()
        .find(|f| f.code == Code::REQ018)
        .expect("REQ018");
    assert!(
        req018.message.contains(&u64::MAX.to_string()),
        "{}",
        req018.message
    );
    // The server claims bytes it does not serve: the image is too large or,
    // once its end is looked for, truncated — never a panic or a wrapped sum.
    assert!(r
        .findings
        .iter()
        .any(|f| f.code == Code::IMG005 || f.code == Code::IMG002));
}

/// Case 6: network failures are reported as network failures, never as
/// "unrecognised binary data".
#[test]
fn network_failures_are_not_format_errors() {
    let server = Server::start();
    let opts = Options {
        remote: loopback(),
        ..Options::default()
    };
    for (path, want) in [
        ("/stall/video/ok-h264-24fps.mp4", Code::SRC003),
        ("/short/video/ok-h264-24fps.mp4", Code::SRC003),
        ("/shifted/video/ok-h264-24fps.mp4", Code::SRC004),
    ] {
        let start = Instant::now();
        let r = check_urls("video_urls", &[server.url(path)], &opts);
        assert!(start.elapsed() < Duration::from_secs(8), "{path}");
        let codes = codes_of(&r, 0);
        assert_eq!(codes, [want], "{path}: {:?}", r.findings);
        assert!(
            !r.findings
                .iter()
                .any(|f| f.message.contains("unrecognised")),
            "{path}"
        );
    }
}

/// Case 8: with loopback allowed, a test server still cannot redirect the
/// tool into link-local (cloud metadata) or a private range not allowed.
#[test]
fn allowed_loopback_does_not_open_other_ranges() {
    let server = Server::start();
    let opts = Options {
        remote: loopback(),
        ..Options::default()
    };
    for target in [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/x.jpg",
        "http://[fe80::1]/x.jpg",
    ] {
        let r = check_urls("image_urls", &[server.url(&format!("/to/{target}"))], &opts);
        assert!(
            r.findings
                .iter()
                .any(|f| f.code == Code::SRC002 && f.message.contains("not requested")),
            "{target}: {:?}",
            r.findings
        );
    }
    // An allowed range other than loopback lets the server be reached, but
    // still not link-local behind it.
    let cidr = Options {
        remote: RemoteOptions {
            allow_private: false,
            allow: seedance_preflight::source::AllowList {
                cidrs: vec![seedance_preflight::source::parse_cidr("127.0.0.0/8").unwrap()],
                ..Default::default()
            },
            ..loopback()
        },
        ..Options::default()
    };
    let ok = check_urls(
        "image_urls",
        &[server.url("/files/image/ok-1280x720.jpg")],
        &cidr,
    );
    assert!(codes_of(&ok, 0).is_empty(), "{:?}", ok.findings);
    let r = check_urls(
        "image_urls",
        &[server.url("/to/http://169.254.169.254/")],
        &cidr,
    );
    assert!(r
        .findings
        .iter()
        .any(|f| f.code == Code::SRC002 && f.message.contains("169.254.169.254")));
}

/// Case 7: IPv6 forms that carry a private IPv4 are not public — a callback
/// to `[::ffff:0:7f00:1]` is REQ011 without any connection.
#[test]
fn ipv4_translated_and_local_use_nat64_callbacks_are_refused() {
    for host in [
        "[::ffff:0:7f00:1]",
        "[64:ff9b:1::a00:1]",
        "[2001:0:4136:e378:8000:63bf:80ff:fffe]",
    ] {
        let body = format!(
            r#"{{"model": "seedance-2.0-text-to-video", "prompt": "a cat", "callback_url": "https://{host}/hook"}}"#
        );
        let r = check_bytes(
            "r.json",
            body.as_bytes(),
            &Options {
                fetch: false,
                ..Options::default()
            },
        );
        assert!(
            r.findings.iter().any(|f| f.code == Code::REQ011),
            "{host}: {:?}",
            r.findings
        );
    }
}

/// Case 4: a batch is checked and printed in bounded chunks; `--format
/// jsonl` writes one request report per line and a closing summary line,
/// and agrees with the JSON envelope.
#[test]
fn jsonl_output_streams_one_request_per_line() {
    let d = tempdir("jsonl");
    let batch = d.join("batch.jsonl");
    let mut text = String::new();
    for i in 0..5000 {
        if i % 1000 == 0 {
            text.push_str("{\"model\": \"seedance-2.0-text-to-video\", \"prompt\": \"x\", \"duration\": 16}\n");
        } else {
            text.push_str("{}\n");
        }
    }
    std::fs::write(&batch, text).unwrap();
    let path = batch.to_str().unwrap();
    let r = run_bounded(
        &[
            "check",
            "--no-config",
            "--no-fetch",
            "--format",
            "jsonl",
            path,
        ],
        None,
        Duration::from_secs(60),
    );
    assert_eq!(r.code, Some(1));
    let lines: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5001);
    assert_eq!(lines[0]["line"], 1);
    assert_eq!(lines[4999]["line"], 5000);
    assert!(lines[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["code"] == "REQ006"));
    let summary = &lines[5000]["summary"];
    assert_eq!(summary["requests"], 5000);
    let r2 = run_bounded(
        &[
            "check",
            "--no-config",
            "--no-fetch",
            "--format",
            "json",
            path,
        ],
        None,
        Duration::from_secs(60),
    );
    let v: serde_json::Value = serde_json::from_str(&r2.stdout).unwrap();
    assert_eq!(&v["summary"], summary);
    assert_eq!(v["requests"][4242], lines[4242]);
    let _ = std::fs::remove_dir_all(&d);
}
