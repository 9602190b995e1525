//! Fengqiao Desk (枫桥警务台账): the core of a village police post's ledger.
//!
//! Everything a post does lives here, with no UI and no network: the domain model and its
//! rules ([`model`]), the SQLite store with its change log ([`store`]), deterministic demo
//! data ([`demo`]), sync with the county HQ ([`sync`]) and the facade the desktop app and the CLI call ([`api`]).
//!
//! The arrows point one way: `model` <- `store` <- `api` <- (`bin`, the desktop shell, HQ).

// Data from users, files and the network must never be unwrapped; tests may.
#![cfg_attr(not(test), warn(clippy::unwrap_used))]

pub mod api;
pub mod bench;
pub mod demo;
pub mod docs;
pub mod error;
pub mod model;
pub mod store;
pub mod sync;

pub use error::{Error, Result};
