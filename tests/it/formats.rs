//! SARIF against the official SARIF 2.1.0 schema, JUnit parsed as XML with
//! counts that match the JSON summary, GitHub lines against the
//! workflow-command grammar, and every format pinned byte for byte.

use std::path::PathBuf;

use regex::Regex;
use seedance_preflight::report::{render, OutputFormat};
use seedance_preflight::{check_documents, input, Code, Options, Report};

/// Every failing request fixture of both dialects, and the media ones.
fn failing_report() -> Report {
    let root = super::fixtures().join("requests");
    let mut paths: Vec<String> = Vec::new();
    for dir in ["unified", "open", "common", "media"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        paths.extend(
            files
                .into_iter()
                .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("x-"))
                .map(|p| p.display().to_string()),
        );
    }
    let (docs, errors) = input::expand(&paths, &mut std::io::empty());
    assert!(errors.is_empty());
    // Media requests are probed; placeholder URLs are never requested.
    check_documents(&docs, &Options::default())
}

fn rendered(report: &Report, format: OutputFormat) -> String {
    let mut out = Vec::new();
    render(report, format, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let report = failing_report();
    let sarif: serde_json::Value =
        serde_json::from_str(&rendered(&report, OutputFormat::Sarif)).unwrap();
    let schema_path = super::fixtures().join("schemas/sarif-schema-2.1.0.json");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&schema_path).expect("the vendored SARIF schema"),
    )
    .unwrap();
    let validator = jsonschema::draft4::new(&schema).expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));

    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), Code::ALL.len());
    assert!(
        rules
            .iter()
            .all(|r| !r["help"]["text"].as_str().unwrap().is_empty()),
        "every rule has help"
    );
    let results = run["results"].as_array().unwrap();
    let findings: usize = report.requests.iter().map(|r| r.findings.len()).sum();
    assert_eq!(results.len(), findings);
    for res in results {
        let id = res["ruleId"].as_str().unwrap();
        assert_eq!(rules[res["ruleIndex"].as_u64().unwrap() as usize]["id"], id);
    }
    let req006 = results.iter().find(|r| r["ruleId"] == "REQ006").unwrap();
    let loc = &req006["locations"][0];
    assert!(
        loc["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .unwrap()
            >= 1
    );
    assert_eq!(
        loc["logicalLocations"][0]["fullyQualifiedName"],
        "/duration"
    );
}

#[test]
fn junit_parses_and_its_counts_match_the_json_summary() {
    let report = failing_report();
    let xml = rendered(&report, OutputFormat::Junit);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let summary = report.summary();
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), summary.requests);
    let failures = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .count();
    assert_eq!(failures, summary.errors);
    assert_eq!(
        root.attribute("failures")
            .unwrap()
            .parse::<usize>()
            .unwrap(),
        summary.errors
    );
    let cases = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .count();
    assert_eq!(
        root.attribute("tests").unwrap().parse::<usize>().unwrap(),
        cases
    );
    for s in &suites {
        let f = s
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .filter(|c| c.children().any(|x| x.has_tag_name("failure")))
            .count();
        assert_eq!(
            s.attribute("failures").unwrap().parse::<usize>().unwrap(),
            f
        );
    }
    // A clean request is one passing case.
    let ok = super::fixtures()
        .join("requests/unified/ok-text-to-video.json")
        .display()
        .to_string();
    let (docs, _) = input::expand(&[ok], &mut std::io::empty());
    let clean = rendered(
        &check_documents(&docs, &Options::default()),
        OutputFormat::Junit,
    );
    let doc = roxmltree::Document::parse(&clean).unwrap();
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .count(),
        1
    );
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("failure"))
            .count(),
        0
    );
}

#[test]
fn github_lines_follow_the_workflow_command_grammar() {
    let report = failing_report();
    let out = rendered(&report, OutputFormat::Github);
    let prop = r"[a-z]+=[^,:\r\n]*";
    let grammar = Regex::new(&format!(
        r"^::(error|warning|notice)( {prop}(,{prop})*)?::[^\r\n]*$"
    ))
    .unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines.len(),
        report
            .requests
            .iter()
            .map(|r| r.findings.len())
            .sum::<usize>()
            + 1
    );
    for l in &lines {
        assert!(grammar.is_match(l), "not a workflow command: {l}");
    }
    let s = report.summary();
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("::error ")).count(),
        s.errors
    );
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("::warning ")).count(),
        s.warnings
    );
    // Multi-line messages are escaped, never split.
    assert!(out.contains("%0Afix: "));
}

/// JSON, SARIF and GitHub annotations are written request by request as the
/// run goes, across the command's chunks of 4,096 documents, and are the
/// same bytes as the whole report rendered at once; a run with no request
/// gives the empty document.
#[test]
fn streamed_outputs_across_chunks_equal_the_whole_render() {
    let dir = std::env::temp_dir().join(format!("sp-stream-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let many = dir.join("many.jsonl");
    let empty = dir.join("empty.jsonl");
    // 5,000 requests (two chunks): failing and passing ones, some with
    // findings that carry request-text fixes (SARIF `fixes`).
    let mut lines = String::new();
    for i in 0..5000 {
        lines.push_str(&match i % 3 {
            0 => "{}\n".to_string(),
            1 => format!(
                r#"{{"model": "seedance-2.0-text-to-video", "prompt": "shot {i}", "duration": 16}}"#
            ) + "\n",
            _ => format!(r#"{{"model": "seedance-2.0-text-to-video", "prompt": "shot {i}"}}"#)
                + "\n",
        });
    }
    std::fs::write(&many, lines).unwrap();
    std::fs::write(&empty, "").unwrap();
    for path in [&many, &empty] {
        let p = path.display().to_string();
        let (docs, errors) = input::expand(std::slice::from_ref(&p), &mut std::io::empty());
        assert!(errors.is_empty());
        let whole = check_documents(&docs, &Options::default());
        for (name, format) in [
            ("json", OutputFormat::Json),
            ("sarif", OutputFormat::Sarif),
            ("github", OutputFormat::Github),
        ] {
            let o = super::cli::run(&["check", "--no-config", "--format", name, &p], None);
            assert_eq!(
                o.status.code(),
                Some(if docs.is_empty() { 0 } else { 1 }),
                "{name}"
            );
            let streamed = super::cli::text(&o.stdout);
            assert!(
                streamed == rendered(&whole, format),
                "{name} of {p}: the streamed output differs from the whole render"
            );
            if name == "json" {
                let v: serde_json::Value = serde_json::from_str(&streamed).unwrap();
                assert_eq!(v["requests"].as_array().unwrap().len(), docs.len());
                assert_eq!(v["summary"]["requests"], docs.len());
            }
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
