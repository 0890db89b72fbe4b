//! Every request fixture gives exactly the codes `fixtures/requests/cases.toml`
//! lists, and every request-level rule has a failing and a passing fixture in
//! each dialect it applies to.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use seedance_preflight::{check_source, Code, Dialect, Options, Source};
use serde::Deserialize;

#[derive(Deserialize)]
struct Manifest {
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    file: String,
    rules: Vec<String>,
    expect: Vec<String>,
    dialect: Option<String>,
    /// Probe the media the request names (fixtures under `media/`).
    #[serde(default)]
    fetch: bool,
    #[allow(dead_code)]
    note: Option<String>,
}

fn manifest() -> Manifest {
    let text = std::fs::read_to_string(super::fixtures().join("requests/cases.toml")).unwrap();
    toml::from_str(&text).unwrap()
}

fn codes_of(case: &Case) -> Vec<String> {
    let path = super::fixtures().join("requests").join(&case.file);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let opts = Options {
        dialect: case
            .dialect
            .as_deref()
            .map(|d| d.parse::<Dialect>().unwrap()),
        fetch: case.fetch,
        ..Options::default()
    };
    let report = check_source(Source::file(&path.display().to_string()), &bytes, &opts);
    let mut codes: Vec<String> = report.findings.iter().map(|f| f.code.to_string()).collect();
    codes.sort();
    codes
}

#[test]
fn every_fixture_gives_exactly_its_codes() {
    let mut failures = Vec::new();
    for case in manifest().case {
        let got = codes_of(&case);
        if got != case.expect {
            failures.push(format!(
                "{}: expected {:?}, got {:?}",
                case.file, case.expect, got
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_fixture_file_is_listed() {
    let listed: BTreeSet<String> = manifest().case.into_iter().map(|c| c.file).collect();
    let root = super::fixtures().join("requests");
    let mut on_disk = BTreeSet::new();
    for dir in ["unified", "open", "ark", "common", "media"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            on_disk.insert(format!("{dir}/{name}"));
        }
    }
    let missing: Vec<_> = on_disk.difference(&listed).collect();
    assert!(
        missing.is_empty(),
        "fixtures not in cases.toml: {missing:?}"
    );
    let gone: Vec<_> = listed.iter().filter(|f| !root.join(f).exists()).collect();
    assert!(gone.is_empty(), "cases.toml lists missing files: {gone:?}");
}

/// The request-level codes whose fixtures must exist, and the dialect folders
/// they apply to. REQ018 needs a body above 64 MB: it is tested in memory
/// (malformed.rs) rather than committed.
fn coverage_plan() -> Vec<(Code, &'static [&'static str])> {
    const ALL: &[&str] = &["unified", "open", "ark"];
    let mut plan: Vec<(Code, &[&str])> = Code::ALL
        .iter()
        .copied()
        .filter(|c| c.family() == "REQ" && !matches!(c, Code::REQ001 | Code::REQ018))
        // A fact (REQ090) is never emitted.
        .filter(|c| !seedance_preflight::rules::FACTS.contains(c))
        .map(|c| {
            let folders: &[&str] = match c {
                // Every ark model takes every role: REQ012 cannot fire there.
                Code::REQ012 => &["unified"],
                // Codes of what only the ark dialect has (roles, prompt flags).
                Code::REQ022 | Code::REQ023 => &["ark"],
                _ => ALL,
            };
            (c, folders)
        })
        .collect();
    plan.push((Code::REQ001, &["common"]));
    for c in [Code::SRC001, Code::SRC002, Code::SRC007] {
        plan.push((c, ALL));
    }
    plan.push((Code::SRC010, &["ark"]));
    plan
}

#[test]
fn every_request_rule_has_failing_and_passing_fixtures_per_dialect() {
    // (code, folder) -> (has failing, has passing)
    let mut seen: BTreeMap<(String, String), (bool, bool)> = BTreeMap::new();
    for case in manifest().case {
        let folder = case.file.split('/').next().unwrap().to_string();
        for rule in &case.rules {
            let e = seen.entry((rule.clone(), folder.clone())).or_default();
            if case.expect.contains(rule) {
                e.0 = true;
            } else {
                e.1 = true;
            }
        }
    }
    let mut gaps = Vec::new();
    for (code, folders) in coverage_plan() {
        for folder in folders {
            let (fail, pass) = seen
                .get(&(code.to_string(), folder.to_string()))
                .copied()
                .unwrap_or_default();
            // A passing case may come from any folder of the same dialect family.
            if !fail {
                gaps.push(format!("{code} has no failing fixture in {folder}/"));
            }
            if !pass && *folder != "common" {
                gaps.push(format!("{code} has no passing fixture in {folder}/"));
            }
        }
    }
    // REQ001's passing cases are every well-formed fixture; one is listed explicitly.
    assert!(gaps.is_empty(), "\n{}", gaps.join("\n"));
    assert!(Path::new(&super::fixtures().join("requests/common/ok-bom.json")).exists());
}
