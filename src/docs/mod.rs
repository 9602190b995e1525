//! Documents: the legal PDF agreements and records, the Excel ledgers (台账), the import
//! of household rosters from Excel, and the monthly statistics.
//!
//! Arrows: `docs` reads through `store` (and writes only through the store's aggregate
//! functions, inside [`crate::store::Store::write`]); `api` calls `docs`. Nothing here
//! decides a rule of the work: documents print what the store holds.
//!
//! - [`font`]: the embedded CJK typeface, parsed once per process.
//! - [`pdf`]: the document model and the A4 layout engine.
//! - [`agreement`]: the agreements, the intake form and the follow-up record as PDF.
//! - [`day_plan`]: 今日工作 as an A4 route sheet (every item; more pages on a busy day).
//! - [`xlsx`] and [`ledger`]: the ledgers as Excel workbooks.
//! - [`roster`]: household rosters imported from Excel.
//! - [`stats`] and [`report`]: the monthly figures, as data, PDF and xlsx.

pub mod agreement;
pub mod day_plan;
pub mod font;
pub mod ledger;
pub mod pdf;
pub mod report;
pub mod roster;
pub mod stats;
pub mod xlsx;

use chrono::{Datelike, NaiveDate};

use crate::error::{Error, Result};
use crate::model::time::{from_beijing, stamp};

/// A calendar month, as reports and ledgers are cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    /// e.g. 2026.
    pub year: i32,
    /// 1–12.
    pub month: u32,
}

impl Month {
    /// Reads `YYYY-MM` (or `YYYY年MM月`), naming `field` when it cannot.
    pub fn parse(field: &str, s: &str) -> Result<Month> {
        let t = s.trim().trim_end_matches('月');
        let (y, m) = t.split_once(['-', '/', '年']).unwrap_or((t, ""));
        let bad = || Error::validation(field, format!("月份“{s}”格式不对，应写作 2026-11"));
        let year: i32 = y.trim().parse().map_err(|_| bad())?;
        let month: u32 = m.trim().parse().map_err(|_| bad())?;
        if !(2000..=2100).contains(&year) || !(1..=12).contains(&month) {
            return Err(bad());
        }
        Ok(Month { year, month })
    }

    /// The month containing `d`.
    pub fn of(d: NaiveDate) -> Month {
        Month { year: d.year(), month: d.month() }
    }

    /// Its first day.
    pub fn first(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The first day of the next month.
    pub fn next_first(self) -> NaiveDate {
        let (y, m) = if self.month == 12 { (self.year + 1, 1) } else { (self.year, self.month + 1) };
        NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(NaiveDate::MAX)
    }

    /// Its last day.
    pub fn last(self) -> NaiveDate {
        self.next_first().pred_opt().unwrap_or(NaiveDate::MAX)
    }

    /// `[first, next_first)` as stored date text, for `WHERE d >= ?1 AND d < ?2`.
    pub fn date_bounds(self) -> (String, String) {
        (self.first().format("%Y-%m-%d").to_string(), self.next_first().format("%Y-%m-%d").to_string())
    }

    /// The month's bounds as stored UTC instants, the month being cut in Beijing time.
    pub fn instant_bounds(self) -> (String, String) {
        let at = |d: NaiveDate| stamp(from_beijing(d.and_hms_opt(0, 0, 0).unwrap_or_default()));
        (at(self.first()), at(self.next_first()))
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_read_and_cut_in_beijing_time() {
        let m = Month::parse("month", "2026-11").expect("valid");
        assert_eq!(m, Month { year: 2026, month: 11 });
        assert_eq!(Month::parse("month", "2026年3月").expect("valid").to_string(), "2026-03");
        assert_eq!(m.last().to_string(), "2026-11-30");
        assert_eq!(Month::parse("m", "2026-12").expect("valid").next_first().to_string(), "2027-01-01");
        assert_eq!(m.instant_bounds().0, "2026-10-31T16:00:00Z");
        for bad in ["2026-13", "26-11", "十一月", ""] {
            let e = Month::parse("month", bad).expect_err(bad);
            assert_eq!(e.field(), Some("month"));
        }
    }
}
