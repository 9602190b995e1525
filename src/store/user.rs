//! Logins (`app_user`): who may open this post's database and in which role.
//!
//! A local table, never synced: credentials stay on the machine they were made on (see the
//! `0002_security.sql` migration). The password itself is not stored here: the user's
//! wrapped copy of the database key in the key file is the verifier (only the right
//! password unwraps it; see [`crate::store::keys`]). A second Argon2id hash here would prove
//! nothing more and only add another copy to guard.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::Role;
use crate::model::time::stamp;
use crate::store::from_row;

/// A login as the admin's user list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct User {
    /// Row id.
    pub id: String,
    /// Login name.
    pub login: String,
    /// Display name.
    pub name: Option<String>,
    /// The officer this login belongs to.
    pub officer_id: Option<String>,
    /// Role.
    pub role: Role,
    /// Must change the password at next login (set by an admin).
    pub must_change_password: bool,
    /// Disabled at (RFC 3339), if disabled.
    pub disabled_at: Option<String>,
    /// Created at.
    pub created_at: String,
    /// The admin who created it.
    pub created_by: Option<String>,
    /// Last password change.
    pub password_changed_at: Option<String>,
    /// Last successful login.
    pub last_login_at: Option<String>,
    /// Locked after repeated wrong passwords until this instant (RFC 3339), if locked now.
    /// Kept in the key file beside the database, not in it: `Api::user_list` fills it in.
    pub locked_until: Option<String>,
}

/// A new login's fields.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    /// Login name (checked by [`crate::model::auth::check_login`]).
    pub login: &'a str,
    /// Display name.
    pub name: Option<&'a str>,
    /// Officer row, if linked.
    pub officer_id: Option<&'a str>,
    /// Role.
    pub role: Role,
    /// Whether the first login must change the password.
    pub must_change_password: bool,
}

const COLUMNS: &str = "id, login, name, officer_id, role, must_change_password, disabled_at, created_at, created_by, \
                       password_changed_at, last_login_at";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(from_row!(r => User {
        id, login, name, officer_id, role, must_change_password, disabled_at, created_at, created_by,
        password_changed_at, last_login_at,
        locked_until: None,
    }))
}

/// How many logins are enabled. None means the database is in setup mode.
pub fn count_enabled(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM app_user WHERE disabled_at IS NULL", [], |r| r.get(0))?)
}

/// How many enabled station admins there are.
pub fn count_admins(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM app_user WHERE disabled_at IS NULL AND role = 'station_admin'",
        [],
        |r| r.get(0),
    )?)
}

/// The login named `login`, enabled or not.
pub fn get(conn: &Connection, login: &str) -> Result<Option<User>> {
    Ok(conn.query_row(&format!("SELECT {COLUMNS} FROM app_user WHERE login = ?1"), [login], row).optional()?)
}

/// The login named `login`, or a not-found error.
pub fn require(conn: &Connection, login: &str) -> Result<User> {
    get(conn, login)?.ok_or_else(|| Error::NotFound { message: format!("找不到用户“{login}”") })
}

/// Every login, by name.
pub fn list(conn: &Connection) -> Result<Vec<User>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM app_user ORDER BY login"))?;
    Ok(stmt.query_map([], row)?.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Adds a login. The officer it links to, if any, must exist.
pub fn insert(conn: &Connection, id: &str, u: &NewUser<'_>, now: DateTime<Utc>, by: Option<&str>) -> Result<User> {
    if get(conn, u.login)?.is_some() {
        return Err(login_taken(u.login));
    }
    if let Some(officer) = u.officer_id {
        let found: Option<(String, Role, bool)> = conn
            .query_row("SELECT name, role, active FROM officer WHERE id = ?1 AND deleted_at IS NULL", [officer], |r| {
                Ok((r.get("name")?, r.get("role")?, r.get("active")?))
            })
            .optional()?;
        let Some((name, role, active)) = found else {
            return Err(Error::validation("officer_id", format!("找不到民警、辅警（{officer}）")));
        };
        if !active {
            return Err(Error::validation("officer_id", format!("“{name}”已离岗，不能为其新建登录账号")));
        }
        // A login cannot claim more than the officer record says (an auxiliary's login is
        // an auxiliary's).
        if role != u.role {
            return Err(Error::validation(
                "role",
                format!("“{name}”登记的角色是{}，账号的角色须与之相同", role.label()),
            ));
        }
    }
    let now = stamp(now);
    conn.execute(
        "INSERT INTO app_user (id, login, name, officer_id, role, must_change_password, created_at, created_by,
                               password_changed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7)",
        params![id, u.login, u.name, u.officer_id, u.role, u.must_change_password, now, by],
    )?;
    require(conn, u.login)
}

/// The refusal of a login name already used, at a post or (at HQ) by a county login.
pub(crate) fn login_taken(login: &str) -> Error {
    Error::Duplicate {
        field: "login".into(), message: format!("用户名“{login}”已被使用"), existing_id: login.into()
    }
}

/// Which logins: a post's users (`app_user`) or HQ's county logins (`county_user`), which
/// keep their password change, last login and disabling alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Logins {
    /// A post's users.
    Post,
    /// HQ's county logins.
    County,
}

impl Logins {
    fn table(self) -> &'static str {
        match self {
            Logins::Post => "app_user",
            Logins::County => "county_user",
        }
    }

    /// Records a password change; `must_change` is set when an admin resets someone else's.
    pub fn password_changed(self, conn: &Connection, login: &str, now: DateTime<Utc>, must_change: bool) -> Result<()> {
        conn.execute(
            &format!(
                "UPDATE {} SET password_changed_at = ?2, must_change_password = ?3 WHERE login = ?1",
                self.table()
            ),
            params![login, stamp(now), must_change],
        )?;
        Ok(())
    }

    /// Records a successful login.
    pub fn logged_in(self, conn: &Connection, login: &str, now: DateTime<Utc>) -> Result<()> {
        conn.execute(
            &format!("UPDATE {} SET last_login_at = ?2 WHERE login = ?1", self.table()),
            params![login, stamp(now)],
        )?;
        Ok(())
    }

    /// Disables a login (kept, for the audit log's sake; it can no longer log in).
    pub fn disable(self, conn: &Connection, login: &str, now: DateTime<Utc>) -> Result<()> {
        conn.execute(
            &format!("UPDATE {} SET disabled_at = ?2 WHERE login = ?1 AND disabled_at IS NULL", self.table()),
            params![login, stamp(now)],
        )?;
        Ok(())
    }
}

/// Records a password change; `must_change` is set when an admin resets someone else's.
pub fn password_changed(conn: &Connection, login: &str, now: DateTime<Utc>, must_change: bool) -> Result<()> {
    Logins::Post.password_changed(conn, login, now, must_change)
}

/// Records a successful login.
pub fn logged_in(conn: &Connection, login: &str, now: DateTime<Utc>) -> Result<()> {
    Logins::Post.logged_in(conn, login, now)
}

/// Disables a login (kept, for the audit log's sake; it can no longer log in).
pub fn disable(conn: &Connection, login: &str, now: DateTime<Utc>) -> Result<()> {
    Logins::Post.disable(conn, login, now)
}
