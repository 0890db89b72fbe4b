//! Any text as a dialect file: loaded on top of the built-in dialects
//! (refusing a built-in id), and when it loads, requests read as that
//! dialect. Nothing may panic; what loads must be usable.
#![no_main]
use libfuzzer_sys::fuzz_target;
use seedance_preflight::{check_bytes, Options, Spec};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = std::path::Path::new("fuzz-dialect.toml");
    let Ok(spec) = Spec::builtin().with_dialect_text(path, text) else {
        return;
    };
    let ids: Vec<_> = spec.ids().collect();
    for id in ids {
        let opts = Options {
            fetch: false,
            dialect: Some(id),
            spec: Some(std::sync::Arc::new(spec.clone())),
            ..Options::default()
        };
        for body in [
            &br#"{"model": "m", "prompt": "image 1", "image_url": "https://a.example/x.png", "duration": "5"}"#[..],
            br#"{"content": [{"type": "text", "text": "hi"}], "model": "seedance-2.0"}"#,
            br#"{}"#,
        ] {
            let _ = check_bytes("fuzz.json", body, &opts);
        }
    }
});
