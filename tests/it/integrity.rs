//! The integrity fixtures (fixtures/integrity/, made by fixtures/integrity.sh
//! and fixtures/craft.py): damaged, encrypted and unusual files, each with
//! the facts its probe must report and the finding its slot must give.

use std::path::PathBuf;

use seedance_preflight::probe::{probe_path, MediaFacts, ProbeError};
use seedance_preflight::source::DEFAULT_BUDGET;
use seedance_preflight::{check_bytes, Code, Options};

fn path(name: &str) -> PathBuf {
    super::fixtures().join("integrity").join(name)
}

fn probe(name: &str) -> MediaFacts {
    probe_path(&path(name), DEFAULT_BUDGET)
}

/// The codes a unified-dialect request gives for the file in the slot of its
/// kind (VID008, an info on every video, left out).
fn codes(name: &str) -> Vec<Code> {
    let file = path(name).display().to_string();
    let image = super::fixtures()
        .join("media/image/ok-1280x720.jpg")
        .display()
        .to_string();
    let kind = probe(name).kind;
    let body = match kind {
        seedance_preflight::probe::Kind::Image => serde_json::json!({
            "model": "seedance-2.0-image-to-video", "prompt": "a cat turns", "image_urls": [file]}),
        seedance_preflight::probe::Kind::Video => serde_json::json!({
            "model": "seedance-2.0-reference-to-video", "prompt": "move like video 1", "video_urls": [file]}),
        _ => serde_json::json!({
            "model": "seedance-2.0-reference-to-video", "prompt": "image 1 to audio 1",
            "image_urls": [image], "audio_urls": [file]}),
    };
    let report = check_bytes(
        "t.json",
        &serde_json::to_vec(&body).unwrap(),
        &Options::default(),
    );
    let index = report.assets.iter().position(|a| a.uri == file).unwrap();
    let mut out: Vec<Code> = report
        .findings
        .iter()
        .filter(|f| f.asset == Some(index) && f.code != Code::VID008)
        .map(|f| f.code)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A damaged file: its error is `Truncated` and says `says`; its slot gives
/// `code`.
fn truncated(name: &str, says: &str, code: Code) -> MediaFacts {
    let f = probe(name);
    assert!(
        matches!(f.problem, Some(ProbeError::Truncated(_))),
        "{name}: {:?}",
        f.problem
    );
    let e = f.error.clone().unwrap();
    assert!(e.contains(says), "{name}: {e}");
    assert_eq!(codes(name), [code], "{name}");
    f
}

#[test]
fn clean_sources_pass() {
    for name in [
        "ok-small.jpg",
        "ok-small-faststart.mp4",
        "ok-small-mdat-first.mp4",
        "ok-small-vbr.mp3",
    ] {
        let f = probe(name);
        assert_eq!(f.error, None, "{name}");
        assert_eq!(f.trailing_bytes, None, "{name}");
    }
    let v = probe("ok-small-faststart.mp4");
    assert_eq!(
        (v.frames, v.fps, v.duration_s),
        (Some(24), Some(24.0), Some(1.0))
    );
}

#[test]
fn a_jpeg_without_scan_or_end_marker_is_truncated_with_its_size_kept() {
    let f = truncated(
        "x-jpeg-no-scan.jpg",
        "the file ends at byte 266; the JPEG's image data never starts",
        Code::IMG002,
    );
    assert_eq!((f.width, f.height), (Some(400), Some(300)));
    truncated(
        "x-jpeg-no-eoi.jpg",
        "the file ends at byte 2,748 inside the JPEG's image data: its end marker (EOI) is missing",
        Code::IMG002,
    );
}

#[test]
fn data_after_an_end_marker_is_a_fact_not_an_error() {
    let j = probe("ok-jpeg-trailing.jpg");
    assert_eq!((j.error.as_deref(), j.trailing_bytes), (None, Some(100)));
    assert_eq!(codes("ok-jpeg-trailing.jpg"), []);
    let p = probe("ok-png-trailing.png");
    assert_eq!((p.error.as_deref(), p.trailing_bytes), (None, Some(32)));
    assert_eq!(codes("ok-png-trailing.png"), []);
}

#[test]
fn declared_sizes_beyond_the_file_are_truncation() {
    truncated(
        "x-png-no-iend.png",
        "the file ends at byte 688 inside the PNG's image data: its IEND chunk is missing",
        Code::IMG002,
    );
    let w = truncated(
        "x-webp-riff-short.webp",
        "the WebP's RIFF header declares 6,628 bytes; the file ends at byte 3,000",
        Code::IMG002,
    );
    assert_eq!((w.width, w.height), (Some(800), Some(600)));
    truncated(
        "x-bmp-short.bmp",
        "the BMP's 640×480 pixel array needs 921,600 bytes from byte 54; the file ends at byte 1,078",
        // BMP is not accepted: the format finding comes first.
        Code::IMG001,
    );
    let wav = truncated(
        "x-wav-data-short.wav",
        "the WAV's `data` chunk declares 32,000 bytes (2.00 s); the file holds 8,000 of them (0.50 s)",
        Code::AUD002,
    );
    assert_eq!(wav.duration_s, Some(0.5), "the facts say what is there");
}

#[test]
fn mp4_sample_data_past_the_end_is_truncation() {
    truncated(
        "x-mp4-chunks-past-end.mp4",
        "the video track's samples run to byte 6,120 but the file ends at byte 3,511",
        Code::VID002,
    );
    truncated(
        "x-mp4-mdat-cut.mp4",
        "the `mdat` box at byte 40 declares 5,217 bytes but the file ends at byte 2,648",
        Code::VID002,
    );
}

#[test]
fn an_mp3_length_header_is_checked_against_the_frames_there() {
    let cut = truncated(
        "x-mp3-xing-cut.mp3",
        "the Xing header declares 79 frames (2.06 s); the file ends after 13 frames (0.34 s)",
        Code::AUD002,
    );
    let d = cut.duration_s.unwrap();
    assert!((d - 13.0 * 576.0 / 22050.0).abs() < 1e-9, "{d}");
    // A frame count of 0: the frames are counted instead, no error.
    let whole = probe("ok-small-vbr.mp3");
    let zero = probe("ok-mp3-xing-zero-frames.mp3");
    assert_eq!(zero.error, None);
    assert_eq!(zero.duration_s, whole.duration_s);
}

#[test]
fn a_video_track_without_samples_is_unreadable() {
    let f = probe("x-mp4-init-only.mp4");
    assert!(
        matches!(f.problem, Some(ProbeError::NoTrack(_))),
        "{:?}",
        f.problem
    );
    assert!(f.error.unwrap().contains("the video track has no samples"));
    assert_eq!(f.frames, Some(0));
    assert_eq!(codes("x-mp4-init-only.mp4"), [Code::VID002]);
}

#[test]
fn an_encrypted_video_is_vid009_with_its_scheme() {
    let f = probe("x-mp4-encrypted-cenc.mp4");
    assert_eq!(f.error, None);
    assert_eq!(f.encryption.as_deref(), Some("cenc"));
    assert_eq!(
        f.codec.as_deref(),
        Some("avc1"),
        "the original format (frma)"
    );
    assert_eq!((f.width, f.frames), (Some(640), Some(48)));
    assert_eq!(codes("x-mp4-encrypted-cenc.mp4"), [Code::VID009]);
    let file = path("x-mp4-encrypted-cenc.mp4").display().to_string();
    let body = serde_json::json!({"model": "seedance-2.0-reference-to-video",
        "prompt": "move like video 1", "video_urls": [file]});
    let report = check_bytes(
        "t.json",
        &serde_json::to_vec(&body).unwrap(),
        &Options::default(),
    );
    let vid009 = report
        .findings
        .iter()
        .find(|f| f.code == Code::VID009)
        .unwrap();
    assert_eq!(
        vid009.message,
        "the video is encrypted (CENC `cenc`): the service cannot decode it"
    );
}

#[test]
fn frame_rate_is_frames_over_the_sample_table_duration() {
    // The mdhd duration also covers a 2.5 s empty edit (4.5 s in all): the
    // frame rate ignores it, the clip length follows the edit list.
    let f = probe("ok-mp4-mdhd-with-edit.mp4");
    assert_eq!((f.fps, f.frames, f.fps_min), (Some(30.0), Some(60), None));
    assert_eq!(f.duration_s, Some(4.5));
    assert_eq!(codes("ok-mp4-mdhd-with-edit.mp4"), []);
}

#[test]
fn a_variable_frame_rate_below_the_minimum_is_vid010() {
    let f = probe("x-mp4-vfr.mp4");
    let (fps, slowest) = (f.fps.unwrap(), f.fps_min.unwrap());
    // 120 frames at 60 fps then 15 at 15 fps: 135 frames in 2.95 s.
    assert!((fps - 135.0 / 2.95).abs() < 1e-9, "{fps}");
    // The slowest 15 frames: 14 at 15 fps and one at 60 fps (the last sample,
    // whose duration is the muxer's guess, is left out).
    assert!(
        (slowest - 15.0 / (14.0 / 15.0 + 1.0 / 60.0)).abs() < 1e-9,
        "{slowest}"
    );
    assert_eq!(codes("x-mp4-vfr.mp4"), [Code::VID010]);
    // Constant-rate clips report no fps_min.
    assert_eq!(probe("ok-small-faststart.mp4").fps_min, None);
}

#[test]
fn compressed_wav_length_comes_from_fact_or_blocks() {
    // ffprobe: 2.041 s (16,328 samples at 8 kHz); the byte rate field would say 0.512 s.
    for name in ["ok-wav-adpcm-ima.wav", "ok-wav-adpcm-no-fact.wav"] {
        let f = probe(name);
        assert_eq!(f.error, None, "{name}");
        assert_eq!(f.duration_s, Some(16_328.0 / 8_000.0), "{name}");
        assert_eq!(codes(name), [], "{name}");
    }
}

#[test]
fn absurd_header_values_are_corrupt() {
    let f = probe("x-wav-rate-absurd.wav");
    assert!(
        matches!(f.problem, Some(ProbeError::Corrupt(_))),
        "{:?}",
        f.problem
    );
    assert!(f.error.unwrap().contains("sample rate 3,523,727,305 Hz"));
    assert_eq!(f.sample_rate, None, "not reported as a fact");
    assert_eq!(codes("x-wav-rate-absurd.wav"), [Code::AUD002]);
}

/// FLAC behind an ID3v2 tag is FLAC (not a corrupt MP3): the probe looks
/// past the tag.
#[test]
fn flac_behind_an_id3_tag_is_flac() {
    let flac = std::fs::read(super::fixtures().join("media/audio/x-flac.flac")).unwrap();
    let mut file = b"ID3\x04\x00\x00\x00\x00\x00\x14".to_vec(); // tag of 20 bytes
    file.extend([0u8; 20]);
    file.extend(&flac);
    let path = std::env::temp_dir().join(format!("sp-id3-flac-{}.mp3", std::process::id()));
    std::fs::write(&path, &file).unwrap();
    let f =
        seedance_preflight::probe::probe_path(&path, seedance_preflight::source::DEFAULT_BUDGET);
    let _ = std::fs::remove_file(&path);
    assert_eq!(f.format, seedance_preflight::probe::Format::Flac, "{f:?}");
}

/// `--deep`: a file whose headers are intact but whose data is damaged
/// passes the header probe and fails the full decode, with IMG002/AUD002
/// saying what did not decode; intact files decode.
#[test]
fn deep_decode_finds_damage_the_headers_cannot_show() {
    let dir = std::env::temp_dir().join(format!("sp-deep-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A PNG whose image data (IDAT) is overwritten: IHDR and size intact.
    let mut png = std::fs::read(super::fixtures().join("media/image/ok-1024x1024.png")).unwrap();
    let idat = png.windows(4).position(|w| w == b"IDAT").unwrap();
    for b in &mut png[idat + 40..idat + 240] {
        *b ^= 0x5a;
    }
    let bad_png = dir.join("damaged.png");
    std::fs::write(&bad_png, &png).unwrap();
    // An MP3 whose frames after the first few are overwritten with noise
    // (frame headers kept, so the header probe still counts the length).
    let mut mp3 = std::fs::read(super::fixtures().join("media/audio/ok-mp3-cbr128.mp3")).unwrap();
    let start = mp3.len() / 3;
    let mut x: u32 = 12345;
    for b in &mut mp3[start..start + 4000] {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        *b = (x >> 16) as u8;
    }
    let bad_mp3 = dir.join("damaged.mp3");
    std::fs::write(&bad_mp3, &mp3).unwrap();
    let check =
        |deep: seedance_preflight::Deep, image: &std::path::Path, audio: &std::path::Path| {
            let body = serde_json::json!({
            "model": "seedance-2.0-reference-to-video", "prompt": "image 1 to audio 1",
            "image_urls": [image], "audio_urls": [audio]});
            let opts = Options {
                deep,
                ..Options::default()
            };
            let r = check_bytes("t.json", &serde_json::to_vec(&body).unwrap(), &opts);
            r.findings
                .iter()
                .map(|f| (f.code, f.message.clone()))
                .collect::<Vec<_>>()
        };
    // Header probe: both pass.
    let shallow = check(seedance_preflight::Deep::Off, &bad_png, &bad_mp3);
    assert!(
        shallow
            .iter()
            .all(|(c, _)| !matches!(c, Code::IMG002 | Code::AUD002)),
        "{shallow:?}"
    );
    // Full decode: the image fails; the intact files pass.
    let deep = check(seedance_preflight::Deep::Decode, &bad_png, &bad_mp3);
    assert!(
        deep.iter()
            .any(|(c, m)| *c == Code::IMG002 && m.contains("whose data does not decode (image)")),
        "{deep:?}"
    );
    let clean = check(
        seedance_preflight::Deep::Decode,
        &super::fixtures().join("media/image/ok-1024x1024.png"),
        &super::fixtures().join("media/audio/ok-mp3-cbr128.mp3"),
    );
    assert!(
        clean
            .iter()
            .all(|(c, _)| !matches!(c, Code::IMG002 | Code::AUD002)),
        "{clean:?}"
    );
    let facts = deep_probe(&[super::fixtures()
        .join("media/audio/ok-mp3-cbr128.mp3")
        .display()
        .to_string()]);
    let d = facts[0].deep.as_ref().unwrap();
    assert!(
        d.ok && d.by == "symphonia" && d.detail.contains("packets decoded"),
        "{d:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A copy of a clean MP4 whose sample data is overwritten with noise
/// (its `moov` intact): the header probe cannot tell.
fn damaged_mp4() -> std::path::PathBuf {
    let mut mp4 = std::fs::read(super::fixtures().join("media/video/ok-fps-24.mp4")).unwrap();
    let mdat = mp4.windows(4).position(|w| w == b"mdat").unwrap();
    let mut x: u32 = 12345;
    let end = mp4.len().min(mdat + 20_000);
    for b in &mut mp4[mdat + 200..end] {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        *b = (x >> 16) as u8;
    }
    let bad = std::env::temp_dir().join(format!(
        "sp-deep-{}-{:?}.mp4",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::write(&bad, &mp4).unwrap();
    bad
}

/// The findings of a request naming `video`, with `deep`.
fn video_findings(video: &std::path::Path, deep: seedance_preflight::Deep) -> Vec<(Code, String)> {
    let body = serde_json::json!({
        "model": "seedance-2.0-reference-to-video", "prompt": "move like video 1",
        "video_urls": [video]});
    let opts = Options {
        deep,
        ..Options::default()
    };
    check_bytes("t.json", &serde_json::to_vec(&body).unwrap(), &opts)
        .findings
        .iter()
        .map(|f| (f.code, f.message.clone()))
        .collect()
}

/// `--deep` without ffmpeg: every sample is read and its NAL units must
/// tile it; the overwritten samples break the chain of lengths.
#[test]
fn deep_sample_walk_finds_a_damaged_video() {
    let bad = damaged_mp4();
    assert!(video_findings(&bad, seedance_preflight::Deep::Off)
        .iter()
        .all(|(c, _)| *c != Code::VID002));
    let deep = video_findings(&bad, seedance_preflight::Deep::Decode);
    assert!(
        deep.iter().any(|(c, m)| *c == Code::VID002
            && m.contains("does not decode (sample walk)")
            && m.contains("declares")),
        "{deep:?}"
    );
    let _ = std::fs::remove_file(&bad);
}

/// No false alarm: every clean media fixture passes `--deep`.
#[test]
fn deep_passes_every_clean_fixture() {
    let mut paths = Vec::new();
    for kind in ["image", "video", "audio"] {
        for e in std::fs::read_dir(super::fixtures().join("media").join(kind)).unwrap() {
            let p = e.unwrap().path();
            if p.file_name().unwrap().to_string_lossy().starts_with("ok-") {
                paths.push(p.display().to_string());
            }
        }
    }
    assert!(paths.len() > 30, "{}", paths.len());
    let facts = deep_probe(&paths);
    let failed: Vec<String> = facts
        .iter()
        .filter(|f| f.deep.as_ref().is_some_and(|d| !d.ok))
        .map(|f| format!("{}: {:?}", f.source, f.deep))
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    let checked = facts.iter().filter(|f| f.deep.is_some()).count();
    assert!(
        checked * 10 >= paths.len() * 8,
        "{checked} of {} decoded",
        paths.len()
    );
}

/// `--deep=ffmpeg`: a video whose samples are overwritten (moov intact)
/// fails ffmpeg's decode with VID002; skipped visibly without ffmpeg.
#[cfg(feature = "fix")]
#[test]
fn deep_ffmpeg_decode_finds_a_damaged_video() {
    if seedance_preflight::fix::find_ffmpeg(None).is_none() {
        eprintln!("SKIPPED: no ffmpeg on PATH; --deep=ffmpeg needs it (.ci/run installs it)");
        return;
    }
    let bad = damaged_mp4();
    let deep = video_findings(&bad, seedance_preflight::Deep::Ffmpeg);
    assert!(
        deep.iter()
            .any(|(c, m)| *c == Code::VID002 && m.contains("does not decode (ffmpeg)")),
        "{deep:?}"
    );
    let _ = std::fs::remove_file(&bad);
}

/// AAC in ADTS frames is measured by counting its frames (the golden table
/// holds the whole file); a file cut inside a frame is truncated, and the
/// facts say what is there.
#[test]
fn adts_aac_is_counted_and_a_cut_frame_is_truncation() {
    let whole = std::fs::read(super::fixtures().join("media/audio/x-aac-adts.aac")).unwrap();
    let cut = std::env::temp_dir().join(format!("sp-adts-{}.aac", std::process::id()));
    std::fs::write(&cut, &whole[..5000]).unwrap();
    let f = probe_path(&cut, DEFAULT_BUDGET);
    assert!(matches!(f.problem, Some(ProbeError::Truncated(_))), "{f:?}");
    assert!(
        f.error
            .as_deref()
            .unwrap()
            .contains("ADTS frame 52 declares"),
        "{f:?}"
    );
    // 51 whole frames of 1024 samples at 44.1 kHz.
    assert_eq!(f.duration_s, Some(51.0 * 1024.0 / 44100.0));
    assert_eq!((f.sample_rate, f.channels), (Some(44100), Some(2)));
    let _ = std::fs::remove_file(&cut);
}

/// An MP4 with sound and no picture is measured as what it is (no error
/// from the probe); a video slot refuses it with VID002.
#[test]
fn an_audio_only_mp4_is_a_fact_and_a_vid002() {
    let f = probe_path(
        &super::fixtures().join("media/video/x-audio-only.mp4"),
        DEFAULT_BUDGET,
    );
    assert_eq!(f.error, None);
    assert_eq!((f.has_video, f.has_audio), (Some(false), Some(true)));
    assert_eq!((f.codec.as_deref(), f.duration_s), (Some("aac"), Some(3.0)));
    // Its codec is sound: no VID008 fact of a picture codec.
    assert_eq!(f.video_codec(), None);
    let body = serde_json::json!({
        "model": "seedance-2.0-reference-to-video", "prompt": "move like video 1",
        "video_urls": [super::fixtures().join("media/video/x-audio-only.mp4")]});
    let r = check_bytes(
        "t.json",
        &serde_json::to_vec(&body).unwrap(),
        &Options::default(),
    );
    let vid002: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.code == Code::VID002)
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(
        vid002,
        ["the MP4 file holds no video track (audio only: aac)"]
    );
}

/// A WAV whose RIFF size claims a few bytes more than the file, after a
/// whole `data` chunk (a sloppy writer; lost trailing metadata), plays in
/// full: its facts, no error. A `data` chunk cut short stays truncated
/// (`x-wav-data-short.wav`).
#[test]
fn a_riff_size_past_a_whole_data_chunk_is_forgiven() {
    let mut wav = Vec::new();
    let data = vec![0u8; 16_000]; // 1 s of 8 kHz mono 16-bit
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&((36 + data.len() + 2) as u32).to_le_bytes()); // 2 bytes too many
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    for v in [1u16, 1] {
        wav.extend_from_slice(&v.to_le_bytes());
    }
    wav.extend_from_slice(&8000u32.to_le_bytes());
    wav.extend_from_slice(&16000u32.to_le_bytes());
    for v in [2u16, 16] {
        wav.extend_from_slice(&v.to_le_bytes());
    }
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&(data.len() as u32).to_le_bytes());
    wav.extend_from_slice(&data);
    let p = std::env::temp_dir().join(format!("sp-riff-{}.wav", std::process::id()));
    std::fs::write(&p, &wav).unwrap();
    let f = probe_path(&p, DEFAULT_BUDGET);
    assert_eq!(
        (f.error.as_deref(), f.duration_s),
        (None, Some(1.0)),
        "{f:?}"
    );
    let _ = std::fs::remove_file(&p);
    assert!(matches!(
        probe("x-wav-data-short.wav").problem,
        Some(ProbeError::Truncated(_))
    ));
}

/// A codec the decoders lack (MPEG layer II in symphonia's build here) is
/// "not checked" under `--deep`, never damage.
#[test]
fn deep_without_a_decoder_is_not_checked() {
    let facts = deep_probe(&[super::fixtures()
        .join("media/audio/x-mp2.mp2")
        .display()
        .to_string()]);
    let d = facts[0].deep.as_ref().expect("a deep outcome");
    assert!(
        d.ok && d.detail.starts_with("not checked: no decoder"),
        "{d:?}"
    );
}

/// Probes `paths` with `--deep` (decoders, no ffmpeg).
fn deep_probe(paths: &[String]) -> Vec<MediaFacts> {
    seedance_preflight::probe_targets(
        paths,
        &Options {
            deep: seedance_preflight::Deep::Decode,
            ..Options::default()
        },
    )
}
