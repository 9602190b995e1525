//! The working-day calendar as kept: the `holiday` table, one row a date (a day off, or a
//! weekend day worked), reference data every node holds alike.
//!
//! The county keeps it: HQ's county admin enters a year from the State Council's notice
//! ([`save_year`]) and every post receives the rows with its next sync, like the warning
//! rules. A post not enrolled with HQ (working alone) keeps its own; an enrolled post
//! refuses to change it, so a post's calendar never differs from the county's. A row's id
//! comes from its date ([`day_id`]), the same on every node as the seeds', so an edit of a
//! date at HQ and one made before enrollment at a post are one row, the later winning.

use chrono::{Datelike, NaiveDate};
use rusqlite::{Connection, OptionalExtension};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::model::calendar::{CalendarDay, DayKind, unentered_notice, validate_year, weekday_zh};
use crate::store::Tx;
use crate::store::place::work_calendar;
use crate::store::write::{s, v};

/// A year's calendar as this node holds it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct YearCalendar {
    /// 年份.
    pub year: i32,
    /// Whether the year's 放假 and 调休 days were entered (else deadlines in it count
    /// Monday to Friday and are flagged).
    pub entered: bool,
    /// Its days, in date order.
    pub days: Vec<CalendarDay>,
    /// Every year entered, in order.
    pub years: Vec<i32>,
    /// Whether this node may change it: HQ, or a post not enrolled with HQ. An enrolled
    /// post receives the county's calendar by sync.
    pub editable: bool,
    /// “2027 年节假日安排尚未录入，期限按周一至周五计算” when not entered.
    pub notice: Option<String>,
}

/// The id of the row of `day`, alike on every node (the seeds' ids too).
pub fn day_id(day: &str) -> String {
    Uuid::new_v5(&crate::store::seed::NAMESPACE, format!("holiday/{day}").as_bytes()).to_string()
}

/// Whether this node is a post enrolled with HQ (it then takes the county's calendar).
pub fn kept_by_county(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM peer WHERE role = 'hq' LIMIT 1")?
        .query_row([], |_| Ok(()))
        .optional()?
        .is_some())
}

/// The years with a calendar entered, in order.
pub fn years(conn: &Connection) -> Result<Vec<i32>> {
    let years = conn
        .prepare_cached(
            "SELECT DISTINCT CAST(substr(day, 1, 4) AS INTEGER) FROM holiday WHERE deleted_at IS NULL ORDER BY 1",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i32>>>()?;
    Ok(years)
}

/// The year `year` as held here.
pub fn year(conn: &Connection, year: i32) -> Result<YearCalendar> {
    let days = conn
        .prepare_cached(
            "SELECT day, is_holiday, coalesce(name, '') AS name FROM holiday
             WHERE deleted_at IS NULL AND day >= ?1 AND day <= ?2 ORDER BY day",
        )?
        .query_map([format!("{year:04}-01-01"), format!("{year:04}-12-31")], |r| {
            Ok(CalendarDay {
                day: r.get("day")?,
                kind: if r.get::<_, bool>("is_holiday")? { DayKind::Holiday } else { DayKind::Workday },
                name: r.get("name")?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let entered = !days.is_empty();
    Ok(YearCalendar {
        year,
        entered,
        days,
        years: years(conn)?,
        editable: !kept_by_county(conn)?,
        notice: if entered { None } else { unentered_notice(&[year]) },
    })
}

/// Sets the year's calendar to `days` (checked by [`validate_year`]): dates named are
/// written, dates of the year no longer named are deleted. Refused at an enrolled post.
/// Returns how many rows changed.
pub fn save_year(tx: &mut Tx<'_>, year: i32, days: &[CalendarDay]) -> Result<usize> {
    if kept_by_county(tx.conn())? {
        return Err(Error::rule(
            "本警务室已在县局登记，工作日历由县局统一录入，随同步下发，警务室不能修改；如有错漏请联系县局",
        ));
    }
    let days = validate_year(year, days)?;
    let held: Vec<(String, String, Option<String>)> = tx
        .conn()
        .prepare_cached("SELECT id, day, deleted_at FROM holiday WHERE day >= ?1 AND day <= ?2")?
        .query_map([format!("{year:04}-01-01"), format!("{year:04}-12-31")], |r| {
            Ok((r.get("id")?, r.get("day")?, r.get("deleted_at")?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut changed = 0;
    for (d, kind, name) in &days {
        let day = d.to_string();
        let cols = [("day", s(&day)), ("is_holiday", v(*kind == DayKind::Holiday)), ("name", s(name))];
        match held.iter().find(|(_, hd, _)| *hd == day) {
            Some((id, _, deleted)) => {
                changed += tx.update("holiday", id, &cols)?;
                if deleted.is_some() {
                    tx.undelete("holiday", id)?;
                    changed += 1;
                }
            }
            None => {
                tx.insert("holiday", &day_id(&day), &cols)?;
                changed += 1;
            }
        }
    }
    for (id, day, deleted) in &held {
        let named = days.iter().any(|(d, _, _)| d.to_string() == *day);
        if !named && deleted.is_none() {
            tx.delete("holiday", id)?;
            changed += 1;
        }
    }
    Ok(changed)
}

/// The years without a calendar that deadlines counted from `today` may run into: this
/// year, and the next once December has come (a deadline of days may cross into it).
pub fn unentered_near(conn: &Connection, today: NaiveDate) -> Result<Vec<i32>> {
    let cal = work_calendar(conn)?;
    let mut years = vec![today.year()];
    if today.month() == 12 {
        years.push(today.year() + 1);
    }
    Ok(years.into_iter().filter(|y| !cal.has_year(*y)).collect())
}

impl YearCalendar {
    /// The year as the command-line tools print it: a heading, then one date a line
    /// (“2027-02-06  星期六  放假  春节”).
    pub fn lines(&self) -> Vec<String> {
        let entered: Vec<String> = self.years.iter().map(i32::to_string).collect();
        let mut out = vec![format!(
            "{} 年工作日历（已录入：{}）",
            self.year,
            if entered.is_empty() { "无".to_owned() } else { format!("{} 年", entered.join("、")) }
        )];
        if let Some(n) = &self.notice {
            out.push(n.clone());
        }
        for d in &self.days {
            let weekday = crate::model::time::parse_date(&d.day).map(weekday_zh).unwrap_or_default();
            out.push(format!("{}  {weekday}  {}  {}", d.day, d.kind.label(), d.name));
        }
        out
    }
}

/// The notice's lines as the command-line tools take them: from a text file (`-`: standard
/// input), or given one by one; `None` for neither (the year is shown, not set).
pub fn notice_text(file: Option<&std::path::Path>, lines: &[String]) -> Result<Option<String>> {
    match file {
        Some(path) => read_notice(path).map(Some),
        None if lines.is_empty() => Ok(None),
        None => Ok(Some(lines.join("\n"))),
    }
}

fn read_notice(path: &std::path::Path) -> Result<String> {
    let bytes = if path.as_os_str() == "-" {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut b)?;
        b
    } else {
        std::fs::read(path).map_err(|e| Error::validation("file", format!("无法读取“{}”：{e}", path.display())))?
    };
    String::from_utf8(bytes).map_err(|_| {
        Error::validation("file", format!("“{}”不是 UTF-8 编码的文本：请用记事本另存为 UTF-8 后再录入", path.display()))
    })
}
