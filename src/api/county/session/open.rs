//! Opening HQ's database: the first county admin, the service key, the operator's passphrase, a county login, a restore.

use std::path::Path;
use std::sync::Arc;

use super::{LoginReply, OPERATOR, SERVICE, Unlock, random, wrong};
use crate::api::security::RestoreKind;
use crate::api::{Api, CountyCaller, Session, Who};
use crate::error::{Error, Result};
use crate::model::CountyRole;
use crate::model::auth::{self, Policy};
use crate::model::time::Clock;
use crate::store::Store;
use crate::store::audit::Event;
use crate::store::county::user::{self, NewCountyUser};
use crate::store::keys::{self, DbKey, KeyFile, hex};

/// HQ's database, restored by a county admin.
const RESTORE_HQ: RestoreKind = RestoreKind {
    is_admin: |conn, login| {
        Ok(user::get(conn, login)?.is_some_and(|u| u.disabled_at.is_none() && u.role == CountyRole::CountyAdmin))
    },
    refusal: "只有县局管理员可以恢复县局的备份",
    what: "县局数据库",
};
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
            super::super::require_hq(&plain.store)
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
}
