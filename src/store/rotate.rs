//! Changing the database key, as when a user leaves: what they knew of the old key must open
//! nothing written afterwards, and no crash at any moment may lose the database or the way
//! into it.
//!
//! The order: (1) the database is copied, re-encrypted under the new key, to `<db>.rekey`
//! and synced; (2) the new key file (every remaining user's copy sealed to the new key,
//! [`KeyFile::resealed`]) is written aside as `<db>.keys.next`, naming the copy's SQLCipher
//! salt (its first 16 bytes); (3) the connection is closed with its WAL checkpointed and
//! emptied, and the copy renamed over the database; (4) the key file aside renamed over the
//! old one. Every rename is atomic, so after a crash the files say where it stopped, and
//! [`settle`] (run at the next login, the lock held, before the key file is read) finishes
//! or undoes it: the database's salt equal to the one named aside means it was swapped
//! (finish step 4); a complete copy with that salt means it was about to be (finish 3 and
//! 4); anything less is undone, leaving the database under its old key with its old key file.
//!
//! What asked for the change (a user disabled) marks it due in `local_meta` in its own
//! transaction ([`mark_due`]); the mark goes only once the new key is in place. A change
//! undone by [`settle`], or never begun because the process died first, is still due, and
//! the next login makes it ([`is_due`]).

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::error::{Error, Result};
use crate::store::backup::{remove_if_exists, sibling};
use crate::store::keys::{self, DbKey, KeyFile};
use crate::store::{Store, connect, migrate, tune};

/// The `local_meta` key marking a change of key as due.
const DUE: &str = "rekey_due";

/// Marks a change of key as due, in the caller's transaction.
pub fn mark_due(conn: &Connection) -> Result<()> {
    super::set_meta(conn, DUE, "1")
}

/// Whether a change of key is due (asked for, not yet made).
pub fn is_due(conn: &Connection) -> Result<bool> {
    Ok(super::get_meta(conn, DUE)?.is_some())
}

/// The moments of a change of key, in order (a test stops the process after each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The re-encrypted copy is written and synced.
    Copied,
    /// The new key file is written aside.
    KeysAside,
    /// The copy has taken the database's place.
    Swapped,
    /// The new key file has taken the old one's place.
    Done,
}

/// The re-encrypted copy of the database at `db`.
fn copy_path(db: &Path) -> PathBuf {
    sibling(db, ".rekey")
}

/// The key file set aside for the copy.
fn aside_path(db: &Path) -> PathBuf {
    sibling(&keys::path_for(db), ".next")
}

/// The SQLCipher salt of an encrypted file (its first 16 bytes, hex), if it has one.
fn salt_of(file: &Path) -> Result<Option<String>> {
    use std::io::Read;
    let mut head = [0u8; 16];
    match std::fs::File::open(file).and_then(|mut f| f.read_exact(&mut head)) {
        Ok(()) => Ok(Some(keys::hex(&head))),
        Err(e) if matches!(e.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::UnexpectedEof) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Makes a rename in `file`'s folder durable.
fn sync_dir(file: &Path) -> Result<()> {
    #[cfg(unix)]
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// The copy takes the database's place: its WAL and shared memory (emptied by the
/// checkpoint, or made redundant by the copy) go first, so SQLite never replays the old
/// file's frames into the new one.
fn swap_in(db: &Path) -> Result<()> {
    for suffix in ["-wal", "-shm"] {
        remove_if_exists(&sibling(db, suffix))?;
    }
    std::fs::rename(copy_path(db), db)?;
    sync_dir(db)
}

/// Finishes or undoes a change of key that a crash interrupted (see the module's notes).
/// Returns whether the database is now under the new key. Run with the database's lock
/// held, before its key file is read.
pub fn settle(db: &Path) -> Result<bool> {
    let (copy, aside) = (copy_path(db), aside_path(db));
    remove_if_exists(&sibling(&aside, ".tmp"))?;
    let Some(next) = KeyFile::load(&aside)? else {
        remove_if_exists(&copy)?;
        return Ok(false);
    };
    let salt = next.db_salt.clone();
    if salt.is_some() && salt_of(db)? == salt {
        remove_if_exists(&copy)?;
    } else if salt.is_some() && salt_of(&copy)? == salt {
        swap_in(db)?;
    } else {
        remove_if_exists(&copy)?;
        remove_if_exists(&aside)?;
        return Ok(false);
    }
    std::fs::rename(&aside, keys::path_for(db))?;
    sync_dir(db)?;
    Ok(true)
}

impl Store {
    /// Re-encrypts the database under `key` and puts `keys` (every user's copy of `key`)
    /// in place of its key file, in the crash-safe order of this module; `old` is the key
    /// it is under now. `after` is told each step as it completes. Returns whether the
    /// database is now under the new key, and the error if the change did not complete: on
    /// an error the files are settled and the store reopened under whichever key the
    /// database ended with. Once the new key is in place, the change is no longer due.
    pub fn rotate_key(
        &mut self,
        old: &DbKey,
        key: &DbKey,
        keys: &KeyFile,
        after: &mut dyn FnMut(Step),
    ) -> (bool, Result<()>) {
        match self.copy_aside(key, keys, after) {
            Ok(()) => self.swap(old, key, after),
            Err(e) => {
                let cleaned = remove_if_exists(&copy_path(&self.path)).and(remove_if_exists(&aside_path(&self.path)));
                (false, cleaned.and(Err(e)))
            }
        }
    }

    /// Steps 1 and 2: the re-encrypted copy and the key file aside.
    fn copy_aside(&mut self, key: &DbKey, keys: &KeyFile, after: &mut dyn FnMut(Step)) -> Result<()> {
        let db = self.path.clone();
        remove_if_exists(&copy_path(&db))?;
        remove_if_exists(&aside_path(&db))?;
        self.copy_under(key)?;
        after(Step::Copied);
        let salt = salt_of(&copy_path(&db))?.ok_or_else(|| Error::rule("重新加密的数据库副本不完整"))?;
        KeyFile { db_salt: Some(salt), ..keys.clone() }.save(&aside_path(&db))?;
        after(Step::KeysAside);
        Ok(())
    }

    /// Steps 3 and 4, then the store reopened under the key the database ended with.
    fn swap(&mut self, old: &DbKey, key: &DbKey, after: &mut dyn FnMut(Step)) -> (bool, Result<()>) {
        let db = self.path.clone();
        // The connection goes, its WAL checkpointed into the old file and emptied.
        let placeholder = match Connection::open_in_memory() {
            Ok(c) => c,
            Err(e) => return (false, Err(e.into())),
        };
        let conn = std::mem::replace(&mut self.conn, placeholder);
        let closed = conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(Error::from)
            .and_then(|()| conn.close().map_err(|(_, e)| e.into()));
        let swapped = closed.and_then(|()| {
            swap_in(&db)?;
            after(Step::Swapped);
            std::fs::rename(aside_path(&db), keys::path_for(&db))?;
            sync_dir(&db)?;
            after(Step::Done);
            Ok(())
        });
        let (under_new, result) = match swapped {
            Ok(()) => (true, Ok(())),
            Err(e) => match settle(&db) {
                Ok(under_new) => (under_new, Err(e)),
                Err(_) => return (false, Err(e)),
            },
        };
        let reopened = reopen(&db, if under_new { key } else { old }).map(|conn| self.conn = conn);
        let cleared = reopened.and_then(|()| match under_new {
            true => Ok(self.conn.execute("DELETE FROM local_meta WHERE key = ?1", [DUE]).map(drop)?),
            false => Ok(()),
        });
        (under_new, result.and(cleared))
    }

    /// Writes the database, re-encrypted under `key`, to its copy, synced.
    fn copy_under(&self, key: &DbKey) -> Result<()> {
        let copy = copy_path(&self.path);
        let target = copy.to_str().ok_or_else(|| Error::rule("数据库路径含有无法处理的字符"))?;
        let version = migrate::version(&self.conn)?;
        self.conn.execute("ATTACH DATABASE ?1 AS rekeyed KEY ?2", rusqlite::params![target, key.pragma().as_str()])?;
        let exported = self
            .conn
            .query_row("SELECT sqlcipher_export('rekeyed')", [], |_| Ok(()))
            .and_then(|()| self.conn.pragma_update(Some("rekeyed"), "user_version", version));
        self.conn.execute("DETACH DATABASE rekeyed", [])?;
        exported?;
        std::fs::File::open(&copy)?.sync_all()?;
        Ok(())
    }
}

/// The store's connection again, tuned as [`Store::open_encrypted`] tunes it.
fn reopen(db: &Path, key: &DbKey) -> Result<Connection> {
    let conn = connect(db, Some(key))?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    tune(&conn)?;
    Ok(conn)
}
