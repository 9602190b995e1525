//! Fengqiao Desk (枫桥警务台账): the core of a village police post's ledger.
//!
//! Everything a post does lives here, with no UI: the domain model and its rules
//! ([`model`]), the SQLite store with its change log, one module per aggregate ([`store`]),
//! sync with the county HQ ([`sync`]), the documents and ledgers ([`docs`]), the facade the
//! desktop app, the CLI and HQ call ([`api`]), deterministic demo data ([`demo`]), and the
//! desk a program with a window holds, locked until its first login ([`desk`]).
//!
//! The arrows point one way: `model` <- `store` <- (`sync`, `docs`) <- `api` <- (`demo`,
//! `bench`, `bin`, HQ), and `desk` (over `api` and `demo`) <- (the desktop shell, `fengqiao
//! serve`), with [`error`] below them all; the test `tests/core/layering.rs` fails on an
//! import against them (ARCHITECTURE.md).

// Data from users, files and the network must never be unwrapped; tests may.
#![cfg_attr(not(test), warn(clippy::unwrap_used))]

pub mod api;
pub mod bench;
pub mod demo;
pub mod desk;
pub mod docs;
pub mod error;
pub mod model;
pub mod store;
pub mod sync;

pub use error::{Error, Result};
