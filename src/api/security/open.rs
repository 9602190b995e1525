//! Opening a database: the first admin, a login, a restore, the key file and failed logins.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{Session, Who};
use crate::api::Api;
use crate::error::{Error, Result};
use crate::model::Role;
use crate::model::auth::{self, Policy};
use crate::model::time::stamp;
use crate::model::time::{Clock, FixedClock, SystemClock};
use crate::store::audit::Event;
use crate::store::backup::{self, BackupReport};
use crate::store::keys::{self, DbKey, KeyFile};
use crate::store::lock::DbLock;
use crate::store::user::{self, NewUser};
use crate::store::{Store, files, rotate};

impl Api {
    /// The clock a shell (the CLI, the desk) opens the database at `db` with: the system's.
    /// `FENGQIAO_NOW` (an RFC 3339 instant or a Beijing time) fixes it for scripted checks and
    /// demonstrations, but only for a database in setup mode (no key file beside it): a
    /// secured database never takes it, so no user can backdate audit entries, lift a
    /// lockout early or stamp changes in another year with it. Creating the first admin and
    /// restoring a backup make a secured database, so shells give those the system clock.
    pub fn clock_for(db: &Path) -> Result<Arc<dyn Clock>> {
        if keys::path_for(db).exists() {
            return Ok(Arc::new(SystemClock));
        }
        match std::env::var("FENGQIAO_NOW") {
            Ok(s) => {
                let t = crate::model::time::parse_instant(&s).ok_or_else(|| {
                    Error::validation("FENGQIAO_NOW", format!("环境变量 FENGQIAO_NOW 的时间“{s}”无法识别"))
                })?;
                Ok(Arc::new(FixedClock::new(t)))
            }
            Err(_) => Ok(Arc::new(SystemClock)),
        }
    }

    /// First run: creates the first station admin, generates the database key, wraps it
    /// for the admin, and encrypts the database at `path` (creating it, or encrypting a
    /// plain one in place, e.g. after demo data). Returns the api logged in as the admin.
    pub fn create_admin(path: &Path, clock: Arc<dyn Clock>, login: &str, password: &str) -> Result<Api> {
        let now = clock.now();
        let mut api = Api::encrypt_for(path, clock, login, password)?;
        let id = uuid::Uuid::now_v7().to_string();
        let new =
            NewUser { login, name: None, officer_id: None, role: Role::StationAdmin, must_change_password: false };
        user::insert(api.store.conn(), &id, &new, now, None)?;
        api.audit(
            now,
            Event {
                login: Some(login),
                action: "create",
                tbl: Some("app_user"),
                row_id: Some(&id),
                detail: Some("首次运行：创建管理员，数据库已加密"),
            },
        )?;
        api.begin_session(login, now)?;
        Ok(api)
    }

    /// The first user of a database: generates the database key, wraps it for `login`
    /// under `password`, and encrypts the database at `path` (creating it, or converting a
    /// plain one in place). Returns the api open on it, with no session yet.
    pub(crate) fn encrypt_for(path: &Path, clock: Arc<dyn Clock>, login: &str, password: &str) -> Result<Api> {
        auth::check_login("login", login)?;
        auth::check_password("password", password, login)?;
        // Held from the check of the plain file to the encrypted store's opening.
        let _held = DbLock::acquire(path)?;
        let key_path = keys::path_for(path);
        if KeyFile::load(&key_path)?.is_some_and(|f| !f.users.is_empty()) {
            return Err(Error::rule("该数据库已设置管理员；如需新增用户，请管理员登录后添加"));
        }
        if path.exists() {
            // A file that is not plain SQLite (encrypted, its key file lost) must be refused
            // before a new key file is written beside it.
            drop(crate::store::connect(path, None)?);
        } else if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let key = DbKey::generate()?;
        // The key file first: if we stop half-way, the key is not lost.
        let mut kf = KeyFile::default();
        kf.wrap_for(login, password, &key)?;
        kf.save(&key_path)?;
        if path.exists() {
            backup::encrypt_plain_file(path, &key)?;
        }
        let store = Store::open_encrypted(path, clock, &key)?;
        Ok(Api::secured(store, key))
    }

    /// Opens the encrypted database at `path` as `login`: the password unwraps the
    /// database key (failures count towards the lockout), the session starts, and the
    /// login is audited.
    pub fn open_as(path: &Path, clock: Arc<dyn Clock>, login: &str, password: &str) -> Result<Api> {
        // Before the key file is read: another process may be rewriting it.
        let _held = DbLock::acquire(path)?;
        // A change of key a crash interrupted is finished or undone first.
        rotate::settle(path)?;
        let key_path = keys::path_for(path);
        let Some(mut kf) = KeyFile::load(&key_path)? else {
            return Err(Error::unauthenticated(format!(
                "数据库 {} 尚未设置用户（未加密）；请先运行 fengqiao init --admin 用户名",
                path.display()
            )));
        };
        let now = clock.now();
        let key = kf.attempt(&key_path, login, password, now, &Policy::default())?;
        let store = Store::open_encrypted(path, clock, &key)?;
        let mut api = Api::secured(store, key);
        api.flush_failed_logins(&mut kf, &key_path)?;
        api.begin_session(login, now)?;
        if rotate::is_due(api.store.conn())? {
            // A change of key asked for (a user disabled) and cut short by a crash. If it
            // fails again it stays due, for the next login; the login itself goes ahead.
            let _ = api.rotate_key("上次更换数据库密钥未完成，登录时已重新更换", &mut |_| {});
        }
        Ok(api)
    }

    /// Restores the backup `file` over the database at `db`, as `login`, who must be a
    /// station admin in the backup and whose password (as it was then) unwraps the
    /// backup's key. Returns the api open on the restored database.
    pub fn restore(
        file: &Path,
        db: &Path,
        clock: Arc<dyn Clock>,
        login: &str,
        password: &str,
    ) -> Result<(Api, BackupReport)> {
        // Held from before the old file is moved aside until the restored one is open.
        let _held = DbLock::acquire(db)?;
        // Through the file gate: a backup (.db) with its key file, never the live database.
        let live = files::Protected::of(db);
        let file = &files::input(&live, files::Kind::Backup, "file", file)?;
        let key_path = keys::path_for(file);
        files::input(&live, files::Kind::BackupKeys, "file", &key_path).map_err(|_| {
            Error::validation("file", "找不到备份的密钥文件（应与备份放在一起，文件名为备份名加 .keys）")
        })?;
        Api::restore_as(file, db, clock, &RESTORE_POST, login, password, |clock, _key| {
            Api::open_as(db, clock, login, password)
        })
    }

    /// The part of a restore the post and HQ share: unwraps the backup's key from the key
    /// file beside `file` with `password` (as it was on the backup's day), asks the backup
    /// itself whether `login` is an enabled admin there (`kind`), puts it in place of `db`
    /// ([`backup::restore`] checks it first and keeps the replaced file), reopens it with
    /// `reopen` and audits the restore in it.
    pub(crate) fn restore_as(
        file: &Path,
        db: &Path,
        clock: Arc<dyn Clock>,
        kind: &RestoreKind,
        login: &str,
        password: &str,
        reopen: impl FnOnce(Arc<dyn Clock>, DbKey) -> Result<Api>,
    ) -> Result<(Api, BackupReport)> {
        let key_path = keys::path_for(file);
        let kf = KeyFile::load(&key_path)?
            .ok_or_else(|| Error::validation("file", format!("找不到备份的密钥文件 {}", key_path.display())))?;
        let key = kf.unwrap_key(login, password)?;
        let admin = {
            let conn = crate::store::connect(file, Some(&key))?;
            (kind.is_admin)(&conn, login)?
        };
        if !admin {
            return Err(Error::Forbidden { message: kind.refusal.into() });
        }
        let now = clock.now();
        let report = backup::restore(file, &key, db, now)?;
        let api = reopen(clock, key)?;
        let detail = format!("从备份 {} 恢复{}", file.display(), kind.what);
        api.audit(now, Event { login: Some(login), action: "restore", detail: Some(&detail), ..Default::default() })?;
        Ok((api, report))
    }

    /// Restores a backup over this open database, as the running app does: only in setup
    /// mode (a fresh install bringing its post's data back) or for a logged-in station
    /// admin. The database is closed for the copy ([`Api::restore`] checks the backup and
    /// keeps the replaced file). On success the restored database comes back open and
    /// logged in as `login`; on failure the unchanged old one is reopened where it can be
    /// (plain, or with the same login and password), else `None`: it needs a login.
    pub fn restore_open(self, file: &Path, login: &str, password: &str) -> (Result<BackupReport>, Option<Api>) {
        let allowed =
            !self.is_secured() || self.session.as_ref().is_some_and(|s| s.post_role() == Some(Role::StationAdmin));
        if !allowed {
            return (Err(Error::Forbidden { message: "只有所长/管理员可以恢复备份".into() }), Some(self));
        }
        let path = self.store.path().to_owned();
        let clock = self.store.shared_clock();
        let was_secured = self.is_secured();
        // The process keeps the database while it is closed for the copy.
        let _held = match DbLock::acquire(&path) {
            Ok(held) => held,
            Err(e) => return (Err(e), Some(self)),
        };
        drop(self);
        match Api::restore(file, &path, clock.clone(), login, password) {
            Ok((api, report)) => (Ok(report), Some(api)),
            Err(e) => {
                let again =
                    if was_secured { Api::open_as(&path, clock, login, password) } else { Api::open(&path, clock) };
                (Err(e), again.ok())
            }
        }
    }

    pub(crate) fn secured(store: Store, key: DbKey) -> Api {
        Api { key: Some(key), ..Api::plain(store) }
    }

    /// Sets the lockout and idle-timeout policy (the defaults suit most posts).
    pub fn set_policy(&mut self, policy: Policy) {
        self.policy = policy;
    }

    /// Whether the database is encrypted and needs a login (false in setup mode).
    pub fn is_secured(&self) -> bool {
        self.key.is_some()
    }

    /// The current session, if someone is logged in.
    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    pub(crate) fn key_path(&self) -> PathBuf {
        keys::path_for(self.store.path())
    }

    /// Audits a refused login (`detail` for the log) and returns the refusal (`message`).
    pub(crate) fn refuse_login(&self, now: DateTime<Utc>, login: &str, detail: &str, message: &str) -> Result<Error> {
        self.audit(
            now,
            Event { login: Some(login), action: "login_failed", detail: Some(detail), ..Default::default() },
        )?;
        Ok(Error::unauthenticated(message))
    }

    /// Wraps the database key for `login` under `password` in the key file (replacing any
    /// copy it had) together with `row`, the login's row written in the same transaction:
    /// the key file is saved just before the commit, so nothing is half-done if either fails.
    pub(crate) fn wrap_key_with<T>(
        &self,
        login: &str,
        password: &str,
        row: impl FnOnce(&rusqlite::Connection) -> Result<T>,
    ) -> Result<T> {
        let key = self.require_key()?;
        let key_path = self.key_path();
        let mut kf = KeyFile::load(&key_path)?.unwrap_or_default();
        kf.wrap_for(login, password, &key)?;
        let tx = self.store.conn().unchecked_transaction()?;
        let out = row(&tx)?;
        kf.save(&key_path)?;
        tx.commit()?;
        Ok(out)
    }

    /// Makes the login `login` with `password` (both checked first): `insert` writes its row,
    /// given a new row id, now and the login creating it, and the key is wrapped for it in
    /// the same step ([`Api::wrap_key_with`]). The post's and HQ's user creation share it.
    pub(crate) fn create_login<T>(
        &self,
        login: &str,
        password: &str,
        insert: impl FnOnce(&rusqlite::Connection, &str, DateTime<Utc>, Option<&str>) -> Result<T>,
    ) -> Result<T> {
        auth::check_login("login", login)?;
        auth::check_password("password", password, login)?;
        let by = self.session.as_ref().map(|s| s.login.clone());
        let now = self.store.clock().now();
        let id = uuid::Uuid::now_v7().to_string();
        self.wrap_key_with(login, password, |tx| insert(tx, &id, now, by.as_deref()))
    }

    /// Removes `login`'s copy of the database key (that password no longer opens anything)
    /// together with `row`, as [`Api::wrap_key_with`].
    pub(crate) fn drop_key_with(
        &self,
        login: &str,
        row: impl FnOnce(&rusqlite::Connection) -> Result<()>,
    ) -> Result<()> {
        let key_path = self.key_path();
        let mut kf = KeyFile::load(&key_path)?.unwrap_or_default();
        kf.remove(login);
        let tx = self.store.conn().unchecked_transaction()?;
        row(&tx)?;
        kf.save(&key_path)?;
        tx.commit()?;
        Ok(())
    }

    /// Refuses a change of one's own password when `old` does not unwrap `login`'s copy of
    /// the key, or when `new` is the same as `old`.
    pub(crate) fn check_old_password(&self, login: &str, old: &str, new: &str) -> Result<()> {
        let kf = KeyFile::load(&self.key_path())?.unwrap_or_default();
        if kf.unwrap_key(login, old).is_err() {
            return Err(Error::validation("old_password", "原密码不正确"));
        }
        if old == new {
            return Err(Error::validation("new_password", "新密码不能与原密码相同"));
        }
        Ok(())
    }

    /// `users` (a post's or the county's logins) with the instant each is locked until now
    /// (RFC 3339) filled in from the key file, read once; none when there is no key file.
    /// `fields` gives a user's login and its `locked_until`.
    pub(crate) fn with_locks<U>(
        &self,
        mut users: Vec<U>,
        fields: fn(&mut U) -> (&str, &mut Option<String>),
    ) -> Result<Vec<U>> {
        let kf = KeyFile::load(&self.key_path())?;
        let now = self.store.clock().now();
        for u in &mut users {
            let (login, locked_until) = fields(u);
            *locked_until = kf.as_ref().and_then(|kf| kf.locked_until(login, now)).map(stamp);
        }
        Ok(users)
    }

    /// Clears `login`'s lock and failure count in the key file.
    pub(crate) fn unlock_login(&self, login: &str) -> Result<()> {
        let key_path = self.key_path();
        let mut kf = KeyFile::load(&key_path)?.unwrap_or_default();
        if kf.unlock(login) {
            kf.save(&key_path)?;
        }
        Ok(())
    }

    pub(super) fn begin_session(&mut self, login: &str, now: DateTime<Utc>) -> Result<()> {
        let u = match user::get(self.store.conn(), login)? {
            Some(u) if u.disabled_at.is_none() => u,
            _ => return Err(self.refuse_login(now, login, "账号不存在或已停用", "该账号已停用，请联系管理员")?),
        };
        user::logged_in(self.store.conn(), login, now)?;
        self.audit(now, Event { login: Some(login), action: "login", ..Default::default() })?;
        self.session = Some(Session {
            login: u.login,
            who: Who::Post(u.role),
            must_change_password: u.must_change_password,
            last_active: now,
        });
        Ok(())
    }

    /// Writes failed logins recorded in the key file (while the database was closed) to
    /// the audit log, then clears them from the key file.
    pub(crate) fn flush_failed_logins(&mut self, kf: &mut KeyFile, key_path: &Path) -> Result<()> {
        let failures = kf.take_unaudited();
        if failures.is_empty() {
            return Ok(());
        }
        for (login, at) in &failures {
            self.audit(
                *at,
                Event {
                    login: Some(login), action: "login_failed", detail: Some("密码错误"), ..Default::default()
                },
            )?;
        }
        kf.save(key_path)
    }
}

/// Whose database a restore puts back, and who may do it: the post's and HQ's restores
/// ([`Api::restore_as`]) differ in these.
pub(crate) struct RestoreKind {
    /// Whether the login is an enabled admin, asked of the backup's own database.
    pub is_admin: fn(&rusqlite::Connection, &str) -> Result<bool>,
    /// The refusal when it is not.
    pub refusal: &'static str,
    /// What the audit entry says was restored, after "从备份 … 恢复".
    pub what: &'static str,
}

/// A post's database, restored by its station admin.
const RESTORE_POST: RestoreKind = RestoreKind {
    is_admin: |conn, login| {
        Ok(user::get(conn, login)?.is_some_and(|u| u.disabled_at.is_none() && u.role == Role::StationAdmin))
    },
    refusal: "只有所长/管理员可以恢复备份",
    what: "",
};
