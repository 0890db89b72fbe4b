//! WAV chunks and MPEG audio frames (ID3, Xing, VBRI).
#![no_main]
use libfuzzer_sys::fuzz_target;
use seedance_preflight::{probe::probe_reader, source::Budgeted};

/// Magic bytes that steer the sniffer to this probe; the fuzzer mutates the rest.
const MAGIC: &[&[u8]] = &[b"RIFF\0\0\0\0WAVE", b"ID3\x04\0\0\0\0\0\0", b"\xFF\xFB\x90\x00"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let mut bytes = MAGIC[pick as usize % MAGIC.len()].to_vec();
    bytes.extend_from_slice(rest);
    let mut r = Budgeted::new(std::io::Cursor::new(&bytes), 1 << 20);
    let f = probe_reader(&mut r, Some(bytes.len() as u64), "fuzz");
    assert!(f.bytes_read <= 1 << 20);
});
