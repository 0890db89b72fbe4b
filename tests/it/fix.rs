//! `fix` on failing requests over real fixture media, then `check` on what
//! it wrote: the output passes and keeps what it must. Tests that need
//! ffmpeg say so and are skipped when it is not installed (`.ci/run`
//! installs it).

use std::path::{Path, PathBuf};

use seedance_preflight::probe::probe_path;
use serde_json::Value;

use super::cli::{run, text};

fn out_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sp-fix-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// Runs `fix --format json` and returns (exit code, the JSON).
fn fix(args: &[&str], out: &Path) -> (Option<i32>, Value) {
    let mut all = vec!["fix", "--format", "json", "--out", out.to_str().unwrap()];
    all.extend(args);
    let o = run(&all, None);
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {} {}", text(&o.stdout), text(&o.stderr)));
    (o.status.code(), v)
}

/// `check` on a written request: exit 0.
fn passes(request: &Path) -> bool {
    let o = run(&["check", "--no-config", request.to_str().unwrap()], None);
    o.status.code() == Some(0)
}

fn has_ffmpeg() -> bool {
    if seedance_preflight::fix::find_ffmpeg(None).is_some() {
        return true;
    }
    eprintln!("SKIPPED: no ffmpeg on PATH; the video fix tests need it (.ci/run installs it)");
    false
}

fn job_output(v: &Value, input_suffix: &str) -> PathBuf {
    let jobs = v["plan"]["jobs"].as_array().unwrap();
    let j = jobs
        .iter()
        .find(|j| j["input"].as_str().unwrap().ends_with(input_suffix))
        .unwrap_or_else(|| panic!("no job for {input_suffix}: {v}"));
    PathBuf::from(j["output"].as_str().unwrap())
}

#[test]
fn images_out_of_range_are_padded_and_scaled_and_then_pass() {
    let out = out_dir("images");
    let (code, v) = fix(&["fixtures/requests/media/x-image-boundaries.json"], &out);
    assert_eq!(code, Some(0), "{v}");
    assert!(passes(&out.join("x-image-boundaries.json")));
    let dims = |suffix: &str| {
        let f = probe_path(&job_output(&v, suffix), 1 << 24);
        (f.width.unwrap(), f.height.unwrap())
    };
    // Too small: scaled so the short side is 300 (within 1 px of the ratio).
    assert_eq!(dims("x-299x400.png"), (300, 402));
    // Too narrow: padded, the kept side (height) unscaled.
    assert_eq!(dims("x-399x1000.png"), (400, 1000));
    // Too wide and too large: padded to 2.5, then scaled to 6000.
    assert_eq!(dims("x-6001x2400.png"), (6000, 2400));
    // The originals are untouched.
    let orig = probe_path(Path::new("fixtures/media/image/x-399x1000.png"), 1 << 24);
    assert_eq!((orig.width, orig.height), (Some(399), Some(1000)));
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn exif_rotation_first_last_pairs_and_animated_gifs() {
    let out = out_dir("frames");
    let (code, v) = fix(
        &[
            "fixtures/requests/media/x-exif-rotated-adaptive.json",
            "fixtures/requests/media/x-first-last-mismatch.json",
            "fixtures/requests/media/x-open-gif-animated.json",
        ],
        &out,
    );
    assert_eq!(code, Some(0), "{v}");
    for name in [
        "x-exif-rotated-adaptive.json",
        "x-first-last-mismatch.json",
        "x-open-gif-animated.json",
    ] {
        assert!(passes(&out.join(name)), "{name}");
    }
    // The rotation is in the pixels now: stored as displayed, no EXIF turn.
    let rotated = v["plan"]["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["actions"].to_string().contains("EXIF orientation"))
        .expect("a job applies the EXIF orientation");
    let f = probe_path(Path::new(rotated["output"].as_str().unwrap()), 1 << 24);
    assert_eq!(f.width, f.display_width);
    assert!(
        f.height.unwrap() > f.width.unwrap(),
        "portrait as displayed"
    );
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn request_fields_are_fixed_in_rounds_keeping_the_formatting() {
    let out = out_dir("fields");
    let (code, v) = fix(&["fixtures/fix/fields.json"], &out);
    assert_eq!(code, Some(0), "{v}");
    let written = std::fs::read_to_string(out.join("fields.json")).unwrap();
    let original = std::fs::read_to_string("fixtures/fix/fields.json").unwrap();
    // The same lines, in the same layout; only the values changed.
    assert_eq!(written.lines().count(), original.lines().count());
    assert!(written.contains("\"model\": \"seedance-2.0-image-to-video\""));
    assert!(written.contains("\"aspect_ratio\": \"9:16\""));
    assert!(written.contains("\"duration\": 15,"));
    assert!(written.contains("\"quality\": \"720p\""));
    assert!(passes(&out.join("fields.json")));
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn audio_is_converted_and_trimmed_only_with_allow_lossy() {
    let out = out_dir("audio");
    // Without --allow-lossy the 16 s clip cannot be cut: exit 1, and why.
    let (code, v) = fix(&["fixtures/fix/audio-long.json"], &out);
    assert_eq!(code, Some(1), "{v}");
    assert!(v.to_string().contains("--allow-lossy"), "{v}");
    let out = out_dir("audio-lossy");
    let (code, v) = fix(&["--allow-lossy", "fixtures/fix/audio-long.json"], &out);
    assert_eq!(code, Some(0), "{v}");
    assert!(passes(&out.join("audio-long.json")));
    let mp3 = probe_path(&job_output(&v, "x-mp3-16s.mp3"), 1 << 24);
    let ogg = probe_path(&job_output(&v, "x-vorbis.ogg"), 1 << 24);
    // An accepted MP3 that only needs cutting is cut on frame boundaries,
    // not re-encoded: still an MP3, within one frame (1152 samples) of 13 s.
    assert_eq!(mp3.format.name(), "mp3");
    assert!(mp3.error.is_none(), "{:?}", mp3.error);
    let d = mp3.duration_s.unwrap();
    assert!(d <= 13.0 + 1e-6 && d > 13.0 - 1152.0 / 44100.0, "{d}");
    // Together at most 15 s, cut from the last clip backwards.
    let total = mp3.duration_s.unwrap() + ogg.duration_s.unwrap();
    assert!(total <= 15.0 + 1e-6 && total > 14.95, "{total}");
    assert!((ogg.duration_s.unwrap() - 2.0).abs() < 0.03);
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn videos_are_retimed_scaled_converted_and_trimmed_through_ffmpeg() {
    if !has_ffmpeg() {
        return;
    }
    let out = out_dir("video");
    let (code, v) = fix(
        &[
            "--allow-lossy",
            "fixtures/fix/video-convert.json",
            "fixtures/fix/video-long.json",
        ],
        &out,
    );
    assert_eq!(code, Some(0), "{v}");
    assert!(passes(&out.join("video-convert.json")));
    assert!(passes(&out.join("video-long.json")));
    let fps = probe_path(&job_output(&v, "x-fps-23.976.mp4"), 1 << 24);
    assert!((fps.fps.unwrap() - 24.0).abs() < 0.01, "{:?}", fps.fps);
    // Length unchanged where no trim was needed.
    assert!((fps.duration_s.unwrap() - 3.0).abs() < 0.05);
    let big = probe_path(&job_output(&v, "x-res-1920x1080.mp4"), 1 << 24);
    let px = big.width.unwrap() as u64 * big.height.unwrap() as u64;
    assert!((409_600..=927_408).contains(&px), "{px}");
    let ratio = big.width.unwrap() as f64 / big.height.unwrap() as f64;
    assert!((ratio - 16.0 / 9.0).abs() < 0.01);
    let mkv = probe_path(&job_output(&v, "x-h264.mkv"), 1 << 24);
    assert_eq!(mkv.format.name(), "mp4");
    let long = probe_path(&job_output(&v, "x-dur-15.1s.mp4"), 1 << 24);
    assert!(long.duration_s.unwrap() <= 15.0, "{:?}", long.duration_s);
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn dry_run_prints_the_pinned_plan_and_writes_nothing() {
    let out = PathBuf::from("target/sp-fix-dry-run");
    let _ = std::fs::remove_dir_all(&out);
    let o = run(
        &[
            "fix",
            "--dry-run",
            "--out",
            out.to_str().unwrap(),
            "fixtures/requests/media/x-image-boundaries.json",
            "fixtures/fix/fields.json",
            "fixtures/fix/audio-long.json",
        ],
        None,
    );
    // The audio clip needs --allow-lossy: something is left, exit 1.
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(!out.exists(), "a dry run wrote {}", out.display());
    // Paths outside the repository differ per machine: pin the rest.
    let here = std::fs::canonicalize(".").unwrap();
    let shown = text(&o.stdout).replace(here.to_str().unwrap(), "<repo>");
    let path = super::fixtures().join("../tests/snapshots/fix-dry-run.txt");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &shown).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        shown,
        want,
        "dry-run output differs from {}",
        path.display()
    );
}

#[test]
fn an_output_folder_holding_the_inputs_is_refused() {
    let dir = out_dir("inplace");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy("fixtures/fix/fields.json", dir.join("fields.json")).unwrap();
    let o = run(
        &[
            "fix",
            "--out",
            dir.to_str().unwrap(),
            dir.join("fields.json").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stdout));
    assert!(text(&o.stderr).contains("one of the inputs"));
    let kept = std::fs::read_to_string(dir.join("fields.json")).unwrap();
    assert_eq!(
        kept,
        std::fs::read_to_string("fixtures/fix/fields.json").unwrap()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(feature = "remote")]
#[test]
fn remote_images_are_fixed_only_with_download() {
    let server = super::server::Server::start();
    let d = out_dir("remote-req");
    std::fs::create_dir_all(&d).unwrap();
    let req = d.join("remote.json");
    std::fs::write(
        &req,
        serde_json::json!({
            "model": "seedance-2.0-reference-to-video",
            "prompt": "Image 1 in the rain",
            "image_urls": [server.url("/files/image/x-399x1000.png")],
        })
        .to_string(),
    )
    .unwrap();
    let out = out_dir("remote");
    let (code, v) = fix(&["--allow-loopback", req.to_str().unwrap()], &out);
    assert_eq!(code, Some(1), "{v}");
    assert!(v.to_string().contains("--download"), "{v}");
    let (code, v) = fix(
        &["--allow-loopback", "--download", req.to_str().unwrap()],
        &out,
    );
    // The rewritten request points at the fixed local file: it passes.
    assert_eq!(code, Some(0), "{v}");
    let f = probe_path(&job_output(&v, "x-399x1000.png"), 1 << 24);
    assert_eq!((f.width, f.height), (Some(400), Some(1000)));
    assert!(std::fs::read_dir(out.join("downloads")).unwrap().count() == 1);
    // A limit below the file's size refuses the download.
    let out2 = out_dir("remote-small");
    let (code, v) = fix(
        &[
            "--allow-loopback",
            "--download",
            "--download-max",
            "1000",
            req.to_str().unwrap(),
        ],
        &out2,
    );
    assert_eq!(code, Some(1), "{v}");
    assert!(
        v["result"]["jobs"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("download limit"),
        "{v}"
    );
    for p in [d, out, out2] {
        let _ = std::fs::remove_dir_all(p);
    }
}

/// A request naming the AVIF fixture, in a fresh folder.
fn avif_request(name: &str) -> (PathBuf, PathBuf) {
    let d = out_dir(name);
    std::fs::create_dir_all(&d).unwrap();
    let img = std::fs::canonicalize("fixtures/media/image/x-640x480.avif").unwrap();
    let req = d.join("avif.json");
    std::fs::write(
        &req,
        serde_json::json!({
            "model": "seedance-2.0-image-to-video",
            "prompt": "The cat turns",
            "image_urls": [img],
        })
        .to_string(),
    )
    .unwrap();
    (d, req)
}

#[test]
fn formats_not_decoded_here_get_the_exact_command_without_a_converter() {
    let (d, req) = avif_request("avif-req");
    let out = out_dir("avif");
    // No converter on PATH (an empty folder as PATH).
    let empty = out_dir("empty-path");
    std::fs::create_dir_all(&empty).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_seedance-preflight"))
        .args(["fix", "--format", "json", "--dry-run", "--out"])
        .arg(&out)
        .arg(&req)
        .env("PATH", &empty)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(o.status.code(), Some(1), "{v}");
    let reason = v["plan"]["requests"][0]["unfixable"][0]["reason"]
        .as_str()
        .unwrap();
    assert!(
        reason.contains("none of ffmpeg, heif-convert, magick, convert is installed")
            && reason.contains("ffmpeg -nostdin -v error -y -i ")
            && reason.contains("x-640x480.png"),
        "{reason}"
    );
    assert!(!out.exists());
    for p in [d, empty] {
        let _ = std::fs::remove_dir_all(p);
    }
}

#[test]
fn avif_is_decoded_by_ffmpeg_then_written_as_png_and_passes() {
    if !has_ffmpeg() {
        return;
    }
    let (d, req) = avif_request("avif-conv");
    let out = out_dir("avif-out");
    let (code, v) = fix(&[req.to_str().unwrap()], &out);
    assert_eq!(code, Some(0), "{v}");
    let job = &v["plan"]["jobs"][0];
    assert!(
        job["command"].as_str().unwrap().contains(" -frames:v 1 "),
        "{job}"
    );
    assert!(passes(&out.join("avif.json")));
    let f = probe_path(&job_output(&v, "x-640x480.avif"), 1 << 24);
    assert_eq!(
        (f.format.name(), f.width, f.height),
        ("png", Some(640), Some(480))
    );
    // The decoder's scratch file is gone.
    assert!(!out.join(".decoded").exists());
    for p in [d, out] {
        let _ = std::fs::remove_dir_all(p);
    }
}
