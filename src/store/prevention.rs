//! Prevention work: teams and volunteers, patrols with their findings, leads, hazards,
//! outreach, feedback, and the 五无 villages. Lifecycles come from `model::prevention`.

use chrono::{Datelike, NaiveDate};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params};
use schemars::JsonSchema;
use serde::Serialize;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::model::people::{opt_date, opt_phone};
use crate::model::prevention::*;
use crate::model::time::{parse_instant, show, stamp};
use crate::model::validate::{person_name, required, text};
use crate::model::{FeedbackChannel, FindingHandling, HazardGrade, HazardKind, HazardStatus, LeadStatus};
use crate::model::{OutreachTopic, PatrolMode, VolunteerRole};
use crate::store::write::{date, opt_date as date_value, s, v};
use crate::store::{Tx, json_list, list_json, place};

fn check_village(conn: &Connection, id: Option<&str>) -> Result<()> {
    if let Some(id) = id {
        place::village_name(conn, "village_id", id)?;
    }
    Ok(())
}

fn check_officer(conn: &Connection, id: Option<&str>) -> Result<()> {
    if let Some(id) = id {
        place::get_officer(conn, "officer_id", id)?;
    }
    Ok(())
}

fn exists(conn: &Connection, table: &str, id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(&format!("SELECT 1 FROM {table} WHERE id = ?1 AND deleted_at IS NULL"))?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}

fn must_exist(conn: &Connection, table: &str, field: &str, label: &str, id: Option<&str>) -> Result<()> {
    match id {
        Some(id) if !exists(conn, table, id)? => {
            Err(Error::validation(field, format!("所选{label}不存在或已删除（{id}）")))
        }
        _ => Ok(()),
    }
}

fn count(field: &str, label: &str, n: i64) -> Result<i64> {
    if !(0..=1_000_000).contains(&n) {
        return Err(Error::validation(field, format!("{label}应为0至1000000之间的整数")));
    }
    Ok(n)
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

// ───── teams and volunteers ─────

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

/// Adds a team.
pub fn create_team(tx: &mut Tx<'_>, i: TeamInput) -> Result<String> {
    let name = required("name", "队伍名称", &i.name, 40)?;
    check_village(tx.conn(), i.village_id.as_deref())?;
    must_exist(tx.conn(), "volunteer", "leader_id", "队长", i.leader_id.as_deref())?;
    let founded = opt_date("founded_on", "成立日期", i.founded_on.as_deref())?;
    let dup: Option<String> = tx
        .conn()
        .query_row("SELECT id FROM team WHERE name = ?1 AND deleted_at IS NULL", [&name], |r| r.get(0))
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
        "SELECT t.id, t.name, t.village_id, vg.name, t.leader_id, l.name, t.founded_on,
                (SELECT count(*) FROM volunteer m WHERE m.team_id = t.id AND m.deleted_at IS NULL
                   AND (m.active_to IS NULL OR m.active_to >= ?1)),
                t.notes
         FROM team t LEFT JOIN village vg ON vg.id = t.village_id LEFT JOIN volunteer l ON l.id = t.leader_id
         WHERE t.deleted_at IS NULL ORDER BY t.name",
    )?;
    Ok(stmt
        .query_map([day(today)], |r| {
            Ok(Team {
                id: r.get(0)?,
                name: r.get(1)?,
                village_id: r.get(2)?,
                village_name: r.get(3)?,
                leader_id: r.get(4)?,
                leader_name: r.get(5)?,
                founded_on: r.get(6)?,
                active_members: r.get(7)?,
                notes: r.get(8)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

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

/// Adds a volunteer.
pub fn create_volunteer(tx: &mut Tx<'_>, i: VolunteerInput) -> Result<String> {
    let conn = tx.conn();
    let (mut name, mut phone) = (i.name.clone(), i.phone.clone());
    if let Some(pid) = &i.person_id {
        let p: Option<(String, Option<String>)> = conn
            .query_row("SELECT name, phone FROM person WHERE id = ?1 AND deleted_at IS NULL", [pid], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let (pn, pp) = p.ok_or_else(|| Error::validation("person_id", "所选人员不存在或已删除"))?;
        name = name.filter(|n| !n.trim().is_empty()).or(Some(pn));
        phone = phone.filter(|n| !n.trim().is_empty()).or(pp);
    }
    let name = person_name("name", "姓名", name.as_deref().unwrap_or(""))?;
    let phone = opt_phone("phone", phone.as_deref())?;
    must_exist(conn, "team", "team_id", "队伍", i.team_id.as_deref())?;
    check_village(conn, i.village_id.as_deref())?;
    let from = opt_date("active_from", "起始日期", i.active_from.as_deref())?.unwrap_or(tx.today());
    let to = opt_date("active_to", "终止日期", i.active_to.as_deref())?;
    if to.is_some_and(|t| t < from) {
        return Err(Error::validation("active_to", "终止日期不能早于起始日期"));
    }
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
        .query_row("SELECT active_from FROM volunteer WHERE id = ?1 AND deleted_at IS NULL", [id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::not_found("队员", id))?;
    if day(on) < from {
        return Err(Error::validation("active_to", format!("终止日期不能早于起始日期 {from}")));
    }
    tx.update("volunteer", id, &[("active_to", date(on))])?;
    Ok(())
}

/// Volunteers, filtered.
pub fn list_volunteers(
    conn: &Connection,
    team_id: Option<&str>,
    village_id: Option<&str>,
    role: Option<VolunteerRole>,
    active_only: bool,
    today: NaiveDate,
) -> Result<Vec<Volunteer>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.id, m.person_id, m.name, m.phone, m.role, m.team_id, t.name, m.village_id, vg.name,
                m.active_from, m.active_to, m.training, m.notes
         FROM volunteer m LEFT JOIN team t ON t.id = m.team_id LEFT JOIN village vg ON vg.id = m.village_id
         WHERE m.deleted_at IS NULL AND (?1 IS NULL OR m.team_id = ?1) AND (?2 IS NULL OR m.village_id = ?2)
           AND (?3 IS NULL OR m.role = ?3) AND (?4 = 0 OR m.active_to IS NULL OR m.active_to >= ?5)
         ORDER BY t.name, m.name",
    )?;
    let today_s = day(today);
    Ok(stmt
        .query_map(params![team_id, village_id, role, active_only, today_s], |r| {
            let active_to: Option<String> = r.get(10)?;
            Ok(Volunteer {
                id: r.get(0)?,
                person_id: r.get(1)?,
                name: r.get(2)?,
                phone: r.get(3)?,
                role: r.get(4)?,
                team_id: r.get(5)?,
                team_name: r.get(6)?,
                village_id: r.get(7)?,
                village_name: r.get(8)?,
                active_from: r.get(9)?,
                active: active_to.as_deref().is_none_or(|t| t >= today_s.as_str()),
                active_to,
                training: r.get(11)?,
                notes: r.get(12)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

// ───── patrols ─────

/// A patrol finding as stored.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Finding {
    /// Row id.
    pub id: String,
    /// 发现情况.
    pub description: String,
    /// 处置.
    pub handling: FindingHandling,
    /// 当场处置结果.
    pub result: Option<String>,
    /// The lead it became.
    pub lead_id: Option<String>,
    /// The hazard it became.
    pub hazard_id: Option<String>,
    /// The incident it was handed on as.
    pub incident_id: Option<String>,
}

/// A patrol log.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Patrol {
    /// Row id.
    pub id: String,
    /// 队伍.
    pub team_id: Option<String>,
    /// 队伍名称.
    pub team_name: Option<String>,
    /// 队员.
    pub volunteer_ids: Vec<String>,
    /// 带队民警.
    pub officer_id: Option<String>,
    /// 开始 (UTC).
    pub started_at: String,
    /// 结束 (UTC).
    pub ended_at: String,
    /// 开始 (北京时间).
    pub started_local: String,
    /// 时长（分钟）.
    pub minutes: i64,
    /// 方式.
    pub mode: PatrolMode,
    /// 路线.
    pub route: Option<String>,
    /// 重点部位.
    pub places: Option<String>,
    /// 村（社区）.
    pub village_id: Option<String>,
    /// 备注.
    pub notes: Option<String>,
    /// 发现.
    pub findings: Vec<Finding>,
}

/// Records a patrol; findings handed on become leads or hazards in the same transaction.
pub fn create_patrol(tx: &mut Tx<'_>, i: PatrolInput) -> Result<String> {
    let start = parse_instant(&i.started_at)
        .ok_or_else(|| Error::validation("started_at", format!("开始时间“{}”无法识别", i.started_at)))?;
    let end = parse_instant(&i.ended_at)
        .ok_or_else(|| Error::validation("ended_at", format!("结束时间“{}”无法识别", i.ended_at)))?;
    if end <= start {
        return Err(Error::validation("ended_at", "结束时间应晚于开始时间"));
    }
    if end > tx.now() + chrono::Duration::minutes(5) {
        return Err(Error::validation("ended_at", "结束时间不能晚于现在"));
    }
    if end - start > chrono::Duration::hours(24) {
        return Err(Error::validation("ended_at", "一次巡逻不超过24小时，请分开登记"));
    }
    must_exist(tx.conn(), "team", "team_id", "队伍", i.team_id.as_deref())?;
    check_officer(tx.conn(), i.officer_id.as_deref())?;
    check_village(tx.conn(), i.village_id.as_deref())?;
    for (k, m) in i.volunteer_ids.iter().enumerate() {
        must_exist(tx.conn(), "volunteer", &format!("volunteer_ids[{k}]"), "队员", Some(m))?;
    }
    if i.volunteer_ids.is_empty() && i.officer_id.is_none() {
        return Err(Error::validation("volunteer_ids", "请填写参加巡逻的队员或带队民警"));
    }
    let places = text("places", "重点部位", i.places.as_deref(), 500)?;
    let id = tx.new_id();
    tx.insert(
        "patrol",
        &id,
        &[
            ("team_id", v(i.team_id)),
            ("volunteer_ids", v(list_json(&i.volunteer_ids))),
            ("officer_id", v(i.officer_id)),
            ("started_at", v(stamp(start))),
            ("ended_at", v(stamp(end))),
            ("mode", v(i.mode)),
            ("route", v(text("route", "巡逻路线", i.route.as_deref(), 500)?)),
            ("places", v(places.clone())),
            ("village_id", v(i.village_id.clone())),
            ("notes", v(text("notes", "备注", i.notes.as_deref(), 2000)?)),
        ],
    )?;
    let found_on = start.with_timezone(&crate::model::time::beijing()).date_naive();
    let reporter = i.volunteer_ids.first().cloned();
    for (k, f) in i.findings.into_iter().enumerate() {
        let field = |name: &str| format!("findings[{k}].{name}");
        let description = required(&field("description"), "发现情况", &f.description, 2000)?;
        let place = f.place.clone().or_else(|| places.clone());
        let (mut lead_id, mut hazard_id, mut incident_id) = (None, None, None);
        match f.handling {
            FindingHandling::Handled => {
                if f.result.as_deref().is_none_or(|r| r.trim().is_empty()) {
                    return Err(Error::validation(field("result"), "当场处置的发现请填写处置结果"));
                }
            }
            FindingHandling::Lead => {
                lead_id = Some(create_lead(
                    tx,
                    LeadInput {
                        reported_on: Some(day(found_on)),
                        reporter_volunteer_id: reporter.clone(),
                        content: description.clone(),
                        place: place.clone(),
                        village_id: i.village_id.clone(),
                        ..Default::default()
                    },
                )?);
            }
            FindingHandling::Hazard => {
                let place = place.ok_or_else(|| Error::validation(field("place"), "转为隐患须填写地点"))?;
                hazard_id = Some(create_hazard(
                    tx,
                    HazardInput {
                        found_on: Some(day(found_on)),
                        found_by_volunteer_id: reporter.clone(),
                        place,
                        village_id: i.village_id.clone(),
                        kind: f.hazard_kind,
                        description: description.clone(),
                        ..Default::default()
                    },
                )?);
            }
            FindingHandling::Incident => {
                let inc = f
                    .incident_id
                    .clone()
                    .ok_or_else(|| Error::validation(field("incident_id"), "转为警情须先登记警情，再选择该警情"))?;
                must_exist(tx.conn(), "incident", &field("incident_id"), "警情", Some(&inc))?;
                incident_id = Some(inc);
            }
        }
        let fid = tx.new_id();
        tx.insert(
            "patrol_finding",
            &fid,
            &[
                ("patrol_id", s(&id)),
                ("description", v(description)),
                ("handling", v(f.handling)),
                ("result", v(text(&field("result"), "处置结果", f.result.as_deref(), 2000)?)),
                ("lead_id", v(lead_id)),
                ("hazard_id", v(hazard_id)),
                ("incident_id", v(incident_id)),
            ],
        )?;
    }
    Ok(id)
}

fn findings(conn: &Connection, patrol_id: &str) -> Result<Vec<Finding>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, description, handling, result, lead_id, hazard_id, incident_id FROM patrol_finding
         WHERE patrol_id = ?1 AND deleted_at IS NULL ORDER BY id",
    )?;
    Ok(stmt
        .query_map([patrol_id], |r| {
            Ok(Finding {
                id: r.get(0)?,
                description: r.get(1)?,
                handling: r.get(2)?,
                result: r.get(3)?,
                lead_id: r.get(4)?,
                hazard_id: r.get(5)?,
                incident_id: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Patrols that started in `[from, to)` (UTC instants as stored), newest first.
pub fn list_patrols(conn: &Connection, from: &str, to: &str) -> Result<Vec<Patrol>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.team_id, t.name, p.volunteer_ids, p.officer_id, p.started_at, p.ended_at, p.mode,
                p.route, p.places, p.village_id, p.notes
         FROM patrol p LEFT JOIN team t ON t.id = p.team_id
         WHERE p.deleted_at IS NULL AND p.started_at >= ?1 AND p.started_at < ?2 ORDER BY p.started_at DESC",
    )?;
    let mut out = stmt
        .query_map([from, to], |r| {
            let started: String = r.get(5)?;
            let ended: String = r.get(6)?;
            let (s, e) = (parse_instant(&started), parse_instant(&ended));
            Ok(Patrol {
                id: r.get(0)?,
                team_id: r.get(1)?,
                team_name: r.get(2)?,
                volunteer_ids: json_list(r.get(3)?),
                officer_id: r.get(4)?,
                started_local: s.map(show).unwrap_or_default(),
                minutes: match (s, e) {
                    (Some(s), Some(e)) => (e - s).num_minutes(),
                    _ => 0,
                },
                started_at: started,
                ended_at: ended,
                mode: r.get(7)?,
                route: r.get(8)?,
                places: r.get(9)?,
                village_id: r.get(10)?,
                notes: r.get(11)?,
                findings: vec![],
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for p in &mut out {
        p.findings = findings(conn, &p.id)?;
    }
    Ok(out)
}

// ───── leads ─────

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

/// Records a lead.
pub fn create_lead(tx: &mut Tx<'_>, i: LeadInput) -> Result<String> {
    let content = required("content", "线索内容", &i.content, 4000)?;
    let on = opt_date("reported_on", "接报日期", i.reported_on.as_deref())?.unwrap_or(tx.today());
    if on > tx.today() {
        return Err(Error::validation("reported_on", "接报日期不能晚于今天"));
    }
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
        .query_row("SELECT status FROM lead WHERE id = ?1 AND deleted_at IS NULL", [id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::not_found("线索", id))?;
    let to = lead_next(from, to)?;
    must_exist(tx.conn(), "incident", "incident_id", "警情", incident_id)?;
    let case_no = text("case_no", "案件编号", case_no, 40)?;
    if to == LeadStatus::Converted && incident_id.is_none() && case_no.is_none() {
        return Err(Error::validation("incident_id", "转为警情或案件时，请选择警情或填写案件编号"));
    }
    let handling = text("handling", "处理情况", handling, 2000)?;
    if to == LeadStatus::Closed && handling.is_none() {
        return Err(Error::validation("handling", "了结线索须填写处理情况"));
    }
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

fn lead_row(r: &Row<'_>) -> rusqlite::Result<Lead> {
    Ok(Lead {
        id: r.get(0)?,
        reported_on: r.get(1)?,
        reporter_volunteer_id: r.get(2)?,
        reporter_name: r.get(3)?,
        reporter_phone: r.get(4)?,
        content: r.get(5)?,
        place: r.get(6)?,
        village_id: r.get(7)?,
        status: r.get(8)?,
        handling: r.get(9)?,
        incident_id: r.get(10)?,
        case_no: r.get(11)?,
        closed_on: r.get(12)?,
    })
}

/// Leads, newest first, optionally of one status.
pub fn list_leads(conn: &Connection, status: Option<LeadStatus>) -> Result<Vec<Lead>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, reported_on, reporter_volunteer_id, coalesce(reporter_name, (SELECT name FROM volunteer WHERE id = reporter_volunteer_id)),
                reporter_phone, content, place, village_id, status, handling, incident_id, case_no, closed_on
         FROM lead WHERE deleted_at IS NULL AND (?1 IS NULL OR status = ?1) ORDER BY reported_on DESC, id DESC",
    )?;
    Ok(stmt.query_map(params![status], lead_row)?.collect::<rusqlite::Result<Vec<_>>>()?)
}

// ───── hazards ─────

/// A hazard.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Hazard {
    /// Row id.
    pub id: String,
    /// 发现日期.
    pub found_on: String,
    /// 发现人 (a volunteer).
    pub found_by_volunteer_id: Option<String>,
    /// 发现人姓名.
    pub found_by_name: Option<String>,
    /// 地点.
    pub place: String,
    /// 村（社区）.
    pub village_id: Option<String>,
    /// 类别.
    pub kind: HazardKind,
    /// 等级.
    pub grade: HazardGrade,
    /// 描述.
    pub description: String,
    /// 整改责任人.
    pub owner: Option<String>,
    /// 责任人电话.
    pub owner_phone: Option<String>,
    /// 整改期限.
    pub deadline: Option<String>,
    /// 状态.
    pub status: HazardStatus,
    /// 逾期未整改.
    pub overdue: bool,
    /// 核实日期.
    pub verified_on: Option<String>,
    /// 整改日期.
    pub fixed_on: Option<String>,
    /// 整改情况.
    pub fix_note: Option<String>,
    /// 回头看日期.
    pub recheck_on: Option<String>,
    /// 回头看情况.
    pub recheck_note: Option<String>,
    /// 不实原因.
    pub rejected_reason: Option<String>,
    /// 奖励（分）.
    pub reward_fen: i64,
    /// 奖励发放日期.
    pub reward_paid_on: Option<String>,
}

/// Records a hazard as reported.
pub fn create_hazard(tx: &mut Tx<'_>, i: HazardInput) -> Result<String> {
    let found = opt_date("found_on", "发现日期", i.found_on.as_deref())?.unwrap_or(tx.today());
    if found > tx.today() {
        return Err(Error::validation("found_on", "发现日期不能晚于今天"));
    }
    let deadline = opt_date("deadline", "整改期限", i.deadline.as_deref())?;
    if deadline.is_some_and(|d| d < found) {
        return Err(Error::validation("deadline", "整改期限不能早于发现日期"));
    }
    must_exist(tx.conn(), "volunteer", "found_by_volunteer_id", "队员", i.found_by_volunteer_id.as_deref())?;
    check_village(tx.conn(), i.village_id.as_deref())?;
    let id = tx.new_id();
    tx.insert(
        "hazard",
        &id,
        &[
            ("found_on", date(found)),
            ("found_by_volunteer_id", v(i.found_by_volunteer_id)),
            ("found_by_name", v(text("found_by_name", "发现人", i.found_by_name.as_deref(), 30)?)),
            ("place", v(required("place", "隐患地点", &i.place, 200)?)),
            ("village_id", v(i.village_id)),
            ("kind", v(i.kind.unwrap_or(HazardKind::Other))),
            ("grade", v(i.grade.unwrap_or(HazardGrade::General))),
            ("description", v(required("description", "隐患描述", &i.description, 2000)?)),
            ("owner", v(text("owner", "整改责任人", i.owner.as_deref(), 40)?)),
            ("owner_phone", v(opt_phone("owner_phone", i.owner_phone.as_deref())?)),
            ("deadline", date_value(deadline)),
            ("status", v(HazardStatus::Reported)),
        ],
    )?;
    Ok(id)
}

const HAZARD_SELECT: &str = "SELECT h.id, h.found_on, h.found_by_volunteer_id,
        coalesce(h.found_by_name, (SELECT name FROM volunteer WHERE id = h.found_by_volunteer_id)),
        h.place, h.village_id, h.kind, h.grade, h.description, h.owner, h.owner_phone, h.deadline, h.status,
        h.verified_on, h.fixed_on, h.fix_note, h.recheck_on, h.recheck_note, h.rejected_reason, h.reward_fen,
        h.reward_paid_on
     FROM hazard h";

fn hazard_row(r: &Row<'_>, today: NaiveDate) -> rusqlite::Result<Hazard> {
    let status: HazardStatus = r.get(12)?;
    let deadline: Option<String> = r.get(11)?;
    Ok(Hazard {
        id: r.get(0)?,
        found_on: r.get(1)?,
        found_by_volunteer_id: r.get(2)?,
        found_by_name: r.get(3)?,
        place: r.get(4)?,
        village_id: r.get(5)?,
        kind: r.get(6)?,
        grade: r.get(7)?,
        description: r.get(8)?,
        owner: r.get(9)?,
        owner_phone: r.get(10)?,
        overdue: hazard_overdue(status, deadline.as_deref().and_then(crate::model::time::parse_date), today),
        deadline,
        status,
        verified_on: r.get(13)?,
        fixed_on: r.get(14)?,
        fix_note: r.get(15)?,
        recheck_on: r.get(16)?,
        recheck_note: r.get(17)?,
        rejected_reason: r.get(18)?,
        reward_fen: r.get(19)?,
        reward_paid_on: r.get(20)?,
    })
}

/// One hazard.
pub fn get_hazard(conn: &Connection, id: &str, today: NaiveDate) -> Result<Hazard> {
    conn.prepare_cached(&format!("{HAZARD_SELECT} WHERE h.id = ?1 AND h.deleted_at IS NULL"))?
        .query_row([id], |r| hazard_row(r, today))
        .optional()?
        .ok_or_else(|| Error::not_found("隐患", id))
}

/// Hazards, newest first; `overdue_only` keeps those open past their deadline.
pub fn list_hazards(
    conn: &Connection,
    status: Option<HazardStatus>,
    village_id: Option<&str>,
    overdue_only: bool,
    today: NaiveDate,
) -> Result<Vec<Hazard>> {
    let sql = format!(
        "{HAZARD_SELECT} WHERE h.deleted_at IS NULL AND (?1 IS NULL OR h.status = ?1) AND (?2 IS NULL OR h.village_id = ?2)
           AND (?3 = 0 OR (h.status IN ('reported', 'verified') AND h.deadline < ?4))
         ORDER BY CASE WHEN ?3 = 1 THEN h.deadline END, h.found_on DESC, h.id DESC"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    Ok(stmt
        .query_map(params![status, village_id, overdue_only, day(today)], |r| hazard_row(r, today))?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// A step of a hazard's life, with what that step records.
pub fn hazard_step(
    tx: &mut Tx<'_>,
    id: &str,
    step: HazardStep,
    on: Option<NaiveDate>,
    note: Option<&str>,
    deadline: Option<NaiveDate>,
    owner: Option<&str>,
) -> Result<()> {
    let today = tx.today();
    let h = get_hazard(tx.conn(), id, today)?;
    let to = hazard_next(h.status, step)?;
    let on = on.unwrap_or(today);
    if on > today {
        return Err(Error::validation("on", "日期不能晚于今天"));
    }
    if day(on) < h.found_on {
        return Err(Error::validation("on", format!("日期不能早于发现日期 {}", h.found_on)));
    }
    let mut cols: Vec<(&'static str, Value)> = vec![("status", v(to))];
    match step {
        HazardStep::Verify => {
            cols.push(("verified_on", date(on)));
            if let Some(d) = deadline {
                if d < on {
                    return Err(Error::validation("deadline", "整改期限不能早于核实日期"));
                }
                cols.push(("deadline", date(d)));
            }
            if let Some(o) = text("owner", "整改责任人", owner, 40)? {
                cols.push(("owner", v(o)));
            }
        }
        HazardStep::Reject => {
            let reason = text("note", "不实原因", note, 1000)?
                .ok_or_else(|| Error::validation("note", "认定隐患不实须填写原因"))?;
            cols.push(("rejected_reason", v(reason)));
        }
        HazardStep::Fix => {
            let n = text("note", "整改情况", note, 2000)?.ok_or_else(|| Error::validation("note", "请填写整改情况"))?;
            cols.push(("fixed_on", date(on)));
            cols.push(("fix_note", v(n)));
        }
        HazardStep::Recheck => {
            if h.fixed_on.as_deref().is_some_and(|f| day(on).as_str() < f) {
                return Err(Error::validation("on", "回头看日期不能早于整改日期"));
            }
            let n =
                text("note", "回头看情况", note, 2000)?.ok_or_else(|| Error::validation("note", "请填写回头看情况"))?;
            cols.push(("recheck_on", date(on)));
            cols.push(("recheck_note", v(n)));
        }
    }
    tx.update("hazard", id, &cols)?;
    Ok(())
}

/// Records the reward (网格红包) paid for a hazard found to be real.
pub fn pay_reward(tx: &mut Tx<'_>, id: &str, reward_fen: i64, on: Option<NaiveDate>) -> Result<()> {
    let h = get_hazard(tx.conn(), id, tx.today())?;
    reward_allowed(h.status)?;
    if h.reward_paid_on.is_some() {
        return Err(Error::rule(format!("该隐患的奖励已于 {} 发放", h.reward_paid_on.unwrap_or_default())));
    }
    if !(1..=100_000).contains(&reward_fen) {
        return Err(Error::validation("reward_fen", "奖励金额应在0.01元至1000元之间"));
    }
    let on = on.unwrap_or(tx.today());
    tx.update("hazard", id, &[("reward_fen", v(reward_fen)), ("reward_paid_on", date(on))])?;
    Ok(())
}

// ───── outreach ─────

/// An outreach event.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Outreach {
    /// Row id.
    pub id: String,
    /// 日期.
    pub held_on: String,
    /// 主题.
    pub topic: OutreachTopic,
    /// 名称.
    pub title: Option<String>,
    /// 地点.
    pub place: String,
    /// 村（社区）.
    pub village_id: Option<String>,
    /// Its name.
    pub village_name: Option<String>,
    /// 受众人数.
    pub audience: i64,
    /// 资料份数.
    pub leaflets: i64,
    /// 反诈APP注册数.
    pub app_registrations: i64,
    /// 组织民警.
    pub officer_id: Option<String>,
    /// 备注.
    pub notes: Option<String>,
}

/// Records an outreach event.
pub fn create_outreach(tx: &mut Tx<'_>, i: OutreachInput) -> Result<String> {
    let on = opt_date("held_on", "活动日期", i.held_on.as_deref())?.unwrap_or(tx.today());
    if on > tx.today() {
        return Err(Error::validation("held_on", "活动日期不能晚于今天"));
    }
    check_village(tx.conn(), i.village_id.as_deref())?;
    check_officer(tx.conn(), i.officer_id.as_deref())?;
    let audience = count("audience", "受众人数", i.audience)?;
    let regs = count("app_registrations", "反诈APP注册数", i.app_registrations)?;
    if regs > audience && audience > 0 {
        return Err(Error::validation("app_registrations", "反诈APP注册数不能多于受众人数"));
    }
    let id = tx.new_id();
    tx.insert(
        "outreach",
        &id,
        &[
            ("held_on", date(on)),
            ("topic", v(i.topic)),
            ("title", v(text("title", "活动名称", i.title.as_deref(), 100)?)),
            ("place", v(required("place", "活动地点", &i.place, 200)?)),
            ("village_id", v(i.village_id)),
            ("audience", v(audience)),
            ("leaflets", v(count("leaflets", "资料份数", i.leaflets)?)),
            ("app_registrations", v(regs)),
            ("officer_id", v(i.officer_id)),
            ("notes", v(text("notes", "备注", i.notes.as_deref(), 2000)?)),
        ],
    )?;
    Ok(id)
}

/// Outreach events held in `[from, to)`, newest first.
pub fn list_outreach(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Vec<Outreach>> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.id, o.held_on, o.topic, o.title, o.place, o.village_id, vg.name, o.audience, o.leaflets,
                o.app_registrations, o.officer_id, o.notes
         FROM outreach o LEFT JOIN village vg ON vg.id = o.village_id
         WHERE o.deleted_at IS NULL AND o.held_on >= ?1 AND o.held_on < ?2 ORDER BY o.held_on DESC, o.id DESC",
    )?;
    Ok(stmt
        .query_map([day(from), day(to)], |r| {
            Ok(Outreach {
                id: r.get(0)?,
                held_on: r.get(1)?,
                topic: r.get(2)?,
                title: r.get(3)?,
                place: r.get(4)?,
                village_id: r.get(5)?,
                village_name: r.get(6)?,
                audience: r.get(7)?,
                leaflets: r.get(8)?,
                app_registrations: r.get(9)?,
                officer_id: r.get(10)?,
                notes: r.get(11)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Outreach totals for one village (or the post's events with no village).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OutreachTotal {
    /// 村（社区）; none for events not tied to a village.
    pub village_id: Option<String>,
    /// Its name.
    pub village_name: Option<String>,
    /// 场次.
    pub sessions: i64,
    /// 受众.
    pub audience: i64,
    /// 资料.
    pub leaflets: i64,
    /// 反诈APP注册.
    pub app_registrations: i64,
}

/// Totals per village over `[from, to)`.
pub fn outreach_totals(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Vec<OutreachTotal>> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.village_id, vg.name, count(*), sum(o.audience), sum(o.leaflets), sum(o.app_registrations)
         FROM outreach o LEFT JOIN village vg ON vg.id = o.village_id
         WHERE o.deleted_at IS NULL AND o.held_on >= ?1 AND o.held_on < ?2
         GROUP BY o.village_id ORDER BY vg.name",
    )?;
    Ok(stmt
        .query_map([day(from), day(to)], |r| {
            Ok(OutreachTotal {
                village_id: r.get(0)?,
                village_name: r.get(1)?,
                sessions: r.get(2)?,
                audience: r.get(3)?,
                leaflets: r.get(4)?,
                app_registrations: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

// ───── feedback ─────

/// A resident's suggestion and the post's answer.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Feedback {
    /// Row id.
    pub id: String,
    /// 收到日期.
    pub received_on: String,
    /// 渠道.
    pub channel: FeedbackChannel,
    /// 内容.
    pub content: String,
    /// 反映人.
    pub from_name: Option<String>,
    /// 反映人电话.
    pub from_phone: Option<String>,
    /// 村（社区）.
    pub village_id: Option<String>,
    /// 答复.
    pub answer: Option<String>,
    /// 答复日期.
    pub answered_on: Option<String>,
    /// 答复民警.
    pub officer_id: Option<String>,
    /// 已办结.
    pub closed: bool,
}

/// Records feedback.
pub fn create_feedback(tx: &mut Tx<'_>, i: FeedbackInput) -> Result<String> {
    let on = opt_date("received_on", "收到日期", i.received_on.as_deref())?.unwrap_or(tx.today());
    if on > tx.today() {
        return Err(Error::validation("received_on", "收到日期不能晚于今天"));
    }
    check_village(tx.conn(), i.village_id.as_deref())?;
    let from = i
        .from_name
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|n| person_name("from_name", "反映人姓名", n))
        .transpose()?;
    let id = tx.new_id();
    tx.insert(
        "feedback",
        &id,
        &[
            ("received_on", date(on)),
            ("channel", v(i.channel)),
            ("content", v(required("content", "意见内容", &i.content, 4000)?)),
            ("from_name", v(from)),
            ("from_phone", v(opt_phone("from_phone", i.from_phone.as_deref())?)),
            ("village_id", v(i.village_id)),
            ("closed", v(false)),
        ],
    )?;
    Ok(id)
}

/// Answers feedback (and closes it when `close`).
pub fn answer_feedback(tx: &mut Tx<'_>, id: &str, answer: &str, officer_id: Option<&str>, close: bool) -> Result<()> {
    let closed: bool = tx
        .conn()
        .query_row("SELECT closed FROM feedback WHERE id = ?1 AND deleted_at IS NULL", [id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::not_found("意见", id))?;
    if closed {
        return Err(Error::rule("该意见已办结，不能再修改答复"));
    }
    check_officer(tx.conn(), officer_id)?;
    let answer = required("answer", "答复内容", answer, 4000)?;
    let today = tx.today();
    tx.update(
        "feedback",
        id,
        &[
            ("answer", v(answer)),
            ("answered_on", date(today)),
            ("officer_id", v(officer_id.map(str::to_owned))),
            ("closed", v(close)),
        ],
    )?;
    Ok(())
}

/// Feedback, newest first; `open_only` keeps what is not yet closed.
pub fn list_feedback(conn: &Connection, open_only: bool) -> Result<Vec<Feedback>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, received_on, channel, content, from_name, from_phone, village_id, answer, answered_on, officer_id, closed
         FROM feedback WHERE deleted_at IS NULL AND (?1 = 0 OR closed = 0) ORDER BY received_on DESC, id DESC",
    )?;
    Ok(stmt
        .query_map([open_only], |r| {
            Ok(Feedback {
                id: r.get(0)?,
                received_on: r.get(1)?,
                channel: r.get(2)?,
                content: r.get(3)?,
                from_name: r.get(4)?,
                from_phone: r.get(5)?,
                village_id: r.get(6)?,
                answer: r.get(7)?,
                answered_on: r.get(8)?,
                officer_id: r.get(9)?,
                closed: r.get(10)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

// ───── 五无 ─────

/// A village's 五无 for a year: what the data says, and what the officer confirmed.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FiveNonesYear {
    /// 村（社区）.
    pub village_id: String,
    /// Its name.
    pub village_name: String,
    /// 年度.
    pub year: i32,
    /// 立案数.
    pub cases: i64,
    /// 诈骗警情数.
    pub fraud: i64,
    /// 涉毒警情数.
    pub drugs: i64,
    /// Derived from the data (`null` where the data cannot tell).
    pub derived: FiveNones,
    /// Confirmed by an officer, if done.
    pub confirmed: Option<FiveNones>,
    /// 确认民警.
    pub confirmed_by: Option<String>,
    /// 确认日期.
    pub confirmed_on: Option<String>,
    /// 备注.
    pub notes: Option<String>,
}

fn five_nones_id(village_id: &str, year: i32) -> String {
    // One row per village and year on every node, so concurrent confirmations merge.
    const NS: Uuid = Uuid::from_u128(0x2f6c_53f4_8d3b_4f0e_9c1a_0b7d_5e4f_3a21);
    Uuid::new_v5(&NS, format!("{village_id}/{year}").as_bytes()).to_string()
}

/// 五无 for every village in `year`.
pub fn five_nones(conn: &Connection, year: i32) -> Result<Vec<FiveNonesYear>> {
    let (from, to) = (format!("{year}-01-01"), format!("{}-01-01", year + 1));
    let mut out = vec![];
    for village in place::list_villages(conn)? {
        let (cases, fraud, drugs): (i64, i64, i64) = conn.prepare_cached(
            "SELECT coalesce(sum(disposition = 'case_opened'), 0), coalesce(sum(kind = 'fraud'), 0), coalesce(sum(kind = 'drugs'), 0)
             FROM incident WHERE deleted_at IS NULL AND village_id = ?1 AND occurred_at >= ?2 AND occurred_at < ?3",
        )?
        .query_row(params![village.id, from, to], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        let confirmed = conn
            .prepare_cached(
                "SELECT no_cases, no_fraud, no_drugs, no_petitions, no_cults, confirmed_by, confirmed_on, notes
                 FROM five_nones WHERE id = ?1 AND deleted_at IS NULL",
            )?
            .query_row([five_nones_id(&village.id, year)], |r| {
                Ok((
                    FiveNones {
                        no_cases: r.get(0)?,
                        no_fraud: r.get(1)?,
                        no_drugs: r.get(2)?,
                        no_petitions: r.get(3)?,
                        no_cults: r.get(4)?,
                    },
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<String>>(7)?,
                ))
            })
            .optional()?;
        let (confirmed, confirmed_by, confirmed_on, notes) = match confirmed {
            Some((c, by, on, n)) => (Some(c), by, on, n),
            None => (None, None, None, None),
        };
        out.push(FiveNonesYear {
            village_id: village.id,
            village_name: village.name,
            year,
            cases,
            fraud,
            drugs,
            derived: derive_five_nones(cases, fraud, drugs),
            confirmed,
            confirmed_by,
            confirmed_on,
            notes,
        });
    }
    Ok(out)
}

/// An officer confirms a village's 五无 for a year. A status the data contradicts (a
/// village with a fraud incident confirmed 无诈) is refused, naming the count.
pub fn confirm_five_nones(
    tx: &mut Tx<'_>,
    village_id: &str,
    year: i32,
    c: FiveNones,
    officer_id: &str,
    notes: Option<&str>,
) -> Result<()> {
    place::village_name(tx.conn(), "village_id", village_id)?;
    place::get_officer(tx.conn(), "officer_id", officer_id)?;
    if year < 2000 || year > tx.today().year() {
        return Err(Error::validation("year", format!("年度{year}无效")));
    }
    let data = five_nones(tx.conn(), year)?.into_iter().find(|f| f.village_id == village_id);
    if let Some(d) = data {
        for (field, label, claimed, n) in [
            ("no_cases", "无案", c.no_cases, d.cases),
            ("no_fraud", "无诈", c.no_fraud, d.fraud),
            ("no_drugs", "无毒", c.no_drugs, d.drugs),
        ] {
            if claimed == Some(true) && n > 0 {
                return Err(Error::validation(field, format!("{year}年该村有{n}起相关警情，不能确认为“{label}”")));
            }
        }
    }
    let id = five_nones_id(village_id, year);
    let cols = [
        ("village_id", s(village_id)),
        ("year", v(i64::from(year))),
        ("no_cases", v(c.no_cases)),
        ("no_fraud", v(c.no_fraud)),
        ("no_drugs", v(c.no_drugs)),
        ("no_petitions", v(c.no_petitions)),
        ("no_cults", v(c.no_cults)),
        ("confirmed_by", s(officer_id)),
        ("confirmed_on", date(tx.today())),
        ("notes", v(text("notes", "备注", notes, 1000)?)),
    ];
    if exists(tx.conn(), "five_nones", &id)? {
        tx.update("five_nones", &id, &cols)?;
    } else {
        tx.insert("five_nones", &id, &cols)?;
    }
    Ok(())
}

// ───── monthly figures ─────

/// A month of prevention work in figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PreventionMonth {
    /// `YYYY-MM`.
    pub month: String,
    /// 在岗队员（月末）.
    pub active_volunteers: i64,
    /// 巡逻次数.
    pub patrols: i64,
    /// 巡逻时长（小时）.
    pub patrol_hours: f64,
    /// 巡逻发现.
    pub findings: i64,
    /// 接报线索.
    pub leads_received: i64,
    /// 线索转警情/案件.
    pub leads_converted: i64,
    /// 发现隐患.
    pub hazards_found: i64,
    /// 隐患销号.
    pub hazards_closed: i64,
    /// 逾期未整改（月末）.
    pub hazards_overdue: i64,
    /// 发放奖励（分）.
    pub rewards_fen: i64,
    /// 宣传场次.
    pub outreach_sessions: i64,
    /// 宣传受众.
    pub outreach_audience: i64,
    /// 反诈APP注册.
    pub app_registrations: i64,
    /// 收到意见.
    pub feedback_received: i64,
    /// 答复意见.
    pub feedback_answered: i64,
}

/// The month's figures. `first` is the first day of the month.
pub fn month_figures(conn: &Connection, first: NaiveDate) -> Result<PreventionMonth> {
    let next = first.checked_add_months(chrono::Months::new(1)).unwrap_or(first);
    let last = next.pred_opt().unwrap_or(first);
    let (f, n) = (day(first), day(next));
    let q = |sql: &str| -> Result<i64> { Ok(conn.prepare_cached(sql)?.query_row(params![f, n], |r| r.get(0))?) };
    // Patrol instants are UTC; the month's bounds are Beijing midnights.
    let utc = |d: NaiveDate| stamp(crate::model::time::from_beijing(d.and_hms_opt(0, 0, 0).unwrap_or_default()));
    let (pf, pn) = (utc(first), utc(next));
    let (patrols, minutes): (i64, f64) = conn
        .prepare_cached(
            "SELECT count(*), coalesce(sum((julianday(ended_at) - julianday(started_at)) * 1440), 0)
             FROM patrol WHERE deleted_at IS NULL AND started_at >= ?1 AND started_at < ?2",
        )?
        .query_row([&pf, &pn], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let findings: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM patrol_finding pf JOIN patrol p ON p.id = pf.patrol_id
             WHERE pf.deleted_at IS NULL AND p.started_at >= ?1 AND p.started_at < ?2",
        )?
        .query_row([&pf, &pn], |r| r.get(0))?;
    let active_volunteers: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM volunteer WHERE deleted_at IS NULL AND active_from <= ?1
               AND (active_to IS NULL OR active_to >= ?1)",
        )?
        .query_row([day(last)], |r| r.get(0))?;
    let hazards_overdue: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM hazard WHERE deleted_at IS NULL AND found_on <= ?1 AND deadline < ?1
               AND (status IN ('reported', 'verified') OR (status IN ('fixed', 'closed') AND fixed_on > ?1))",
        )?
        .query_row([day(last)], |r| r.get(0))?;
    let (sessions, audience, regs): (i64, i64, i64) = conn
        .prepare_cached(
            "SELECT count(*), coalesce(sum(audience), 0), coalesce(sum(app_registrations), 0) FROM outreach
             WHERE deleted_at IS NULL AND held_on >= ?1 AND held_on < ?2",
        )?
        .query_row([&f, &n], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(PreventionMonth {
        month: first.format("%Y-%m").to_string(),
        active_volunteers,
        patrols,
        patrol_hours: (minutes / 6.0).round() / 10.0,
        findings,
        leads_received: q(
            "SELECT count(*) FROM lead WHERE deleted_at IS NULL AND reported_on >= ?1 AND reported_on < ?2",
        )?,
        leads_converted: q(
            "SELECT count(*) FROM lead WHERE deleted_at IS NULL AND status = 'converted' AND closed_on >= ?1 AND closed_on < ?2",
        )?,
        hazards_found: q("SELECT count(*) FROM hazard WHERE deleted_at IS NULL AND found_on >= ?1 AND found_on < ?2")?,
        hazards_closed: q(
            "SELECT count(*) FROM hazard WHERE deleted_at IS NULL AND recheck_on >= ?1 AND recheck_on < ?2",
        )?,
        hazards_overdue,
        rewards_fen: q(
            "SELECT coalesce(sum(reward_fen), 0) FROM hazard WHERE deleted_at IS NULL AND reward_paid_on >= ?1 AND reward_paid_on < ?2",
        )?,
        outreach_sessions: sessions,
        outreach_audience: audience,
        app_registrations: regs,
        feedback_received: q(
            "SELECT count(*) FROM feedback WHERE deleted_at IS NULL AND received_on >= ?1 AND received_on < ?2",
        )?,
        feedback_answered: q(
            "SELECT count(*) FROM feedback WHERE deleted_at IS NULL AND answered_on >= ?1 AND answered_on < ?2",
        )?,
    })
}
