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
        a.contains("cargo install --locked"),
        "installs with --locked"
    );
    assert!(!a.contains("|| true"), "exit 2 must not be swallowed");
    // The command line it runs is one the binary accepts.
    let o = run(
        &[
            "check",
            "--output",
            "github=-",
            "--output",
            "sarif=/dev/null",
            "--require-urls",
            "--no-config",
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
        .filter_map(|l| l.trim_start_matches("- ").trim_start().split_once(':'))
        .map(|(k, _)| k)
        .collect();
    for k in &keys {
        assert!(known.contains(k), "unknown pre-commit key `{k}`");
    }
    for k in ["id", "name", "entry", "language"] {
        assert!(keys.contains(&k), "missing `{k}`");
    }
    assert!(m.contains("language: rust"));
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
