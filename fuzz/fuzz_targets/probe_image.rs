//! Image headers: JPEG, PNG, GIF, WebP, BMP.
#![no_main]
use libfuzzer_sys::fuzz_target;
use seedance_preflight::{probe::probe_reader, source::Budgeted};

/// Magic bytes that steer the sniffer to this probe; the fuzzer mutates the rest.
const MAGIC: &[&[u8]] = &[b"\xFF\xD8\xFF", b"\x89PNG\r\n\x1a\n", b"GIF89a", b"RIFF\0\0\0\0WEBP", b"BM"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let mut bytes = MAGIC[pick as usize % MAGIC.len()].to_vec();
    bytes.extend_from_slice(rest);
    let mut r = Budgeted::new(std::io::Cursor::new(&bytes), 1 << 20);
    let f = probe_reader(&mut r, Some(bytes.len() as u64), "fuzz");
    assert!(f.bytes_read <= 1 << 20);
});
