//! 驿站 (service stations, e.g. 红警驿站): owns the `service_station` table. A station's
//! 警务助理 are volunteers naming it (`volunteer.service_station_id`, their term the
//! volunteer's own), and the errands collected there name it and the assistant who took
//! them (`errand.service_station_id`, `errand.assistant_id`). The rules are
//! [`crate::model::service_station`]'s.

use chrono::{Datelike, NaiveDate};
use rusqlite::{Connection, OptionalExtension, Row, params};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::VolunteerRole;
use crate::model::service_station::{
    AssistantFacts, CheckedStation, ServiceStationInput, StationErrand, StationFacts, StationFigures,
    check_intake as rule, figures,
};
use crate::model::time::parse_date;
use crate::store::errand::{self, Errand, ErrandFilter};
use crate::store::ledger::{Ledger, Show, column};
use crate::store::prevention::volunteer::{Volunteer, Which, list_volunteers};
use crate::store::write::{date, opt_date as date_value, v};
use crate::store::{Tx, day_of, from_row, place};

/// A service station.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ServiceStation {
    /// Row id.
    pub id: String,
    /// 驿站名称.
    pub name: String,
    /// 所在村（社区）.
    pub village_id: String,
    /// Its name.
    pub village_name: Option<String>,
    /// 地址.
    pub address: Option<String>,
    /// 开放时间.
    pub hours: Option<String>,
    /// 备注.
    pub notes: Option<String>,
    /// 启用日期.
    pub opened_on: String,
    /// 撤销日期.
    pub closed_on: Option<String>,
    /// 开放中 today (opened and not closed).
    pub open: bool,
    /// 警务助理 serving today.
    pub assistants: i64,
}

const SELECT: &str = "SELECT s.id, s.name, s.village_id, vg.name AS village_name, s.address, s.hours, s.notes,
        s.opened_on, s.closed_on,
        (SELECT count(*) FROM volunteer a WHERE a.service_station_id = s.id AND a.deleted_at IS NULL
           AND a.role = 'police_assistant' AND a.active_from <= ?1 AND (a.active_to IS NULL OR a.active_to >= ?1))
          AS assistants
     FROM service_station s LEFT JOIN village vg ON vg.id = s.village_id";

fn row(r: &Row<'_>, today: &str) -> rusqlite::Result<ServiceStation> {
    let opened_on: String = r.get("opened_on")?;
    let closed_on: Option<String> = r.get("closed_on")?;
    let open = opened_on.as_str() <= today && closed_on.as_deref().is_none_or(|c| c > today);
    Ok(from_row!(r => ServiceStation {
        id, name, village_id, village_name, address, hours, notes, assistants,
        opened_on: opened_on,
        closed_on: closed_on,
        open: open,
    }))
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// One station.
pub fn get(conn: &Connection, id: &str, today: NaiveDate) -> Result<ServiceStation> {
    let today = day(today);
    conn.prepare_cached(&format!("{SELECT} WHERE s.id = ?2 AND s.deleted_at IS NULL"))?
        .query_row(params![today, id], |r| row(r, &today))
        .optional()?
        .ok_or_else(|| Error::not_found("驿站", id))
}

/// Filters for the list of stations.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct ServiceStationFilter {
    /// Only this village.
    pub village_id: Option<String>,
    /// Also the stations closed by today (default no).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub include_closed: bool,
}

/// The stations, by village and name.
pub fn list(conn: &Connection, f: &ServiceStationFilter, today: NaiveDate) -> Result<Vec<ServiceStation>> {
    let today = day(today);
    Ok(conn
        .prepare_cached(&format!(
            "{SELECT} WHERE s.deleted_at IS NULL AND (?2 IS NULL OR s.village_id = ?2)
               AND (?3 OR s.closed_on IS NULL OR s.closed_on > ?1)
             ORDER BY vg.name, s.name, s.id"
        ))?
        .query_map(params![today, f.village_id, f.include_closed], |r| row(r, &today))?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The station's editable fields, for an update that changes only some of them.
pub fn input_of(conn: &Connection, id: &str, today: NaiveDate) -> Result<ServiceStationInput> {
    let s = get(conn, id, today)?;
    Ok(ServiceStationInput {
        name: s.name,
        village_id: s.village_id,
        address: s.address,
        hours: s.hours,
        notes: s.notes,
        opened_on: Some(s.opened_on),
        closed_on: s.closed_on,
    })
}

/// Refuses a name another live station has.
fn check_unique(conn: &Connection, name: &str, except: Option<&str>) -> Result<()> {
    let dup: Option<String> = conn
        .prepare_cached("SELECT id FROM service_station WHERE name = ?1 AND deleted_at IS NULL AND id IS NOT ?2")?
        .query_row(params![name, except], |r| r.get("id"))
        .optional()?;
    match dup {
        Some(existing_id) => {
            Err(Error::Duplicate { field: "name".into(), message: format!("已有驿站“{name}”"), existing_id })
        }
        None => Ok(()),
    }
}

fn columns(c: CheckedStation) -> Vec<(&'static str, rusqlite::types::Value)> {
    vec![
        ("name", v(c.name)),
        ("village_id", v(c.village_id)),
        ("address", v(c.address)),
        ("hours", v(c.hours)),
        ("notes", v(c.notes)),
        ("opened_on", date(c.opened_on)),
        ("closed_on", date_value(c.closed_on)),
    ]
}

/// Sets up a station.
pub fn create(tx: &mut Tx<'_>, input: ServiceStationInput) -> Result<String> {
    let c = input.validate(tx.today())?;
    place::village_name(tx.conn(), "village_id", &c.village_id)?;
    check_unique(tx.conn(), &c.name, None)?;
    let id = tx.new_id();
    tx.insert("service_station", &id, &columns(c))?;
    Ok(id)
}

/// Changes a station (the input is the whole station, as edited). Its dates must still hold
/// the errands taken there: none before it opened, none on or after it closed.
pub fn update(tx: &mut Tx<'_>, id: &str, input: ServiceStationInput) -> Result<()> {
    get(tx.conn(), id, tx.today())?;
    let c = input.validate(tx.today())?;
    place::village_name(tx.conn(), "village_id", &c.village_id)?;
    check_unique(tx.conn(), &c.name, Some(id))?;
    let (first, last): (Option<String>, Option<String>) = tx.conn().query_row(
        "SELECT min(requested_on), max(requested_on) FROM errand WHERE service_station_id = ?1 AND deleted_at IS NULL",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if let Some(first) = first.as_deref().and_then(parse_date)
        && first < c.opened_on
    {
        return Err(Error::validation("opened_on", format!("驿站{}已受理代办，启用日期不能晚于这一天", day(first))));
    }
    if let (Some(last), Some(closed)) = (last.as_deref().and_then(parse_date), c.closed_on)
        && last >= closed
    {
        return Err(Error::validation("closed_on", format!("驿站{}还受理了代办，撤销日期应晚于这一天", day(last))));
    }
    tx.update("service_station", id, &columns(c))?;
    Ok(())
}

/// Deletes a station set up by mistake: one with assistants or errands is refused (a station
/// no longer in use is closed, which keeps its record).
pub fn delete(tx: &mut Tx<'_>, id: &str) -> Result<()> {
    let s = get(tx.conn(), id, tx.today())?;
    for (table, label) in [("volunteer", "警务助理"), ("errand", "代办")] {
        let n: i64 = tx.conn().query_row(
            &format!("SELECT count(*) FROM {table} WHERE service_station_id = ?1 AND deleted_at IS NULL"),
            [id],
            |r| r.get(0),
        )?;
        if n > 0 {
            return Err(Error::rule(format!(
                "驿站“{}”已有 {n} 条{label}记录，不能删除；不再使用的驿站请填写撤销日期",
                s.name
            )));
        }
    }
    tx.delete("service_station", id)
}

/// Checks a request taken at `station` by `assistant` on `on` (both must exist).
pub fn check_intake(conn: &Connection, station: &str, assistant: &str, on: NaiveDate) -> Result<()> {
    // A stored date that does not read leaves the day out of the rule's reach: the station
    // as never opened, the assistant as never started.
    let never = NaiveDate::MAX;
    let facts = conn
        .prepare_cached("SELECT name, opened_on, closed_on FROM service_station WHERE id = ?1 AND deleted_at IS NULL")?
        .query_row([station], |r| {
            Ok(StationFacts {
                id: station.to_owned(),
                name: r.get("name")?,
                opened_on: day_of(r.get("opened_on")?).unwrap_or(never),
                closed_on: day_of(r.get("closed_on")?),
            })
        })
        .optional()?
        .ok_or_else(|| Error::validation("service_station_id", format!("所选驿站不存在或已删除（{station}）")))?;
    let who = conn
        .prepare_cached(
            "SELECT name, role, service_station_id, active_from, active_to FROM volunteer
             WHERE id = ?1 AND deleted_at IS NULL",
        )?
        .query_row([assistant], |r| {
            Ok(AssistantFacts {
                name: r.get("name")?,
                role: r.get("role")?,
                station_id: r.get("service_station_id")?,
                active_from: day_of(r.get("active_from")?).unwrap_or(never),
                active_to: day_of(r.get("active_to")?),
            })
        })
        .optional()?
        .ok_or_else(|| Error::validation("assistant_id", format!("所选警务助理不存在或已删除（{assistant}）")))?;
    rule(&facts, &who, on)
}

/// Each live station's figures for the month from `first`, by village and name: its
/// assistants serving on the month's last day, requests collected, errands done and 一次不用跑.
pub fn month_figures(conn: &Connection, first: NaiveDate) -> Result<Vec<StationFigures>> {
    let hi = first.checked_add_months(chrono::Months::new(1)).unwrap_or(first);
    let last = day(hi.pred_opt().unwrap_or(hi));
    let (lo_s, hi_s) = (day(first), day(hi));
    let stations = conn
        .prepare_cached(
            "SELECT s.id, s.name, coalesce(vg.name, '') AS village_name,
                (SELECT count(*) FROM volunteer a WHERE a.service_station_id = s.id AND a.deleted_at IS NULL
                   AND a.role = 'police_assistant' AND a.active_from <= ?1
                   AND (a.active_to IS NULL OR a.active_to >= ?1)) AS assistants
             FROM service_station s LEFT JOIN village vg ON vg.id = s.village_id
             WHERE s.deleted_at IS NULL AND s.opened_on <= ?1 AND (s.closed_on IS NULL OR s.closed_on > ?2)
             ORDER BY vg.name, s.name, s.id",
        )?
        .query_map([&last, &lo_s], |r| {
            Ok(StationFigures {
                id: r.get("id")?,
                name: r.get("name")?,
                village_name: r.get("village_name")?,
                assistants: r.get("assistants")?,
                ..Default::default()
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if stations.is_empty() {
        return Ok(stations);
    }
    let errands = conn
        .prepare_cached(
            "SELECT service_station_id, requested_on, done_on, mode, status FROM errand
             WHERE deleted_at IS NULL AND service_station_id IS NOT NULL
               AND ((requested_on >= ?1 AND requested_on < ?2) OR (done_on >= ?1 AND done_on < ?2))",
        )?
        .query_map([&lo_s, &hi_s], |r| {
            let requested: String = r.get("requested_on")?;
            let done: Option<String> = r.get("done_on")?;
            Ok(parse_date(&requested).map(|requested_on| -> rusqlite::Result<StationErrand> {
                Ok(StationErrand {
                    station_id: r.get("service_station_id")?,
                    requested_on,
                    done_on: done.as_deref().and_then(parse_date),
                    mode: r.get("mode")?,
                    status: r.get("status")?,
                })
            }))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(figures(stations, &errands, first, hi))
}

/// A station's page: the station, its assistants, its latest errands and the month's figures.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ServiceStationDetail {
    /// The station.
    pub station: ServiceStation,
    /// Its 警务助理, serving or not.
    pub assistants: Vec<Volunteer>,
    /// Errands taken there, newest first (the latest 50).
    pub errands: Vec<Errand>,
    /// How many errands were taken there in all.
    pub errands_total: i64,
    /// This month's figures.
    pub month: StationFigures,
}

/// A station's page as of `today`.
pub fn detail(conn: &Connection, id: &str, today: NaiveDate) -> Result<ServiceStationDetail> {
    let station = get(conn, id, today)?;
    let which = Which {
        role: Some(VolunteerRole::PoliceAssistant),
        service_station_id: Some(id),
        active_only: false,
        ..Default::default()
    };
    let assistants = list_volunteers(conn, which, today)?;
    let filter = ErrandFilter { service_station_id: Some(id.to_owned()), page_size: Some(50), ..Default::default() };
    let page = errand::list(conn, &filter, today)?;
    let first = today.with_day0(0).unwrap_or(today);
    let month = month_figures(conn, first)?.into_iter().find(|f| f.id == id).unwrap_or_else(|| StationFigures {
        id: station.id.clone(),
        name: station.name.clone(),
        village_name: station.village_name.clone().unwrap_or_default(),
        ..Default::default()
    });
    Ok(ServiceStationDetail { station, assistants, errands: page.items, errands_total: page.total, month })
}

/// 驿站台账: every station, its assistants serving on `:today`, and the requests collected,
/// errands done and 一次不用跑 in `[:from, :to)`.
pub const LEDGER: Ledger = Ledger {
    columns: &[
        column("驿站名称", 18.0, "s.name", Show::Text),
        column("所在村（社区）", 14.0, "vg.name", Show::Text),
        column("地址", 22.0, "s.address", Show::Text),
        column("开放时间", 20.0, "s.hours", Show::Text),
        column("启用日期", 12.0, "s.opened_on", Show::Date),
        column("撤销日期", 12.0, "s.closed_on", Show::Date),
        column(
            "警务助理",
            20.0,
            "(SELECT group_concat(name, '、') FROM (SELECT a.name FROM volunteer a
                WHERE a.service_station_id = s.id AND a.deleted_at IS NULL AND a.role = 'police_assistant'
                  AND a.active_from <= :today AND (a.active_to IS NULL OR a.active_to >= :today)
                ORDER BY a.name))",
            Show::Text,
        ),
        column(
            "收集诉求",
            10.0,
            "(SELECT count(*) FROM errand e WHERE e.service_station_id = s.id AND e.deleted_at IS NULL
                AND e.requested_on >= :from AND e.requested_on < :to)",
            Show::Int,
        ),
        column(
            "办结代办",
            10.0,
            "(SELECT count(*) FROM errand e WHERE e.service_station_id = s.id AND e.deleted_at IS NULL
                AND e.status IN ('done', 'delivered') AND e.done_on >= :from AND e.done_on < :to)",
            Show::Int,
        ),
        column(
            "一次不用跑",
            10.0,
            "(SELECT count(*) FROM errand e WHERE e.service_station_id = s.id AND e.deleted_at IS NULL
                AND e.status IN ('done', 'delivered') AND e.mode <> 'appointment'
                AND e.done_on >= :from AND e.done_on < :to)",
            Show::Int,
        ),
        column("备注", 24.0, "s.notes", Show::Text),
    ],
    from: "FROM service_station s
           LEFT JOIN village vg ON vg.id = s.village_id
           WHERE s.deleted_at IS NULL
           ORDER BY vg.name, s.name, s.id",
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::service_station::no_trip;
    use crate::model::{ErrandMode, ErrandStatus};

    /// The ledgers' SQL for 一次不用跑 says what the rule says.
    #[test]
    fn the_sql_no_trip_agrees_with_the_rule() {
        let conn = Connection::open_in_memory().unwrap();
        for mode in ErrandMode::ALL {
            for status in ErrandStatus::ALL {
                let got: bool = conn
                    .query_row(
                        "SELECT e.status IN ('done', 'delivered') AND e.mode <> 'appointment'
                         FROM (SELECT ?1 AS status, ?2 AS mode) e",
                        params![status, mode],
                        |r| r.get(0),
                    )
                    .unwrap();
                assert_eq!(got, no_trip(*mode, *status), "{mode:?} {status:?}");
            }
        }
    }
}
