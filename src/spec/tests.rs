//! Unit tests.

use super::*;

#[test]
fn formats_are_validated_against_the_format_table() {
    let mut spec = Spec::builtin().clone();
    spec.get_mut(Dialect::UNIFIED)
        .unwrap()
        .image
        .formats
        .push("jpg2000".into());
    let e = spec.validate().unwrap_err().to_string();
    assert!(
        e.contains("`jpg2000` is not a format this tool knows"),
        "{e}"
    );
    let mut spec = Spec::builtin().clone();
    spec.get_mut(Dialect::OPEN)
        .unwrap()
        .audio
        .formats
        .push("mp4".into());
    let e = spec.validate().unwrap_err().to_string();
    assert!(e.contains("`mp4` is not audio"), "{e}");
}

#[test]
fn builtin_table_is_valid_and_complete() {
    let spec = Spec::builtin();
    assert_eq!(spec.dialect(Dialect::UNIFIED).models.len(), 6);
    assert_eq!(spec.dialect(Dialect::OPEN).models.len(), 3);
    let (d, m) = spec.find_model("seedance-1.5-pro").unwrap();
    assert_eq!(d, Dialect::OPEN);
    assert!(m.duration.accepts(10) && !m.duration.accepts(7));
    assert_eq!(
        spec.dialect(Dialect::UNIFIED).output_sizes["720p"]["21:9"],
        [1470, 630]
    );
}

#[test]
fn validation_catches_inconsistent_overrides() {
    let mut spec = Spec::builtin().clone();
    spec.get_mut(Dialect::UNIFIED).unwrap().image.min_side = 7000;
    assert!(spec
        .validate()
        .unwrap_err()
        .to_string()
        .contains("image sides"));
    let mut spec = Spec::builtin().clone();
    spec.get_mut(Dialect::OPEN).unwrap().models[0]
        .duration
        .default = Some(99);
    assert!(spec
        .validate()
        .unwrap_err()
        .to_string()
        .contains("default duration"));
}

#[test]
fn unknown_keys_are_refused() {
    let text = include_str!("dialects/ark.toml").replace("callback_max_len", "callback_max_length");
    let e = Spec::builtin()
        .with_dialect_text(std::path::Path::new("x.toml"), &text)
        .unwrap_err();
    let shown = e.to_string();
    let line = 1 + text
        .lines()
        .position(|l| l.starts_with("callback_max_length"))
        .unwrap();
    assert!(shown.contains(&format!("x.toml:{line}")), "{shown}");
    assert!(shown.contains("callback_max_length"), "{shown}");
}
