//! MP4 / MOV box walking and moov/moof decoding.
#![no_main]
use libfuzzer_sys::fuzz_target;
use seedance_preflight::{probe::probe_reader, source::Budgeted};

/// Magic bytes that steer the sniffer to this probe; the fuzzer mutates the rest.
const MAGIC: &[&[u8]] = &[b"\0\0\0\x18ftypisom\0\0\0\0isommp41", b"\0\0\0\x14ftypqt  \0\0\0\0qt  ", b"\0\0\0\x08wide"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let mut bytes = MAGIC[pick as usize % MAGIC.len()].to_vec();
    bytes.extend_from_slice(rest);
    let mut r = Budgeted::new(std::io::Cursor::new(&bytes), 1 << 20);
    let f = probe_reader(&mut r, Some(bytes.len() as u64), "fuzz");
    assert!(f.bytes_read <= 1 << 20);
});
