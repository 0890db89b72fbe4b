//! The shipped reseller dialects (dialects/*.toml) on their providers'
//! documented examples: fal's single-URL fields and string durations,
//! Replicate's `{"input": {…}}` body; and `dialects` listing them.

use serde_json::{json, Value};

use super::cli::{run, text};

/// `check --no-fetch --dialect ID` on a body: the request's findings.
fn findings(dialect: &str, body: &Value) -> Vec<Value> {
    let dir = std::env::temp_dir().join(format!("sp-resellers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join(format!("{dialect}-{}.json", body.to_string().len()));
    std::fs::write(&f, body.to_string()).unwrap();
    let o = run(
        &[
            "check",
            "--no-fetch",
            "--isolated",
            "--format",
            "json",
            "--dialect",
            dialect,
            f.to_str().unwrap(),
        ],
        None,
    );
    let v: Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o.stderr)));
    assert_eq!(v["requests"][0]["dialect"], dialect);
    v["requests"][0]["findings"].as_array().unwrap().clone()
}

fn codes(f: &[Value]) -> Vec<&str> {
    f.iter().map(|f| f["code"].as_str().unwrap()).collect()
}

#[test]
fn fal_image_to_video_reads_single_url_fields_and_string_durations() {
    // fal's own quick-start body.
    let doc = json!({
        "prompt": "An octopus finds a football in the ocean and excitedly calls its octopus friends to come and play.",
        "image_url": "https://v3b.fal.media/files/b/0a8eba37/Cqg-4Uwzyz4DELfceT1CF.jpg"
    });
    assert_eq!(codes(&findings("fal-i2v", &doc)), Vec::<&str>::new());
    let mut long = doc.clone();
    long["duration"] = json!("16");
    long["end_image_url"] = json!("https://v3b.fal.media/files/end.jpg");
    let f = findings("fal-i2v", &long);
    assert_eq!(codes(&f), ["REQ006"]);
    // The fix keeps the field's type: a string.
    assert_eq!(
        f[0]["fix"],
        json!({"kind": "set", "pointer": "/duration", "value": "15"})
    );
    let mut list = doc.clone();
    list["end_image_url"] = json!(["https://v3b.fal.media/files/end.jpg"]);
    assert_eq!(codes(&findings("fal-i2v", &list)), ["REQ005"]);
    let mut missing = doc.clone();
    missing.as_object_mut().unwrap().remove("image_url");
    assert_eq!(codes(&findings("fal-i2v", &missing)), ["REQ003"]);
    let mut auto = doc;
    auto["duration"] = json!("auto");
    assert_eq!(codes(&findings("fal-i2v", &auto)), Vec::<&str>::new());
}

#[test]
fn replicate_reads_the_input_object_with_pointers_below_it() {
    // Replicate's own example prediction.
    let doc = json!({"input": {
        "aspect_ratio": "16:9", "duration": 15, "generate_audio": true,
        "prompt": "按 Image 1 的故事版生成视频",
        "reference_audios": [], "reference_images": ["https://replicate.delivery/pbxt/P0gc/HHAglbTXAAAR3bD.jpeg"],
        "reference_videos": [], "resolution": "480p", "seed": 99
    }});
    assert_eq!(codes(&findings("replicate", &doc)), Vec::<&str>::new());
    let mut bad = doc.clone();
    bad["input"]["duration"] = json!(16);
    bad["input"]["reference_images"] = json!((0..10)
        .map(|i| format!("https://replicate.delivery/{i}.jpg"))
        .collect::<Vec<_>>());
    let f = findings("replicate", &bad);
    assert_eq!(codes(&f), ["REQ006", "REQ013"], "{f:?}");
    assert_eq!(f[0]["location"], "/input/duration");
    assert_eq!(f[1]["location"], "/input/reference_images");
    // -1: the model picks the length.
    let mut auto = doc;
    auto["input"]["duration"] = json!(-1);
    assert_eq!(codes(&findings("replicate", &auto)), Vec::<&str>::new());
}

#[test]
fn xenodia_reads_first_and_last_frame_urls_and_reference_arrays() {
    // Xenodia's own examples.
    let frames = json!({
        "model": "seedance-2",
        "prompt": "Animate a product reveal from the first frame into the final packaging frame.",
        "first_frame_url": "https://example.com/first.png",
        "last_frame_url": "https://example.com/last.png",
        "resolution": "1080p", "aspect_ratio": "16:9", "duration": 8
    });
    assert_eq!(codes(&findings("xenodia", &frames)), Vec::<&str>::new());
    let refs = json!({
        "model": "seedance-2-fast",
        "prompt": "Use the references to create a fast, polished launch video.",
        "reference_image_urls": ["https://example.com/style.png"],
        "reference_video_urls": ["https://example.com/motion.mp4"],
        "reference_audio_urls": ["https://example.com/music.mp3"],
        "resolution": "720p", "aspect_ratio": "9:16", "duration": 10,
        "web_search": false, "nsfw_checker": false
    });
    assert_eq!(codes(&findings("xenodia", &refs)), Vec::<&str>::new());
    // The fast tier has no 1080p; a frame given as a list is the wrong type.
    let mut bad = refs;
    bad["resolution"] = json!("1080p");
    assert_eq!(codes(&findings("xenodia", &bad)), ["REQ007"]);
    let mut listed = frames;
    listed["first_frame_url"] = json!(["https://example.com/first.png"]);
    assert_eq!(codes(&findings("xenodia", &listed)), ["REQ005"]);
}

#[test]
fn relaydance_reads_the_providers_items_and_fields_under_metadata() {
    // RelayDance's own shape: seconds as a string, the provider's fields
    // and content[] inside metadata.
    let doc = json!({
        "model": "doubao-seedance-2-0-1080p",
        "prompt": "A timelapse of storm clouds rolling over a mountain range, like @image1",
        "seconds": "10",
        "metadata": {"ratio": "16:9", "resolution": "1080p", "generate_audio": true,
                     "content": [{"type": "image_url", "image_url": {"url": "https://example.com/ref.jpg"},
                                  "role": "reference_image"}]}
    });
    let f = findings("relaydance", &doc);
    assert!(f.iter().all(|f| f["severity"] == "info"), "{f:?}");
    let bad = json!({
        "model": "doubao-seedance-2-0-1080p",
        "prompt": "storm clouds",
        "seconds": "20",
        "metadata": {"ratio": "5:4", "callback_url": "http://hooks.example.com/x",
                     "content": [{"type": "image", "image_url": {"url": "https://example.com/ref.jpg"}},
                                 {"type": "video_url", "video_url": {"url": "data:video/mp4;base64,AAAA"},
                                  "role": "reference_video"}]}
    });
    let f = findings("relaydance", &bad);
    let mut at: Vec<(&str, &str)> = f
        .iter()
        .map(|f| (f["code"].as_str().unwrap(), f["location"].as_str().unwrap()))
        .collect();
    at.sort();
    assert_eq!(
        at,
        [
            ("REQ004", "/metadata/content/0/type"),
            ("REQ006", "/seconds"),
            ("REQ008", "/metadata/ratio"),
            ("REQ011", "/metadata/callback_url"),
            ("REQ019", "/metadata/content/1/video_url/url"),
        ],
        "{f:?}"
    );
    // The fix of a string duration stays a string.
    let req006 = f.iter().find(|f| f["code"] == "REQ006").unwrap();
    assert_eq!(req006["fix"]["value"], "15");
    // Without media the items array may be left out.
    let text =
        json!({"model": "doubao-seedance-2-0-1080p", "prompt": "storm clouds", "seconds": "5"});
    assert_eq!(codes(&findings("relaydance", &text)), Vec::<&str>::new());
}

#[test]
fn dialects_lists_the_shipped_ones_with_their_endpoints() {
    let o = run(&["dialects"], None);
    let out = text(&o.stdout);
    assert!(
        out.contains("fal-i2v")
            && out.contains("https://fal.run/bytedance/seedance-2.0/image-to-video"),
        "{out}"
    );
    assert!(
        out.contains("replicate") && out.contains("/v1/models/bytedance/seedance-2.0/predictions"),
        "{out}"
    );
    // Not loaded by default: detection never picks them on its own.
    let c = run(
        &[
            "check",
            "--no-fetch",
            "--format",
            "json",
            "--isolated",
            "fixtures/requests/unified/ok-text-to-video.json",
        ],
        None,
    );
    let v: Value = serde_json::from_slice(&c.stdout).unwrap();
    assert_eq!(v["requests"][0]["dialect"], "unified");
}
