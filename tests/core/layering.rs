//! The arrows of ARCHITECTURE.md, enforced: every module of the core names only the layers
//! below it. `model` names no other layer (only the shared `error`); `store` names `model`;
//! `sync` and `docs` name the store and `model` but not each other or `api`; `api` names
//! anything below it; `demo` and `bench` drive the core through `api`, and `desk` through
//! both. A `crate::…` path in code (a `use` line or inline, comments aside) that points up
//! or sideways fails this test.

use std::path::{Path, PathBuf};

/// Each layer and what it may name besides itself.
const ALLOWED: &[(&str, &[&str])] = &[
    ("error", &["model"]),
    ("model", &["error"]),
    ("store", &["model", "error"]),
    ("sync", &["store", "model", "error"]),
    ("docs", &["store", "model", "error"]),
    ("api", &["sync", "docs", "store", "model", "error"]),
    ("demo", &["api", "store", "model", "error"]),
    ("bench", &["demo", "api", "store", "model", "error"]),
    ("desk", &["demo", "api", "store", "model", "error"]),
];

/// The code of `source` without its line comments (doc comments may link anywhere).
pub(crate) fn code(source: &str) -> String {
    source
        .lines()
        .map(|l| match l.find("//") {
            // `//` inside a string (a URL) is rare in this code base; a line whose code
            // starts with it is a comment.
            Some(i) if l[..i].trim().is_empty() || !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules a piece of code names through `crate::`: `crate::store::x`,
/// `crate::{model::Sex, store}` and `use crate::sync;` each count.
fn named(source: &str) -> Vec<String> {
    let code = code(source);
    let mut out = vec![];
    let mut rest = code.as_str();
    while let Some(i) = rest.find("crate::") {
        // `fengqiao::crate::` never occurs; `$crate::` (macros) is the same crate.
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut word = String::new();
            let mut at_start = true;
            for ch in group.chars() {
                match ch {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
                if depth == 1 && at_start && (ch.is_alphanumeric() || ch == '_') {
                    word.push(ch);
                    continue;
                }
                if !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
                if depth == 1 && ch == ',' {
                    at_start = true;
                } else if !ch.is_whitespace() {
                    at_start = false;
                }
            }
            if !word.is_empty() {
                out.push(word);
            }
        } else {
            let word: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            out.push(word);
        }
    }
    out
}

/// The lines of `source` (a file of `module`) that name a layer `module` may not name.
fn back_edges(module: &str, source: &str) -> Vec<String> {
    let Some((_, allowed)) = ALLOWED.iter().find(|(m, _)| *m == module) else {
        return vec![format!("{module} is not a layer of ARCHITECTURE.md: add it to ALLOWED")];
    };
    let layers: Vec<&str> = ALLOWED.iter().map(|(m, _)| *m).collect();
    named(source)
        .into_iter()
        .filter(|n| n != module && layers.contains(&n.as_str()) && !allowed.contains(&n.as_str()))
        .map(|n| format!("{module} → {n}"))
        .collect()
}

pub(crate) fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_module_imports_against_the_arrows() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![];
    rust_files(&src, &mut files);
    files.sort();
    let mut wrong = vec![];
    for f in &files {
        let rel = f.strip_prefix(&src).expect("under src");
        let first = rel.components().next().and_then(|c| c.as_os_str().to_str()).unwrap_or("");
        let module = first.trim_end_matches(".rs");
        // The crate root wires the layers together; the shells are checked by their crates.
        if module == "lib" || module == "bin" {
            continue;
        }
        let source = std::fs::read_to_string(f).expect("read");
        for edge in back_edges(module, &source) {
            wrong.push(format!("{}: {edge}", rel.display()));
        }
    }
    assert!(files.len() > 50, "found only {} files under {}", files.len(), src.display());
    assert!(wrong.is_empty(), "imports against the arrows of ARCHITECTURE.md:\n{}", wrong.join("\n"));
}

#[test]
fn a_back_edge_is_caught_however_it_is_written() {
    assert_eq!(back_edges("model", "use crate::api::Api;"), ["model → api"]);
    assert_eq!(back_edges("store", "use crate::{\n    model::Sex,\n    sync::merge,\n};"), ["store → sync"]);
    assert_eq!(back_edges("docs", "let x = crate::sync::export(conn);"), ["docs → sync"]);
    assert_eq!(back_edges("sync", "use crate::{docs, store::Tx};"), ["sync → docs"]);
    // Allowed edges, comments and the module itself pass.
    assert!(back_edges("api", "use crate::{docs::ledger, store::Store, sync};").is_empty());
    assert!(back_edges("model", "/// See [`crate::store::ledger`].\nuse crate::model::Sex; // crate::api").is_empty());
    assert_eq!(back_edges("widgets", ""), ["widgets is not a layer of ARCHITECTURE.md: add it to ALLOWED"]);
}
