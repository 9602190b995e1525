//! Volunteer teams (巡防队, 义警队…): owns the `team` table.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row};
use schemars::JsonSchema;
use serde::Serialize;

use super::{check_village, day, must_exist};
use crate::error::{Error, Result};
use crate::model::day_plan::PatrolPlanned;
use crate::model::people::opt_date;
use crate::model::prevention::{TeamInput, check_patrol_plan};
use crate::model::validate::{required, text};
use crate::store::day_plan::place_of;
use crate::store::from_row;
use crate::store::write::{opt_date as date_value, v};
use crate::store::{Tx, json_list};

/// A team with its size.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Team {
    /// Row id.
    pub id: String,
    /// 名称.
    pub name: String,
    /// 村（社区）.
    pub village_id: Option<String>,
    /// Its name.
    pub village_name: Option<String>,
    /// 队长.
    pub leader_id: Option<String>,
    /// 队长姓名.
    pub leader_name: Option<String>,
    /// 成立日期.
    pub founded_on: Option<String>,
    /// 在岗队员数.
    pub active_members: i64,
    /// 备注.
    pub notes: Option<String>,
    /// 巡逻日, 1 = Monday … 7 = Sunday.
    pub patrol_days: Vec<u8>,
    /// 巡逻时间.
    pub patrol_time: Option<String>,
    /// 巡逻路线.
    pub patrol_route: Option<String>,
}

impl Team {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Team> {
        Ok(from_row!(r => Team {
            id, name, village_id, village_name, leader_id, leader_name, founded_on, active_members, notes,
            patrol_days: days_of(r.get("patrol_days")?),
            patrol_time, patrol_route,
        }))
    }
}

/// A stored JSON list of weekdays.
pub(crate) fn days_of(stored: Option<String>) -> Vec<u8> {
    json_list(stored).iter().filter_map(|d| d.parse().ok()).collect()
}

fn days_json(days: &[u8]) -> String {
    crate::store::list_json(&days.iter().map(u8::to_string).collect::<Vec<_>>())
}

/// The columns of a team as entered (its name checked free by the caller).
fn columns(conn: &Connection, i: TeamInput) -> Result<Vec<(&'static str, rusqlite::types::Value)>> {
    check_village(conn, i.village_id.as_deref())?;
    must_exist(conn, "volunteer", "leader_id", "队长", i.leader_id.as_deref())?;
    let founded = opt_date("founded_on", "成立日期", i.founded_on.as_deref())?;
    let time = text("patrol_time", "巡逻时间", i.patrol_time.as_deref(), 5)?;
    let days = check_patrol_plan(&i.patrol_days, time.as_deref())?;
    Ok(vec![
        ("village_id", v(i.village_id)),
        ("leader_id", v(i.leader_id)),
        ("founded_on", date_value(founded)),
        ("notes", v(text("notes", "备注", i.notes.as_deref(), 2000)?)),
        ("patrol_days", v(days_json(&days))),
        ("patrol_time", v(time)),
        ("patrol_route", v(text("patrol_route", "巡逻路线", i.patrol_route.as_deref(), 200)?)),
    ])
}

fn name_free(conn: &Connection, name: &str, except: Option<&str>) -> Result<()> {
    let dup: Option<String> = conn
        .query_row(
            "SELECT id FROM team WHERE name = ?1 AND deleted_at IS NULL AND id IS NOT ?2",
            rusqlite::params![name, except],
            |r| r.get("id"),
        )
        .optional()?;
    if let Some(existing_id) = dup {
        return Err(Error::Duplicate {
            field: "name".into(), message: format!("已有名为“{name}”的队伍"), existing_id
        });
    }
    Ok(())
}

/// Adds a team.
pub fn create_team(tx: &mut Tx<'_>, i: TeamInput) -> Result<String> {
    let name = required("name", "队伍名称", &i.name, 40)?;
    name_free(tx.conn(), &name, None)?;
    let mut cols = columns(tx.conn(), i)?;
    cols.insert(0, ("name", v(name)));
    let id = tx.new_id();
    tx.insert("team", &id, &cols)?;
    Ok(id)
}

/// Changes a team (the input is the whole team, as edited).
pub fn update_team(tx: &mut Tx<'_>, id: &str, i: TeamInput) -> Result<()> {
    team_input_of(tx.conn(), id)?;
    let name = required("name", "队伍名称", &i.name, 40)?;
    name_free(tx.conn(), &name, Some(id))?;
    let mut cols = columns(tx.conn(), i)?;
    cols.insert(0, ("name", v(name)));
    tx.update("team", id, &cols)?;
    Ok(())
}

/// A team's editable fields, for an update that changes only some of them.
pub fn team_input_of(conn: &Connection, id: &str) -> Result<TeamInput> {
    conn.prepare_cached(
        "SELECT name, village_id, leader_id, founded_on, notes, patrol_days, patrol_time, patrol_route
         FROM team WHERE id = ?1 AND deleted_at IS NULL",
    )?
    .query_row([id], |r| {
        Ok(from_row!(r => TeamInput {
            name, village_id, leader_id, founded_on, notes,
            patrol_days: days_of(r.get("patrol_days")?),
            patrol_time, patrol_route,
        }))
    })
    .optional()?
    .ok_or_else(|| Error::not_found("队伍", id))
}

/// Every team with its active members counted on `today`.
pub fn list_teams(conn: &Connection, today: NaiveDate) -> Result<Vec<Team>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, t.name, t.village_id, vg.name AS village_name, t.leader_id, l.name AS leader_name,
                t.founded_on,
                (SELECT count(*) FROM volunteer m WHERE m.team_id = t.id AND m.deleted_at IS NULL
                   AND (m.active_to IS NULL OR m.active_to >= ?1)) AS active_members,
                t.notes, t.patrol_days, t.patrol_time, t.patrol_route
         FROM team t LEFT JOIN village vg ON vg.id = t.village_id LEFT JOIN volunteer l ON l.id = t.leader_id
         WHERE t.deleted_at IS NULL ORDER BY t.name",
    )?;
    Ok(stmt.query_map([day(today)], Team::from_row)?.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Teams with patrol days, and whether each has logged a patrol that started on `today`
/// (Beijing) (今日工作).
pub fn patrol_plans(conn: &Connection, today: NaiveDate) -> Result<Vec<PatrolPlanned>> {
    let utc = |d: NaiveDate| {
        crate::model::time::stamp(crate::model::time::from_beijing(d.and_hms_opt(0, 0, 0).unwrap_or_default()))
    };
    let (from, to) = (utc(today), utc(today + chrono::Duration::days(1)));
    let rows = conn
        .prepare_cached(
            "SELECT t.id, t.name, t.patrol_days, t.patrol_time, t.patrol_route,
                    EXISTS (SELECT 1 FROM patrol pa WHERE pa.team_id = t.id AND pa.deleted_at IS NULL
                              AND pa.started_at >= ?1 AND pa.started_at < ?2) AS logged_today,
                    t.village_id, vg.name AS village_name, NULL AS group_name, NULL AS address
             FROM team t LEFT JOIN village vg ON vg.id = t.village_id
             WHERE t.deleted_at IS NULL AND t.patrol_days <> '[]'",
        )?
        .query_map([&from, &to], |r| {
            Ok(PatrolPlanned {
                team_id: r.get("id")?,
                team_name: r.get("name")?,
                days: days_of(r.get("patrol_days")?),
                time: r.get("patrol_time")?,
                route: r.get("patrol_route")?,
                logged_today: r.get("logged_today")?,
                place: place_of(r)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::dispute::tests::post;

    #[test]
    fn a_team_name_is_taken_once() {
        let (mut store, _dir) = post();
        let input = || TeamInput { name: "花木兰女子巡防队".into(), ..Default::default() };
        let id = store.write(|tx| create_team(tx, input())).unwrap();
        let e = store.write(|tx| create_team(tx, input())).unwrap_err();
        assert_eq!(e.field(), Some("name"));
        let teams = list_teams(store.conn(), store.clock().today()).unwrap();
        assert_eq!(teams.len(), 1);
        assert_eq!((teams[0].id.as_str(), teams[0].active_members), (id.as_str(), 0));
    }
}
