//! Small text helpers every layer may use: escaping control characters
//! for terminals and CI logs, and finding lines in a TOML file's text.

/// Text with control characters escaped (`\u{1b}`, `\n` as `\u{a}`), for
/// anything printed to a terminal or a CI log: a file name holding a
/// newline cannot start a line of its own (on GitHub, a line `::error …` or
/// `::add-mask::…` is a workflow command), nor drive the terminal.
pub fn escape_controls(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The 1-based line of byte `offset` in `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The 1-based line where `key` is set, looked up in the file's text (a best
/// effort for errors found after parsing).
pub(crate) fn line_of_key(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let t = l.trim_start().trim_start_matches('"');
            t.starts_with(key)
                && t[key.len()..]
                    .trim_start()
                    .trim_start_matches('"')
                    .trim_start()
                    .starts_with('=')
        })
        .map(|i| i + 1)
}
