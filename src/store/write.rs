//! The one write path to synced tables.
//!
//! [`Tx::insert`], [`Tx::update`] and [`Tx::delete`] write a row and, in the same
//! transaction, for every column whose value they set: one `change_log` entry
//! (origin node, origin seq, HLC, table, row id, column, JSON value) and the column's clock
//! in `column_clock`. Each row write gets its own HLC tick. Search indexes of touched
//! persons and households are refreshed before commit.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, Transaction, params_from_iter};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::model::Hlc;
use crate::model::time::{Clock, beijing};
use crate::store::{SYNCED_TABLES, get_meta, search, set_meta};

/// How new row ids are made.
#[derive(Debug, Clone)]
pub enum IdGen {
    /// UUIDv7 with random bits: normal use.
    Random,
    /// UUIDv7 whose random bits come from a seeded generator, for reproducible demo data.
    Seeded(u64),
}

impl IdGen {
    fn next(&mut self, now: DateTime<Utc>) -> Uuid {
        match self {
            IdGen::Random => Uuid::now_v7(),
            IdGen::Seeded(state) => {
                let mut bytes = [0u8; 10];
                for chunk in bytes.chunks_mut(8) {
                    let r = splitmix64(state).to_le_bytes();
                    chunk.copy_from_slice(&r[..chunk.len()]);
                }
                let ms = now.timestamp_millis().max(0) as u64;
                uuid::Builder::from_unix_timestamp_millis(ms, &bytes).into_uuid()
            }
        }
    }
}

/// SplitMix64: a tiny, well-known generator, enough for ids and demo data.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The columns of each synced table, read from the schema at open: column names in SQL
/// are only ever taken from here, never from input.
#[derive(Debug, Default)]
pub struct Columns(HashMap<&'static str, Vec<String>>);

impl Columns {
    pub(crate) fn load(conn: &Connection) -> Result<Columns> {
        let mut map = HashMap::new();
        for t in SYNCED_TABLES {
            let mut stmt = conn.prepare(&format!("PRAGMA table_info({t})"))?;
            let cols = stmt.query_map([], |r| r.get::<_, String>(1))?.collect::<rusqlite::Result<Vec<_>>>()?;
            map.insert(*t, cols);
        }
        Ok(Columns(map))
    }

    /// The columns of `table`, `id` first.
    pub fn of(&self, table: &str) -> Option<&[String]> {
        self.0.get(table).map(Vec::as_slice)
    }

    fn check(&self, table: &str, cols: &[(&str, Value)]) -> Result<()> {
        let known = self.of(table).ok_or_else(|| Error::rule(format!("“{table}”不是同步数据表")))?;
        for (c, _) in cols {
            if *c == "id" || !known.iter().any(|k| k == c) {
                return Err(Error::rule(format!("数据表“{table}”没有可写的列“{c}”")));
            }
        }
        Ok(())
    }
}

/// A write transaction. Reads go through [`Tx::conn`]; writes to synced tables only
/// through the methods below.
pub struct Tx<'s> {
    tx: Transaction<'s>,
    node: Uuid,
    last: Hlc,
    seq: i64,
    now: DateTime<Utc>,
    ids: &'s mut IdGen,
    columns: &'s Columns,
    touched: BTreeSet<(&'static str, String)>,
}

impl<'s> Tx<'s> {
    pub(crate) fn begin(
        tx: Transaction<'s>,
        node: Uuid,
        clock: &dyn Clock,
        ids: &'s mut IdGen,
        columns: &'s Columns,
    ) -> Result<Tx<'s>> {
        let last = match get_meta(&tx, "hlc")? {
            Some(s) => s.parse().map_err(|e: crate::model::hlc::BadHlc| Error::rule(e.to_string()))?,
            None => Hlc::GENESIS,
        };
        let seq = get_meta(&tx, "seq")?.and_then(|s| s.parse().ok()).unwrap_or(0);
        let now = clock.now();
        Ok(Tx { tx, node, last, seq, now, ids, columns, touched: BTreeSet::new() })
    }

    /// The connection inside the transaction, for reads (and for local, unsynced tables).
    pub fn conn(&self) -> &Connection {
        &self.tx
    }

    /// The instant this transaction runs at.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// Today's date in Beijing.
    pub fn today(&self) -> NaiveDate {
        self.now.with_timezone(&beijing()).date_naive()
    }

    /// This node.
    pub fn node(&self) -> Uuid {
        self.node
    }

    /// A fresh row id (UUIDv7).
    pub fn new_id(&mut self) -> String {
        self.ids.next(self.now).to_string()
    }

    fn tick(&mut self) -> Hlc {
        let ms = self.now.timestamp_millis().max(0) as u64;
        self.last = Hlc::tick(self.last, ms, self.node);
        self.last
    }

    /// Inserts a new row with `cols` (other columns take their defaults).
    pub fn insert(&mut self, table: &'static str, id: &str, cols: &[(&'static str, Value)]) -> Result<()> {
        let hlc = self.tick();
        self.insert_stamped(table, id, cols, hlc)
    }

    /// Inserts with a given stamp: [`Hlc::GENESIS`] for reference data seeded alike on
    /// every node.
    pub(crate) fn insert_stamped(
        &mut self,
        table: &'static str,
        id: &str,
        cols: &[(&'static str, Value)],
        hlc: Hlc,
    ) -> Result<()> {
        self.columns.check(table, cols)?;
        let names: Vec<&str> = cols.iter().map(|(c, _)| *c).collect();
        let marks = vec!["?"; cols.len() + 1].join(", ");
        let sql = format!("INSERT INTO {table} (id, {}) VALUES ({marks})", names.join(", "));
        let values = std::iter::once(Value::Text(id.to_owned())).chain(cols.iter().map(|(_, v)| v.clone()));
        self.tx.prepare_cached(&sql)?.execute(params_from_iter(values))?;
        for (c, v) in cols {
            if *v != Value::Null {
                self.record(table, id, c, v, hlc)?;
            }
        }
        self.touch(table, id);
        Ok(())
    }

    /// Sets `cols` on an existing row. Only columns whose value changes are written and
    /// logged; returns how many changed. A missing row is `NotFound`.
    pub fn update(&mut self, table: &'static str, id: &str, cols: &[(&'static str, Value)]) -> Result<usize> {
        self.columns.check(table, cols)?;
        let names: Vec<&str> = cols.iter().map(|(c, _)| *c).collect();
        let sql = format!("SELECT {} FROM {table} WHERE id = ?1", names.join(", "));
        let current: Option<Vec<Value>> = {
            let mut stmt = self.tx.prepare_cached(&sql)?;
            let mut rows = stmt.query([id])?;
            match rows.next()? {
                Some(r) => Some((0..cols.len()).map(|i| r.get::<_, Value>(i)).collect::<rusqlite::Result<_>>()?),
                None => None,
            }
        };
        let current = current.ok_or_else(|| Error::not_found("记录", id))?;
        let changed: Vec<&(&'static str, Value)> =
            cols.iter().zip(current).filter(|((_, new), old)| !same(new, old)).map(|(c, _)| c).collect();
        if changed.is_empty() {
            return Ok(0);
        }
        let hlc = self.tick();
        let sets: Vec<String> = changed.iter().map(|(c, _)| format!("{c} = ?")).collect();
        let sql = format!("UPDATE {table} SET {} WHERE id = ?", sets.join(", "));
        let values = changed.iter().map(|(_, v)| v.clone()).chain(std::iter::once(Value::Text(id.to_owned())));
        self.tx.prepare_cached(&sql)?.execute(params_from_iter(values))?;
        for (c, v) in &changed {
            self.record(table, id, c, v, hlc)?;
        }
        self.touch(table, id);
        Ok(changed.len())
    }

    /// Marks a row deleted (a write like any other, so it syncs and can be undone).
    pub fn delete(&mut self, table: &'static str, id: &str) -> Result<()> {
        let now = crate::model::time::stamp(self.now);
        self.update(table, id, &[("deleted_at", Value::Text(now))])?;
        Ok(())
    }

    /// Clears `deleted_at`.
    pub fn undelete(&mut self, table: &'static str, id: &str) -> Result<()> {
        self.update(table, id, &[("deleted_at", Value::Null)])?;
        Ok(())
    }

    fn record(&mut self, table: &str, id: &str, col: &str, value: &Value, hlc: Hlc) -> Result<()> {
        self.seq += 1;
        let hlc_text = hlc.to_string();
        self.tx
            .prepare_cached(
                "INSERT INTO change_log (origin, origin_seq, hlc, tbl, row_id, col, value)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(rusqlite::params![
                self.node.to_string(),
                self.seq,
                hlc_text,
                table,
                id,
                col,
                value_json(value)?
            ])?;
        self.tx
            .prepare_cached(
                "INSERT INTO column_clock (tbl, row_id, col, hlc) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (tbl, row_id, col) DO UPDATE SET hlc = excluded.hlc",
            )?
            .execute(rusqlite::params![table, id, col, hlc_text])?;
        Ok(())
    }

    fn touch(&mut self, table: &'static str, id: &str) {
        if search::INDEXED.contains(&table) {
            self.touched.insert((table, id.to_owned()));
        }
    }

    pub(crate) fn commit(mut self) -> Result<()> {
        let touched = std::mem::take(&mut self.touched);
        search::reindex(&self.tx, &touched)?;
        set_meta(&self.tx, "hlc", &self.last.to_string())?;
        set_meta(&self.tx, "seq", &self.seq.to_string())?;
        self.tx.commit()?;
        Ok(())
    }
}

/// Equal as stored values (an integer and a real of the same value count as equal).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Integer(x), Value::Real(y)) | (Value::Real(y), Value::Integer(x)) => (*x as f64) == *y,
        _ => a == b,
    }
}

/// A stored value as the change log's JSON.
pub fn value_json(v: &Value) -> Result<String> {
    let j = match v {
        Value::Null => serde_json::Value::Null,
        Value::Integer(i) => serde_json::Value::from(*i),
        Value::Real(f) => serde_json::Number::from_f64(*f)
            .map(serde_json::Value::Number)
            .ok_or_else(|| Error::rule("不能保存非有限的小数"))?,
        Value::Text(s) => serde_json::Value::from(s.as_str()),
        Value::Blob(_) => return Err(Error::rule("同步数据表不保存二进制值")),
    };
    Ok(j.to_string())
}

/// The change log's JSON back as a stored value.
pub fn json_value(s: &str) -> Result<Value> {
    let j: serde_json::Value = serde_json::from_str(s).map_err(|e| Error::rule(format!("变更值无法解析：{e}")))?;
    Ok(match j {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => Value::Real(n.as_f64().unwrap_or(0.0)),
        },
        serde_json::Value::String(s) => Value::Text(s),
        other => Value::Text(other.to_string()),
    })
}

/// Shorthand for building column values.
pub fn v<T: Into<Value>>(x: T) -> Value {
    x.into()
}

/// A text column value from a borrowed string.
pub fn s(x: &str) -> Value {
    Value::Text(x.to_owned())
}

/// A date column value.
pub fn date(d: NaiveDate) -> Value {
    Value::Text(d.format("%Y-%m-%d").to_string())
}

/// An optional date column value.
pub fn opt_date(d: Option<NaiveDate>) -> Value {
    d.map(date).unwrap_or(Value::Null)
}
