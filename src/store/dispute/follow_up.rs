//! Follow-up visits (回访): owns the `follow_up` table. One is scheduled when an
//! agreement is finalised; recording it (held, and the agreement carried out) closes the
//! dispute. One that finds the agreement did not hold sends the dispute back to mediation
//! (or on to referral) and schedules the next follow-up.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row};
use schemars::JsonSchema;
use serde::Serialize;

use super::{PARTY_HOME_JOINS, PARTY_NAMES, PLACE_COLUMNS, set_status, state};
use crate::error::{Error, Result};
use crate::model::DisputeStatus;
use crate::model::day_plan::FollowUpOpen;
use crate::model::dispute::{DisputeEvent, FollowUpInput, check_follow_up_content, next};
use crate::model::people::up_to_today;
use crate::model::time::parse_date;
use crate::model::validate::text;
use crate::store::day_plan::place_of;
use crate::store::from_row;
use crate::store::ledger::{Ledger, Show, column};
use crate::store::place::get_officer;
use crate::store::write::{date, s, v};
use crate::store::{Tx, day_of};

/// A follow-up visit (回访).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FollowUp {
    /// Row id.
    pub id: String,
    /// 纠纷.
    pub dispute_id: String,
    /// 协议.
    pub agreement_id: Option<String>,
    /// 协议编号.
    pub agreement_number: Option<String>,
    /// 应回访日期.
    pub due_on: String,
    /// 回访日期.
    pub done_on: Option<String>,
    /// 回访民警.
    pub officer_id: Option<String>,
    /// 回访民警姓名.
    pub officer_name: Option<String>,
    /// 协议是否履行、纠纷是否平息.
    pub held: Option<bool>,
    /// 满意度.
    pub satisfaction: Option<String>,
    /// 新风险.
    pub new_risks: Option<String>,
    /// 回访情况.
    pub notes: Option<String>,
}

impl FollowUp {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<FollowUp> {
        Ok(from_row!(r => FollowUp {
            id, dispute_id, agreement_id, agreement_number, due_on, done_on, officer_id, officer_name, held,
            satisfaction, new_risks, notes,
        }))
    }
}

/// A follow-up due and not yet done.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FollowUpDue {
    /// 回访记录.
    pub id: String,
    /// 纠纷.
    pub dispute_id: String,
    /// 纠纷名称.
    pub title: String,
    /// 协议编号.
    pub agreement_number: Option<String>,
    /// 应回访日期.
    pub due_on: String,
    /// Days past due (0 when due today or later).
    pub days_overdue: i64,
    /// 村名.
    pub village_name: Option<String>,
    /// 当事人姓名.
    pub party_names: String,
}

impl FollowUpDue {
    fn from_row(r: &Row<'_>, on: NaiveDate) -> rusqlite::Result<FollowUpDue> {
        let due: String = r.get("due_on")?;
        Ok(from_row!(r => FollowUpDue {
            id, dispute_id, title, agreement_number, village_name,
            days_overdue: parse_date(&due).map(|d| (on - d).num_days().max(0)).unwrap_or(0),
            due_on: due,
            party_names: r.get::<_, Option<String>>("party_names")?.unwrap_or_default(),
        }))
    }
}

/// A dispute's follow-ups, earliest due first.
pub(super) fn follow_ups(conn: &Connection, dispute_id: &str) -> Result<Vec<FollowUp>> {
    let mut stmt = conn.prepare_cached(
        "SELECT f.id, f.dispute_id, f.agreement_id, a.number AS agreement_number, f.due_on, f.done_on,
                f.officer_id, o.name AS officer_name, f.held, f.satisfaction, f.new_risks, f.notes
         FROM follow_up f LEFT JOIN agreement a ON a.id = f.agreement_id
         LEFT JOIN officer o ON o.id = f.officer_id
         WHERE f.dispute_id = ?1 AND f.deleted_at IS NULL ORDER BY f.due_on, f.id",
    )?;
    Ok(stmt.query_map([dispute_id], FollowUp::from_row)?.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The latest day a follow-up found the settlement held, if one did.
pub(super) fn held_on(conn: &Connection, dispute_id: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT max(done_on) AS held_on FROM follow_up WHERE dispute_id = ?1 AND held = 1
             AND done_on IS NOT NULL AND deleted_at IS NULL",
            [dispute_id],
            |r| r.get("held_on"),
        )
        .optional()?
        .flatten())
}

/// The dispute's follow-up scheduled and not yet done, if any.
pub(super) fn pending(conn: &Connection, dispute_id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT id FROM follow_up WHERE dispute_id = ?1 AND done_on IS NULL AND deleted_at IS NULL
             ORDER BY due_on, id LIMIT 1",
        )?
        .query_row([dispute_id], |r| r.get("id"))
        .optional()?)
}

/// The dispute a live follow-up belongs to.
pub fn dispute_of(conn: &Connection, follow_up_id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT dispute_id FROM follow_up WHERE id = ?1 AND deleted_at IS NULL")?
        .query_row([follow_up_id], |r| r.get("dispute_id"))
        .optional()?)
}

/// Follow-ups due on or before `on` and not yet done, the most overdue first.
pub fn follow_ups_due(conn: &Connection, on: NaiveDate) -> Result<Vec<FollowUpDue>> {
    let sql = format!(
        "SELECT f.id, d.id AS dispute_id, d.title, a.number AS agreement_number, f.due_on, v.name AS village_name,
                {PARTY_NAMES} AS party_names
         FROM follow_up f JOIN dispute d ON d.id = f.dispute_id AND d.deleted_at IS NULL
         LEFT JOIN agreement a ON a.id = f.agreement_id
         LEFT JOIN village v ON v.id = d.village_id
         WHERE f.deleted_at IS NULL AND f.done_on IS NULL AND f.due_on <= ?1
         ORDER BY f.due_on, f.id"
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map([on.to_string()], |r| FollowUpDue::from_row(r, on))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Follow-ups not done and due on or before `on`, with where each takes the officer (今日工作).
pub fn open_until(conn: &Connection, on: NaiveDate) -> Result<Vec<FollowUpOpen>> {
    let sql = format!(
        "SELECT f.id, d.id AS dispute_id, d.title, {PARTY_NAMES} AS party_names, f.due_on, {PLACE_COLUMNS}
         FROM follow_up f JOIN dispute d ON d.id = f.dispute_id AND d.deleted_at IS NULL
         {PARTY_HOME_JOINS}
         WHERE f.deleted_at IS NULL AND f.done_on IS NULL AND f.due_on <= ?1"
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map([on.to_string()], |r| {
            Ok(day_of(r.get("due_on")?).map(|due| -> rusqlite::Result<FollowUpOpen> {
                Ok(from_row!(r => FollowUpOpen { id, dispute_id, title, party_names, due_on: due, place: place_of(r)? }))
            }))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows.into_iter().flatten().collect::<rusqlite::Result<_>>()?)
}

/// The follow-up a record is for (its id, its dispute, when it was done).
type Pending = (String, String, Option<String>);

fn pending_row(r: &Row<'_>) -> rusqlite::Result<Pending> {
    Ok((r.get("id")?, r.get("dispute_id")?, r.get("done_on")?))
}

/// Records a follow-up; when the agreement was carried out and it held, the dispute closes.
/// When it did not hold, the dispute goes back to mediation (调解中: mediation again, or
/// referral) and the next follow-up is scheduled the county's `refollow_days` later.
/// Returns the follow-up's id.
pub fn record_follow_up(tx: &mut Tx<'_>, input: FollowUpInput) -> Result<String> {
    let today = tx.today();
    let (fid, dispute_id, done) = match (&input.id, &input.dispute_id) {
        (Some(id), _) => tx
            .conn()
            .query_row(
                "SELECT id, dispute_id, done_on FROM follow_up WHERE id = ?1 AND deleted_at IS NULL",
                [id],
                pending_row,
            )
            .optional()?
            .ok_or_else(|| Error::not_found("回访记录", id))?,
        (None, Some(d)) => {
            state(tx.conn(), d)?;
            tx.conn()
                .query_row(
                    "SELECT id, dispute_id, done_on FROM follow_up
                     WHERE dispute_id = ?1 AND done_on IS NULL AND deleted_at IS NULL ORDER BY due_on, id LIMIT 1",
                    [d],
                    pending_row,
                )
                .optional()?
                .ok_or_else(|| Error::rule("本纠纷没有待回访的记录"))?
        }
        (None, None) => return Err(Error::validation("id", "请指明回访记录（id）或纠纷（dispute_id）")),
    };
    if let Some(done) = done {
        return Err(Error::rule(format!("该回访已于{done}完成，不能重复登记")));
    }
    if let Some(o) = &input.officer_id {
        get_officer(tx.conn(), "officer_id", o)?;
    }
    let done_on = up_to_today("done_on", "回访日期", input.done_on.as_deref(), today)?;
    let satisfaction = text("satisfaction", "满意度", input.satisfaction.as_deref(), 20)?;
    let new_risks = text("new_risks", "新风险", input.new_risks.as_deref(), 2000)?;
    let notes = text("notes", "回访情况", input.notes.as_deref(), 4000)?;
    check_follow_up_content(notes.as_deref(), satisfaction.as_deref())?;
    tx.update(
        "follow_up",
        &fid,
        &[
            ("done_on", date(done_on)),
            ("officer_id", v(input.officer_id.clone())),
            ("held", v(input.held)),
            ("satisfaction", v(satisfaction)),
            ("new_risks", v(new_risks)),
            ("notes", v(notes)),
        ],
    )?;
    let st = state(tx.conn(), &dispute_id)?;
    if input.held && st.status == DisputeStatus::Fulfilled {
        let to = next(st.status, DisputeEvent::FollowUpHeld)?;
        set_status(tx, &dispute_id, to, &[("closed_on", date(done_on))])?;
    }
    if !input.held {
        if matches!(st.status, DisputeStatus::Fulfilling | DisputeStatus::Fulfilled | DisputeStatus::Defaulted) {
            let to = next(st.status, DisputeEvent::FollowUpNotHeld)?;
            set_status(tx, &dispute_id, to, &[])?;
        }
        let agreement: Option<String> =
            tx.conn()
                .query_row("SELECT agreement_id FROM follow_up WHERE id = ?1", [&fid], |r| r.get("agreement_id"))?;
        let days = crate::store::warning::rules(tx.conn())?.refollow_days;
        let next_id = tx.new_id();
        tx.insert(
            "follow_up",
            &next_id,
            &[
                ("dispute_id", s(&dispute_id)),
                ("agreement_id", v(agreement)),
                ("due_on", date(done_on + chrono::Duration::days(i64::from(days)))),
            ],
        )?;
    }
    Ok(fid)
}

/// 回访台账: the follow-ups due in `[:from, :to)`, overdue ones counted on `:today`.
pub const LEDGER: Ledger = Ledger {
    columns: &[
        column("应回访日期", 12.0, "f.due_on", Show::Date),
        column("回访日期", 12.0, "f.done_on", Show::Date),
        column(
            "回访状态",
            10.0,
            "CASE WHEN f.done_on IS NOT NULL THEN '已回访' WHEN f.due_on < :today THEN '逾期未回访' ELSE '待回访' END",
            Show::Text,
        ),
        column("纠纷名称", 24.0, "d.title", Show::Text),
        column("所属村", 12.0, "v.name", Show::Text),
        column("协议书编号", 22.0, "a.number", Show::Text),
        column("回访民警", 10.0, "o.name", Show::Text),
        column("协议是否履行", 12.0, "CASE f.held WHEN 1 THEN '是' WHEN 0 THEN '否' END", Show::Text),
        column("满意度", 10.0, "f.satisfaction", Show::Text),
        column("新的风险", 24.0, "f.new_risks", Show::Text),
        column("备注", 24.0, "f.notes", Show::Text),
    ],
    from: "FROM follow_up f
           LEFT JOIN dispute d ON d.id = f.dispute_id
           LEFT JOIN village v ON v.id = d.village_id
           LEFT JOIN agreement a ON a.id = f.agreement_id
           LEFT JOIN officer o ON o.id = f.officer_id
           WHERE f.deleted_at IS NULL AND f.due_on >= :from AND f.due_on < :to
           ORDER BY f.due_on, f.id",
};

/// A scheduled follow-up, as the month's statistics count it.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowUpFact {
    /// Its dispute.
    pub dispute_id: String,
    /// The dispute's village, if known.
    pub village_id: Option<String>,
    /// 应回访日期.
    pub due_on: NaiveDate,
    /// 回访日期.
    pub done_on: Option<NaiveDate>,
    /// Whether the agreement held, when recorded.
    pub held: Option<bool>,
}

/// The follow-ups due in `[lo, hi)`.
pub fn due_in(conn: &Connection, lo: &str, hi: &str) -> Result<Vec<FollowUpFact>> {
    let rows = conn
        .prepare_cached(
            "SELECT f.due_on, f.done_on, f.held, f.dispute_id, d.village_id FROM follow_up f
             LEFT JOIN dispute d ON d.id = f.dispute_id
             WHERE f.deleted_at IS NULL AND f.due_on >= ?1 AND f.due_on < ?2",
        )?
        .query_map([lo, hi], |r| {
            Ok((
                day_of(r.get("due_on")?),
                day_of(r.get("done_on")?),
                r.get::<_, Option<bool>>("held")?,
                r.get::<_, String>("dispute_id")?,
                r.get::<_, Option<String>>("village_id")?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows
        .into_iter()
        .filter_map(|(due, done_on, held, dispute_id, village_id)| {
            due.map(|due_on| FollowUpFact { dispute_id, village_id, due_on, done_on, held })
        })
        .collect())
}
