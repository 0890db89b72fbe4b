//! Any bytes as a request body, through parsing and every request-level rule.
#![no_main]
use libfuzzer_sys::fuzz_target;
use seedance_preflight::{check_bytes, Options};

fuzz_target!(|data: &[u8]| {
    let opts = Options {
        fetch: false,
        ..Options::default()
    };
    let _ = check_bytes("fuzz.json", data, &opts);
});
