//! MP4 / MOV box walking and moov/moof decoding.
#![no_main]
use libfuzzer_sys::fuzz_target;

mod magic;

/// Magic bytes that steer the sniffer to this probe; the fuzzer mutates the rest.
const MAGIC: &[&[u8]] = &[
    b"\0\0\0\x18ftypisom\0\0\0\0isommp41",
    b"\0\0\0\x14ftypqt  \0\0\0\0qt  ",
    b"\0\0\0\x08wide",
];

fuzz_target!(|data: &[u8]| magic::run(data, MAGIC));
