//! Shared by the probe_image, probe_video and probe_audio targets: the first
//! input byte picks a magic prefix that steers the sniffer to one probe, and
//! the rest of the input follows it. A crash input is kept in fuzz/crashes/
//! as these probed bytes (prefix + rest), see crashes/README.md.

use seedance_preflight::{probe::probe_reader, source::Budgeted};

/// The budget every fuzzed probe reads through.
pub const BUDGET: u64 = 1 << 20;

/// The bytes the probe sees for a fuzzer input.
pub fn probed_bytes(data: &[u8], magic: &[&[u8]]) -> Option<Vec<u8>> {
    let (&pick, rest) = data.split_first()?;
    let mut bytes = magic[pick as usize % magic.len()].to_vec();
    bytes.extend_from_slice(rest);
    Some(bytes)
}

/// Probes one fuzzer input and checks the budget held.
pub fn run(data: &[u8], magic: &[&[u8]]) {
    let Some(bytes) = probed_bytes(data, magic) else {
        return;
    };
    let mut r = Budgeted::new(std::io::Cursor::new(&bytes), BUDGET);
    let f = probe_reader(&mut r, Some(bytes.len() as u64), "fuzz");
    assert!(f.bytes_read <= BUDGET);
}
