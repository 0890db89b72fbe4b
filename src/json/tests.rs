//! Tests of the parser and of lines and columns.

use super::*;

#[test]
fn parses_with_offsets() {
    let doc = br#"{"a": [1, "x"], "b": null}"#;
    let n = parse(doc).unwrap();
    let Value::Object(m) = n.value else { panic!() };
    assert_eq!(m[0].key, "a");
    assert_eq!(m[0].node.offset, 6);
    let Value::Array(items) = &m[0].node.value else {
        panic!()
    };
    assert_eq!(items[1].offset, 10);
    assert_eq!(m[1].node.value, Value::Null);
}

#[test]
fn every_value_records_its_span() {
    let doc = r#"{ "d": 5.0 , "s": "a\"b", "o": {"x": [true, null]} }"#;
    let n = parse(doc.as_bytes()).unwrap();
    assert_eq!((n.offset, n.end), (0, doc.len()));
    let Value::Object(m) = &n.value else { panic!() };
    let text = |node: &Node| &doc[node.offset..node.end];
    assert_eq!(text(&m[0].node), "5.0");
    assert_eq!(text(&m[1].node), r#""a\"b""#);
    assert_eq!(text(&m[2].node), r#"{"x": [true, null]}"#);
    let Value::Object(inner) = &m[2].node.value else {
        panic!()
    };
    let Value::Array(items) = &inner[0].node.value else {
        panic!()
    };
    assert_eq!(text(&items[0]), "true");
    assert_eq!(text(&items[1]), "null");
}

#[test]
fn deep_nesting_is_an_error_not_an_overflow() {
    let doc = "[".repeat(100_000);
    let e = parse(doc.as_bytes()).unwrap_err();
    assert!(e.message.contains("nested deeper than 128"), "{e}");
    let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert!(parse(ok.as_bytes()).is_ok());
}

#[test]
fn rejects_malformed() {
    for bad in [
        &b"{"[..],
        b"{\"a\":1,}",
        b"[1 2]",
        b"01",
        b"1.",
        b"\"\\ud800\"",
        b"\"\\u+041\"",
        b"\"a\nb\"",
        b"tru",
        b"{} x",
        b"\xff",
        b"",
    ] {
        assert!(parse(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
    }
}

#[test]
fn unescapes_strings_and_keeps_numbers_raw() {
    let n = parse(br#"["\u00e9\ud83d\ude00\n", 5.0, -1e3, 7]"#).unwrap();
    let Value::Array(v) = n.value else { panic!() };
    assert_eq!(v[0].value.as_str(), Some("é😀\n"));
    assert_eq!(v[1].value.type_name(), "number");
    assert_eq!(v[3].value.type_name(), "integer");
}

/// Line and column of one offset, the slow way: the oracle for `line_cols`.
fn line_col_by_prefix(text: &[u8], offset: usize) -> (usize, usize) {
    let prefix = std::str::from_utf8(&text[..offset]).unwrap();
    let prefix = prefix.strip_prefix('\u{feff}').unwrap_or(prefix);
    let line = prefix.matches('\n').count() + 1;
    let last = prefix.rsplit('\n').next().unwrap_or("");
    (line, last.chars().count() + 1)
}

#[test]
fn many_offsets_in_one_pass_agree_with_single_lookups() {
    let text = "\u{feff}{\n  \"图\": 5, \"b\": [1, 2]\n}".as_bytes();
    // Values start on character boundaries (never inside the BOM).
    let offsets: Vec<usize> = std::str::from_utf8(text)
        .unwrap()
        .char_indices()
        .map(|(i, _)| i)
        .rev()
        .collect();
    let many = line_cols(text, &offsets);
    for (o, lc) in offsets.iter().zip(many) {
        assert_eq!(line_col_by_prefix(text, *o), lc, "offset {o}");
    }
}

#[test]
fn line_and_column() {
    let text = "{\n  \"图\": 5\n}".as_bytes();
    let off = text.iter().position(|b| *b == b'5').unwrap();
    assert_eq!(line_cols(text, &[off, 0]), vec![(2, 8), (1, 1)]);
}
