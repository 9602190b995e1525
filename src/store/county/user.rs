//! County logins (`county_user`): who may use the county console at HQ, in which role, and
//! their second factor.
//!
//! Local to HQ, never synced. As on a post ([`crate::store::user`]), the password is not
//! stored: the login's wrapped copy of the database key in `hq.db.keys` is the verifier.
//! The TOTP secret is stored here, inside the encrypted file, and never leaves it except
//! once, in the enrolment reply the user scans.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::CountyRole;
use crate::model::time::stamp;
use crate::store::user::{Logins, login_taken};

/// A county login as the admin's list shows it (never its secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CountyUser {
    /// Row id.
    pub id: String,
    /// Login name.
    pub login: String,
    /// Display name.
    pub name: Option<String>,
    /// Role.
    pub role: CountyRole,
    /// The station (派出所) a station leader is limited to.
    pub station_id: Option<String>,
    /// That station's name.
    pub station_name: Option<String>,
    /// Must change the password at next login (set by an admin).
    pub must_change_password: bool,
    /// Whether the second factor (a phone authenticator) is set up.
    pub totp_enrolled: bool,
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
    /// Locked after repeated failures until this instant, if locked now (from the key file).
    pub locked_until: Option<String>,
}

/// A new county login's fields.
#[derive(Debug, Clone)]
pub struct NewCountyUser<'a> {
    /// Login name.
    pub login: &'a str,
    /// Display name.
    pub name: Option<&'a str>,
    /// Role.
    pub role: CountyRole,
    /// Station, for a station leader.
    pub station_id: Option<&'a str>,
    /// Whether the first login must change the password.
    pub must_change_password: bool,
}

/// The second factor's state of one login.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Totp {
    /// The confirmed secret.
    pub secret: Option<Vec<u8>>,
    /// A secret shown for enrolment, not yet confirmed.
    pub pending: Option<Vec<u8>>,
    /// The last step accepted.
    pub step: Option<u64>,
}

impl std::fmt::Debug for Totp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Totp")
            .field("secret", &self.secret.as_ref().map(|_| "…"))
            .field("pending", &self.pending.as_ref().map(|_| "…"))
            .field("step", &self.step)
            .finish()
    }
}

const SELECT: &str = "SELECT u.id, u.login, u.name, u.role, u.station_id, s.name AS station_name,
        u.must_change_password, u.totp_secret IS NOT NULL AS totp_enrolled, u.disabled_at, u.created_at, u.created_by, u.password_changed_at, u.last_login_at
     FROM county_user u LEFT JOIN station s ON s.id = u.station_id";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CountyUser> {
    Ok(CountyUser {
        id: r.get("id")?,
        login: r.get("login")?,
        name: r.get("name")?,
        role: r.get("role")?,
        station_id: r.get("station_id")?,
        station_name: r.get("station_name")?,
        must_change_password: r.get("must_change_password")?,
        totp_enrolled: r.get("totp_enrolled")?,
        disabled_at: r.get("disabled_at")?,
        created_at: r.get("created_at")?,
        created_by: r.get("created_by")?,
        password_changed_at: r.get("password_changed_at")?,
        last_login_at: r.get("last_login_at")?,
        locked_until: None,
    })
}

/// The login named `login`, enabled or not.
pub fn get(conn: &Connection, login: &str) -> Result<Option<CountyUser>> {
    Ok(conn.prepare_cached(&format!("{SELECT} WHERE u.login = ?1"))?.query_row([login], row).optional()?)
}

/// The login named `login`, or a not-found error.
pub fn require(conn: &Connection, login: &str) -> Result<CountyUser> {
    get(conn, login)?.ok_or_else(|| Error::NotFound { message: format!("找不到县局账号“{login}”") })
}

/// Every county login, by name.
pub fn list(conn: &Connection) -> Result<Vec<CountyUser>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} ORDER BY u.login"))?;
    Ok(stmt.query_map([], row)?.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// How many enabled county admins there are.
pub fn count_admins(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM county_user WHERE disabled_at IS NULL AND role = 'county_admin'",
        [],
        |r| r.get(0),
    )?)
}

/// Adds a county login. A station leader needs a station that exists; other roles have none.
pub fn insert(
    conn: &Connection,
    id: &str,
    u: &NewCountyUser<'_>,
    now: DateTime<Utc>,
    by: Option<&str>,
) -> Result<CountyUser> {
    if get(conn, u.login)?.is_some()
        || conn
            .query_row("SELECT count(*) FROM app_user WHERE login = ?1", [u.login], |r| r.get::<_, i64>(0))
            .unwrap_or(0)
            > 0
    {
        return Err(login_taken(u.login));
    }
    let station = check_station(conn, u.role, u.station_id)?;
    conn.execute(
        "INSERT INTO county_user (id, login, name, role, station_id, must_change_password, created_at, created_by,
                                  password_changed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7)",
        params![id, u.login, u.name, u.role, station, u.must_change_password, stamp(now), by],
    )?;
    require(conn, u.login)
}

/// The station a login of `role` is bound to: required (and existing) for a station leader,
/// refused for the county-wide roles.
fn check_station<'a>(conn: &Connection, role: CountyRole, station: Option<&'a str>) -> Result<Option<&'a str>> {
    let station = station.map(str::trim).filter(|s| !s.is_empty());
    match (role, station) {
        (CountyRole::StationLeader, None) => {
            Err(Error::validation("station_id", "派出所负责人须指定所属派出所（只能查看该所警务室的数据）"))
        }
        (CountyRole::StationLeader, Some(s)) => {
            if super::station::get(conn, s)?.is_none() {
                return Err(Error::validation("station_id", format!("找不到派出所（{s}）")));
            }
            Ok(Some(s))
        }
        (_, Some(_)) => Err(Error::validation(
            "station_id",
            format!("{}可查看全县数据，不属于某个派出所；只有派出所负责人需要指定派出所", role.label()),
        )),
        (_, None) => Ok(None),
    }
}

/// The second factor's state of `login`.
pub fn totp(conn: &Connection, login: &str) -> Result<Totp> {
    Ok(conn
        .prepare_cached("SELECT totp_secret, totp_pending, totp_step FROM county_user WHERE login = ?1")?
        .query_row([login], |r| {
            Ok(Totp { secret: r.get(0)?, pending: r.get(1)?, step: r.get::<_, Option<i64>>(2)?.map(|s| s as u64) })
        })
        .optional()?
        .unwrap_or_default())
}

/// Keeps a secret shown for enrolment until a code confirms it.
pub fn set_pending_totp(conn: &Connection, login: &str, secret: &[u8]) -> Result<()> {
    conn.execute("UPDATE county_user SET totp_pending = ?2 WHERE login = ?1", params![login, secret])?;
    Ok(())
}

/// A code confirmed the pending secret (`confirmed`), or a code was accepted: records the
/// step so the code cannot be used again.
pub fn totp_used(conn: &Connection, login: &str, step: u64, confirmed: bool) -> Result<()> {
    let sql = if confirmed {
        "UPDATE county_user SET totp_secret = totp_pending, totp_pending = NULL, totp_step = ?2 WHERE login = ?1"
    } else {
        "UPDATE county_user SET totp_step = ?2 WHERE login = ?1"
    };
    conn.execute(sql, params![login, step as i64])?;
    Ok(())
}

/// Clears the second factor (a lost phone): the next login enrols a new one.
pub fn reset_totp(conn: &Connection, login: &str) -> Result<()> {
    conn.execute(
        "UPDATE county_user SET totp_secret = NULL, totp_pending = NULL, totp_step = NULL WHERE login = ?1",
        [login],
    )?;
    Ok(())
}

/// Records a password change; `must_change` when an admin resets someone else's.
pub fn password_changed(conn: &Connection, login: &str, now: DateTime<Utc>, must_change: bool) -> Result<()> {
    Logins::County.password_changed(conn, login, now, must_change)
}

/// Records a successful login.
pub fn logged_in(conn: &Connection, login: &str, now: DateTime<Utc>) -> Result<()> {
    Logins::County.logged_in(conn, login, now)
}

/// Disables a login (kept for the audit log's sake).
pub fn disable(conn: &Connection, login: &str, now: DateTime<Utc>) -> Result<()> {
    Logins::County.disable(conn, login, now)
}
