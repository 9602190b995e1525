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

mod gate;
mod open;

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Api, Method, method};
use crate::error::{Error, Result};
use crate::model::auth;
use crate::model::{CountyRole, Role};
use crate::store::audit::{self, Event};
use crate::store::backup::{self, BackupReport};
use crate::store::keys::{DbKey, KeyFile};
use crate::store::rotate;
use crate::store::user::{self, NewUser, User};

pub(crate) use gate::{Admitted, Kept};
pub(crate) use open::RestoreKind;

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

impl Api {
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
