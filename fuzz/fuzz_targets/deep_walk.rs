//! `--deep`'s MP4 sample walk over any bytes behind an MP4 magic: it reads
//! every sample the tables list and checks H.264/HEVC NAL lengths.
#![no_main]
use libfuzzer_sys::fuzz_target;

mod magic;

/// Magic bytes that steer to an MP4 `ftyp` or straight to a `moov`.
const MAGIC: &[&[u8]] = &[
    b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2",
    b"\0\0\0\x08free",
];

fuzz_target!(|data: &[u8]| {
    if let Some(bytes) = magic::probed_bytes(data, MAGIC) {
        let size = bytes.len() as u64;
        let _ = seedance_preflight::probe::walk_video_samples_in(
            &mut std::io::Cursor::new(bytes),
            size,
        );
    }
});
