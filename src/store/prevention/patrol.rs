//! Patrols (巡逻防控) and what they found: owns the `patrol` and `patrol_finding` tables. A
//! finding handed on becomes a lead or a hazard in the same transaction.

use chrono::NaiveDate;
use rusqlite::{Connection, Row};
use schemars::JsonSchema;
use serde::Serialize;

use super::{check_officer, check_village, day, must_exist};
use crate::error::{Error, Result};
use crate::model::prevention::{HazardInput, LeadInput, PatrolInput, check_patrol_people, check_patrol_times};
use crate::model::sheet::{Cell, Kind};
use crate::model::time::{parse_instant, show, stamp};
use crate::model::validate::{required, text};
use crate::model::{FindingHandling, PatrolMode};
use crate::store::from_row;
use crate::store::ledger::{Ledger, Show, column};
use crate::store::write::{s, v};
use crate::store::{Tx, json_list, list_json};

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

impl Finding {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Finding> {
        Ok(from_row!(r => Finding {
            id, description, handling, result, lead_id, hazard_id, incident_id,
        }))
    }
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

impl Patrol {
    /// The patrol's own row; [`list_patrols`] adds its findings.
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Patrol> {
        let started: String = r.get("started_at")?;
        let ended: String = r.get("ended_at")?;
        let (s, e) = (parse_instant(&started), parse_instant(&ended));
        Ok(from_row!(r => Patrol {
            id, team_id, team_name, officer_id, mode, route, places, village_id, notes,
            volunteer_ids: json_list(r.get("volunteer_ids")?),
            started_local: s.map(show).unwrap_or_default(),
            minutes: match (s, e) {
                (Some(s), Some(e)) => (e - s).num_minutes(),
                _ => 0,
            },
            started_at: started,
            ended_at: ended,
            findings: vec![],
        }))
    }
}

/// Records a patrol; findings handed on become leads or hazards in the same transaction.
pub fn create_patrol(tx: &mut Tx<'_>, i: PatrolInput) -> Result<String> {
    let start = parse_instant(&i.started_at)
        .ok_or_else(|| Error::validation("started_at", format!("开始时间“{}”无法识别", i.started_at)))?;
    let end = parse_instant(&i.ended_at)
        .ok_or_else(|| Error::validation("ended_at", format!("结束时间“{}”无法识别", i.ended_at)))?;
    check_patrol_times(start, end, tx.now())?;
    must_exist(tx.conn(), "team", "team_id", "队伍", i.team_id.as_deref())?;
    check_officer(tx.conn(), i.officer_id.as_deref())?;
    check_village(tx.conn(), i.village_id.as_deref())?;
    for (k, m) in i.volunteer_ids.iter().enumerate() {
        must_exist(tx.conn(), "volunteer", &format!("volunteer_ids[{k}]"), "队员", Some(m))?;
    }
    check_patrol_people(&i.volunteer_ids, i.officer_id.as_deref())?;
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
                lead_id = Some(super::lead::create_lead(
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
                hazard_id = Some(super::hazard::create_hazard(
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
    Ok(stmt.query_map([patrol_id], Finding::from_row)?.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Patrols that started in `[from, to)` (UTC instants as stored), newest first.
pub fn list_patrols(conn: &Connection, from: &str, to: &str) -> Result<Vec<Patrol>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.team_id, t.name AS team_name, p.volunteer_ids, p.officer_id, p.started_at, p.ended_at,
                p.mode, p.route, p.places, p.village_id, p.notes
         FROM patrol p LEFT JOIN team t ON t.id = p.team_id
         WHERE p.deleted_at IS NULL AND p.started_at >= ?1 AND p.started_at < ?2 ORDER BY p.started_at DESC",
    )?;
    let mut out = stmt.query_map([from, to], Patrol::from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    for p in &mut out {
        p.findings = findings(conn, &p.id)?;
    }
    Ok(out)
}

/// A month's patrols: how many, their minutes, their findings. The bounds are UTC instants
/// (the month's Beijing midnights).
pub(super) fn month(conn: &Connection, from: &str, to: &str) -> Result<(i64, f64, i64)> {
    let (patrols, minutes): (i64, f64) = conn
        .prepare_cached(
            "SELECT count(*) AS patrols,
                    coalesce(sum((julianday(ended_at) - julianday(started_at)) * 1440), 0) AS minutes
             FROM patrol WHERE deleted_at IS NULL AND started_at >= ?1 AND started_at < ?2",
        )?
        .query_row([from, to], |r| Ok((r.get("patrols")?, r.get("minutes")?)))?;
    let findings: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM patrol_finding pf JOIN patrol p ON p.id = pf.patrol_id
             WHERE pf.deleted_at IS NULL AND p.started_at >= ?1 AND p.started_at < ?2",
        )?
        .query_row([from, to], |r| r.get(0))?;
    Ok((patrols, minutes, findings))
}

/// The findings of a patrol (a JSON list of `[description, handling, result]`) in words:
/// `1. 路灯损坏（转为隐患）；2. …`.
fn findings_listed(json: Option<String>, _today: NaiveDate) -> Cell {
    let found: Vec<(String, String, Option<String>)> =
        json.and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default();
    let listed: Vec<String> = found
        .into_iter()
        .enumerate()
        .map(|(i, (description, handling, result))| {
            let how = FindingHandling::parse(&handling).map(FindingHandling::label).unwrap_or(&handling);
            match result.filter(|s| !s.trim().is_empty()) {
                Some(res) => format!("{}. {description}（{how}：{res}）", i + 1),
                None => format!("{}. {description}（{how}）", i + 1),
            }
        })
        .collect();
    Cell::from(listed.join("；"))
}

/// 巡逻防控台账: the patrols started in `[:from, :to)` (instants as stored), one row each
/// with its findings.
pub const LEDGER: Ledger = Ledger {
    columns: &[
        column("开始时间", 17.0, "p.started_at", Show::Instant),
        column("结束时间", 17.0, "p.ended_at", Show::Instant),
        column(
            "时长（分钟）",
            10.0,
            "CAST(round((julianday(p.ended_at) - julianday(p.started_at)) * 1440) AS INTEGER)",
            Show::Int,
        ),
        column("巡逻方式", 9.0, "p.mode", Show::Label(|s| PatrolMode::parse(s).map(PatrolMode::label))),
        column("巡防队伍", 16.0, "t.name", Show::Text),
        column(
            "参巡人员",
            20.0,
            "(SELECT group_concat(name, '、') FROM (SELECT vo.name FROM json_each(p.volunteer_ids) j
               JOIN volunteer vo ON vo.id = j.value ORDER BY j.key))",
            Show::Text,
        ),
        column("带队民警", 10.0, "o.name", Show::Text),
        column("所属村（社区）", 14.0, "vg.name", Show::Text),
        column("巡逻路线", 22.0, "p.route", Show::Text),
        column("重点部位", 18.0, "p.places", Show::Text),
        column(
            "发现问题数",
            9.0,
            "(SELECT count(*) FROM patrol_finding WHERE patrol_id = p.id AND deleted_at IS NULL)",
            Show::Int,
        ),
        column(
            "发现问题及处置情况",
            40.0,
            "(SELECT json_group_array(json_array(description, handling, result)) FROM (SELECT description, handling,
               result FROM patrol_finding WHERE patrol_id = p.id AND deleted_at IS NULL ORDER BY rowid))",
            Show::With(Kind::Text, findings_listed),
        ),
        column("备注", 18.0, "p.notes", Show::Text),
    ],
    from: "FROM patrol p
           LEFT JOIN team t ON t.id = p.team_id
           LEFT JOIN officer o ON o.id = p.officer_id
           LEFT JOIN village vg ON vg.id = p.village_id
           WHERE p.deleted_at IS NULL AND p.started_at >= :from AND p.started_at < :to
           ORDER BY p.started_at, p.id",
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::prevention::FindingInput;
    use crate::store::dispute::tests::post;

    fn patrol(findings: Vec<FindingInput>) -> PatrolInput {
        PatrolInput {
            team_id: None,
            volunteer_ids: vec![],
            officer_id: None,
            started_at: "2026-11-22 19:30".into(),
            ended_at: "2026-11-22 21:00".into(),
            mode: PatrolMode::Fixed,
            route: None,
            places: Some("村口小卖部".into()),
            village_id: None,
            notes: None,
            findings,
        }
    }

    #[test]
    fn a_patrol_needs_someone_on_it_and_a_finding_handed_on_becomes_a_hazard() {
        let (mut store, _dir) = post();
        let e = store.write(|tx| create_patrol(tx, patrol(vec![]))).unwrap_err();
        assert_eq!(e.field(), Some("volunteer_ids"));
        let officer = crate::model::people::OfficerInput {
            name: "周立新".into(),
            role: crate::model::Role::Officer,
            badge_no: None,
            phone: None,
            active: None,
        };
        let officer = store.write(|tx| crate::store::place::create_officer(tx, officer)).unwrap().id;
        let mut input = patrol(vec![FindingInput {
            description: "路灯损坏".into(),
            handling: FindingHandling::Hazard,
            result: None,
            hazard_kind: None,
            place: None,
            incident_id: None,
        }]);
        input.officer_id = Some(officer);
        store.write(|tx| create_patrol(tx, input)).unwrap();
        let all = list_patrols(store.conn(), "0", "9").unwrap();
        assert_eq!((all.len(), all[0].minutes, all[0].started_local.as_str()), (1, 90, "2026-11-22 19:30"));
        assert_eq!(all[0].findings.len(), 1);
        assert!(all[0].findings[0].hazard_id.is_some());
        assert_eq!(month(store.conn(), "0", "9").unwrap(), (1, 90.0, 1));
    }
}
