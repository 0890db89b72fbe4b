//! Any bytes through the sniffer and whichever probe it picks.
#![no_main]
use libfuzzer_sys::fuzz_target;
use seedance_preflight::{probe::probe_reader, source::Budgeted};

fuzz_target!(|data: &[u8]| {
    let mut r = Budgeted::new(std::io::Cursor::new(data), 1 << 20);
    let f = probe_reader(&mut r, Some(data.len() as u64), "fuzz");
    assert!(f.bytes_read <= 1 << 20);
});
