//! Hostile input for the probes: every media fixture mutated many ways, probed
//! under a small budget. Nothing may panic, hang, or read past the budget. Past
//! crash inputs (fuzz/crashes/, from `cargo fuzz`) are replayed too.

use std::io::Cursor;
use std::path::Path;

use seedance_preflight::probe::probe_reader;
use seedance_preflight::source::Budgeted;

/// A small deterministic generator (xorshift64*), so a failure is reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const BUDGET: u64 = 256 * 1024;

fn probe_bytes(bytes: Vec<u8>) -> u64 {
    let len = bytes.len() as u64;
    let mut r = Budgeted::new(Cursor::new(bytes), BUDGET);
    let f = probe_reader(&mut r, Some(len), "mutant");
    assert!(
        f.bytes_read <= BUDGET,
        "read {} bytes past a {BUDGET}-byte budget",
        f.bytes_read
    );
    f.bytes_read
}

/// One mutation: flip bits, overwrite a 32-bit field with an extreme value
/// (sizes and counts), cut the file, or duplicate a slice.
fn mutate(rng: &mut Rng, src: &[u8]) -> Vec<u8> {
    let mut b = src.to_vec();
    if b.is_empty() {
        return b;
    }
    // Headers are where parsers go wrong: aim there most of the time.
    let span = if rng.below(4) == 0 {
        b.len()
    } else {
        b.len().min(4096)
    };
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(span.min(b.len()));
        match rng.below(5) {
            0 => b[at] ^= 1 << rng.below(8),
            1 => {
                let v: u32 = [0, 1, 7, 8, 0x7FFF_FFFF, 0xFFFF_FFFF, 0x8000_0000][rng.below(7)];
                for (i, byte) in v.to_be_bytes().iter().enumerate() {
                    if let Some(x) = b.get_mut(at + i) {
                        *x = *byte;
                    }
                }
            }
            2 => b.truncate(at.max(1)),
            3 => b[at] = rng.next() as u8,
            _ => {
                let end = (at + rng.below(64)).min(b.len());
                let copy = b[at..end].to_vec();
                let to = rng.below(b.len());
                b.splice(to..to, copy);
            }
        }
        if b.is_empty() {
            break;
        }
    }
    b
}

fn media_files() -> Vec<std::path::PathBuf> {
    let root = super::fixtures();
    let mut files = Vec::new();
    for dir in ["media/image", "media/video", "media/audio", "integrity"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            files.push(e.unwrap().path());
        }
    }
    files.sort();
    files
}

#[test]
fn mutated_fixtures_never_panic_or_overread() {
    let mut rng = Rng(0x5EED_CAFE_F00D_BEEF);
    let mut cases = 0;
    for path in media_files() {
        let src = std::fs::read(&path).unwrap();
        for i in 0..60 {
            let m = mutate(&mut rng, &src);
            let result = std::panic::catch_unwind(|| probe_bytes(m.clone()));
            if result.is_err() {
                let out = std::env::temp_dir().join(format!(
                    "sp-crash-{}-{i}",
                    path.file_name().unwrap().to_string_lossy()
                ));
                std::fs::write(&out, &m).unwrap();
                panic!(
                    "{} mutation {i} panicked; input saved to {}",
                    path.display(),
                    out.display()
                );
            }
            cases += 1;
        }
    }
    assert!(cases > 4000, "{cases}");
}

#[test]
fn crafted_headers_are_findings() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("png 100000×100000", {
            let mut b = b"\\x89PNG\r\n\x1a\n".to_vec();
            b.clear();
            b.extend_from_slice(
                b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\x01\x86\xa0\0\x01\x86\xa0\x08\x02\0\0\0",
            );
            b
        }),
        (
            "mp4 moov of 4 GiB",
            b"\0\0\0\x18ftypisom\0\0\0\0isommp41\xff\xff\xff\xffmoov".to_vec(),
        ),
        (
            "mp4 box of size 0 inside",
            b"\0\0\0\x10ftypisom\0\0\0\0\0\0\0\x10moov\0\0\0\0free".to_vec(),
        ),
        (
            "mp4 largesize overflow",
            b"\0\0\0\x10ftypisom\0\0\0\0\0\0\0\x01mdat\xff\xff\xff\xff\xff\xff\xff\xff".to_vec(),
        ),
        (
            "wav rate 0",
            b"RIFF\x24\0\0\0WAVEfmt \x10\0\0\0\x01\0\x01\0\0\0\0\0\0\0\0\0\x02\0\x10\0data\0\0\0\0"
                .to_vec(),
        ),
        (
            "id3 declaring 256 MB",
            b"ID3\x04\0\0\x7f\x7f\x7f\x7f".to_vec(),
        ),
        ("gif with endless extensions", {
            let mut b = b"GIF89a\x10\0\x10\0\0\0\0".to_vec();
            for _ in 0..10_000 {
                b.extend_from_slice(b"\x21\xf9\x04\0\0\0\0\0");
            }
            b
        }),
        (
            "jpeg of only markers",
            [&[0xFFu8, 0xD8][..], &[0xFF; 100_000][..]].concat(),
        ),
    ];
    for (name, bytes) in cases {
        let len = bytes.len() as u64;
        let mut r = Budgeted::new(Cursor::new(bytes), BUDGET);
        let f = probe_reader(&mut r, Some(len), name);
        assert!(f.error.is_some() || f.width.is_some(), "{name}: {f:?}");
        assert!(f.bytes_read <= BUDGET, "{name}");
    }
}

/// Every input a fuzzer ever crashed on stays fixed.
#[test]
fn past_crash_inputs_replay_cleanly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/crashes");
    let mut n = 0;
    for dir in std::fs::read_dir(&root).into_iter().flatten().flatten() {
        for file in std::fs::read_dir(dir.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            if file.path().extension().is_some_and(|e| e == "md") {
                continue;
            }
            probe_bytes(std::fs::read(file.path()).unwrap());
            n += 1;
        }
    }
    // The folder exists with its README even when no crash has been found yet.
    assert!(root.join("README.md").exists(), "fuzz/crashes/README.md");
    eprintln!("replayed {n} crash inputs");
}
