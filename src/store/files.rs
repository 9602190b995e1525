//! The gate for every file the core writes or reads for a caller: documents, ledgers,
//! bundles, enrollment files, backups, rosters. Every method that takes a path goes through
//! [`output`] / [`write()`] or [`read`], so no method can be pointed at the database's own
//! files, whoever calls it (the desk, the CLI run as root, HQ).
//!
//! A writer:
//! - creates only its own kind of file: the name must end with the kind's extension;
//! - never touches the database or anything beside it whose name begins with the
//!   database's file name (`-wal`, `-shm`, `.keys`, a lock file, the copies a restore keeps);
//! - never replaces an existing file unless the caller says so (`overwrite`: the desk's save
//!   dialog has asked the officer; the CLI's `--overwrite`), and then only a regular file
//!   (not a link, a folder or a device);
//! - writes into a new temporary file in the same folder (created exclusively, readable by
//!   its owner only), flushed to disk, then renamed into place: a pulled USB stick or a crash
//!   never leaves half a file under the real name, and without `overwrite` the rename itself
//!   refuses a name that exists by then (no window between the check and the write).
//!
//! A reader takes only its own kinds, never the database's files (also through a link),
//! and at most the size its kind can have.
//!
//! Refusals are validation errors on the caller's field, in Chinese, saying which rule
//! refused and nothing about the rest of the disk. What this does not do: decide which
//! folders a user may write to (the operating system's permissions do), or stop a user
//! from overwriting their own documents of the same kind once they confirm it.

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A kind of file the core writes or reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A printed document or monthly report.
    Pdf,
    /// A ledger, a report or a household roster.
    Xlsx,
    /// A sync bundle.
    Bundle,
    /// A post's enrollment request.
    EnrollRequest,
    /// HQ's enrollment reply.
    EnrollReply,
    /// A database backup.
    Backup,
    /// The key file written beside a backup.
    BackupKeys,
    /// A photo or a scan to attach to a record (read only; its type is then told from its
    /// bytes, `model::attachment`).
    Attachment,
}

impl Kind {
    /// The extension a file of this kind has (without the dot): the first of
    /// [`Kind::extensions`].
    pub fn extension(self) -> &'static str {
        self.extensions()[0]
    }

    /// The extensions a file of this kind may have.
    pub fn extensions(self) -> &'static [&'static str] {
        if self == Kind::Attachment {
            return &["jpg", "jpeg", "png", "pdf"];
        }
        std::slice::from_ref(match self {
            Kind::Pdf => &"pdf",
            Kind::Xlsx => &"xlsx",
            Kind::Bundle => &"fqsync",
            Kind::EnrollRequest => &"fqreq",
            Kind::EnrollReply => &"fqreply",
            Kind::Backup => &"db",
            Kind::BackupKeys => &"keys",
            Kind::Attachment => unreachable!("handled above"),
        })
    }

    /// What it is called, for messages.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Pdf => "PDF 文件",
            Kind::Xlsx => "Excel 文件",
            Kind::Bundle => "同步包",
            Kind::EnrollRequest => "登记申请",
            Kind::EnrollReply => "登记回执",
            Kind::Backup => "数据库备份",
            Kind::BackupKeys => "备份的密钥文件",
            Kind::Attachment => "照片或扫描件",
        }
    }

    /// The largest file of this kind a reader takes.
    pub fn max_bytes(self) -> u64 {
        const MIB: u64 = 1 << 20;
        match self {
            // A county's roster of several thousand households is a few MB.
            Kind::Pdf | Kind::Xlsx => 64 * MIB,
            // A whole post's decade fits well below this (HQ takes the same over HTTP).
            Kind::Bundle | Kind::Backup => 1 << 30,
            // Two public keys and a name.
            Kind::EnrollRequest | Kind::EnrollReply | Kind::BackupKeys => 64 * 1024,
            // The largest a photo or scan may be (`model::attachment::MAX_FILE`).
            Kind::Attachment => crate::model::attachment::MAX_FILE as u64,
        }
    }

    /// Whether `path`'s name ends with this kind's extension (in any case).
    pub fn matches(self, path: &Path) -> bool {
        path.extension()
            .and_then(OsStr::to_str)
            .is_some_and(|e| self.extensions().iter().any(|x| e.eq_ignore_ascii_case(x)))
    }
}

/// The database whose files no caller may write over or read: its folder and file name.
#[derive(Debug, Clone)]
pub struct Protected {
    dir: PathBuf,
    name: String,
}

impl Protected {
    /// The files of the database at `db`: itself and whatever beside it has a name that
    /// begins with its own.
    pub fn of(db: &Path) -> Protected {
        let dir = db.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        Protected { dir: resolve_dir(dir), name: fold(db.file_name().unwrap_or_default()) }
    }

    fn covers(&self, dir: &Path, name: &OsStr) -> bool {
        dir == self.dir && fold(name).starts_with(&self.name)
    }
}

/// A file name compared without regard to case: the desk also runs on Windows, whose disks
/// take `FENGQIAO.DB.KEYS` for `fengqiao.db.keys`.
fn fold(name: &OsStr) -> String {
    name.to_string_lossy().to_lowercase()
}

/// A folder as the file system has it (links resolved), or as given when it cannot be.
fn resolve_dir(dir: &Path) -> PathBuf {
    std::fs::canonicalize(dir).unwrap_or_else(|_| std::path::absolute(dir).unwrap_or_else(|_| dir.to_owned()))
}

fn shown(path: &Path) -> String {
    path.file_name().unwrap_or(path.as_os_str()).to_string_lossy().into_owned()
}

/// A file being written: a temporary file beside its target, put in place by
/// [`Output::finish`] (and removed if it never is).
#[derive(Debug)]
pub struct Output {
    tmp: tempfile::NamedTempFile,
    target: PathBuf,
    overwrite: bool,
    field: String,
}

/// Checks that a file of `kind` may be written at `path` (the caller's `field`) beside the
/// database `db`, and opens its temporary file.
pub fn output(db: &Protected, kind: Kind, field: &str, path: &Path, overwrite: bool) -> Result<Output> {
    let target = check(db, kind, field, path, overwrite)?;
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".part")
        .tempfile_in(dir)
        .map_err(|e| Error::validation(field, format!("无法在保存位置创建文件：{e}")))?;
    Ok(Output { tmp, target, overwrite, field: field.to_owned() })
}

/// The checks of [`output`] without making anything: where the file would go (its folder
/// resolved), or why it may not.
pub fn check(db: &Protected, kind: Kind, field: &str, path: &Path, overwrite: bool) -> Result<PathBuf> {
    let bad = |message: String| Error::validation(field, message);
    if path.as_os_str().is_empty() || path.file_name().is_none() {
        return Err(bad("请选择保存位置和文件名".into()));
    }
    if !kind.matches(path) {
        return Err(bad(format!("{}的文件名应以 .{} 结尾，不能保存为其他类型的文件", kind.label(), kind.extension())));
    }
    let parent = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let dir = match std::fs::canonicalize(parent) {
        Ok(d) if d.is_dir() => d,
        _ => return Err(bad("保存位置的文件夹不存在，请重新选择".into())),
    };
    let name = path.file_name().unwrap_or_default();
    if db.covers(&dir, name) {
        return Err(bad("不能写在数据库文件或与它放在一起的日志、密钥、锁文件上，请换一个文件名".into()));
    }
    let target = dir.join(name);
    match std::fs::symlink_metadata(&target) {
        Ok(m) if !m.file_type().is_file() => {
            return Err(bad(format!("“{}”不是普通文件，不能覆盖，请换一个文件名", shown(path))));
        }
        Ok(_) if !overwrite => return Err(exists(field, path)),
        _ => {}
    }
    Ok(target)
}

fn exists(field: &str, path: &Path) -> Error {
    Error::validation(
        field,
        format!("文件“{}”已存在；如要替换，请在保存时确认覆盖（命令行加 --overwrite）", shown(path)),
    )
}

impl Output {
    /// The temporary file's path, for a writer that opens the file by name (SQLite).
    pub fn temp_path(&self) -> &Path {
        self.tmp.path()
    }

    /// Where the file goes.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// The folder the file goes in (resolved).
    pub fn folder(&self) -> &Path {
        self.target.parent().unwrap_or(Path::new("."))
    }

    /// The temporary file, for a writer that writes and seeks (a zip).
    pub fn file_mut(&mut self) -> &mut std::fs::File {
        self.tmp.as_file_mut()
    }

    /// Appends `bytes` to the temporary file.
    pub fn write_all(&mut self, bytes: &[u8]) -> Result<()> {
        self.tmp.as_file_mut().write_all(bytes)?;
        Ok(())
    }

    /// Flushes the file to disk and renames it into place; returns where it now is.
    pub fn finish(self) -> Result<PathBuf> {
        self.tmp.as_file().sync_all()?;
        let Output { tmp, target, overwrite, field } = self;
        let done = if overwrite { tmp.persist(&target) } else { tmp.persist_noclobber(&target) };
        match done {
            Ok(_) => Ok(target),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Err(exists(&field, &target)),
            Err(e) => Err(e.error.into()),
        }
    }
}

/// Writes `bytes` as a file of `kind` at `path` (see [`output`]); returns where it went.
pub fn write(db: &Protected, kind: Kind, field: &str, path: &Path, overwrite: bool, bytes: &[u8]) -> Result<PathBuf> {
    let mut out = output(db, kind, field, path, overwrite)?;
    out.write_all(bytes)?;
    out.finish()
}

/// Checks that `path` (the caller's `field`) is a readable file of `kind`, not one of the
/// database's files; returns its resolved path.
pub fn input(db: &Protected, kind: Kind, field: &str, path: &Path) -> Result<PathBuf> {
    let bad = |message: String| Error::validation(field, message);
    if path.as_os_str().is_empty() {
        return Err(bad("请选择文件".into()));
    }
    if !kind.matches(path) {
        let ends = kind.extensions().iter().map(|e| format!(".{e}")).collect::<Vec<_>>().join("、");
        return Err(bad(format!("请选择{}（文件名以 {ends} 结尾）", kind.label())));
    }
    let real = std::fs::canonicalize(path)
        .map_err(|e| bad(format!("无法读取{}“{}”：{}", kind.label(), shown(path), io_reason(&e))))?;
    let dir = real.parent().unwrap_or(Path::new("/"));
    if db.covers(dir, real.file_name().unwrap_or_default()) {
        return Err(bad("不能读取数据库文件或与它放在一起的日志、密钥、锁文件".into()));
    }
    let meta = std::fs::metadata(&real)?;
    if !meta.is_file() {
        return Err(bad(format!("“{}”不是文件", shown(path))));
    }
    if meta.len() > kind.max_bytes() {
        return Err(bad(format!(
            "文件“{}”过大（{:.1} MB），不是有效的{}",
            shown(path),
            meta.len() as f64 / 1_048_576.0,
            kind.label()
        )));
    }
    Ok(real)
}

/// Reads a whole file of `kind` (see [`input`]).
pub fn read(db: &Protected, kind: Kind, field: &str, path: &Path) -> Result<Vec<u8>> {
    let real = input(db, kind, field, path)?;
    let mut bytes = Vec::new();
    // Bounded again while reading: the file may grow after it was measured.
    std::fs::File::open(&real).and_then(|f| f.take(kind.max_bytes() + 1).read_to_end(&mut bytes)).map_err(|e| {
        Error::validation(field, format!("无法读取{}“{}”：{}", kind.label(), shown(path), io_reason(&e)))
    })?;
    if bytes.len() as u64 > kind.max_bytes() {
        return Err(Error::validation(field, format!("文件“{}”过大，不是有效的{}", shown(path), kind.label())));
    }
    Ok(bytes)
}

fn io_reason(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::NotFound => "找不到文件",
        std::io::ErrorKind::PermissionDenied => "没有读取权限",
        _ => "读取失败",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (tempfile::TempDir, PathBuf, Protected) {
        let dir = tempfile::tempdir().expect("dir");
        let db = dir.path().join("fengqiao.db");
        std::fs::write(&db, b"db").expect("db");
        std::fs::write(dir.path().join("fengqiao.db.keys"), b"keys").expect("keys");
        let guard = Protected::of(&db);
        (dir, db, guard)
    }

    fn refused(r: Result<PathBuf>) -> String {
        match r {
            Err(Error::Validation { field, message }) => {
                assert_eq!(field, "path");
                message
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_writer_keeps_to_its_kind_and_off_the_databases_files() {
        let (dir, _db, g) = setup();
        let d = dir.path();
        let w = |name: &str, overwrite: bool| write(&g, Kind::Pdf, "path", &d.join(name), overwrite, b"%PDF");
        assert!(refused(w("fengqiao.db.keys", true)).contains(".pdf 结尾"));
        assert!(refused(w("fengqiao.db.keys.pdf", true)).contains("数据库文件"));
        assert!(refused(w("FENGQIAO.DB-wal.PDF", true)).contains("数据库文件"));
        assert!(refused(w("nowhere/x.pdf", false)).contains("文件夹不存在"));
        assert_eq!(std::fs::read(d.join("fengqiao.db.keys")).expect("keys"), b"keys");
        // Through a link to the folder: still the database's folder.
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(d, d.join("link")).expect("link");
            assert!(refused(w("link/fengqiao.db.lock.pdf", true)).contains("数据库文件"));
        }
        let out = w("协议书.pdf", false).expect("written");
        assert_eq!(std::fs::read(&out).expect("read"), b"%PDF");
        assert!(refused(w("协议书.pdf", false)).contains("已存在"));
        write(&g, Kind::Pdf, "path", &d.join("协议书.pdf"), true, b"%PDF-2").expect("overwritten");
        assert_eq!(std::fs::read(&out).expect("read"), b"%PDF-2");
        // No temporary file is left behind, written or refused.
        let left: Vec<String> = std::fs::read_dir(d)
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".part"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn without_overwrite_a_name_taken_meanwhile_is_not_replaced() {
        let (dir, _db, g) = setup();
        let target = dir.path().join("台账.xlsx");
        let mut out = output(&g, Kind::Xlsx, "path", &target, false).expect("checked");
        out.write_all(b"new").expect("write");
        std::fs::write(&target, b"someone else's").expect("race");
        assert!(refused(out.finish()).contains("已存在"));
        assert_eq!(std::fs::read(&target).expect("read"), b"someone else's");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_never_overwritten() {
        let (dir, db, g) = setup();
        let link = dir.path().join("up.fqsync");
        std::os::unix::fs::symlink(&db, &link).expect("link");
        assert!(refused(write(&g, Kind::Bundle, "path", &link, true, b"x")).contains("不是普通文件"));
        assert_eq!(std::fs::read(&db).expect("db"), b"db");
        // Nor is the database read through one.
        assert!(refused(read(&g, Kind::Bundle, "path", &link).map(|_| PathBuf::new())).contains("数据库文件"));
    }

    #[test]
    fn a_reader_takes_its_own_kind_within_its_size() {
        let (dir, db, g) = setup();
        let d = dir.path();
        assert!(refused(read(&g, Kind::Bundle, "path", &db).map(|_| PathBuf::new())).contains(".fqsync"));
        let reply = d.join("a.fqreply");
        std::fs::write(&reply, vec![b' '; 70 * 1024]).expect("big");
        assert!(refused(read(&g, Kind::EnrollReply, "path", &reply).map(|_| PathBuf::new())).contains("过大"));
        let missing = read(&g, Kind::Bundle, "path", &d.join("none.fqsync")).map(|_| PathBuf::new());
        assert!(refused(missing).contains("无法读取同步包“none.fqsync”：找不到文件"));
        std::fs::write(d.join("b.fqsync"), b"FQSYNC").expect("bundle");
        assert_eq!(read(&g, Kind::Bundle, "path", &d.join("b.fqsync")).expect("read"), b"FQSYNC");
    }
}
