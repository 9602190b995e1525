//! The working-day calendar (工作日历, [`crate::store::calendar`]):
//! - `calendar.year` (anyone): a year's 放假 and 调休 days as this node holds them, and
//!   whether it may change them;
//! - `calendar.save` (the station admin, at a post not enrolled with HQ): sets a year;
//! - `calendar.notice` (anyone): 首页's warning when this year (or next, in December) or
//!   an open 治安调解 deadline runs into a year without a calendar;
//! - `hq.calendar` (every county role: the calendar is public) and `hq.calendar_save`
//!   (the county admin, audited): the same at HQ, whence it syncs to every post.

use chrono::Datelike;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Api, Method, method};
use crate::error::{Error, Result};
use crate::model::calendar::{CalendarDay, parse_notice, unentered_notice};
use crate::store::calendar::{self, YearCalendar};
use crate::store::dispute::session_due_unentered;

/// `calendar.year` and `hq.calendar`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct CalendarYearRequest {
    /// 年份 (default this year).
    pub year: Option<i32>,
}

/// `calendar.save` and `hq.calendar_save`: a year's days, listed or as the notice's words.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct CalendarSave {
    /// 年份.
    #[schemars(title = "年份")]
    pub year: i32,
    /// The year's 放假 and 调休上班 days (what is not named is deleted).
    pub days: Option<Vec<CalendarDay>>,
    /// Or the State Council notice's lines, one holiday a line
    /// ([`crate::model::calendar::parse_notice`]).
    pub text: Option<String>,
}

/// `calendar.notice`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CalendarNotice {
    /// Years deadlines run into now whose calendar was not entered.
    pub years: Vec<i32>,
    /// “2027 年节假日安排尚未录入，期限按周一至周五计算”, or none.
    pub notice: Option<String>,
}

/// No parameters.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoCalendarParams {}

/// The arguments of `fengqiao calendar` and `fengqiao-hq calendar`: a year to show, or to
/// set from the notice's lines.
#[derive(Debug, Clone, clap::Args)]
pub struct CalendarArgs {
    /// 年份（默认今年）
    pub year: Option<i32>,
    /// 录入：通知原文所在的文本文件（UTF-8，每个节日一行，# 开头的行是注释；- 为标准输入）；该年原有的日期被替换
    #[arg(long, requires = "year")]
    pub file: Option<std::path::PathBuf>,
    /// 录入：通知原文的一行（可多次给出），代替 --file
    #[arg(long = "line", requires = "year", conflicts_with = "file")]
    pub lines: Vec<String>,
}

impl CalendarArgs {
    /// The notice's lines given, from the file or one by one; `None`: show the year.
    pub fn text(&self) -> Result<Option<String>> {
        calendar::notice_text(self.file.as_deref(), &self.lines)
    }
}

impl Api {
    /// `calendar.year`: the year as held here.
    pub fn calendar_year(&mut self, req: CalendarYearRequest) -> Result<YearCalendar> {
        let year = req.year.unwrap_or_else(|| self.today().year());
        calendar::year(self.store.conn(), year)
    }

    /// `calendar.save`: sets a year (refused at an enrolled post).
    pub fn calendar_save(&mut self, req: CalendarSave) -> Result<YearCalendar> {
        let days = match (req.days, req.text) {
            (Some(days), None) => days,
            (None, Some(text)) => parse_notice(req.year, &text)?,
            _ => return Err(Error::validation("days", "请给出该年的放假、调休日期，或通知原文（二者选一）")),
        };
        self.store.write(|tx| calendar::save_year(tx, req.year, &days))?;
        calendar::year(self.store.conn(), req.year)
    }

    /// `calendar.notice`: what 首页 warns of.
    pub fn calendar_notice(&mut self) -> Result<CalendarNotice> {
        let mut years = calendar::unentered_near(self.store.conn(), self.today())?;
        years.extend(session_due_unentered(self.store.conn())?);
        years.sort_unstable();
        years.dedup();
        Ok(CalendarNotice { notice: unentered_notice(&years), years })
    }
}

pub(super) fn methods() -> Vec<Method> {
    vec![
        method!(
            "calendar.year",
            "工作日历：某年的放假和调休上班日",
            CalendarYearRequest,
            Anyone,
            Unaudited,
            |api, p| api.calendar_year(p)
        ),
        method!(
            "calendar.save",
            "工作日历：录入某年的放假和调休上班日（已在县局登记的警务室由县局统一录入）",
            CalendarSave,
            Admin,
            Update(WithWrite),
            |api, p| api.calendar_save(p)
        ),
        method!(
            "calendar.notice",
            "工作日历：期限涉及的年份尚未录入节假日安排时的提示",
            NoCalendarParams,
            Anyone,
            Unaudited,
            |api, _| api.calendar_notice()
        ),
        method!(
            "hq.calendar",
            "县局：工作日历（某年的放假和调休上班日）",
            CalendarYearRequest,
            County(Figures),
            Unaudited,
            |api, p| api.calendar_year(p)
        ),
        method!(
            "hq.calendar_save",
            "县局：录入某年的放假和调休上班日（随同步下发各警务室）",
            CalendarSave,
            County(Admin),
            Update(WithWrite),
            |api, p| api.calendar_save(p)
        ),
    ]
}
