//! Logins, sessions, users, the audit log and backups, as the api offers them; and the
//! gate every [`Api::call`] passes through ([`Api::admit`], [`Api::record`]).
//!
//! Two modes:
//! - **Setup mode**: an unencrypted database, which has no users (a user can only be made
//!   by creating the first admin, which encrypts the file). Everything is allowed, as
//!   before logins existed: tests of other modules, demo data, a first look. Calls are
//!   still audited, with no login.
//! - **Secured**: an encrypted database, opened with a login and password
//!   ([`Api::open_as`]). Every call needs a live session (15 idle minutes end it); the
//!   role must satisfy what the method declares (its [`Need`]); refusals and audited
//!   actions are recorded.
//!
//! The permission layer sits in [`Api::call`]: every shell (CLI, desktop, HQ) reaches the
//! core through it. The typed methods are for code inside the crate and for tests.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::permission::{self, Audit, Need};
use super::{Api, Method, method};
use crate::error::{Error, Result};
use crate::model::auth::{self, Policy};
use crate::model::time::stamp;
use crate::model::time::{Clock, FixedClock, SystemClock};
use crate::model::{CountyRole, Role};
use crate::store::audit::{self, Event};
use crate::store::backup::{self, BackupReport};
use crate::store::keys::{self, DbKey, KeyFile};
use crate::store::lock::DbLock;
use crate::store::user::{self, NewUser, User};
use crate::store::{Store, access, files, rotate};

/// Who is acting.
#[derive(Debug, Clone)]
pub struct Session {
    /// Login name.
    pub login: String,
    /// A post's user or a county login, with the role.
    pub who: Who,
    /// Must change the password before anything else.
    pub must_change_password: bool,
    /// Last call (for the idle timeout).
    pub last_active: DateTime<Utc>,
}

/// Whom a session acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Who {
    /// A user of the post's own database, in a post role.
    Post(Role),
    /// A county login at HQ.
    County(CountyCaller),
}

/// A county login's standing: its role and, for a station leader, the station.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountyCaller {
    /// Role.
    pub role: CountyRole,
    /// The station a station leader is limited to.
    pub station_id: Option<String>,
}

impl Session {
    /// The post role, for a post's user.
    pub fn post_role(&self) -> Option<Role> {
        match &self.who {
            Who::Post(r) => Some(*r),
            Who::County(_) => None,
        }
    }
}

/// `session.current`: who is logged in, or that the database is in setup mode.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SessionInfo {
    /// `setup` (unencrypted, no users), `logged_in` or `logged_out`.
    pub mode: &'static str,
    /// Login name.
    pub login: Option<String>,
    /// Role code.
    pub role: Option<Role>,
    /// Must change the password first.
    pub must_change_password: bool,
    /// Minutes without use after which the session ends (logged in only): the app locks
    /// its screen after as many minutes without input.
    pub idle_minutes: Option<i64>,
}

impl SessionInfo {
    /// Nobody logged in (the database is locked).
    pub fn logged_out() -> SessionInfo {
        SessionInfo { mode: "logged_out", login: None, role: None, must_change_password: false, idle_minutes: None }
    }
}

/// `session.login`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// 用户名.
    #[schemars(title = "用户名")]
    pub login: String,
    /// 密码.
    #[schemars(title = "密码")]
    pub password: String,
}

/// `user.create`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct UserInput {
    /// 用户名（字母开头，2–32 个字符）.
    #[schemars(title = "用户名")]
    pub login: String,
    /// 初始密码（至少 8 位，含字母和数字；首次登录须修改）.
    #[schemars(title = "初始密码")]
    pub password: String,
    /// 角色.
    #[schemars(title = "角色")]
    pub role: Role,
    /// 姓名.
    pub name: Option<String>,
    /// 对应的民警、辅警.
    pub officer_id: Option<String>,
}

/// `user.set_password`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct SetPassword {
    /// 用户名（省略为自己；管理员可重置他人的密码，对方下次登录须修改）.
    pub login: Option<String>,
    /// 原密码（修改自己的密码时必填）.
    pub old_password: Option<String>,
    /// 新密码.
    #[schemars(title = "新密码")]
    pub new_password: String,
}

/// A request naming a login.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct LoginRef {
    /// 用户名.
    #[schemars(title = "用户名")]
    pub login: String,
}

/// `backup.create`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct BackupRequest {
    /// 备份到的文件夹（如 U 盘），由界面的选择文件夹对话框给出.
    #[schemars(title = "备份文件夹")]
    pub out: PathBuf,
}

/// `audit.verify`'s reply.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AuditCheck {
    /// Entries checked.
    pub entries: i64,
    /// Always true (a broken chain is an error).
    pub intact: bool,
}

/// No parameters.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Nothing {}

/// What [`Api::admit`] decided, for the call and for [`Api::record`].
pub(crate) struct Admitted {
    pub(crate) login: Option<String>,
    pub(crate) action: Option<&'static str>,
    pub(crate) tbl: Option<String>,
    pub(crate) target: Option<String>,
    pub(crate) detail: Option<String>,
    /// Where an export, a print or a backup is to be written, from the parameters
    /// (`path`, `out`), for an entry made before the file is.
    pub(crate) dest: Option<String>,
    /// The rows a county caller may see, when limited (a station leader).
    pub(crate) scope: Option<crate::store::county::scope::Scope>,
}

/// An audit entry kept aside while a call's transaction is open (a refusal, which must
/// outlive the rollback of the call it refused), appended when the call ends.
#[derive(Debug, Clone)]
pub(crate) struct Kept {
    pub(crate) at: DateTime<Utc>,
    login: Option<String>,
    action: &'static str,
    tbl: Option<String>,
    row_id: Option<String>,
    detail: Option<String>,
}

impl Admitted {
    /// Where the file goes, for the detail (` → /media/usb/调解台账.xlsx`).
    fn destination(&self) -> Option<String> {
        self.dest.as_deref().filter(|p| !p.is_empty()).map(|p| format!(" → {p}"))
    }
}

impl Kept {
    pub(crate) fn event(&self) -> Event<'_> {
        Event {
            login: self.login.as_deref(),
            action: self.action,
            tbl: self.tbl.as_deref(),
            row_id: self.row_id.as_deref(),
            detail: self.detail.as_deref(),
        }
    }
}

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

    fn begin_session(&mut self, login: &str, now: DateTime<Utc>) -> Result<()> {
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

    /// Appends an audit entry (entry and chain head in one transaction; in the caller's
    /// transaction when one is open, see [`Api::call`]).
    pub(crate) fn audit(&self, at: DateTime<Utc>, ev: Event<'_>) -> Result<()> {
        if !self.store.conn().is_autocommit() {
            return audit::append(self.store.conn(), at, &ev).map(drop);
        }
        let tx = self.store.conn().unchecked_transaction()?;
        audit::append(&tx, at, &ev)?;
        tx.commit()?;
        Ok(())
    }

    /// Checks that the caller may run `method` now: a live session (in secured mode), a
    /// changed initial password, the role its `gate` (who may, what is audited, its name in
    /// words) allows. A refusal by role is audited.
    pub(crate) fn admit(
        &mut self,
        method: &str,
        gate: (Need, Audit, &'static str),
        params: &Value,
    ) -> Result<Admitted> {
        let (need, audit, what) = gate;
        let now = self.store.clock().now();
        let target = params.get("id").and_then(Value::as_str).map(str::to_owned);
        let dest = ["path", "out"].iter().find_map(|k| params.get(*k).and_then(Value::as_str)).map(str::to_owned);
        let county = method.starts_with(super::county::PREFIX);
        let action = super::county::permission::action(method, audit, params);
        let detail = audit_detail(method, action, params);
        let tbl = if county {
            super::county::permission::table(method, params)
        } else {
            Some(permission::table_of(method).to_owned())
        };
        if county {
            super::county::require_hq(&self.store)?;
        }
        if self.key.is_none() {
            return Ok(Admitted { login: None, action, tbl, target, detail, dest, scope: None });
        }
        if need == Need::NoSession {
            return Ok(Admitted { login: None, action: None, tbl, target, detail, dest, scope: None });
        }
        let policy = self.policy;
        let Some(s) = self.session.as_mut() else {
            return Err(Error::unauthenticated("请先登录"));
        };
        if auth::timed_out(s.last_active, now, &policy) {
            let login = s.login.clone();
            self.session = None;
            self.audit(
                now,
                Event { login: Some(&login), action: "logout", detail: Some("会话超时"), ..Default::default() },
            )?;
            return Err(Error::unauthenticated("长时间未操作，会话已超时，请重新登录"));
        }
        s.last_active = now;
        let (login, who, must_change) = (s.login.clone(), s.who.clone(), s.must_change_password);
        if must_change && !permission::allowed_before_password_change(method) {
            return Err(Error::PasswordChangeRequired);
        }
        let role = match who {
            Who::County(caller) => {
                let scope = self.admit_county(method, (need, what), &login, &caller, target.as_deref(), now)?;
                return Ok(Admitted { login: Some(login), action, tbl, target, detail, dest, scope });
            }
            Who::Post(_) if county => {
                self.denied(now, &login, method, target.as_deref())?;
                return Err(Error::Forbidden { message: "县局的功能只供县局账号使用".into() });
            }
            Who::Post(role) => role,
        };
        let security_track = match (need, params.get("dispute_id").and_then(Value::as_str)) {
            (Need::NotAuxiliaryForSecurityTrack, Some(d)) => access::is_security_track(self.store.conn(), d)?,
            _ => false,
        };
        if !permission::allows(need, role, security_track) {
            self.denied(now, &login, method, target.as_deref())?;
            let rule = if security_track { "（治安调解须由民警主持）" } else { "" };
            return Err(Error::Forbidden {
                message: format!("{}无权执行“{what}”{rule}，只有{}可以", role.label(), permission::who(need)),
            });
        }
        Ok(Admitted { login: Some(login), action, tbl, target, detail, dest, scope: None })
    }

    /// Records a refused call in the audit log.
    pub(crate) fn denied(&self, now: DateTime<Utc>, login: &str, method: &str, target: Option<&str>) -> Result<()> {
        self.audit(
            now,
            Event {
                login: Some(login),
                action: "denied",
                tbl: Some(permission::table_of(method)),
                row_id: target,
                detail: Some(method),
            },
        )
    }

    /// Records a call in the audit log, when its method is audited: once it has succeeded,
    /// or before it starts for a method whose entry comes first (`reply` is then null).
    pub(crate) fn record(&mut self, a: &Admitted, reply: &Value) -> Result<()> {
        let Some(action) = a.action else { return Ok(()) };
        let target = a.target.clone().or_else(|| reply.get("id").and_then(Value::as_str).map(str::to_owned));
        let outcome = match action {
            // How much a list gave out.
            "list" => {
                let n = reply.get("items").or_else(|| reply.get("hits")).unwrap_or(reply).as_array().map(Vec::len);
                n.map(|n| format!("，返回 {n} 条"))
            }
            "export" | "print" => a.destination(),
            _ => None,
        };
        let detail = match (a.detail.as_deref(), outcome) {
            (Some(d), Some(o)) => Some(format!("{d}{o}")),
            (d, _) => d.map(str::to_owned),
        };
        let now = self.store.clock().now();
        self.audit(
            now,
            Event {
                login: a.login.as_deref(),
                action,
                tbl: a.tbl.as_deref(),
                row_id: target.as_deref(),
                detail: detail.as_deref(),
            },
        )
    }

    /// Records that a call whose entry came first did not complete (`failed`, with the
    /// first entry's detail and the reason): appended after it, the chain never edited.
    pub(crate) fn record_failure(&mut self, a: &Admitted, error: &Error) -> Result<()> {
        let Some(action) = a.action else { return Ok(()) };
        let what = a.detail.as_deref().unwrap_or(action);
        let dest = a.destination().unwrap_or_default();
        let why: String = error.to_string().chars().take(200).collect();
        let detail = format!("{what}{dest}：未完成（{why}）");
        let now = self.store.clock().now();
        self.audit(
            now,
            Event {
                login: a.login.as_deref(),
                action: "failed",
                tbl: a.tbl.as_deref(),
                row_id: a.target.as_deref(),
                detail: Some(&detail),
            },
        )
    }

    /// Records a refusal (`denied`) made inside a call: kept aside while the call's
    /// transaction is open (so its rollback does not take the entry, and the station
    /// leader's scoped connection does not wait on that transaction's lock), appended at
    /// once otherwise.
    pub(crate) fn audit_denied(&mut self, at: DateTime<Utc>, tbl: &str, row_id: &str, detail: &str) -> Result<()> {
        let login = self.session.as_ref().map(|s| s.login.clone());
        let kept = Kept {
            at,
            login,
            action: "denied",
            tbl: Some(tbl.to_owned()),
            row_id: Some(row_id.to_owned()),
            detail: Some(detail.to_owned()),
        };
        match self.refusals.as_mut() {
            Some(held) => {
                held.push(kept);
                Ok(())
            }
            None => self.audit(at, kept.event()),
        }
    }

    /// Runs `f` as the guarded action `name` (one of [`permission::ACTIONS`], e.g.
    /// `demo.generate` or `bench.run`, or a method's name): admitted like a call of
    /// it, and audited as its mode says (as `call` is). For shell commands that call a
    /// typed method or the store rather than [`Api::call`].
    pub fn guarded<T>(&mut self, name: &str, f: impl FnOnce(&mut Api) -> Result<T>) -> Result<T> {
        let (gate, mode) = Api::gate_and_mode(name).ok_or_else(|| Error::UnknownMethod(name.into()))?;
        let admitted = self.admit(name, gate, &Value::Null)?;
        self.audited(admitted, mode, f, |_| None)
    }

    /// `session.login`: logs in (again) on the open database, e.g. after a timeout or to
    /// hand the laptop to a colleague.
    pub fn session_login(&mut self, req: LoginRequest) -> Result<SessionInfo> {
        let Some(open_key) = self.key.clone() else {
            return Err(Error::rule("数据库尚未设置用户，无需登录；请先用 init --admin 创建管理员"));
        };
        let key_path = self.key_path();
        let mut kf = KeyFile::load(&key_path)?.ok_or_else(|| Error::unauthenticated("找不到密钥文件"))?;
        let now = self.store.clock().now();
        self.session = None;
        let attempt = kf.attempt(&key_path, &req.login, &req.password, now, &self.policy);
        self.flush_failed_logins(&mut kf, &key_path)?;
        let key = attempt?;
        if !key.same_as(&open_key) {
            return Err(Error::unauthenticated("密钥文件与数据库不匹配"));
        }
        self.begin_session(&req.login, now)?;
        self.session_current()
    }

    /// `session.logout`.
    pub fn session_logout(&mut self) -> Result<SessionInfo> {
        if let Some(s) = self.session.take() {
            let now = self.store.clock().now();
            self.audit(now, Event { login: Some(&s.login), action: "logout", ..Default::default() })?;
        }
        self.session_current()
    }

    /// `session.current`.
    pub fn session_current(&mut self) -> Result<SessionInfo> {
        Ok(match (&self.key, &self.session) {
            (None, _) => SessionInfo { mode: "setup", ..SessionInfo::logged_out() },
            (Some(_), None) => SessionInfo::logged_out(),
            (Some(_), Some(s)) => SessionInfo {
                mode: "logged_in",
                login: Some(s.login.clone()),
                role: s.post_role(),
                must_change_password: s.must_change_password,
                idle_minutes: Some(self.policy.idle_timeout.num_minutes()),
            },
        })
    }

    fn require_key(&self) -> Result<DbKey> {
        self.key.clone().ok_or_else(|| {
            Error::rule("数据库尚未设置管理员（未加密）：请先运行 fengqiao init --admin 用户名，数据库将随之加密")
        })
    }

    /// `user.create`: a new login with an initial password it must change at first login.
    pub fn user_create(&mut self, input: UserInput) -> Result<User> {
        self.require_key()?;
        let new = NewUser {
            login: &input.login,
            name: input.name.as_deref().map(str::trim).filter(|s| !s.is_empty()),
            officer_id: input.officer_id.as_deref(),
            role: input.role,
            must_change_password: true,
        };
        self.create_login(&input.login, &input.password, |tx, id, now, by| user::insert(tx, id, &new, now, by))
    }

    /// `user.list`.
    pub fn user_list(&mut self) -> Result<Vec<User>> {
        self.with_locks(user::list(self.store.conn())?, |u| (&u.login, &mut u.locked_until))
    }

    /// `user.set_password`: changes one's own password (the old one is required) or, for
    /// the admin, resets another's (who must change it at next login). Only that user's
    /// copy of the database key is re-wrapped.
    pub fn user_set_password(&mut self, req: SetPassword) -> Result<User> {
        self.require_key()?;
        let me = self.session.as_ref().map(|s| (s.login.clone(), s.post_role()));
        let Some((me, my_role)) = me else { return Err(Error::unauthenticated("请先登录")) };
        let login = req.login.clone().unwrap_or_else(|| me.clone());
        let own = login == me;
        if !own && my_role != Some(Role::StationAdmin) {
            return Err(Error::Forbidden { message: "只有所长/管理员可以重置他人的密码".into() });
        }
        let target = user::require(self.store.conn(), &login)?;
        if target.disabled_at.is_some() {
            return Err(Error::rule(format!("用户“{login}”已停用")));
        }
        if own {
            let old = req.old_password.as_deref().ok_or_else(|| Error::validation("old_password", "请输入原密码"))?;
            self.check_old_password(&login, old, &req.new_password)?;
        }
        auth::check_password("new_password", &req.new_password, &login)?;
        let now = self.store.clock().now();
        self.wrap_key_with(&login, &req.new_password, |tx| user::password_changed(tx, &login, now, !own))?;
        if own && let Some(s) = self.session.as_mut() {
            s.must_change_password = false;
        }
        user::require(self.store.conn(), &login)
    }

    /// `user.unlock`: clears a lock after repeated failures.
    pub fn user_unlock(&mut self, req: LoginRef) -> Result<User> {
        let u = user::require(self.store.conn(), &req.login)?;
        self.unlock_login(&req.login)?;
        Ok(u)
    }

    /// `user.disable`: the login can no longer unlock the database (its copy of the key is
    /// removed), and the database key itself is changed, so that what the login knew of the
    /// old key opens nothing written from now on (`Api::rotate_key`); its row stays for
    /// the audit log. The last admin cannot be disabled.
    pub fn user_disable(&mut self, req: LoginRef) -> Result<User> {
        self.user_disable_observed(req, &mut |_| {})
    }

    /// [`Api::user_disable`], telling `after` each step of the change of key as it
    /// completes (a test stops the process there).
    pub fn user_disable_observed(&mut self, req: LoginRef, after: &mut dyn FnMut(rotate::Step)) -> Result<User> {
        let u = user::require(self.store.conn(), &req.login)?;
        if self.session.as_ref().is_some_and(|s| s.login == req.login) {
            return Err(Error::rule("不能停用自己的账号"));
        }
        if u.role == Role::StationAdmin && user::count_admins(self.store.conn())? <= 1 {
            return Err(Error::rule("不能停用最后一个管理员"));
        }
        let now = self.store.clock().now();
        self.drop_key_with(&req.login, |tx| {
            user::disable(tx, &req.login, now)?;
            rotate::mark_due(tx)
        })?;
        self.rotate_key(&format!("停用 {} 后更换数据库密钥", req.login), after)?;
        user::require(self.store.conn(), &req.login)
    }

    /// Changes the database key: a new one, sealed to every remaining user's public key
    /// (no password needed), the database re-encrypted under it in a crash-safe order
    /// ([`rotate`]). A user whose copy is still of the old form (not logged in since the
    /// upgrade) cannot be given it and needs a new password from an admin; the audit entry
    /// (`why`) names them.
    pub(in crate::api) fn rotate_key(&mut self, why: &str, after: &mut dyn FnMut(rotate::Step)) -> Result<()> {
        let old = self.require_key()?;
        let kf = KeyFile::load(&self.key_path())?.unwrap_or_default();
        let new = DbKey::generate()?;
        let (next, left_out) = kf.resealed(&new)?;
        let (under_new, done) = self.store.rotate_key(&old, &new, &next, after);
        if under_new {
            self.key = Some(new);
        }
        done?;
        let detail = match left_out.is_empty() {
            true => why.to_owned(),
            false => format!("{why}；以下用户需由管理员重设密码后才能登录：{}", left_out.join("、")),
        };
        let now = self.store.clock().now();
        let login = self.session.as_ref().map(|s| s.login.clone());
        // Whose leaving it follows: a post's users or HQ's county logins.
        let users = match crate::sync::role(&self.store)? {
            crate::sync::NodeRole::Hq => "county_user",
            _ => "app_user",
        };
        self.audit(
            now,
            Event {
                login: login.as_deref(),
                action: "rekey",
                tbl: Some(users),
                detail: Some(&detail),
                ..Default::default()
            },
        )
    }

    /// `audit.list`: entries, newest first.
    pub fn audit_list(&mut self, filter: audit::Filter) -> Result<audit::Page> {
        audit::list(self.store.conn(), &filter)
    }

    /// `audit.verify`: walks the hash chain; a broken chain is an [`Error::AuditBroken`]
    /// naming the first bad entry.
    pub fn audit_verify(&mut self) -> Result<AuditCheck> {
        Ok(AuditCheck { entries: audit::verify(self.store.conn())?, intact: true })
    }

    /// `backup.create`: an encrypted backup in the folder `out` (e.g. a USB stick).
    pub fn backup_create(&mut self, req: BackupRequest) -> Result<BackupReport> {
        let key = self.require_key()?;
        let kf = KeyFile::load(&self.key_path())?.unwrap_or_default();
        let now = self.store.clock().now();
        backup::backup(self.store.conn(), &key, &kf, &self.protected(), &req.out, now)
    }
}

/// What an audit entry says of a call beside its action: the text searched; a list's
/// filters; what an export or print was (the ledger, the month, the record); else the
/// method. [`Api::record`] adds what the call gave out (rows, the file written).
fn audit_detail(method: &str, action: Option<&str>, params: &Value) -> Option<String> {
    let text = |k: &str| params.get(k).and_then(Value::as_str).map(str::to_owned);
    match (method, action) {
        ("search", _) => text("text").map(|t| format!("查找：{t}")),
        ("hq.duplicate_decide", _) => {
            let same = params.get("same").and_then(Value::as_bool).unwrap_or(false);
            let (a, b) = (text("person_id").unwrap_or_default(), text("other_id").unwrap_or_default());
            Some(format!("{method}：{a} 与 {b} {}", if same { "是同一人" } else { "不是同一人" }))
        }
        (_, Some("list")) => {
            let mut filters: Vec<String> = params
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| format!("{k}={}", v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
                .collect();
            filters.sort();
            let mut shown: String = filters.join(" ").chars().take(200).collect();
            if shown.is_empty() {
                shown = "全部".into();
            }
            Some(format!("{method}（{shown}）"))
        }
        (_, Some("export" | "print")) => {
            let kind =
                text("kind").and_then(|k| crate::docs::ledger::LedgerKind::parse(&k)).map(|k| k.label().to_owned());
            let parts: Vec<String> = [
                kind,
                text("month").map(|m| format!("{m} 月")),
                params.get("year").and_then(Value::as_i64).map(|y| format!("{y} 年度")),
                text("dispute_id").map(|d| format!("纠纷 {d}")),
                text("follow_up_id").map(|f| format!("回访 {f}")),
            ]
            .into_iter()
            .flatten()
            .collect();
            Some(if parts.is_empty() { method.to_owned() } else { format!("{method}：{}", parts.join("，")) })
        }
        // A login's account: its entry may come before the row exists (see `Mode`), so it
        // names the login rather than the row.
        _ => Some(match text("login") {
            Some(login) => format!("{method}：{login}"),
            None => method.to_owned(),
        }),
    }
}

pub(super) fn methods() -> Vec<Method> {
    vec![
        method!("session.login", "登录", LoginRequest, NoSession, Unaudited, |api, p| api.session_login(p)),
        method!("session.logout", "退出登录", Nothing, NoSession, Unaudited, |api, _| api.session_logout()),
        method!("session.current", "当前登录的用户", Nothing, NoSession, Unaudited, |api, _| api
            .session_current()),
        method!("user.create", "新增用户（管理员）", UserInput, Admin, Create(EntryFirst), |api, p| api
            .user_create(p)),
        method!("user.list", "列出用户（管理员）", Nothing, Admin, Unaudited, |api, _| api.user_list()),
        method!(
            "user.set_password",
            "修改密码（管理员可重置他人密码）",
            SetPassword,
            Anyone,
            Update(EntryFirst),
            |api, p| api.user_set_password(p)
        ),
        method!("user.unlock", "解除账号锁定（管理员）", LoginRef, Admin, Update(EntryFirst), |api, p| api
            .user_unlock(p)),
        method!("user.disable", "停用用户（管理员）", LoginRef, Admin, Update(EntryFirst), |api, p| api
            .user_disable(p)),
        method!("audit.list", "查看审计日志（管理员）", audit::Filter, Admin, Unaudited, |api, p| api
            .audit_list(p)),
        method!(
            "audit.verify",
            "校验审计日志是否被篡改（管理员）",
            Nothing,
            Admin,
            Unaudited,
            |api, _| api.audit_verify()
        ),
        method!(
            "backup.create",
            "备份数据库到指定文件夹（加密）",
            BackupRequest,
            Admin,
            Export(EntryFirst),
            |api, p| api.backup_create(p)
        ),
    ]
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
