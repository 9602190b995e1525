//! The facts 今日工作 is built from ([`crate::model::day_plan::DayFacts`]): one query per
//! source, each in the store module that owns its table, gathered here. A new source is one
//! query in its own module and one line in [`gather`].

use chrono::NaiveDate;
use rusqlite::Row;

use crate::error::Result;
use crate::model::day_plan::{DayFacts, PlanPlace, horizon};
use crate::store::{Store, care, dispute, errand, prevention, warning};

/// The columns a query names to place an item: `village_id`, `village_name`, `group_name`,
/// `address`.
pub(crate) fn place_of(r: &Row<'_>) -> rusqlite::Result<PlanPlace> {
    Ok(PlanPlace {
        village_id: r.get("village_id")?,
        village_name: r.get("village_name")?,
        group_name: r.get("group_name")?,
        address: r.get("address")?,
    })
}

/// Everything due on `today` (or, for agreements, within the horizon) that the day's plan
/// may list.
pub fn gather(store: &Store, today: NaiveDate) -> Result<DayFacts> {
    let conn = store.conn();
    Ok(DayFacts {
        care: care::due_facts(conn, today)?,
        follow_ups: dispute::follow_up::open_until(conn, today)?,
        fulfilments: dispute::agreement::unfulfilled_until(conn, horizon(today))?,
        errands: errand::open_until(conn, today)?,
        hazards: prevention::hazard::open_for_plan(conn)?,
        patrols: prevention::team::patrol_plans(conn, today)?,
        at_risk: warning::risk::at_risk(store, today)?,
    })
}
