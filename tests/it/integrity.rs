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
