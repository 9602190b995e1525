//! Sync between nodes through real bundle bytes and database files: the flows, convergence
//! as a property, atomicity under SIGKILL of a child import, and a disk that fills up.
//!
//! One test binary (each links SQLCipher and the whole core); each module is one behaviour,
//! run alone with `cargo test --test sync MODULE::`.

#[path = "../common/mod.rs"]
mod common;

mod convergence;
mod county;
mod crash;
mod disk_full;
mod restore;
mod sync;
mod village;
