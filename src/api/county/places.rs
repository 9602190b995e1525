//! The county's places and housekeeping: stations (派出所), the posts enrolled at HQ and
//! their one-time enrollment codes, the audit alarms HQ raised about posts' audit chains,
//! and HQ's own audit log.

use schemars::JsonSchema;
use serde::Deserialize;

use super::super::params::paged_request;
use super::super::security::{AuditCheck, Nothing};
use super::super::{Api, Method, method};
use super::Page;
use crate::error::{Error, Result};
use crate::store::audit;
use crate::store::county::station::{self, PostInfo, Station};
use crate::sync::refusals::{self, RefusedRow};
use crate::sync::{self, AuditAlarm, code};

/// `hq.station_save`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct StationSave {
    /// 派出所（修改时填写；新增时省略）.
    #[serde(default)]
    pub id: Option<String>,
    /// 名称，如“青山派出所”.
    #[schemars(title = "派出所名称")]
    pub name: String,
}

paged_request! {
    /// `hq.posts`.
    #[derive(Default)]
    pub struct PostsRequest {
        /// 只列该派出所的警务室.
        #[serde(default)]
        pub station_id: Option<String>,
    }
}

/// `hq.post_update`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct PostUpdate {
    /// 警务室（节点标识）.
    #[schemars(title = "警务室")]
    pub id: String,
    /// 县局对它的称呼.
    #[serde(default)]
    pub name: Option<String>,
    /// 所属派出所.
    #[serde(default)]
    pub station_id: Option<String>,
}

/// `hq.enroll_code`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct EnrollCodeRequest {
    /// 辖区村（社区）代码（12 位统计用区划代码）.
    #[schemars(title = "辖区村（社区）代码")]
    pub villages: Vec<String>,
    /// 警务室名称（县局登记时采用）.
    #[serde(default)]
    pub name: Option<String>,
    /// 所属派出所.
    #[serde(default)]
    pub station_id: Option<String>,
    /// 有效期（小时，默认 72）.
    #[serde(default)]
    pub hours: Option<i64>,
}

paged_request! {
    /// `hq.alarms`.
    #[derive(Default)]
    pub struct AlarmsRequest {
        /// 包括已处理的.
        #[serde(default)]
        pub all: Option<bool>,
    }
}

paged_request! {
    /// `hq.refusals`.
    #[derive(Default)]
    pub struct RefusalsRequest {
        /// 只列该警务室的（节点标识）.
        #[serde(default)]
        pub post: Option<String>,
    }
}

/// `hq.alarm_seen`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct AlarmSeen {
    /// 告警编号.
    #[schemars(title = "告警编号")]
    pub id: i64,
    /// 处理说明：查明的原因（如“警务室 11 月 20 日恢复了备份”）.
    #[schemars(title = "处理原因")]
    pub reason: String,
}

impl Api {
    /// `hq.stations`.
    pub fn hq_stations(&mut self) -> Result<Vec<Station>> {
        station::list(self.store.conn())
    }

    /// `hq.station_save`: a new station, or a station renamed.
    pub fn hq_station_save(&mut self, req: StationSave) -> Result<Station> {
        station::save(self.store.conn(), req.id.as_deref(), &req.name, self.store.clock().now())
    }

    /// `hq.posts`: the posts enrolled at HQ (a station leader's own), by name.
    pub fn hq_posts(&mut self, req: PostsRequest) -> Result<Page<PostInfo>> {
        let all: Vec<PostInfo> = station::posts(self.store.conn())?
            .into_iter()
            .filter(|p| self.sees_post(&p.id))
            .filter(|p| req.station_id.as_ref().is_none_or(|s| p.station_id.as_ref() == Some(s)))
            .collect();
        Ok(Page::of(all, req.page, req.page_size))
    }

    /// `hq.post_update`: HQ's name for a post, and its station.
    pub fn hq_post_update(&mut self, req: PostUpdate) -> Result<PostInfo> {
        station::update_post(self.store.conn(), &req.id, req.name.as_deref(), req.station_id.as_deref())
    }

    /// `hq.enroll_code`: a one-time code that enrolls a post with its villages, filed under
    /// its station. Shown once.
    pub fn hq_enroll_code_for(&mut self, req: EnrollCodeRequest) -> Result<code::IssuedCode> {
        code::issue(
            &mut self.store,
            &req.villages,
            req.name.as_deref(),
            req.station_id.as_deref(),
            req.hours.unwrap_or(code::DEFAULT_HOURS),
        )
    }

    /// `hq.enroll_codes`: the codes issued, without the codes themselves.
    pub fn hq_enroll_codes(&mut self) -> Result<Vec<code::CodeRecord>> {
        code::issued(&self.store)
    }

    /// `hq.alarms`: alarms about the posts' audit chains (a station leader's posts'), newest
    /// first; unseen ones unless `all`.
    pub fn hq_alarms(&mut self, req: AlarmsRequest) -> Result<Page<AuditAlarm>> {
        let all: Vec<AuditAlarm> = sync::audit_alarms(self.store.conn(), req.all.unwrap_or(false))?
            .into_iter()
            .filter(|a| self.sees_post(&a.post))
            .collect();
        Ok(Page::of(all, req.page, req.page_size))
    }

    /// `hq.refusals`: the rows HQ did not take from the posts' bundles (a station leader's
    /// posts', or one post's), newest first, with what each row is and why.
    pub fn hq_refusals(&mut self, req: RefusalsRequest) -> Result<Page<RefusedRow>> {
        if let Some(post) = &req.post {
            self.require_post_in_scope("post", post)?;
        }
        let ids: Vec<i64> = refusals::numbers(self.store.conn())?
            .into_iter()
            .filter(|(_, post)| self.sees_post(post) && req.post.as_ref().is_none_or(|p| p == post))
            .map(|(id, _)| id)
            .collect();
        let page = Page::of(ids, req.page, req.page_size);
        let items = refusals::numbered(self.store.conn(), &page.items)?;
        Ok(Page { total: page.total, page: page.page, page_size: page.page_size, items })
    }

    /// `hq.alarm_seen`: marks an alarm seen, with the reason found.
    pub fn hq_alarm_seen(&mut self, req: AlarmSeen) -> Result<AuditAlarm> {
        if req.reason.trim().is_empty() {
            return Err(Error::validation("reason", "请填写处理说明：查明的原因"));
        }
        self.hq_see_audit_alarm(req.id, Some(&req.reason))
    }

    /// `hq.audit`: HQ's own audit log, newest first.
    pub fn hq_audit(&mut self, filter: audit::Filter) -> Result<audit::Page> {
        audit::list(self.store.conn(), &filter)
    }

    /// `hq.audit_verify`: walks HQ's audit chain.
    pub fn hq_audit_verify(&mut self) -> Result<AuditCheck> {
        self.audit_verify()
    }
}

pub(super) fn methods() -> Vec<Method> {
    vec![
        method!("hq.stations", "县局：派出所列表", Nothing, County(Figures), Unaudited, |api, _| api
            .hq_stations()),
        method!(
            "hq.station_save",
            "县局：新增或修改派出所（县局管理员）",
            StationSave,
            County(Admin),
            Update(WithWrite),
            |api, p| api.hq_station_save(p)
        ),
        method!("hq.posts", "县局：已登记的警务室", PostsRequest, County(Figures), Unaudited, |api, p| api
            .hq_posts(p)),
        method!(
            "hq.post_update",
            "县局：修改警务室名称或所属派出所（县局管理员）",
            PostUpdate,
            County(Admin),
            Update(WithWrite),
            |api, p| api.hq_post_update(p)
        ),
        method!(
            "hq.enroll_code",
            "县局：发放一次性登记码（辖区村、所属派出所；县局管理员）",
            EnrollCodeRequest,
            County(Admin),
            Create(WithWrite),
            |api, p| api.hq_enroll_code_for(p)
        ),
        method!(
            "hq.enroll_codes",
            "县局：已发放的登记码（不含码本身）",
            Nothing,
            County(Admin),
            Unaudited,
            |api, _| api.hq_enroll_codes()
        ),
        method!(
            "hq.alarms",
            "县局：审计告警（警务室审计日志与锚点不符）",
            AlarmsRequest,
            County(Records),
            Unaudited,
            |api, p| api.hq_alarms(p)
        ),
        method!(
            "hq.refusals",
            "县局：未采用的变更（警务室同步包中越出辖区等未被县局采用的记录及原因）",
            RefusalsRequest,
            County(Records),
            List(After),
            |api, p| api.hq_refusals(p)
        ),
        method!(
            "hq.alarm_seen",
            "县局：审计告警标记为已处理（须写明原因）",
            AlarmSeen,
            County(Admin),
            Update(WithWrite),
            |api, p| api.hq_alarm_seen(p)
        ),
        method!(
            "hq.audit",
            "县局：县局的审计日志（县局管理员）",
            audit::Filter,
            County(Admin),
            Unaudited,
            |api, p| api.hq_audit(p)
        ),
        method!(
            "hq.audit_verify",
            "县局：校验县局审计日志（县局管理员）",
            Nothing,
            County(Admin),
            Unaudited,
            |api, _| api.hq_audit_verify()
        ),
    ]
}
