//! Volunteer teams (巡防队, 义警队…): owns the `team` table.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row};
use schemars::JsonSchema;
use serde::Serialize;

use super::{check_village, day, must_exist};
use crate::error::{Error, Result};
use crate::model::people::opt_date;
use crate::model::prevention::TeamInput;
use crate::model::validate::{required, text};
use crate::store::Tx;
use crate::store::from_row;
use crate::store::write::{opt_date as date_value, v};

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
}

impl Team {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Team> {
        Ok(from_row!(r => Team {
            id, name, village_id, village_name, leader_id, leader_name, founded_on, active_members, notes,
        }))
    }
}

/// Adds a team.
pub fn create_team(tx: &mut Tx<'_>, i: TeamInput) -> Result<String> {
    let name = required("name", "队伍名称", &i.name, 40)?;
    check_village(tx.conn(), i.village_id.as_deref())?;
    must_exist(tx.conn(), "volunteer", "leader_id", "队长", i.leader_id.as_deref())?;
    let founded = opt_date("founded_on", "成立日期", i.founded_on.as_deref())?;
    let dup: Option<String> = tx
        .conn()
        .query_row("SELECT id FROM team WHERE name = ?1 AND deleted_at IS NULL", [&name], |r| r.get("id"))
        .optional()?;
    if let Some(existing_id) = dup {
        return Err(Error::Duplicate {
            field: "name".into(), message: format!("已有名为“{name}”的队伍"), existing_id
        });
    }
    let id = tx.new_id();
    tx.insert(
        "team",
        &id,
        &[
            ("name", v(name)),
            ("village_id", v(i.village_id)),
            ("leader_id", v(i.leader_id)),
            ("founded_on", date_value(founded)),
            ("notes", v(text("notes", "备注", i.notes.as_deref(), 2000)?)),
        ],
    )?;
    Ok(id)
}

/// Every team with its active members counted on `today`.
pub fn list_teams(conn: &Connection, today: NaiveDate) -> Result<Vec<Team>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, t.name, t.village_id, vg.name AS village_name, t.leader_id, l.name AS leader_name,
                t.founded_on,
                (SELECT count(*) FROM volunteer m WHERE m.team_id = t.id AND m.deleted_at IS NULL
                   AND (m.active_to IS NULL OR m.active_to >= ?1)) AS active_members,
                t.notes
         FROM team t LEFT JOIN village vg ON vg.id = t.village_id LEFT JOIN volunteer l ON l.id = t.leader_id
         WHERE t.deleted_at IS NULL ORDER BY t.name",
    )?;
    Ok(stmt.query_map([day(today)], Team::from_row)?.collect::<rusqlite::Result<Vec<_>>>()?)
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
