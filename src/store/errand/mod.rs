//! The service catalogue (服务事项) and errands (代办): their tables, queries and the
//! lifecycle steps, which ask [`crate::model::errand`] what is allowed and only then write.

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::day_plan::ErrandOpen;
use crate::model::errand::{
    ErrandAction, ErrandInput, ServiceItemInput, StepDetails, check_step_date, days_overdue, default_due, next,
};
use crate::model::people::opt_date;
use crate::model::service_station::no_trip;
use crate::model::time::parse_date;
use crate::model::validate::text;
use crate::model::{DeliveryMethod, ErrandMode, ErrandStatus};
use crate::store::day_plan::place_of;
use crate::store::from_row;
use crate::store::write::{date, v};
use crate::store::{Tx, page_bounds, place};

mod ledger;

#[cfg(test)]
pub(crate) use ledger::MONTH_FACTS;
pub use ledger::{ErrandFact, LEDGER, month_facts, month_facts_unplaced};

/// An entry of the service catalogue.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ServiceItem {
    /// Row id.
    pub id: String,
    /// 大类.
    pub category: String,
    /// 事项名称.
    pub name: String,
    /// 事项说明.
    pub description: Option<String>,
    /// 所需材料.
    pub materials: Option<String>,
    /// 办理时限（天）.
    pub time_limit_days: Option<i64>,
    /// 排序.
    pub sort: i64,
    /// 是否启用.
    pub active: bool,
}

/// One category of the catalogue with its items.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ServiceCategory {
    /// 大类名称.
    pub category: String,
    /// Its items, by sort.
    pub items: Vec<ServiceItem>,
}

/// The catalogue, grouped by category ("6 大类 23 项").
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Catalogue {
    /// How many items are listed.
    pub total: usize,
    /// Categories in the order of their first item.
    pub categories: Vec<ServiceCategory>,
}

const ITEM_SELECT: &str =
    "SELECT id, category, name, description, materials, time_limit_days, sort, active FROM service_item";

fn item_row(r: &Row<'_>) -> rusqlite::Result<ServiceItem> {
    Ok(from_row!(r => ServiceItem {
        id, category, name, description, materials, time_limit_days, sort, active,
    }))
}

/// The catalogue grouped by category, ordered by sort; disabled items only when asked.
pub fn catalogue(conn: &Connection, include_inactive: bool) -> Result<Catalogue> {
    let items = conn
        .prepare_cached(&format!(
            "{ITEM_SELECT} WHERE deleted_at IS NULL AND (?1 OR active) ORDER BY sort, category, name, id"
        ))?
        .query_map([include_inactive], item_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let total = items.len();
    let mut categories: Vec<ServiceCategory> = Vec::new();
    for item in items {
        match categories.iter_mut().find(|c| c.category == item.category) {
            Some(c) => c.items.push(item),
            None => categories.push(ServiceCategory { category: item.category.clone(), items: vec![item] }),
        }
    }
    Ok(Catalogue { total, categories })
}

/// One service item (enabled or not).
pub fn get_item(conn: &Connection, id: &str) -> Result<ServiceItem> {
    conn.prepare_cached(&format!("{ITEM_SELECT} WHERE id = ?1 AND deleted_at IS NULL"))?
        .query_row([id], item_row)
        .optional()?
        .ok_or_else(|| Error::not_found("服务事项", id))
}

/// The item's editable fields, for an update that changes only some of them.
pub fn item_input_of(conn: &Connection, id: &str) -> Result<ServiceItemInput> {
    let i = get_item(conn, id)?;
    Ok(ServiceItemInput {
        category: i.category,
        name: i.name,
        description: i.description,
        materials: i.materials,
        time_limit_days: i.time_limit_days,
        sort: Some(i.sort),
        active: Some(i.active),
    })
}

fn check_item_unique(conn: &Connection, input: &ServiceItemInput, except: Option<&str>) -> Result<()> {
    let dup: Option<String> = conn
        .prepare_cached(
            "SELECT id FROM service_item WHERE category = ?1 AND name = ?2 AND deleted_at IS NULL AND id IS NOT ?3",
        )?
        .query_row(params![input.category, input.name, except], |r| r.get("id"))
        .optional()?;
    match dup {
        Some(existing_id) => Err(Error::Duplicate {
            field: "name".into(),
            message: format!("“{}”大类下已有事项“{}”", input.category, input.name),
            existing_id,
        }),
        None => Ok(()),
    }
}

fn item_columns(input: &ServiceItemInput, sort: i64) -> Vec<(&'static str, Value)> {
    vec![
        ("category", v(input.category.clone())),
        ("name", v(input.name.clone())),
        ("description", v(input.description.clone())),
        ("materials", v(input.materials.clone())),
        ("time_limit_days", v(input.time_limit_days)),
        ("sort", v(sort)),
        ("active", v(input.active.unwrap_or(true))),
    ]
}

/// Adds a service item; without a sort it goes after the last one.
pub fn create_item(tx: &mut Tx<'_>, input: ServiceItemInput) -> Result<String> {
    let input = input.validate()?;
    check_item_unique(tx.conn(), &input, None)?;
    let sort = match input.sort {
        Some(s) => s,
        None => tx.conn().query_row("SELECT coalesce(max(sort), 0) + 1 FROM service_item", [], |r| r.get(0))?,
    };
    let id = tx.new_id();
    tx.insert("service_item", &id, &item_columns(&input, sort))?;
    Ok(id)
}

/// Updates a service item (the input is the whole item, as edited). Disabling an item
/// leaves its errands alone; it only stops new ones.
pub fn update_item(tx: &mut Tx<'_>, id: &str, input: ServiceItemInput) -> Result<()> {
    let before = get_item(tx.conn(), id)?;
    let input = input.validate()?;
    check_item_unique(tx.conn(), &input, Some(id))?;
    tx.update("service_item", id, &item_columns(&input, input.sort.unwrap_or(before.sort)))?;
    Ok(())
}

/// An errand as its card shows it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Errand {
    /// Row id.
    pub id: String,
    /// 办事群众 (registered resident).
    pub person_id: Option<String>,
    /// Their name as registered.
    pub person_name: Option<String>,
    /// 申请人姓名.
    pub applicant_name: String,
    /// 申请人联系电话.
    pub applicant_phone: Option<String>,
    /// 服务事项.
    pub service_item_id: String,
    /// 事项名称.
    pub service_item_name: Option<String>,
    /// 事项大类.
    pub service_category: Option<String>,
    /// 代办方式.
    pub mode: ErrandMode,
    /// 代办方式 in Chinese.
    pub mode_label: &'static str,
    /// 状态.
    pub status: ErrandStatus,
    /// 状态 in Chinese.
    pub status_label: &'static str,
    /// 受理日期.
    pub requested_on: String,
    /// 到期日期.
    pub due_on: String,
    /// 已逾期 (not done by the due date, as of today).
    pub overdue: bool,
    /// 逾期天数.
    pub days_overdue: i64,
    /// 经办民警/辅警.
    pub officer_id: Option<String>,
    /// Their name.
    pub officer_name: Option<String>,
    /// 备注, with one line per step note.
    pub notes: Option<String>,
    /// 开始办理日期.
    pub started_on: Option<String>,
    /// 办结日期.
    pub done_on: Option<String>,
    /// 送达方式.
    pub delivery_method: Option<DeliveryMethod>,
    /// 快递单号.
    pub tracking_no: Option<String>,
    /// 寄递地址.
    pub delivery_address: Option<String>,
    /// 送达日期.
    pub delivered_on: Option<String>,
    /// 取消日期.
    pub cancelled_on: Option<String>,
    /// 取消原因.
    pub cancel_reason: Option<String>,
    /// 受理驿站.
    pub service_station_id: Option<String>,
    /// Its name.
    pub service_station_name: Option<String>,
    /// 受理的警务助理.
    pub assistant_id: Option<String>,
    /// Their name.
    pub assistant_name: Option<String>,
    /// 一次不用跑: finished by proxy or at home, the resident never travelled
    /// ([`crate::model::service_station::no_trip`]).
    pub no_trip: bool,
}

const SELECT: &str =
    "SELECT e.id, e.person_id, p.name AS person_name, e.applicant_name, e.applicant_phone, e.service_item_id,
        si.name AS service_item_name, si.category, e.mode, e.status, e.requested_on, e.due_on, e.officer_id,
        o.name AS officer_name, e.notes,
        e.started_on, e.done_on, e.delivery_method, e.tracking_no, e.delivery_address, e.delivered_on,
        e.cancelled_on, e.cancel_reason, e.service_station_id, ss.name AS service_station_name, e.assistant_id,
        a.name AS assistant_name
     FROM errand e LEFT JOIN person p ON p.id = e.person_id
     LEFT JOIN service_item si ON si.id = e.service_item_id
     LEFT JOIN officer o ON o.id = e.officer_id
     LEFT JOIN service_station ss ON ss.id = e.service_station_id
     LEFT JOIN volunteer a ON a.id = e.assistant_id";

/// The rows an overdue filter keeps, with today's date in parameter `?{today}`: the SQL
/// twin of [`crate::model::errand::is_overdue`] (a test checks they agree).
fn overdue_where(today: usize) -> String {
    format!("e.status IN ('accepted', 'in_progress') AND e.due_on < ?{today}")
}

fn row(r: &Row<'_>, today: NaiveDate) -> rusqlite::Result<Errand> {
    let mode: ErrandMode = r.get("mode")?;
    let status: ErrandStatus = r.get("status")?;
    let due_on: String = r.get("due_on")?;
    let days = parse_date(&due_on).map_or(0, |d| days_overdue(status, d, today));
    Ok(from_row!(r => Errand {
        id, person_id, person_name, applicant_name, applicant_phone, service_item_id, service_item_name, mode, status,
        requested_on, due_on, officer_id, officer_name, notes, started_on, done_on, delivery_method, tracking_no,
        delivery_address, delivered_on, cancelled_on, cancel_reason, service_station_id, service_station_name,
        assistant_id, assistant_name,
        no_trip: no_trip(mode, status),
        service_category: r.get("category")?,
        mode_label: mode.label(),
        status_label: status.label(),
        overdue: days > 0,
        days_overdue: days,
    }))
}

/// One errand, with its overdue flag as of `today`.
pub fn get(conn: &Connection, id: &str, today: NaiveDate) -> Result<Errand> {
    conn.prepare_cached(&format!("{SELECT} WHERE e.id = ?1 AND e.deleted_at IS NULL"))?
        .query_row([id], |r| row(r, today))
        .optional()?
        .ok_or_else(|| Error::not_found("代办", id))
}

/// Registers an errand: name and phone default from the resident, the due date from the
/// service item's time limit.
pub fn create(tx: &mut Tx<'_>, input: ErrandInput) -> Result<String> {
    let input = input.validate()?;
    let today = tx.today();
    let (mut name, mut phone) = (input.applicant_name.clone(), input.applicant_phone.clone());
    if let Some(pid) = &input.person_id {
        let resident: Option<(String, Option<String>)> = tx
            .conn()
            .prepare_cached(
                "SELECT p.name, coalesce(p.phone, h.phone) FROM person p LEFT JOIN household h ON h.id = p.household_id
                 WHERE p.id = ?1 AND p.deleted_at IS NULL",
            )?
            .query_row([pid], |r| Ok((r.get("name")?, r.get(1)?)))
            .optional()?;
        let (n, p) = resident.ok_or_else(|| Error::validation("person_id", "所选人员不存在或已删除"))?;
        name = name.or(Some(n));
        phone = phone.or(p);
    }
    let item = get_item(tx.conn(), &input.service_item_id)
        .map_err(|_| Error::validation("service_item_id", "所选服务事项不存在或已删除"))?;
    if !item.active {
        return Err(Error::validation("service_item_id", format!("服务事项“{}”已停用，不能受理新的代办", item.name)));
    }
    let requested_on = opt_date("requested_on", "受理日期", input.requested_on.as_deref())?.unwrap_or(today);
    if requested_on > today {
        return Err(Error::validation("requested_on", "受理日期不能晚于今天"));
    }
    let due_on = match opt_date("due_on", "到期日期", input.due_on.as_deref())? {
        Some(d) => d,
        None => default_due(requested_on, item.time_limit_days).ok_or_else(|| {
            Error::validation("due_on", format!("服务事项“{}”未设办理时限，请填写到期日期", item.name))
        })?,
    };
    if due_on < requested_on {
        return Err(Error::validation("due_on", "到期日期不能早于受理日期"));
    }
    if let Some(o) = &input.officer_id {
        place::get_officer(tx.conn(), "officer_id", o)?;
    }
    if let (Some(station), Some(assistant)) = (&input.service_station_id, &input.assistant_id) {
        crate::store::service_station::check_intake(tx.conn(), station, assistant, requested_on)?;
    }
    let name = name.ok_or_else(|| Error::validation("applicant_name", "申请人姓名不能为空"))?;
    let id = tx.new_id();
    tx.insert(
        "errand",
        &id,
        &[
            ("person_id", v(input.person_id)),
            ("applicant_name", v(name)),
            ("applicant_phone", v(phone)),
            ("service_item_id", v(input.service_item_id)),
            ("mode", v(input.mode)),
            ("status", v(ErrandStatus::Accepted)),
            ("requested_on", date(requested_on)),
            ("due_on", date(due_on)),
            ("officer_id", v(input.officer_id)),
            ("notes", v(input.notes)),
            ("service_station_id", v(input.service_station_id)),
            ("assistant_id", v(input.assistant_id)),
        ],
    )?;
    Ok(id)
}

/// One step on an errand: the action, its date (default today) and what it carries.
#[derive(Debug, Clone)]
pub struct Step {
    /// What is done.
    pub action: ErrandAction,
    /// When (default today).
    pub on: Option<NaiveDate>,
    /// Delivery details or the cancellation reason.
    pub details: StepDetails,
    /// A note to add to the errand's notes.
    pub note: Option<String>,
}

/// Takes one step on an errand, if the lifecycle allows it; returns the new status.
pub fn step(tx: &mut Tx<'_>, id: &str, step: Step) -> Result<ErrandStatus> {
    let today = tx.today();
    let current = get(tx.conn(), id, today)?;
    let to = next(current.status, step.action)?;
    let mut details = step.details;
    if details.delivery_method == Some(DeliveryMethod::Mail) && details.delivery_address.is_none() {
        // A mailed errand goes to the resident's registered address unless told otherwise.
        if let Some(pid) = &current.person_id {
            details.delivery_address = resident_address(tx.conn(), pid)?;
        }
    }
    let details = details.check(step.action)?;
    let note = text("note", "办理说明", step.note.as_deref(), 500)?;
    let on = step.on.unwrap_or(today);
    let previous = [&current.delivered_on, &current.done_on, &current.started_on]
        .into_iter()
        .find_map(|d| d.as_deref().and_then(parse_date))
        .or_else(|| parse_date(&current.requested_on))
        .unwrap_or(on);
    check_step_date(on, previous, today)?;
    let mut cols = vec![("status", v(to))];
    match step.action {
        ErrandAction::Start => cols.push(("started_on", date(on))),
        ErrandAction::Finish => cols.push(("done_on", date(on))),
        ErrandAction::Deliver => {
            let address = details.delivery_address.clone();
            cols.extend([
                ("delivered_on", date(on)),
                ("delivery_method", v(details.delivery_method)),
                ("tracking_no", v(details.tracking_no)),
                ("delivery_address", v(address)),
            ]);
        }
        ErrandAction::Cancel => cols.extend([("cancelled_on", date(on)), ("cancel_reason", v(details.reason))]),
    }
    if let Some(note) = note {
        let line = format!("{} {}：{note}", on.format("%Y-%m-%d"), to.label());
        let notes = match current.notes {
            Some(n) => format!("{n}\n{line}"),
            None => line,
        };
        cols.push(("notes", v(notes)));
    }
    tx.update("errand", id, &cols)?;
    Ok(to)
}

/// Filters for the errands list.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct ErrandFilter {
    /// Only this status.
    pub status: Option<ErrandStatus>,
    /// Only this mode.
    pub mode: Option<ErrandMode>,
    /// Only this service item.
    pub service_item_id: Option<String>,
    /// Only this resident's errands.
    pub person_id: Option<String>,
    /// Only errands of members of this household.
    pub household_id: Option<String>,
    /// Only errands overdue today.
    #[serde(default)]
    pub overdue: bool,
    /// Only errands taken at this service station (驿站).
    pub service_station_id: Option<String>,
    /// Page, from 1.
    pub page: Option<u32>,
    /// Page size (default 20, at most 100).
    pub page_size: Option<u32>,
}

/// A page of errands.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ErrandPage {
    /// Errands matching the filter.
    pub total: i64,
    /// Page number, from 1.
    pub page: u32,
    /// Page size.
    pub page_size: u32,
    /// This page, newest request first.
    pub items: Vec<Errand>,
}

/// A page of errands, newest request first.
pub fn list(conn: &Connection, f: &ErrandFilter, today: NaiveDate) -> Result<ErrandPage> {
    let (page, page_size, limit, offset) = page_bounds(f.page, f.page_size);
    let (person, household) = crate::store::search::check_involved(conn, &f.person_id, &f.household_id)?;
    let filter = format!(
        "e.deleted_at IS NULL
         AND (?1 IS NULL OR e.status = ?1)
         AND (?2 IS NULL OR e.mode = ?2)
         AND (?3 IS NULL OR e.service_item_id = ?3)
         AND {}
         AND (NOT ?5 OR ({}))
         AND (?8 IS NULL OR e.service_station_id = ?8)",
        crate::store::search::involving("errand", "e", 4, 7, person.is_some(), household.is_some()),
        overdue_where(6)
    );
    let today_s = today.format("%Y-%m-%d").to_string();
    let by: [&dyn rusqlite::ToSql; 8] =
        [&f.status, &f.mode, &f.service_item_id, &person, &f.overdue, &today_s, &household, &f.service_station_id];
    let total: i64 = conn
        .prepare_cached(&format!("SELECT count(*) FROM errand e WHERE {filter}"))?
        .query_row(&by[..], |r| r.get(0))?;
    let paged: Vec<&dyn rusqlite::ToSql> =
        by.iter().copied().chain([&limit as &dyn rusqlite::ToSql, &offset]).collect();
    let items = conn
        .prepare_cached(&format!(
            "{SELECT} WHERE {filter} ORDER BY e.requested_on DESC, e.id DESC LIMIT ?9 OFFSET ?10"
        ))?
        .query_map(&paged[..], |r| row(r, today))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(ErrandPage { total, page, page_size, items })
}

/// Errands not done by their due date as of `as_of`, the longest overdue first; at most
/// `limit` of them (the partial index `errand_open_due` walks them in that order).
pub fn overdue(conn: &Connection, as_of: NaiveDate, limit: Option<u32>) -> Result<Vec<Errand>> {
    // Without statistics the planner would take `errand_status` and sort every overdue
    // errand before the limit; the partial index gives them in order.
    let select = SELECT.replacen("FROM errand e ", "FROM errand e INDEXED BY errand_open_due ", 1);
    let sql = format!(
        "{select} WHERE e.deleted_at IS NULL AND {} ORDER BY e.due_on, e.requested_on, e.id LIMIT ?2",
        overdue_where(1)
    );
    let as_of_s = as_of.format("%Y-%m-%d").to_string();
    let limit = limit.map_or(-1, i64::from);
    Ok(conn
        .prepare_cached(&sql)?
        .query_map(params![as_of_s, limit], |r| row(r, as_of))?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Open errands due on or before `on`, with the applicant's home (今日工作).
pub fn open_until(conn: &Connection, on: NaiveDate) -> Result<Vec<ErrandOpen>> {
    let sql = "SELECT e.id, e.applicant_name, si.name AS item_name, e.mode, e.due_on,
                h.village_id, v.name AS village_name, g.name AS group_name,
                coalesce(p.address, h.address, e.delivery_address) AS address
         FROM errand e INDEXED BY errand_open_due
         LEFT JOIN service_item si ON si.id = e.service_item_id
         LEFT JOIN person p ON p.id = e.person_id
         LEFT JOIN household h ON h.id = p.household_id
         LEFT JOIN village v ON v.id = h.village_id
         LEFT JOIN village_group g ON g.id = h.group_id
         WHERE e.deleted_at IS NULL AND e.status IN ('accepted', 'in_progress') AND e.due_on <= ?1";
    let rows = conn
        .prepare_cached(sql)?
        .query_map([on.to_string()], |r| {
            let due: String = r.get("due_on")?;
            Ok(parse_date(&due).map(|due_on| -> rusqlite::Result<ErrandOpen> {
                Ok(ErrandOpen {
                    id: r.get("id")?,
                    applicant_name: r.get("applicant_name")?,
                    item_name: r.get::<_, Option<String>>("item_name")?.unwrap_or_default(),
                    mode: r.get("mode")?,
                    due_on,
                    place: place_of(r)?,
                })
            }))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows.into_iter().flatten().collect::<rusqlite::Result<_>>()?)
}

/// One column of the errand board.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BoardColumn {
    /// 状态.
    pub status: ErrandStatus,
    /// 状态 in Chinese.
    pub label: &'static str,
    /// How many errands are in it.
    pub count: i64,
    /// The first of them: open ones by due date, finished ones newest first.
    pub items: Vec<Errand>,
}

/// The errand board: one column per status, and how many are overdue.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Board {
    /// 逾期 errands today.
    pub overdue: i64,
    /// One column per status, in lifecycle order.
    pub columns: Vec<BoardColumn>,
}

/// The board as of `today`, with up to `per_column` errands in each column.
pub fn board(conn: &Connection, today: NaiveDate, per_column: u32) -> Result<Board> {
    let today_s = today.format("%Y-%m-%d").to_string();
    let overdue: i64 = conn
        .prepare_cached(&format!("SELECT count(*) FROM errand e WHERE e.deleted_at IS NULL AND {}", overdue_where(1)))?
        .query_row([&today_s], |r| r.get(0))?;
    let mut columns = Vec::new();
    for status in ErrandStatus::ALL {
        let count: i64 = conn
            .prepare_cached("SELECT count(*) FROM errand WHERE status = ?1 AND deleted_at IS NULL")?
            .query_row([status], |r| r.get(0))?;
        let order = if crate::model::errand::is_open(*status) {
            "e.due_on, e.id"
        } else {
            "coalesce(e.delivered_on, e.cancelled_on, e.done_on) DESC, e.id DESC"
        };
        let items = conn
            .prepare_cached(&format!(
                "{SELECT} WHERE e.status = ?1 AND e.deleted_at IS NULL ORDER BY {order} LIMIT ?2"
            ))?
            .query_map(params![status, per_column], |r| row(r, today))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        columns.push(BoardColumn { status: *status, label: status.label(), count, items });
    }
    Ok(Board { overdue, columns })
}

/// The resident's address, as a default for a mailed delivery.
pub fn resident_address(conn: &Connection, person_id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(p.address, h.address) FROM person p LEFT JOIN household h ON h.id = p.household_id
             WHERE p.id = ?1 AND p.deleted_at IS NULL",
        )?
        .query_row([person_id], |r| r.get(0))
        .optional()?
        .flatten())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::errand::is_overdue;

    #[test]
    fn the_sql_overdue_filter_agrees_with_the_rule() {
        let conn = Connection::open_in_memory().unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        for status in ErrandStatus::ALL {
            for due in ["2026-11-22", "2026-11-23", "2026-11-24"] {
                let sql = format!("SELECT {} FROM (SELECT ?1 AS status, ?2 AS due_on) e", overdue_where(3));
                let got: bool = conn.query_row(&sql, params![status, due, "2026-11-23"], |r| r.get(0)).unwrap();
                let want = is_overdue(*status, parse_date(due).unwrap(), today);
                assert_eq!(got, want, "{status:?} due {due}");
            }
        }
    }
}
