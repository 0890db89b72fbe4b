//! Any text as a `seedance-preflight.toml`: parsed, validated and compared
//! with the defaults (the loosenings), and when it loads, the options it
//! makes check a request. Nothing may panic; what loads must be usable.
#![no_main]
use libfuzzer_sys::fuzz_target;
use seedance_preflight::{check_bytes, config, Options};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // A folder that holds no dialect file: a config naming one fails cleanly.
    let path = std::path::Path::new("/nonexistent-fuzz/seedance-preflight.toml");
    let Ok(loaded) = config::parse(path, text) else {
        return;
    };
    for l in &loaded.loosened {
        assert!(!l.key.is_empty());
        let _ = l.to_string();
    }
    // The options this config makes, on a request that exercises limits.
    let opts = Options {
        fetch: false,
        spec: Some(std::sync::Arc::new(loaded.spec.clone())),
        severity: {
            let mut m = config::SeverityMap::default();
            m.push(loaded.severity.clone());
            m
        },
        ..Options::default()
    };
    let body = br#"{"model": "seedance-2.0-image-to-video", "prompt": "image 1 turns",
        "image_urls": ["https://cdn.example.com/a.jpg"], "duration": 16,
        "quality": "1080p", "aspect_ratio": "21:9"}"#;
    let _ = check_bytes("fuzz.json", body, &opts);
});
