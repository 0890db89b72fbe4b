//! The library's module order (docs/architecture.md, "Layers"): a module
//! uses only modules of its own layer or below; two files of one folder
//! never import each other round a cycle; every module has a layer.
//! Read from the sources, so a new upward import fails here.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The layers, bottom first: the ```text block after "## Layers", each
/// line's words before the `—`.
fn layers(doc: &str) -> Vec<Vec<String>> {
    let section = doc
        .split("## Layers")
        .nth(1)
        .expect("docs/architecture.md has a Layers section");
    let block = section
        .split("```text")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("the Layers section has a text block");
    block
        .lines()
        .map(|l| l.split('—').next().unwrap_or(""))
        .map(|l| l.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .filter(|l| !l.is_empty())
        .collect()
}

/// The crate root's re-exports: item name → module (`Options` → `options`).
fn root_items(lib: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let text = lib.replace('\n', " ");
    for stmt in text.split(';') {
        let Some(rest) = stmt.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, items)) = rest.split_once("::") else {
            continue;
        };
        for item in items
            .trim_matches(|c| c == '{' || c == '}' || c == ' ')
            .split(',')
        {
            let name = item.rsplit(" as ").next().unwrap_or("").trim();
            let name = name.rsplit("::").next().unwrap_or("").trim();
            if !name.is_empty() {
                out.insert(name.to_string(), module.trim().to_string());
            }
        }
    }
    out
}

/// The text of a file without its test module and comments.
fn code(text: &str) -> String {
    let end = [
        "#[cfg(test)]\nmod tests",
        "#[cfg(all(test, unix))]\nmod tests",
    ]
    .iter()
    .filter_map(|m| text.find(m))
    .min()
    .unwrap_or(text.len());
    text[..end]
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The names a file reaches through `prefix` (`crate::`, `super::`): after
/// `prefix` directly, and the first name of each item of a `prefix{…}`
/// group.
fn reached(code: &str, prefix: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        // `super::super::` and `crate::` after another path are not ours.
        let before = &rest[..i];
        rest = &rest[i + prefix.len()..];
        if before.ends_with("::") || before.ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                if depth == 0 || (depth == 1 && c == ',') {
                    let name: String = item
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() {
                        out.insert(name);
                    }
                    item.clear();
                    if depth == 0 {
                        break;
                    }
                } else if depth == 1 {
                    item.push(c);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// Every `.rs` file under `dir`.
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// What breaks the order: upward imports, folder cycles, modules with no
/// layer. `sources` are (path relative to `src/`, text).
fn violations(
    sources: &[(String, String)],
    layers: &[Vec<String>],
    items: &HashMap<String, String>,
) -> Vec<String> {
    let layer_of: HashMap<&str, usize> = layers
        .iter()
        .enumerate()
        .flat_map(|(i, l)| l.iter().map(move |m| (m.as_str(), i)))
        .collect();
    let mut bad = Vec::new();
    // file → the sibling files it names through `super::`, per folder.
    let mut siblings: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    let mut modules = BTreeSet::new();
    for (rel, text) in sources {
        let parts: Vec<&str> = rel.split('/').collect();
        let top = parts[0].trim_end_matches(".rs");
        if matches!(top, "lib" | "main") {
            continue;
        }
        let code = code(text);
        // The command line is the binary's: the public API only, no layer;
        // its folder is held to no cycles like the rest.
        let mine = match top {
            "cli" => None,
            _ => {
                modules.insert(top.to_string());
                layer_of.get(top).copied()
            }
        };
        if let Some(mine) = mine {
            for name in reached(&code, "crate::") {
                let module = items.get(&name).cloned().unwrap_or(name);
                match layer_of.get(module.as_str()) {
                    Some(&theirs) if theirs > mine => bad.push(format!(
                        "{rel}: `{top}` (layer {mine}) uses `{module}` (layer {theirs}, above it)"
                    )),
                    _ => {}
                }
            }
        }
        // Files of one folder (not its mod.rs, which owns them).
        if parts.len() > 1 && !rel.ends_with("mod.rs") {
            let folder = parts[..parts.len() - 1].join("/");
            let file = parts[parts.len() - 1].trim_end_matches(".rs").to_string();
            siblings
                .entry(folder)
                .or_default()
                .insert(file, reached(&code, "super::"));
        }
    }
    for m in &modules {
        if !layer_of.contains_key(m.as_str()) {
            bad.push(format!("module `{m}` is on no line of the Layers block"));
        }
    }
    for (folder, graph) in &siblings {
        // A cycle: a file that reaches itself through its siblings.
        for start in graph.keys() {
            let mut seen = BTreeSet::new();
            let mut stack: Vec<&String> = graph[start].iter().collect();
            while let Some(f) = stack.pop() {
                if f == start {
                    bad.push(format!("{folder}/: `{start}` imports itself round a cycle"));
                    break;
                }
                if seen.insert(f.clone()) {
                    if let Some(next) = graph.get(f) {
                        stack.extend(next.iter());
                    }
                }
            }
        }
    }
    bad
}

#[test]
fn every_module_uses_only_its_layer_and_below_and_no_folder_has_a_cycle() {
    let root = root();
    let doc = std::fs::read_to_string(root.join("docs/architecture.md")).unwrap();
    let layers = layers(&doc);
    assert!(layers.len() > 10, "{layers:?}");
    let lib = std::fs::read_to_string(root.join("src/lib.rs")).unwrap();
    let items = root_items(&lib);
    assert_eq!(items.get("Options").map(String::as_str), Some("options"));
    let mut paths = Vec::new();
    files(&root.join("src"), &mut paths);
    let sources: Vec<(String, String)> = paths
        .iter()
        .map(|p| {
            let rel = p.strip_prefix(root.join("src")).unwrap();
            (
                rel.to_string_lossy().replace('\\', "/"),
                std::fs::read_to_string(p).unwrap(),
            )
        })
        .collect();
    assert!(sources.len() > 100);
    let bad = violations(&sources, &layers, &items);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// The checker finds what it is for: an upward import (also through a
/// root re-export and a `use crate::{…}` group), a cycle of two files, and
/// a module with no layer.
#[test]
fn the_checker_sees_an_upward_import_a_cycle_and_a_module_with_no_layer() {
    let layers = vec![vec!["low".to_string()], vec!["high".to_string()]];
    let items = HashMap::from([("High".to_string(), "high".to_string())]);
    let src = |rel: &str, text: &str| (rel.to_string(), text.to_string());
    let clean = [
        src("high/mod.rs", "use crate::low::X;"),
        src("low/a.rs", "use super::b::Y;\n// crate::high in a comment"),
        src("low/b.rs", "fn f() {}"),
    ];
    assert!(violations(&clean, &layers, &items).is_empty());
    for (sources, want) in [
        (
            vec![src("low/mod.rs", "use crate::high::Z;")],
            "uses `high`",
        ),
        (
            vec![src("low/mod.rs", "use crate::{json, High};")],
            "uses `high`",
        ),
        (
            vec![
                src("low/a.rs", "use super::b::Y;"),
                src("low/b.rs", "use super::{a::X, c};"),
            ],
            "round a cycle",
        ),
        (vec![src("middle.rs", "")], "on no line"),
    ] {
        let bad = violations(&sources, &layers, &items);
        assert!(bad.iter().any(|b| b.contains(want)), "{want}: {bad:?}");
    }
}

/// Each code is named (`Code::…`) by exactly one file of `src/rules/` —
/// the unit's, which builds its findings (directly or through the media
/// units' shared helpers, which take the code from it): a code leads to the
/// one place that emits it. The tables that list every code (registry,
/// default severities, remedies, docs) are not units.
#[test]
fn each_code_is_built_in_one_rules_file() {
    let mut paths = Vec::new();
    files(&root().join("src/rules"), &mut paths);
    let tables = [
        "registry.rs",
        "severity.rs",
        "remedy.rs",
        "docs.rs",
        "mod.rs",
    ];
    let mut built: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in &paths {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if tables.contains(&name.as_str()) {
            continue;
        }
        let text = code(&std::fs::read_to_string(p).unwrap());
        for (i, _) in text.match_indices("Code::") {
            let code: String = text[i + "Code::".len()..]
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            built.entry(code).or_default().insert(name.clone());
        }
    }
    assert!(built.len() > 50, "{built:?}");
    let spread: Vec<String> = built
        .iter()
        .filter(|(_, files)| files.len() > 1)
        .map(|(c, files)| format!("{c}: {files:?}"))
        .collect();
    assert!(spread.is_empty(), "built in several files: {spread:?}");
}

/// One rule unit is one file: `src/rules/<id>.rs` (dashes as underscores)
/// holds its `check`, and the registry runs exactly that.
#[test]
fn each_rule_unit_is_one_file_named_after_it() {
    let registry = std::fs::read_to_string(root().join("src/rules/registry.rs")).unwrap();
    for r in seedance_preflight::rules::RULES {
        let file = r.id.replace('-', "_");
        let path = root().join("src/rules").join(format!("{file}.rs"));
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("unit `{}` has no file {}", r.id, path.display()));
        assert!(
            text.contains("pub(super) fn check("),
            "{file}.rs has no `check`"
        );
        assert!(
            registry.contains(&format!("check: {file}::check,")),
            "the registry does not run {file}::check for `{}`",
            r.id
        );
    }
}
