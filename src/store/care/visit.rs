//! A visit made under a plan: the household's visit record, filed against the plan.

use super::need::add_need;
use super::plan::get_plan;
use crate::error::{Error, Result};
use crate::model::CareNeedKind;
use crate::model::care::CareNeedInput;
use crate::model::people::VisitInput;
use crate::store::Tx;
use crate::store::household::{Visit, create_visit};

/// A visit recorded against a plan: to its household and person, by the paired officer
/// unless another is given; a need found on it is recorded with it.
#[derive(Debug, Clone, Default)]
pub struct PlanVisit {
    /// 走访民警 (default the paired officer).
    pub officer_id: Option<String>,
    /// 走访日期 (default today).
    pub visited_on: Option<String>,
    /// 走访情况.
    pub notes: Option<String>,
    /// A need found on the visit, and its kind.
    pub need: Option<(CareNeedKind, String)>,
}

/// The notes of a visit recorded with one click from 今日工作.
pub const ROUTINE_NOTES: &str = "按结对帮扶计划上门走访，情况正常";

/// Records a visit against a plan; returns the visit.
pub fn visit(tx: &mut Tx<'_>, plan_id: &str, pv: PlanVisit) -> Result<Visit> {
    let p = get_plan(tx.conn(), plan_id, tx.today())?;
    if p.ended_on.is_some() {
        return Err(Error::rule("该帮扶计划已结束，请在户的页面记录走访"));
    }
    let notes = match (&pv.notes, &pv.need) {
        (Some(n), _) if !n.trim().is_empty() => Some(n.clone()),
        (_, Some(_)) => None,
        _ => Some(ROUTINE_NOTES.to_owned()),
    };
    let visit = create_visit(
        tx,
        VisitInput {
            household_id: p.household_id.clone(),
            person_id: p.person_id.clone(),
            officer_id: pv.officer_id.or(p.officer_id.clone()),
            visited_on: pv.visited_on,
            notes,
            needs: pv.need.as_ref().map(|(_, d)| d.clone()),
        },
    )?;
    if let Some((kind, description)) = pv.need {
        add_need(
            tx,
            CareNeedInput {
                care_plan_id: plan_id.to_owned(),
                kind,
                description,
                found_on: Some(visit.visited_on.clone()),
                visit_id: Some(visit.id.clone()),
                errand_id: None,
            },
        )?;
    }
    Ok(visit)
}
