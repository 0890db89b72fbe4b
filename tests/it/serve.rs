//! `serve` against a real loopback upstream that records what it receives:
//! rejected requests never reach it and come back in the dialect's own
//! error shape; accepted ones arrive byte for byte with their headers; other
//! routes pass untouched; broken JSON, oversized bodies, slow clients, many
//! clients at once, and a graceful stop.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

/// What the upstream received: method, path with query, headers, body.
#[derive(Clone, Debug)]
pub struct Received {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// A recording upstream: answers every request 200 with a task id.
pub struct Upstream {
    pub base: String,
    pub got: Arc<Mutex<Vec<Received>>>,
}

impl Upstream {
    pub fn start() -> Upstream {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", l.local_addr().unwrap());
        let got = Arc::new(Mutex::new(Vec::new()));
        let g = got.clone();
        std::thread::spawn(move || {
            for s in l.incoming().flatten() {
                let g = g.clone();
                std::thread::spawn(move || serve_one(s, g));
            }
        });
        Upstream { base, got }
    }

    pub fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }
}

fn serve_one(s: TcpStream, got: Arc<Mutex<Vec<Received>>>) {
    let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
    let mut r = BufReader::new(s.try_clone().unwrap());
    let mut w = s;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let (method, target) = (
            parts.next().unwrap_or("").to_string(),
            parts.next().unwrap_or("").to_string(),
        );
        let mut headers = Vec::new();
        let mut len = 0usize;
        loop {
            let mut h = String::new();
            if r.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_string());
                if k == "content-length" {
                    len = v.parse().unwrap_or(0);
                }
                headers.push((k, v));
            }
        }
        let mut body = vec![0; len];
        if r.read_exact(&mut body).is_err() {
            return;
        }
        got.lock().unwrap().push(Received {
            method,
            target,
            headers,
            body,
        });
        let answer = br#"{"id":"cgt-20261204-upstream"}"#;
        let _ = write!(
            w,
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-upstream: yes\r\ncontent-length: {}\r\n\r\n",
            answer.len()
        );
        let _ = w.write_all(answer);
    }
}

/// A running `serve`, stopped (SIGTERM, then kill) when dropped.
pub struct Proxy {
    pub child: Child,
    pub base: String,
}

impl Proxy {
    /// Judging request fields only (no media fetched).
    pub fn start(upstream: &str, extra: &[&str]) -> Proxy {
        let mut args = vec!["--isolated", "--no-fetch"];
        args.extend(extra);
        Proxy::spawn(upstream, &args)
    }

    pub fn spawn(upstream: &str, extra: &[&str]) -> Proxy {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_seedance-preflight"));
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--upstream", upstream])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let mut err = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        err.read_line(&mut line).unwrap();
        let base = line
            .split("serving on ")
            .nth(1)
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .split_whitespace()
            .next()
            .unwrap()
            .to_string();
        // The access log goes on; drain it so the proxy never blocks on it.
        std::thread::spawn(move || {
            let mut sink = String::new();
            let _ = err.read_to_string(&mut sink);
        });
        Proxy { child, base }
    }

    /// Sends SIGTERM and waits for the exit status.
    #[cfg(unix)]
    pub fn stop(mut self) -> Option<i32> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        for _ in 0..100 {
            if let Ok(Some(s)) = self.child.try_wait() {
                return s.code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

const ARK: &str = "/api/v3/contents/generations/tasks";

fn ark(duration: u32) -> String {
    json!({
        "model": "doubao-seedance-2-0-260128",
        "content": [{"type": "text", "text": "A lighthouse at dusk, slow aerial orbit"}],
        "duration": duration,
    })
    .to_string()
}

#[test]
fn rejected_requests_never_reach_the_upstream_and_come_back_in_the_dialects_shape() {
    let up = Upstream::start();
    let proxy = Proxy::start(&up.base, &[]);
    let r = client()
        .post(format!("{}{ARK}", proxy.base))
        .header("authorization", "Bearer secret-key")
        .body(ark(16))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let codes = r.headers()["x-seedance-preflight-codes"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(codes.contains("REQ006"), "{codes}");
    let v: Value = serde_json::from_str(&r.text().unwrap()).unwrap();
    assert_eq!(v["error"]["code"], "InvalidParameter", "{v}");
    assert_eq!(v["error"]["type"], "BadRequest");
    assert_eq!(v["error"]["param"], "duration");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("REQ006") && msg.contains("/duration") && msg.contains("fix:"),
        "{msg}"
    );
    assert_eq!(v["preflight"]["requests"][0]["verdict"], "fail");
    // Broken JSON: a report with REQ001, in the same shape.
    let r = client()
        .post(format!("{}{ARK}", proxy.base))
        .body("{\"model\": ")
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let v: Value = serde_json::from_str(&r.text().unwrap()).unwrap();
    assert!(
        v["error"]["message"].as_str().unwrap().contains("REQ001"),
        "{v}"
    );
    // The unified dialect answers in its own shape.
    let r = client()
        .post(format!("{}/v1/videos/generations", proxy.base))
        .body(
            json!({"model": "seedance-2.0-text-to-video", "prompt": "a cat", "duration": 16})
                .to_string(),
        )
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let v: Value = serde_json::from_str(&r.text().unwrap()).unwrap();
    assert_eq!(v["error"]["type"], "invalid_request_error", "{v}");
    assert!(up.received().is_empty(), "{:?}", up.received());
}

#[test]
fn accepted_requests_and_other_routes_are_forwarded_byte_for_byte() {
    let up = Upstream::start();
    let proxy = Proxy::start(&up.base, &[]);
    let body = ark(5);
    let r = client()
        .post(format!("{}{ARK}?trace=1", proxy.base))
        .header("authorization", "Bearer secret-key")
        .header("content-type", "application/json")
        .body(body.clone())
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["x-upstream"], "yes");
    assert_eq!(r.headers()["x-seedance-preflight"], "pass");
    let v: Value = serde_json::from_str(&r.text().unwrap()).unwrap();
    assert_eq!(v["id"], "cgt-20261204-upstream");
    let task = client()
        .get(format!("{}{ARK}/cgt-20261204-upstream", proxy.base))
        .header("authorization", "Bearer secret-key")
        .send()
        .unwrap();
    assert_eq!(task.status().as_u16(), 200);
    let got = up.received();
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].method, "POST");
    assert_eq!(got[0].target, format!("{ARK}?trace=1"));
    assert_eq!(got[0].body, body.as_bytes());
    let auth = |r: &Received| {
        r.headers
            .iter()
            .find(|(k, _)| k == "authorization")
            .map(|(_, v)| v.clone())
    };
    assert_eq!(auth(&got[0]).as_deref(), Some("Bearer secret-key"));
    assert_eq!(got[1].method, "GET");
    assert_eq!(got[1].target, format!("{ARK}/cgt-20261204-upstream"));
    assert_eq!(auth(&got[1]).as_deref(), Some("Bearer secret-key"));
}

#[test]
fn dry_run_forwards_failing_requests_and_reports_them() {
    let up = Upstream::start();
    let proxy = Proxy::start(&up.base, &["--dry-run"]);
    let r = client()
        .post(format!("{}{ARK}", proxy.base))
        .body(ark(16))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["x-seedance-preflight"], "fail");
    assert!(r.headers()["x-seedance-preflight-codes"]
        .to_str()
        .unwrap()
        .contains("REQ006"));
    assert_eq!(up.received().len(), 1);
    let m = client()
        .get(format!("{}/metrics", proxy.base))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        m.contains("seedance_preflight_requests_total{dialect=\"ark\",verdict=\"fail\"} 1"),
        "{m}"
    );
    assert!(
        m.contains("seedance_preflight_findings_total{code=\"REQ006\"} 1"),
        "{m}"
    );
    assert!(
        m.contains("seedance_preflight_added_seconds_count 1"),
        "{m}"
    );
    let h = client()
        .get(format!("{}/healthz", proxy.base))
        .send()
        .unwrap();
    assert_eq!(h.status().as_u16(), 200);
}

#[test]
fn oversized_bodies_slow_clients_and_many_clients() {
    let up = Upstream::start();
    let proxy = Proxy::start(&up.base, &["--header-timeout", "1", "--body-timeout", "1"]);
    let addr = proxy.base.trim_start_matches("http://").to_string();
    // A declared length above the cap: 413 before a byte of it is read.
    let mut s = TcpStream::connect(&addr).unwrap();
    write!(
        s,
        "POST {ARK} HTTP/1.1\r\nhost: x\r\ncontent-length: 999999999999\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let _ = BufReader::new(&s).read_line(&mut answer);
    assert!(answer.contains("413"), "{answer}");
    // Headers that never end: the connection is closed.
    let mut slow = TcpStream::connect(&addr).unwrap();
    write!(slow, "POST {ARK} HTTP/1.1\r\nhost: x\r\n").unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut buf = Vec::new();
    let started = std::time::Instant::now();
    let _ = slow.read_to_end(&mut buf);
    assert!(started.elapsed() < Duration::from_secs(9), "not closed");
    // A body that stops: 408.
    let mut stall = TcpStream::connect(&addr).unwrap();
    write!(
        stall,
        "POST {ARK} HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{{"
    )
    .unwrap();
    stall
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut answer = String::new();
    let _ = BufReader::new(&stall).read_line(&mut answer);
    assert!(answer.contains("408"), "{answer}");
    // Forty clients at once, half of them rejected.
    let base = proxy.base.clone();
    let threads: Vec<_> = (0..40)
        .map(|i| {
            let base = base.clone();
            std::thread::spawn(move || {
                client()
                    .post(format!("{base}{ARK}"))
                    .body(ark(if i % 2 == 0 { 5 } else { 16 }))
                    .send()
                    .unwrap()
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let statuses: Vec<u16> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 20);
    assert_eq!(statuses.iter().filter(|s| **s == 400).count(), 20);
    assert_eq!(up.received().len(), 20);
    #[cfg(unix)]
    assert_eq!(proxy.stop(), Some(0));
}

/// The Python interpreter for the real-client tests: `SEEDANCE_PYTHON`
/// (`.ci/run` sets it to its virtual environment), else `python3`.
fn python_with(module: &str) -> Option<String> {
    let py = std::env::var("SEEDANCE_PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = Command::new(&py)
        .args(["-c", &format!("import {module}")])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        Some(py)
    } else {
        eprintln!("SKIPPED: {py} cannot import {module} (.ci/run installs it: pip install volcengine-ark-runtime)");
        None
    }
}

#[test]
fn the_official_ark_sdk_gets_its_own_error_naming_the_rule_and_then_a_task_id() {
    let Some(py) = python_with("volcenginesdkarkruntime") else {
        return;
    };
    let up = Upstream::start();
    let proxy = Proxy::start(&up.base, &[]);
    let o = Command::new(py)
        .arg("tests/python/ark_sdk_serve.py")
        .arg(&proxy.base)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        out.contains("rejected:") && out.contains("accepted: cgt-20261204-upstream"),
        "{out}"
    );
    // Only the good request reached the upstream.
    assert_eq!(up.received().len(), 1);
}

/// Media are fetched through the guard, and a URL seen by an earlier
/// request is not fetched again while fresh (`--cache-ttl`).
#[cfg(feature = "remote")]
#[test]
fn media_urls_are_judged_and_cached_across_requests() {
    use std::sync::atomic::Ordering;
    let media = super::server::Server::start();
    let up = Upstream::start();
    let body = |path: &str| {
        json!({
            "model": "seedance-2.0-image-to-video",
            "prompt": "The cat in image 1 turns its head",
            "image_urls": [media.url(path)],
        })
        .to_string()
    };
    let send = |proxy: &Proxy, b: String| {
        client()
            .post(format!("{}/v1/videos/generations", proxy.base))
            .body(b)
            .send()
            .unwrap()
            .status()
            .as_u16()
    };
    // The test server is on loopback, which the service itself could not
    // reach (SRC002): turned off here, fetched through --allow-loopback.
    let proxy = Proxy::spawn(
        &up.base,
        &["--isolated", "--allow-loopback", "--allow", "SRC002"],
    );
    // A 299-pixel-wide image: IMG003, answered here.
    assert_eq!(send(&proxy, body("/files/image/x-299x400.png")), 400);
    let seen = media.connections.load(Ordering::SeqCst);
    assert!(seen > 0);
    assert_eq!(send(&proxy, body("/files/image/x-299x400.png")), 400);
    assert_eq!(
        media.connections.load(Ordering::SeqCst),
        seen,
        "fetched again"
    );
    assert_eq!(send(&proxy, body("/files/image/ok-1280x720.jpg")), 200);
    assert_eq!(up.received().len(), 1);
    // Without the cache every request fetches.
    let nocache = Proxy::spawn(
        &up.base,
        &["--isolated", "--allow-loopback", "--cache-ttl", "0"],
    );
    let before = media.connections.load(Ordering::SeqCst);
    assert_eq!(send(&nocache, body("/files/image/x-299x400.png")), 400);
    assert_eq!(send(&nocache, body("/files/image/x-299x400.png")), 400);
    assert!(media.connections.load(Ordering::SeqCst) >= before + 2);
}
