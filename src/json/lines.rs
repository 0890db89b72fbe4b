//! Byte offsets to lines and columns, and JSON pointers.

/// Line and column (1-based; the column counts Unicode scalar values, so a
/// CJK character is one column, and a byte-order mark is none) of many byte
/// offsets, in one forward pass over the text (per-offset lookups would
/// rescan a long line once per finding).
pub fn line_cols(text: &[u8], offsets: &[usize]) -> Vec<(usize, usize)> {
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_by_key(|&i| offsets[i]);
    let mut out = vec![(1, 1); offsets.len()];
    let bom = text.starts_with(b"\xEF\xBB\xBF");
    let (mut pos, mut line, mut col) = (0usize, 1usize, 1usize);
    for i in order {
        let target = offsets[i].min(text.len());
        while pos < target {
            let b = text[pos];
            if b == b'\n' {
                line += 1;
                col = 1;
            } else if b & 0xC0 != 0x80 && !(bom && pos == 0) {
                col += 1;
            }
            pos += 1;
        }
        out[i] = (line, col);
    }
    out
}

/// The JSON pointer of member `key` of the value at `parent` (RFC 6901:
/// `~` and `/` in the key are escaped as `~0` and `~1`).
pub fn child_pointer(parent: &str, key: &str) -> String {
    let mut out = String::with_capacity(parent.len() + 1 + key.len());
    out.push_str(parent);
    out.push('/');
    for c in key.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}
