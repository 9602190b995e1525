//! Working days, for the deadlines the rules count in them (治安调解: first session within 3
//! working days of intake, a second within 7 of the first).
//!
//! China moves working days around public holidays (调休): some weekdays are off and some
//! weekends are worked. The calendar is therefore data, not arithmetic: the store keeps a
//! table of days off and days worked, seeded from the State Council's notices
//! ([`SEED_2025_2026`]) and editable by the station when a new year's notice comes out.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
pub use crate::model::enums::DayKind;

/// The exceptions to "Monday to Friday", and the years they were entered for.
#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    days: HashMap<NaiveDate, DayKind>,
    years: BTreeSet<i32>,
}

impl WorkCalendar {
    /// A calendar with the given exceptions; a year with any of them counts as entered.
    pub fn new(days: impl IntoIterator<Item = (NaiveDate, DayKind)>) -> Self {
        let days: HashMap<NaiveDate, DayKind> = days.into_iter().collect();
        let years = days.keys().map(|d| d.year()).collect();
        WorkCalendar { days, years }
    }

    /// Whether `d` is a working day.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.days.get(&d) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !is_weekend(d),
        }
    }

    /// Whether the year's 放假 and 调休 days were entered.
    pub fn has_year(&self, year: i32) -> bool {
        self.years.contains(&year)
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

    /// [`WorkCalendar::add_working_days`], with the years it counted through (after `start`,
    /// up to the deadline) whose calendar was not entered: there it counted Monday to
    /// Friday, and the deadline may be wrong.
    pub fn deadline(&self, start: NaiveDate, n: u32) -> Deadline {
        let on = self.add_working_days(start, n);
        let first = if n == 0 { on.year() } else { (start + Duration::days(1)).year() };
        let unentered = (first..=on.year()).filter(|y| !self.has_year(*y)).collect();
        Deadline { on, unentered }
    }
}

/// A deadline counted in working days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    /// Its last day.
    pub on: NaiveDate,
    /// The years counted through whose calendar was not entered (counted Monday to Friday).
    pub unentered: Vec<i32>,
}

impl Deadline {
    /// What to tell the user when it was counted through a year without a calendar:
    /// “2027 年节假日安排尚未录入，期限按周一至周五计算”.
    pub fn notice(&self) -> Option<String> {
        unentered_notice(&self.unentered)
    }
}

/// “2027 年节假日安排尚未录入，期限按周一至周五计算” for the years given; `None` for none.
pub fn unentered_notice(years: &[i32]) -> Option<String> {
    if years.is_empty() {
        return None;
    }
    let years: Vec<String> = years.iter().map(i32::to_string).collect();
    Some(format!("{} 年节假日安排尚未录入，期限按周一至周五计算", years.join("、")))
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// One day of a year's calendar: a day off (放假) or a weekend day worked (调休上班).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct CalendarDay {
    /// 日期 (YYYY-MM-DD).
    #[schemars(title = "日期")]
    pub day: String,
    /// 放假 or 上班.
    #[schemars(title = "放假/上班")]
    pub kind: DayKind,
    /// 节日名称, e.g. 春节.
    #[schemars(title = "节日")]
    pub name: String,
}

/// The years a calendar may be entered for.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// Checks a year's calendar as entered and returns its days in date order: every date in
/// the year, none twice, every 调休 working day a Saturday or Sunday, each with a holiday's
/// name, and at least one day off (every notice has some).
pub fn validate_year(year: i32, days: &[CalendarDay]) -> Result<Vec<(NaiveDate, DayKind, String)>> {
    if !YEARS.contains(&year) {
        return Err(Error::validation(
            "year",
            format!("年份 {year} 不对：应在 {} 至 {} 年之间", YEARS.start(), YEARS.end()),
        ));
    }
    let mut out: Vec<(NaiveDate, DayKind, String)> = Vec::with_capacity(days.len());
    let mut seen: HashMap<NaiveDate, usize> = HashMap::new();
    for (i, day) in days.iter().enumerate() {
        let field = format!("days[{i}]");
        let d = crate::model::time::parse_date(&day.day)
            .ok_or_else(|| Error::validation(&field, format!("“{}”不是日期：应写作 {year}-02-06 这样", day.day)))?;
        if d.year() != year {
            return Err(Error::validation(&field, format!("{d} 不在 {year} 年内：每年的日历只录入该年的日期")));
        }
        let name = day.name.trim();
        if name.is_empty() {
            return Err(Error::validation(&field, format!("{d} 没有写节日名称（如“春节”）")));
        }
        if name.chars().count() > 20 {
            return Err(Error::validation(&field, format!("{d} 的节日名称“{name}”太长：至多 20 个字")));
        }
        if let Some(j) = seen.insert(d, i) {
            let (_, kind, first) = &out[j];
            return Err(Error::validation(
                &field,
                format!("{d} 录入了两次（{first}{}、{name}{}）：同一天只能录入一次", kind.label(), day.kind.label()),
            ));
        }
        if day.kind == DayKind::Workday && !is_weekend(d) {
            return Err(Error::validation(
                &field,
                format!("{d} 是{}，本来就上班：调休上班日应是星期六或星期日", weekday_zh(d)),
            ));
        }
        out.push((d, day.kind, name.to_owned()));
    }
    if !out.iter().any(|(_, k, _)| *k == DayKind::Holiday) {
        return Err(Error::validation(
            "days",
            format!("{year} 年的日历没有放假日：请按国务院办公厅关于 {year} 年部分节假日安排的通知录入"),
        ));
    }
    out.sort_by_key(|(d, _, _)| *d);
    Ok(out)
}

/// 星期一 … 星期日.
pub fn weekday_zh(d: NaiveDate) -> &'static str {
    ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"][d.weekday().num_days_from_monday() as usize]
}

/// Reads a year's calendar from the words of the State Council's notice, one holiday a
/// line, as the notice prints it (numbering and the weekdays in brackets may stay):
///
/// ```text
/// 一、元旦：1月1日（周五）至3日（周日）放假，共3天。
/// 二、春节：2月6日（周六）至14日（周日）放假调休，共9天。2月20日（周六）上班。
/// ```
///
/// A sentence with 放假 gives days off (a range 至 takes every day in it); one with 上班
/// gives worked weekend days. A date may be `2月6日`, `6日` (the month of the date before
/// it), `2027年2月6日` or `2027-02-06`. Lines starting with `#` are notes. The result is
/// checked with [`validate_year`].
pub fn parse_notice(year: i32, text: &str) -> Result<Vec<CalendarDay>> {
    let mut days = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = |m: String| Error::validation("text", format!("第 {} 行“{line}”：{m}", n + 1));
        let line_body = strip_numbering(line);
        let Some((name, rest)) = line_body.split_once(['：', ':']) else {
            return Err(at("应以节日名称和冒号开头，如“春节：2月6日至14日放假调休，共9天。2月20日上班。”".into()));
        };
        let name = name.trim();
        if name.is_empty() {
            return Err(at("冒号前没有节日名称".into()));
        }
        let rest = strip_brackets(rest);
        let mut any = false;
        for sentence in rest.split(['。', '；', ';']) {
            let dates = dates_in(year, sentence).map_err(&at)?;
            if dates.is_empty() {
                continue;
            }
            let kind = match (sentence.contains("放假"), sentence.contains("上班")) {
                (true, false) => DayKind::Holiday,
                (false, true) => DayKind::Workday,
                _ => return Err(at(format!("“{}”应写明是“放假”还是“上班”（分句写）", sentence.trim()))),
            };
            for d in dates {
                days.push(CalendarDay { day: d.to_string(), kind, name: name.to_owned() });
            }
            any = true;
        }
        if !any {
            return Err(at("没有读到日期".into()));
        }
    }
    validate_year(year, &days)?;
    Ok(days)
}

/// The line without a leading “一、” or “1.”.
fn strip_numbering(line: &str) -> &str {
    let body = line.trim_start_matches(|c: char| "一二三四五六七八九十".contains(c) || c.is_ascii_digit());
    match body.strip_prefix(['、', '.', '．']) {
        Some(b) if body.len() < line.len() => b.trim_start(),
        _ => line,
    }
}

/// The text without what is in brackets (the notice's weekdays and lunar dates).
fn strip_brackets(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0u32;
    for c in s.chars() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The dates of one sentence, ranges (至, ~) spread into their days.
fn dates_in(year: i32, sentence: &str) -> std::result::Result<Vec<NaiveDate>, String> {
    let chars: Vec<char> = sentence.chars().collect();
    let mut out = Vec::new();
    let (mut y, mut m) = (year, None::<u32>);
    // The last date read, and whether a 至 follows it.
    let mut last: Option<NaiveDate> = None;
    let mut range = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if !c.is_ascii_digit() {
            if matches!(c, '至' | '~' | '～' | '—') {
                if last.is_none() {
                    return Err("“至”前面缺少开始日期".into());
                }
                range = true;
            }
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '-') {
            i += 1;
        }
        let word: String = chars[start..i].iter().collect();
        let d = if word.contains('-') {
            NaiveDate::parse_from_str(&word, "%Y-%m-%d").map_err(|_| format!("“{word}”不是日期"))?
        } else {
            let v: u32 = word.parse().map_err(|_| format!("“{word}”不是日期"))?;
            match chars.get(i) {
                Some('年') => {
                    y = i32::try_from(v).map_err(|_| format!("“{word}年”不对"))?;
                    i += 1;
                    continue;
                }
                Some('月') => {
                    m = Some(v);
                    i += 1;
                    continue;
                }
                Some('日' | '号') => {
                    i += 1;
                    let mm = m.ok_or_else(|| format!("“{v}日”前面没有月份"))?;
                    NaiveDate::from_ymd_opt(y, mm, v).ok_or_else(|| format!("没有 {y} 年 {mm} 月 {v} 日"))?
                }
                // A count (“共9天”), not a date.
                _ => continue,
            }
        };
        (y, m) = (d.year(), Some(d.month()));
        match (range, last) {
            (true, Some(from)) => {
                if d < from {
                    return Err(format!("{from} 至 {d}：结束日期早于开始日期"));
                }
                out.extend(from.iter_days().skip(1).take_while(|x| *x <= d));
                range = false;
            }
            _ => out.push(d),
        }
        last = Some(d);
    }
    if range {
        return Err("“至”后面缺少结束日期".into());
    }
    Ok(out)
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
    /// The State Council's notice for 2026, as printed.
    const NOTICE_2026: &str = "国务院办公厅关于2026年部分节假日安排的通知
一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
";

    #[test]
    fn the_notice_as_printed_reads_as_the_seeded_year() {
        // The title line has no colon: a note line must start with #.
        let e = parse_notice(2026, NOTICE_2026).unwrap_err();
        assert!(e.to_string().contains("第 1 行"), "{e}");
        let body = NOTICE_2026.replacen("国务院", "# 国务院", 1);
        let mut got: Vec<(String, DayKind)> =
            parse_notice(2026, &body).unwrap().into_iter().map(|d| (d.day, d.kind)).collect();
        got.sort();
        let want: Vec<(String, DayKind)> = SEED_2025_2026
            .iter()
            .filter(|(s, _, _)| s.starts_with("2026"))
            .map(|(s, off, _)| (s.to_string(), if *off { DayKind::Holiday } else { DayKind::Workday }))
            .collect();
        assert_eq!(got, want);
        let spring = parse_notice(2026, "春节：2026-02-15至2026-02-23放假；2026-02-14、2026-02-28上班").unwrap();
        assert_eq!(spring.len(), 11);
        assert!(spring.iter().all(|d| d.name == "春节"));
    }

    #[test]
    fn a_wrong_calendar_is_refused_in_chinese() {
        let day = |s: &str, kind, name: &str| CalendarDay { day: s.into(), kind, name: name.into() };
        let cases = [
            (vec![day("2028-01-01", DayKind::Holiday, "元旦")], "2028-01-01 不在 2027 年内"),
            (
                vec![day("2027-02-06", DayKind::Holiday, "春节"), day("2027-02-06", DayKind::Workday, "春节")],
                "2027-02-06 录入了两次",
            ),
            (vec![day("2027-02-05", DayKind::Workday, "春节")], "2027-02-05 是星期五，本来就上班"),
            (vec![day("2027-02-20", DayKind::Workday, "春节")], "2027 年的日历没有放假日"),
            (vec![day("2027-02-30", DayKind::Holiday, "春节")], "“2027-02-30”不是日期"),
            (vec![day("2027-02-06", DayKind::Holiday, " ")], "没有写节日名称"),
        ];
        for (days, want) in cases {
            let e = validate_year(2027, &days).unwrap_err();
            assert!(e.to_string().contains(want), "{e} / {want}");
        }
        let e = parse_notice(2027, "春节：2月6日至14日放假。2月5日上班。").unwrap_err();
        assert!(e.to_string().contains("星期五"), "{e}");
        let e = parse_notice(2027, "春节：2月6日至放假").unwrap_err();
        assert!(e.to_string().contains("缺少结束日期"), "{e}");
        let e = parse_notice(2027, "春节 2月6日放假").unwrap_err();
        assert!(e.to_string().contains("冒号"), "{e}");
        assert!(validate_year(1899, &[]).unwrap_err().to_string().contains("年份"));
    }

    #[test]
    fn a_deadline_across_the_new_year_is_flagged_until_the_year_is_entered() {
        let cal = seeded();
        // Wed 2026-12-30 + 3: Dec 31, Jan 1 (no 2027 calendar: a Friday, counted), Jan 4.
        let dl = cal.deadline(d("2026-12-30"), 3);
        assert_eq!(dl.on, d("2027-01-04"));
        assert_eq!(dl.unentered, [2027]);
        assert_eq!(dl.notice().unwrap(), "2027 年节假日安排尚未录入，期限按周一至周五计算");
        // Within 2026 nothing is flagged.
        assert_eq!(cal.deadline(d("2026-12-24"), 3).unentered, Vec::<i32>::new());
        // Once 2027 is entered, Jan 1 is off and the deadline moves to Jan 5.
        let days = parse_notice(2027, "元旦：1月1日至3日放假").unwrap();
        let with_2027 = WorkCalendar::new(
            SEED_2025_2026
                .iter()
                .map(|(s, off, _)| (d(s), if *off { DayKind::Holiday } else { DayKind::Workday }))
                .chain(days.iter().map(|x| (d(&x.day), x.kind))),
        );
        let dl = with_2027.deadline(d("2026-12-30"), 3);
        assert_eq!((dl.on, dl.unentered.is_empty()), (d("2027-01-05"), true));
    }

    #[test]
    fn a_deadline_over_the_spring_festival_counts_the_worked_saturdays() {
        let cal = seeded();
        // Thu 2026-02-12 + 7: 13th, Sat 14th (worked), 24th–27th, Sat 28th (worked).
        let dl = cal.deadline(d("2026-02-12"), 7);
        assert_eq!((dl.on, dl.unentered), (d("2026-02-28"), vec![]));
        // Without the calendar the same count ends on Monday 23rd, a day off.
        let plain = WorkCalendar::default().deadline(d("2026-02-12"), 7);
        assert_eq!((plain.on, plain.unentered), (d("2026-02-23"), vec![2026]));
    }
}
