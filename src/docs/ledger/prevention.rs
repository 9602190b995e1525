//! The prevention ledgers (群防群治台账): volunteers, patrols, leads, hazards (隐患清单 with
//! 动态销号), outreach, feedback and 五无 villages.
//!
//! How each is cut: volunteers by the month they served in (on duty on any day of it);
//! patrols by their start in Beijing time; leads, hazards, outreach and feedback by the
//! date they came in or were held; 五无 by year, one row per village (a village is a
//! 五无 village for a year, not a month).

use chrono::{Datelike, NaiveDate};
use rusqlite::{Connection, OptionalExtension, params};

use super::{date, date_bounds, instant, instant_bounds, int, label, text};
use crate::docs::Month;
use crate::docs::xlsx::{Cell, Column, Kind, Sheet, col};
use crate::error::Result;
use crate::model::prevention::{FiveNones, hazard_overdue};
use crate::model::time::parse_date;
use crate::model::*;
use crate::store::prevention::{five_nones, outreach_totals};

type Rows = Vec<Vec<Cell>>;

/// The volunteers on duty during `month` (all of them when `None`).
pub(super) fn volunteers(conn: &Connection, month: Option<Month>, today: NaiveDate) -> Result<(Vec<Column>, Rows)> {
    let (first, last) = bounds_inclusive(month);
    let today_s = today.format("%Y-%m-%d").to_string();
    let columns = vec![
        col("姓名", 10.0, Kind::Text),
        col("性别", 6.0, Kind::Text),
        col("公民身份号码", 21.0, Kind::Text),
        col("联系电话", 14.0, Kind::Text),
        col("身份", 12.0, Kind::Text),
        col("所属队伍", 16.0, Kind::Text),
        col("所属村（社区）", 14.0, Kind::Text),
        col("起始日期", 12.0, Kind::Date),
        col("终止日期", 12.0, Kind::Date),
        col("在岗状态", 9.0, Kind::Text),
        col("培训情况", 24.0, Kind::Text),
        col("备注", 20.0, Kind::Text),
    ];
    let rows = conn
        .prepare(
            "SELECT vo.name, p.sex, p.id_number, vo.phone, vo.role, t.name, vg.name, vo.active_from, vo.active_to,
                    CASE WHEN vo.active_from <= ?3 AND (vo.active_to IS NULL OR vo.active_to >= ?3)
                         THEN '在岗' WHEN vo.active_from > ?3 THEN '未到岗' ELSE '已离岗' END,
                    vo.training, vo.notes
             FROM volunteer vo
             LEFT JOIN person p ON p.id = vo.person_id AND p.deleted_at IS NULL
             LEFT JOIN team t ON t.id = vo.team_id
             LEFT JOIN village vg ON vg.id = vo.village_id
             WHERE vo.deleted_at IS NULL AND vo.active_from <= ?2 AND (vo.active_to IS NULL OR vo.active_to >= ?1)
             ORDER BY vg.name IS NULL, vg.name, t.name, vo.role, vo.name, vo.id",
        )?
        .query_map(params![first, last, today_s], |r| {
            Ok(vec![
                text(r, 0)?,
                label(r, 1, |s| Sex::parse(s).map(Sex::label))?,
                text(r, 2)?,
                text(r, 3)?,
                label(r, 4, |s| VolunteerRole::parse(s).map(VolunteerRole::label))?,
                text(r, 5)?,
                text(r, 6)?,
                date(r, 7)?,
                date(r, 8)?,
                text(r, 9)?,
                text(r, 10)?,
                text(r, 11)?,
            ])
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((columns, rows))
}

/// The patrols started in `month` (Beijing time), one row each with its findings.
pub(super) fn patrols(conn: &Connection, month: Option<Month>) -> Result<(Vec<Column>, Rows)> {
    let (lo, hi) = instant_bounds(month);
    let columns = vec![
        col("开始时间", 17.0, Kind::DateTime),
        col("结束时间", 17.0, Kind::DateTime),
        col("时长（分钟）", 10.0, Kind::Int),
        col("巡逻方式", 9.0, Kind::Text),
        col("巡防队伍", 16.0, Kind::Text),
        col("参巡人员", 20.0, Kind::Text),
        col("带队民警", 10.0, Kind::Text),
        col("所属村（社区）", 14.0, Kind::Text),
        col("巡逻路线", 22.0, Kind::Text),
        col("重点部位", 18.0, Kind::Text),
        col("发现问题数", 9.0, Kind::Int),
        col("发现问题及处置情况", 40.0, Kind::Text),
        col("备注", 18.0, Kind::Text),
    ];
    let mut findings = conn.prepare(
        "SELECT description, handling, result FROM patrol_finding
         WHERE patrol_id = ?1 AND deleted_at IS NULL ORDER BY rowid",
    )?;
    let mut stmt = conn.prepare(
        "SELECT p.id, p.started_at, p.ended_at,
                CAST(round((julianday(p.ended_at) - julianday(p.started_at)) * 1440) AS INTEGER),
                p.mode, t.name,
                (SELECT group_concat(name, '、') FROM (SELECT vo.name FROM json_each(p.volunteer_ids) j
                   JOIN volunteer vo ON vo.id = j.value ORDER BY j.key)),
                o.name, vg.name, p.route, p.places, p.notes
         FROM patrol p
         LEFT JOIN team t ON t.id = p.team_id
         LEFT JOIN officer o ON o.id = p.officer_id
         LEFT JOIN village vg ON vg.id = p.village_id
         WHERE p.deleted_at IS NULL AND p.started_at >= ?1 AND p.started_at < ?2
         ORDER BY p.started_at, p.id",
    )?;
    let mut rows = vec![];
    let mut q = stmt.query([&lo, &hi])?;
    while let Some(r) = q.next()? {
        let id: String = r.get(0)?;
        let found: Vec<String> = findings
            .query_map([&id], |f| {
                let description: String = f.get(0)?;
                let handling: String = f.get(1)?;
                let result: Option<String> = f.get(2)?;
                let how = FindingHandling::parse(&handling).map(FindingHandling::label).unwrap_or(&handling);
                Ok(match result.filter(|s| !s.trim().is_empty()) {
                    Some(res) => format!("{description}（{how}：{res}）"),
                    None => format!("{description}（{how}）"),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let listed = found.iter().enumerate().map(|(i, f)| format!("{}. {f}", i + 1)).collect::<Vec<_>>().join("；");
        rows.push(vec![
            instant(r, 1)?,
            instant(r, 2)?,
            int(r, 3)?,
            label(r, 4, |s| PatrolMode::parse(s).map(PatrolMode::label))?,
            text(r, 5)?,
            text(r, 6)?,
            text(r, 7)?,
            text(r, 8)?,
            text(r, 9)?,
            text(r, 10)?,
            Cell::Int(found.len() as i64),
            Cell::from(listed),
            text(r, 11)?,
        ]);
    }
    Ok((columns, rows))
}

/// The leads received in `month`.
pub(super) fn leads(conn: &Connection, month: Option<Month>) -> Result<(Vec<Column>, Rows)> {
    let (lo, hi) = date_bounds(month);
    let columns = vec![
        col("接报日期", 12.0, Kind::Date),
        col("提供人", 10.0, Kind::Text),
        col("联系电话", 14.0, Kind::Text),
        col("提供人身份", 12.0, Kind::Text),
        col("线索内容", 32.0, Kind::Text),
        col("地点", 18.0, Kind::Text),
        col("所属村（社区）", 14.0, Kind::Text),
        col("状态", 13.0, Kind::Text),
        col("核查处置情况", 26.0, Kind::Text),
        col("转为警情", 24.0, Kind::Text),
        col("案件编号", 16.0, Kind::Text),
        col("了结日期", 12.0, Kind::Date),
    ];
    let rows = conn
        .prepare(
            "SELECT l.reported_on, coalesce(l.reporter_name, vo.name), coalesce(l.reporter_phone, vo.phone), vo.role,
                    l.content, l.place, vg.name, l.status, l.handling,
                    CASE WHEN i.id IS NOT NULL THEN substr(i.summary, 1, 60) END, coalesce(l.case_no, i.case_no),
                    l.closed_on
             FROM lead l
             LEFT JOIN volunteer vo ON vo.id = l.reporter_volunteer_id
             LEFT JOIN village vg ON vg.id = l.village_id
             LEFT JOIN incident i ON i.id = l.incident_id AND i.deleted_at IS NULL
             WHERE l.deleted_at IS NULL AND l.reported_on >= ?1 AND l.reported_on < ?2
             ORDER BY l.reported_on, l.id",
        )?
        .query_map([&lo, &hi], |r| {
            Ok(vec![
                date(r, 0)?,
                text(r, 1)?,
                text(r, 2)?,
                label(r, 3, |s| VolunteerRole::parse(s).map(VolunteerRole::label))?,
                text(r, 4)?,
                text(r, 5)?,
                text(r, 6)?,
                label(r, 7, |s| LeadStatus::parse(s).map(LeadStatus::label))?,
                text(r, 8)?,
                text(r, 9)?,
                text(r, 10)?,
                date(r, 11)?,
            ])
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((columns, rows))
}

/// The hazards found in `month`, with where each stands today (隐患清单 + 动态销号).
pub(super) fn hazards(conn: &Connection, month: Option<Month>, today: NaiveDate) -> Result<(Vec<Column>, Rows)> {
    let (lo, hi) = date_bounds(month);
    let columns = vec![
        col("发现日期", 12.0, Kind::Date),
        col("发现人", 10.0, Kind::Text),
        col("隐患地点", 20.0, Kind::Text),
        col("所属村（社区）", 14.0, Kind::Text),
        col("隐患类别", 12.0, Kind::Text),
        col("等级", 6.0, Kind::Text),
        col("隐患描述", 30.0, Kind::Text),
        col("整改责任人", 10.0, Kind::Text),
        col("责任人电话", 14.0, Kind::Text),
        col("整改期限", 12.0, Kind::Date),
        col("状态", 10.0, Kind::Text),
        col("是否逾期", 9.0, Kind::Text),
        col("核实日期", 12.0, Kind::Date),
        col("整改日期", 12.0, Kind::Date),
        col("整改情况", 22.0, Kind::Text),
        col("回头看日期", 12.0, Kind::Date),
        col("回头看情况", 22.0, Kind::Text),
        col("不实原因", 18.0, Kind::Text),
        col("奖励金额（元）", 12.0, Kind::Money),
        col("奖励发放日期", 12.0, Kind::Date),
    ];
    let rows = conn
        .prepare(
            "SELECT h.found_on, coalesce(h.found_by_name, vo.name), h.place, vg.name, h.kind, h.grade, h.description,
                    h.owner, h.owner_phone, h.deadline, h.status, h.verified_on, h.fixed_on, h.fix_note,
                    h.recheck_on, h.recheck_note, h.rejected_reason, h.reward_fen, h.reward_paid_on
             FROM hazard h
             LEFT JOIN volunteer vo ON vo.id = h.found_by_volunteer_id
             LEFT JOIN village vg ON vg.id = h.village_id
             WHERE h.deleted_at IS NULL AND h.found_on >= ?1 AND h.found_on < ?2
             ORDER BY h.found_on, h.id",
        )?
        .query_map([&lo, &hi], |r| {
            let status: Option<HazardStatus> = r.get::<_, String>(10).map(|s| HazardStatus::parse(&s))?;
            let deadline = r.get::<_, Option<String>>(9)?.as_deref().and_then(parse_date);
            let overdue = status.map(|s| if hazard_overdue(s, deadline, today) { "逾期" } else { "否" });
            let reward: i64 = r.get(17)?;
            Ok(vec![
                date(r, 0)?,
                text(r, 1)?,
                text(r, 2)?,
                text(r, 3)?,
                label(r, 4, |s| HazardKind::parse(s).map(HazardKind::label))?,
                label(r, 5, |s| HazardGrade::parse(s).map(HazardGrade::label))?,
                text(r, 6)?,
                text(r, 7)?,
                text(r, 8)?,
                Cell::from(deadline),
                label(r, 10, |s| HazardStatus::parse(s).map(HazardStatus::label))?,
                overdue.map(Cell::from).unwrap_or(Cell::Empty),
                date(r, 11)?,
                date(r, 12)?,
                text(r, 13)?,
                date(r, 14)?,
                text(r, 15)?,
                text(r, 16)?,
                if reward > 0 { Cell::Int(reward) } else { Cell::Empty },
                date(r, 18)?,
            ])
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((columns, rows))
}

/// The outreach events held in `month`, and a second sheet of totals per village.
pub(super) fn outreach(conn: &Connection, month: Option<Month>) -> Result<(Vec<Column>, Rows, Sheet)> {
    let (lo, hi) = date_bounds(month);
    let columns = vec![
        col("日期", 12.0, Kind::Date),
        col("宣传主题", 10.0, Kind::Text),
        col("活动名称", 24.0, Kind::Text),
        col("地点", 18.0, Kind::Text),
        col("所属村（社区）", 14.0, Kind::Text),
        col("受众人数", 9.0, Kind::Int),
        col("发放资料（份）", 11.0, Kind::Int),
        col("国家反诈中心APP注册数", 14.0, Kind::Int),
        col("组织民警", 10.0, Kind::Text),
        col("备注", 20.0, Kind::Text),
    ];
    let rows = conn
        .prepare(
            "SELECT o.held_on, o.topic, o.title, o.place, vg.name, o.audience, o.leaflets, o.app_registrations,
                    ofc.name, o.notes
             FROM outreach o
             LEFT JOIN village vg ON vg.id = o.village_id
             LEFT JOIN officer ofc ON ofc.id = o.officer_id
             WHERE o.deleted_at IS NULL AND o.held_on >= ?1 AND o.held_on < ?2
             ORDER BY o.held_on, o.id",
        )?
        .query_map([&lo, &hi], |r| {
            Ok(vec![
                date(r, 0)?,
                label(r, 1, |s| OutreachTopic::parse(s).map(OutreachTopic::label))?,
                text(r, 2)?,
                text(r, 3)?,
                text(r, 4)?,
                int(r, 5)?,
                int(r, 6)?,
                int(r, 7)?,
                text(r, 8)?,
                text(r, 9)?,
            ])
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let (from, to) = match month {
        Some(m) => (m.first(), m.next_first()),
        // Dates as stored text compare as strings: bounds of four-digit years.
        None => (
            NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or_default(),
            NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or_default(),
        ),
    };
    let mut totals: Rows = vec![];
    let (mut sessions, mut audience, mut leaflets, mut regs) = (0, 0, 0, 0);
    for t in outreach_totals(conn, from, to)? {
        sessions += t.sessions;
        audience += t.audience;
        leaflets += t.leaflets;
        regs += t.app_registrations;
        totals.push(vec![
            Cell::from(t.village_name.unwrap_or_else(|| "全所（不分村）".into())),
            Cell::Int(t.sessions),
            Cell::Int(t.audience),
            Cell::Int(t.leaflets),
            Cell::Int(t.app_registrations),
        ]);
    }
    if !totals.is_empty() {
        totals.push(vec![
            Cell::from("合计"),
            Cell::Int(sessions),
            Cell::Int(audience),
            Cell::Int(leaflets),
            Cell::Int(regs),
        ]);
    }
    let by_village = Sheet {
        name: "分村合计".into(),
        columns: vec![
            col("村（社区）", 16.0, Kind::Text),
            col("场次", 8.0, Kind::Int),
            col("受众人数", 10.0, Kind::Int),
            col("发放资料（份）", 12.0, Kind::Int),
            col("国家反诈中心APP注册数", 14.0, Kind::Int),
        ],
        rows: totals,
    };
    Ok((columns, rows, by_village))
}

/// The views received in `month` (意见箱, 警民恳谈…) and the answers.
pub(super) fn feedback(conn: &Connection, month: Option<Month>) -> Result<(Vec<Column>, Rows)> {
    let (lo, hi) = date_bounds(month);
    let columns = vec![
        col("收到日期", 12.0, Kind::Date),
        col("收集渠道", 10.0, Kind::Text),
        col("所属村（社区）", 14.0, Kind::Text),
        col("反映人", 10.0, Kind::Text),
        col("联系电话", 14.0, Kind::Text),
        col("意见建议内容", 34.0, Kind::Text),
        col("答复内容", 30.0, Kind::Text),
        col("答复日期", 12.0, Kind::Date),
        col("答复民警", 10.0, Kind::Text),
        col("是否办结", 9.0, Kind::Text),
    ];
    let rows = conn
        .prepare(
            "SELECT f.received_on, f.channel, vg.name, coalesce(f.from_name, '匿名'), f.from_phone, f.content, f.answer,
                    f.answered_on, o.name, CASE WHEN f.closed = 1 THEN '是' ELSE '否' END
             FROM feedback f
             LEFT JOIN village vg ON vg.id = f.village_id
             LEFT JOIN officer o ON o.id = f.officer_id
             WHERE f.deleted_at IS NULL AND f.received_on >= ?1 AND f.received_on < ?2
             ORDER BY f.received_on, f.id",
        )?
        .query_map([&lo, &hi], |r| {
            Ok(vec![
                date(r, 0)?,
                label(r, 1, |s| FeedbackChannel::parse(s).map(FeedbackChannel::label))?,
                text(r, 2)?,
                text(r, 3)?,
                text(r, 4)?,
                text(r, 5)?,
                text(r, 6)?,
                date(r, 7)?,
                text(r, 8)?,
                text(r, 9)?,
            ])
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((columns, rows))
}

fn yes_no(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "是",
        Some(false) => "否",
        None => "",
    }
}

/// 五无 for every village in `year`: the counts the data holds, what they say, and what the
/// officer confirmed. 无访 and 无邪 are not in the data, so only the officer's word shows.
pub(super) fn five_nones_rows(conn: &Connection, year: i32) -> Result<(Vec<Column>, Rows)> {
    let columns = vec![
        col("村（社区）", 14.0, Kind::Text),
        col("年度", 7.0, Kind::Int),
        col("立案数", 8.0, Kind::Int),
        col("诈骗警情数", 10.0, Kind::Int),
        col("涉毒警情数", 10.0, Kind::Int),
        col("无案（数据）", 10.0, Kind::Text),
        col("无案（确认）", 10.0, Kind::Text),
        col("无诈（数据）", 10.0, Kind::Text),
        col("无诈（确认）", 10.0, Kind::Text),
        col("无毒（数据）", 10.0, Kind::Text),
        col("无毒（确认）", 10.0, Kind::Text),
        col("无访（确认）", 10.0, Kind::Text),
        col("无邪（确认）", 10.0, Kind::Text),
        col("五无村（社区）", 12.0, Kind::Text),
        col("确认民警", 10.0, Kind::Text),
        col("确认日期", 12.0, Kind::Date),
        col("备注", 20.0, Kind::Text),
    ];
    let mut officer = conn.prepare_cached("SELECT name FROM officer WHERE id = ?1")?;
    let mut rows = vec![];
    for f in five_nones(conn, year)? {
        let c = f.confirmed.unwrap_or(FiveNones {
            no_cases: None,
            no_fraud: None,
            no_drugs: None,
            no_petitions: None,
            no_cults: None,
        });
        let all = [c.no_cases, c.no_fraud, c.no_drugs, c.no_petitions, c.no_cults];
        let verdict = if all.iter().all(|b| *b == Some(true)) {
            "是"
        } else if all.contains(&Some(false)) {
            "否"
        } else {
            "待确认"
        };
        let by = match &f.confirmed_by {
            Some(id) => officer.query_row([id], |r| r.get::<_, String>(0)).optional()?.or(Some(id.clone())),
            None => None,
        };
        rows.push(vec![
            Cell::from(f.village_name),
            Cell::Int(i64::from(f.year)),
            Cell::Int(f.cases),
            Cell::Int(f.fraud),
            Cell::Int(f.drugs),
            Cell::from(yes_no(f.derived.no_cases)),
            Cell::from(yes_no(c.no_cases)),
            Cell::from(yes_no(f.derived.no_fraud)),
            Cell::from(yes_no(c.no_fraud)),
            Cell::from(yes_no(f.derived.no_drugs)),
            Cell::from(yes_no(c.no_drugs)),
            Cell::from(yes_no(c.no_petitions)),
            Cell::from(yes_no(c.no_cults)),
            Cell::from(verdict),
            Cell::from(by),
            Cell::from(f.confirmed_on.as_deref().and_then(parse_date)),
            Cell::from(f.notes),
        ]);
    }
    Ok((columns, rows))
}

/// The year a 五无 ledger is for: `year`, else the month's year, else this year.
pub(super) fn five_nones_year(year: Option<i32>, month: Option<Month>, today: NaiveDate) -> i32 {
    year.or(month.map(|m| m.year)).unwrap_or(today.year())
}

fn bounds_inclusive(month: Option<Month>) -> (String, String) {
    match month {
        Some(m) => (m.first().format("%Y-%m-%d").to_string(), m.last().format("%Y-%m-%d").to_string()),
        None => ("0000-00-00".into(), "9999-99-99".into()),
    }
}
