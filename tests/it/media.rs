//! Probes against the golden table recorded from ffprobe/exiftool when the
//! fixtures were made (fixtures/make.sh), and the byte budgets they must keep.

use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use seedance_preflight::probe::{probe_path, MediaFacts};
use seedance_preflight::{check_bytes, Code, Options};
use serde_json::Value;

fn media(rel: &str) -> PathBuf {
    super::fixtures().join("media").join(rel)
}

fn golden() -> Vec<Value> {
    let text = std::fs::read_to_string(media("golden.json")).expect("fixtures/media/golden.json");
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// Compares one probe fact with the golden value; `tol` for floats.
fn same(field: &str, ours: Option<f64>, gold: &Value, tol: f64, errs: &mut Vec<String>) {
    match (ours, num(gold)) {
        (_, None) => {}
        (Some(a), Some(b)) if (a - b).abs() <= tol => {}
        (a, b) => errs.push(format!("{field}: ours {a:?}, golden {b:?}")),
    }
}

#[test]
fn probes_match_the_golden_table() {
    let mut failures = Vec::new();
    for g in golden() {
        let file = g["file"].as_str().unwrap();
        let f = probe_path(&media(file), seedance_preflight::source::DEFAULT_BUDGET);
        let mut errs = Vec::new();
        if f.format.name() != g["format"].as_str().unwrap() {
            errs.push(format!(
                "format: ours {}, golden {}",
                f.format.name(),
                g["format"]
            ));
        }
        let n = |v: Option<u32>| v.map(f64::from);
        // Formats identified and named but not measured.
        let measured = !matches!(f.format.name(), "svg" | "aac");
        if f.error.is_none() && measured {
            same("width", n(f.width), &g["width"], 0.0, &mut errs);
            same("height", n(f.height), &g["height"], 0.0, &mut errs);
            same(
                "display_width",
                n(f.display_width),
                &g["display_width"],
                0.0,
                &mut errs,
            );
            same(
                "display_height",
                n(f.display_height),
                &g["display_height"],
                0.0,
                &mut errs,
            );
            same(
                "rotation",
                f.rotation.map(f64::from),
                &g["rotation"],
                0.0,
                &mut errs,
            );
            same(
                "orientation",
                f.orientation.map(f64::from),
                &g["orientation"],
                0.0,
                &mut errs,
            );
            same(
                "duration_s",
                f.duration_s,
                &g["duration_s"],
                0.001,
                &mut errs,
            );
            same("fps", f.fps, &g["fps"], 0.001, &mut errs);
            // Matroska states no frame count (it is counted from the
            // blocks, which the probe does not read).
            if !matches!(f.format.name(), "webm" | "matroska") {
                same(
                    "frames",
                    f.frames.map(|v| v as f64),
                    &g["frames"],
                    0.0,
                    &mut errs,
                );
            }
            same(
                "sample_rate",
                n(f.sample_rate),
                &g["sample_rate"],
                0.0,
                &mut errs,
            );
            same(
                "channels",
                f.channels.map(f64::from),
                &g["channels"],
                0.0,
                &mut errs,
            );
            if let (Some(ours), Some(gold)) = (&f.codec, g["codec"].as_str()) {
                if ours != gold {
                    errs.push(format!("codec: ours {ours}, golden {gold}"));
                }
            }
            if let Some(a) = g["animated"].as_bool() {
                if f.animated != Some(a) {
                    errs.push(format!("animated: ours {:?}, golden {a}", f.animated));
                }
            }
        }
        same(
            "size_bytes",
            f.size_bytes.map(|v| v as f64),
            &g["size_bytes"],
            0.0,
            &mut errs,
        );
        if !errs.is_empty() {
            failures.push(format!("{file}: {}", errs.join("; ")));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// A unified-dialect request with the file in the slot of its kind, checked
/// for real; returns the codes found on that asset (VID008, an info on every
/// video, left out).
fn codes_for(file: &str, kind: &str) -> Vec<String> {
    let path = media(file).display().to_string();
    let ok_image = media("image/ok-1280x720.jpg").display().to_string();
    let body = match kind {
        "image" => {
            serde_json::json!({"model": "seedance-2.0-image-to-video", "prompt": "a cat turns", "image_urls": [path]})
        }
        "video" => {
            serde_json::json!({"model": "seedance-2.0-reference-to-video", "prompt": "move like video 1", "video_urls": [path]})
        }
        _ => {
            serde_json::json!({"model": "seedance-2.0-reference-to-video", "prompt": "image 1 to audio 1", "image_urls": [ok_image], "audio_urls": [path]})
        }
    };
    let text = serde_json::to_vec(&body).unwrap();
    let report = check_bytes("golden.json", &text, &Options::default());
    let index = report.assets.iter().position(|a| a.uri == path).unwrap();
    let mut codes: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.asset == Some(index) && f.code != Code::VID008)
        .map(|f| f.code.to_string())
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

#[test]
fn every_media_fixture_gives_its_codes() {
    let mut failures = Vec::new();
    for g in golden() {
        let file = g["file"].as_str().unwrap();
        let kind = file.split('/').next().unwrap();
        let mut want: Vec<String> = g["expect"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect();
        want.sort();
        let got = codes_for(file, kind);
        if got != want {
            failures.push(format!("{file}: expected {want:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn image_probes_read_at_most_256_kib() {
    for g in golden().iter().filter(|g| g["kind"] == "image") {
        let f = probe_path(
            &media(g["file"].as_str().unwrap()),
            seedance_preflight::source::DEFAULT_BUDGET,
        );
        assert!(
            f.bytes_read <= 256 * 1024,
            "{}: read {} bytes",
            f.source,
            f.bytes_read
        );
    }
    // The JPEG whose frame header sits behind a large metadata segment is read
    // by seeking, not by reading the segment.
    let f = probe_path(
        &media("image/ok-4000x3000-bigapp.jpg"),
        seedance_preflight::source::DEFAULT_BUDGET,
    );
    assert_eq!((f.width, f.height), (Some(4000), Some(3000)));
    assert!(f.bytes_read < 4096, "read {}", f.bytes_read);
}

/// Top-level boxes of an MP4: (type, offset, length).
fn boxes(bytes: &[u8]) -> Vec<([u8; 4], usize, usize)> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[pos..pos + 4].try_into().unwrap()) as usize;
        out.push((bytes[pos + 4..pos + 8].try_into().unwrap(), pos, len));
        if len < 8 {
            break;
        }
        pos += len;
    }
    out
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sp-media-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// A copy of an MP4 with a 1 GiB `mdat` (sparse) inserted after `ftyp`: the
/// probe must still read only the `moov` and a few KiB, wherever `moov` is.
#[test]
fn mp4_probes_read_the_moov_plus_a_few_kib_whatever_the_size() {
    for file in ["video/ok-h264-24fps.mp4", "video/ok-h264-faststart.mp4"] {
        let bytes = std::fs::read(media(file)).unwrap();
        let bx = boxes(&bytes);
        let moov = bx.iter().find(|b| &b.0 == b"moov").unwrap().2;
        let ftyp_end = bx[0].2;
        let path = temp(&file.replace('/', "-"));
        let mut out = std::fs::File::create(&path).unwrap();
        out.write_all(&bytes[..ftyp_end]).unwrap();
        let pad: u64 = 1 << 30;
        out.write_all(&((pad + 8) as u32).to_be_bytes()).unwrap();
        out.write_all(b"mdat").unwrap();
        out.seek(SeekFrom::Current(pad as i64)).unwrap();
        out.write_all(&bytes[ftyp_end..]).unwrap();
        drop(out);
        let f = probe_path(&path, seedance_preflight::source::DEFAULT_BUDGET);
        assert_eq!(f.error, None, "{file}");
        assert_eq!(f.duration_s, Some(3.0));
        assert!(f.size_bytes.unwrap() > pad);
        assert!(
            f.bytes_read <= moov as u64 + 4096,
            "{file}: read {} bytes for a {moov}-byte moov",
            f.bytes_read
        );
        std::fs::remove_file(&path).unwrap();
    }
}

/// A 2 GiB sparse file behind a valid header is judged with bounded reads.
#[test]
fn a_2_gib_sparse_file_behind_a_valid_header_is_bounded() {
    let cases: [(&str, usize); 4] = [
        ("image/ok-1280x720.jpg", 2048),
        ("video/ok-h264-faststart.mp4", 0),
        ("audio/ok-wav-44k-stereo-3s.wav", 44),
        ("audio/ok-mp3-cbr128.mp3", 4096),
    ];
    for (file, keep) in cases {
        let Ok(bytes) = std::fs::read(media(file)) else {
            panic!("missing fixture {file}")
        };
        let keep = if keep == 0 {
            bytes.len()
        } else {
            keep.min(bytes.len())
        };
        let path = temp(&file.replace('/', "-"));
        let mut out = std::fs::File::create(&path).unwrap();
        out.write_all(&bytes[..keep]).unwrap();
        out.set_len(2 << 30).unwrap();
        drop(out);
        let f: MediaFacts = probe_path(&path, seedance_preflight::source::DEFAULT_BUDGET);
        assert!(
            f.bytes_read <= seedance_preflight::source::DEFAULT_BUDGET,
            "{file}: {}",
            f.bytes_read
        );
        assert!(
            f.bytes_read < 1 << 20,
            "{file}: read {} bytes of a 2 GiB file",
            f.bytes_read
        );
        std::fs::remove_file(&path).unwrap();
        let _ = Path::new(file);
    }
}

/// An MP3 without a length header whose frame count the budget cuts short is
/// estimated, and AUD006 says so with a margin; with the default budget the
/// same file is counted exactly.
#[test]
fn a_budget_cut_mp3_count_is_an_estimate_with_a_margin() {
    let path = media("audio/x-mp3-vbr-noxing.mp3");
    let exact = probe_path(&path, seedance_preflight::source::DEFAULT_BUDGET);
    assert_eq!(exact.length_header, Some(false));
    assert!(!exact.duration_estimated);
    let cut = probe_path(&path, 8 * 1024);
    assert!(cut.duration_estimated);
    let margin = cut.duration_margin_s.unwrap();
    let (e, c) = (exact.duration_s.unwrap(), cut.duration_s.unwrap());
    assert!(
        (e - c).abs() <= margin,
        "exact {e}, estimate {c} ± {margin}"
    );
    assert!(cut.bytes_read <= 8 * 1024);

    let body = serde_json::json!({
        "model": "seedance-2.0-reference-to-video", "prompt": "image 1 to audio 1",
        "image_urls": [media("image/ok-1280x720.jpg")], "audio_urls": [path],
    });
    let opts = Options {
        budget: 8 * 1024,
        ..Options::default()
    };
    let report = check_bytes("t.json", &serde_json::to_vec(&body).unwrap(), &opts);
    let f = report
        .findings
        .iter()
        .find(|f| f.code == Code::AUD006)
        .expect("AUD006");
    assert!(
        f.message.contains("estimated") && f.message.contains("±"),
        "{}",
        f.message
    );
}

/// In the open dialect the kind of an entry comes from its bytes once probed:
/// files without extensions are still counted as the image and video they are.
#[test]
fn mixed_media_kinds_come_from_content_when_probed() {
    let dir = std::env::temp_dir().join(format!("sp-kinds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let still = dir.join("still");
    let clip = dir.join("clip");
    std::fs::copy(media("image/ok-800x600.webp"), &still).unwrap();
    std::fs::copy(media("video/ok-h264-24fps.mp4"), &clip).unwrap();
    let body = serde_json::json!({
        "model": "seedance-2.0",
        "prompt": "Start on a first frame of a dark room, then image 1, move like video 2",
        "mediaUrls": [still, clip],
    });
    let bytes = serde_json::to_vec(&body).unwrap();
    let codes = |opts: &Options| -> Vec<Code> {
        let mut c: Vec<Code> = check_bytes("kinds.json", &bytes, opts)
            .findings
            .iter()
            .map(|f| f.code)
            .collect();
        c.sort();
        c
    };
    assert_eq!(codes(&Options::default()), [Code::REQ015, Code::REQ017]);
    let offline = Options {
        fetch: false,
        ..Options::default()
    };
    assert!(
        codes(&offline).is_empty(),
        "unknown kinds cannot be judged without reading"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An MP3 without an ID3 tag whose first frame follows zero padding is still
/// an MP3.
#[test]
fn an_mp3_after_zero_padding_is_an_mp3() {
    let mp3 = std::fs::read(media("audio/ok-mp3-cbr128.mp3")).unwrap();
    // The fixture opens with a 20-byte ID3v2 tag; the first frame follows it.
    assert_eq!(
        (&mp3[..3], mp3[20], mp3[21] & 0xE0),
        (&b"ID3"[..], 0xFF, 0xE0)
    );
    let mut bytes = vec![0u8; 64];
    bytes.extend_from_slice(&mp3[20..]);
    let len = bytes.len() as u64;
    let mut r = seedance_preflight::source::Budgeted::new(std::io::Cursor::new(bytes), 1 << 20);
    let f = seedance_preflight::probe::probe_reader(&mut r, Some(len), "padded.mp3");
    assert_eq!(f.format.name(), "mp3");
    assert!(
        (f.duration_s.unwrap() - 3.030204).abs() < 0.001,
        "{:?}",
        f.duration_s
    );
}
