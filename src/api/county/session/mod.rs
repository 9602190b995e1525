//! County logins at HQ: opening HQ's encrypted database (at first run, by a service key or
//! an operator's passphrase, or by a county login on the command line), logging in with a
//! password and a TOTP code, one call per token ([`Api::call_as`]), and the accounts.
//!
//! HQ's database is secured like a post's (SQLCipher, the key wrapped per login in
//! `hq.db.keys`; see [`crate::store::keys`]). A server must start without a person at the
//! keyboard, so the key file may also hold the key wrapped for the service: under a random
//! service key kept in a file only the service account reads (`@service`), and/or under a
//! passphrase an operator gives at start (`@operator`). Neither name can be a login
//! ([`crate::model::auth::check_login`] wants a letter first).
//!
//! A login proves its password the same way as on a post (unwrapping its copy of the key,
//! Argon2id, lockout after 5 failures), then a code from its phone. The first login (and
//! the first after an admin reset the phone) shows a new secret to scan and takes a code
//! made from it; a wrong code counts towards the lockout like a wrong password.

mod login;
mod open;

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sm3::{Digest, Sm3};

use crate::api::security::Nothing;
use crate::api::{Api, CountyCaller, LoginRef, Method, Session, Who, method};
use crate::error::{Error, Result};
use crate::model::CountyRole;
use crate::model::auth;
use crate::store::county::user::{self, CountyUser, NewCountyUser};
use crate::store::keys::hex;
use crate::store::rotate;

/// The key-file entry of the service key.
pub const SERVICE: &str = "@service";
/// The key-file entry of the operator's passphrase.
pub const OPERATOR: &str = "@operator";

/// How a server unlocks HQ's database at start.
#[derive(Clone)]
pub enum Unlock {
    /// The service key file at this path (readable only by the service's account).
    ServiceKey(PathBuf),
    /// The operator's passphrase, typed at start.
    Passphrase(String),
}

impl std::fmt::Debug for Unlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unlock::ServiceKey(p) => write!(f, "ServiceKey({})", p.display()),
            Unlock::Passphrase(_) => f.write_str("Passphrase(…)"),
        }
    }
}

/// A county login's attempt (`Api::login`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct CountyLogin {
    /// 用户名.
    pub login: String,
    /// 密码.
    pub password: String,
    /// 手机验证器上的 6 位动态口令（密码正确后再提交）.
    #[serde(default)]
    pub otp: Option<String>,
}

/// The answer to a login attempt.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum LoginReply {
    /// Logged in: the token names the session in [`Api::call_as`].
    LoggedIn {
        /// The session's token (a secret: the server keeps it in an HttpOnly cookie).
        token: String,
        /// Who is logged in.
        session: CountySessionInfo,
    },
    /// The password is right; the code from the phone is needed (send it as `otp`).
    OtpRequired {
        /// What to do, in Chinese.
        message: String,
    },
    /// The password is right and the login has no phone yet: scan `otpauth_url` (as a QR
    /// code) or type `secret`, then send the code it shows as `otp`.
    OtpEnrol {
        /// The `otpauth://totp/…` address.
        otpauth_url: String,
        /// The secret in base32.
        secret: String,
        /// What to do, in Chinese.
        message: String,
    },
}

/// `hq.session`: who is logged in.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CountySessionInfo {
    /// Login name.
    pub login: String,
    /// Display name.
    pub name: Option<String>,
    /// Role.
    pub role: CountyRole,
    /// A station leader's station.
    pub station_id: Option<String>,
    /// Its name.
    pub station_name: Option<String>,
    /// Must change the password before anything else.
    pub must_change_password: bool,
    /// Minutes without use after which the session ends.
    pub idle_minutes: i64,
    /// HQ's name.
    pub hq_name: String,
}

/// `hq.password`: changing one's own password.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// 原密码.
    #[schemars(title = "原密码")]
    pub old_password: String,
    /// 新密码（至少 8 位，含字母和数字）.
    #[schemars(title = "新密码")]
    pub new_password: String,
}

/// `hq.user_create`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct CountyUserInput {
    /// 用户名（字母开头，2–32 个字符）.
    #[schemars(title = "用户名")]
    pub login: String,
    /// 初始密码（至少 8 位，含字母和数字；首次登录须修改）.
    #[schemars(title = "初始密码")]
    pub password: String,
    /// 角色.
    #[schemars(title = "角色")]
    pub role: CountyRole,
    /// 姓名.
    #[serde(default)]
    pub name: Option<String>,
    /// 所属派出所（派出所负责人必填）.
    #[serde(default)]
    pub station_id: Option<String>,
}

/// `hq.user_reset_password`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ResetPassword {
    /// 用户名.
    #[schemars(title = "用户名")]
    pub login: String,
    /// 新的初始密码（对方下次登录须修改）.
    #[schemars(title = "新密码")]
    pub new_password: String,
}

/// The SM3 digest of a session token: sessions are kept under it, not under the token.
fn digest(token: &str) -> String {
    hex(&Sm3::digest(token.as_bytes()))
}

fn random(n: usize) -> Result<Vec<u8>> {
    let mut b = vec![0u8; n];
    getrandom::fill(&mut b).map_err(|e| Error::Io(std::io::Error::other(format!("无法取得系统随机数：{e}"))))?;
    Ok(b)
}

fn wrong() -> Error {
    Error::unauthenticated("用户名或密码错误")
}

impl Api {
    fn county_info(&self, s: &Session) -> Result<CountySessionInfo> {
        let Who::County(c) = &s.who else { return Err(Error::unauthenticated("请用县局账号登录")) };
        let u = user::require(self.store.conn(), &s.login)?;
        Ok(CountySessionInfo {
            login: s.login.clone(),
            name: u.name,
            role: c.role,
            station_id: c.station_id.clone(),
            station_name: u.station_name,
            must_change_password: s.must_change_password,
            idle_minutes: self.policy.idle_timeout.num_minutes(),
            hq_name: crate::sync::name(&self.store)?,
        })
    }

    fn me(&self) -> Result<Session> {
        self.session.clone().ok_or_else(|| Error::unauthenticated("请先用县局账号登录"))
    }

    /// `hq.session`.
    pub fn hq_session(&mut self) -> Result<CountySessionInfo> {
        let s = self.me()?;
        self.county_info(&s)
    }

    /// `hq.password`: a county login changes its own password (the old one is required).
    pub fn hq_password(&mut self, req: PasswordChange) -> Result<CountySessionInfo> {
        let me = self.me()?;
        self.check_old_password(&me.login, &req.old_password, &req.new_password)?;
        auth::check_password("new_password", &req.new_password, &me.login)?;
        let now = self.store.clock().now();
        self.wrap_key_with(&me.login, &req.new_password, |tx| user::password_changed(tx, &me.login, now, false))?;
        if let Some(s) = self.session.as_mut() {
            s.must_change_password = false;
        }
        self.hq_session()
    }

    /// `hq.users`: every county login, with any lock from the key file.
    pub fn hq_users(&mut self) -> Result<Vec<CountyUser>> {
        self.with_locks(user::list(self.store.conn())?, |u| (&u.login, &mut u.locked_until))
    }

    /// `hq.user_create`: a county login with an initial password it must change.
    pub fn hq_user_create(&mut self, input: CountyUserInput) -> Result<CountyUser> {
        let new = NewCountyUser {
            login: &input.login,
            name: input.name.as_deref().map(str::trim).filter(|s| !s.is_empty()),
            role: input.role,
            station_id: input.station_id.as_deref(),
            must_change_password: true,
        };
        self.create_login(&input.login, &input.password, |tx, id, now, by| user::insert(tx, id, &new, now, by))
    }

    /// `hq.user_disable`: the login can no longer log in (its wrapped key is removed, its
    /// sessions end); its row stays for the audit log. The last county admin stays. The
    /// change of HQ's database key that what the login knew calls for is marked due in the
    /// same transaction and made where no other process has hq.db open: at `serve`'s next
    /// start or by `fengqiao-hq rekey` ([`Api::hq_rekey`]).
    pub fn hq_user_disable(&mut self, req: LoginRef) -> Result<CountyUser> {
        let u = user::require(self.store.conn(), &req.login)?;
        if self.session.as_ref().is_some_and(|s| s.login == req.login) {
            return Err(Error::rule("不能停用自己的账号"));
        }
        if u.role == CountyRole::CountyAdmin && u.disabled_at.is_none() && user::count_admins(self.store.conn())? <= 1 {
            return Err(Error::rule("不能停用最后一个县局管理员"));
        }
        let now = self.store.clock().now();
        self.drop_key_with(&req.login, |tx| {
            user::disable(tx, &req.login, now)?;
            rotate::mark_due(tx)
        })?;
        self.sessions.retain(|_, s| s.login != req.login);
        user::require(self.store.conn(), &req.login)
    }

    /// Whether a change of HQ's database key is due (a county login disabled since the last).
    pub fn hq_rekey_due(&self) -> Result<bool> {
        rotate::is_due(self.store.conn())
    }

    /// Changes HQ's database key: a new one sealed to every remaining entry of the key file
    /// (the county logins, `@service` and `@operator`, all in the sealed form, so no secret
    /// is needed) and hq.db re-encrypted under it in [`rotate`]'s crash-safe order. The
    /// caller must be the only process with hq.db open (`fengqiao-hq` holds its exclusive
    /// lock). `after` is told each step (a test stops the process there).
    /// A logged-in caller must be a county admin; the server at its start has no caller.
    pub fn hq_rekey(&mut self, why: &str, after: &mut dyn FnMut(rotate::Step)) -> Result<()> {
        match self.session.as_ref().map(|s| &s.who) {
            None | Some(Who::County(CountyCaller { role: CountyRole::CountyAdmin, .. })) => {}
            Some(_) => {
                return Err(Error::Forbidden {
                    message: "只有县局管理员可以更换县局数据库密钥".into()
                });
            }
        }
        self.rotate_key(why, after)
    }

    /// `hq.user_unlock`: clears a lock after repeated failures.
    pub fn hq_user_unlock(&mut self, req: LoginRef) -> Result<CountyUser> {
        let u = user::require(self.store.conn(), &req.login)?;
        self.unlock_login(&req.login)?;
        Ok(u)
    }

    /// `hq.user_reset_password`: a county admin sets a new initial password for another
    /// login (who must change it at next login); that login's sessions end.
    pub fn hq_user_reset_password(&mut self, req: ResetPassword) -> Result<CountyUser> {
        let u = user::require(self.store.conn(), &req.login)?;
        if u.disabled_at.is_some() {
            return Err(Error::rule(format!("账号“{}”已停用", req.login)));
        }
        if self.session.as_ref().is_some_and(|s| s.login == req.login) {
            return Err(Error::rule("修改自己的密码请用“修改密码”（需要原密码）"));
        }
        auth::check_password("new_password", &req.new_password, &req.login)?;
        let now = self.store.clock().now();
        self.wrap_key_with(&req.login, &req.new_password, |tx| user::password_changed(tx, &req.login, now, true))?;
        self.sessions.retain(|_, s| s.login != req.login);
        user::require(self.store.conn(), &req.login)
    }

    /// `hq.user_reset_totp`: a lost phone. The login's second factor is cleared; its next
    /// login enrols a new phone (after the password). Its sessions end.
    pub fn hq_user_reset_totp(&mut self, req: LoginRef) -> Result<CountyUser> {
        user::require(self.store.conn(), &req.login)?;
        user::reset_totp(self.store.conn(), &req.login)?;
        self.sessions.retain(|_, s| s.login != req.login);
        user::require(self.store.conn(), &req.login)
    }
}

pub(super) fn methods() -> Vec<Method> {
    vec![
        method!("hq.session", "县局：当前登录的账号", Nothing, County(Figures), Unaudited, |api, _| api
            .hq_session()),
        method!(
            "hq.password",
            "县局：修改自己的密码",
            PasswordChange,
            County(Figures),
            Update(EntryFirst),
            |api, p| api.hq_password(p)
        ),
        method!(
            "hq.users",
            "县局：列出县局账号（县局管理员）",
            Nothing,
            County(Admin),
            Unaudited,
            |api, _| api.hq_users()
        ),
        method!(
            "hq.user_create",
            "县局：新增县局账号（县局管理员）",
            CountyUserInput,
            County(Admin),
            Create(EntryFirst),
            |api, p| api.hq_user_create(p)
        ),
        method!(
            "hq.user_disable",
            "县局：停用县局账号（县局管理员）",
            LoginRef,
            County(Admin),
            Update(EntryFirst),
            |api, p| api.hq_user_disable(p)
        ),
        method!(
            "hq.user_unlock",
            "县局：解除账号锁定（县局管理员）",
            LoginRef,
            County(Admin),
            Update(EntryFirst),
            |api, p| api.hq_user_unlock(p)
        ),
        method!(
            "hq.user_reset_password",
            "县局：重置他人密码（县局管理员）",
            ResetPassword,
            County(Admin),
            Update(EntryFirst),
            |api, p| api.hq_user_reset_password(p)
        ),
        method!(
            "hq.user_reset_totp",
            "县局：重置动态口令（手机丢失，县局管理员）",
            LoginRef,
            County(Admin),
            Update(WithWrite),
            |api, p| api.hq_user_reset_totp(p)
        ),
    ]
}
