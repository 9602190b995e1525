//! One process at a time on a post's database: an exclusive lock on `<database>.lock`.
//!
//! SQLite's own locks on Unix are POSIX advisory locks (`fcntl`), and those belong to the
//! process and the file, not to the descriptor that took them: closing *any* descriptor of
//! the database file anywhere in the process drops every lock the process holds on it
//! ("How To Corrupt An SQLite Database File", §2.2). A GTK file dialog that lists the folder
//! holding the database opens and closes the files there to guess their type; from then on
//! another process (a second copy of the app, the command line) takes the database for
//! unused, and when it closes it checkpoints and deletes the WAL the app is still writing
//! to, so what the app saves afterwards is gone once it exits.
//!
//! So a post's database is also held with [`std::fs::File::try_lock`], which is `flock` on
//! Linux (and `LockFileEx` on Windows): that lock belongs to the open file description that
//! took it, and other descriptors of the lock file or of the database, opened and closed
//! anywhere in the process, leave it alone. Every process that opens a post's database
//! through [`crate::store::Store::open`] or [`crate::store::Store::open_encrypted`] takes it
//! first, and one that cannot is refused with [`Error::InUse`] before it reads a byte of
//! the database. While one process holds it no other of ours opens the file, so losing
//! SQLite's locks inside that process can no longer let anyone delete its WAL.
//!
//! Inside one process the lock is shared: a second [`DbLock::acquire`] of the same
//! database (a restore or the first admin reopening it, a test with two stores) joins the
//! one held, and the file is unlocked when the last holder is dropped. SQLite coordinates
//! the connections of one process itself. HQ's node, whose `serve` and `bundle import`
//! share a file on purpose, opens without it (`Store::open_shared`).
//!
//! The lock file stays after use and is never deleted (a process could otherwise lock a
//! new file of the same name while another still holds the old one). It holds the process
//! id and program name of its holder, for the refusal to name.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::store::backup::sibling;

/// How long a process waits for a lock that its holder has let go of but that still looks
/// held. A process that forks a child (the app starting a viewer, a test starting the
/// command line) shares every open file description, the lock's included, with the child
/// until the child starts its program, so a lock just released can look held for that
/// moment (longer on a busy machine). A holder that has not let go is refused at once.
const PATIENCE: Duration = Duration::from_secs(5);

/// The lock file that belongs to the database at `db`.
pub fn path_for(db: &Path) -> PathBuf {
    sibling(db, ".lock")
}

/// This process's hold on a database; the database is unlocked when the last `DbLock` for
/// it in the process is dropped.
#[derive(Debug)]
pub struct DbLock {
    /// The lock file, canonical: the key of the process's table of held locks.
    key: PathBuf,
}

/// A lock file this process has locked, and how many [`DbLock`]s share it.
struct Held {
    key: PathBuf,
    /// Closing it (at the last holder's drop) releases the lock.
    file: File,
    holders: usize,
}

/// Every database this process holds.
static HELD: Mutex<Vec<Held>> = Mutex::new(Vec::new());

fn held() -> MutexGuard<'static, Vec<Held>> {
    // The table is consistent after any panic (each change is one push, one counter or one
    // removal), so a poisoned lock is still usable.
    HELD.lock().unwrap_or_else(|e| e.into_inner())
}

impl DbLock {
    /// Takes the database at `db` for this process, or joins the hold it already has.
    /// Refused with [`Error::InUse`], naming the holder, while another process has it.
    pub fn acquire(db: &Path) -> Result<DbLock> {
        if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let path = path_for(db);
        let mut file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path)?;
        let key = std::fs::canonicalize(&path)?;
        let mut held = held();
        if let Some(h) = held.iter_mut().find(|h| h.key == key) {
            h.holders += 1;
            // `file` is closed here: a second open file description, whose closing leaves
            // the lock taken through the first in place.
            return Ok(DbLock { key });
        }
        let asked = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) => {
                    // A holder names itself in the file as soon as it has the lock and
                    // clears the name before it lets go: no name means on its way out.
                    let holder = std::fs::read_to_string(&path).unwrap_or_default();
                    if !holder.trim().is_empty() || asked.elapsed() >= PATIENCE {
                        return Err(in_use(db, holder.trim()));
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(TryLockError::Error(e)) => return Err(e.into()),
            }
        }
        // Who holds it, for a refusal to name; the lock holds without it.
        let _ = file.set_len(0).and_then(|()| file.write_all(holder().as_bytes()));
        held.push(Held { key: key.clone(), file, holders: 1 });
        Ok(DbLock { key })
    }
}

impl Clone for DbLock {
    fn clone(&self) -> Self {
        if let Some(h) = held().iter_mut().find(|h| h.key == self.key) {
            h.holders += 1;
        }
        DbLock { key: self.key.clone() }
    }
}

impl Drop for DbLock {
    fn drop(&mut self) {
        let mut held = held();
        if let Some(i) = held.iter().position(|h| h.key == self.key) {
            held[i].holders -= 1;
            if held[i].holders == 0 {
                // Unnamed first: a process waiting for the lock then knows it is coming free.
                let _ = held[i].file.set_len(0);
                held.swap_remove(i);
            }
        }
    }
}

/// `<process id> <program name>`, as the lock file records its holder.
fn holder() -> String {
    let program = std::env::current_exe()
        .ok()
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_default();
    format!("{} {program}\n", std::process::id())
}

/// The refusal for a database another process holds, naming it when the lock file says
/// (`holder`, as [`holder`] wrote it).
fn in_use(db: &Path, holder: &str) -> Error {
    let who = match holder.split_once(' ') {
        Some((pid, program)) if !pid.is_empty() => format!("（{}，进程号 {pid}）", program_label(program)),
        _ => String::new(),
    };
    Error::InUse {
        message: format!(
            "数据库 {} 正在被另一个程序使用{who}。同一个数据库同一时间只能由一个程序打开，请先关闭那个程序再试",
            db.display()
        ),
    }
}

/// What an officer calls the program named `program`.
fn program_label(program: &str) -> String {
    match program {
        "fengqiao-desk" => "枫桥警务台账桌面程序".into(),
        "fengqiao" => "命令行工具 fengqiao".into(),
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(db: &Path) -> usize {
        let key = std::fs::canonicalize(path_for(db)).expect("lock file");
        held().iter().find(|h| h.key == key).map_or(0, |h| h.holders)
    }

    #[test]
    fn holders_in_one_process_share_the_lock_and_the_last_one_releases_it() {
        let dir = tempfile::tempdir().expect("dir");
        let db = dir.path().join("sub").join("post.db");
        let first = DbLock::acquire(&db).expect("first");
        // Through another spelling of the same path.
        let second = DbLock::acquire(&dir.path().join("sub/../sub/post.db")).expect("second");
        let third = second.clone();
        assert_eq!(count(&db), 3);
        drop(first);
        drop(second);
        assert_eq!(count(&db), 1);
        // Still held: another open file description cannot take it.
        let other = File::options().read(true).write(true).open(path_for(&db)).expect("open");
        assert!(matches!(other.try_lock(), Err(TryLockError::WouldBlock)));
        drop(third);
        assert_eq!(count(&db), 0);
        // Free once the last holder is gone (give a child forked meanwhile by another test
        // its moment to let go of the description).
        let asked = Instant::now();
        while let Err(TryLockError::WouldBlock) = other.try_lock() {
            assert!(asked.elapsed() < PATIENCE, "the lock stayed after the last holder was dropped");
            std::thread::sleep(PATIENCE / 50);
        }
    }

    #[test]
    fn closing_another_descriptor_of_the_lock_file_or_the_database_keeps_the_lock() {
        let dir = tempfile::tempdir().expect("dir");
        let db = dir.path().join("post.db");
        std::fs::write(&db, b"").expect("db");
        let _held = DbLock::acquire(&db).expect("lock");
        // What a file dialog does to the files in the folder it lists.
        drop(File::open(&db).expect("db"));
        drop(File::open(path_for(&db)).expect("lock file"));
        let other = File::options().read(true).write(true).open(path_for(&db)).expect("open");
        assert!(matches!(other.try_lock(), Err(TryLockError::WouldBlock)));
    }

    #[test]
    fn a_holder_names_itself_in_the_lock_file_for_the_refusal_and_clears_the_name_as_it_lets_go() {
        let dir = tempfile::tempdir().expect("dir");
        let db = dir.path().join("post.db");
        let held = DbLock::acquire(&db).expect("lock");
        let named = std::fs::read_to_string(path_for(&db)).expect("read");
        assert!(named.starts_with(&format!("{} ", std::process::id())), "{named}");
        let e = in_use(&db, "4242 fengqiao-desk");
        assert_eq!(e.code(), "in_use");
        assert!(e.to_string().contains("正在被另一个程序使用（枫桥警务台账桌面程序，进程号 4242）"), "{e}");
        assert!(in_use(&db, "").to_string().contains("正在被另一个程序使用。"));
        drop(held);
        assert_eq!(std::fs::read_to_string(path_for(&db)).expect("read"), "");
    }
}
