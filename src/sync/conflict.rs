//! The conflict log (the local `conflict` table): a value a concurrent write displaced is
//! kept here by the merge ([`crate::model::merge`]), listed for the user, and restored as an
//! ordinary local write.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::time::stamp;
use crate::store::from_row;
use crate::store::write::json_value;
use crate::store::{SYNCED_TABLES, Store};

/// One logged conflict.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Conflict {
    /// Its number.
    pub id: i64,
    /// The table.
    pub tbl: String,
    /// The row.
    pub row_id: String,
    /// The column.
    pub col: String,
    /// The value that lost (JSON).
    pub loser_value: serde_json::Value,
    /// Its clock.
    pub loser_hlc: String,
    /// The node that wrote it.
    pub loser_origin: String,
    /// The value kept (JSON).
    pub winner_value: serde_json::Value,
    /// Its clock.
    pub winner_hlc: String,
    /// The node that wrote it.
    pub winner_origin: String,
    /// When this node noticed.
    pub detected_at: String,
    /// When a user restored the loser or dismissed it.
    pub resolved_at: Option<String>,
}

/// The conflict log, newest first; resolved ones only when asked.
pub fn conflicts(conn: &Connection, include_resolved: bool) -> Result<Vec<Conflict>> {
    let mut stmt = conn.prepare(
        "SELECT id, tbl, row_id, col, loser_value, loser_hlc, loser_origin, winner_value, winner_hlc,
                winner_origin, detected_at, resolved_at
         FROM conflict WHERE ?1 OR resolved_at IS NULL ORDER BY id DESC",
    )?;
    let json = |s: String| serde_json::from_str(&s).unwrap_or(serde_json::Value::String(s));
    let rows = stmt.query_map([include_resolved], |r| {
        Ok(from_row!(r => Conflict {
            id, tbl, row_id, col, loser_hlc, loser_origin, winner_hlc, winner_origin, detected_at, resolved_at,
            loser_value: json(r.get("loser_value")?),
            winner_value: json(r.get("winner_value")?),
        }))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Restores a conflict's losing value: a normal local write with a new clock, so it wins
/// everywhere once synced. Returns the conflict as it now stands.
pub fn restore(store: &mut Store, id: i64) -> Result<Conflict> {
    store.write(|tx| {
        let row: Option<(String, String, String, String)> = tx
            .conn()
            .query_row("SELECT tbl, row_id, col, loser_value FROM conflict WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        let (tbl, row_id, col, value) = row.ok_or_else(|| Error::not_found("冲突记录", &id.to_string()))?;
        let table =
            SYNCED_TABLES.iter().find(|t| **t == tbl).ok_or_else(|| Error::rule(format!("“{tbl}”不是同步数据表")))?;
        tx.update(table, &row_id, &[(col.as_str(), json_value(&value)?)])?;
        tx.conn().execute("UPDATE conflict SET resolved_at = ?1 WHERE id = ?2", params![stamp(tx.now()), id])?;
        Ok(())
    })?;
    conflicts(store.conn(), true)?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| Error::not_found("冲突记录", &id.to_string()))
}
