//! Leads (线索): owns the `lead` table. A lead moves received → verifying → converted (to
//! an incident or a case) or closed; the lifecycle is [`lead_next`]'s.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params};
use schemars::JsonSchema;
use serde::Serialize;

use super::{check_village, must_exist};
use crate::error::{Error, Result};
use crate::model::people::{opt_phone, up_to_today};
use crate::model::prevention::{LeadInput, check_lead_closed, check_lead_converted, lead_next};
use crate::model::validate::{person_name, required, text};
use crate::model::{LeadStatus, VolunteerRole};
use crate::store::Tx;
use crate::store::from_row;
use crate::store::ledger::{Ledger, Show, column};
use crate::store::write::{date, s, v};

/// A lead.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Lead {
    /// Row id.
    pub id: String,
    /// 接报日期.
    pub reported_on: String,
    /// 提供线索的队员.
    pub reporter_volunteer_id: Option<String>,
    /// 提供人.
    pub reporter_name: Option<String>,
    /// 提供人电话.
    pub reporter_phone: Option<String>,
    /// 内容.
    pub content: String,
    /// 地点.
    pub place: Option<String>,
    /// 村（社区）.
    pub village_id: Option<String>,
    /// 状态.
    pub status: LeadStatus,
    /// 处理情况.
    pub handling: Option<String>,
    /// 转成的警情.
    pub incident_id: Option<String>,
    /// 案件编号.
    pub case_no: Option<String>,
    /// 了结日期.
    pub closed_on: Option<String>,
}

impl Lead {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Lead> {
        Ok(from_row!(r => Lead {
            id, reported_on, reporter_volunteer_id, reporter_name, reporter_phone, content, place, village_id,
            status, handling, incident_id, case_no, closed_on,
        }))
    }
}

/// Records a lead.
pub fn create_lead(tx: &mut Tx<'_>, i: LeadInput) -> Result<String> {
    let content = required("content", "线索内容", &i.content, 4000)?;
    let on = up_to_today("reported_on", "接报日期", i.reported_on.as_deref(), tx.today())?;
    must_exist(tx.conn(), "volunteer", "reporter_volunteer_id", "队员", i.reporter_volunteer_id.as_deref())?;
    check_village(tx.conn(), i.village_id.as_deref())?;
    let name = i
        .reporter_name
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|n| person_name("reporter_name", "提供人姓名", n))
        .transpose()?;
    let id = tx.new_id();
    tx.insert(
        "lead",
        &id,
        &[
            ("reported_on", date(on)),
            ("reporter_volunteer_id", v(i.reporter_volunteer_id)),
            ("reporter_name", v(name)),
            ("reporter_phone", v(opt_phone("reporter_phone", i.reporter_phone.as_deref())?)),
            ("content", v(content)),
            ("place", v(text("place", "地点", i.place.as_deref(), 200)?)),
            ("village_id", v(i.village_id)),
            ("status", v(LeadStatus::Received)),
        ],
    )?;
    Ok(id)
}

/// Moves a lead on. Converting needs the incident or case it became.
pub fn advance_lead(
    tx: &mut Tx<'_>,
    id: &str,
    to: LeadStatus,
    handling: Option<&str>,
    incident_id: Option<&str>,
    case_no: Option<&str>,
) -> Result<()> {
    let from: LeadStatus = tx
        .conn()
        .query_row("SELECT status FROM lead WHERE id = ?1 AND deleted_at IS NULL", [id], |r| r.get("status"))
        .optional()?
        .ok_or_else(|| Error::not_found("线索", id))?;
    let to = lead_next(from, to)?;
    must_exist(tx.conn(), "incident", "incident_id", "警情", incident_id)?;
    let case_no = text("case_no", "案件编号", case_no, 40)?;
    check_lead_converted(to, incident_id.is_some(), case_no.is_some())?;
    let handling = text("handling", "处理情况", handling, 2000)?;
    check_lead_closed(to, handling.is_some())?;
    let mut cols: Vec<(&'static str, Value)> = vec![("status", v(to))];
    if handling.is_some() {
        cols.push(("handling", v(handling)));
    }
    if let Some(i) = incident_id {
        cols.push(("incident_id", s(i)));
    }
    if case_no.is_some() {
        cols.push(("case_no", v(case_no)));
    }
    if matches!(to, LeadStatus::Converted | LeadStatus::Closed) {
        cols.push(("closed_on", date(tx.today())));
    }
    tx.update("lead", id, &cols)?;
    Ok(())
}

/// Leads, newest first, optionally of one status.
pub fn list_leads(conn: &Connection, status: Option<LeadStatus>) -> Result<Vec<Lead>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, reported_on, reporter_volunteer_id,
                coalesce(reporter_name, (SELECT name FROM volunteer WHERE id = reporter_volunteer_id))
                  AS reporter_name,
                reporter_phone, content, place, village_id, status, handling, incident_id, case_no, closed_on
         FROM lead WHERE deleted_at IS NULL AND (?1 IS NULL OR status = ?1) ORDER BY reported_on DESC, id DESC",
    )?;
    Ok(stmt.query_map(params![status], Lead::from_row)?.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// A month's leads: received, and converted to an incident or a case (`[from, to)` dates).
pub(super) fn month(conn: &Connection, from: &str, to: &str) -> Result<(i64, i64)> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(sum(reported_on >= ?1 AND reported_on < ?2), 0) AS received,
                    coalesce(sum(status = 'converted' AND closed_on >= ?1 AND closed_on < ?2), 0) AS converted
             FROM lead WHERE deleted_at IS NULL",
        )?
        .query_row([from, to], |r| Ok((r.get("received")?, r.get("converted")?)))?)
}

/// 线索台账: the leads received in `[:from, :to)`.
pub const LEDGER: Ledger = Ledger {
    columns: &[
        column("接报日期", 12.0, "l.reported_on", Show::Date),
        column("提供人", 10.0, "coalesce(l.reporter_name, vo.name)", Show::Text),
        column("联系电话", 14.0, "coalesce(l.reporter_phone, vo.phone)", Show::Text),
        column("提供人身份", 12.0, "vo.role", Show::Label(|s| VolunteerRole::parse(s).map(VolunteerRole::label))),
        column("线索内容", 32.0, "l.content", Show::Text),
        column("地点", 18.0, "l.place", Show::Text),
        column("所属村（社区）", 14.0, "vg.name", Show::Text),
        column("状态", 13.0, "l.status", Show::Label(|s| LeadStatus::parse(s).map(LeadStatus::label))),
        column("核查处置情况", 26.0, "l.handling", Show::Text),
        column("转为警情", 24.0, "CASE WHEN i.id IS NOT NULL THEN substr(i.summary, 1, 60) END", Show::Text),
        column("案件编号", 16.0, "coalesce(l.case_no, i.case_no)", Show::Text),
        column("了结日期", 12.0, "l.closed_on", Show::Date),
    ],
    from: "FROM lead l
           LEFT JOIN volunteer vo ON vo.id = l.reporter_volunteer_id
           LEFT JOIN village vg ON vg.id = l.village_id
           LEFT JOIN incident i ON i.id = l.incident_id AND i.deleted_at IS NULL
           WHERE l.deleted_at IS NULL AND l.reported_on >= :from AND l.reported_on < :to
           ORDER BY l.reported_on, l.id",
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::dispute::tests::post;

    #[test]
    fn a_lead_is_converted_only_with_what_it_became_and_closed_only_with_its_handling() {
        let (mut store, _dir) = post();
        let input = LeadInput { content: "有人在村口兜售假药".into(), ..Default::default() };
        let id = store.write(|tx| create_lead(tx, input)).unwrap();
        let e = store.write(|tx| advance_lead(tx, &id, LeadStatus::Converted, None, None, None)).unwrap_err();
        assert_eq!(e.field(), Some("incident_id"));
        let e = store.write(|tx| advance_lead(tx, &id, LeadStatus::Closed, None, None, None)).unwrap_err();
        assert_eq!(e.field(), Some("handling"));
        store.write(|tx| advance_lead(tx, &id, LeadStatus::Converted, None, None, Some("A2026-17"))).unwrap();
        let all = list_leads(store.conn(), None).unwrap();
        assert_eq!((all[0].status, all[0].case_no.as_deref()), (LeadStatus::Converted, Some("A2026-17")));
        assert_eq!(all[0].closed_on.as_deref(), Some("2026-11-23"));
        assert_eq!(month(store.conn(), "2026-11-01", "2026-12-01").unwrap(), (1, 1));
    }
}
