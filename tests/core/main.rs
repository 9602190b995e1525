//! Everything a post does, through the api on real database files: people and households,
//! disputes, errands, incidents, prevention, the lists, the change log, security (the key
//! changed when a user leaves, the process killed after each step), the file gate, the
//! documents (PDFs read back with pdftotext, ledgers with calamine), demo data, and the
//! layering and shape of the source.
//!
//! One test binary (each links SQLCipher and the whole core); each module is one behaviour,
//! run alone with `cargo test --test core MODULE::`.

#[path = "../common/mod.rs"]
mod common;

mod attachment;
mod award;
mod care;
mod change_log;
mod counsel;
mod demo;
mod desk;
mod dispute;
mod dispute_walk;
mod docs_import;
mod docs_ledgers;
mod docs_pdf;
mod errand;
mod files;
mod incident;
mod layering;
mod lists;
mod people;
mod prevention;
mod rotate;
mod security;
mod service_station;
mod shape;
mod warning;
