//! The 结对帮扶 ledgers: the plans and the needs, as sheets.

use chrono::NaiveDate;

use crate::model::care::{days_late, next_due};
use crate::model::sheet::{Cell, Kind};
use crate::model::time::parse_date;
use crate::model::{CareNeedKind, CareNeedStatus, KnownTag};
use crate::store::ledger::{Ledger, Show, column};

/// “逾期 N 天”, “今天” or the due date, for a stored `started|last visit|interval|ended` on
/// `today` ([`next_due`]).
fn due_cell(stored: Option<String>, today: NaiveDate) -> Cell {
    let Some(s) = stored else { return Cell::Empty };
    let parts: Vec<&str> = s.split('|').collect();
    let [started, last, interval, ended] = parts[..] else { return Cell::Empty };
    if !ended.is_empty() {
        return Cell::from("已结束");
    }
    let (Some(started), Ok(interval)) = (parse_date(started), interval.parse::<i64>()) else { return Cell::Empty };
    let due = next_due(started, parse_date(last), interval);
    match days_late(due, today) {
        0 if due == today => Cell::from("今天"),
        0 => Cell::from(due.format("%Y-%m-%d").to_string()),
        n => Cell::from(format!("逾期{n}天（应{}）", due.format("%Y-%m-%d"))),
    }
}

/// 结对帮扶台账: the plans in force at some time in `[:from, :to)`, with their visits in it
/// and where each stands today.
pub const LEDGER: Ledger = Ledger {
    columns: &[
        column("村（社区）", 14.0, "vg.name", Show::Text),
        column("村民小组", 9.0, "g.name", Show::Text),
        column("住址", 26.0, "coalesce(p.address, h.address)", Show::Text),
        column("帮扶对象", 10.0, "coalesce(p.name, hh.name || '户')", Show::Text),
        column("帮扶类别", 12.0, "cp.tag", Show::Label(|s| KnownTag::parse(s).map(KnownTag::label))),
        column("走访周期（天）", 10.0, "cp.interval_days", Show::Int),
        column("结对民警", 10.0, "o.name", Show::Text),
        column("结对志愿者", 10.0, "vo.name", Show::Text),
        column("开始日期", 12.0, "cp.started_on", Show::Date),
        column(
            "期间走访（次）",
            10.0,
            "(SELECT count(*) FROM visit vi WHERE vi.household_id = h.id AND vi.deleted_at IS NULL
               AND (cp.person_id IS NULL OR vi.person_id IS NULL OR vi.person_id = cp.person_id)
               AND vi.visited_on >= :from AND vi.visited_on < :to)",
            Show::Int,
        ),
        column(
            "最近走访",
            12.0,
            "(SELECT max(vi.visited_on) FROM visit vi WHERE vi.household_id = h.id AND vi.deleted_at IS NULL
               AND (cp.person_id IS NULL OR vi.person_id IS NULL OR vi.person_id = cp.person_id))",
            Show::Date,
        ),
        column(
            "下次应走访",
            16.0,
            "cp.started_on || '|' || coalesce((SELECT max(vi.visited_on) FROM visit vi WHERE vi.household_id = h.id
               AND vi.deleted_at IS NULL AND (cp.person_id IS NULL OR vi.person_id IS NULL
               OR vi.person_id = cp.person_id)), '') || '|' || cp.interval_days || '|' || coalesce(cp.ended_on, '')",
            Show::With(Kind::Text, due_cell),
        ),
        column(
            "待帮扶需求",
            8.0,
            "(SELECT count(*) FROM care_need n WHERE n.care_plan_id = cp.id AND n.status = 'open'
               AND n.deleted_at IS NULL)",
            Show::Int,
        ),
        column("结束日期", 12.0, "cp.ended_on", Show::Date),
        column("结束原因", 16.0, "cp.end_reason", Show::Text),
        column("备注", 20.0, "cp.notes", Show::Text),
    ],
    from: "FROM care_plan cp
           LEFT JOIN person p ON p.id = cp.person_id
           JOIN household h ON h.id = cp.household_id
           LEFT JOIN person hh ON hh.id = h.head_person_id
           LEFT JOIN village vg ON vg.id = h.village_id
           LEFT JOIN village_group g ON g.id = h.group_id
           LEFT JOIN officer o ON o.id = cp.officer_id
           LEFT JOIN volunteer vo ON vo.id = cp.volunteer_id
           WHERE cp.deleted_at IS NULL AND cp.started_on < :to AND (cp.ended_on IS NULL OR cp.ended_on >= :from)
           ORDER BY vg.name, length(g.name), g.name, h.address, cp.id",
};

/// 帮扶需求台账: the needs found in `[:from, :to)` and the help given.
pub const NEEDS_LEDGER: Ledger = Ledger {
    columns: &[
        column("发现日期", 12.0, "n.found_on", Show::Date),
        column("村（社区）", 14.0, "vg.name", Show::Text),
        column("帮扶对象", 10.0, "coalesce(p.name, hh.name || '户')", Show::Text),
        column("住址", 26.0, "coalesce(p.address, h.address)", Show::Text),
        column("需求类别", 14.0, "n.kind", Show::Label(|s| CareNeedKind::parse(s).map(CareNeedKind::label))),
        column("需求情况", 30.0, "n.description", Show::Text),
        column("状态", 9.0, "n.status", Show::Label(|s| CareNeedStatus::parse(s).map(CareNeedStatus::label))),
        column("帮扶情况", 30.0, "n.help", Show::Text),
        column("办结日期", 12.0, "n.closed_on", Show::Date),
        column(
            "关联代办",
            18.0,
            "(SELECT si.name || '（' || e.applicant_name || '）' FROM errand e
               LEFT JOIN service_item si ON si.id = e.service_item_id WHERE e.id = n.errand_id)",
            Show::Text,
        ),
    ],
    from: "FROM care_need n
           JOIN care_plan cp ON cp.id = n.care_plan_id
           LEFT JOIN person p ON p.id = cp.person_id
           LEFT JOIN household h ON h.id = n.household_id
           LEFT JOIN person hh ON hh.id = h.head_person_id
           LEFT JOIN village vg ON vg.id = h.village_id
           WHERE n.deleted_at IS NULL AND n.found_on >= :from AND n.found_on < :to
           ORDER BY n.found_on, n.id",
};
