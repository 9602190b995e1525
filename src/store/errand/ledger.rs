//! The 代办台账 ledger and the month's errand facts for the figures.

use chrono::NaiveDate;
use rusqlite::Connection;

use crate::error::Result;
use crate::model::{DeliveryMethod, ErrandMode, ErrandStatus};
use crate::store::ledger::{Ledger, Show, column};

/// 代办台账: the errands requested in `[:from, :to)`, overdue ones counted on `:today`.
pub const LEDGER: Ledger = Ledger {
    columns: &[
        column("受理日期", 12.0, "e.requested_on", Show::Date),
        column("申请人", 10.0, "e.applicant_name", Show::Text),
        column("联系电话", 14.0, "e.applicant_phone", Show::Text),
        column("事项类别", 14.0, "s.category", Show::Text),
        column("服务事项", 22.0, "s.name", Show::Text),
        column("方式", 8.0, "e.mode", Show::Label(|s| ErrandMode::parse(s).map(ErrandMode::label))),
        column("状态", 9.0, "e.status", Show::Label(|s| ErrandStatus::parse(s).map(ErrandStatus::label))),
        column("办理期限", 12.0, "e.due_on", Show::Date),
        column("办结日期", 12.0, "e.done_on", Show::Date),
        column(
            "是否逾期",
            9.0,
            "CASE WHEN e.status = 'cancelled' THEN NULL WHEN coalesce(e.done_on, :today) > e.due_on THEN '逾期' ELSE '否' END",
            Show::Text,
        ),
        column(
            "送达方式",
            10.0,
            "e.delivery_method",
            Show::Label(|s| DeliveryMethod::parse(s).map(DeliveryMethod::label)),
        ),
        column("寄递单号", 18.0, "e.tracking_no", Show::Text),
        column("送达日期", 12.0, "e.delivered_on", Show::Date),
        column("经办民警", 10.0, "o.name", Show::Text),
        column("受理驿站", 16.0, "ss.name", Show::Text),
        column("警务助理", 10.0, "a.name", Show::Text),
        column(
            "一次不用跑",
            10.0,
            "CASE WHEN e.status IN ('done', 'delivered') AND e.mode <> 'appointment' THEN '是' ELSE NULL END",
            Show::Text,
        ),
        column("备注", 24.0, "e.notes", Show::Text),
    ],
    from: "FROM errand e
           LEFT JOIN service_item s ON s.id = e.service_item_id
           LEFT JOIN officer o ON o.id = e.officer_id
           LEFT JOIN service_station ss ON ss.id = e.service_station_id
           LEFT JOIN volunteer a ON a.id = e.assistant_id
           WHERE e.deleted_at IS NULL AND e.requested_on >= :from AND e.requested_on < :to
           ORDER BY e.requested_on, e.id",
};

/// An errand, as the month's statistics count it.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrandFact {
    /// The errand.
    pub id: String,
    /// Its applicant's village, if known.
    pub village_id: Option<String>,
    /// 受理日期.
    pub requested_on: NaiveDate,
    /// 办理期限.
    pub due_on: NaiveDate,
    /// 办结日期.
    pub done_on: Option<NaiveDate>,
    /// 状态.
    pub status: ErrandStatus,
}

/// An errand query over `errand e` kept to the errands whose request, due or done date lies
/// in `[?1, ?2)`: three ranges, each read from its own index alone (an OR of them scans the
/// table).
macro_rules! dated {
    ($select:literal) => {
        concat!(
            $select,
            "
             WHERE e.deleted_at IS NULL
               AND e.id IN (SELECT id FROM errand WHERE requested_on >= ?1 AND requested_on < ?2
                            UNION SELECT id FROM errand WHERE due_on >= ?1 AND due_on < ?2
                            UNION SELECT id FROM errand WHERE done_on >= ?1 AND done_on < ?2)"
        )
    };
}

/// The month's errands with their applicants' villages ([`month_facts`]).
pub(crate) const MONTH_FACTS: &str = dated!(
    "SELECT e.id, h.village_id, e.requested_on, e.due_on, e.done_on, e.status FROM errand e
     LEFT JOIN person p ON p.id = e.person_id LEFT JOIN household h ON h.id = p.household_id"
);

/// The month's errands without their villages ([`month_facts_unplaced`]).
const MONTH_FACTS_UNPLACED: &str =
    dated!("SELECT e.id, NULL AS village_id, e.requested_on, e.due_on, e.done_on, e.status FROM errand e");

/// The errands requested, due or done in `[lo, hi)`, each with its applicant's village.
pub fn month_facts(conn: &Connection, lo: &str, hi: &str) -> Result<Vec<ErrandFact>> {
    facts_dated(conn, MONTH_FACTS, lo, hi)
}

/// As [`month_facts`], without the villages (each `village_id` is `None`): the month's
/// totals, which are not split by village, spare two lookups an errand.
pub fn month_facts_unplaced(conn: &Connection, lo: &str, hi: &str) -> Result<Vec<ErrandFact>> {
    facts_dated(conn, MONTH_FACTS_UNPLACED, lo, hi)
}

/// The errands `sql` (one of the two above) reads for `[lo, hi)`.
fn facts_dated(conn: &Connection, sql: &str, lo: &str, hi: &str) -> Result<Vec<ErrandFact>> {
    let day = |s: Option<String>| crate::store::day_of(s);
    let rows = conn
        .prepare_cached(sql)?
        .query_map([lo, hi], |r| {
            Ok((
                r.get::<_, String>("id")?,
                r.get::<_, Option<String>>("village_id")?,
                day(r.get("requested_on")?),
                day(r.get("due_on")?),
                day(r.get("done_on")?),
                r.get::<_, ErrandStatus>("status")?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, village_id, requested, due, done_on, status)| match (requested, due) {
            (Some(requested_on), Some(due_on)) => {
                Some(ErrandFact { id, village_id, requested_on, due_on, done_on, status })
            }
            _ => None,
        })
        .collect())
}
