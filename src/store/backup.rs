//! Whole-file operations on an encrypted post database: encrypting a plain one (first
//! admin), writing a backup with SQLite's online backup API, checking a backup, and
//! restoring one.
//!
//! A backup is `fengqiao-backup-YYYYMMDD-HHMMSS.db` (Beijing time) encrypted with the same
//! database key, plus its own key file beside it (the users as they were at backup time,
//! lock records cleared). So the backup opens with any of those users' passwords of that
//! day, and nothing on the stick is readable without one.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::time::beijing;
use crate::store::files::{self, Kind};
use crate::store::keys::{self, DbKey, KeyFile};
use crate::store::{audit, connect, get_meta, get_meta_num, migrate, set_meta};

/// Pages copied per step of the online backup (16 MiB at 4 KiB pages): a post's file (tens
/// of MB) goes in a few steps, and other readers get a look in between them.
const PAGES_PER_STEP: i32 = 4096;

/// Encrypts the plain database at `path` with `key`, in place: SQLCipher's
/// `sqlcipher_export` copies it into a new encrypted file, which replaces the old one.
/// (The old plain pages may survive on the disk itself; encrypt before entering real data.)
pub fn encrypt_plain_file(path: &Path, key: &DbKey) -> Result<()> {
    let tmp = sibling(path, ".encrypting");
    remove_if_exists(&tmp)?;
    {
        let conn = connect(path, None)?;
        let version = migrate::version(&conn)?;
        let target = tmp.to_str().ok_or_else(|| Error::rule("数据库路径含有无法处理的字符"))?;
        conn.execute("ATTACH DATABASE ?1 AS encrypted KEY ?2", rusqlite::params![target, key.pragma().as_str()])?;
        conn.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
        conn.pragma_update(Some("encrypted"), "user_version", version)?;
        conn.execute("DETACH DATABASE encrypted", [])?;
    }
    for suffix in ["-wal", "-shm"] {
        remove_if_exists(&sibling(path, suffix))?;
    }
    std::fs::rename(&tmp, path)?;
    Ok(())
}

/// What a backup or a restore did.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BackupReport {
    /// The backup file (or the restored database).
    pub file: PathBuf,
    /// Its key file.
    pub key_file: PathBuf,
    /// Schema version inside.
    pub schema_version: i64,
    /// Audit entries inside, their chain verified.
    pub audit_entries: i64,
    /// Where the database replaced by a restore was kept, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<PathBuf>,
    /// A restore: what it means for sync, in Chinese, for the person who restored
    /// ([`Resumed::note`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync_note: Option<String>,
}

/// The backup file name for `now`.
pub fn backup_name(now: DateTime<Utc>) -> String {
    format!("fengqiao-backup-{}.db", now.with_timezone(&beijing()).format("%Y%m%d-%H%M%S"))
}

/// Writes a backup of the open database `src` into the folder `dir`, checks it, and only
/// then puts it (and its key file) in place, through the file gate ([`files`]): never over
/// an existing file, and never over `live`'s own files.
pub fn backup(
    src: &Connection,
    key: &DbKey,
    key_file: &KeyFile,
    live: &files::Protected,
    dir: &Path,
    now: DateTime<Utc>,
) -> Result<BackupReport> {
    if !dir.is_dir() {
        return Err(Error::validation("out", format!("备份目录 {} 不存在或不是文件夹", dir.display())));
    }
    let file = dir.join(backup_name(now));
    let mut keys_out = files::output(live, Kind::BackupKeys, "out", &keys::path_for(&file), false)?;
    let out = files::output(live, Kind::Backup, "out", &file, false)?;
    let copied = connect(out.temp_path(), Some(key)).and_then(|mut dst| {
        let b = rusqlite::backup::Backup::new(src, &mut dst)?;
        Ok(b.run_to_completion(PAGES_PER_STEP, Duration::ZERO, None)?)
    });
    // The copy's rollback journal, left beside it when the disk filled in the middle: the
    // half copy goes with the temporary file, and so must this.
    remove_if_exists(&sibling(out.temp_path(), "-journal"))?;
    copied?;
    let (schema_version, audit_entries) = check(out.temp_path(), key)?;
    let mut copy = key_file.clone();
    for u in &mut copy.users {
        u.lockout = Default::default();
        u.unaudited_failures.clear();
    }
    let file = out.finish()?;
    keys_out.write_all(&copy.to_json()?)?;
    let key_path = keys_out.finish()?;
    Ok(BackupReport { file, key_file: key_path, schema_version, audit_entries, previous: None, sync_note: None })
}

/// Checks a backup (or any database file) opened with `key`: the key opens it, SQLite's
/// integrity check passes, the schema is one this build can use, and the audit chain is
/// whole. Returns (schema version, audit entries).
pub fn check(path: &Path, key: &DbKey) -> Result<(i64, i64)> {
    if !path.is_file() {
        return Err(Error::validation("file", format!("找不到备份文件 {}", path.display())));
    }
    let conn = connect(path, Some(key))?;
    let damaged = |what: String| Error::rule(format!("备份文件 {} 已损坏：{what}", path.display()));
    // A page whose checksum fails stops the check itself (SQLCipher refuses to read it) rather
    // than being listed by it; which page a damage hits depends on the file's layout.
    let problems: Vec<String> = match conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| s.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<_>>())
    {
        Ok(p) => p,
        Err(rusqlite::Error::SqliteFailure(e, m))
            if matches!(e.code, rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) =>
        {
            return Err(damaged(format!("数据页校验失败（{}）", m.unwrap_or_else(|| e.to_string()))));
        }
        Err(e) => return Err(e.into()),
    };
    if problems != ["ok"] {
        return Err(damaged(problems.join("；")));
    }
    let version = migrate::version(&conn)?;
    if version == 0 {
        return Err(Error::rule(format!("{} 不是枫桥警务台账的数据库", path.display())));
    }
    migrate::refuse_newer(&conn)?;
    let entries = audit::verify_chain(&conn)?;
    Ok((version, entries))
}

/// Replaces the database at `db` with the backup at `file` (opened with `key`, the key its
/// own key file gives), after [`check`]ing it. The replaced database and its key file are
/// kept beside it as `<db>.before-restore-YYYYMMDD-HHMMSS`. The database must be closed.
pub fn restore(file: &Path, key: &DbKey, db: &Path, now: DateTime<Utc>) -> Result<BackupReport> {
    let (schema_version, audit_entries) = check(file, key)?;
    let backup_keys = keys::path_for(file);
    if !backup_keys.is_file() {
        return Err(Error::validation("file", format!("找不到备份的密钥文件 {}", backup_keys.display())));
    }
    if sibling(db, "-wal").exists() {
        return Err(Error::rule(format!(
            "数据库 {} 正在使用中（有未合并的 -wal 文件），请先关闭其他正在使用它的程序",
            db.display()
        )));
    }
    let tmp = sibling(db, ".restoring");
    remove_if_exists(&tmp)?;
    let resumed = {
        let src = connect(file, Some(key))?;
        let mut dst = connect(&tmp, Some(key))?;
        rusqlite::backup::Backup::new(&src, &mut dst)?.run_to_completion(PAGES_PER_STEP, Duration::ZERO, None)?;
        // The file replaced, when it still opens with this key: how far it had numbered.
        let live = if db.is_file() { Numbers::read(db, key) } else { None };
        resume_numbers(&dst, live.as_ref(), now)?
    };
    let mut previous = None;
    if db.exists() {
        let kept = sibling(db, &format!(".before-restore-{}", now.with_timezone(&beijing()).format("%Y%m%d-%H%M%S")));
        std::fs::rename(db, &kept)?;
        let db_keys = keys::path_for(db);
        if db_keys.exists() {
            std::fs::rename(&db_keys, keys::path_for(&kept))?;
        }
        previous = Some(kept);
    }
    remove_if_exists(&sibling(db, "-shm"))?;
    std::fs::rename(&tmp, db)?;
    std::fs::copy(&backup_keys, keys::path_for(db))?;
    Ok(BackupReport {
        file: db.to_owned(),
        key_file: keys::path_for(db),
        schema_version,
        audit_entries,
        previous,
        sync_note: resumed.map(|r| r.note()),
    })
}

/// Sequence numbers a restore jumps past for each second of the restore's time: the node's
/// first change after a restore at Unix time `t` s is numbered above `t × 2²⁰`, so changes
/// made after an earlier restore (at an earlier second, from the same backup, with the file
/// they went into lost) cannot reach it unless a node wrote a million changes a second in
/// between. Numbers stay below 2⁵³ (a JavaScript number) until the year 2240.
pub const SEQ_PER_SECOND: i64 = 1 << 20;

/// `local_meta` key: the node's own changes its restored backup held, numbered up to this.
pub(crate) const RESTORED_UPTO: &str = "restored_upto";
/// `local_meta` key: where the restored node's numbering resumed (its next change is above).
pub(crate) const RESTORED_NEXT: &str = "restored_next";
/// `local_meta` key: how many sequence numbers restores skipped (no changes bear them).
pub(crate) const SEQ_SKIPPED: &str = "seq_skipped";

/// How far a node had numbered its own changes (`local_meta.seq`) and its bundles to each
/// peer (`peer.sent_counter`).
#[derive(Debug, Default)]
struct Numbers {
    seq: i64,
    sent: Vec<(String, i64)>,
    /// The last clock it issued or saw (`local_meta.hlc`).
    hlc: Option<crate::model::Hlc>,
}

impl Numbers {
    fn of(conn: &Connection) -> Result<Numbers> {
        let seq = get_meta_num(conn, "seq")?.unwrap_or(0);
        let has_peers: bool =
            conn.query_row("SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'peer'", [], |r| {
                r.get(0)
            })?;
        let sent = if has_peers {
            let mut stmt = conn.prepare("SELECT node_id, sent_counter FROM peer")?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?
        } else {
            Vec::new()
        };
        let hlc = get_meta(conn, "hlc")?.and_then(|h| h.parse().ok());
        Ok(Numbers { seq, sent, hlc })
    }

    /// The numbers of the database at `path`, if it opens with `key` (a file whose key was
    /// changed since the backup, or a damaged one, gives none: the restore's time still
    /// keeps the numbers apart).
    fn read(path: &Path, key: &DbKey) -> Option<Numbers> {
        connect(path, Some(key)).and_then(|c| Numbers::of(&c)).ok()
    }
}

/// What a restore did to the node's numbering, for sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resumed {
    /// The node's own changes the backup holds: numbered up to this.
    pub held: i64,
    /// The node's next change is numbered above this.
    pub next_after: i64,
    /// The node is the county HQ (else a post).
    pub hq: bool,
}

impl Resumed {
    /// What the restore means for the node's data and its next sync, in Chinese.
    pub fn note(&self) -> String {
        let back = if self.hq {
            "各警务室下次同步时，会把它们已有的补回县局（警务室上报的数据，以及县局发给它们的指派等）；\
             只在县局、从未发到警务室的改动无法补回（被替换的数据库已另存）"
        } else {
            "其中已同步到县局的，下次同步时会从县局取回；备份之后从未同步过的改动无法取回（被替换的数据库已另存）"
        };
        format!(
            "已恢复到备份时的数据，备份之后本机的改动不在其中：{back}。本机此后的改动和同步包另行编号，\
             不会与对方已有的重复，同步照常进行。"
        )
    }
}

/// Moves a restored copy's numbering past anything any peer may hold from this node: its
/// changes' sequence numbers and its bundle numbers continue from the largest of what the
/// backup reached, what the replaced file `live` reached (a second restore in a row), and
/// the restore's time (the replaced file lost or not readable: [`SEQ_PER_SECOND`] for
/// changes, one bundle number a second). It records the node's own number the backup holds
/// (`local_meta.restored_upto`, kept at the lowest through restores in a row) so its
/// bundles ask peers for its own changes above it (`sync`), and forgets what peers sent
/// back of them before. `None` (nothing to tell) for a node enrolled with no peer.
fn resume_numbers(conn: &Connection, live: Option<&Numbers>, now: DateTime<Utc>) -> Result<Option<Resumed>> {
    let has_meta: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'local_meta'",
        [],
        |r| r.get(0),
    )?;
    if !has_meta {
        return Ok(None);
    }
    let mine = Numbers::of(conn)?;
    let secs = now.timestamp().max(0);
    let live_seq = live.map_or(0, |l| l.seq);
    let next_after = mine.seq.max(live_seq).max(secs.saturating_mul(SEQ_PER_SECOND));
    let held = match get_meta_num(conn, RESTORED_UPTO)? {
        Some(earlier) => earlier.min(mine.seq),
        None => mine.seq,
    };
    set_meta(conn, "seq", &next_after.to_string())?;
    // Its clock likewise, past the replaced file's: a change made after the restore in the
    // same millisecond as a lost one would otherwise take its very clock, and the two tie
    // everywhere (each node keeping the one it had).
    if let Some(live_hlc) = live.and_then(|l| l.hlc)
        && mine.hlc.is_none_or(|h| h < live_hlc)
    {
        set_meta(conn, "hlc", &live_hlc.to_string())?;
    }
    set_meta(conn, RESTORED_UPTO, &held.to_string())?;
    set_meta(conn, RESTORED_NEXT, &next_after.to_string())?;
    let skipped = get_meta_num(conn, SEQ_SKIPPED)?.unwrap_or(0);
    set_meta(conn, SEQ_SKIPPED, &(skipped + next_after - mine.seq).to_string())?;
    for (peer, sent) in &mine.sent {
        let live_sent = live.and_then(|l| l.sent.iter().find(|(p, _)| p == peer)).map_or(0, |(_, n)| *n);
        conn.execute(
            "UPDATE peer SET sent_counter = ?1 WHERE node_id = ?2",
            rusqlite::params![(*sent).max(live_sent).max(secs), peer],
        )?;
    }
    if mine.sent.is_empty() {
        return Ok(None);
    }
    if let Some(me) = get_meta(conn, "node_id")? {
        conn.execute("UPDATE peer_origin SET received = 0 WHERE origin = ?1", [me])?;
    }
    let hq = get_meta(conn, "node_role")?.as_deref() == Some("hq");
    Ok(Some(Resumed { held, next_after, hq }))
}

/// `path` with `suffix` appended to its file name.
pub(crate) fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Removes `path`, which may already be gone.
pub(crate) fn remove_if_exists(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_reaches_sqlcipher_as_a_raw_key_in_its_documented_syntax() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("t.db");
        let key = DbKey::generate().expect("key");
        connect(&path, Some(&key))
            .expect("create")
            .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (42);")
            .expect("write");
        // SQLCipher's documented raw-key form: PRAGMA key = "x'<64 hex digits>'".
        let conn = Connection::open(&path).expect("open");
        conn.execute_batch(&format!("PRAGMA key = \"{}\";", key.pragma().as_str())).expect("key");
        let x: i64 = conn.query_row("SELECT x FROM t", [], |r| r.get(0)).expect("read with the raw key");
        assert_eq!(x, 42);
        // And not as a passphrase: the same text with SQLCipher's passphrase derivation fails.
        let conn = Connection::open(&path).expect("open");
        let text = key.pragma().as_str().replace('\'', "");
        conn.pragma_update(None, "key", &text).expect("key");
        assert!(conn.query_row("SELECT x FROM t", [], |r| r.get::<_, i64>(0)).is_err());
    }
}
