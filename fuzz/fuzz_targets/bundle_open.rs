//! Fuzz target: the bundle decoder on arbitrary bytes. Whatever comes in, `open` must return
//! (an error, almost always) without panicking, hanging or allocating without bound.

#![no_main]

use std::sync::OnceLock;

use fengqiao::sync::bundle;
use fengqiao::sync::keys::{self, NodeKeys, PublicKeys};
use libfuzzer_sys::fuzz_target;

fn keys() -> &'static (NodeKeys, PublicKeys) {
    static KEYS: OnceLock<(NodeKeys, PublicKeys)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let conn = rusqlite::Connection::open_in_memory().expect("in-memory database");
        conn.execute_batch(
            "CREATE TABLE node_key (purpose TEXT PRIMARY KEY, secret BLOB NOT NULL, public BLOB NOT NULL)",
        )
        .expect("key table");
        let mine = keys::load_or_create(&conn).expect("keys");
        let sender = mine.public();
        (mine, sender)
    })
}

fuzz_target!(|data: &[u8]| {
    let _ = bundle::read_header(data);
    let (mine, sender) = keys();
    let me = uuid::Uuid::from_u128(2);
    let _ = bundle::open(data, me, mine, |_| Some(sender.clone()));
});
