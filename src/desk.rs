//! The desk: one post's database as a program with a window holds it, the desktop app
//! (`src-tauri`) and `fengqiao serve` alike, each a thin wrapper over this type.
//!
//! An encrypted database (its key file beside it) starts locked: the first `session.login`
//! opens it (`Api::open_as`), and from then on every call is `Api::call`, with the core's own
//! sessions, idle timeout and permission gate. A plain database opens in setup mode, where
//! the first-run screen creates the station admin (encrypting the file) or imports the demo
//! post. Replies carry the core's error as the page shows it (`ErrorReply`): a database that
//! could not be opened answers every call with why.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::api::{Api, DbInfo, LoginRequest, SessionInfo};
use crate::demo::{self, DemoOptions, DemoSummary};
use crate::error::{Error, ErrorReply};
use crate::model::time::SystemClock;
use crate::store::backup::BackupReport;
use crate::store::keys;

/// The seed of the demo data the first-run screen imports (the CLI's default too).
pub const DEMO_SEED: u64 = 1;

/// A reply to the page: the value, or the core's error as the page shows it.
pub type Reply<T> = std::result::Result<T, ErrorReply>;

/// Where the desk stands with its database.
pub enum Desk {
    /// Open: in setup mode, or secured with or without a live session.
    Open(Box<Api>),
    /// Encrypted and not yet unlocked: the first `session.login` opens it.
    Locked(PathBuf),
    /// Not open (it could not be, or the program is stopping): every call answers this.
    Failed(ErrorReply),
}

/// An error of the program rather than of the request, with its message.
pub fn internal(message: impl Into<String>) -> ErrorReply {
    ErrorReply { code: "internal", message: message.into(), field: None, missing: Vec::new() }
}

fn please_log_in() -> ErrorReply {
    Error::unauthenticated("请先登录").to_reply()
}

/// A value as JSON for the page.
pub fn to_value<T: Serialize>(v: T) -> Reply<Value> {
    serde_json::to_value(v).map_err(|e| internal(format!("无法转换结果：{e}")))
}

impl Desk {
    /// The database at `path`: locked when it is encrypted, else open in setup mode, or
    /// failed with why it could not be opened.
    pub fn open(path: &Path) -> Desk {
        Desk::try_open(path).unwrap_or_else(|e| Desk::Failed(e.to_reply()))
    }

    /// As [`Desk::open`], with a database that cannot be opened an error.
    pub fn try_open(path: &Path) -> crate::error::Result<Desk> {
        if keys::path_for(path).exists() {
            return Ok(Desk::Locked(path.to_path_buf()));
        }
        Ok(Desk::Open(Box::new(Api::open(path, Api::clock_for(path)?)?)))
    }

    /// The open api, or why there is none.
    fn api(&mut self) -> Reply<&mut Api> {
        match self {
            Desk::Open(api) => Ok(api),
            Desk::Locked(_) => Err(please_log_in()),
            Desk::Failed(e) => Err(e.clone()),
        }
    }

    /// Runs any api method by name with JSON parameters. While the database is locked,
    /// `session.current` says so and `session.login` unlocks it; anything else asks for a login.
    pub fn call(&mut self, method: &str, params: Value) -> Reply<Value> {
        let Desk::Locked(path) = self else {
            return self.api()?.call(method, params).map_err(|e| e.to_reply());
        };
        match method {
            "session.current" => to_value(SessionInfo::logged_out()),
            "session.login" => {
                let req: LoginRequest = serde_json::from_value(params)
                    .map_err(|e| Error::BadRequest(format!("登录请求有误：{e}")).to_reply())?;
                let opened =
                    Api::clock_for(path).and_then(|clock| Api::open_as(path, clock, &req.login, &req.password));
                let mut api = opened.map_err(|e| e.to_reply())?;
                let info = api.session_current().map_err(|e| e.to_reply())?;
                *self = Desk::Open(Box::new(api));
                to_value(info)
            }
            _ => Err(please_log_in()),
        }
    }

    /// First run: creates the station admin and encrypts the database (`Api::create_admin`),
    /// only while it is in setup mode. Returns the admin's session; on failure the plain file
    /// is reopened as it was.
    pub fn create_admin(&mut self, login: &str, password: &str) -> Reply<SessionInfo> {
        let path = match &*self {
            Desk::Open(api) if api.is_secured() => {
                return Err(Error::rule("数据库已设置管理员；如需新增用户，请管理员在“用户”中添加").to_reply());
            }
            Desk::Open(api) => api.store().path().to_path_buf(),
            Desk::Locked(_) => return Err(Error::rule("数据库已设置管理员，请登录").to_reply()),
            Desk::Failed(e) => return Err(e.clone()),
        };
        // The plain file is encrypted in place, so its connection is closed first.
        *self = Desk::Locked(path.clone());
        match Api::create_admin(&path, Arc::new(SystemClock), login, password) {
            Ok(mut admin) => {
                let info = admin.session_current().map_err(|e| e.to_reply());
                *self = Desk::Open(Box::new(admin));
                info
            }
            Err(e) => {
                *self = Desk::open(&path);
                Err(e.to_reply())
            }
        }
    }

    /// Restores a backup over the open database: in setup mode or for the logged-in station
    /// admin (`Api::restore_open`). On success the restored database is open and logged in;
    /// on failure the old one is reopened unchanged, or locked for a login when it cannot be.
    pub fn restore(&mut self, file: &Path, login: &str, password: &str) -> Reply<BackupReport> {
        let api = match std::mem::replace(self, Desk::Failed(internal("正在恢复备份，请稍候"))) {
            Desk::Open(api) => api,
            other => {
                let why = if let Desk::Failed(e) = &other { e.clone() } else { please_log_in() };
                *self = other;
                return Err(why);
            }
        };
        let path = api.store().path().to_path_buf();
        let (result, back) = api.restore_open(file, login, password);
        *self = back.map_or(Desk::Locked(path), |api| Desk::Open(Box::new(api)));
        result.map_err(|e| e.to_reply())
    }

    /// Fills an empty database with the demo post (admitted and audited as `demo.generate`).
    pub fn demo(&mut self, households: usize) -> Reply<DemoSummary> {
        let opts = DemoOptions { households, seed: DEMO_SEED };
        self.api()?.guarded("demo.generate", |api| demo::generate_fresh(api, opts)).map_err(|e| e.to_reply())
    }

    /// Where the data lives, schema and software versions.
    pub fn db_info(&mut self) -> Reply<DbInfo> {
        self.api()?.db_info().map_err(|e| e.to_reply())
    }

    /// Closes the database as the program stops, its WAL checkpointed into the file
    /// (`Api::close`); every later call answers `why`.
    pub fn close(&mut self, why: &str) -> crate::error::Result<()> {
        match std::mem::replace(self, Desk::Failed(internal(why))) {
            Desk::Open(api) => api.close(),
            _ => Ok(()),
        }
    }
}
