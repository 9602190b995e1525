//! The one write path to synced tables.
//!
//! [`Tx::insert`], [`Tx::update`] and [`Tx::delete`] write a row and, in the same
//! transaction, for every column whose value they set: one `change_log` entry
//! (origin node, origin seq, HLC, table, row id, column, JSON value) and the column's clock
//! in `column_clock`, with the clock of the value it overwrote (`prev`, which the merge
//! uses to tell knowing overwrites from concurrent ones). Each row write gets its own HLC
//! tick. Search indexes of touched persons and households are refreshed before commit.
//!
//! Changes that arrive from other nodes come in through [`Tx::apply_remote`], the same
//! path: the row, its column clock and the change log move together.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Savepoint, Transaction, params_from_iter};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::model::Hlc;
use crate::model::merge::{self, Decision, Version};
use crate::model::time::{Clock, beijing, show};
use crate::store::{SYNCED_TABLES, get_meta, search, set_meta, warning};

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
pub struct Columns {
    names: HashMap<&'static str, Vec<String>>,
    /// Per table, the NOT NULL columns without a default, with a placeholder of their type:
    /// a row that arrives column by column is first inserted with these.
    placeholders: HashMap<&'static str, Vec<(String, Value)>>,
}

impl Columns {
    pub(crate) fn load(conn: &Connection) -> Result<Columns> {
        let mut names = HashMap::new();
        let mut placeholders = HashMap::new();
        for t in SYNCED_TABLES {
            let mut stmt = conn.prepare(&format!("PRAGMA table_info({t})"))?;
            let info = stmt
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, bool>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, i64>(5)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let holders = info
                .iter()
                .filter(|(_, _, notnull, default, pk)| *notnull && default.is_none() && *pk == 0)
                .map(|(name, ty, ..)| {
                    let v =
                        if ty.eq_ignore_ascii_case("INTEGER") { Value::Integer(0) } else { Value::Text(String::new()) };
                    (name.clone(), v)
                })
                .collect();
            names.insert(*t, info.into_iter().map(|c| c.0).collect());
            placeholders.insert(*t, holders);
        }
        Ok(Columns { names, placeholders })
    }

    /// The columns of `table`, `id` first.
    pub fn of(&self, table: &str) -> Option<&[String]> {
        self.names.get(table).map(Vec::as_slice)
    }

    /// `table` as the `'static` name from [`SYNCED_TABLES`], if it is one.
    pub fn table(&self, table: &str) -> Option<&'static str> {
        self.names.keys().find(|t| **t == table).copied()
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

/// Where a [`Tx`]'s writes go: its own transaction, or a savepoint inside a transaction
/// the caller holds open (a call whose audit entry commits with its write, see
/// [`crate::api::Api::call`]), released into it rather than committed.
pub(crate) enum Scope<'s> {
    Own(Transaction<'s>),
    Nested(Savepoint<'s>),
}

impl Scope<'_> {
    /// An immediate transaction, or a savepoint when the caller holds one open.
    pub(crate) fn open(conn: &mut Connection) -> rusqlite::Result<Scope<'_>> {
        Ok(if conn.is_autocommit() {
            Scope::Own(conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?)
        } else {
            Scope::Nested(conn.savepoint()?)
        })
    }

    pub(crate) fn commit(self) -> rusqlite::Result<()> {
        match self {
            Scope::Own(t) => t.commit(),
            Scope::Nested(s) => s.commit(),
        }
    }
}

impl std::ops::Deref for Scope<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        match self {
            Scope::Own(t) => t,
            Scope::Nested(s) => s,
        }
    }
}

/// A write transaction. Reads go through [`Tx::conn`]; writes to synced tables only
/// through the methods below.
pub struct Tx<'s> {
    tx: Scope<'s>,
    node: Uuid,
    last: Hlc,
    seq: i64,
    now: DateTime<Utc>,
    ids: &'s mut IdGen,
    columns: &'s Columns,
    touched: BTreeSet<(&'static str, String)>,
    /// Whether a synced row was written, and which rows a dispute's risk is judged from
    /// ([`crate::store::warning::JUDGED_FROM`]): the commit then stamps the data anew
    /// ([`crate::store::warning::DATA_STAMP`], [`crate::store::warning::RISK_STAMP`]) and
    /// journals those rows for the kept judgement ([`crate::store::warning::journal`]).
    wrote: bool,
    judged: BTreeSet<(&'static str, String)>,
    /// Villages whose rows were written, or that a change from another node placed a row
    /// in: the commit merges the rows of their codes ([`crate::store::village_code`]).
    villages: BTreeSet<String>,
}

impl<'s> Tx<'s> {
    pub(crate) fn begin(
        tx: Scope<'s>,
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
        Ok(Tx {
            tx,
            node,
            last,
            seq,
            now,
            ids,
            columns,
            touched: BTreeSet::new(),
            wrote: false,
            judged: BTreeSet::new(),
            villages: BTreeSet::new(),
        })
    }

    /// The connection inside the transaction, for reads (and for local, unsynced tables).
    pub fn conn(&self) -> &Connection {
        &self.tx
    }

    /// The columns of every synced table.
    pub fn columns(&self) -> &Columns {
        self.columns
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

    fn tick(&mut self) -> Result<Hlc> {
        let ms = self.now.timestamp_millis().max(0) as u64;
        self.last = Hlc::tick(self.last, ms, self.node).map_err(|skew| {
            let last = chrono::DateTime::from_timestamp_millis(self.last.wall_ms as i64).unwrap_or_default();
            Error::Clock {
                message: format!(
                    "本机时钟（{}）比本机已记录的最晚时间（{}）早 {}，未保存。如本机时间不对，请校准时间；\
                     如本机时间无误（此前时钟曾被调快），请先与县局同步一次，之后即可继续录入",
                    show(self.now),
                    show(last),
                    skew.words()
                ),
            }
        })?;
        Ok(self.last)
    }

    /// Called when HQ has just confirmed this node's wall clock, with `limit_ms` the most HQ
    /// takes. If the node's clock is past it (it stamped writes while its wall clock ran
    /// ahead), the clock is held back to it ([`Hlc::held_back`]), and the values stamped
    /// past it (HQ refused them: they are here only) take this node's lowest clock, so that
    /// any write from elsewhere wins over them here, as it does everywhere else.
    pub(crate) fn hold_back_clock(&mut self, limit_ms: u64) -> Result<()> {
        let held = Hlc::held_back(self.last, limit_ms, self.node);
        if held == self.last {
            return Ok(());
        }
        self.last = held;
        let beyond = format!("{:012x}-ffffffff-ffffffffffffffffffffffffffffffff", held.wall_ms);
        let lowest = Hlc { wall_ms: 0, counter: 0, node: self.node }.to_string();
        self.tx.execute("UPDATE column_clock SET hlc = ?1 WHERE hlc > ?2", [lowest, beyond])?;
        Ok(())
    }

    /// Inserts a new row with `cols` (other columns take their defaults).
    pub fn insert(&mut self, table: &'static str, id: &str, cols: &[(&'static str, Value)]) -> Result<()> {
        let hlc = self.tick()?;
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
        let mut logged = false;
        for (c, v) in cols {
            if *v != Value::Null {
                self.record(table, id, c, v, hlc, None)?;
                logged = true;
            }
        }
        if logged {
            self.note_origin(table, id, hlc, self.node)?;
        }
        self.touch(table, id);
        Ok(())
    }

    /// Sets `cols` on an existing row. Only columns whose value changes are written and
    /// logged; returns how many changed. A missing row is `NotFound`.
    pub fn update(&mut self, table: &'static str, id: &str, cols: &[(&str, Value)]) -> Result<usize> {
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
        let changed: Vec<&(&str, Value)> =
            cols.iter().zip(current).filter(|((_, new), old)| !merge::same_value(new, old)).map(|(c, _)| c).collect();
        if changed.is_empty() {
            return Ok(0);
        }
        let hlc = self.tick()?;
        let sets: Vec<String> = changed.iter().map(|(c, _)| format!("{c} = ?")).collect();
        let sql = format!("UPDATE {table} SET {} WHERE id = ?", sets.join(", "));
        let values = changed.iter().map(|(_, v)| v.clone()).chain(std::iter::once(Value::Text(id.to_owned())));
        self.tx.prepare_cached(&sql)?.execute(params_from_iter(values))?;
        for (c, v) in &changed {
            let prev = self.clock_of(table, id, c)?.map(|(h, _)| h);
            self.record(table, id, c, v, hlc, prev)?;
        }
        self.note_origin(table, id, hlc, self.node)?;
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

    fn record(&mut self, table: &str, id: &str, col: &str, value: &Value, hlc: Hlc, prev: Option<Hlc>) -> Result<()> {
        self.seq += 1;
        let change = Change {
            origin: self.node,
            origin_seq: self.seq,
            hlc,
            prev,
            tbl: table.to_owned(),
            row_id: id.to_owned(),
            col: col.to_owned(),
            value: value_json(value)?,
        };
        let stamps = Stamps::of(&change);
        self.log(&change, &stamps)?;
        self.set_clock(table, id, col, &stamps)
    }

    /// Appends a change to the log; false when (origin, origin_seq) is already there.
    fn log(&self, c: &Change, stamps: &Stamps) -> Result<bool> {
        let n = self
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO change_log (origin, origin_seq, hlc, prev, tbl, row_id, col, value)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(rusqlite::params![
                c.origin.to_string(),
                c.origin_seq,
                stamps.hlc,
                stamps.prev,
                c.tbl,
                c.row_id,
                c.col,
                c.value
            ])?;
        Ok(n == 1)
    }

    /// Keeps `row_origin` at the row's earliest logged change (the row's creator).
    fn note_origin(&self, table: &str, id: &str, hlc: Hlc, origin: Uuid) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO row_origin (tbl, row_id, hlc, origin) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (tbl, row_id) DO UPDATE SET hlc = excluded.hlc, origin = excluded.origin
                 WHERE excluded.hlc < row_origin.hlc",
            )?
            .execute(rusqlite::params![table, id, hlc.to_string(), origin.to_string()])?;
        Ok(())
    }

    fn set_clock(&self, table: &str, id: &str, col: &str, stamps: &Stamps) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO column_clock (tbl, row_id, col, hlc, prev) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (tbl, row_id, col) DO UPDATE SET hlc = excluded.hlc, prev = excluded.prev",
            )?
            .execute(rusqlite::params![table, id, col, stamps.hlc, stamps.prev])?;
        Ok(())
    }

    /// The clock of a column's value and the clock it overwrote.
    fn clock_of(&self, table: &str, id: &str, col: &str) -> Result<Option<(Hlc, Option<Hlc>)>> {
        let row: Option<(String, Option<String>)> = self
            .tx
            .prepare_cached("SELECT hlc, prev FROM column_clock WHERE tbl = ?1 AND row_id = ?2 AND col = ?3")?
            .query_row([table, id, col], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match row {
            None => Ok(None),
            Some((h, p)) => Ok(Some((parse_hlc(&h)?, p.as_deref().map(parse_hlc).transpose()?))),
        }
    }

    /// Merges one change that arrived from another node, by the rule in
    /// [`crate::model::merge`]: the row is created if need be (rows may arrive before their
    /// parents, and column by column), the winning value and its clock are stored, a
    /// concurrent loser goes to the `conflict` table, and the change joins the change log
    /// under its original origin, seq and clock (so HQ can relay it) unless it is already
    /// there, in which case nothing at all happens. The local clock moves past the change's.
    pub fn apply_remote(&mut self, c: &Change) -> Result<Decision> {
        Ok(self.apply_remote_row(std::slice::from_ref(c))?.pop().unwrap_or(Decision::Duplicate))
    }

    /// [`Tx::apply_remote`] for several changes to one row (same table and row id), in
    /// order: one read of the row and its clocks and one row write instead of one per
    /// column. Returns one decision per change.
    pub fn apply_remote_row(&mut self, changes: &[Change]) -> Result<Vec<Decision>> {
        let Some(first) = changes.first() else {
            return Ok(Vec::new());
        };
        let table =
            self.columns.table(&first.tbl).ok_or_else(|| Error::rule(format!("“{}”不是同步数据表", first.tbl)))?;
        let row_id = first.row_id.as_str();
        let mut remote = Vec::with_capacity(changes.len());
        for c in changes {
            if c.tbl != first.tbl || c.row_id != first.row_id {
                return Err(Error::rule("内部错误：一次只能合并同一行的变更"));
            }
            self.columns.check(table, &[(c.col.as_str(), Value::Null)])?;
            remote.push(Version { value: json_value(&c.value)?, hlc: c.hlc, prev: c.prev });
        }
        let cols = self.columns.of(table).unwrap_or_default();
        // The row as it stands and the clocks of its columns.
        let mut current: Option<HashMap<String, Value>> = {
            let sql = format!("SELECT * FROM {table} WHERE id = ?1");
            let mut stmt = self.tx.prepare_cached(&sql)?;
            let mut rows = stmt.query([row_id])?;
            match rows.next()? {
                Some(r) => {
                    let mut m = HashMap::with_capacity(cols.len());
                    for (i, c) in cols.iter().enumerate() {
                        m.insert(c.clone(), r.get::<_, Value>(i)?);
                    }
                    Some(m)
                }
                None => None,
            }
        };
        let mut clocks: HashMap<String, (Hlc, Option<Hlc>)> = HashMap::new();
        {
            let mut stmt =
                self.tx.prepare_cached("SELECT col, hlc, prev FROM column_clock WHERE tbl = ?1 AND row_id = ?2")?;
            let mut rows = stmt.query([table, row_id])?;
            while let Some(r) = rows.next()? {
                let (col, h, p): (String, String, Option<String>) = (r.get(0)?, r.get(1)?, r.get(2)?);
                clocks.insert(col, (parse_hlc(&h)?, p.as_deref().map(parse_hlc).transpose()?));
            }
        }
        let ms = self.now.timestamp_millis().max(0) as u64;
        let existed = current.is_some();
        let mut decisions = Vec::with_capacity(changes.len());
        let mut winners: Vec<(String, Value)> = Vec::new();
        let mut earliest: Option<&Change> = None;
        for (c, remote) in changes.iter().zip(remote) {
            let stamps = Stamps::of(c);
            if !self.log(c, &stamps)? {
                decisions.push(Decision::Duplicate);
                continue;
            }
            if earliest.is_none_or(|e| c.hlc < e.hlc) {
                earliest = Some(c);
            }
            self.last = Hlc::receive(self.last, c.hlc, ms, self.node).map_err(|skew| Error::Clock {
                message: format!("同步包中的变更时间比本机时钟快 {}，未导入；请核对本机时钟", skew.words()),
            })?;
            let local = match (current.as_ref().and_then(|m| m.get(&c.col)), clocks.get(&c.col)) {
                (Some(v), Some((hlc, prev))) => Some(Version { value: v.clone(), hlc: *hlc, prev: *prev }),
                _ => None,
            };
            let decision = merge::decide(local.as_ref(), &remote);
            if decision.conflict()
                && let Some(local) = &local
            {
                let (winner, loser) = if decision.applies() { (&remote, local) } else { (local, &remote) };
                self.log_conflict(table, row_id, &c.col, winner, loser)?;
            }
            if decision.applies() {
                clocks.insert(c.col.clone(), (c.hlc, c.prev));
                self.set_clock(table, row_id, &c.col, &stamps)?;
                current.get_or_insert_with(HashMap::new).insert(c.col.clone(), remote.value.clone());
                winners.retain(|(col, _)| *col != c.col);
                if let ("village_id", Value::Text(village)) = (c.col.as_str(), &remote.value) {
                    self.villages.insert(village.clone());
                }
                winners.push((c.col.clone(), remote.value));
            }
            decisions.push(decision);
        }
        if let Some(e) = earliest {
            self.note_origin(table, row_id, e.hlc, e.origin)?;
        }
        if !winners.is_empty() {
            if existed {
                let sets: Vec<String> = winners.iter().map(|(c, _)| format!("{c} = ?")).collect();
                let sql = format!("UPDATE {table} SET {} WHERE id = ?", sets.join(", "));
                let values = winners.into_iter().map(|(_, v)| v).chain(std::iter::once(Value::Text(row_id.to_owned())));
                self.tx.prepare_cached(&sql)?.execute(params_from_iter(values))?;
            } else {
                self.insert_row(table, row_id, winners)?;
            }
            self.touch(table, row_id);
        }
        Ok(decisions)
    }

    fn log_conflict(&self, table: &str, row_id: &str, col: &str, winner: &Version, loser: &Version) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT OR IGNORE INTO conflict (tbl, row_id, col, loser_value, loser_hlc, loser_origin,
                     winner_value, winner_hlc, winner_origin, detected_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(rusqlite::params![
                table,
                row_id,
                col,
                value_json(&loser.value)?,
                loser.hlc.to_string(),
                loser.hlc.node.to_string(),
                value_json(&winner.value)?,
                winner.hlc.to_string(),
                winner.hlc.node.to_string(),
                crate::model::time::stamp(self.now),
            ])?;
        Ok(())
    }

    /// A row that remote changes reach before it exists here: the columns they carry, and
    /// for the other NOT NULL columns without a default a placeholder of their type until
    /// their own changes arrive (in the same bundle, for a row written whole).
    fn insert_row(&mut self, table: &'static str, id: &str, mut cols: Vec<(String, Value)>) -> Result<()> {
        let holders = self.columns.placeholders.get(table).map(Vec::as_slice).unwrap_or_default();
        for (c, v) in holders {
            if !cols.iter().any(|(k, _)| k == c) {
                cols.push((c.clone(), v.clone()));
            }
        }
        let names: String = cols.iter().map(|(c, _)| format!(", {c}")).collect();
        let marks: String = cols.iter().map(|_| ", ?").collect();
        let sql = format!("INSERT INTO {table} (id{names}) VALUES (?{marks})");
        let values = std::iter::once(Value::Text(id.to_owned())).chain(cols.into_iter().map(|(_, v)| v));
        self.tx.prepare_cached(&sql)?.execute(params_from_iter(values))?;
        Ok(())
    }

    fn touch(&mut self, table: &'static str, id: &str) {
        self.wrote = true;
        if warning::JUDGED_FROM.contains(&table) {
            self.judged.insert((table, id.to_owned()));
        }
        if table == "village" {
            self.villages.insert(id.to_owned());
        }
        if search::INDEXED.contains(&table) {
            self.touched.insert((table, id.to_owned()));
        }
    }

    pub(crate) fn commit(mut self) -> Result<()> {
        let villages = std::mem::take(&mut self.villages);
        if !villages.is_empty() {
            crate::store::village_code::unify(&mut self, &villages)?;
        }
        let touched = std::mem::take(&mut self.touched);
        search::reindex(&self.tx, &touched)?;
        // A new stamp, not a count, so that two processes writing the file never stamp alike.
        if self.wrote {
            set_meta(&self.tx, warning::DATA_STAMP, &Uuid::now_v7().to_string())?;
        }
        if !self.judged.is_empty() {
            warning::journal::record(&self.tx, &self.judged)?;
        }
        set_meta(&self.tx, "hlc", &self.last.to_string())?;
        set_meta(&self.tx, "seq", &self.seq.to_string())?;
        self.tx.commit()?;
        Ok(())
    }
}

/// A change's clock and the clock it overwrote as stored (text), formatted once for both
/// the change log and the column clock.
struct Stamps {
    hlc: String,
    prev: Option<String>,
}

impl Stamps {
    fn of(c: &Change) -> Stamps {
        Stamps { hlc: c.hlc.to_string(), prev: c.prev.map(|p| p.to_string()) }
    }
}

/// One change as the log holds it and bundles carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The node that wrote it.
    pub origin: Uuid,
    /// Its number among that node's changes, from 1.
    pub origin_seq: i64,
    /// When (in clock order) it was written.
    pub hlc: Hlc,
    /// The clock of the value it overwrote on its writer's node.
    pub prev: Option<Hlc>,
    /// The synced table.
    pub tbl: String,
    /// The row's id.
    pub row_id: String,
    /// The column.
    pub col: String,
    /// The value as JSON (null, number or string).
    pub value: String,
}

fn parse_hlc(s: &str) -> Result<Hlc> {
    s.parse().map_err(|e: crate::model::hlc::BadHlc| Error::rule(e.to_string()))
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
