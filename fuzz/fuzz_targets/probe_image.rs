//! Image headers: JPEG, PNG, GIF, WebP, BMP.
#![no_main]
use libfuzzer_sys::fuzz_target;

mod magic;

/// Magic bytes that steer the sniffer to this probe; the fuzzer mutates the rest.
const MAGIC: &[&[u8]] = &[
    b"\xFF\xD8\xFF",
    b"\x89PNG\r\n\x1a\n",
    b"GIF89a",
    b"RIFF\0\0\0\0WEBP",
    b"BM",
];

fuzz_target!(|data: &[u8]| magic::run(data, MAGIC));
