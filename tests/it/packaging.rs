//! The packaged entry points: the composite GitHub Action and the
//! pre-commit hook manifest, checked against their documented keys, and the
//! command each one runs accepted by the binary.

use super::cli::{run, text};

fn file(name: &str) -> String {
    std::fs::read_to_string(super::fixtures().join("..").join(name)).unwrap()
}

/// Top-level `key:` names of a small YAML document (no nesting needed).
fn top_keys(yaml: &str) -> Vec<&str> {
    yaml.lines()
        .filter(|l| !l.starts_with([' ', '#', '-']) && l.contains(':'))
        .map(|l| l.split(':').next().unwrap())
        .collect()
}

#[test]
fn action_yml_is_a_composite_action_with_the_documented_inputs() {
    let a = file("action.yml");
    let keys = top_keys(&a);
    for k in ["name", "description", "inputs", "runs"] {
        assert!(keys.contains(&k), "action.yml lacks `{k}`");
    }
    // Only keys GitHub documents for action metadata.
    for k in &keys {
        assert!(
            [
                "name",
                "author",
                "description",
                "inputs",
                "outputs",
                "runs",
                "branding"
            ]
            .contains(k),
            "unknown key `{k}`"
        );
    }
    assert!(a.contains("using: composite"));
    for input in ["  paths:", "  args:", "  sarif-file:"] {
        assert!(a.contains(input), "{input}");
    }
    assert!(
        a.contains("scripts/seedance-preflight"),
        "installs through the shared script"
    );
    let script = file("scripts/seedance-preflight");
    assert!(
        script.contains("cargo install --quiet --locked"),
        "the cargo fallback installs with --locked"
    );
    assert!(
        script.contains("--only-binary=:all:") && script.contains("seedance-preflight==$version"),
        "the wheel of the checkout's own version, never a source build"
    );
    assert!(!a.contains("|| true"), "exit 2 must not be swallowed");
    assert!(
        a.contains("default: --isolated --require-urls"),
        "untrusted checkouts by default"
    );
    // The command line it runs is one the binary accepts.
    let o = run(
        &[
            "check",
            "--output",
            "github=-",
            "--output",
            "sarif=/dev/null",
            "--isolated",
            "--require-urls",
            "fixtures/requests/unified/ok-text-to-video.json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

#[test]
fn pre_commit_hook_manifest_uses_documented_keys() {
    let m = file(".pre-commit-hooks.yaml");
    // pre-commit's documented hook keys.
    let known = [
        "id",
        "name",
        "entry",
        "language",
        "files",
        "exclude",
        "types",
        "types_or",
        "exclude_types",
        "always_run",
        "fail_fast",
        "verbose",
        "pass_filenames",
        "require_serial",
        "description",
        "language_version",
        "minimum_pre_commit_version",
        "args",
        "stages",
    ];
    let keys: Vec<&str> = m
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.trim_start_matches("- ").trim_start().split_once(':'))
        .map(|(k, _)| k)
        .collect();
    for k in &keys {
        assert!(known.contains(k), "unknown pre-commit key `{k}`");
    }
    for k in ["id", "name", "entry", "language"] {
        assert!(keys.contains(&k), "missing `{k}`");
    }
    assert!(m.contains("language: rust"), "a cargo hook stays");
    assert!(
        m.contains("entry: scripts/seedance-preflight check --quiet")
            && m.contains("language: script"),
        "the default hook runs the released wheel through the script"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let p = super::fixtures().join("../scripts/seedance-preflight");
        let mode = std::fs::metadata(p).unwrap().permissions().mode();
        assert!(
            mode & 0o111 != 0,
            "a `language: script` entry is executable"
        );
    }
    assert!(m.contains(r"files: \.(json|jsonl)$"));
    // pre-commit passes file names after the entry.
    let o = run(
        &[
            "check",
            "--quiet",
            "--no-config",
            "--no-fetch",
            "fixtures/requests/unified/ok-text-to-video.json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0));
}

/// The committed JSON Schema of `seedance-preflight.toml`
/// (`docs/seedance-preflight.schema.json`, for editors) accepts every
/// example config the tool accepts, refuses the broken ones, and lists
/// exactly the codes, names and families the tool knows.
#[test]
fn config_json_schema_matches_the_tool() {
    let schema: serde_json::Value =
        serde_json::from_str(&file("docs/seedance-preflight.schema.json")).unwrap();
    let validator = jsonschema::draft7::new(&schema).expect("the config schema compiles");
    let as_json = |toml_text: &str| -> serde_json::Value {
        serde_json::to_value(toml::from_str::<toml::Table>(toml_text).unwrap()).unwrap()
    };
    let dir = super::fixtures().join("configs");
    let mut checked = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let valid = validator.is_valid(&as_json(&std::fs::read_to_string(&path).unwrap()));
        let loads = seedance_preflight::config::load(&path).is_ok();
        match name.as_str() {
            // A misspelt key deep in a dialect's limits: the tool's own
            // check (with its line) finds it, the schema leaves limits open.
            "x-bad-limit.toml" => assert!(valid && !loads, "{name}"),
            n if n.starts_with("x-") => assert!(!valid && !loads, "{name}"),
            _ => assert!(valid && loads, "{name}"),
        }
        checked += 1;
    }
    assert!(checked >= 6);
    // The README's example and the module doc's example.
    let readme = file("README.md");
    let block = readme
        .split("```toml\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .unwrap();
    assert!(validator.is_valid(&as_json(block)), "{block}");
    // In sync with the codes.
    let keys: Vec<&str> = schema["properties"]["severity"]["propertyNames"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for c in seedance_preflight::Code::ALL {
        assert!(
            keys.contains(&c.as_str()) && keys.contains(&c.name()),
            "{c}"
        );
    }
    assert_eq!(keys.len(), 2 * seedance_preflight::Code::ALL.len() + 5);
    // What the tool refuses by name, the schema refuses too.
    for bad in [
        "fial_on = \"error\"",
        "[severity]\nREQ06 = \"error\"",
        "[severity]\nREQ004 = \"fatal\"",
    ] {
        assert!(!validator.is_valid(&as_json(bad)), "{bad}");
    }
}
