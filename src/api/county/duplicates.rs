//! 疑似重复人员 at HQ: person rows of two posts that may be one resident (the same ID
//! number, or the same name and birth date where an ID number is missing), and a county
//! login's decision on each pair:
//! - the same person: the post of one row is handed the other row (with what hangs from it)
//!   through an assignment ([`crate::sync::assign`]); nothing is deleted;
//! - different people: the pair is never suggested again.
//!
//! Both read through the caller's scope (a station leader sees the pairs of the station's
//! posts only); each decision is stored at HQ (`duplicate_decision`) and audited by the gate.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::super::params::paged_request;
use super::super::{Api, Method, method};
use super::Page;
use crate::error::{Error, Result};
use crate::store::county::duplicate::{self, DuplicateDecision, DuplicatePerson, DuplicateReason};
use crate::store::county::owner::Owners;
use crate::store::county::scope::village_of;
use crate::sync::assign::Assignment;

paged_request! {
    /// `hq.duplicates`.
    #[derive(Default)]
    pub struct DuplicatesRequest {
        /// 只看涉及该警务室的.
        #[serde(default)]
        pub post_id: Option<String>,
    }
}

/// One side of a pair: the row and the post that holds it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DuplicateSide {
    /// The person row.
    pub person: DuplicatePerson,
    /// The post holding it.
    pub post_id: String,
    /// That post's name.
    pub post_name: String,
    /// Its village's name.
    pub village_name: Option<String>,
}

/// A suspected pair.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DuplicatePair {
    /// Why.
    pub reason: DuplicateReason,
    /// It in Chinese.
    pub reason_label: &'static str,
    /// One row (the smaller id).
    pub a: DuplicateSide,
    /// The other.
    pub b: DuplicateSide,
}

/// `hq.duplicate_decide`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct DuplicateDecide {
    /// 保留的人员记录：同一人时，它所在的警务室接收另一条记录.
    #[schemars(title = "人员记录")]
    pub person_id: String,
    /// 另一条人员记录：同一人时，指派给上一条记录所在的警务室.
    #[schemars(title = "另一条人员记录")]
    pub other_id: String,
    /// 是否同一人（否：不是同一人，不再提示）.
    #[schemars(title = "是否同一人")]
    pub same: bool,
    /// 说明.
    #[serde(default)]
    pub note: Option<String>,
}

/// `hq.duplicate_decide`'s reply.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DuplicateDecided {
    /// The decision's id.
    pub id: String,
    /// The decision.
    pub decision: DuplicateDecision,
    /// The assignment made (the same person).
    pub assignment: Option<Assignment>,
}

impl Api {
    /// The post holding the person row `id`, if any.
    fn person_post(&self, owners: &Owners, id: &str) -> Result<(Option<String>, Option<String>)> {
        let village = village_of(&self.store, "person", id)?;
        let post = owners.of(self.store.conn(), "person", id, village.as_deref())?.map(str::to_owned);
        Ok((post, village))
    }

    /// Every suspected pair the caller may see whose rows two different posts hold.
    fn duplicate_pairs(&mut self, post: Option<&str>) -> Result<Vec<DuplicatePair>> {
        if let Some(p) = post {
            self.require_post_in_scope("post_id", p)?;
        }
        let owners = self.lifted(|api| Owners::load(&api.store, &mut super::assigned))?;
        let pairs = duplicate::suspected(self.store.conn())?;
        let ids: Vec<&str> = pairs.iter().flat_map(|(a, b, _)| [a.as_str(), b.as_str()]).collect();
        let briefs = duplicate::briefs(self.store.conn(), &ids)?;
        let mut out = Vec::new();
        for (a, b, reason) in &pairs {
            let side = |id: &str| -> Result<Option<DuplicateSide>> {
                let (Some(post), village) = self.person_post(&owners, id)? else { return Ok(None) };
                let Some(person) = briefs.get(id).cloned() else { return Ok(None) };
                Ok(Some(DuplicateSide {
                    person,
                    post_name: owners.post_name(&post).unwrap_or_default().to_owned(),
                    post_id: post,
                    village_name: village.as_deref().and_then(|v| owners.village_name(v)).map(str::to_owned),
                }))
            };
            let (Some(a), Some(b)) = (side(a)?, side(b)?) else { continue };
            if a.post_id == b.post_id || post.is_some_and(|p| a.post_id != p && b.post_id != p) {
                continue;
            }
            out.push(DuplicatePair { reason: *reason, reason_label: reason.label(), a, b });
        }
        Ok(out)
    }

    /// `hq.duplicates`: the suspected pairs, a page at a time.
    pub fn hq_duplicates(&mut self, req: DuplicatesRequest) -> Result<Page<DuplicatePair>> {
        let all = self.duplicate_pairs(req.post_id.as_deref())?;
        Ok(Page::of(all, req.page, req.page_size))
    }

    /// `hq.duplicate_decide`: the same person (the other row is assigned to the first row's
    /// post) or different people (never suggested again).
    pub fn hq_duplicate_decide(&mut self, req: DuplicateDecide) -> Result<DuplicateDecided> {
        if req.person_id == req.other_id {
            return Err(Error::validation("other_id", "请选择另一条人员记录"));
        }
        self.require_visible("person", &req.person_id)?;
        self.require_visible("person", &req.other_id)?;
        if duplicate::decision(self.store.conn(), &req.person_id, &req.other_id)?.is_some() {
            return Err(Error::rule("这两条人员记录已经处理过"));
        }
        if duplicate::suspected_pair(self.store.conn(), &req.person_id, &req.other_id)?.is_none() {
            return Err(Error::validation(
                "other_id",
                "这两条人员记录的公民身份号码不同，也不是同名同出生日期，不是疑似重复人员",
            ));
        }
        let owners = self.lifted(|api| Owners::load(&api.store, &mut super::assigned))?;
        let (mine, _) = self.person_post(&owners, &req.person_id)?;
        let (theirs, _) = self.person_post(&owners, &req.other_id)?;
        let (Some(mine), Some(theirs)) = (mine, theirs) else {
            return Err(Error::rule("有一条人员记录不属于任何警务室，无法比对"));
        };
        if mine == theirs {
            return Err(Error::rule("这两条人员记录属于同一警务室，请由该警务室自行核对"));
        }
        let note = req.note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
        if note.as_ref().is_some_and(|n| n.chars().count() > 500) {
            return Err(Error::validation("note", "说明不能超过 500 字"));
        }
        let login = self.session.as_ref().map(|s| s.login.clone()).unwrap_or_default();
        let now = self.store.clock().now();
        self.require_post_in_scope("person_id", &mine)?;
        self.lifted(|api| {
            let assignment = if req.same {
                let their_name = owners.post_name(&theirs).unwrap_or_default();
                let why =
                    note.clone().unwrap_or_else(|| format!("疑似重复人员经核实为同一人（原为{their_name}的记录）"));
                Some(api.hq_assign(&mine, "person", &req.other_id, Some(&why))?)
            } else {
                None
            };
            let decision = duplicate::record(
                api.store.conn(),
                &req.person_id,
                &req.other_id,
                req.same,
                assignment.as_ref().map(|a| a.id.as_str()),
                note.as_deref(),
                &login,
                now,
            )?;
            Ok(DuplicateDecided { id: decision.id.clone(), decision, assignment })
        })
    }
}

pub(super) fn methods() -> Vec<Method> {
    vec![
        method!(
            "hq.duplicates",
            "县局：疑似重复人员（两个警务室的同一公民身份号码，或同名同出生日期；记入审计）",
            DuplicatesRequest,
            County(Records),
            List(After),
            |api, p| api.hq_duplicates(p)
        ),
        method!(
            "hq.duplicate_decide",
            "县局：处理疑似重复人员（同一人则指派给一个警务室；不是同一人则不再提示）",
            DuplicateDecide,
            County(Records),
            Create(WithWrite),
            |api, p| api.hq_duplicate_decide(p)
        ),
    ]
}
