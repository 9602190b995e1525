//! The shape ARCHITECTURE.md promises a newcomer, enforced: no file of the core is longer
//! than [`MAX_LINES`] lines before its `#[cfg(test)]` module (split it by what the code is
//! about), and no code reads a row's column by a literal index above [`MAX_INDEX`] (name
//! the column, with `store::from_row!` or `r.get("name")`, so a new column cannot shift it).

use std::path::Path;

use super::layering::{code, rust_files};

/// The most lines a file may have before its unit tests.
const MAX_LINES: usize = 700;

/// The highest column index a row may be read by; past it, read by name.
const MAX_INDEX: u64 = 5;

/// The lines of `source` before its `#[cfg(test)]` module (all of them if it has none). A
/// `#[cfg(test)]` on a single statement does not count; the module's own attributes may sit
/// between it and `mod`.
fn lines_before_tests(source: &str) -> usize {
    let lines: Vec<&str> = source.lines().collect();
    (0..lines.len())
        .find(|&i| {
            lines[i].trim() == "#[cfg(test)]"
                && lines[i + 1..].iter().map(|l| l.trim()).find(|l| !l.starts_with("#[")).is_some_and(|l| {
                    l.starts_with("mod ") || l.starts_with("pub mod ") || l.starts_with("pub(crate) mod ")
                })
        })
        .unwrap_or(lines.len())
}

/// The row reads in `source` (comments aside) by a literal index above [`MAX_INDEX`], as
/// `line: text`: `.get(6)`, `.get::<_, Vec<u8>>(7)`, `.get_ref(8)`, `.get_unwrap(9)`,
/// `.get_ref_unwrap(10)`, `.get_raw(11)`, `.get_raw_checked(12)`. The core reads nothing else
/// by `.get` with a literal number (a slice or JSON array would be indexed with `[n]`).
fn positional_reads(source: &str) -> Vec<String> {
    let mut out = vec![];
    for (n, line) in code(source).lines().enumerate() {
        let mut rest = line;
        while let Some(i) = rest.find(".get") {
            rest = &rest[i + ".get".len()..];
            let mut tail = rest;
            for suffix in ["_ref_unwrap", "_raw_checked", "_ref", "_unwrap", "_raw"] {
                if let Some(t) = tail.strip_prefix(suffix) {
                    tail = t;
                    break;
                }
            }
            // A turbofish, with its own nested angle brackets (`Option<String>`).
            if let Some(t) = tail.strip_prefix("::<") {
                let mut depth = 1;
                let Some(end) = t.char_indices().find_map(|(j, c)| {
                    match c {
                        '<' => depth += 1,
                        '>' => depth -= 1,
                        _ => {}
                    }
                    (depth == 0).then_some(j)
                }) else {
                    continue;
                };
                tail = &t[end + 1..];
            }
            let Some(t) = tail.strip_prefix('(').map(str::trim_start) else { continue };
            let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
            if !digits.is_empty()
                && t[digits.len()..].trim_start().starts_with(')')
                && digits.parse::<u64>().is_ok_and(|d| d > MAX_INDEX)
            {
                out.push(format!("{}: {}", n + 1, line.trim()));
            }
        }
    }
    out
}

#[test]
fn no_file_is_too_long_and_no_row_is_read_far_by_position() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![];
    rust_files(&src, &mut files);
    files.sort();
    let mut long = vec![];
    let mut positional = vec![];
    for f in &files {
        let rel = f.strip_prefix(&src).expect("under src");
        let source = std::fs::read_to_string(f).expect("read");
        let n = lines_before_tests(&source);
        let name = rel.to_string_lossy().replace('\\', "/");
        if n > MAX_LINES {
            long.push(format!("{name}: {n} lines"));
        }
        for read in positional_reads(&source) {
            positional.push(format!("{}:{read}", rel.display()));
        }
    }
    assert!(files.len() > 50, "found only {} files under {}", files.len(), src.display());
    assert!(
        long.is_empty() && positional.is_empty(),
        "files over {MAX_LINES} lines before their #[cfg(test)] module (split them by concern):\n{}\n\
         rows read by a literal index above {MAX_INDEX} (read them by column name):\n{}",
        long.join("\n"),
        positional.join("\n"),
    );
}

#[test]
fn a_long_file_and_a_far_positional_read_are_caught_however_written() {
    let body = "fn f() {}\n".repeat(3);
    assert_eq!(lines_before_tests(&body), 3);
    assert_eq!(lines_before_tests(&format!("{body}#[cfg(test)]\nmod tests {{\n}}\n")), 3);
    assert_eq!(lines_before_tests(&format!("{body}#[cfg(test)]\n#[allow(unused)]\npub(crate) mod tests;\n")), 3);
    // A test-only statement is not the test module.
    assert_eq!(lines_before_tests("let x = 1;\n#[cfg(test)]\nx += 1;\nlet y = 2;\n"), 4);

    assert_eq!(positional_reads("Ok((r.get(0)?, r.get(6)?))"), ["1: Ok((r.get(0)?, r.get(6)?))"]);
    assert_eq!(positional_reads("\n  r.get::<_, Option<Vec<u8>>>(12)?,"), ["2: r.get::<_, Option<Vec<u8>>>(12)?,"]);
    assert_eq!(positional_reads("row.get_ref(7)?"), ["1: row.get_ref(7)?"]);
    assert_eq!(positional_reads("row.get_unwrap(10)"), ["1: row.get_unwrap(10)"]);
    assert_eq!(positional_reads("row.get_raw_checked( 9 )"), ["1: row.get_raw_checked( 9 )"]);
    // Up to the limit, by name, by a variable, and in comments pass.
    assert!(positional_reads("r.get(5)?; r.get::<_, String>(0)?; r.get(\"decided_at\")?; r.get(i)?").is_empty());
    assert!(positional_reads("// r.get(6)\n/// `r.get(7)`\nr.get(1)?; // was r.get(8)").is_empty());
    assert!(positional_reads("map.get(&6); r.get(6 + i)").is_empty());
}
