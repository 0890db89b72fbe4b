//! WAV chunks, MPEG audio frames (ID3, Xing, VBRI), AAC ADTS frames, FLAC
//! STREAMINFO and Ogg pages.
#![no_main]
use libfuzzer_sys::fuzz_target;

mod magic;

/// Magic bytes that steer the sniffer to this probe; the fuzzer mutates the rest.
const MAGIC: &[&[u8]] = &[
    b"RIFF\0\0\0\0WAVE",
    b"ID3\x04\0\0\0\0\0\0",
    b"\xFF\xFB\x90\x00",
    b"\xFF\xF1\x50\x80",
    b"fLaC",
    b"OggS",
];

fuzz_target!(|data: &[u8]| magic::run(data, MAGIC));
