//! 结对帮扶: owns the `care_default`, `care_plan` and `care_need` tables. A plan pairs a
//! person (or a household) with an officer or volunteer and an interval; its visits are the
//! household's visit records (to the person, or to nobody in particular); its needs are
//! followed until help is given. The rules (when a visit falls due, a need's lifecycle, the
//! month's figures) are [`crate::model::care`]'s.
//!
//! Here: the visit intervals by tag. The plans, their visits and needs, what falls due with
//! the month's figures, and the ledgers are the submodules below.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension};
use schemars::JsonSchema;
use serde::Serialize;

use crate::error::Result;
use crate::model::KnownTag;
use crate::model::care::{CareDefaultInput, check_interval, interval_for};
use crate::model::validate::tag;
use crate::store::Tx;
use crate::store::write::v;

mod figures;
mod ledger;
mod need;
mod plan;
mod visit;

pub use figures::{due_facts, month_facts, month_figures};
pub use ledger::{LEDGER, NEEDS_LEDGER};
pub use need::{CareNeed, add_need, get_need, need_step, needs};
pub use plan::{
    CarePlan, CarePlanDetail, CarePlanFilter, CarePlanPage, create_plan, detail, end_plan, follow_person, get_plan,
    input_of, list, update_plan,
};
pub use visit::{PlanVisit, ROUTINE_NOTES, visit};

/// A tag's visit interval, as the admin set it or as the software starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CareDefault {
    /// The tag's code (or the post's own word).
    pub tag: String,
    /// 中文.
    pub label: String,
    /// 走访周期（天）.
    pub interval_days: i64,
    /// Whether the station admin set it (else the built-in interval).
    pub set_by_admin: bool,
}

/// The intervals the admin has set, by tag.
pub fn set_intervals(conn: &Connection) -> Result<BTreeMap<String, i64>> {
    let mut stmt = conn.prepare_cached("SELECT tag, interval_days FROM care_default WHERE deleted_at IS NULL")?;
    Ok(stmt.query_map([], |r| Ok((r.get("tag")?, r.get("interval_days")?)))?.collect::<rusqlite::Result<_>>()?)
}

fn tag_label(t: &str) -> String {
    KnownTag::parse(t).map(KnownTag::label).unwrap_or(t).to_owned()
}

/// Every known tag's interval, then the post's own tags the admin set one for.
pub fn defaults(conn: &Connection) -> Result<Vec<CareDefault>> {
    let set = set_intervals(conn)?;
    let mut out: Vec<CareDefault> = KnownTag::ALL
        .iter()
        .map(|t| CareDefault {
            tag: t.as_str().to_owned(),
            label: t.label().to_owned(),
            interval_days: interval_for(t.as_str(), &set),
            set_by_admin: set.contains_key(t.as_str()),
        })
        .collect();
    for (t, days) in &set {
        if KnownTag::parse(t).is_none() {
            out.push(CareDefault { tag: t.clone(), label: t.clone(), interval_days: *days, set_by_admin: true });
        }
    }
    Ok(out)
}

/// Sets a tag's interval (plans made later start with it; existing plans keep theirs).
pub fn set_default(tx: &mut Tx<'_>, input: CareDefaultInput) -> Result<()> {
    let t = tag("tag", &input.tag)?;
    let days = check_interval("interval_days", input.interval_days)?;
    let existing: Option<String> = tx
        .conn()
        .prepare_cached("SELECT id FROM care_default WHERE tag = ?1 AND deleted_at IS NULL ORDER BY id LIMIT 1")?
        .query_row([&t], |r| r.get("id"))
        .optional()?;
    match existing {
        Some(id) => {
            tx.update("care_default", &id, &[("interval_days", v(days))])?;
        }
        None => {
            let id = tx.new_id();
            tx.insert("care_default", &id, &[("tag", v(t)), ("interval_days", v(days))])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::care::CarePlanInput;
    use crate::store::dispute::tests::post;

    #[test]
    fn a_plan_falls_due_is_visited_and_moves_on() {
        let (mut store, _dir) = post();
        let today = store.clock().today();
        let (plan, officer) = store
            .write(|tx| {
                let v = crate::store::place::create_village(
                    tx,
                    crate::model::people::VillageInput { name: "青山村".into(), ..Default::default() },
                )?
                .id;
                let g = crate::store::place::create_group(tx, &v, "3组")?.id;
                let h = crate::store::household::create(
                    tx,
                    crate::model::people::HouseholdInput {
                        village_id: v,
                        group_id: Some(g),
                        house_no: Some("12".into()),
                        ..Default::default()
                    },
                )?;
                let officer = crate::store::place::create_officer(
                    tx,
                    crate::model::people::OfficerInput {
                        name: "李明".into(),
                        role: crate::model::Role::Officer,
                        badge_no: None,
                        phone: None,
                        active: None,
                    },
                )?
                .id;
                let plan = create_plan(
                    tx,
                    CarePlanInput {
                        household_id: Some(h),
                        tag: "独居老人".into(),
                        officer_id: Some(officer.clone()),
                        ..Default::default()
                    },
                )?;
                Ok((plan, officer))
            })
            .unwrap();
        let p = get_plan(store.conn(), &plan, today).unwrap();
        assert_eq!(
            (p.interval_days, p.next_due.as_deref(), p.officer_id.as_deref()),
            (30, Some("2026-11-23"), Some(officer.as_str()))
        );
        let due_only = CarePlanFilter { due_only: Some(true), ..Default::default() };
        assert_eq!(due_facts(store.conn(), today).unwrap().len(), 1);
        assert_eq!(list(store.conn(), &due_only, today).unwrap().total, 1);
        store.write(|tx| visit(tx, &plan, PlanVisit::default())).unwrap();
        let p = get_plan(store.conn(), &plan, today).unwrap();
        assert_eq!((p.last_visit.as_deref(), p.next_due.as_deref()), (Some("2026-11-23"), Some("2026-12-23")));
        // In force but visited today: not due, so neither 今日工作 nor the list of plans due names it.
        assert!(due_facts(store.conn(), today).unwrap().is_empty());
        assert_eq!(list(store.conn(), &due_only, today).unwrap().total, 0);
        assert_eq!(list(store.conn(), &CarePlanFilter::default(), today).unwrap().total, 1);
        let d = detail(store.conn(), &plan, today).unwrap();
        assert_eq!(d.visits[0].notes.as_deref(), Some(ROUTINE_NOTES));
        assert_eq!(d.visits[0].officer_id.as_deref(), Some(officer.as_str()));
        let e = store.write(|tx| end_plan(tx, &plan, None, " ")).unwrap_err();
        assert_eq!(e.field(), Some("reason"));
        store.write(|tx| end_plan(tx, &plan, None, "已搬离")).unwrap();
        assert!(due_facts(store.conn(), today).unwrap().is_empty());
        assert!(store.write(|tx| visit(tx, &plan, PlanVisit::default())).is_err());
    }
}
