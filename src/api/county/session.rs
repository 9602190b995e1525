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

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sm3::{Digest, Sm3};

use super::super::security::{Nothing, RestoreKind};
use super::super::{Api, CountyCaller, LoginRef, Method, Session, Who, method};
use crate::error::{Error, Result};
use crate::model::auth::{self, Policy};
use crate::model::time::Clock;
use crate::model::{CountyRole, otp};
use crate::store::Store;
use crate::store::audit::Event;
use crate::store::county::user::{self, CountyUser, NewCountyUser};
use crate::store::keys::{self, DbKey, KeyFile, hex};
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

/// HQ's database, restored by a county admin.
const RESTORE_HQ: RestoreKind = RestoreKind {
    is_admin: |conn, login| {
        Ok(user::get(conn, login)?.is_some_and(|u| u.disabled_at.is_none() && u.role == CountyRole::CountyAdmin))
    },
    refusal: "只有县局管理员可以恢复县局的备份",
    what: "县局数据库",
};

fn wrong() -> Error {
    Error::unauthenticated("用户名或密码错误")
}

/// The service key in its file: 64 hex digits. The file must not be readable by others.
fn read_service_key(path: &Path) -> Result<String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::unauthenticated(format!("无法读取服务密钥文件 {}：{e}", path.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)?.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(Error::unauthenticated(format!(
                "服务密钥文件 {} 的权限过宽（{:o}），其他账号也能读取；请执行 chmod 600 后再启动",
                path.display(),
                mode & 0o777
            )));
        }
    }
    let key = text.trim().to_owned();
    if key.len() != 64 || !key.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(Error::unauthenticated(format!("{} 不是县局的服务密钥文件", path.display())));
    }
    Ok(key)
}

impl Api {
    /// First run at HQ: encrypts HQ's database (made HQ by `hq_init`; a plain one is
    /// converted in place) and creates the first county admin, who sets up the phone at
    /// first login. Returns the api open on it, acting for that admin.
    pub fn create_county_admin(path: &Path, clock: Arc<dyn Clock>, login: &str, password: &str) -> Result<Api> {
        {
            let plain = Api::open(path, clock.clone())?;
            super::require_hq(&plain.store)
                .map_err(|_| Error::rule("请先建立县局节点（fengqiao-hq init --name 县局名称），再设置管理员"))?;
        }
        let now = clock.now();
        let mut api = Api::encrypt_for(path, clock, login, password)?;
        let id = uuid::Uuid::now_v7().to_string();
        let new = NewCountyUser {
            login,
            name: None,
            role: CountyRole::CountyAdmin,
            station_id: None,
            must_change_password: false,
        };
        user::insert(api.store.conn(), &id, &new, now, None)?;
        api.audit(
            now,
            Event {
                login: Some(login),
                action: "create",
                tbl: Some("county_user"),
                row_id: Some(&id),
                detail: Some("首次运行：创建县局管理员，县局数据库已加密"),
            },
        )?;
        // The admin who just chose the password acts on (e.g. sets the service key); their
        // phone is set up at their first login.
        api.session = Some(Session {
            login: login.to_owned(),
            who: Who::County(CountyCaller { role: CountyRole::CountyAdmin, station_id: None }),
            must_change_password: false,
            last_active: now,
        });
        Ok(api)
    }

    /// Opens HQ's encrypted database for a server, with no one logged in: by the service
    /// key file or the operator's passphrase (failures of the passphrase count towards a
    /// lockout like a login's).
    pub fn open_service(path: &Path, clock: Arc<dyn Clock>, unlock: &Unlock) -> Result<Api> {
        let key_path = keys::path_for(path);
        let Some(mut kf) = KeyFile::load(&key_path)? else {
            return Err(Error::unauthenticated(format!(
                "县局数据库 {} 尚未加密；请先运行 fengqiao-hq init --admin 用户名",
                path.display()
            )));
        };
        let now = clock.now();
        let key = match unlock {
            Unlock::ServiceKey(file) => {
                if kf.entry(SERVICE).is_none() {
                    return Err(Error::unauthenticated(
                        "县局尚未设置服务密钥；请用 fengqiao-hq unlock-setup --service-key 文件 设置",
                    ));
                }
                let secret = read_service_key(file)?;
                let key = kf.unwrap_key(SERVICE, &secret).map_err(|_| {
                    Error::unauthenticated(format!("服务密钥文件 {} 与县局数据库不匹配", file.display()))
                })?;
                if kf.entry(SERVICE).is_some_and(|e| e.public.is_none()) {
                    // A version 1 entry, rewritten in the sealed form so that a change of
                    // key can be sealed to it without the service key.
                    kf.wrap_for(SERVICE, &secret, &key)?;
                    kf.save(&key_path)?;
                }
                key
            }
            Unlock::Passphrase(p) => {
                if kf.entry(OPERATOR).is_none() {
                    return Err(Error::unauthenticated(
                        "县局尚未设置启动口令；请用 fengqiao-hq unlock-setup --passphrase 设置",
                    ));
                }
                kf.attempt(&key_path, OPERATOR, p, now, &Policy::default()).map_err(|e| {
                    if e.to_string().contains("锁定") { e } else { Error::unauthenticated("启动口令不正确") }
                })?
            }
        };
        let store = Store::open_encrypted_shared(path, clock, &key)?;
        let mut api = Api::secured(store, key);
        api.flush_failed_logins(&mut kf, &key_path)?;
        let how = match unlock {
            Unlock::ServiceKey(_) => "服务密钥",
            Unlock::Passphrase(_) => "启动口令",
        };
        api.audit(
            now,
            Event {
                login: None,
                action: "unlock",
                detail: Some(&format!("县局服务以{how}解锁数据库")),
                ..Default::default()
            },
        )?;
        Ok(api)
    }

    /// Opens HQ's encrypted database as a county login (the command line): the password
    /// unwraps the key, then the TOTP code is checked; the api acts for that login.
    /// A login without a phone yet gets [`LoginReply::OtpEnrol`] as an error message.
    pub fn open_county(
        path: &Path,
        clock: Arc<dyn Clock>,
        login: &str,
        password: &str,
        otp: Option<&str>,
    ) -> Result<Api> {
        let key_path = keys::path_for(path);
        let Some(mut kf) = KeyFile::load(&key_path)? else {
            return Err(Error::unauthenticated(format!(
                "县局数据库 {} 尚未加密；请先运行 fengqiao-hq init --admin 用户名",
                path.display()
            )));
        };
        auth::check_login("login", login).map_err(|_| wrong())?;
        let now = clock.now();
        // The password alone does not clear the failure count: the code must pass too.
        kf.check_lock(login, now)?;
        let key = match kf.unwrap_key(login, password) {
            Ok(key) => key,
            Err(e) => {
                kf.fail(&key_path, login, now, &Policy::default())?;
                return Err(e);
            }
        };
        let store = Store::open_encrypted_shared(path, clock, &key)?;
        let mut api = Api::secured(store, key);
        api.flush_failed_logins(&mut kf, &key_path)?;
        match api.second_factor(login, otp, now)? {
            Ok(s) => {
                api.session = Some(s);
                Ok(api)
            }
            Err(LoginReply::OtpEnrol { secret, otpauth_url, .. }) => Err(Error::unauthenticated(format!(
                "账号“{login}”尚未设置动态口令：请在手机验证器中添加密钥 {secret}（或扫描 {otpauth_url}），再用 --otp 输入它显示的 6 位数字"
            ))),
            Err(_) => Err(Error::unauthenticated("请输入手机验证器上的 6 位动态口令（--otp 或环境变量 FENGQIAO_OTP）")),
        }
    }

    /// Restores HQ's database at `db` from the backup `file`: `login` must be an enabled
    /// county admin in the backup, and `password` (as it was on the backup's day) unwraps
    /// the backup's key. The backup is checked before it replaces anything; the replaced
    /// files are kept beside it (see [`crate::store::backup::restore`]). HQ's server must be
    /// stopped.
    pub fn restore_hq(
        file: &Path,
        db: &Path,
        clock: Arc<dyn Clock>,
        login: &str,
        password: &str,
    ) -> Result<crate::store::backup::BackupReport> {
        auth::check_login("login", login).map_err(|_| wrong())?;
        let (_api, report) = Api::restore_as(file, db, clock, &RESTORE_HQ, login, password, |clock, key| {
            Ok(Api::secured(Store::open_encrypted(db, clock, &key)?, key))
        })?;
        Ok(report)
    }

    /// Sets (or replaces) the service key: a new random key written to `out` (which must not
    /// exist yet), readable only by the account running this. A county admin's act.
    pub fn set_service_key(&mut self, out: &Path) -> Result<()> {
        let key = self.require_county_admin()?;
        if out.exists() {
            return Err(Error::validation("service_key", format!("{} 已存在；请指定一个新文件", out.display())));
        }
        let secret = hex(&random(32)?);
        {
            use std::io::Write;
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let mut f = opts.open(out)?;
            writeln!(f, "{secret}")?;
            f.sync_all()?;
        }
        self.wrap_service(SERVICE, &secret, &key, "设置服务密钥")
    }

    /// Sets (or replaces) the operator's start passphrase. A county admin's act.
    pub fn set_operator_passphrase(&mut self, passphrase: &str) -> Result<()> {
        let key = self.require_county_admin()?;
        auth::check_password("passphrase", passphrase, OPERATOR)?;
        self.wrap_service(OPERATOR, passphrase, &key, "设置启动口令")
    }

    fn wrap_service(&mut self, entry: &str, secret: &str, key: &DbKey, what: &str) -> Result<()> {
        let key_path = self.key_path();
        let mut kf = KeyFile::load(&key_path)?.unwrap_or_default();
        kf.wrap_for(entry, secret, key)?;
        kf.save(&key_path)?;
        let login = self.session.as_ref().map(|s| s.login.clone());
        self.audit(
            self.store.clock().now(),
            Event { login: login.as_deref(), action: "update", detail: Some(what), ..Default::default() },
        )
    }

    fn require_county_admin(&self) -> Result<DbKey> {
        let key =
            self.key.clone().ok_or_else(|| Error::rule("县局数据库尚未加密：请先运行 fengqiao-hq init --admin"))?;
        match self.session.as_ref().map(|s| &s.who) {
            Some(Who::County(c)) if c.role == CountyRole::CountyAdmin => Ok(key),
            _ => Err(Error::Forbidden { message: "只有县局管理员可以设置县局的解锁方式".into() }),
        }
    }

    /// Logs a county login in: the password first, then the code from the phone (or, the
    /// first time, the phone's enrolment). On success the reply carries the session's token.
    pub fn login(&mut self, req: CountyLogin) -> Result<LoginReply> {
        super::require_hq(&self.store)?;
        let open_key = self
            .key
            .clone()
            .ok_or_else(|| Error::rule("县局尚未设置管理员；请先运行 fengqiao-hq init --admin 用户名"))?;
        let now = self.store.clock().now();
        self.sweep_sessions(now)?;
        auth::check_login("login", &req.login).map_err(|_| wrong())?;
        let key_path = self.key_path();
        let mut kf = KeyFile::load(&key_path)?.ok_or_else(|| Error::unauthenticated("找不到密钥文件"))?;
        // The password alone does not clear the failure count: the code must pass too, or
        // someone holding the password could try codes without end.
        kf.check_lock(&req.login, now)?;
        let key = match kf.unwrap_key(&req.login, &req.password) {
            Ok(key) => key,
            Err(e) => {
                let locked = kf.fail(&key_path, &req.login, now, &self.policy);
                self.flush_failed_logins(&mut kf, &key_path)?;
                locked?;
                return Err(e);
            }
        };
        if !key.same_as(&open_key) {
            return Err(Error::unauthenticated("密钥文件与数据库不匹配"));
        }
        match self.second_factor(&req.login, req.otp.as_deref(), now)? {
            Err(reply) => Ok(reply),
            Ok(session) => {
                let token = hex(&random(32)?);
                let info = self.county_info(&session)?;
                self.sessions.insert(digest(&token), session);
                Ok(LoginReply::LoggedIn { token, session: info })
            }
        }
    }

    /// After the password: the login must be a live county login, and the TOTP code must
    /// be right (or the phone enrolled). `Ok(Err(reply))` asks for the code or enrolment.
    fn second_factor(
        &mut self,
        login: &str,
        otp: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<Session, LoginReply>> {
        let u = match user::get(self.store.conn(), login)? {
            Some(u) if u.disabled_at.is_none() => u,
            _ => {
                let why = "该账号不是县局账号或已停用，请联系县局管理员";
                return Err(self.refuse_login(now, login, "不是启用中的县局账号", why)?);
            }
        };
        let t = user::totp(self.store.conn(), login)?;
        let (secret, enrolling) = match (&t.secret, &t.pending) {
            (Some(s), _) => (s.clone(), false),
            (None, Some(p)) => (p.clone(), true),
            (None, None) => {
                let s = random(otp::SECRET_BYTES)?;
                user::set_pending_totp(self.store.conn(), login, &s)?;
                (s, true)
            }
        };
        let Some(code) = otp.filter(|c| !c.trim().is_empty()) else {
            return Ok(Err(if enrolling {
                LoginReply::OtpEnrol {
                    otpauth_url: otp::otpauth_url(&secret, login)?,
                    secret: otp::secret_text(&secret),
                    message: "首次登录须绑定手机验证器：请用验证器 App 扫描二维码（或手动输入密钥），再输入它显示的 6 位动态口令"
                        .into(),
                }
            } else {
                LoginReply::OtpRequired { message: "请输入手机验证器上的 6 位动态口令".into() }
            }));
        };
        let unix = now.timestamp().max(0) as u64;
        let step = match otp::check("otp", &secret, code, unix, t.step) {
            Ok(step) => step,
            Err(e) => {
                let key_path = self.key_path();
                let mut kf = KeyFile::load(&key_path)?.unwrap_or_default();
                let locked = kf.fail(&key_path, login, now, &self.policy);
                kf.take_unaudited();
                kf.save(&key_path)?;
                self.audit(
                    now,
                    Event {
                        login: Some(login),
                        action: "login_failed",
                        detail: Some("动态口令错误"),
                        ..Default::default()
                    },
                )?;
                locked?;
                return Err(e);
            }
        };
        user::totp_used(self.store.conn(), login, step, enrolling)?;
        user::logged_in(self.store.conn(), login, now)?;
        let key_path = self.key_path();
        if let Some(mut kf) = KeyFile::load(&key_path)? {
            kf.succeeded(&key_path, login)?;
        }
        let detail =
            if enrolling { "密码和动态口令（绑定手机验证器）" } else { "密码和动态口令" };
        self.audit(now, Event { login: Some(login), action: "login", detail: Some(detail), ..Default::default() })?;
        Ok(Ok(Session {
            login: u.login,
            who: Who::County(CountyCaller { role: u.role, station_id: u.station_id }),
            must_change_password: u.must_change_password,
            last_active: now,
        }))
    }

    /// Ends sessions idle past the timeout (each audited as a logout).
    fn sweep_sessions(&mut self, now: DateTime<Utc>) -> Result<()> {
        let policy = self.policy;
        let stale: Vec<String> = self
            .sessions
            .iter()
            .filter(|(_, s)| auth::timed_out(s.last_active, now, &policy))
            .map(|(k, _)| k.clone())
            .collect();
        for k in stale {
            if let Some(s) = self.sessions.remove(&k) {
                self.audit(
                    now,
                    Event {
                        login: Some(&s.login), action: "logout", detail: Some("会话超时"), ..Default::default()
                    },
                )?;
            }
        }
        Ok(())
    }

    /// Runs the method `name` for the session behind `token`, through the same gate as
    /// [`Api::call`] (idle timeout, role, scope, audit with that login).
    pub fn call_as(&mut self, token: &str, name: &str, params: Value) -> Result<Value> {
        let key = digest(token);
        let Some(s) = self.sessions.remove(&key) else {
            return Err(Error::unauthenticated("请先登录（会话已结束或无效）"));
        };
        let outer = self.session.replace(s);
        let out = self.call(name, params);
        // The call may have ended the session (a logout, the idle timeout).
        if let Some(s) = std::mem::replace(&mut self.session, outer) {
            self.sessions.insert(key, s);
        }
        out
    }

    /// Ends the session behind `token` (audited); an unknown token is not an error.
    pub fn logout(&mut self, token: &str) -> Result<()> {
        if let Some(s) = self.sessions.remove(&digest(token)) {
            let now = self.store.clock().now();
            self.audit(now, Event { login: Some(&s.login), action: "logout", ..Default::default() })?;
        }
        Ok(())
    }

    /// How many sessions are open (a server's status).
    pub fn session_count(&self) -> usize {
        self.sessions.len()
    }

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
