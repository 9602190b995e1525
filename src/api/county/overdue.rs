//! 督办: every overdue item across the posts the caller may see, built from the posts' own
//! overdue lists (the same store functions a post's screens call): agreements not carried
//! out by their deadline (`dispute.overdue_fulfilments`), follow-ups due and not done
//! (`followup.due`), errands past their due date (`errand.overdue`) and hazards not fixed by
//! their deadline (`hazard.overdue`). Each item names its post and village and how many days
//! it is overdue; the list filters, sorts, pages and exports.
//!
//! A hazard's recheck (回头看) has no deadline in the model, so it is not an overdue item.

use std::path::PathBuf;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::super::docs::extension;
use super::super::params::paged_request;
use super::super::{Api, Method, Written, method};
use super::ready::Ready;
use super::{Page, PostFilter};
use crate::docs::xlsx::{self, Cell, Kind, Sheet, col};
use crate::error::{Error, Result};
use crate::store::county::owner::Owners;
use crate::store::county::scope::village_of;
use crate::store::files::Kind as FileKind;
use crate::store::{dispute, errand, prevention};

/// The name the county's overdue list is kept under ([`crate::store::Store::kept`]), and,
/// followed by a station leader's posts, the share of it they may see.
const KEPT: &str = "county::overdue";

/// What is overdue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum OverdueKind {
    /// 协议逾期未履行.
    Fulfilment,
    /// 到期未回访.
    FollowUp,
    /// 代办逾期.
    Errand,
    /// 隐患逾期未整改.
    Hazard,
}

impl OverdueKind {
    /// In Chinese.
    pub fn label(self) -> &'static str {
        match self {
            OverdueKind::Fulfilment => "协议逾期未履行",
            OverdueKind::FollowUp => "到期未回访",
            OverdueKind::Errand => "代办逾期",
            OverdueKind::Hazard => "隐患逾期未整改",
        }
    }
}

/// One overdue item.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OverdueItem {
    /// What is overdue.
    pub kind: OverdueKind,
    /// It in Chinese.
    pub kind_label: &'static str,
    /// The record to open (`hq.record`): the dispute, errand or hazard.
    pub table: String,
    /// Its id.
    pub id: String,
    /// The overdue item itself: the agreement, follow-up, errand or hazard.
    pub item_id: String,
    /// What it is about: the dispute's title, the service and applicant, the hazard.
    pub title: String,
    /// The post it belongs to.
    pub post_id: Option<String>,
    /// That post's name.
    pub post_name: Option<String>,
    /// Its village.
    pub village_id: Option<String>,
    /// That village's name.
    pub village_name: Option<String>,
    /// The deadline or due date, `YYYY-MM-DD`.
    pub due_on: String,
    /// Days past it (0: due today).
    pub days_overdue: i64,
}

/// How the 督办 list is sorted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum OverdueSort {
    /// 逾期最久的在前.
    #[default]
    MostOverdue,
    /// 逾期最短的在前.
    LeastOverdue,
    /// 按警务室，再按逾期天数.
    Post,
    /// 按类别，再按逾期天数.
    Kind,
}

paged_request! {
    /// `hq.overdue` and `hq.overdue_export`.
    #[derive(Default)]
    pub struct OverdueFilter {
        /// 只看这一类.
        #[serde(default)]
        pub kind: Option<OverdueKind>,
        /// 只看该警务室的.
        #[serde(default)]
        pub post_id: Option<String>,
        /// 只看该派出所的警务室的.
        #[serde(default)]
        pub station_id: Option<String>,
        /// 只看该村的.
        #[serde(default)]
        pub village_id: Option<String>,
        /// 至少逾期多少天.
        #[serde(default)]
        pub min_days: Option<i64>,
        /// 排序.
        #[serde(default)]
        pub sort: Option<OverdueSort>,
        /// 导出的 .xlsx 文件（`hq.overdue_export`）.
        #[serde(default)]
        pub path: Option<PathBuf>,
    }
}

/// `hq.overdue`'s reply.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OverduePage {
    /// Items of each kind, after the filter (kind aside).
    pub counts: Vec<(OverdueKind, i64)>,
    /// The page.
    pub page: Page<OverdueItem>,
}

impl Api {
    /// Every overdue item the caller may see, filtered and sorted (not paged).
    fn overdue_items(&mut self, f: &OverdueFilter) -> Result<Vec<OverdueItem>> {
        if let Some(p) = &f.post_id {
            self.require_post_in_scope("post_id", p)?;
        }
        let visible = self.overdue_visible()?;
        let by_post = PostFilter::new(self.store.conn(), f.post_id.as_deref(), f.station_id.as_deref())?;
        let mut items: Vec<OverdueItem> = visible
            .iter()
            .filter(|i| {
                !(f.min_days.is_some_and(|m| i.days_overdue < m)
                    || f.village_id.as_ref().is_some_and(|v| i.village_id.as_ref() != Some(v))
                    || !by_post.keeps(i.post_id.as_ref()))
            })
            .cloned()
            .collect();
        match f.sort.unwrap_or_default() {
            OverdueSort::MostOverdue => items.sort_by_key(|i| std::cmp::Reverse(i.days_overdue)),
            OverdueSort::LeastOverdue => items.sort_by_key(|i| i.days_overdue),
            OverdueSort::Post => items.sort_by(|a, b| {
                (a.post_name.is_none(), &a.post_name, -a.days_overdue).cmp(&(
                    b.post_name.is_none(),
                    &b.post_name,
                    -b.days_overdue,
                ))
            }),
            OverdueSort::Kind => items.sort_by_key(|i| (i.kind, -i.days_overdue)),
        }
        Ok(items)
    }

    /// Every overdue item the caller may see, before the request's filters: the county's
    /// list ([`Api::overdue_county`]) held to the caller's scope. Kept per scope, under the
    /// county list's key.
    pub(super) fn overdue_visible(&mut self) -> Result<Arc<Vec<OverdueItem>>> {
        let key = self.county_stamp()?;
        self.remember(Ready::Overdue, &key);
        if self.scope.is_none() {
            return self.overdue_county(key);
        }
        let whose = self.kept_name(KEPT);
        if let Some(v) = self.store.find_kept(&whose, &key) {
            return Ok(v);
        }
        let county = self.lifted(|api| api.overdue_county(key.clone()))?;
        let mut visible = Vec::new();
        for i in county.iter() {
            if self.row_visible(&i.table, &i.id)? {
                visible.push(i.clone());
            }
        }
        Ok(self.store.keep(&whose, key, visible))
    }

    /// The county's overdue items, each with its village and post: the posts' own lists over
    /// the whole county, kept until `key` changes. Call with no scope's views in force
    /// ([`Api::lifted`] when scoped).
    fn overdue_county(&mut self, key: String) -> Result<Arc<Vec<OverdueItem>>> {
        if let Some(v) = self.store.find_kept(KEPT, &key) {
            return Ok(v);
        }
        let today = self.today();
        // The posts' own lists, read with no scope's views in force (`errand::overdue`
        // names its index, which a view has not), each item with its village and post.
        let conn = self.store.conn();
        let mut raw: Vec<OverdueItem> = Vec::new();
        let mut add =
            |kind: OverdueKind, table: &str, id: String, item_id: String, title: String, due_on: String, days: i64| {
                raw.push(OverdueItem {
                    kind,
                    kind_label: kind.label(),
                    table: table.to_owned(),
                    id,
                    item_id,
                    title,
                    post_id: None,
                    post_name: None,
                    village_id: None,
                    village_name: None,
                    due_on,
                    days_overdue: days,
                })
            };
        for o in dispute::overdue_fulfilments(conn, today)? {
            add(
                OverdueKind::Fulfilment,
                "dispute",
                o.dispute_id,
                o.agreement_id,
                o.title,
                o.performance_deadline,
                o.days_overdue,
            );
        }
        for d in dispute::follow_ups_due(conn, today)? {
            add(OverdueKind::FollowUp, "dispute", d.dispute_id, d.id, d.title, d.due_on, d.days_overdue);
        }
        for e in errand::overdue(conn, today, None)? {
            let title = format!("{}（{}）", e.service_item_name.unwrap_or_default(), e.applicant_name);
            add(OverdueKind::Errand, "errand", e.id.clone(), e.id, title, e.due_on, e.days_overdue);
        }
        for h in prevention::list_hazards(conn, None, None, true, today)? {
            let due = h.deadline.clone().unwrap_or_default();
            let days = crate::model::time::parse_date(&due).map_or(0, |d| (today - d).num_days());
            add(
                OverdueKind::Hazard,
                "hazard",
                h.id.clone(),
                h.id,
                format!("{}：{}", h.place, h.description),
                due,
                days,
            );
        }
        let owners = Owners::load(&self.store, &mut super::assigned)?;
        for i in &mut raw {
            i.village_id = village_of(&self.store, &i.table, &i.id)?;
            i.post_id = owners.of(conn, &i.table, &i.id, i.village_id.as_deref())?.map(str::to_owned);
            i.post_name = i.post_id.as_deref().and_then(|p| owners.post_name(p)).map(str::to_owned);
            i.village_name = i.village_id.as_deref().and_then(|v| owners.village_name(v)).map(str::to_owned);
        }
        Ok(self.store.keep(KEPT, key, raw))
    }

    /// Whether the row is visible through the current call's scope.
    fn row_visible(&self, table: &str, id: &str) -> Result<bool> {
        Ok(self
            .store
            .conn()
            .query_row(&format!("SELECT count(*) FROM {table} WHERE id = ?1"), [id], |r| r.get::<_, i64>(0))?
            > 0)
    }

    /// `hq.overdue`: the 督办 list, a page at a time, with the count of each kind.
    pub fn hq_overdue(&mut self, f: OverdueFilter) -> Result<OverduePage> {
        let all = self.overdue_items(&OverdueFilter { kind: None, ..f.clone() })?;
        let mut counts: Vec<(OverdueKind, i64)> = Vec::new();
        for k in [OverdueKind::Fulfilment, OverdueKind::FollowUp, OverdueKind::Errand, OverdueKind::Hazard] {
            counts.push((k, all.iter().filter(|i| i.kind == k).count() as i64));
        }
        let items: Vec<OverdueItem> = all.into_iter().filter(|i| f.kind.is_none_or(|k| k == i.kind)).collect();
        Ok(OverduePage { counts, page: Page::of(items, f.page, f.page_size) })
    }

    /// `hq.overdue_export`: the 督办 list (every page) as xlsx.
    pub fn hq_overdue_export(&mut self, f: OverdueFilter) -> Result<Written> {
        let path = f.path.clone().ok_or_else(|| Error::validation("path", "请指定导出的 .xlsx 文件"))?;
        if extension(&path) != "xlsx" {
            return Err(Error::validation("path", "督办清单应导出为 .xlsx 文件"));
        }
        self.check_output(FileKind::Xlsx, "path", &path, false)?;
        let items: Vec<OverdueItem> =
            self.overdue_items(&f)?.into_iter().filter(|i| f.kind.is_none_or(|k| k == i.kind)).collect();
        let sheet = Sheet {
            name: format!("督办清单 {}", self.today()),
            columns: vec![
                col("类别", 16.0, Kind::Text),
                col("事项", 40.0, Kind::Text),
                col("警务室", 18.0, Kind::Text),
                col("村（社区）", 14.0, Kind::Text),
                col("期限", 12.0, Kind::Text),
                col("逾期天数", 10.0, Kind::Int),
            ],
            rows: items
                .iter()
                .map(|i| {
                    vec![
                        Cell::from(i.kind_label.to_owned()),
                        Cell::from(i.title.clone()),
                        Cell::from(i.post_name.clone().unwrap_or_else(|| "（未归属）".into())),
                        Cell::from(i.village_name.clone().unwrap_or_default()),
                        Cell::from(i.due_on.clone()),
                        Cell::Int(i.days_overdue),
                    ]
                })
                .collect(),
        };
        self.written(FileKind::Xlsx, &path, false, &xlsx::to_bytes(&[sheet])?, items.len())
    }
}

pub(super) fn methods() -> Vec<Method> {
    vec![
        method!(
            "hq.overdue",
            "县局：督办清单（协议逾期未履行、到期未回访、代办逾期、隐患逾期未整改）",
            OverdueFilter,
            County(Records),
            View(After),
            |api, p| api.hq_overdue(p)
        ),
        method!(
            "hq.overdue_export",
            "县局：导出督办清单（.xlsx）",
            OverdueFilter,
            County(Records),
            Export(EntryFirst),
            |api, p| api.hq_overdue_export(p)
        ),
    ]
}
