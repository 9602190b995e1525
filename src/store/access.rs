//! Reads the permission layer needs to decide whether a call is allowed, kept apart from
//! the aggregates' own modules so that those stay theirs.

use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;
use crate::model::Track;

/// Whether the dispute `id` is on the 治安调解 track (false if there is no such dispute:
/// the method itself then reports it missing).
pub fn is_security_track(conn: &Connection, id: &str) -> Result<bool> {
    let track: Option<Track> =
        conn.query_row("SELECT track FROM dispute WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    Ok(track == Some(Track::Security))
}
