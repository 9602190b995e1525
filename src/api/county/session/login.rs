//! A county login with password and TOTP code, and the sessions it opens, one per token.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{CountyLogin, LoginReply, digest, random, wrong};
use crate::api::{Api, CountyCaller, Session, Who};
use crate::error::{Error, Result};
use crate::model::auth;
use crate::model::otp;
use crate::store::audit::Event;
use crate::store::county::user;
use crate::store::keys::{KeyFile, hex};

impl Api {
    /// Logs a county login in: the password first, then the code from the phone (or, the
    /// first time, the phone's enrolment). On success the reply carries the session's token.
    pub fn login(&mut self, req: CountyLogin) -> Result<LoginReply> {
        super::super::require_hq(&self.store)?;
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
    pub(super) fn second_factor(
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
}
