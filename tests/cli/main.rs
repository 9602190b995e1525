//! The `fengqiao` binary as an officer and a script use it: real processes on temp files.
//!
//! One test binary (each links SQLCipher and the whole core); each module is one behaviour,
//! run alone with `cargo test --test cli MODULE::`.

#[path = "../common/mod.rs"]
mod common;

mod audit_crash;
mod cli;
mod docs_cli;
mod in_use;
mod security_cli;
mod sync_cli;
