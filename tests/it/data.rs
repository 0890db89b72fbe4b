//! Findings as data: the measured value, the limit and a machine-readable fix
//! travel with each finding, in the library and in the JSON wire format.

use seedance_preflight::{check_bytes, Amount, Code, Fix, Options, Unit};

use super::cli::{run, text};

#[test]
fn duration_16_carries_measured_limit_and_a_set_fix_in_json() {
    let o = run(
        &[
            "check",
            "--no-config",
            "--no-fetch",
            "--format",
            "json",
            "fixtures/requests/unified/x-req006-duration-16.json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&text(&o.stdout)).unwrap();
    let f = v["requests"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "REQ006")
        .expect("REQ006");
    assert_eq!(f["measured"], serde_json::json!({"value": 16, "unit": "s"}));
    assert_eq!(f["limit"]["max"], 15);
    assert_eq!(f["limit"]["min"], 4);
    assert_eq!(
        f["fix"],
        serde_json::json!({"kind": "set", "pointer": "/duration", "value": 15})
    );
}

#[test]
fn a_too_wide_image_carries_a_resize_fix() {
    let png = super::fixtures().join("media/image/x-6001x2400.png");
    let body = serde_json::json!({
        "model": "seedance-2.0-image-to-video",
        "prompt": "image 1 moves",
        "image_urls": [png.to_str().unwrap()],
    });
    let r = check_bytes(
        "req.json",
        &serde_json::to_vec(&body).unwrap(),
        &Options::default(),
    );
    let f = r
        .findings
        .iter()
        .find(|f| f.code == Code::IMG003)
        .expect("IMG003");
    let m = f.measured.as_ref().unwrap();
    assert_eq!(
        (m.value.clone(), m.unit),
        (Amount::Number(6001.0), Unit::Px)
    );
    assert_eq!(f.limit.as_ref().unwrap().max, Some(Amount::Number(6000.0)));
    assert_eq!(
        f.fix,
        Some(Fix::Resize {
            max_side: Some(6000),
            min_side: None
        })
    );
    assert_eq!(f.asset, Some(0));
}

#[test]
fn request_text_fixes_point_at_the_exact_span() {
    let doc = br#"{"model": "seedance-2.0-text-to-video", "prompt": "a cat",
  "aspectRatio": "16:9", "duration": "5"}"#;
    let r = check_bytes(
        "req.json",
        doc,
        &Options {
            fetch: false,
            ..Options::default()
        },
    );
    let text = std::str::from_utf8(doc).unwrap();
    let rename = r.findings.iter().find(|f| f.code == Code::REQ004).unwrap();
    assert_eq!(
        rename.fix,
        Some(Fix::Rename {
            pointer: "/aspectRatio".into(),
            to: "aspect_ratio".into()
        })
    );
    assert_eq!(
        &text[rename.offset.unwrap()..rename.end.unwrap()],
        "\"aspectRatio\""
    );
    let quoted = r.findings.iter().find(|f| f.code == Code::REQ005).unwrap();
    assert_eq!(
        quoted.fix,
        Some(Fix::Set {
            pointer: "/duration".into(),
            value: 5.into()
        })
    );
    assert_eq!(&text[quoted.offset.unwrap()..quoted.end.unwrap()], "\"5\"");
    assert_eq!(quoted.line_col, Some((2, 38)));
    assert_eq!(quoted.end_line_col, Some((2, 41)));
}
