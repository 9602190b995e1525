//! HQ as the county runs it: the real server on loopback (sync and enrollment from the
//! app's methods, fifty posts at once, a post killed mid-sync and HQ killed mid-sync, the
//! status page, what HQ no longer takes on trust) and the `fengqiao-hq` binary as the
//! county's admin uses it. One test binary; a server is started in the test's process
//! ([`loopback`]) or as the real binary ([`process`]), each one way.

#![allow(clippy::unwrap_used)]

mod loopback;
mod process;

mod admin_cli;
mod api_sync;
mod audit_crash;
mod enroll;
mod https;
mod killed;
mod load;
mod rekey;
mod secured;
mod trust;
mod upload;
