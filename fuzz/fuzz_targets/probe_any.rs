//! Any bytes through the sniffer and whichever probe it picks; then again
//! as a local file is read, through the 4 KiB window: the same facts.
#![no_main]
use libfuzzer_sys::fuzz_target;
use seedance_preflight::probe::probe_reader;
use seedance_preflight::source::{Budgeted, Windowed};
use std::io::Cursor;

fuzz_target!(|data: &[u8]| {
    let len = Some(data.len() as u64);
    let mut plain = Budgeted::new(Cursor::new(data), 1 << 20);
    let f = probe_reader(&mut plain, len, "fuzz");
    assert!(f.bytes_read <= 1 << 20);
    let mut windowed = Budgeted::new(Windowed::new(Cursor::new(data), len), 1 << 20);
    let g = probe_reader(&mut windowed, len, "fuzz");
    // Debug, not ==: a NaN would never equal itself.
    assert_eq!(format!("{g:?}"), format!("{f:?}"));
});
