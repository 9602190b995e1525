//! Stations (派出所) as HQ's data, and the posts enrolled at HQ with the station each
//! belongs to. Local to HQ: a post does not need to know which station HQ files it under.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::time::stamp;

/// A station.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Station {
    /// Id.
    pub id: String,
    /// 名称, e.g. 青山派出所.
    pub name: String,
    /// Posts filed under it.
    pub posts: i64,
}

/// A post enrolled at HQ, as the console lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PostInfo {
    /// The post's node id.
    pub id: String,
    /// 名称.
    pub name: String,
    /// The station it belongs to.
    pub station_id: Option<String>,
    /// That station's name.
    pub station_name: Option<String>,
    /// 辖区: village codes.
    pub villages: Vec<String>,
    /// When enrolled (RFC 3339).
    pub enrolled_at: String,
    /// When a bundle from it was last accepted (RFC 3339).
    pub last_sync_at: Option<String>,
}

/// Checks a station name: 2–40 characters, no control characters.
fn check_name(name: &str) -> Result<String> {
    let name = name.trim();
    let n = name.chars().count();
    if !(2..=40).contains(&n) {
        return Err(Error::validation("name", "派出所名称应为 2 至 40 个字"));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::validation("name", "派出所名称不能包含控制字符"));
    }
    Ok(name.to_owned())
}

/// One station.
pub fn get(conn: &Connection, id: &str) -> Result<Option<Station>> {
    Ok(conn
        .prepare_cached(
            "SELECT s.id, s.name, (SELECT count(*) FROM peer p WHERE p.station_id = s.id AND p.role = 'post')
             FROM station s WHERE s.id = ?1",
        )?
        .query_row([id], |r| Ok(Station { id: r.get(0)?, name: r.get(1)?, posts: r.get(2)? }))
        .optional()?)
}

/// Every station, by name.
pub fn list(conn: &Connection) -> Result<Vec<Station>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.id, s.name, (SELECT count(*) FROM peer p WHERE p.station_id = s.id AND p.role = 'post')
         FROM station s ORDER BY s.name",
    )?;
    Ok(stmt
        .query_map([], |r| Ok(Station { id: r.get(0)?, name: r.get(1)?, posts: r.get(2)? }))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Creates a station (`id` none) or renames one.
pub fn save(conn: &Connection, id: Option<&str>, name: &str, now: DateTime<Utc>) -> Result<Station> {
    let name = check_name(name)?;
    let taken: Option<String> =
        conn.query_row("SELECT id FROM station WHERE name = ?1", [&name], |r| r.get(0)).optional()?;
    if let Some(other) = taken.filter(|t| Some(t.as_str()) != id) {
        return Err(Error::Duplicate {
            field: "name".into(),
            message: format!("已有名为“{name}”的派出所"),
            existing_id: other,
        });
    }
    let id = match id {
        Some(id) => {
            if conn.execute("UPDATE station SET name = ?2 WHERE id = ?1", params![id, name])? == 0 {
                return Err(Error::validation("id", format!("找不到派出所（{id}）")));
            }
            id.to_owned()
        }
        None => {
            let id = uuid::Uuid::now_v7().to_string();
            conn.execute(
                "INSERT INTO station (id, name, created_at) VALUES (?1, ?2, ?3)",
                params![id, name, stamp(now)],
            )?;
            id
        }
    };
    get(conn, &id)?.ok_or_else(|| Error::rule("派出所已保存，但读取时没有找到"))
}

/// The station a station id names, or a validation error on `field`.
pub fn require(conn: &Connection, field: &str, id: &str) -> Result<Station> {
    get(conn, id)?.ok_or_else(|| Error::validation(field, format!("找不到派出所（{id}）")))
}

/// The node ids of the posts filed under station `id` (refused, naming `field`, when there
/// is no such station).
pub fn post_ids(conn: &Connection, field: &str, id: &str) -> Result<Vec<String>> {
    require(conn, field, id)?;
    Ok(posts(conn)?.into_iter().filter(|p| p.station_id.as_deref() == Some(id)).map(|p| p.id).collect())
}

const POST_SELECT: &str = "SELECT p.node_id, p.name, p.station_id, s.name AS station_name, p.villages,
        p.enrolled_at, p.last_sync_at
     FROM peer p LEFT JOIN station s ON s.id = p.station_id WHERE p.role = 'post'";

fn post_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PostInfo> {
    Ok(PostInfo {
        id: r.get("node_id")?,
        name: r.get("name")?,
        station_id: r.get("station_id")?,
        station_name: r.get("station_name")?,
        villages: crate::store::json_list(r.get("villages")?),
        enrolled_at: r.get("enrolled_at")?,
        last_sync_at: r.get("last_sync_at")?,
    })
}

/// Every enrolled post, by name.
pub fn posts(conn: &Connection) -> Result<Vec<PostInfo>> {
    let mut stmt = conn.prepare_cached(&format!("{POST_SELECT} ORDER BY p.name, p.node_id"))?;
    Ok(stmt.query_map([], post_row)?.collect::<rusqlite::Result<_>>()?)
}

/// A stamp of what HQ's lists take from the enrolled posts: each one's id, name, villages and
/// station (not its sync counters), changing whenever one of them does.
pub fn posts_stamp(conn: &Connection) -> Result<String> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(group_concat(x, char(10)), '') FROM
             (SELECT json_array(node_id, name, villages, station_id) AS x FROM main.peer WHERE role = 'post' ORDER BY node_id)",
        )?
        .query_row([], |r| r.get(0))?)
}

/// One enrolled post, or a validation error on `field`.
pub fn post(conn: &Connection, field: &str, id: &str) -> Result<PostInfo> {
    conn.prepare_cached(&format!("{POST_SELECT} AND p.node_id = ?1"))?
        .query_row([id], post_row)
        .optional()?
        .ok_or_else(|| Error::validation(field, format!("没有登记这个警务室（{id}）")))
}

/// Renames a post at HQ and files it under a station.
pub fn update_post(conn: &Connection, id: &str, name: Option<&str>, station_id: Option<&str>) -> Result<PostInfo> {
    post(conn, "id", id)?;
    if let Some(name) = name {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 40 || name.chars().any(char::is_control) {
            return Err(Error::validation("name", "警务室名称应为 1 至 40 个字"));
        }
        conn.execute("UPDATE peer SET name = ?2 WHERE node_id = ?1", params![id, name])?;
    }
    if let Some(s) = station_id {
        require(conn, "station_id", s)?;
        conn.execute("UPDATE peer SET station_id = ?2 WHERE node_id = ?1", params![id, s])?;
    }
    post(conn, "id", id)
}
