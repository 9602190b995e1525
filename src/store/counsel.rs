//! 法律顾问 and 驻所律师: owns the `lawyer` and `sitting` tables. A lawyer serves the post
//! for a term; their sittings lie inside it; the mediation rounds they took part in name
//! them (`mediation.lawyer_ids`, written by [`crate::store::dispute`]); the rules are
//! [`crate::model::counsel`]'s.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row, params};
use schemars::JsonSchema;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::counsel::{
    CounselMonth, LawyerDisputeFact, LawyerInput, SittingFact, SittingInput, Term, check_in_term, check_term_keeps,
    month_figures as figures,
};
use crate::model::time::parse_date;
use crate::model::{DisputeStatus, LawyerKind, MediationLevel, MediationMode, MediationOutcome};
use crate::store::ledger::{Ledger, Show, column};
use crate::store::write::{date, opt_date, v};
use crate::store::{Tx, from_row, page_bounds};

/// A lawyer serving the post.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Lawyer {
    /// Row id.
    pub id: String,
    /// 姓名.
    pub name: String,
    /// 身份.
    pub kind: LawyerKind,
    /// 身份 in Chinese.
    pub kind_label: &'static str,
    /// 律师事务所.
    pub firm: String,
    /// 执业证号.
    pub licence_no: String,
    /// 联系电话.
    pub phone: Option<String>,
    /// 服务起始日期.
    pub serving_from: String,
    /// 服务截止日期.
    pub serving_to: Option<String>,
    /// Serving today.
    pub serving: bool,
    /// 备注.
    pub notes: Option<String>,
    /// 坐班（次）, all time.
    pub sittings: i64,
    /// 坐班时长（小时）, all time.
    pub hours: f64,
}

const LAWYER_SELECT: &str = "SELECT l.id, l.name, l.kind, l.firm, l.licence_no, l.phone, l.serving_from, l.serving_to,
        l.notes,
        (SELECT count(*) FROM sitting s WHERE s.lawyer_id = l.id AND s.deleted_at IS NULL) AS sittings,
        (SELECT coalesce(sum(s.hours), 0.0) FROM sitting s WHERE s.lawyer_id = l.id AND s.deleted_at IS NULL) AS hours
     FROM lawyer l";

impl Lawyer {
    fn from_row(r: &Row<'_>, today: &str) -> rusqlite::Result<Lawyer> {
        let kind: LawyerKind = r.get("kind")?;
        let from: String = r.get("serving_from")?;
        let to: Option<String> = r.get("serving_to")?;
        Ok(from_row!(r => Lawyer {
            id, name, firm, licence_no, phone, notes, sittings, hours,
            kind,
            kind_label: kind.label(),
            serving: from.as_str() <= today && to.as_deref().is_none_or(|t| t >= today),
            serving_from: from,
            serving_to: to,
        }))
    }
}

/// A sitting at the post.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Sitting {
    /// Row id.
    pub id: String,
    /// 律师.
    pub lawyer_id: String,
    /// 律师姓名.
    pub lawyer_name: String,
    /// 坐班日期.
    pub sat_on: String,
    /// 时长（小时）.
    pub hours: f64,
    /// 法律咨询（次）.
    pub consultations: i64,
    /// 接待群众（人）.
    pub people_served: i64,
    /// 咨询事项.
    pub topics: Option<String>,
}

const SITTING_SELECT: &str = "SELECT s.id, s.lawyer_id, l.name AS lawyer_name, s.sat_on, s.hours, s.consultations,
        s.people_served, s.topics
     FROM sitting s JOIN lawyer l ON l.id = s.lawyer_id";

impl Sitting {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Sitting> {
        Ok(from_row!(r => Sitting { id, lawyer_id, lawyer_name, sat_on, hours, consultations, people_served, topics }))
    }
}

/// A dispute a lawyer took part in mediating.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LawyerDispute {
    /// The dispute.
    pub dispute_id: String,
    /// 纠纷名称.
    pub title: String,
    /// 纠纷状态 in Chinese.
    pub status_label: &'static str,
    /// The rounds the lawyer took part in.
    pub rounds: i64,
    /// The last of them.
    pub last_held_on: String,
    /// Its level in Chinese.
    pub level_label: &'static str,
    /// How it was held, in Chinese.
    pub mode_label: &'static str,
    /// Its outcome in Chinese.
    pub outcome_label: &'static str,
}

/// A lawyer with their sittings (latest first) and the disputes they took part in.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LawyerDetail {
    /// The lawyer.
    pub lawyer: Lawyer,
    /// 坐班记录.
    pub sittings: Vec<Sitting>,
    /// 参与调解的纠纷, the latest round first.
    pub disputes: Vec<LawyerDispute>,
}

/// Filters for the sittings list.
#[derive(Debug, Clone, Default, serde::Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct SittingFilter {
    /// Only this lawyer's.
    pub lawyer_id: Option<String>,
    /// Only this month's (`YYYY-MM`).
    pub month: Option<String>,
    /// Page, from 1.
    pub page: Option<u32>,
    /// Page size (default 20).
    pub page_size: Option<u32>,
}

/// A page of sittings.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SittingPage {
    /// Sittings matching the filter.
    pub total: i64,
    /// Page number, from 1.
    pub page: u32,
    /// Page size.
    pub page_size: u32,
    /// This page, the latest first.
    pub items: Vec<Sitting>,
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The stored-date bounds of the month starting on `first`: from its first day to the next
/// month's (excluded).
fn month_bounds(first: NaiveDate) -> (String, String) {
    let next = first.checked_add_months(chrono::Months::new(1)).unwrap_or(first);
    (day(first), day(next))
}

/// One lawyer.
pub fn get_lawyer(conn: &Connection, id: &str, today: NaiveDate) -> Result<Lawyer> {
    conn.prepare_cached(&format!("{LAWYER_SELECT} WHERE l.id = ?1 AND l.deleted_at IS NULL"))?
        .query_row([id], |r| Lawyer::from_row(r, &day(today)))
        .optional()?
        .ok_or_else(|| Error::not_found("律师", id))
}

/// Every lawyer, those serving first, then by name.
pub fn list_lawyers(conn: &Connection, today: NaiveDate) -> Result<Vec<Lawyer>> {
    let t = day(today);
    Ok(conn
        .prepare_cached(&format!(
            "{LAWYER_SELECT} WHERE l.deleted_at IS NULL
             ORDER BY (l.serving_to IS NOT NULL AND l.serving_to < ?1), l.name, l.id"
        ))?
        .query_map([&t], |r| Lawyer::from_row(r, &t))?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// A lawyer's name and term, naming `field` when there is no such lawyer.
pub fn lawyer_term(conn: &Connection, field: &str, id: &str) -> Result<(String, Term)> {
    let row: Option<(String, String, Option<String>)> = conn
        .prepare_cached("SELECT name, serving_from, serving_to FROM lawyer WHERE id = ?1 AND deleted_at IS NULL")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let (name, from, to) = row.ok_or_else(|| Error::validation(field, "所选律师不存在或已删除"))?;
    let from = parse_date(&from).ok_or_else(|| Error::rule(format!("律师{name}的服务起始日期“{from}”无效")))?;
    Ok((name, Term { from, to: to.as_deref().and_then(parse_date) }))
}

/// The names of the lawyers `ids` (a deleted one still by name), in the order given.
pub fn lawyer_names(conn: &Connection, ids: &[String]) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT name FROM lawyer WHERE id = ?1")?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(n) = stmt.query_row([id], |r| r.get::<_, String>(0)).optional()? {
            out.push(n);
        }
    }
    Ok(out)
}

fn lawyer_columns(l: crate::model::counsel::ValidLawyer) -> Vec<(&'static str, rusqlite::types::Value)> {
    vec![
        ("name", v(l.name)),
        ("kind", v(l.kind)),
        ("firm", v(l.firm)),
        ("licence_no", v(l.licence_no)),
        ("phone", v(l.phone)),
        ("serving_from", date(l.serving_from)),
        ("serving_to", opt_date(l.serving_to)),
        ("notes", v(l.notes)),
    ]
}

/// A live lawyer (other than `except`) with the same licence number.
fn same_licence(conn: &Connection, licence: &str, except: Option<&str>) -> Result<Option<(String, String)>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, name FROM lawyer WHERE licence_no = ?1 AND deleted_at IS NULL AND (?2 IS NULL OR id <> ?2)",
        )?
        .query_row(params![licence, except], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

fn refuse_same_licence(conn: &Connection, licence: &str, except: Option<&str>) -> Result<()> {
    if let Some((existing_id, name)) = same_licence(conn, licence, except)? {
        return Err(Error::Duplicate {
            field: "licence_no".into(),
            message: format!("执业证号{licence}已登记为律师{name}，请勿重复登记"),
            existing_id,
        });
    }
    Ok(())
}

/// Records a lawyer.
pub fn create_lawyer(tx: &mut Tx<'_>, i: LawyerInput) -> Result<String> {
    let l = i.validate(tx.today())?;
    refuse_same_licence(tx.conn(), &l.licence_no, None)?;
    let id = tx.new_id();
    tx.insert("lawyer", &id, &lawyer_columns(l))?;
    Ok(id)
}

/// A lawyer's editable fields, for an update that changes only some of them.
pub fn lawyer_input_of(conn: &Connection, id: &str) -> Result<LawyerInput> {
    conn.prepare_cached(
        "SELECT name, kind, firm, licence_no, phone, serving_from, serving_to, notes
         FROM lawyer WHERE id = ?1 AND deleted_at IS NULL",
    )?
    .query_row([id], |r| {
        Ok(from_row!(r => LawyerInput { name, firm, licence_no, phone, notes, serving_to,
            kind: Some(r.get("kind")?),
            serving_from: Some(r.get("serving_from")?),
        }))
    })
    .optional()?
    .ok_or_else(|| Error::not_found("律师", id))
}

fn sitting_days(conn: &Connection, lawyer_id: &str) -> Result<Vec<NaiveDate>> {
    let mut stmt = conn
        .prepare_cached("SELECT sat_on FROM sitting WHERE lawyer_id = ?1 AND deleted_at IS NULL ORDER BY sat_on, id")?;
    let days = stmt.query_map([lawyer_id], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(days.iter().filter_map(|d| parse_date(d)).collect())
}

/// Changes a lawyer (the input is the whole record, as edited). A term that would leave a
/// sitting outside it is refused.
pub fn update_lawyer(tx: &mut Tx<'_>, id: &str, i: LawyerInput) -> Result<()> {
    lawyer_input_of(tx.conn(), id)?;
    let l = i.validate(tx.today())?;
    refuse_same_licence(tx.conn(), &l.licence_no, Some(id))?;
    check_term_keeps(Term { from: l.serving_from, to: l.serving_to }, &sitting_days(tx.conn(), id)?)?;
    tx.update("lawyer", id, &lawyer_columns(l))?;
    Ok(())
}

/// Deletes a lawyer recorded by mistake: one with sittings or mediation rounds is kept (their
/// term is ended instead).
pub fn delete_lawyer(tx: &mut Tx<'_>, id: &str) -> Result<()> {
    let (name, _) = lawyer_term(tx.conn(), "id", id)?;
    let sittings = sitting_days(tx.conn(), id)?.len();
    let rounds = rounds_of(tx.conn(), id)?.len();
    if sittings + rounds > 0 {
        return Err(Error::rule(format!(
            "律师{name}已有坐班记录 {sittings} 条、参与调解 {rounds} 次，不能删除；不再服务的请填写服务截止日期"
        )));
    }
    tx.delete("lawyer", id)
}

fn sitting_columns(
    lawyer_id: &str,
    s: crate::model::counsel::ValidSitting,
) -> Vec<(&'static str, rusqlite::types::Value)> {
    vec![
        ("lawyer_id", v(lawyer_id.to_owned())),
        ("sat_on", date(s.sat_on)),
        ("hours", v(s.hours)),
        ("consultations", v(s.consultations)),
        ("people_served", v(s.people_served)),
        ("topics", v(s.topics)),
    ]
}

fn checked_sitting(tx: &Tx<'_>, i: &SittingInput, except: Option<&str>) -> Result<crate::model::counsel::ValidSitting> {
    let s = i.validate(tx.today())?;
    let (name, term) = lawyer_term(tx.conn(), "lawyer_id", &i.lawyer_id)?;
    check_in_term("sat_on", "坐班日期", &name, term, s.sat_on)?;
    let twice: Option<String> = tx
        .conn()
        .prepare_cached(
            "SELECT id FROM sitting WHERE lawyer_id = ?1 AND sat_on = ?2 AND deleted_at IS NULL
               AND (?3 IS NULL OR id <> ?3)",
        )?
        .query_row(params![i.lawyer_id, day(s.sat_on), except], |r| r.get(0))
        .optional()?;
    if let Some(existing_id) = twice {
        return Err(Error::Duplicate {
            field: "sat_on".into(),
            message: format!("{name}律师{}已有坐班记录，请修改原记录", s.sat_on),
            existing_id,
        });
    }
    Ok(s)
}

/// Records a sitting.
pub fn create_sitting(tx: &mut Tx<'_>, i: SittingInput) -> Result<String> {
    let s = checked_sitting(tx, &i, None)?;
    let id = tx.new_id();
    tx.insert("sitting", &id, &sitting_columns(&i.lawyer_id, s))?;
    Ok(id)
}

/// A sitting's fields, for an update that changes only some of them.
pub fn sitting_input_of(conn: &Connection, id: &str) -> Result<SittingInput> {
    conn.prepare_cached(
        "SELECT lawyer_id, sat_on, hours, consultations, people_served, topics
         FROM sitting WHERE id = ?1 AND deleted_at IS NULL",
    )?
    .query_row([id], |r| {
        Ok(from_row!(r => SittingInput { lawyer_id, hours, consultations, people_served, topics,
            sat_on: Some(r.get("sat_on")?),
        }))
    })
    .optional()?
    .ok_or_else(|| Error::not_found("坐班记录", id))
}

/// Changes a sitting (the input is the whole sitting, as edited).
pub fn update_sitting(tx: &mut Tx<'_>, id: &str, i: SittingInput) -> Result<()> {
    sitting_input_of(tx.conn(), id)?;
    let s = checked_sitting(tx, &i, Some(id))?;
    tx.update("sitting", id, &sitting_columns(&i.lawyer_id, s))?;
    Ok(())
}

/// Deletes a sitting recorded by mistake.
pub fn delete_sitting(tx: &mut Tx<'_>, id: &str) -> Result<()> {
    sitting_input_of(tx.conn(), id)?;
    tx.delete("sitting", id)
}

/// One sitting.
pub fn get_sitting(conn: &Connection, id: &str) -> Result<Sitting> {
    conn.prepare_cached(&format!("{SITTING_SELECT} WHERE s.id = ?1 AND s.deleted_at IS NULL"))?
        .query_row([id], Sitting::from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("坐班记录", id))
}

/// A page of sittings, the latest first.
pub fn list_sittings(conn: &Connection, f: &SittingFilter) -> Result<SittingPage> {
    let (page, page_size, limit, offset) = page_bounds(f.page, f.page_size);
    let (lo, hi) = match f.month.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => {
            let first = parse_date(&format!("{m}-01"))
                .ok_or_else(|| Error::validation("month", format!("月份“{m}”应写作 2026-11")))?;
            month_bounds(first)
        }
        None => ("0000-00-00".to_owned(), "9999-99-99".to_owned()),
    };
    let cond = "s.deleted_at IS NULL AND (?1 IS NULL OR s.lawyer_id = ?1) AND s.sat_on >= ?2 AND s.sat_on < ?3";
    let total: i64 = conn
        .prepare_cached(&format!("SELECT count(*) FROM sitting s WHERE {cond}"))?
        .query_row(params![f.lawyer_id, lo, hi], |r| r.get(0))?;
    let items = conn
        .prepare_cached(&format!("{SITTING_SELECT} WHERE {cond} ORDER BY s.sat_on DESC, s.id LIMIT ?4 OFFSET ?5"))?
        .query_map(params![f.lawyer_id, lo, hi, limit, offset], Sitting::from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(SittingPage { total, page, page_size, items })
}

/// One round a lawyer took part in, with its dispute's title and status.
struct Round {
    dispute_id: String,
    title: String,
    status: DisputeStatus,
    held_on: String,
    level: MediationLevel,
    mode: MediationMode,
    outcome: MediationOutcome,
}

/// The rounds `lawyer_id` took part in, the latest first.
fn rounds_of(conn: &Connection, lawyer_id: &str) -> Result<Vec<Round>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.dispute_id, d.title, d.status, m.held_on, m.level, m.mode, m.outcome
         FROM mediation m JOIN dispute d ON d.id = m.dispute_id AND d.deleted_at IS NULL
         WHERE m.deleted_at IS NULL AND EXISTS (SELECT 1 FROM json_each(m.lawyer_ids) j WHERE j.value = ?1)
         ORDER BY m.held_on DESC, m.id DESC",
    )?;
    Ok(stmt
        .query_map([lawyer_id], |r| {
            Ok(from_row!(r => Round { dispute_id, title, status, held_on, level, mode, outcome }))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// A lawyer with their sittings and the disputes they took part in (one line per dispute,
/// from its latest round with the lawyer).
pub fn detail(conn: &Connection, id: &str, today: NaiveDate) -> Result<LawyerDetail> {
    let lawyer = get_lawyer(conn, id, today)?;
    let sittings = list_sittings(
        conn,
        &SittingFilter { lawyer_id: Some(id.to_owned()), page_size: Some(200), ..Default::default() },
    )?
    .items;
    let mut disputes: Vec<LawyerDispute> = Vec::new();
    for Round { dispute_id, title, status, held_on, level, mode, outcome } in rounds_of(conn, id)? {
        if let Some(d) = disputes.iter_mut().find(|d| d.dispute_id == dispute_id) {
            d.rounds += 1;
            continue;
        }
        disputes.push(LawyerDispute {
            dispute_id,
            title,
            status_label: status.label(),
            rounds: 1,
            last_held_on: held_on,
            level_label: level.label(),
            mode_label: mode.label(),
            outcome_label: outcome.label(),
        });
    }
    Ok(LawyerDetail { lawyer, sittings, disputes })
}

/// The month's 法律顾问 figures: sittings, hours, consultations and people served in it; the
/// disputes a lawyer took part in mediating in it, how many reached an agreement and how
/// many of those rebounded (a follow-up found the agreement did not hold); rounds by video.
pub fn month_figures(conn: &Connection, first: NaiveDate) -> Result<CounselMonth> {
    let (lo, hi) = month_bounds(first);
    let sittings = conn
        .prepare_cached(
            "SELECT sat_on, hours, consultations, people_served FROM sitting
             WHERE deleted_at IS NULL AND sat_on >= ?1 AND sat_on < ?2",
        )?
        .query_map([&lo, &hi], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, f64>(1)?, r.get::<_, i64>(2)?, r.get::<_, i64>(3)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .filter_map(|(on, hours, consultations, people_served)| {
            Some(SittingFact { sat_on: parse_date(&on)?, hours, consultations, people_served })
        })
        .collect::<Vec<_>>();
    let disputes = conn
        .prepare_cached(
            "SELECT DISTINCT m.dispute_id,
                    EXISTS (SELECT 1 FROM agreement a WHERE a.dispute_id = m.dispute_id AND a.deleted_at IS NULL
                              AND a.effective_on IS NOT NULL) AS agreed,
                    EXISTS (SELECT 1 FROM follow_up f WHERE f.dispute_id = m.dispute_id AND f.deleted_at IS NULL
                              AND f.done_on IS NOT NULL AND f.held = 0) AS rebounded
             FROM mediation m
             WHERE m.deleted_at IS NULL AND m.held_on >= ?1 AND m.held_on < ?2 AND m.lawyer_ids <> '[]'",
        )?
        .query_map([&lo, &hi], |r| {
            Ok(LawyerDisputeFact { dispute_id: r.get(0)?, agreed: r.get(1)?, rebounded: r.get(2)? })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let video: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM mediation
             WHERE deleted_at IS NULL AND held_on >= ?1 AND held_on < ?2 AND mode = 'video'",
        )?
        .query_row([&lo, &hi], |r| r.get(0))?;
    Ok(figures(&sittings, &disputes, video))
}

fn hours_cell(s: Option<String>, _: NaiveDate) -> crate::model::sheet::Cell {
    use crate::model::sheet::Cell;
    s.and_then(|s| s.parse::<f64>().ok()).map(Cell::Number).unwrap_or(Cell::Empty)
}

/// 法律顾问坐班台账: every sitting from `:from` to `:to` (`:to` excluded), by date.
pub const LEDGER: Ledger = Ledger {
    columns: &[
        column("坐班日期", 12.0, "s.sat_on", Show::Date),
        column("律师姓名", 10.0, "l.name", Show::Text),
        column("身份", 10.0, "l.kind", Show::Label(|s| LawyerKind::parse(s).map(LawyerKind::label))),
        column("律师事务所", 26.0, "l.firm", Show::Text),
        column("执业证号", 20.0, "l.licence_no", Show::Text),
        column(
            "坐班时长（小时）",
            10.0,
            "CAST(s.hours AS TEXT)",
            Show::With(crate::model::sheet::Kind::Int, hours_cell),
        ),
        column("法律咨询（次）", 10.0, "s.consultations", Show::Int),
        column("接待群众（人）", 10.0, "s.people_served", Show::Int),
        column("咨询事项", 40.0, "s.topics", Show::Text),
    ],
    from: "FROM sitting s JOIN lawyer l ON l.id = s.lawyer_id
           WHERE s.deleted_at IS NULL AND s.sat_on >= :from AND s.sat_on < :to
           ORDER BY s.sat_on, l.name, s.id",
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::dispute::tests::post;

    fn lawyer(from: &str) -> LawyerInput {
        LawyerInput {
            name: "孙明".into(),
            firm: "江苏某某律师事务所".into(),
            licence_no: "13204201910123456".into(),
            serving_from: Some(from.into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_sitting_outside_the_term_or_twice_a_day_is_refused_and_the_term_keeps_the_sittings() {
        let (mut store, _dir) = post();
        let today = store.clock().today();
        let from = today - chrono::Duration::days(30);
        let lid = store.write(|tx| create_lawyer(tx, lawyer(&day(from)))).unwrap();
        let sit = |on: NaiveDate| SittingInput {
            lawyer_id: lid.clone(),
            sat_on: Some(day(on)),
            hours: 3.0,
            consultations: 2,
            people_served: 3,
            topics: None,
        };
        let e = store.write(|tx| create_sitting(tx, sit(from - chrono::Duration::days(1)))).unwrap_err();
        assert_eq!(e.field(), Some("sat_on"));
        assert!(e.to_string().contains("不在孙明律师的服务期内"), "{e}");
        let sid = store.write(|tx| create_sitting(tx, sit(from + chrono::Duration::days(2)))).unwrap();
        let e = store.write(|tx| create_sitting(tx, sit(from + chrono::Duration::days(2)))).unwrap_err();
        assert!(e.to_string().contains("已有坐班记录"), "{e}");
        // Moving the start past the sitting is refused; the lawyer is unchanged.
        let mut edit = lawyer_input_of(store.conn(), &lid).unwrap();
        edit.serving_from = Some(day(from + chrono::Duration::days(5)));
        let e = store.write(|tx| update_lawyer(tx, &lid, edit)).unwrap_err();
        assert_eq!(e.field(), Some("serving_from"));
        assert_eq!(get_lawyer(store.conn(), &lid, today).unwrap().serving_from, day(from));
        // A lawyer with sittings is not deleted; a duplicate licence is refused.
        let e = store.write(|tx| delete_lawyer(tx, &lid)).unwrap_err();
        assert!(e.to_string().contains("不能删除"), "{e}");
        let e = store.write(|tx| create_lawyer(tx, lawyer(&day(from)))).unwrap_err();
        assert_eq!(e.field(), Some("licence_no"));
        store.write(|tx| delete_sitting(tx, &sid)).unwrap();
        store.write(|tx| delete_lawyer(tx, &lid)).unwrap();
        assert!(list_lawyers(store.conn(), today).unwrap().is_empty());
    }
}
