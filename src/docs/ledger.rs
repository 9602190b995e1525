//! The ledgers (台账) a post keeps and hands to the county: households and people,
//! disputes and their mediation (矛盾纠纷调解台账), follow-ups (回访台账), errands
//! (代办台账) and incidents (警情台账), the prevention ledgers (群防群治: volunteers,
//! patrols, leads, hazards, outreach, feedback, 五无), 结对帮扶 (plans and needs), the lawyers' sittings
//! (法律顾问坐班台账) and 表彰奖励 (见义勇为 and 好人 awards). Each is a [`crate::docs::xlsx::Sheet`] written as xlsx
//! by [`crate::docs::xlsx`].
//!
//! The columns and queries are the store's: each aggregate declares its `LEDGER` (header,
//! SQL expression and format of each column, once) beside its other queries, and this
//! module only picks the ledger and how it is cut. The two sheets built from records
//! (五无, outreach per village) read through the store's queries.

use rusqlite::Connection;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::docs::Month;
use crate::docs::xlsx::Book;
use crate::error::Result;
use crate::store::ledger::Cut;
use crate::store::prevention;

mod prevention_sheets;

use prevention_sheets::{five_nones_sheet, five_nones_year, outreach_by_village};

/// Which ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum LedgerKind {
    /// 实有人口台账: every resident with their household.
    #[serde(alias = "实有人口台账", alias = "户籍人口台账", alias = "人口台账")]
    Households,
    /// 矛盾纠纷调解台账.
    #[serde(alias = "矛盾纠纷调解台账")]
    Disputes,
    /// 回访台账.
    #[serde(alias = "回访台账")]
    FollowUps,
    /// 代办台账.
    #[serde(alias = "代办台账")]
    Errands,
    /// 警情台账.
    #[serde(alias = "警情台账")]
    Incidents,
    /// 群防群治力量台账: volunteers on duty (in the month).
    #[serde(alias = "群防群治力量台账")]
    Volunteers,
    /// 巡逻防控台账: patrols with their findings.
    #[serde(alias = "巡逻防控台账")]
    Patrols,
    /// 线索台账.
    #[serde(alias = "线索台账")]
    Leads,
    /// 隐患排查整改台账 (隐患清单 + 动态销号).
    #[serde(alias = "隐患排查整改台账")]
    Hazards,
    /// 宣传活动台账, with totals per village on a second sheet.
    #[serde(alias = "宣传活动台账")]
    Outreach,
    /// 意见建议台账 (意见箱, 警民恳谈).
    #[serde(alias = "意见建议台账")]
    Feedback,
    /// 五无村（社区）创建台账: one row per village for a year.
    #[serde(alias = "五无村（社区）创建台账")]
    FiveNones,
    /// 结对帮扶台账: the care plans in force, with the needs found and the help given on a
    /// second sheet.
    #[serde(alias = "结对帮扶台账")]
    Care,
    /// 驿站台账: the service stations, their 警务助理 and, in the month, the requests
    /// collected, errands done and 一次不用跑.
    #[serde(alias = "驿站台账", alias = "stations")]
    ServiceStations,
    /// 法律顾问坐班台账: the lawyers' sittings at the post.
    #[serde(alias = "法律顾问坐班台账")]
    Sittings,
    /// 表彰奖励台账: the 见义勇为 and 好人 nominations, with the decision and the payment.
    #[serde(alias = "表彰奖励台账")]
    Awards,
}

impl LedgerKind {
    /// Every ledger.
    pub const ALL: [LedgerKind; 16] = [
        LedgerKind::Households,
        LedgerKind::Disputes,
        LedgerKind::FollowUps,
        LedgerKind::Errands,
        LedgerKind::Incidents,
        LedgerKind::Volunteers,
        LedgerKind::Patrols,
        LedgerKind::Leads,
        LedgerKind::Hazards,
        LedgerKind::Outreach,
        LedgerKind::Feedback,
        LedgerKind::FiveNones,
        LedgerKind::Care,
        LedgerKind::ServiceStations,
        LedgerKind::Sittings,
        LedgerKind::Awards,
    ];

    /// The ledger's Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            LedgerKind::Households => "实有人口台账",
            LedgerKind::Disputes => "矛盾纠纷调解台账",
            LedgerKind::FollowUps => "回访台账",
            LedgerKind::Errands => "代办台账",
            LedgerKind::Incidents => "警情台账",
            LedgerKind::Volunteers => "群防群治力量台账",
            LedgerKind::Patrols => "巡逻防控台账",
            LedgerKind::Leads => "线索台账",
            LedgerKind::Hazards => "隐患排查整改台账",
            LedgerKind::Outreach => "宣传活动台账",
            LedgerKind::Feedback => "意见建议台账",
            LedgerKind::FiveNones => "五无村（社区）创建台账",
            LedgerKind::Care => "结对帮扶台账",
            LedgerKind::ServiceStations => "驿站台账",
            LedgerKind::Sittings => "法律顾问坐班台账",
            LedgerKind::Awards => "表彰奖励台账",
        }
    }

    /// What the generated label table of the UI calls the kind.
    pub const FIELD_LABEL: &'static str = "台账";

    /// The code (`disputes`), as the api and the CLI take it.
    pub fn as_str(self) -> &'static str {
        match self {
            LedgerKind::Households => "households",
            LedgerKind::Disputes => "disputes",
            LedgerKind::FollowUps => "follow_ups",
            LedgerKind::Errands => "errands",
            LedgerKind::Incidents => "incidents",
            LedgerKind::Volunteers => "volunteers",
            LedgerKind::Patrols => "patrols",
            LedgerKind::Leads => "leads",
            LedgerKind::Hazards => "hazards",
            LedgerKind::Outreach => "outreach",
            LedgerKind::Feedback => "feedback",
            LedgerKind::FiveNones => "five_nones",
            LedgerKind::Care => "care",
            LedgerKind::ServiceStations => "service_stations",
            LedgerKind::Sittings => "sittings",
            LedgerKind::Awards => "awards",
        }
    }

    /// Reads a code (`disputes`) or the Chinese name.
    pub fn parse(s: &str) -> Option<LedgerKind> {
        let s = s.trim();
        LedgerKind::ALL
            .into_iter()
            .find(|k| s == k.label() || s == k.as_str())
            .or_else(|| (s == "stations").then_some(LedgerKind::ServiceStations))
    }
}

/// Writes the ledger `kind` into `book` (the first sheet is the ledger itself, streamed from
/// its query a row at a time; outreach adds its totals per village) and returns its rows,
/// optionally cut to `month` by the date the ledger is kept by:
/// intake, due date, request, occurrence, report, discovery or the event; volunteers by
/// the month they served in. The households ledger is never cut. The 五无 ledger is kept
/// by year: `year`, else the year of `month`, else this year.
///
/// Each ledger's columns and query are the store's (`LEDGER` beside each aggregate's
/// other queries); this picks the ledger and the bounds it is cut by.
pub fn write(
    conn: &Connection,
    kind: LedgerKind,
    month: Option<Month>,
    year: Option<i32>,
    today: chrono::NaiveDate,
    book: &mut Book,
) -> Result<usize> {
    use crate::store::{care, counsel, dispute, errand, household, incident, service_station};
    let (dates, instants) = (date_bounds(month), instant_bounds(month));
    let dates_again = dates.clone();
    let (ledger, (from, to)) = match kind {
        LedgerKind::Households => (&household::LEDGER, ("".into(), "".into())),
        LedgerKind::Disputes => (&dispute::LEDGER, dates),
        LedgerKind::FollowUps => (&dispute::follow_up::LEDGER, dates),
        LedgerKind::Errands => (&errand::LEDGER, dates),
        LedgerKind::Incidents => (&incident::LEDGER, instants),
        LedgerKind::Volunteers => (&prevention::volunteer::LEDGER, first_and_last(month)),
        LedgerKind::Patrols => (&prevention::patrol::LEDGER, instants),
        LedgerKind::Leads => (&prevention::lead::LEDGER, dates),
        LedgerKind::Hazards => (&prevention::hazard::LEDGER, dates),
        LedgerKind::Outreach => (&prevention::outreach::LEDGER, dates),
        LedgerKind::Feedback => (&prevention::feedback::LEDGER, dates),
        LedgerKind::Care => (&care::LEDGER, dates),
        LedgerKind::ServiceStations => (&service_station::LEDGER, dates),
        LedgerKind::Sittings => (&counsel::LEDGER, dates),
        LedgerKind::Awards => (&crate::store::award::LEDGER, dates),
        LedgerKind::FiveNones => {
            let sheet = five_nones_sheet(conn, five_nones_year(year, month, today))?;
            book.add(&sheet)?;
            return Ok(sheet.rows.len());
        }
    };
    book.sheet(&sheet_name(kind, month), &ledger.columns())?;
    let rows = ledger.each_row(conn, Cut { from: &from, to: &to, today }, |cells| book.row(cells))?;
    if kind == LedgerKind::Outreach {
        book.add(&outreach_by_village(conn, month)?)?;
    }
    if kind == LedgerKind::Care {
        let name = match month {
            Some(m) => format!("帮扶需求（{m}）"),
            None => "帮扶需求".to_owned(),
        };
        book.sheet(&name, &care::NEEDS_LEDGER.columns())?;
        care::NEEDS_LEDGER
            .each_row(conn, Cut { from: &dates_again.0, to: &dates_again.1, today }, |cells| book.row(cells))?;
    }
    Ok(rows)
}

/// A ledger's sheet name: its label, with the month when cut to one.
fn sheet_name(kind: LedgerKind, month: Option<Month>) -> String {
    match month {
        Some(m) => format!("{}（{}）", kind.label(), m),
        None => kind.label().to_owned(),
    }
}

/// Bounds for stored dates (`YYYY-MM-DD`) in `month`, or bounds every date lies within.
fn date_bounds(month: Option<Month>) -> (String, String) {
    month.map(Month::date_bounds).unwrap_or_else(|| ("0000-00-00".into(), "9999-99-99".into()))
}

/// The first and last day of `month` (both included), or bounds every date lies within.
fn first_and_last(month: Option<Month>) -> (String, String) {
    match month {
        Some(m) => (m.first().format("%Y-%m-%d").to_string(), m.last().format("%Y-%m-%d").to_string()),
        None => ("0000-00-00".into(), "9999-99-99".into()),
    }
}

/// Bounds for stored instants (RFC 3339, UTC) in `month`, or bounds every instant lies within.
fn instant_bounds(month: Option<Month>) -> (String, String) {
    month.map(Month::instant_bounds).unwrap_or_else(|| ("0".into(), "9".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_read_back() {
        for k in LedgerKind::ALL {
            assert_eq!(
                serde_json::to_value(k).ok().and_then(|v| v.as_str().map(str::to_owned)).as_deref(),
                Some(k.as_str())
            );
            assert_eq!(LedgerKind::parse(k.as_str()), Some(k));
            assert_eq!(LedgerKind::parse(k.label()), Some(k));
            let from_label: LedgerKind = serde_json::from_value(serde_json::json!(k.label())).expect("alias");
            assert_eq!(from_label, k);
        }
        assert_eq!(LedgerKind::parse("账本"), None);
        assert_eq!(LedgerKind::parse("stations"), Some(LedgerKind::ServiceStations));
    }
}
