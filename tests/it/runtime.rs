//! The library called from async code: inside a tokio runtime, `check_bytes`
//! builds (and drops) its blocking HTTP client on threads of its own, so it
//! must not panic with "Cannot drop a runtime in a context where blocking is
//! not allowed".

use seedance_preflight::{check_bytes, Code, Options};

fn request_with_a_url() -> Vec<u8> {
    // A reserved name: the guard refuses it before any DNS or socket, but the
    // HTTP client is still built, which is what panicked inside a runtime.
    br#"{"model": "seedance-2.0-image-to-video", "prompt": "image 1 moves",
         "image_urls": ["https://cdn.example.com/cat.jpg"]}"#
        .to_vec()
}

fn codes(r: &seedance_preflight::RequestReport) -> Vec<Code> {
    r.findings.iter().map(|f| f.code).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_inside_a_multi_thread_runtime() {
    let r = check_bytes("async.json", &request_with_a_url(), &Options::default());
    assert!(codes(&r).contains(&Code::SRC003), "{:?}", codes(&r));
}

#[tokio::test(flavor = "current_thread")]
async fn check_inside_a_current_thread_runtime() {
    let r = check_bytes("async.json", &request_with_a_url(), &Options::default());
    assert!(codes(&r).contains(&Code::SRC003), "{:?}", codes(&r));
}

#[test]
fn check_from_spawn_blocking_and_block_on() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap();
    let r = rt.block_on(async {
        tokio::task::spawn_blocking(|| {
            check_bytes("async.json", &request_with_a_url(), &Options::default())
        })
        .await
        .unwrap()
    });
    assert!(codes(&r).contains(&Code::SRC003), "{:?}", codes(&r));
}
