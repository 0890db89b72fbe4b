//! Remote assets against a real HTTP server on 127.0.0.1 (private addresses
//! allowed for these tests, except where the refusal itself is tested).

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use seedance_preflight::probe::{probe_path, probe_url, MediaFacts};
use seedance_preflight::source::http::{Fetcher, RemoteOptions};
use seedance_preflight::{check_bytes, Code, Options};
use url::Url;

use super::server::Server;

fn allowed() -> RemoteOptions {
    RemoteOptions {
        allow_private: true,
        timeout: Duration::from_secs(2),
        ..RemoteOptions::default()
    }
}

/// A name other than `localhost` that /etc/hosts maps to a loopback address,
/// so the DNS-answer check (not the name-shape check) is what refuses it.
fn loopback_name() -> String {
    let hosts = std::fs::read_to_string("/etc/hosts").unwrap_or_default();
    hosts
        .lines()
        .filter(|l| l.trim_start().starts_with("127."))
        .flat_map(|l| l.split_whitespace().skip(1))
        .find(|n| !n.starts_with("localhost"))
        .expect("/etc/hosts names a loopback host other than localhost")
        .to_string()
}

fn fetch(server: &Server, path: &str) -> MediaFacts {
    let f = Fetcher::new(allowed()).unwrap();
    probe_url(
        &f,
        &Url::parse(&server.url(path)).unwrap(),
        seedance_preflight::source::DEFAULT_BUDGET,
    )
}

/// The codes a one-asset request gets for this URL in this slot.
fn codes(server: &Server, path: &str, field: &str) -> Vec<Code> {
    let model = if field == "image_urls" {
        "seedance-2.0-image-to-video"
    } else {
        "seedance-2.0-reference-to-video"
    };
    let mut body = serde_json::json!({"model": model, "prompt": "image 1 moves"});
    body[field] = serde_json::json!([server.url(path)]);
    if field == "audio_urls" {
        body["image_urls"] = serde_json::json!(["https://cdn.example.com/a.jpg"]);
    }
    let opts = Options {
        remote: allowed(),
        fetch: true,
        ..Options::default()
    };
    let r = check_bytes("remote.json", &serde_json::to_vec(&body).unwrap(), &opts);
    let i = r
        .assets
        .iter()
        .position(|a| a.uri == server.url(path))
        .unwrap();
    r.findings
        .iter()
        .filter(|f| {
            f.asset == Some(i)
                && f.code != Code::SRC002
                && f.code != Code::SRC001
                && f.code != Code::VID008
        })
        .map(|f| f.code)
        .collect()
}

#[test]
fn range_reads_fetch_about_what_a_local_probe_reads() {
    let server = Server::start();
    for rel in [
        "video/ok-h264-24fps.mp4",
        "video/ok-h264-faststart.mp4",
        "image/ok-1280x720.jpg",
        "image/ok-4000x3000-bigapp.jpg",
        "audio/ok-mp3-cover.mp3",
        "audio/ok-wav-44k-stereo-3s.wav",
    ] {
        let local = probe_path(
            &super::fixtures().join("media").join(rel),
            seedance_preflight::source::DEFAULT_BUDGET,
        );
        let remote = fetch(&server, &format!("/files/{rel}"));
        assert_eq!(remote.error, None, "{rel}");
        assert_eq!(
            (remote.width, remote.height, remote.duration_s),
            (local.width, local.height, local.duration_s),
            "{rel}"
        );
        assert_eq!(remote.size_bytes, local.size_bytes, "{rel}");
        assert_eq!(remote.remote.as_ref().unwrap().range_supported, Some(true));
        assert!(remote.requests <= 3, "{rel}: {} requests", remote.requests);
        eprintln!(
            "{rel}: {} requests, {} bytes fetched, {} read locally",
            remote.requests, remote.bytes_read, local.bytes_read
        );
        if rel.ends_with(".mp4") {
            // The done-when of the remote issue: a moov-at-end MP4 fetches
            // within a few KiB of what the local probe reads.
            assert!(
                remote.bytes_read <= local.bytes_read + 8 * 1024,
                "{rel}: fetched {} vs {}",
                remote.bytes_read,
                local.bytes_read
            );
        } else {
            // Elsewhere read-ahead grows per miss: bounded by the file.
            assert!(remote.bytes_read <= remote.size_bytes.unwrap());
        }
    }
}

#[test]
fn a_server_without_range_gets_a_capped_streamed_read() {
    let server = Server::start();
    let f = fetch(&server, "/norange/video/ok-h264-24fps.mp4");
    assert_eq!(f.error, None);
    assert_eq!(f.duration_s, Some(3.0));
    assert_eq!(f.remote.as_ref().unwrap().range_supported, Some(false));
    assert_eq!(f.requests, 1);
    // The budget caps what is streamed from a server that ignores Range.
    let fetcher = Fetcher::new(allowed()).unwrap();
    let capped = probe_url(
        &fetcher,
        &Url::parse(&server.url("/norange/video/ok-h264-24fps.mp4")).unwrap(),
        16 * 1024,
    );
    assert!(capped.error.is_some(), "moov sits past a 16 KiB cap");
    assert!(
        capped.bytes_read <= 16 * 1024 + 16 * 1024,
        "{}",
        capped.bytes_read
    );
}

#[test]
fn http_failures_have_their_codes() {
    let server = Server::start();
    for (path, code, words) in [
        ("/status/401", Code::SRC004, "needs credentials"),
        ("/status/403", Code::SRC004, "needs credentials"),
        ("/status/404", Code::SRC004, "gone"),
        ("/status/500", Code::SRC004, "server failed"),
        ("/login/photo.jpg", Code::SRC005, "HTML page"),
        ("/loop/a", Code::SRC005, "loop"),
        ("/chain/9", Code::SRC005, "more than 5 redirects"),
        ("/html/photo.jpg", Code::SRC006, "HTML page"),
    ] {
        let got = codes(&server, path, "image_urls");
        assert_eq!(got, [code], "{path}");
        let opts = Options {
            remote: allowed(),
            ..Options::default()
        };
        let body = serde_json::json!({"model": "seedance-2.0-image-to-video", "prompt": "x", "image_urls": [server.url(path)]});
        let r = check_bytes("r.json", &serde_json::to_vec(&body).unwrap(), &opts);
        let f = r.findings.iter().find(|f| f.code == code).unwrap();
        assert!(f.message.contains(words), "{path}: {}", f.message);
    }
    // A short redirect chain to a real file is fine.
    assert_eq!(codes(&server, "/chain/3", "image_urls"), []);
}

#[test]
fn content_type_contradicting_the_bytes_and_unknown_size() {
    let server = Server::start();
    assert_eq!(
        codes(&server, "/wrongtype/image/ok-1280x720.jpg", "image_urls"),
        [Code::SRC006]
    );
    assert_eq!(
        codes(&server, "/nolength/image/ok-1280x720.jpg", "image_urls"),
        [Code::SRC009]
    );
    assert_eq!(
        codes(&server, "/files/video/x-fps-61.mp4", "video_urls"),
        [Code::VID006]
    );
}

#[test]
fn a_slow_server_times_out_within_the_limit() {
    let server = Server::start();
    let opts = RemoteOptions {
        timeout: Duration::from_millis(700),
        ..allowed()
    };
    let fetcher = Fetcher::new(opts).unwrap();
    let t = Instant::now();
    let f = probe_url(
        &fetcher,
        &Url::parse(&server.url("/slow/image/ok-1280x720.jpg")).unwrap(),
        1 << 20,
    );
    let took = t.elapsed();
    let fail = f.remote.unwrap().failure.unwrap();
    assert_eq!(fail.code, "SRC003");
    assert!(fail.message.contains("timed out"), "{}", fail.message);
    assert!(took < Duration::from_millis(2500), "took {took:?}");
}

#[test]
fn a_body_longer_than_its_content_length_is_cut_at_the_declared_length() {
    let server = Server::start();
    let f = fetch(&server, "/long/image/ok-1280x720.jpg");
    assert_eq!(f.size_bytes, Some(23970 / 2));
    assert!(f.bytes_read <= 23970 / 2);
    assert_eq!((f.width, f.height), (Some(1280), Some(720)));
}

#[test]
fn private_addresses_are_refused_before_any_connection() {
    let server = Server::start();
    // Through `check`: the literal 127.0.0.1 is SRC002 from the request, and
    // nothing is fetched.
    let body = serde_json::json!({"model": "seedance-2.0-image-to-video", "prompt": "x",
        "image_urls": [server.url("/files/image/ok-1280x720.jpg")]});
    let r = check_bytes(
        "r.json",
        &serde_json::to_vec(&body).unwrap(),
        &Options::default(),
    );
    assert_eq!(
        r.findings.iter().filter(|f| f.code == Code::SRC002).count(),
        1
    );
    // Through the fetcher: literals, and a name (other than `localhost`) whose
    // DNS answer is loopback — so the resolver's own check is what refuses it.
    let loopback_name = loopback_name();
    let fetcher = Fetcher::new(RemoteOptions::default()).unwrap();
    let port = server.base.rsplit(':').next().unwrap();
    for u in [
        server.url("/files/image/ok-1280x720.jpg"),
        format!("http://{loopback_name}:{port}/x.jpg"),
        format!("http://[::ffff:127.0.0.1]:{port}/x.jpg"),
    ] {
        let (src, facts) = fetcher.open(&Url::parse(&u).unwrap());
        assert!(src.is_none(), "{u}");
        let fail = facts.failure.unwrap();
        assert_eq!(fail.code, "SRC002", "{u}: {}", fail.message);
        if u.contains(&loopback_name) {
            assert!(
                fail.message.contains("resolves to 127."),
                "{}",
                fail.message
            );
        }
    }
    assert_eq!(
        server.connections.load(Ordering::SeqCst),
        0,
        "no connection may reach a private address"
    );
}

#[test]
fn check_reports_bytes_and_requests_per_asset_in_json() {
    let server = Server::start();
    let body = serde_json::json!({"model": "seedance-2.0-reference-to-video", "prompt": "video 1",
        "video_urls": [server.url("/files/video/ok-h264-24fps.mp4")]});
    let opts = Options {
        remote: allowed(),
        ..Options::default()
    };
    let report = seedance_preflight::Report {
        requests: vec![check_bytes(
            "r.json",
            &serde_json::to_vec(&body).unwrap(),
            &opts,
        )],
        assets_probed: 1,
        loosened: Vec::new(),
    };
    let mut out = Vec::new();
    seedance_preflight::report::render(
        &report,
        seedance_preflight::report::OutputFormat::Json,
        &mut out,
    )
    .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let probe = &v["requests"][0]["assets"][0]["probe"];
    assert!(probe["bytes_read"].as_u64().unwrap() > 0);
    assert!(probe["requests"].as_u64().unwrap() <= 3);
    assert_eq!(probe["remote"]["status"], 206);
    assert_eq!(v["requests"][0]["predicted"]["billable_s"], 8.0);
}

/// The byte budget bounds what is fetched over HTTP (and cached), not only
/// what the parser consumes: a JPEG whose frame header sits 390 KB in stops at
/// a 10 KiB budget.
#[test]
fn the_budget_bounds_bytes_fetched_over_http() {
    let server = Server::start();
    let fetcher = Fetcher::new(allowed()).unwrap();
    let url = Url::parse(&server.url("/files/image/ok-4000x3000-bigapp.jpg")).unwrap();
    let f = probe_url(&fetcher, &url, 10 * 1024);
    assert!(f.bytes_read <= 10 * 1024, "fetched {}", f.bytes_read);
    assert!(
        f.error
            .as_deref()
            .is_some_and(|e| e.contains("byte budget")),
        "{:?}",
        f.error
    );
}

/// Through a proxy the target is resolved and checked here: a name whose DNS
/// answer is loopback is refused before anything is sent, and a reserved name
/// is never requested.
#[test]
fn a_proxy_does_not_bypass_the_address_guard() {
    let server = Server::start();
    let loopback_name = loopback_name();
    let opts = RemoteOptions {
        proxy: Some(server.base.clone()),
        ..RemoteOptions::default()
    };
    let fetcher = Fetcher::new(opts).unwrap();
    for (u, code) in [
        (format!("http://{loopback_name}:9/a.jpg"), "SRC002"),
        ("http://cdn.example.com/a.jpg".to_string(), "SRC003"),
    ] {
        let (src, facts) = fetcher.open(&Url::parse(&u).unwrap());
        assert!(src.is_none());
        assert_eq!(facts.failure.unwrap().code, code, "{u}");
    }
    assert_eq!(
        server.connections.load(Ordering::SeqCst),
        0,
        "nothing reached the proxy"
    );
}
