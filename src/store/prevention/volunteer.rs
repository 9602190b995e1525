//! Volunteers (群防群治力量): owns the `volunteer` table. A volunteer who is a registered
//! resident takes the name and phone from the resident's record.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row, params};
use schemars::JsonSchema;
use serde::Serialize;

use super::{check_village, day, must_exist};
use crate::error::{Error, Result};
use crate::model::people::{opt_date, opt_phone};
use crate::model::prevention::{VolunteerInput, check_term, check_term_end};
use crate::model::service_station::check_role_station;
use crate::model::validate::{person_name, text};
use crate::model::{Sex, VolunteerRole};
use crate::store::ledger::{Ledger, Show, column};
use crate::store::write::{date, opt_date as date_value, v};
use crate::store::{Tx, from_row, person};

/// A volunteer.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Volunteer {
    /// Row id.
    pub id: String,
    /// 对应人员.
    pub person_id: Option<String>,
    /// 姓名.
    pub name: String,
    /// 电话.
    pub phone: Option<String>,
    /// 身份.
    pub role: VolunteerRole,
    /// 队伍.
    pub team_id: Option<String>,
    /// 队伍名称.
    pub team_name: Option<String>,
    /// 村（社区）.
    pub village_id: Option<String>,
    /// Its name.
    pub village_name: Option<String>,
    /// 所在驿站 (a 警务助理's).
    pub service_station_id: Option<String>,
    /// Its name.
    pub service_station_name: Option<String>,
    /// 起始日期.
    pub active_from: String,
    /// 终止日期.
    pub active_to: Option<String>,
    /// 在岗 today.
    pub active: bool,
    /// 培训情况.
    pub training: Option<String>,
    /// 备注.
    pub notes: Option<String>,
}

impl Volunteer {
    fn from_row(r: &Row<'_>, today: &str) -> rusqlite::Result<Volunteer> {
        let active_to: Option<String> = r.get("active_to")?;
        Ok(from_row!(r => Volunteer {
            id, person_id, name, phone, role, team_id, team_name, village_id, village_name, service_station_id,
            service_station_name, active_from, active_to, training, notes,
            active: active_to.as_deref().is_none_or(|t| t >= today),
        }))
    }
}

/// Adds a volunteer.
pub fn create_volunteer(tx: &mut Tx<'_>, i: VolunteerInput) -> Result<String> {
    let conn = tx.conn();
    let (mut name, mut phone) = (i.name.clone(), i.phone.clone());
    if let Some(pid) = &i.person_id {
        let (pn, pp) = person::name_and_phone(conn, pid)?
            .ok_or_else(|| Error::validation("person_id", "所选人员不存在或已删除"))?;
        name = name.filter(|n| !n.trim().is_empty()).or(Some(pn));
        phone = phone.filter(|n| !n.trim().is_empty()).or(pp);
    }
    let name = person_name("name", "姓名", name.as_deref().unwrap_or(""))?;
    let phone = opt_phone("phone", phone.as_deref())?;
    must_exist(conn, "team", "team_id", "队伍", i.team_id.as_deref())?;
    check_village(conn, i.village_id.as_deref())?;
    check_role_station(i.role, i.service_station_id.as_deref())?;
    must_exist(conn, "service_station", "service_station_id", "驿站", i.service_station_id.as_deref())?;
    let from = opt_date("active_from", "起始日期", i.active_from.as_deref())?.unwrap_or(tx.today());
    let to = opt_date("active_to", "终止日期", i.active_to.as_deref())?;
    check_term(from, to)?;
    let id = tx.new_id();
    tx.insert(
        "volunteer",
        &id,
        &[
            ("person_id", v(i.person_id)),
            ("name", v(name)),
            ("phone", v(phone)),
            ("role", v(i.role)),
            ("team_id", v(i.team_id)),
            ("village_id", v(i.village_id)),
            ("service_station_id", v(i.service_station_id)),
            ("active_from", date(from)),
            ("active_to", date_value(to)),
            ("training", v(text("training", "培训情况", i.training.as_deref(), 2000)?)),
            ("notes", v(text("notes", "备注", i.notes.as_deref(), 2000)?)),
        ],
    )?;
    Ok(id)
}

/// Ends a volunteer's service on `on`.
pub fn end_volunteer(tx: &mut Tx<'_>, id: &str, on: NaiveDate) -> Result<()> {
    let from: String = tx
        .conn()
        .query_row("SELECT active_from FROM volunteer WHERE id = ?1 AND deleted_at IS NULL", [id], |r| {
            r.get("active_from")
        })
        .optional()?
        .ok_or_else(|| Error::not_found("队员", id))?;
    check_term_end(&from, on)?;
    tx.update("volunteer", id, &[("active_to", date(on))])?;
    Ok(())
}

/// Which volunteers [`list_volunteers`] lists.
#[derive(Debug, Clone, Copy, Default)]
pub struct Which<'a> {
    /// Only this team.
    pub team_id: Option<&'a str>,
    /// Only this village.
    pub village_id: Option<&'a str>,
    /// Only this role.
    pub role: Option<VolunteerRole>,
    /// Only the 警务助理 of this service station.
    pub service_station_id: Option<&'a str>,
    /// Only those serving on `today`.
    pub active_only: bool,
}

/// Volunteers, filtered.
pub fn list_volunteers(conn: &Connection, w: Which<'_>, today: NaiveDate) -> Result<Vec<Volunteer>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.id, m.person_id, m.name, m.phone, m.role, m.team_id, t.name AS team_name, m.village_id,
                vg.name AS village_name, m.service_station_id, ss.name AS service_station_name, m.active_from,
                m.active_to, m.training, m.notes
         FROM volunteer m LEFT JOIN team t ON t.id = m.team_id LEFT JOIN village vg ON vg.id = m.village_id
         LEFT JOIN service_station ss ON ss.id = m.service_station_id
         WHERE m.deleted_at IS NULL AND (?1 IS NULL OR m.team_id = ?1) AND (?2 IS NULL OR m.village_id = ?2)
           AND (?3 IS NULL OR m.role = ?3) AND (?4 = 0 OR m.active_to IS NULL OR m.active_to >= ?5)
           AND (?6 IS NULL OR m.service_station_id = ?6)
         ORDER BY t.name, m.name",
    )?;
    let today_s = day(today);
    Ok(stmt
        .query_map(params![w.team_id, w.village_id, w.role, w.active_only, today_s, w.service_station_id], |r| {
            Volunteer::from_row(r, &today_s)
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Volunteers on duty on `on` (the month's figures count them on its last day).
pub(super) fn active_on(conn: &Connection, on: NaiveDate) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM volunteer WHERE deleted_at IS NULL AND active_from <= ?1
               AND (active_to IS NULL OR active_to >= ?1)",
        )?
        .query_row([day(on)], |r| r.get(0))?)
}

/// 群防群治力量台账: the volunteers on duty on any day from `:from` to `:to` (both
/// included), with where they stand on `:today`.
pub const LEDGER: Ledger = Ledger {
    columns: &[
        column("姓名", 10.0, "vo.name", Show::Text),
        column("性别", 6.0, "p.sex", Show::Label(|s| Sex::parse(s).map(Sex::label))),
        column("公民身份号码", 21.0, "p.id_number", Show::Text),
        column("联系电话", 14.0, "vo.phone", Show::Text),
        column("身份", 12.0, "vo.role", Show::Label(|s| VolunteerRole::parse(s).map(VolunteerRole::label))),
        column("所属队伍", 16.0, "t.name", Show::Text),
        column("所属村（社区）", 14.0, "vg.name", Show::Text),
        column("所在驿站", 16.0, "ss.name", Show::Text),
        column("起始日期", 12.0, "vo.active_from", Show::Date),
        column("终止日期", 12.0, "vo.active_to", Show::Date),
        column(
            "在岗状态",
            9.0,
            "CASE WHEN vo.active_from <= :today AND (vo.active_to IS NULL OR vo.active_to >= :today)
                  THEN '在岗' WHEN vo.active_from > :today THEN '未到岗' ELSE '已离岗' END",
            Show::Text,
        ),
        column("培训情况", 24.0, "vo.training", Show::Text),
        column("备注", 20.0, "vo.notes", Show::Text),
    ],
    from: "FROM volunteer vo
           LEFT JOIN person p ON p.id = vo.person_id AND p.deleted_at IS NULL
           LEFT JOIN team t ON t.id = vo.team_id
           LEFT JOIN village vg ON vg.id = vo.village_id
           LEFT JOIN service_station ss ON ss.id = vo.service_station_id
           WHERE vo.deleted_at IS NULL AND vo.active_from <= :to AND (vo.active_to IS NULL OR vo.active_to >= :from)
           ORDER BY vg.name IS NULL, vg.name, t.name, vo.role, vo.name, vo.id",
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::dispute::tests::post;

    #[test]
    fn a_volunteer_serves_from_a_day_and_ends_no_earlier() {
        let (mut store, _dir) = post();
        let input = VolunteerInput {
            person_id: None,
            name: Some("陈国强".into()),
            phone: None,
            role: VolunteerRole::Patroller,
            team_id: None,
            village_id: None,
            service_station_id: None,
            active_from: Some("2026-11-01".into()),
            active_to: None,
            training: None,
            notes: None,
        };
        let id = store.write(|tx| create_volunteer(tx, input)).unwrap();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let e = store.write(|tx| end_volunteer(tx, &id, d("2026-10-31"))).unwrap_err();
        assert_eq!(e.field(), Some("active_to"));
        store.write(|tx| end_volunteer(tx, &id, d("2026-11-20"))).unwrap();
        let today = store.clock().today();
        let all = list_volunteers(store.conn(), Which::default(), today).unwrap();
        assert_eq!((all.len(), all[0].active, all[0].active_to.as_deref()), (1, false, Some("2026-11-20")));
        assert_eq!(active_on(store.conn(), d("2026-11-10")).unwrap(), 1);
        assert_eq!(active_on(store.conn(), today).unwrap(), 0);
    }
}
