//! 预警 at HQ: the rules of [`crate::model::warning`] applied across the posts the caller
//! may see, the county's 预警 list, and the county's adjustments to the rules.
//!
//! HQ holds every post's disputes in one database, so the same gathering a post makes of
//! its own ([`crate::store::warning::risk`]) finds, at HQ, a party's disputes at other posts
//! too: each dispute's post is its owner ([`crate::store::county::owner`]), and a party's
//! dispute owned by another post reads as `CrossPost` (当事人在某警务室另涉纠纷), a reason
//! only HQ can give. A station leader's call reads through the scope, so only the disputes
//! of the station's posts are judged and named.
//!
//! - `hq.warnings` (records roles): the list, each with its level, reasons, post and
//!   village; filtered by level, post or station; audited as a list.
//! - `hq.warning_counts` (every county role, the viewer too): how many at each level, per
//!   post, and nothing else (no title, no party).
//! - `hq.warning_rules` / `hq.warning_rules_save` (the county admin): the rules in force
//!   and the county's adjustments, the `warning_rules` reference row every post receives by
//!   sync.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::super::params::paged_request;
use super::super::{Api, Method, method};
use super::PostFilter;
use super::ready::Ready;
use crate::error::Result;
use crate::model::warning::{Risk, WarningRules};
use crate::model::{DisputeStatus, RiskLevel};
use crate::store::county::owner::Owners;
use crate::store::county::scope::village_of;
use crate::store::county::station;
use crate::store::warning::{self, Warning, WarningCounts, risk};

paged_request! {
    /// `hq.warnings` and `hq.warning_counts`.
    #[derive(Default)]
    pub struct CountyWarningFilter {
        /// 只看这一等级.
        #[serde(default)]
        pub level: Option<RiskLevel>,
        /// 只看该警务室的.
        #[serde(default)]
        pub post_id: Option<String>,
        /// 只看该派出所的警务室的.
        #[serde(default)]
        pub station_id: Option<String>,
    }
}

/// A dispute at risk, as the county's list shows it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CountyWarning {
    /// The dispute (`hq.record` opens it).
    pub dispute_id: String,
    /// 纠纷名称.
    pub title: String,
    /// 受理日期.
    pub received_on: String,
    /// 状态.
    pub status: DisputeStatus,
    /// 状态 in Chinese.
    pub status_label: &'static str,
    /// The post it belongs to.
    pub post_id: Option<String>,
    /// That post's name.
    pub post_name: Option<String>,
    /// Its village.
    pub village_id: Option<String>,
    /// That village's name.
    pub village_name: Option<String>,
    /// Level and reasons (a reason naming another post's record names that post).
    pub risk: Risk,
}

/// `hq.warnings`' reply: the counts after the post and station filters, and a page of the
/// level asked for (all levels when none), the highest first.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CountyWarningPage {
    /// How many at each level.
    pub counts: WarningCounts,
    /// How many open disputes were judged.
    pub judged: u32,
    /// Items in all (of the level asked for).
    pub total: i64,
    /// Page number, from 1.
    pub page: u32,
    /// Page size.
    pub page_size: u32,
    /// This page's items.
    pub items: Vec<CountyWarning>,
}

/// One post's counts.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PostWarningCounts {
    /// The post (none: disputes no post can be said to hold, 未归属).
    pub post_id: Option<String>,
    /// Its name.
    pub name: String,
    /// How many at each level.
    pub counts: WarningCounts,
}

/// `hq.warning_counts`' reply: figures only.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CountyWarningCounts {
    /// The whole (of the filter).
    pub total: WarningCounts,
    /// How many open disputes were judged.
    pub judged: u32,
    /// Per post, by name (posts with none at risk included).
    pub by_post: Vec<PostWarningCounts>,
}

/// `hq.warning_rules_save`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct WarningRulesSave {
    /// The rules: only what differs from the defaults is stored; a field left out takes its
    /// default.
    #[schemars(title = "预警规则")]
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown>"))]
    pub settings: serde_json::Map<String, serde_json::Value>,
}

/// `hq.warning_rules`' reply.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CountyWarningRules {
    /// The rules in force.
    pub rules: WarningRules,
    /// The defaults, to show what the county changed.
    pub defaults: WarningRules,
}

/// Where a dispute belongs: its post and village.
#[derive(Debug, Clone, Default)]
struct Place {
    post: Option<String>,
    village: Option<String>,
}

/// Every open dispute the caller may see, judged, with its place; and the owners (for names).
pub(super) struct CountyJudged {
    items: Vec<(Warning, Place)>,
    owners: Owners,
}

/// The name [`CountyJudged`] is kept under ([`crate::store::Store::kept`]), followed by a
/// station leader's posts.
const KEPT: &str = "county::warning::judged";

impl Api {
    /// Every open dispute the caller may see, judged, with its place and the owners; and the
    /// post or station asked for. The judgement is kept, per scope (the county, or a station
    /// leader's posts: [`Api::kept_name`]), until [`Api::county_stamp`] changes: a write to
    /// HQ's data (a bundle applied, an assignment…), a change to the posts' names, villages or
    /// stations, or the next day.
    pub(super) fn county_judged(&mut self, f: &CountyWarningFilter) -> Result<(Arc<CountyJudged>, PostFilter)> {
        if let Some(p) = &f.post_id {
            self.require_post_in_scope("post_id", p)?;
            station::post(self.store.conn(), "post_id", p)?;
        }
        let by_post = PostFilter::new(self.store.conn(), f.post_id.as_deref(), f.station_id.as_deref())?;
        let today = self.today();
        let whose = self.kept_name(KEPT);
        let key = self.county_stamp()?;
        self.remember(Ready::Warnings, &key);
        if let Some(j) = self.store.find_kept(&whose, &key) {
            return Ok((j, by_post));
        }
        let judged = self.judge_county(today)?;
        Ok((self.store.keep(&whose, key, judged), by_post))
    }

    /// Every open dispute the caller may see, judged afresh.
    fn judge_county(&mut self, today: chrono::NaiveDate) -> Result<CountyJudged> {
        let owners = self.lifted(|api| Owners::load(&api.store, &mut super::assigned))?;
        let store = &self.store;
        let conn = store.conn();
        let rules = warning::rules(conn)?;
        // Each post's own threat words, by the post's node (the `post` row it created).
        let mut own_words: HashMap<String, Vec<String>> = HashMap::new();
        {
            let mut stmt = conn.prepare_cached(
                "SELECT o.origin, p.warning_words FROM main.post p
                 JOIN main.row_origin o ON o.tbl = 'post' AND o.row_id = p.id
                 WHERE p.deleted_at IS NULL AND p.warning_words IS NOT NULL",
            )?;
            for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
                let (node, words) = row?;
                own_words.insert(node, crate::store::json_list(Some(words)));
            }
        }
        let places: RefCell<HashMap<String, Place>> = RefCell::new(HashMap::new());
        let place_of = |id: &str| -> Result<Place> {
            if let Some(p) = places.borrow().get(id) {
                return Ok(p.clone());
            }
            let village = village_of(store, "dispute", id)?;
            let post = owners.of(conn, "dispute", id, village.as_deref())?.map(str::to_owned);
            let p = Place { post, village };
            places.borrow_mut().insert(id.to_owned(), p.clone());
            Ok(p)
        };
        let post_of = |ids: &[String]| -> Result<HashMap<String, String>> {
            let mut out = HashMap::new();
            for id in ids {
                if let Some(name) = place_of(id)?.post.as_deref().and_then(|p| owners.post_name(p)) {
                    out.insert(id.clone(), name.to_owned());
                }
            }
            Ok(out)
        };
        let words_of = |id: &str| -> Vec<String> {
            let post = places.borrow().get(id).and_then(|p| p.post.clone());
            post.and_then(|p| own_words.get(&p).cloned()).unwrap_or_else(|| rules.threat_words.clone())
        };
        let ids = risk::open_ids(conn)?;
        let judged = risk::assess_many(conn, &ids, today, &post_of, &words_of, &rules)?;
        let mut items = Vec::with_capacity(judged.len());
        for w in judged {
            let place = place_of(&w.dispute_id)?;
            items.push((w, place));
        }
        Ok(CountyJudged { items, owners })
    }

    /// `hq.warnings`: the county's 预警 list.
    pub fn hq_warnings(&mut self, f: CountyWarningFilter) -> Result<CountyWarningPage> {
        let (judged, by_post) = self.county_judged(&f)?;
        let kept: Vec<&(Warning, Place)> =
            judged.items.iter().filter(|(_, p)| by_post.keeps(p.post.as_ref())).collect();
        let places: HashMap<&str, &Place> = kept.iter().map(|(w, p)| (w.dispute_id.as_str(), p)).collect();
        let (counts, n, ranked) = risk::rank_of(kept.iter().map(|(w, _)| w), f.level);
        let page = super::Page::of(ranked, f.page, f.page_size);
        let owners = &judged.owners;
        let items: Vec<CountyWarning> = page
            .items
            .into_iter()
            .map(|w| {
                let p = places.get(w.dispute_id.as_str()).copied().cloned().unwrap_or_default();
                CountyWarning {
                    post_name: p.post.as_deref().and_then(|x| owners.post_name(x)).map(str::to_owned),
                    village_name: p.village.as_deref().and_then(|x| owners.village_name(x)).map(str::to_owned),
                    post_id: p.post,
                    village_id: p.village,
                    dispute_id: w.dispute_id.clone(),
                    title: w.title.clone(),
                    received_on: w.received_on.clone(),
                    status: w.status,
                    status_label: w.status_label,
                    risk: w.risk.clone(),
                }
            })
            .collect();
        Ok(CountyWarningPage {
            counts,
            judged: n,
            total: page.total,
            page: page.page,
            page_size: page.page_size,
            items,
        })
    }

    /// `hq.warning_counts`: how many at each level, in all and per post; no record is named.
    pub fn hq_warning_counts(&mut self, f: CountyWarningFilter) -> Result<CountyWarningCounts> {
        let (judged, by_filter) = self.county_judged(&f)?;
        let owners = &judged.owners;
        let judged: Vec<&(Warning, Place)> =
            judged.items.iter().filter(|(_, p)| by_filter.keeps(p.post.as_ref())).collect();
        let mut total = WarningCounts::default();
        let mut by_post: HashMap<Option<String>, WarningCounts> = HashMap::new();
        for p in station::posts(self.store.conn())? {
            let in_filter = f.post_id.as_ref().is_none_or(|x| *x == p.id)
                && f.station_id.as_ref().is_none_or(|s| p.station_id.as_ref() == Some(s));
            if self.sees_post(&p.id) && in_filter {
                by_post.entry(Some(p.id)).or_default();
            }
        }
        for (w, p) in judged.iter().copied() {
            total.add(w.risk.level);
            if w.risk.level.is_some() {
                by_post.entry(p.post.clone()).or_default().add(w.risk.level);
            }
        }
        let mut by_post: Vec<PostWarningCounts> = by_post
            .into_iter()
            .map(|(post_id, counts)| PostWarningCounts {
                name: post_id.as_deref().and_then(|p| owners.post_name(p)).unwrap_or("（未归属）").to_owned(),
                post_id,
                counts,
            })
            .collect();
        by_post.sort_by(|a, b| (a.post_id.is_none(), &a.name).cmp(&(b.post_id.is_none(), &b.name)));
        Ok(CountyWarningCounts { total, judged: judged.len() as u32, by_post })
    }

    /// `hq.warning_rules`: the rules in force and the defaults.
    pub fn hq_warning_rules(&mut self) -> Result<CountyWarningRules> {
        Ok(CountyWarningRules { rules: warning::rules(self.store.conn())?, defaults: WarningRules::default() })
    }

    /// `hq.warning_rules_save`: the county's adjustments, which every post receives with its
    /// next sync.
    pub fn hq_warning_rules_save(&mut self, req: WarningRulesSave) -> Result<CountyWarningRules> {
        self.store.write(|tx| warning::save_rules(tx, &req.settings))?;
        self.hq_warning_rules()
    }
}

pub(super) fn methods() -> Vec<Method> {
    vec![
        method!(
            "hq.warnings",
            "县局：风险预警清单（跨警务室比对当事人；记入审计）",
            CountyWarningFilter,
            County(Records),
            List(After),
            |api, p| api.hq_warnings(p)
        ),
        method!(
            "hq.warning_counts",
            "县局：各警务室风险预警数量（只有数字）",
            CountyWarningFilter,
            County(Figures),
            Unaudited,
            |api, p| api.hq_warning_counts(p)
        ),
        method!(
            "hq.warning_rules",
            "县局：预警规则（分值、期限、词语）",
            super::super::warning::NoWarningParams,
            County(Admin),
            Unaudited,
            |api, _| api.hq_warning_rules()
        ),
        method!(
            "hq.warning_rules_save",
            "县局：修改预警规则（随同步下发各警务室）",
            WarningRulesSave,
            County(Admin),
            Update(WithWrite),
            |api, p| api.hq_warning_rules_save(p)
        ),
    ]
}
