//! Outreach events (宣传活动: 反诈, 禁毒, 法治…): owns the `outreach` table, with totals per
//! village.

use chrono::NaiveDate;
use rusqlite::{Connection, Row};
use schemars::JsonSchema;
use serde::Serialize;

use super::{check_officer, check_village, day};
use crate::error::Result;
use crate::model::OutreachTopic;
use crate::model::people::up_to_today;
use crate::model::prevention::{OutreachInput, count, outreach_counts};
use crate::model::validate::{required, text};
use crate::store::Tx;
use crate::store::from_row;
use crate::store::ledger::{Ledger, Show, column};
use crate::store::write::{date, v};

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

impl Outreach {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Outreach> {
        Ok(from_row!(r => Outreach {
            id, held_on, topic, title, place, village_id, village_name, audience, leaflets, app_registrations,
            officer_id, notes,
        }))
    }
}

/// Records an outreach event.
pub fn create_outreach(tx: &mut Tx<'_>, i: OutreachInput) -> Result<String> {
    let on = up_to_today("held_on", "活动日期", i.held_on.as_deref(), tx.today())?;
    check_village(tx.conn(), i.village_id.as_deref())?;
    check_officer(tx.conn(), i.officer_id.as_deref())?;
    let (audience, regs) = outreach_counts(i.audience, i.app_registrations)?;
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
        "SELECT o.id, o.held_on, o.topic, o.title, o.place, o.village_id, vg.name AS village_name, o.audience,
                o.leaflets, o.app_registrations, o.officer_id, o.notes
         FROM outreach o LEFT JOIN village vg ON vg.id = o.village_id
         WHERE o.deleted_at IS NULL AND o.held_on >= ?1 AND o.held_on < ?2 ORDER BY o.held_on DESC, o.id DESC",
    )?;
    Ok(stmt.query_map([day(from), day(to)], Outreach::from_row)?.collect::<rusqlite::Result<Vec<_>>>()?)
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

impl OutreachTotal {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<OutreachTotal> {
        Ok(from_row!(r => OutreachTotal {
            village_id, village_name, sessions, audience, leaflets, app_registrations,
        }))
    }
}

/// Totals per village over `[from, to)`.
pub fn outreach_totals(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Vec<OutreachTotal>> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.village_id, vg.name AS village_name, count(*) AS sessions, sum(o.audience) AS audience,
                sum(o.leaflets) AS leaflets, sum(o.app_registrations) AS app_registrations
         FROM outreach o LEFT JOIN village vg ON vg.id = o.village_id
         WHERE o.deleted_at IS NULL AND o.held_on >= ?1 AND o.held_on < ?2
         GROUP BY o.village_id ORDER BY vg.name",
    )?;
    Ok(stmt.query_map([day(from), day(to)], OutreachTotal::from_row)?.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// A month's outreach (`[from, to)` dates): sessions, audience and app registrations.
pub(super) fn month(conn: &Connection, from: &str, to: &str) -> Result<(i64, i64, i64)> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) AS sessions, coalesce(sum(audience), 0) AS audience,
                    coalesce(sum(app_registrations), 0) AS app_registrations
             FROM outreach WHERE deleted_at IS NULL AND held_on >= ?1 AND held_on < ?2",
        )?
        .query_row([from, to], |r| Ok((r.get("sessions")?, r.get("audience")?, r.get("app_registrations")?)))?)
}

/// 宣传活动台账: the events held in `[:from, :to)`.
pub const LEDGER: Ledger = Ledger {
    columns: &[
        column("日期", 12.0, "o.held_on", Show::Date),
        column("宣传主题", 10.0, "o.topic", Show::Label(|s| OutreachTopic::parse(s).map(OutreachTopic::label))),
        column("活动名称", 24.0, "o.title", Show::Text),
        column("地点", 18.0, "o.place", Show::Text),
        column("所属村（社区）", 14.0, "vg.name", Show::Text),
        column("受众人数", 9.0, "o.audience", Show::Int),
        column("发放资料（份）", 11.0, "o.leaflets", Show::Int),
        column("国家反诈中心APP注册数", 14.0, "o.app_registrations", Show::Int),
        column("组织民警", 10.0, "ofc.name", Show::Text),
        column("备注", 20.0, "o.notes", Show::Text),
    ],
    from: "FROM outreach o
           LEFT JOIN village vg ON vg.id = o.village_id
           LEFT JOIN officer ofc ON ofc.id = o.officer_id
           WHERE o.deleted_at IS NULL AND o.held_on >= :from AND o.held_on < :to
           ORDER BY o.held_on, o.id",
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::dispute::tests::post;

    #[test]
    fn an_event_counts_towards_its_month_and_the_totals() {
        let (mut store, _dir) = post();
        let input = |audience, regs| OutreachInput {
            held_on: Some("2026-11-20".into()),
            topic: OutreachTopic::AntiFraud,
            title: None,
            place: "青山村文化礼堂".into(),
            village_id: None,
            audience,
            leaflets: 80,
            app_registrations: regs,
            officer_id: None,
            notes: None,
        };
        let e = store.write(|tx| create_outreach(tx, input(10, 11))).unwrap_err();
        assert_eq!(e.field(), Some("app_registrations"));
        store.write(|tx| create_outreach(tx, input(60, 25))).unwrap();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let totals = outreach_totals(store.conn(), d("2026-11-01"), d("2026-12-01")).unwrap();
        assert_eq!((totals.len(), totals[0].sessions, totals[0].leaflets), (1, 1, 80));
        assert_eq!(list_outreach(store.conn(), d("2026-11-01"), d("2026-12-01")).unwrap()[0].audience, 60);
        assert_eq!(month(store.conn(), "2026-11-01", "2026-12-01").unwrap(), (1, 60, 25));
    }
}
