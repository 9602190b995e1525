//! The SQLite store: one file per post (WAL), numbered migrations applied at open, one
//! module per aggregate, and the single write path ([`write::Tx`]) that records every
//! change in the change log and the column clocks in the same transaction.
//!
//! Reads go straight to the connection ([`Store::conn`]); writes only through
//! [`Store::write`]. A test (`tests/core/change_log.rs`) fails if any module writes to a synced
//! table by other means.

pub mod access;
pub mod attachment;
pub mod audit;
pub mod award;
pub mod backup;
pub mod calendar;
pub mod care;
pub mod counsel;
pub mod county;
pub mod day_plan;
pub mod dispute;
pub mod errand;
pub mod files;
pub mod household;
pub mod incident;
pub mod keys;
pub mod ledger;
pub mod lock;
pub mod migrate;
pub mod person;
pub mod place;
pub mod prevention;
pub mod rotate;
pub mod search;
pub mod seed;
pub mod service_station;
pub mod user;
pub mod village_code;
pub mod warning;
pub mod write;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{Connection, OptionalExtension};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::model::time::Clock;
use crate::model::*;

pub use write::{IdGen, Tx};

/// A view type from a query row, each field read by its column's name (`r.get("field")`)
/// unless given as `field: expression`: `from_row!(r => Lead { id, content, status, … })`.
/// The query names its columns after the fields (aliasing joined ones), so a new column is
/// one field in the type and one in the query.
macro_rules! from_row {
    ($r:ident => $t:ident { $($f:ident $(: $e:expr)?),* $(,)? }) => {
        $t { $($f: $crate::store::from_row!(@field $r, $f $(, $e)?)),* }
    };
    (@field $r:ident, $f:ident) => {
        $r.get(stringify!($f))?
    };
    (@field $r:ident, $f:ident, $e:expr) => {
        $e
    };
}
pub(crate) use from_row;

/// Every synced table. Each has an `id` primary key and a `deleted_at` column, and is
/// written only through [`Tx`].
pub const SYNCED_TABLES: &[&str] = &[
    "post",
    "village",
    "village_group",
    "officer",
    "holiday",
    "household",
    "person",
    "visit",
    "dispute",
    "party",
    "mediation",
    "agreement",
    "follow_up",
    "service_item",
    "errand",
    "incident",
    "team",
    "volunteer",
    "patrol",
    "patrol_finding",
    "lead",
    "hazard",
    "outreach",
    "feedback",
    "five_nones",
    "assignment",
    "warning_rules",
    "care_default",
    "care_plan",
    "care_need",
    "service_station",
    "lawyer",
    "sitting",
    // 表彰奖励.
    "award",
    // 照片和扫描件 (the bytes are in the local `attachment_blob`, keyed by their SM3).
    "attachment",
];

/// A result [`Store::kept`] holds, of any type.
type KeptValue = Arc<dyn std::any::Any + Send + Sync>;

/// What [`Store::kept`] holds: by name, the key a result was made under and the result.
#[derive(Default)]
struct Kept(std::sync::Mutex<std::collections::HashMap<String, (String, KeptValue)>>);

/// An open post database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    node: Uuid,
    clock: Arc<dyn Clock>,
    ids: IdGen,
    columns: write::Columns,
    /// Results kept between calls while the data they were made from is unchanged
    /// ([`Store::kept`]).
    kept: Kept,
    /// The page cache each connection may take, in KiB, when the operator chose one
    /// (`fengqiao-hq serve --page-cache-mb`); `None`: the 64 MiB of [`tune`].
    page_cache_kib: Option<i64>,
    /// The process's hold on the file ([`lock`]); declared last so that the connection
    /// closes before it is released. `None` for HQ's shared file.
    _lock: Option<lock::DbLock>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).field("node", &self.node).finish()
    }
}

impl Store {
    /// Opens (creating if need be) an unencrypted database at `path`, applies pending
    /// migrations and seeds reference data. A file written by a newer version is refused
    /// untouched, and so is an encrypted one (it has a key file beside it): that needs
    /// [`Store::open_encrypted`]. Plain files are for setup mode, tests and demo data.
    ///
    /// The process takes the database for itself first ([`lock`]): one that another
    /// process holds is refused with [`Error::InUse`].
    pub fn open(path: &Path, clock: Arc<dyn Clock>) -> Result<Store> {
        refuse_encrypted(path)?;
        let held = lock::DbLock::acquire(path)?;
        Store::open_with(path, clock, None, Some(held))
    }

    /// Opens (creating if need be) the database at `path`, encrypted with `key`. A wrong
    /// key is refused before anything is written. Taken for the process as by
    /// [`Store::open`].
    pub fn open_encrypted(path: &Path, clock: Arc<dyn Clock>, key: &keys::DbKey) -> Result<Store> {
        let held = lock::DbLock::acquire(path)?;
        Store::open_with(path, clock, Some(key), Some(held))
    }

    /// Opens the database at `path`, encrypted with `key`, shared as [`Store::open_shared`]:
    /// for HQ's secured node.
    pub fn open_encrypted_shared(path: &Path, clock: Arc<dyn Clock>, key: &keys::DbKey) -> Result<Store> {
        Store::open_with(path, clock, Some(key), None)
    }

    /// Opens an unencrypted database as [`Store::open`] does but without taking it for the
    /// process, so that several processes work on it at once under SQLite's own locks.
    /// For HQ's node (`fengqiao-hq serve` and `fengqiao-hq bundle import` share its file),
    /// whose processes show no file dialogs; never for a post's database (see [`lock`]).
    pub fn open_shared(path: &Path, clock: Arc<dyn Clock>) -> Result<Store> {
        refuse_encrypted(path)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        Store::open_with(path, clock, None, None)
    }

    fn open_with(
        path: &Path,
        clock: Arc<dyn Clock>,
        key: Option<&keys::DbKey>,
        held: Option<lock::DbLock>,
    ) -> Result<Store> {
        let mut conn = connect(path, key)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // Check the version before anything writes to the file (WAL mode included).
        migrate::refuse_newer(&conn)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        tune(&conn)?;
        migrate::migrate(&mut conn)?;
        let node = node_id(&conn)?;
        let columns = write::Columns::load(&conn)?;
        let mut store = Store {
            conn,
            path: path.to_owned(),
            node,
            clock,
            ids: IdGen::Random,
            columns,
            kept: Kept::default(),
            page_cache_kib: None,
            _lock: held,
        };
        seed::ensure(&mut store)?;
        village_code::ensure(&mut store)?;
        Ok(store)
    }

    /// Closes the database: the WAL is checkpointed into the file and emptied, and the
    /// connection closed (the process's hold is released with it unless another store
    /// shares it). Dropping a store closes it too, but says nothing when that fails.
    pub fn close(self) -> Result<()> {
        let Store { conn, _lock, .. } = self;
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        conn.close().map_err(|(_, e)| e)?;
        Ok(())
    }

    /// The default location: the per-user data directory (`~/.local/share/fengqiao/`
    /// on Linux, `%APPDATA%\fengqiao\` on Windows).
    pub fn default_path() -> Result<PathBuf> {
        let dirs = directories::ProjectDirs::from("cn", "fengqiao", "fengqiao")
            .ok_or_else(|| Error::Io(std::io::Error::other("找不到当前用户的数据目录（HOME 未设置？）")))?;
        Ok(dirs.data_dir().join("fengqiao.db"))
    }

    /// The connection, for reads.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Lets this store's connection keep up to `kib` KiB of page cache (taken only as pages
    /// are read): for HQ, whose county-wide reads (statistics, the 督办 list, duplicates)
    /// touch more of a county's file than the 64 MiB every connection is tuned to, and whose
    /// operator may want less.
    pub fn set_page_cache(&mut self, kib: i64) -> Result<()> {
        set_page_cache(&self.conn, -kib)?;
        self.page_cache_kib = Some(kib);
        Ok(())
    }

    /// The page cache the operator chose ([`Store::set_page_cache`]), in KiB.
    pub fn page_cache_kib(&self) -> Option<i64> {
        self.page_cache_kib
    }

    /// Runs `f` with the page cache allowed up to `kib` KiB, then puts it back (and frees
    /// what grew past it): [`with_page_cache`] for work that writes through the store.
    pub fn with_page_cache<T>(&mut self, kib: i64, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        let before = set_page_cache(&self.conn, -kib)?;
        let out = f(self);
        set_page_cache(&self.conn, before)?;
        out
    }

    /// The file this store lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This installation's node id.
    pub fn node_id(&self) -> Uuid {
        self.node
    }

    /// The clock the store stamps writes with.
    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// The same clock, shared (to open another store with it).
    pub fn shared_clock(&self) -> Arc<dyn Clock> {
        self.clock.clone()
    }

    /// The columns of every synced table, as read from the schema.
    pub fn columns(&self) -> &write::Columns {
        &self.columns
    }

    /// The result named `name` as last made under `key`, or (the key having changed, or on
    /// first use) `make`'s, kept for the next call in place of the one before. One result is
    /// kept per name: a name says whose result it is where that differs (HQ's scopes). The key must say everything the result
    /// depends on (a stamp of the data read, the day) and be read before `make` reads the
    /// data, so that a write landing in between makes a newer key, never an old one over
    /// newer data. Held in memory only: a new process, or a migration, starts empty.
    pub fn kept<T: std::any::Any + Send + Sync>(
        &self,
        name: &str,
        key: String,
        make: impl FnOnce() -> Result<T>,
    ) -> Result<Arc<T>> {
        if let Some(v) = self.find_kept(name, &key) {
            return Ok(v);
        }
        Ok(self.keep(name, key, make()?))
    }

    /// What [`Store::kept`] holds as `name` under `key`, if it does.
    pub fn find_kept<T: std::any::Any + Send + Sync>(&self, name: &str, key: &str) -> Option<Arc<T>> {
        let kept = self.kept.0.lock().ok()?;
        let (k, v) = kept.get(name)?;
        if k != key {
            return None;
        }
        v.clone().downcast::<T>().ok()
    }

    /// What [`Store::kept`] holds as `name`, whatever key it was made under.
    pub fn last_kept<T: std::any::Any + Send + Sync>(&self, name: &str) -> Option<Arc<T>> {
        let kept = self.kept.0.lock().ok()?;
        kept.get(name)?.1.clone().downcast::<T>().ok()
    }

    /// Keeps `value` as `name` under `key` (in place of what was kept before) and returns it.
    pub fn keep<T: std::any::Any + Send + Sync>(&self, name: &str, key: String, value: T) -> Arc<T> {
        let value = Arc::new(value);
        if let Ok(mut kept) = self.kept.0.lock() {
            kept.insert(name.to_owned(), (key, value.clone()));
        }
        value
    }

    /// Drops everything [`Store::kept`] holds: the next calls make their results afresh, as
    /// a newly started process would.
    pub fn forget_kept(&self) {
        if let Ok(mut kept) = self.kept.0.lock() {
            kept.clear();
        }
    }

    /// Makes new ids reproducible (demo data) or random again.
    pub fn set_id_gen(&mut self, ids: IdGen) {
        self.ids = ids;
    }

    /// Runs `f` in one immediate transaction: every write inside is recorded in the change
    /// log; on error nothing is kept. Inside a transaction the caller holds open (an audited
    /// call, [`crate::api::Api::call`]) it runs in a savepoint of it instead, kept only when
    /// that transaction commits.
    pub fn write<T>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        let tx = write::Scope::open(&mut self.conn)?;
        let mut w = Tx::begin(tx, self.node, self.clock.as_ref(), &mut self.ids, &self.columns)?;
        let out = f(&mut w)?;
        w.commit()?;
        Ok(out)
    }

    /// Builds the search entries of up to `limit` persons queued by a node that defers them
    /// ([`search::deferred`]), in one transaction; returns how many are still queued.
    pub fn index_pending(&mut self, limit: usize) -> Result<i64> {
        let tx = write::Scope::open(&mut self.conn)?;
        let left = search::index_pending(&tx, limit)?;
        tx.commit()?;
        Ok(left)
    }

    /// A value from `local_meta`.
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        get_meta(&self.conn, key)
    }
}

fn refuse_encrypted(path: &Path) -> Result<()> {
    if keys::path_for(path).exists() {
        return Err(Error::unauthenticated(format!(
            "数据库 {} 已加密，请用用户名和密码登录（命令行：--user 用户名）",
            path.display()
        )));
    }
    Ok(())
}

/// Opens a connection to `path`, keyed when `key` is given, and proves the key by reading
/// the schema: SQLCipher only notices a wrong key (or an encrypted file opened without
/// one) at the first read.
pub(crate) fn connect(path: &Path, key: Option<&keys::DbKey>) -> Result<Connection> {
    let conn = Connection::open(path)?;
    // SQLCipher logs a wrong key or a damaged page to stderr itself; we report those as
    // errors with Chinese messages instead.
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    if let Some(key) = key {
        // Built here (and wiped after) rather than by `pragma_update`, whose copy of the
        // statement text would linger in freed memory; SQLCipher's documented raw-key form.
        let sql = zeroize::Zeroizing::new(format!("PRAGMA key = \"{}\";", key.pragma().as_str()));
        conn.execute_batch(&sql)?;
    }
    match conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0)) {
        Ok(_) => Ok(conn),
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::NotADatabase => {
            Err(Error::unauthenticated(match key {
                Some(_) => format!("无法打开数据库 {}：密钥不对，或文件已损坏", path.display()),
                None => format!("无法打开数据库 {}：文件已加密（缺少密钥文件）或已损坏", path.display()),
            }))
        }
        Err(e) => Err(e.into()),
    }
}

/// Runs `f` with the page cache held to `kib` KiB, then puts the cache back as it was. A
/// ledger export reads every row once and gains nothing from the 64 MiB every connection is
/// tuned to, which it would otherwise fill (a county's residents are over a gigabyte of pages).
pub fn with_page_cache<T>(conn: &Connection, kib: i64, f: impl FnOnce() -> Result<T>) -> Result<T> {
    let before = set_page_cache(conn, -kib)?;
    let out = f();
    set_page_cache(conn, before)?;
    out
}

/// Sets the connection's `cache_size` (negative: KiB, positive: pages) and returns what it
/// was; setting it lower frees the pages above it.
fn set_page_cache(conn: &Connection, size: i64) -> Result<i64> {
    let before: i64 = conn.pragma_query_value(None, "cache_size", |r| r.get(0))?;
    conn.pragma_update(None, "cache_size", size)?;
    Ok(before)
}

/// The settings every connection of ours runs with.
fn tune(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    // Up to 64 MiB of page cache (SQLite's default is 2 MiB), taken only as pages are
    // read: a bundle of a whole post writes some 100 MB of rows, change log and clocks
    // in one transaction, and once its dirty pages outgrow the cache SQLite spills them
    // to the WAL mid-transaction and reads them back.
    conn.pragma_update(None, "cache_size", -65536)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Query plans that do not depend on bound values. Without this SQLite re-prepares
    // a cached statement whenever a newly bound value might change its plan, which
    // in a bulk import (the search index refresh of each person) cost a sixth of the
    // time; our statements use indexes by equality and gain nothing from it.
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    conn.set_prepared_statement_cache_capacity(512);
    Ok(())
}

pub(crate) fn get_meta(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT value FROM local_meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

/// A number kept in `local_meta` (none when absent or not a number).
pub(crate) fn get_meta_num(conn: &Connection, key: &str) -> Result<Option<i64>> {
    Ok(get_meta(conn, key)?.and_then(|s| s.parse().ok()))
}

pub(crate) fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO local_meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

fn node_id(conn: &Connection) -> Result<Uuid> {
    if let Some(s) = get_meta(conn, "node_id")? {
        return Uuid::try_parse(&s).map_err(|_| Error::rule(format!("数据库中的节点标识“{s}”已损坏")));
    }
    let id = Uuid::now_v7();
    set_meta(conn, "node_id", &id.to_string())?;
    Ok(id)
}

/// A stored date or instant as its calendar date (the first ten characters).
pub(crate) fn day_of(s: Option<String>) -> Option<chrono::NaiveDate> {
    s.as_deref().and_then(|s| crate::model::time::parse_date(s.get(..10).unwrap_or(s)))
}

/// Maps a query row field that holds a JSON array of strings.
pub(crate) fn json_list(s: Option<String>) -> Vec<String> {
    s.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default()
}

/// The stored text of a list.
pub(crate) fn list_json(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

/// The largest page any list returns: five times a screen's page. A caller wanting more
/// pages through (each page is audited, see `api::permission`), or exports a ledger.
pub const PAGE_MAX: u32 = 100;

/// Offsets for a page request: pages count from 1; size is clamped to 1..=[`PAGE_MAX`].
pub(crate) fn page_bounds(page: Option<u32>, size: Option<u32>) -> (u32, u32, i64, i64) {
    let page = page.unwrap_or(1).clamp(1, 1_000_000);
    let size = size.unwrap_or(20).clamp(1, PAGE_MAX);
    (page, size, i64::from(size), i64::from(page - 1) * i64::from(size))
}

macro_rules! sql_enum {
    ($($t:ty),+ $(,)?) => {$(
        impl ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }
        impl FromSql for $t {
            fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
                let s = v.as_str()?;
                <$t>::parse(s).ok_or_else(|| FromSqlError::Other(format!("未知的{}代码“{s}”", <$t>::FIELD_LABEL).into()))
            }
        }
        impl From<$t> for rusqlite::types::Value {
            fn from(v: $t) -> Self {
                rusqlite::types::Value::Text(v.as_str().to_owned())
            }
        }
    )+};
}

sql_enum!(
    Sex,
    Residence,
    Relation,
    Role,
    CountyRole,
    DisputeKind,
    DisputeSource,
    Grade,
    Track,
    MediationLevel,
    MediationOutcome,
    AgreementKind,
    DisputeStatus,
    PartyKind,
    PartyRole,
    SecurityOffence,
    Exclusion,
    ErrandMode,
    ErrandStatus,
    DeliveryMethod,
    IncidentKind,
    Disposition,
    VolunteerRole,
    PatrolMode,
    FindingHandling,
    LeadStatus,
    HazardKind,
    HazardGrade,
    HazardStatus,
    OutreachTopic,
    FeedbackChannel,
    RiskLevel,
    RiskSignal,
    CareNeedKind,
    CareNeedStatus,
    MediationMode,
    LawyerKind,
    AwardKind,
    AwardDecision,
    AttachmentOwner,
    FileType,
);

/// The lines of SQLite's plan for `sql` with `params`: for tests that a read is answered by an
/// index.
#[cfg(test)]
pub(crate) fn query_plan(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Vec<String> {
    conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .and_then(|mut s| s.query_map(params, |r| r.get::<_, String>("detail"))?.collect())
        .expect("a query plan")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_operators_page_cache_holds_for_the_connection_and_an_exchange() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = Store::open(&dir.path().join("t.db"), Arc::new(crate::model::time::SystemClock)).expect("open");
        let cache = |c: &Connection| c.pragma_query_value(None, "cache_size", |r| r.get::<_, i64>(0)).expect("pragma");
        assert_eq!(cache(store.conn()), -65536);
        assert_eq!(store.page_cache_kib(), None);
        store.set_page_cache(32 * 1024).expect("set");
        assert_eq!(cache(store.conn()), -32 * 1024);
        // A passing change of it (a ledger export's, an exchange's) is given back.
        store
            .with_page_cache(8 * 1024, |s| {
                assert_eq!(cache(s.conn()), -8 * 1024);
                Ok(())
            })
            .expect("passing");
        assert_eq!(cache(store.conn()), -32 * 1024);
    }
}
