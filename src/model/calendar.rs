//! Working days, for the deadlines the rules count in them (治安调解: first session within 3
//! working days of intake, a second within 7 of the first).
//!
//! China moves working days around public holidays (调休): some weekdays are off and some
//! weekends are worked. The calendar is therefore data, not arithmetic: the store keeps a
//! table of days off and days worked, seeded from the State Council's notices
//! ([`SEED_2025_2026`]) and editable by the station when a new year's notice comes out.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// What the calendar says about one date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// A public holiday (or a day off moved onto a weekday).
    Holiday,
    /// A weekend day that is worked (调休上班).
    Workday,
}

/// The exceptions to "Monday to Friday".
#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    days: HashMap<NaiveDate, DayKind>,
}

impl WorkCalendar {
    /// A calendar with the given exceptions.
    pub fn new(days: impl IntoIterator<Item = (NaiveDate, DayKind)>) -> Self {
        WorkCalendar { days: days.into_iter().collect() }
    }

    /// Whether `d` is a working day.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.days.get(&d) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The `n`th working day after `start` (not counting `start` itself): the last day of a
    /// period of "n working days from `start`".
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut d = start;
        let mut left = n;
        while left > 0 {
            d += Duration::days(1);
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }
}

/// Days off and worked weekends of 2025 and 2026, from the State Council's notices
/// (国务院办公厅关于2025年、2026年部分节假日安排的通知). `(date, is_holiday, name)`.
pub const SEED_2025_2026: &[(&str, bool, &str)] = &[
    ("2025-01-01", true, "元旦"),
    ("2025-01-26", false, "春节调休上班"),
    ("2025-01-28", true, "春节"),
    ("2025-01-29", true, "春节"),
    ("2025-01-30", true, "春节"),
    ("2025-01-31", true, "春节"),
    ("2025-02-01", true, "春节"),
    ("2025-02-02", true, "春节"),
    ("2025-02-03", true, "春节"),
    ("2025-02-04", true, "春节"),
    ("2025-02-08", false, "春节调休上班"),
    ("2025-04-04", true, "清明节"),
    ("2025-04-05", true, "清明节"),
    ("2025-04-06", true, "清明节"),
    ("2025-04-27", false, "劳动节调休上班"),
    ("2025-05-01", true, "劳动节"),
    ("2025-05-02", true, "劳动节"),
    ("2025-05-03", true, "劳动节"),
    ("2025-05-04", true, "劳动节"),
    ("2025-05-05", true, "劳动节"),
    ("2025-05-31", true, "端午节"),
    ("2025-06-01", true, "端午节"),
    ("2025-06-02", true, "端午节"),
    ("2025-09-28", false, "国庆节调休上班"),
    ("2025-10-01", true, "国庆节、中秋节"),
    ("2025-10-02", true, "国庆节、中秋节"),
    ("2025-10-03", true, "国庆节、中秋节"),
    ("2025-10-04", true, "国庆节、中秋节"),
    ("2025-10-05", true, "国庆节、中秋节"),
    ("2025-10-06", true, "国庆节、中秋节"),
    ("2025-10-07", true, "国庆节、中秋节"),
    ("2025-10-08", true, "国庆节、中秋节"),
    ("2025-10-11", false, "国庆节调休上班"),
    ("2026-01-01", true, "元旦"),
    ("2026-01-02", true, "元旦"),
    ("2026-01-03", true, "元旦"),
    ("2026-01-04", false, "元旦调休上班"),
    ("2026-02-14", false, "春节调休上班"),
    ("2026-02-15", true, "春节"),
    ("2026-02-16", true, "春节"),
    ("2026-02-17", true, "春节"),
    ("2026-02-18", true, "春节"),
    ("2026-02-19", true, "春节"),
    ("2026-02-20", true, "春节"),
    ("2026-02-21", true, "春节"),
    ("2026-02-22", true, "春节"),
    ("2026-02-23", true, "春节"),
    ("2026-02-28", false, "春节调休上班"),
    ("2026-04-04", true, "清明节"),
    ("2026-04-05", true, "清明节"),
    ("2026-04-06", true, "清明节"),
    ("2026-05-01", true, "劳动节"),
    ("2026-05-02", true, "劳动节"),
    ("2026-05-03", true, "劳动节"),
    ("2026-05-04", true, "劳动节"),
    ("2026-05-05", true, "劳动节"),
    ("2026-05-09", false, "劳动节调休上班"),
    ("2026-06-19", true, "端午节"),
    ("2026-06-20", true, "端午节"),
    ("2026-06-21", true, "端午节"),
    ("2026-09-20", false, "国庆节调休上班"),
    ("2026-09-25", true, "中秋节"),
    ("2026-09-26", true, "中秋节"),
    ("2026-09-27", true, "中秋节"),
    ("2026-10-01", true, "国庆节"),
    ("2026-10-02", true, "国庆节"),
    ("2026-10-03", true, "国庆节"),
    ("2026-10-04", true, "国庆节"),
    ("2026-10-05", true, "国庆节"),
    ("2026-10-06", true, "国庆节"),
    ("2026-10-07", true, "国庆节"),
    ("2026-10-10", false, "国庆节调休上班"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn seeded() -> WorkCalendar {
        WorkCalendar::new(
            SEED_2025_2026.iter().map(|(s, off, _)| (d(s), if *off { DayKind::Holiday } else { DayKind::Workday })),
        )
    }

    #[test]
    fn working_days_skip_weekends_and_holidays_and_count_worked_weekends() {
        let cal = seeded();
        let cases = [
            // (start, n, expected): a plain week
            ("2026-11-23", 3, "2026-11-26"),
            // Friday + 3 skips the weekend
            ("2026-11-20", 3, "2026-11-25"),
            // over the National Day week: Sep 30 + 3 → Oct 8, 9, 10 (Saturday worked)
            ("2026-09-30", 3, "2026-10-10"),
            // Spring Festival: Feb 13 (Fri) + 1 → Feb 14 (Saturday worked)
            ("2026-02-13", 1, "2026-02-14"),
            // Feb 14 + 1 → Feb 24 (15th–23rd off)
            ("2026-02-14", 1, "2026-02-24"),
            ("2026-11-23", 7, "2026-12-02"),
            ("2026-11-23", 0, "2026-11-23"),
        ];
        for (start, n, want) in cases {
            assert_eq!(cal.add_working_days(d(start), n), d(want), "{start} + {n}");
        }
    }

    #[test]
    fn the_seed_is_sorted_and_has_no_duplicates() {
        let dates: Vec<_> = SEED_2025_2026.iter().map(|(s, _, _)| d(s)).collect();
        assert!(dates.windows(2).all(|w| w[0] < w[1]));
    }
}
