//! Time as the core sees it: a [`Clock`] passed in (so tests choose the time), instants
//! stored in UTC as RFC 3339, calendar dates as `YYYY-MM-DD`, and display in Beijing time.
//!
//! China has kept UTC+8 without daylight saving since 1991, so a fixed offset renders
//! Asia/Shanghai exactly for every date this software records, without a zone database.

use std::sync::Mutex;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};

/// Where the core gets "now" from.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;

    /// Today's date in Beijing time.
    fn today(&self) -> NaiveDate {
        self.now().with_timezone(&beijing()).date_naive()
    }
}

/// The machine's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until told otherwise (tests, demo data).
#[derive(Debug)]
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    /// A clock showing `at`.
    pub fn new(at: DateTime<Utc>) -> Self {
        FixedClock(Mutex::new(at))
    }

    /// A clock showing 09:00 Beijing time on `date`.
    pub fn at_date(date: NaiveDate) -> Self {
        let local = date.and_hms_opt(9, 0, 0).expect("09:00 exists on every date");
        FixedClock::new(from_beijing(local))
    }

    /// Moves the clock to `at`.
    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = at;
    }

    /// Moves the clock on by `d`.
    pub fn advance(&self, d: chrono::Duration) {
        let mut t = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *t += d;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// UTC+8.
pub fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// A Beijing wall-clock time as a UTC instant.
pub fn from_beijing(local: NaiveDateTime) -> DateTime<Utc> {
    beijing()
        .from_local_datetime(&local)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&local))
}

/// The stored form of an instant: RFC 3339 in UTC, to the second.
pub fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// An instant shown in Beijing time, `YYYY-MM-DD HH:MM`.
pub fn show(t: DateTime<Utc>) -> String {
    t.with_timezone(&beijing()).format("%Y-%m-%d %H:%M").to_string()
}

/// Reads a date the user typed: `2026-11-23`, `2026/11/23` or `2026年11月23日`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y%m%d"].iter().find_map(|f| NaiveDate::parse_from_str(s, f).ok())
}

/// Reads an instant: RFC 3339 with an offset, or a Beijing wall-clock time
/// (`2026-11-23 14:30`, `2026-11-23T14:30:00`), or a bare date (taken as 00:00 Beijing).
pub fn parse_instant(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for f in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"] {
        if let Ok(local) = NaiveDateTime::parse_from_str(s, f) {
            return Some(from_beijing(local));
        }
    }
    parse_date(s).and_then(|d| d.and_hms_opt(0, 0, 0)).map(from_beijing)
}

/// A stored instant (RFC 3339, UTC) as the officer reads it, in Beijing time
/// (`2026-11-23 14:30`); text that does not read as an instant is shown as it is.
pub fn show_stored(instant: &str) -> String {
    parse_instant(instant).map_or_else(|| instant.to_owned(), show)
}

/// Whole years between `birth` and `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    use chrono::Datelike;
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beijing_wall_time_is_stored_in_utc() {
        let t = parse_instant("2026-11-23 08:30").unwrap();
        assert_eq!(stamp(t), "2026-11-23T00:30:00Z");
        assert_eq!(show(t), "2026-11-23 08:30");
        let t = parse_instant("2026-11-23T00:30:00Z").unwrap();
        assert_eq!(show(t), "2026-11-23 08:30");
    }

    #[test]
    fn today_follows_beijing_not_utc() {
        // 17:00 UTC on the 23rd is already the 24th in Beijing.
        let clock = FixedClock::new(parse_instant("2026-11-23T17:00:00Z").unwrap());
        assert_eq!(clock.today(), NaiveDate::from_ymd_opt(2026, 11, 24).unwrap());
    }

    #[test]
    fn dates_read_in_the_forms_officers_type() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        for s in ["2026-03-05", "2026/3/5", "2026年3月5日", "20260305"] {
            assert_eq!(parse_date(s), Some(d), "{s}");
        }
        assert_eq!(parse_date("2026-02-30"), None);
    }

    #[test]
    fn age_counts_whole_years() {
        let birth = NaiveDate::from_ymd_opt(2010, 6, 1).unwrap();
        assert_eq!(age_on(birth, NaiveDate::from_ymd_opt(2026, 5, 31).unwrap()), 15);
        assert_eq!(age_on(birth, NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()), 16);
    }
}
