//! The county console's methods at HQ (`hq.*`), with their gate: who may call each
//! ([`permission`]), the scope a station leader is held to (applied to every read of the
//! call, see [`crate::store::county::scope`]), and the audit entry made with the county
//! login.
//!
//! - [`session`]: county logins: [`Api::login`] (password, then the TOTP second factor),
//!   [`Api::call_as`] (one call for the session behind a token), the accounts.
//! - [`places`]: stations, posts, enrollment codes, audit alarms, HQ's audit log.
//! - [`figures`]: the overview and the county's statistics.
//! - [`records`]: person search, one record, assignments.
//! - [`overdue`]: the 督办 list across posts.
//! - [`warning`]: 预警 across posts, the county's counts and the warning rules.
//! - [`duplicates`]: 疑似重复人员 of two posts, and a decision on each pair.
//! - [`ready`]: the slow kept results made again after a write, before they are asked for.

pub mod duplicates;
pub mod figures;
pub mod overdue;
pub mod permission;
pub mod places;
pub mod ready;
pub mod records;
pub mod session;
pub mod warning;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::Serialize;

use super::{Api, CountyCaller, Method};
use crate::api::permission::Need;
use crate::error::{Error, Result};
use crate::model::CountyRole;
use crate::store::Store;
use crate::store::county::scope::{self, Scope};
use crate::sync::NodeRole;

pub use duplicates::{DuplicateDecide, DuplicateDecided, DuplicatePair, DuplicateSide, DuplicatesRequest};
pub use figures::{CountyStats, Overview, PostRow, StatsRecordsRequest, StatsRequest};
pub use overdue::{OverdueFilter, OverdueItem, OverdueKind, OverduePage};
pub use places::{AlarmSeen, AlarmsRequest, EnrollCodeRequest, PostUpdate, RefusalsRequest, StationSave};
pub use records::{AssignRequest, RecordRequest, RecordView};
pub use session::{CountyLogin, CountySessionInfo, CountyUserInput, LoginReply, PasswordChange, Unlock};
pub use warning::{
    CountyWarning, CountyWarningCounts, CountyWarningFilter, CountyWarningPage, CountyWarningRules, PostWarningCounts,
    WarningRulesSave,
};

/// The prefix of the county's methods.
pub const PREFIX: &str = "hq.";

/// A page of a county list.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Page<T> {
    /// Items in all.
    pub total: i64,
    /// Page number, from 1.
    pub page: u32,
    /// Page size.
    pub page_size: u32,
    /// This page's items.
    pub items: Vec<T>,
}

impl<T> Page<T> {
    /// The page `page` of `all` (pages count from 1; size 1–500, 50 by default).
    pub fn of(all: Vec<T>, page: Option<u32>, page_size: Option<u32>) -> Page<T> {
        let page = page.unwrap_or(1).max(1);
        let page_size = page_size.unwrap_or(50).clamp(1, 500);
        let total = all.len() as i64;
        let skip = (page as usize - 1).saturating_mul(page_size as usize);
        Page { total, page, page_size, items: all.into_iter().skip(skip).take(page_size as usize).collect() }
    }
}

/// The rows HQ assigned to `post` and every row hanging from them (sync's rule), for the
/// store's scope and owners.
pub(crate) fn assigned(store: &Store, post: &str) -> Result<std::collections::BTreeSet<(String, String)>> {
    crate::sync::assign::assigned_with_dependants(store.conn(), store.columns(), post)
}

/// Refuses the county's methods on a node that is not HQ.
pub(crate) fn require_hq(store: &Store) -> Result<()> {
    if crate::sync::role(store)? != NodeRole::Hq {
        return Err(Error::rule("这是警务室的数据库：县局的功能只在县局节点上提供"));
    }
    Ok(())
}

impl Api {
    /// The county part of the gate: the method must be one a county login may call and the
    /// role must allow it (a refusal is audited). Returns the scope the call is held to (a
    /// station leader's), `None` for county-wide roles.
    pub(crate) fn admit_county(
        &mut self,
        method: &str,
        (need, what): (Need, &'static str),
        login: &str,
        caller: &CountyCaller,
        target: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Option<Scope>> {
        match need {
            Need::NoSession => return Ok(None),
            Need::County(need) if permission::allows(need, caller.role) => {}
            Need::County(need) => {
                self.denied(now, login, method, target)?;
                return Err(Error::Forbidden {
                    message: format!("{}无权执行“{what}”，只有{}可以", caller.role.label(), permission::who(need)),
                });
            }
            _ => {
                self.denied(now, login, method, target)?;
                return Err(Error::Forbidden { message: "县局账号只能使用县局控制台的功能".into() });
            }
        }
        match (caller.role, &caller.station_id) {
            (CountyRole::StationLeader, Some(station)) => {
                Ok(Some(Scope::of_station(&self.store, station, &mut assigned)?))
            }
            // A station leader without a station sees nothing rather than everything.
            (CountyRole::StationLeader, None) => Ok(Some(Scope::default())),
            _ => Ok(None),
        }
    }

    /// Runs `f` with every read held to `scope`: the scope's views stand in front of the
    /// tables on the store's connection for the length of `f`.
    pub(crate) fn in_scope<T>(&mut self, scope: Scope, f: impl FnOnce(&mut Api) -> Result<T>) -> Result<T> {
        self.unshadow()?;
        if self.views.is_none() {
            self.views = Some(scope::views(self.store.columns()));
        }
        // Each time: a transaction rolled back after the first call would have taken them.
        scope::prepare(self.store.conn())?;
        scope::fill(self.store.conn(), &scope)?;
        self.shadow()?;
        self.scope = Some(scope);
        let out = f(self);
        self.scope = None;
        let back = self.unshadow();
        let out = out?;
        back?;
        Ok(out)
    }

    /// Puts the scope's views in front of the tables.
    fn shadow(&mut self) -> Result<()> {
        if let Some(views) = &self.views {
            scope::shadow(self.store.conn(), views)?;
            self.shadowed = true;
        }
        Ok(())
    }

    /// Takes the scope's views away, if they stand (a call that failed to take them away
    /// leaves them, and the next call, or bundle taken in, takes them first).
    pub(crate) fn unshadow(&mut self) -> Result<()> {
        if let (true, Some(views)) = (self.shadowed, &self.views) {
            scope::unshadow(self.store.conn(), views)?;
            self.shadowed = false;
        }
        Ok(())
    }

    /// Runs `f` on the tables themselves, outside the current call's scope: for what does
    /// not depend on the caller (which post owns a row) and for a write already checked
    /// against the scope. The views stand again before the scoped call goes on; if they
    /// cannot, the call fails. Inside another `lifted`, runs `f` as it is.
    pub(crate) fn lifted<T>(&mut self, f: impl FnOnce(&mut Api) -> Result<T>) -> Result<T> {
        if self.scope.is_none() || !self.shadowed {
            return f(self);
        }
        self.unshadow()?;
        let out = f(self);
        self.shadow()?;
        out
    }

    /// The name a county result kept between calls ([`Store::kept`]) goes under for this
    /// caller: `base` county-wide, followed by a station leader's posts (their villages and
    /// assigned rows follow from HQ's data, which [`Api::county_stamp`] stamps).
    pub(crate) fn kept_name(&self, base: &str) -> String {
        match &self.scope {
            None => base.to_owned(),
            Some(s) => format!("{base} {}", s.posts.iter().cloned().collect::<Vec<_>>().join(",")),
        }
    }

    /// What every kept county result depends on: HQ's data (a bundle applied, an
    /// assignment…: [`crate::store::warning::DATA_STAMP`]), the day, and the posts' names,
    /// villages and stations. Read before the result is made, so that a write landing
    /// meanwhile makes a newer key, never an old result under a new one.
    pub fn county_stamp(&self) -> Result<String> {
        let conn = self.store.conn();
        Ok(format!(
            "{} {} {}",
            crate::store::get_meta(conn, crate::store::warning::DATA_STAMP)?.unwrap_or_default(),
            self.today(),
            crate::store::county::station::posts_stamp(conn)?
        ))
    }

    /// Runs `f` held to `narrow` (a post or station inside the caller's scope) when given.
    pub(crate) fn within<T>(&mut self, narrow: Option<Scope>, f: impl FnOnce(&mut Api) -> Result<T>) -> Result<T> {
        let Some(narrow) = narrow else { return f(self) };
        let Some(outer) = self.scope.take() else { return self.in_scope(narrow, f) };
        // Already reading through the scope's views: refill them, then put the outer scope
        // back.
        scope::fill(self.store.conn(), &narrow)?;
        self.scope = Some(narrow);
        let out = f(self);
        scope::fill(self.store.conn(), &outer)?;
        self.scope = Some(outer);
        out
    }

    /// Whether the current call may see the post `post` (every post when not limited).
    pub(crate) fn sees_post(&self, post: &str) -> bool {
        self.scope.as_ref().is_none_or(|s| s.has_post(post))
    }

    /// Refuses a post outside the current call's scope, naming `field`.
    pub(crate) fn require_post_in_scope(&self, field: &str, post: &str) -> Result<()> {
        if self.sees_post(post) {
            return Ok(());
        }
        Err(Error::Forbidden {
            message: format!("该警务室不属于本派出所，无权查看或操作（{field}）")
        })
    }
}

/// The post and station a county list is kept to, each `None` for any: a record passes by
/// the post that holds it.
pub(crate) struct PostFilter {
    post: Option<String>,
    station_posts: Option<Vec<String>>,
}

impl PostFilter {
    /// The filter of a list request (refused, naming `station_id`, when there is no such
    /// station).
    pub(crate) fn new(
        conn: &rusqlite::Connection,
        post_id: Option<&str>,
        station_id: Option<&str>,
    ) -> Result<PostFilter> {
        Ok(PostFilter {
            post: post_id.map(str::to_owned),
            station_posts: station_id
                .map(|s| crate::store::county::station::post_ids(conn, "station_id", s))
                .transpose()?,
        })
    }

    /// Whether a record held by `post` (`None`: no post holds it) passes.
    pub(crate) fn keeps(&self, post: Option<&String>) -> bool {
        self.post.as_ref().is_none_or(|p| post == Some(p))
            && self.station_posts.as_ref().is_none_or(|ps| post.is_some_and(|p| ps.contains(p)))
    }
}

pub(super) fn methods() -> Vec<Method> {
    let mut all = session::methods();
    all.extend(places::methods());
    all.extend(figures::methods());
    all.extend(records::methods());
    all.extend(overdue::methods());
    all.extend(warning::methods());
    all.extend(duplicates::methods());
    all
}
