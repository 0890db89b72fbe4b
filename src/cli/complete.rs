//! `completions SHELL`. Bash works around clap_complete's bug with a
//! hyphenated binary name (its `case` labels and its `cmd` values disagree,
//! so no subcommand option ever completes): the script is generated for a
//! hyphen-free name and the registration rewritten to the real one. Bash
//! also completes rule codes, names and families after `--allow`, `--warn`
//! and `--deny`, and after `explain`.

use clap::CommandFactory;

use super::args::Cli;
use seedance_preflight::Code;

/// The binary's name.
const BIN: &str = "seedance-preflight";
/// The name the bash script is generated for.
const BASH_NAME: &str = "seedance_preflight";

/// The completion script for `shell`.
pub(super) fn script(shell: clap_complete::Shell) -> String {
    let mut out = Vec::new();
    if shell != clap_complete::Shell::Bash {
        clap_complete::generate(shell, &mut Cli::command(), BIN, &mut out);
        return String::from_utf8_lossy(&out).into_owned();
    }
    clap_complete::generate(shell, &mut Cli::command(), BASH_NAME, &mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let words: Vec<&str> = Code::ALL
        .iter()
        .flat_map(|c| [c.as_str(), c.name()])
        .chain(["REQ", "SRC", "IMG", "VID", "AUD"])
        .collect();
    let words = words.join(" ");
    let mut lines: Vec<String> = Vec::new();
    let mut code_flag = false;
    let mut in_explain = false;
    for line in text.lines() {
        let t = line.trim();
        if t.ends_with(')') && !t.starts_with('-') && t.contains("__subcmd__") {
            in_explain = t == format!("{BASH_NAME}__subcmd__explain)");
        }
        if matches!(t, "--allow)" | "--warn)" | "--deny)") {
            code_flag = true;
        } else if code_flag && t.starts_with("COMPREPLY=") {
            let indent = &line[..line.len() - line.trim_start().len()];
            lines.push(format!(
                "{indent}COMPREPLY=($(compgen -W \"{words}\" -- \"${{cur}}\"))"
            ));
            code_flag = false;
            continue;
        }
        if in_explain && t.starts_with("opts=\"") && t.ends_with('"') {
            // `explain` takes a code or a name.
            lines.push(format!("{} {words}\"", &line[..line.len() - 1]));
            in_explain = false;
            continue;
        }
        // Registered for the real name.
        if t.starts_with("complete ") && t.ends_with(&format!(" {BASH_NAME}")) {
            let cut = line.len() - BASH_NAME.len();
            lines.push(format!("{}{BIN}", &line[..cut]));
            continue;
        }
        lines.push(line.to_string());
    }
    lines.join("\n") + "\n"
}
