//! The county's figures: the overview of posts (总览) and the month's statistics (统计),
//! computed by the core's own [`crate::docs::stats`] over the posts the caller may see,
//! split by post and by village, with the six-month trend, the records behind a figure and
//! the export.
//!
//! One gathering of the month's records (through the caller's scope) is split by the post
//! each record belongs to ([`crate::store::county::owner`]) and by village; each share is
//! computed by the same [`stats::compute`], so the shares add up to the total.

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::super::docs::{extension, month};
use super::super::params::paged_request;
use super::super::{Api, Method, Written, method};
use super::Page;
use super::ready::{self, Ready};
use crate::docs::report;
use crate::docs::stats::{
    self, AgreementCounts, DisputeFigures, ErrandFigures, Facts, Figure, FollowUpFigures, MonthStats, Slice,
};
use crate::docs::{Month, xlsx};
use crate::error::{Error, Result};
use crate::model::time::parse_instant;
use crate::store::county::owner::Owners;
use crate::store::county::scope::Scope;
use crate::store::county::station;
use crate::store::files::Kind;
use crate::store::prevention::month_figures;

/// A post that has not synced for this many days stands out in the overview.
pub const SILENT_DAYS: i64 = 7;

/// The name the county's statistics are kept under ([`crate::store::Store::kept`]), followed
/// by a station leader's posts and the post or station asked for.
const KEPT: &str = "county::figures::stats";

paged_request! {
    /// `hq.overview`.
    #[derive(Default)]
    pub struct OverviewRequest {
        /// 只看该派出所的警务室.
        #[serde(default)]
        pub station_id: Option<String>,
        /// 只看 7 天以上未同步的.
        #[serde(default)]
        pub silent_only: Option<bool>,
    }
}

/// One post in the overview.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PostRow {
    /// The post's node id.
    pub id: String,
    /// 名称.
    pub name: String,
    /// 所属派出所.
    pub station_id: Option<String>,
    /// 派出所名称.
    pub station_name: Option<String>,
    /// 辖区: village codes.
    pub villages: Vec<String>,
    /// 上次同步 (RFC 3339), if ever.
    pub last_sync_at: Option<String>,
    /// Days since the last sync (since enrollment, if it never synced).
    pub days_since: i64,
    /// Silent for [`SILENT_DAYS`] days or more.
    pub silent: bool,
    /// Changes HQ holds for it, not yet acknowledged (before jurisdiction filtering; see
    /// `sync::pending_counts`).
    pub pending: i64,
    /// Unresolved sync conflicts at HQ involving its changes.
    pub open_conflicts: i64,
    /// Audit alarms about it not yet marked seen.
    pub alarms: i64,
}

/// The overview's totals over every post the caller may see.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OverviewTotals {
    /// Posts.
    pub posts: i64,
    /// Silent for 7 days or more (or never synced for as long).
    pub silent: i64,
    /// Pending changes.
    pub pending: i64,
    /// Open conflicts.
    pub open_conflicts: i64,
    /// Unseen audit alarms.
    pub alarms: i64,
}

/// `hq.overview`'s reply.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Overview {
    /// HQ's name.
    pub hq_name: String,
    /// Today (Beijing), `YYYY-MM-DD`.
    pub today: String,
    /// Totals.
    pub totals: OverviewTotals,
    /// The posts, silent ones first, then by name.
    pub posts: Page<PostRow>,
}

/// `hq.stats` and `hq.stats_export`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct StatsRequest {
    /// 月份, `YYYY-MM`.
    #[schemars(title = "月份")]
    pub month: String,
    /// 只统计该警务室.
    #[serde(default)]
    pub post_id: Option<String>,
    /// 只统计该派出所的警务室.
    #[serde(default)]
    pub station_id: Option<String>,
    /// 导出的文件（`hq.stats_export`）：.pdf 或 .xlsx.
    #[serde(default)]
    pub path: Option<PathBuf>,
}

/// The main figures of a share of the county (a post, a village).
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Breakdown {
    /// 纠纷.
    pub disputes: DisputeFigures,
    /// 协议.
    pub agreements: AgreementCounts,
    /// 回访.
    pub follow_ups: FollowUpFigures,
    /// 代办.
    pub errands: ErrandFigures,
    /// 警情.
    pub incidents: i64,
    /// 走访（户次）.
    pub visits: i64,
}

impl From<&MonthStats> for Breakdown {
    fn from(s: &MonthStats) -> Breakdown {
        Breakdown {
            disputes: s.disputes.clone(),
            agreements: s.agreements.clone(),
            follow_ups: s.follow_ups.clone(),
            errands: s.errands.clone(),
            incidents: s.incidents_total,
            visits: s.visits,
        }
    }
}

/// A post's share.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PostFigures {
    /// The post (none: records no post can be said to hold, 未归属).
    pub post_id: Option<String>,
    /// Its name.
    pub name: String,
    /// Its station's name.
    pub station_name: Option<String>,
    /// Figures.
    pub figures: Breakdown,
}

/// A village's share.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VillageFigures {
    /// The village (none: records with no village).
    pub village_id: Option<String>,
    /// Its name.
    pub name: String,
    /// The post whose villages hold it.
    pub post_id: Option<String>,
    /// That post's name.
    pub post_name: Option<String>,
    /// Figures.
    pub figures: Breakdown,
}

/// One month of the trend.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TrendPoint {
    /// `YYYY-MM`.
    pub month: String,
    /// Its figures.
    pub figures: Breakdown,
}

/// `hq.stats`'s reply.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CountyStats {
    /// `YYYY-MM`.
    pub month: String,
    /// What the figures cover: 全县, a station or a post.
    pub scope: String,
    /// When they were computed (RFC 3339): HQ's data as it stood then, every sync taken in
    /// by then counted. Kept until HQ's data changes, and made again soon after it does
    /// (see `api::county::ready`).
    pub as_of: String,
    /// The month's statistics over it, as a post's `stats.month` computes them.
    pub total: MonthStats,
    /// By post (the post each record belongs to), by name.
    pub by_post: Vec<PostFigures>,
    /// By village, by post then name.
    pub by_village: Vec<VillageFigures>,
    /// The six months up to this one, oldest first.
    pub trend: Vec<TrendPoint>,
    /// Whether HQ's data has changed since `as_of` and HQ is making these figures again
    /// (`fengqiao-hq serve`): they are the last made, at most [`ready::LAST_MADE_FOR`] old;
    /// ask again in a moment for the new ones.
    pub refreshing: bool,
}

paged_request! {
    /// `hq.stats_records`: the records behind a figure.
    pub struct StatsRecordsRequest {
        /// 月份, `YYYY-MM`.
        #[schemars(title = "月份")]
        pub month: String,
        /// 哪个数字.
        #[schemars(title = "统计项")]
        pub figure: Figure,
        /// 只看该警务室的.
        #[serde(default)]
        pub post_id: Option<String>,
        /// 只看该派出所的.
        #[serde(default)]
        pub station_id: Option<String>,
        /// 只看该村的.
        #[serde(default)]
        pub village_id: Option<String>,
    }
}

/// A record behind a figure, as the list shows it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RecordRef {
    /// Its table (open it with `hq.record`).
    pub table: String,
    /// Its id.
    pub id: String,
    /// What kind of record, e.g. 矛盾纠纷.
    pub kind: String,
    /// What it is about (a dispute's title, a household's address).
    pub subject: Option<String>,
    /// Its village.
    pub village_name: Option<String>,
    /// The post it belongs to.
    pub post_id: Option<String>,
    /// That post's name.
    pub post_name: Option<String>,
}

fn days_between(from: Option<&str>, today: NaiveDate) -> Option<i64> {
    let t = parse_instant(from?)?;
    Some((today - t.with_timezone(&crate::model::time::beijing()).date_naive()).num_days())
}

impl Api {
    /// The owners of rows, read with the call's scope lifted (an owner does not depend on
    /// who asks).
    fn owners(&mut self) -> Result<Owners> {
        self.lifted(|api| Owners::load(&api.store, &mut super::assigned))
    }

    /// `hq.overview`: every post the caller may see, with its last sync, what waits for it,
    /// conflicts and alarms; silent posts first.
    pub fn hq_overview(&mut self, req: OverviewRequest) -> Result<Overview> {
        let today = self.today();
        let pending = self.lifted(|api| crate::sync::pending_counts(&api.store))?;
        let infos = station::posts(self.store.conn())?;
        let conn = self.store.conn();
        let mut conflicts = conn.prepare_cached(
            "SELECT count(*) FROM conflict WHERE resolved_at IS NULL AND (loser_origin = ?1 OR winner_origin = ?1)",
        )?;
        let mut alarms = conn.prepare_cached("SELECT count(*) FROM audit_alarm WHERE post = ?1 AND seen_at IS NULL")?;
        let mut rows = Vec::new();
        for p in infos.into_iter().filter(|p| self.sees_post(&p.id)) {
            if req.station_id.as_ref().is_some_and(|s| p.station_id.as_ref() != Some(s)) {
                continue;
            }
            let days = days_between(p.last_sync_at.as_deref().or(Some(&p.enrolled_at)), today).unwrap_or(0);
            rows.push(PostRow {
                pending: pending.get(&p.id).copied().unwrap_or(0),
                open_conflicts: conflicts.query_row([&p.id], |r| r.get(0))?,
                alarms: alarms.query_row([&p.id], |r| r.get(0))?,
                silent: days >= SILENT_DAYS,
                days_since: days,
                id: p.id,
                name: p.name,
                station_id: p.station_id,
                station_name: p.station_name,
                villages: p.villages,
                last_sync_at: p.last_sync_at,
            });
        }
        let totals = OverviewTotals {
            posts: rows.len() as i64,
            silent: rows.iter().filter(|r| r.silent).count() as i64,
            pending: rows.iter().map(|r| r.pending).sum(),
            open_conflicts: rows.iter().map(|r| r.open_conflicts).sum(),
            alarms: rows.iter().map(|r| r.alarms).sum(),
        };
        if req.silent_only == Some(true) {
            rows.retain(|r| r.silent);
        }
        rows.sort_by(|a, b| b.silent.cmp(&a.silent).then_with(|| a.name.cmp(&b.name)));
        Ok(Overview {
            hq_name: crate::sync::name(&self.store)?,
            today: today.to_string(),
            totals,
            posts: Page::of(rows, req.page, req.page_size),
        })
    }

    /// The posts a figures request covers (`None`: all the caller may see) and its label.
    fn narrowed(&mut self, post: Option<&str>, station_id: Option<&str>) -> Result<(Option<Scope>, String)> {
        let conn = self.store.conn();
        if let Some(p) = post {
            let info = station::post(conn, "post_id", p)?;
            self.require_post_in_scope("post_id", p)?;
            let scope =
                self.lifted(|api| Scope::of_posts(&api.store, std::slice::from_ref(&info.id), &mut super::assigned))?;
            return Ok((Some(scope), info.name));
        }
        if let Some(s) = station_id {
            let st = station::require(conn, "station_id", s)?;
            let posts = station::post_ids(conn, "station_id", s)?;
            if let Some(p) = posts.iter().find(|p| !self.sees_post(p)) {
                self.require_post_in_scope("station_id", p)?;
            }
            let scope = self.lifted(|api| Scope::of_posts(&api.store, &posts, &mut super::assigned))?;
            return Ok((Some(scope), st.name));
        }
        let label = match &self.scope {
            None => "全县".to_owned(),
            Some(scope) => scope
                .station
                .as_ref()
                .and_then(|s| station::get(conn, s).ok().flatten())
                .map_or_else(|| "本派出所".into(), |s| s.name),
        };
        Ok((None, label))
    }

    /// `hq.stats`: the month's statistics over the posts the caller may see (or one post or
    /// station of them), by post and by village, with the six-month trend. Kept, per scope
    /// and what it is narrowed to, until a write to HQ's data (a bundle
    /// applied, an assignment…), a change to the posts' names, villages or stations, the
    /// next day or another month asked for, as the county's warnings are. While a server
    /// makes them again after such a change ([`Api::make_ready_in_background`]), a call
    /// landing meanwhile gets the figures last made, marked `refreshing`, if they are at
    /// most [`ready::LAST_MADE_FOR`] old.
    pub fn hq_stats(&mut self, req: StatsRequest) -> Result<CountyStats> {
        self.month_stats(req, true)
    }

    /// `hq.stats` as of HQ's data now (`last_made`: or the figures last made, as
    /// [`Api::hq_stats`] says).
    fn month_stats(&mut self, req: StatsRequest, last_made: bool) -> Result<CountyStats> {
        let m = month("month", &req.month)?;
        let (narrow, label) = self.narrowed(req.post_id.as_deref(), req.station_id.as_deref())?;
        let today = self.today();
        let whose = self.stats_name(&req);
        let stamp = self.county_stamp()?;
        let asked =
            Ready::Stats { month: req.month.clone(), post_id: req.post_id.clone(), station_id: req.station_id.clone() };
        let key = stats_key(m, &stamp);
        let kept = self.store.find_kept::<CountyStats>(&whose, &key);
        if kept.is_none()
            && let Some(s) = last_made.then(|| self.last_made(&whose, m)).flatten()
        {
            // Remembered as not made under HQ's data as it stands: the server makes it.
            self.remember(asked, "");
            return Ok(s);
        }
        self.remember(asked, &stamp);
        if let Some(s) = kept {
            return Ok((*s).clone());
        }
        let s = self.county_stats(m, today, narrow, label, &whose, &stamp)?;
        Ok((*self.store.keep(&whose, key, s)).clone())
    }

    /// The month `m`'s figures kept as `whose` under an earlier stamp, marked `refreshing`,
    /// when a server makes them again and they were made at most [`ready::LAST_MADE_FOR`] ago.
    fn last_made(&self, whose: &str, m: Month) -> Option<CountyStats> {
        if !self.made_in_background {
            return None;
        }
        let s = self.store.last_kept::<CountyStats>(whose)?;
        let age = self.store.clock().now() - parse_instant(&s.as_of)?;
        let recent = age >= chrono::Duration::zero() && age.to_std().ok()? <= ready::LAST_MADE_FOR;
        (s.month == m.to_string() && recent).then(|| CountyStats { refreshing: true, ..(*s).clone() })
    }

    /// The name `hq.stats` keeps `req`'s figures under for this caller.
    fn stats_name(&self, req: &StatsRequest) -> String {
        format!(
            "{} {} {}",
            self.kept_name(KEPT),
            req.post_id.as_deref().unwrap_or_default(),
            req.station_id.as_deref().unwrap_or_default()
        )
    }

    /// One step of making `req`'s figures ready (`api::county::ready`): one earlier month
    /// of the trend not yet kept under HQ's data as it stands, or, once they all are, the
    /// month itself (as `hq.stats` makes it, reading those months from where they are
    /// kept). Returns whether the figures are now kept. In steps so that HQ's lock is held
    /// for one month's reading at a time, not a station leader's whole computation.
    pub(super) fn stats_step(&mut self, req: StatsRequest) -> Result<bool> {
        let m = month("month", &req.month)?;
        let whose = self.stats_name(&req);
        let stamp = self.county_stamp()?;
        if self.store.find_kept::<CountyStats>(&whose, &stats_key(m, &stamp)).is_some() {
            return Ok(true);
        }
        let missing = trend_months(m)
            .into_iter()
            .filter(|mm| *mm != m)
            .find(|mm| self.store.find_kept::<Breakdown>(&trend_name(&whose, *mm), &stamp).is_none());
        let Some(mm) = missing else {
            self.month_stats(req, false)?;
            return Ok(true);
        };
        let (narrow, _) = self.narrowed(req.post_id.as_deref(), req.station_id.as_deref())?;
        let today = self.today();
        self.within(narrow, |api| trend_point(api, &whose, &stamp, mm, today))?;
        Ok(false)
    }

    /// The month's statistics computed afresh over the caller's scope, or `narrow` within it;
    /// the trend's earlier months are kept on their own under `whose` and `stamp`.
    fn county_stats(
        &mut self,
        m: Month,
        today: NaiveDate,
        narrow: Option<Scope>,
        label: String,
        whose: &str,
        stamp: &str,
    ) -> Result<CountyStats> {
        let as_of = crate::model::time::stamp(self.store.clock().now());
        let owners = self.owners()?;
        self.within(narrow, |api| {
            let conn = api.store.conn();
            let facts = stats::gather(conn, m)?;
            let mut total = stats::compute(m, today, &facts);
            total.prevention = month_figures(conn, m.first())?;
            let visible: Vec<String> =
                station::posts(conn)?.into_iter().map(|p| p.id).filter(|p| api.sees_post(p)).collect();
            let (by_post, by_village) = split(conn, &owners, &visible, m, today, &facts)?;
            let mut trend = Vec::new();
            for mm in trend_months(m) {
                let figures =
                    if mm == m { Breakdown::from(&total) } else { trend_point(api, whose, stamp, mm, today)? };
                trend.push(TrendPoint { month: mm.to_string(), figures });
            }
            Ok(CountyStats {
                month: m.to_string(),
                scope: label,
                as_of,
                total,
                by_post,
                by_village,
                trend,
                refreshing: false,
            })
        })
    }

    /// `hq.stats_export`: the county's month as a one-page PDF report or an xlsx (with a
    /// sheet by post), by the file's extension.
    pub fn hq_stats_export(&mut self, req: StatsRequest) -> Result<Written> {
        let path = req.path.clone().ok_or_else(|| Error::validation("path", "请指定导出的文件（.pdf 或 .xlsx）"))?;
        let ext = extension(&path);
        let kind = match ext.as_str() {
            "pdf" => Kind::Pdf,
            "xlsx" => Kind::Xlsx,
            _ => return Err(Error::validation("path", "输出文件应以 .pdf 或 .xlsx 结尾")),
        };
        self.check_output(kind, "path", &path, false)?;
        let s = self.month_stats(req, false)?;
        let today = self.today();
        let title = format!("{}（{}）", crate::sync::name(&self.store)?, s.scope);
        if kind == Kind::Pdf {
            return self.write_pdf(&report::document(&s.total, &title, today), &path, false);
        }
        let mut sheets = report::sheets(&s.total);
        let slices: Vec<Slice> =
            s.by_post.iter().map(|p| Slice { name: p.name.clone(), figures: p.figures.disputes.clone() }).collect();
        sheets.push(report::figure_sheet(&format!("按警务室 {}", s.month), "警务室", &slices));
        self.written(kind, &path, false, &xlsx::to_bytes(&sheets)?, s.by_post.len())
    }

    /// `hq.stats_records`: the records a figure counts (within the caller's scope, and the
    /// post, station or village asked for), a page at a time.
    pub fn hq_stats_records(&mut self, req: StatsRecordsRequest) -> Result<Page<RecordRef>> {
        let m = month("month", &req.month)?;
        let (narrow, _) = self.narrowed(req.post_id.as_deref(), req.station_id.as_deref())?;
        let owners = self.owners()?;
        let today = self.today();
        self.within(narrow, |api| {
            let conn = api.store.conn();
            let facts = stats::gather(conn, m)?;
            let mut all = Vec::new();
            for b in stats::behind(req.figure, m, today, &facts) {
                if req.village_id.as_ref().is_some_and(|v| b.village_id.as_ref() != Some(v)) {
                    continue;
                }
                let post = owners.of(conn, b.table, &b.id, b.village_id.as_deref())?.map(str::to_owned);
                all.push((b, post));
            }
            let page = Page::of(all, req.page, req.page_size);
            let mut items = Vec::new();
            for (b, post) in page.items {
                let (kind, subject) = crate::sync::assign::describe(conn, b.table, &b.id)?;
                items.push(RecordRef {
                    table: b.table.to_owned(),
                    kind,
                    subject,
                    village_name: b.village_id.as_deref().and_then(|v| owners.village_name(v)).map(str::to_owned),
                    post_name: post.as_deref().and_then(|p| owners.post_name(p)).map(str::to_owned),
                    post_id: post,
                    id: b.id,
                });
            }
            Ok(Page { total: page.total, page: page.page, page_size: page.page_size, items })
        })
    }
}

/// The six months of the trend up to `m`, oldest first.
fn trend_months(m: Month) -> Vec<Month> {
    let mut months = vec![m];
    let mut at = m;
    for _ in 0..5 {
        at = Month::of(at.first().pred_opt().unwrap_or(at.first()));
        months.push(at);
    }
    months.reverse();
    months
}

/// The key `hq.stats` keeps month `m`'s figures under, made under HQ's `stamp`.
fn stats_key(m: Month, stamp: &str) -> String {
    format!("{m} {stamp}")
}

/// The name an earlier month of the trend is kept under, beside the figures kept as `whose`.
fn trend_name(whose: &str, mm: Month) -> String {
    format!("{whose} trend {mm}")
}

/// An earlier month of the trend over the scope `api` reads through, kept under `whose` and
/// HQ's `stamp` (a write makes it again, as it does the figures).
fn trend_point(api: &Api, whose: &str, stamp: &str, mm: Month, today: NaiveDate) -> Result<Breakdown> {
    let point = api.store.kept(&trend_name(whose, mm), stamp.to_owned(), || {
        Ok(Breakdown::from(&stats::month_totals(api.store.conn(), mm, today)?))
    })?;
    Ok((*point).clone())
}

/// The month's facts split by the post each record belongs to (every post in `visible`
/// appears) and by village, each share computed by [`stats::compute_share`].
fn split(
    conn: &rusqlite::Connection,
    owners: &Owners,
    visible: &[String],
    m: Month,
    today: NaiveDate,
    facts: &Facts,
) -> Result<(Vec<PostFigures>, Vec<VillageFigures>)> {
    // The owner of every fact, once.
    let mut owner_of: HashMap<(&str, &str), Option<&str>> = HashMap::new();
    for (table, id, village) in facts.rows() {
        if let std::collections::hash_map::Entry::Vacant(e) = owner_of.entry((table, id)) {
            e.insert(owners.of(conn, table, id, village)?);
        }
    }
    let mut shares = facts.partition(|t, id, _| owner_of.get(&(t, id)).copied().flatten());
    // Every visible post appears, with zeros when it had nothing this month.
    for p in visible {
        shares.entry(Some(p)).or_default();
    }
    let infos = station::posts(conn)?;
    let mut by_post = Vec::new();
    for (post, share) in shares {
        let s = stats::compute_share(m, today, &share);
        let info = post.and_then(|p| infos.iter().find(|i| i.id == p));
        by_post.push(PostFigures {
            name: info.map_or_else(|| "（未归属）".into(), |i| i.name.clone()),
            station_name: info.and_then(|i| i.station_name.clone()),
            post_id: post.map(str::to_owned),
            figures: Breakdown::from(&s),
        });
    }
    by_post.sort_by(|a, b| (a.post_id.is_none(), &a.name).cmp(&(b.post_id.is_none(), &b.name)));
    let mut by_village = Vec::new();
    for (village, share) in facts.partition(|_, _, v| v) {
        let s = stats::compute_share(m, today, &share);
        let post = village.and_then(|v| owners.of_village(v));
        by_village.push(VillageFigures {
            name: village.and_then(|v| owners.village_name(v)).unwrap_or("（未填村）").to_owned(),
            post_name: post.and_then(|p| owners.post_name(p)).map(str::to_owned),
            post_id: post.map(str::to_owned),
            village_id: village.map(str::to_owned),
            figures: Breakdown::from(&s),
        });
    }
    by_village.sort_by(|a, b| {
        (a.post_name.is_none(), &a.post_name, &a.name).cmp(&(b.post_name.is_none(), &b.post_name, &b.name))
    });
    Ok((by_post, by_village))
}

pub(super) fn methods() -> Vec<Method> {
    vec![
        method!(
            "hq.overview",
            "县局：总览（各警务室上次同步、待发送变更、冲突、审计告警；7 天未同步的在前）",
            OverviewRequest,
            County(Figures),
            Unaudited,
            |api, p| api.hq_overview(p)
        ),
        method!(
            "hq.stats",
            "县局：月度统计（全县或本所；按警务室、按村，近六个月趋势）",
            StatsRequest,
            County(Figures),
            Unaudited,
            |api, p| api.hq_stats(p)
        ),
        method!(
            "hq.stats_export",
            "县局：导出月度统计（.pdf 或 .xlsx）",
            StatsRequest,
            County(Figures),
            Export(EntryFirst),
            |api, p| api.hq_stats_export(p)
        ),
        method!(
            "hq.stats_records",
            "县局：统计数字背后的记录",
            StatsRecordsRequest,
            County(Records),
            View(After),
            |api, p| api.hq_stats_records(p)
        ),
    ]
}
