//! Hostile and malformed input: a finding or exit 2, never a panic, a stack
//! overflow or an unbounded read.

use seedance_preflight::input::{self, Body};
use seedance_preflight::{check_bytes, check_documents, Code, Options, Severity};

fn codes(bytes: &[u8]) -> Vec<Code> {
    let mut c: Vec<Code> = check_bytes("t.json", bytes, &Options::default())
        .findings
        .iter()
        .map(|f| f.code)
        .collect();
    c.sort();
    c
}

/// How many findings of `code` a body gets, request-level only (its
/// placeholder URLs are not fetched).
fn count_offline(doc: &[u8], code: Code) -> usize {
    let opts = Options {
        fetch: false,
        ..Options::default()
    };
    check_bytes("t.json", doc, &opts)
        .findings
        .iter()
        .filter(|f| f.code == code)
        .count()
}

#[test]
fn deeply_nested_arrays_are_req001() {
    let doc = "[".repeat(100_000);
    assert_eq!(codes(doc.as_bytes()), [Code::REQ001]);
    let doc = format!(
        r#"{{"model":"seedance-2.0","prompt":"x","metadata":{}1{}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let r = check_bytes("t.json", doc.as_bytes(), &Options::default());
    assert_eq!(r.findings[0].code, Code::REQ001);
    assert!(
        r.findings[0].message.contains("nested deeper than 128"),
        "{}",
        r.findings[0].message
    );
}

#[test]
fn truncated_and_invalid_utf8_say_where() {
    let r = check_bytes(
        "t.json",
        b"{\n  \"model\": \"seedance-2.0\",\n  \"prompt\": \"caf\xe9\"\n}",
        &Options::default(),
    );
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.findings[0].code, Code::REQ001);
    assert_eq!(r.findings[0].line_col, Some((3, 17)));
    let r = check_bytes(
        "t.json",
        b"{\"model\": \"seedance-2.0\", \"pro",
        &Options::default(),
    );
    assert!(
        r.findings[0].message.contains("end of input"),
        "{}",
        r.findings[0].message
    );
    assert!(r.failed);
}

#[test]
fn a_50_mb_prompt_is_judged_not_fatal() {
    let prompt = "a ".repeat(25_000_000);
    let doc = format!(r#"{{"model":"seedance-2.0-text-to-video","prompt":"{prompt}"}}"#);
    let r = check_bytes("t.json", doc.as_bytes(), &Options::default());
    let req010 = r
        .findings
        .iter()
        .find(|f| f.code == Code::REQ010)
        .expect("REQ010");
    assert_eq!(req010.severity, Severity::Error);
    assert!(
        !r.findings.iter().any(|f| f.code == Code::REQ018),
        "50 MB is under the 64 MB body limit"
    );
}

#[test]
fn a_body_over_64_mb_is_req018_in_both_dialects() {
    for (model, extra) in [
        ("seedance-2.0-text-to-video", ""),
        (
            "seedance-2.0",
            r#","mediaUrls":["https://example.com/a.jpg"]"#,
        ),
    ] {
        let pad = "x".repeat(64_000_001);
        let doc =
            format!(r#"{{"model":"{model}","prompt":"a cat","metadata_pad":"{pad}"{extra}}}"#);
        let r = check_bytes("t.json", doc.as_bytes(), &Options::default());
        let f = r
            .findings
            .iter()
            .find(|f| f.code == Code::REQ018)
            .expect("REQ018");
        assert!(f.message.contains("64000000"), "{}", f.message);
    }
    // Exactly at the limit passes.
    let body = r#"{"model":"seedance-2.0-text-to-video","prompt":"a cat","p":""}"#;
    let pad = "x".repeat(64_000_000 - body.len());
    let doc = body.replace(r#""p":"""#, &format!(r#""p":"{pad}""#));
    assert_eq!(doc.len(), 64_000_000);
    assert!(!codes(doc.as_bytes()).contains(&Code::REQ018));
}

#[test]
fn jsonl_bad_line_fails_only_its_request() {
    let path = super::fixtures().join("requests/batch/mixed.jsonl");
    let (docs, errors) = input::expand(&[path.display().to_string()], &mut std::io::empty());
    assert!(errors.is_empty());
    assert_eq!(
        docs.iter()
            .map(|d| d.source.line.unwrap())
            .collect::<Vec<_>>(),
        [1, 3, 4]
    );
    let opts = Options {
        fetch: false,
        ..Options::default()
    };
    let report = check_documents(&docs, &opts);
    let per_line: Vec<Vec<Code>> = report
        .requests
        .iter()
        .map(|r| {
            r.findings
                .iter()
                .filter(|f| f.severity > Severity::Info)
                .map(|f| f.code)
                .collect()
        })
        .collect();
    assert_eq!(per_line, [vec![], vec![Code::REQ001], vec![Code::REQ006]]);
    // Lines are file lines: the duration on line 4.
    let f = &report.requests[2]
        .findings
        .iter()
        .find(|f| f.code == Code::REQ006)
        .unwrap();
    assert_eq!(f.line_col.unwrap().0, 4);
}

#[test]
fn a_huge_file_is_not_read() {
    let dir = std::env::temp_dir().join(format!("sp-huge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("huge.json");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(2 << 30).unwrap(); // sparse: 2 GiB of nothing
    let (docs, errors) = input::expand(&[path.display().to_string()], &mut std::io::empty());
    assert!(errors.is_empty());
    assert!(matches!(docs[0].body, Body::TooLarge(n) if n == 2 << 30));
    let report = check_documents(&docs, &Options::default());
    assert_eq!(report.requests[0].findings[0].code, Code::REQ018);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn not_an_object_and_wrong_roots() {
    for doc in [&b"null"[..], b"42", b"\"x\"", b"[]", b"   "] {
        assert_eq!(
            codes(doc),
            [Code::REQ001],
            "{:?}",
            String::from_utf8_lossy(doc)
        );
    }
}

/// Duplicate checks are linear: 100,000 members or array entries are judged
/// (a quadratic scan took 29 s in a release build on 100,000 members).
#[test]
fn many_members_and_entries_are_checked_in_linear_time() {
    let members: Vec<String> = (0..100_000).map(|i| format!("\"k{i}\": {i}")).collect();
    let doc = format!(
        r#"{{"model":"seedance-2.0-text-to-video","prompt":"x",{},"k7":0}}"#,
        members.join(",")
    );
    assert_eq!(count_offline(doc.as_bytes(), Code::REQ021), 1);
    let urls: Vec<String> = (0..50_000)
        .map(|i| format!("\"https://cdn.example.com/{}.jpg\"", i % 49_999))
        .collect();
    let doc = format!(
        r#"{{"model":"seedance-2.0-reference-to-video","prompt":"x","image_urls":[{}]}}"#,
        urls.join(",")
    );
    assert_eq!(count_offline(doc.as_bytes(), Code::REQ020), 1);
}

/// Only the member that wins (the last of a name) is judged; REQ021 reports
/// the others.
#[test]
fn an_overridden_member_is_not_judged() {
    let doc = br#"{"model":"seedance-2.0-text-to-video","prompt":"x","duration":"5","duration":5}"#;
    assert_eq!(codes(doc), [Code::REQ021]);
}

/// `\u` takes exactly four hex digits (no sign), and a byte-order mark is not
/// a column.
#[test]
fn strict_escapes_and_bom_columns() {
    assert_eq!(
        codes(br#"{"model":"seedance-2.0-text-to-video","prompt":"a \u+041 cat"}"#),
        [Code::REQ001]
    );
    let doc = "\u{feff}{\"model\":\"seedance-2.0-text-to-video\",\"prompt\":\"x\",\"duration\":99}";
    let r = check_bytes(
        "t.json",
        doc.as_bytes(),
        &Options {
            fetch: false,
            ..Options::default()
        },
    );
    let f = r.findings.iter().find(|f| f.code == Code::REQ006).unwrap();
    assert_eq!(f.line_col, Some((1, 63)), "column as an editor shows it");
}
