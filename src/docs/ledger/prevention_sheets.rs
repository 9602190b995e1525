//! The two prevention sheets made from records rather than a ledger query: 五无 villages
//! for a year (one row per village: the counts the data holds, what they say, what the
//! officer confirmed) and outreach totals per village. Both read through the store's
//! queries ([`five_nones`], [`outreach_totals`]); each column is declared once.

use chrono::{Datelike, NaiveDate};
use rusqlite::Connection;

use crate::docs::Month;
use crate::docs::xlsx::{Cell, Kind, Sheet};
use crate::error::Result;
use crate::model::prevention::FiveNones;
use crate::model::sheet::{Field, field, sheet_of};
use crate::model::time::parse_date;
use crate::store::place::officer_name;
use crate::store::prevention::{FiveNonesYear, OutreachTotal, five_nones, outreach_totals};

fn yes_no(b: Option<bool>) -> Cell {
    Cell::from(match b {
        Some(true) => "是",
        Some(false) => "否",
        None => "",
    })
}

/// A village's 五无 year as the ledger shows it: the officer's name for their id.
struct FiveNonesRow {
    f: FiveNonesYear,
    confirmed: FiveNones,
    by: Option<String>,
}

impl FiveNonesRow {
    /// 是 when all five are confirmed, 否 when one is denied, else 待确认.
    fn verdict(&self) -> &'static str {
        let c = self.confirmed;
        let all = [c.no_cases, c.no_fraud, c.no_drugs, c.no_petitions, c.no_cults];
        if all.iter().all(|b| *b == Some(true)) {
            "是"
        } else if all.contains(&Some(false)) {
            "否"
        } else {
            "待确认"
        }
    }
}

const FIVE_NONES: &[Field<FiveNonesRow>] = &[
    field("村（社区）", 14.0, Kind::Text, |r| Cell::from(r.f.village_name.clone())),
    field("年度", 7.0, Kind::Int, |r| Cell::Int(i64::from(r.f.year))),
    field("立案数", 8.0, Kind::Int, |r| Cell::Int(r.f.cases)),
    field("诈骗警情数", 10.0, Kind::Int, |r| Cell::Int(r.f.fraud)),
    field("涉毒警情数", 10.0, Kind::Int, |r| Cell::Int(r.f.drugs)),
    field("无案（数据）", 10.0, Kind::Text, |r| yes_no(r.f.derived.no_cases)),
    field("无案（确认）", 10.0, Kind::Text, |r| yes_no(r.confirmed.no_cases)),
    field("无诈（数据）", 10.0, Kind::Text, |r| yes_no(r.f.derived.no_fraud)),
    field("无诈（确认）", 10.0, Kind::Text, |r| yes_no(r.confirmed.no_fraud)),
    field("无毒（数据）", 10.0, Kind::Text, |r| yes_no(r.f.derived.no_drugs)),
    field("无毒（确认）", 10.0, Kind::Text, |r| yes_no(r.confirmed.no_drugs)),
    field("无访（确认）", 10.0, Kind::Text, |r| yes_no(r.confirmed.no_petitions)),
    field("无邪（确认）", 10.0, Kind::Text, |r| yes_no(r.confirmed.no_cults)),
    field("五无村（社区）", 12.0, Kind::Text, |r| Cell::from(r.verdict())),
    field("确认民警", 10.0, Kind::Text, |r| Cell::from(r.by.clone())),
    field("确认日期", 12.0, Kind::Date, |r| Cell::from(r.f.confirmed_on.as_deref().and_then(parse_date))),
    field("备注", 20.0, Kind::Text, |r| Cell::from(r.f.notes.clone())),
];

/// The 五无 sheet for `year`. 无访 and 无邪 are not in the data, so only the officer's word
/// shows.
pub(super) fn five_nones_sheet(conn: &Connection, year: i32) -> Result<Sheet> {
    let unconfirmed = FiveNones { no_cases: None, no_fraud: None, no_drugs: None, no_petitions: None, no_cults: None };
    let mut rows = vec![];
    for f in five_nones(conn, year)? {
        let by = match &f.confirmed_by {
            Some(id) => officer_name(conn, id)?.or(Some(id.clone())),
            None => None,
        };
        rows.push(FiveNonesRow { confirmed: f.confirmed.unwrap_or(unconfirmed), by, f });
    }
    Ok(sheet_of(format!("五无村（社区）创建台账（{year}年）"), FIVE_NONES, &rows))
}

/// The year a 五无 ledger is for: `year`, else the month's year, else this year.
pub(super) fn five_nones_year(year: Option<i32>, month: Option<Month>, today: NaiveDate) -> i32 {
    year.or(month.map(|m| m.year)).unwrap_or(today.year())
}

const BY_VILLAGE: &[Field<OutreachTotal>] = &[
    field("村（社区）", 16.0, Kind::Text, |t| {
        Cell::from(t.village_name.clone().unwrap_or_else(|| "全所（不分村）".into()))
    }),
    field("场次", 8.0, Kind::Int, |t| Cell::Int(t.sessions)),
    field("受众人数", 10.0, Kind::Int, |t| Cell::Int(t.audience)),
    field("发放资料（份）", 12.0, Kind::Int, |t| Cell::Int(t.leaflets)),
    field("国家反诈中心APP注册数", 14.0, Kind::Int, |t| Cell::Int(t.app_registrations)),
];

/// Outreach totals per village in `month` (all time when `None`), with a 合计 row.
pub(super) fn outreach_by_village(conn: &Connection, month: Option<Month>) -> Result<Sheet> {
    let (from, to) = match month {
        Some(m) => (m.first(), m.next_first()),
        // Dates as stored text compare as strings: bounds of four-digit years.
        None => (
            NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or_default(),
            NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or_default(),
        ),
    };
    let mut totals = outreach_totals(conn, from, to)?;
    if !totals.is_empty() {
        let sum = |f: fn(&OutreachTotal) -> i64| totals.iter().map(f).sum::<i64>();
        let all = OutreachTotal {
            village_id: None,
            village_name: Some("合计".into()),
            sessions: sum(|t| t.sessions),
            audience: sum(|t| t.audience),
            leaflets: sum(|t| t.leaflets),
            app_registrations: sum(|t| t.app_registrations),
        };
        totals.push(all);
    }
    Ok(sheet_of("分村合计".into(), BY_VILLAGE, &totals))
}
