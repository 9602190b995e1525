//! The facade the desktop app and the CLI call: typed methods on [`Api`], and
//! [`Api::call`], which runs any method by name with JSON parameters (the CLI's `call`, and
//! a stable interface for scripts). Errors reach callers as [`crate::error::ErrorReply`].
//!
//! Parameter names are the GLOSSARY identifiers in snake_case. An `*.update` method takes
//! the record's `id` and only the fields to change. Each module registers its methods with
//! `method!`, which declares who may call each one and what the audit log records
//! ([`permission`]). The api runs no SQL: it reads through the store's queries.

mod attachment;
mod award;
mod bounds;
mod calendar;
mod care;
mod counsel;
pub mod county;
mod day_plan;
mod dispute;
mod docs;
mod errand;
mod incident;
mod params;
mod people;
pub mod permission;
mod prevention;
mod security;
mod service_station;
mod sync;
mod warning;

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

pub(crate) use params::from_json;

use crate::error::{Error, Result};
use crate::model::time::Clock;
use crate::store::{Store, files};
use permission::Mode;
use security::Admitted;

pub use attachment::AttachmentAdd;
pub use award::{AwardDecideRequest, AwardPayRequest, AwardUpdate};
pub use calendar::{CalendarArgs, CalendarNotice, CalendarSave, CalendarYearRequest};
pub use care::{CareEndRequest, CareNeedStepRequest, CarePlanUpdate, CareVisitRequest};
pub use counsel::{LawyerUpdate, MediationModeUpdate, SittingUpdate};
pub use day_plan::DayPlanPdfRequest;
pub use dispute::{AgreementCheck, DisputeRef, DueRequest, ReferRequest, WithdrawRequest};
pub use docs::{AgreementPdfRequest, FollowUpPdfRequest, ImportRequest, LedgerRequest, StatsExportRequest, Written};
pub use errand::{AdvanceRequest, BoardRequest, CancelRequest, CatalogueRequest, OverdueRequest};
pub use people::{
    Created, GroupInput, GroupRename, HouseholdUpdate, IdNumberCheck, IdNumberInfo, IdRequest, NoParams, OfficerUpdate,
    PersonUpdate, SearchRequest, VillageUpdate,
};
pub use prevention::MonthRequest;
pub use prevention::{
    AdvanceLead, AnswerFeedback, ConfirmFiveNones, EndVolunteer, FeedbackFilter, HazardFilter, HazardStepRequest,
    LeadFilter, RewardRequest, TeamUpdate, VolunteerFilter, YearRequest,
};
pub use security::{
    AuditCheck, BackupRequest, CountyCaller, LoginRef, LoginRequest, Nothing, Session, SessionInfo, SetPassword,
    UserInput, Who,
};
pub use service_station::ServiceStationUpdate;
pub use sync::EnrollNetworkRequest;
pub use sync::{
    BundleSent, EnrollAcceptFile, EnrollRequestFile, EnrollRequestWritten, Enrolled, NetworkSync, SyncExportRequest,
    SyncImportRequest, SyncNetworkRequest,
};
pub use sync::{ConflictListRequest, ConflictRestoreRequest, StatusRequest};
pub use warning::{WarningRequest, WordsRequest};

/// The core, open on one database (a post's, or HQ's), and who is using it (see the
/// `security` module for the setup and secured modes).
///
/// A post's desk has one user at a time: [`Api::call`] acts for the session begun by
/// [`Api::open_as`] or `session.login`. A server (HQ's county console) has many: each
/// logs in with [`Api::login`], gets a token, and [`Api::call_as`] acts for the token's
/// session, call by call.
#[derive(Debug)]
pub struct Api {
    store: Store,
    /// The database key, while an encrypted database is open (`None` in setup mode).
    key: Option<crate::store::keys::DbKey>,
    /// The session the current call acts for.
    session: Option<Session>,
    /// Sessions of a server's many users, by the SM3 digest of their token.
    sessions: std::collections::HashMap<String, Session>,
    /// What the current call may see, when limited (a station leader at HQ).
    scope: Option<crate::store::county::scope::Scope>,
    /// The scope's views (see `store::county::scope`), made on HQ's first scoped call.
    views: Option<Vec<(String, String)>>,
    /// Whether the views stand in front of the tables now.
    shadowed: bool,
    /// The county's kept results asked for lately, by scope (see `api::county::ready`).
    asked: Vec<crate::api::county::ready::Asked>,
    /// Whether a server makes the asked results again after each write
    /// ([`Api::make_ready_in_background`]).
    made_in_background: bool,
    policy: crate::model::auth::Policy,
    /// Refusals recorded while a call's transaction is open, kept whatever becomes of it
    /// (see [`Api::in_one_transaction`]); `None` outside such a call.
    refusals: Option<Vec<security::Kept>>,
}

/// One method of the facade, as `call --list` shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MethodInfo {
    /// e.g. `person.create`.
    pub name: &'static str,
    /// What it does, in Chinese.
    pub summary: &'static str,
    /// JSON Schema of its parameters.
    pub params: Value,
}

/// The database file and this installation, as `db_info` reports them.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DbInfo {
    /// The database file.
    pub path: String,
    /// Its schema version.
    pub schema_version: i64,
    /// This installation's node id.
    pub node_id: String,
    /// The software's version.
    pub version: &'static str,
}

/// Who may run a method or guarded action, what the audit log records of it, and what it
/// is called in messages ([`Api::gate`]).
pub type Gate = (permission::Need, permission::Audit, &'static str);

pub(crate) struct Method {
    pub name: &'static str,
    pub summary: &'static str,
    /// Who may call it.
    pub need: permission::Need,
    /// What the audit log records when it succeeds.
    pub audit: permission::Audit,
    /// When that entry is committed (`None` for an unaudited method).
    pub mode: Option<permission::Mode>,
    pub params: fn() -> Value,
    pub run: fn(&mut Api, Value) -> Result<Value>,
}

/// Declares a method with who may call it, what is audited and when its entry is committed,
/// e.g. `method!("person.create", "新增人员", PersonInput, Anyone, Create(WithWrite), |api, p|
/// api.person_create(p))` ([`permission::Need`], [`permission::Audit`],
/// [`permission::Mode`]); `Unaudited` alone for a method nothing is recorded of.
/// A county method says `County(Figures)`, `County(Records)` or `County(Admin)`
/// ([`county::permission::CountyNeed`]).
macro_rules! method {
    ($name:literal, $summary:literal, $params:ty, County($need:ident), $audit:ident $(($mode:ident))?, $f:expr) => {
        $crate::api::method!(@ $name, $summary, $params,
            $crate::api::permission::Need::County($crate::api::county::permission::CountyNeed::$need),
            $audit $(($mode))?, $f)
    };
    ($name:literal, $summary:literal, $params:ty, $need:ident, $audit:ident $(($mode:ident))?, $f:expr) => {
        $crate::api::method!(@ $name, $summary, $params, $crate::api::permission::Need::$need,
            $audit $(($mode))?, $f)
    };
    (@ $name:literal, $summary:literal, $params:ty, $need:expr, Unaudited, $f:expr) => {
        $crate::api::method!(@@ $name, $summary, $params, $need, $crate::api::permission::Audit::Unaudited, None, $f)
    };
    (@ $name:literal, $summary:literal, $params:ty, $need:expr, $audit:ident($mode:ident), $f:expr) => {
        $crate::api::method!(@@ $name, $summary, $params, $need, $crate::api::permission::Audit::$audit,
            Some($crate::api::permission::Mode::$mode), $f)
    };
    (@@ $name:literal, $summary:literal, $params:ty, $need:expr, $audit:expr, $mode:expr, $f:expr) => {
        $crate::api::Method {
            name: $name,
            summary: $summary,
            need: $need,
            audit: $audit,
            mode: $mode,
            params: || $crate::api::schema_of::<$params>(),
            run: |api, json| {
                let p: $params = $crate::api::from_json(json)?;
                let f: fn(&mut $crate::api::Api, $params) -> $crate::error::Result<_> = $f;
                $crate::api::to_json(&f(api, p)?)
            },
        }
    };
}
pub(crate) use method;

fn registry() -> Vec<Method> {
    let mut all = people::methods();
    all.extend(county::methods());
    all.extend(calendar::methods());
    all.extend(care::methods());
    all.extend(counsel::methods());
    all.extend(attachment::methods());
    all.extend(award::methods());
    all.extend(day_plan::methods());
    all.extend(dispute::methods());
    all.extend(errand::methods());
    all.extend(incident::methods());
    all.extend(prevention::methods());
    all.extend(security::methods());
    all.extend(service_station::methods());
    all.extend(sync::methods());
    all.extend(docs::methods());
    all.extend(warning::methods());
    all
}

impl Api {
    /// Opens (creating or upgrading) the unencrypted database at `path`, in setup mode.
    /// An encrypted one needs [`Api::open_as`]. Another process holding the database is
    /// refused ([`Error::InUse`], see
    /// [`crate::store::lock`]).
    pub fn open(path: &Path, clock: Arc<dyn Clock>) -> Result<Api> {
        Ok(Api::plain(Store::open(path, clock)?))
    }

    /// Opens an unencrypted database that several processes may work on at once (HQ's
    /// node: `serve` and `bundle import` share it); never for a post's database. See
    /// [`Store::open_shared`].
    pub fn open_shared(path: &Path, clock: Arc<dyn Clock>) -> Result<Api> {
        Ok(Api::plain(Store::open_shared(path, clock)?))
    }

    fn plain(store: Store) -> Api {
        Api {
            store,
            key: None,
            session: None,
            sessions: Default::default(),
            scope: None,
            views: None,
            asked: Vec::new(),
            made_in_background: false,
            shadowed: false,
            policy: Default::default(),
            refusals: None,
        }
    }

    /// Closes the database, its WAL checkpointed into the file ([`Store::close`]): what
    /// the desktop app does when it exits.
    pub fn close(self) -> Result<()> {
        self.store.close()
    }

    /// The store underneath (for the CLI's demo loader, benchmarks and tests).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The store, for writing.
    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    /// Runs the method `name` with JSON parameters and returns its JSON reply. The caller
    /// must be allowed to (a live session whose role the method accepts, see
    /// [`permission`]); the call is audited when its method is, its entry committed as the
    /// method's [`permission::Mode`] says (the crate's `Api::audited`).
    pub fn call(&mut self, name: &str, params: Value) -> Result<Value> {
        let m = registry().into_iter().find(|m| m.name == name).ok_or_else(|| Error::UnknownMethod(name.into()))?;
        let params = if params.is_null() { Value::Object(Default::default()) } else { params };
        bounds::check(&params)?;
        let admitted = self.admit(name, (m.need, m.audit, m.summary), &params)?;
        self.audited(admitted, m.mode, |api| (m.run)(api, params), |reply| Some(reply))
    }

    /// Runs `work`, an admitted call (held to its scope, when it has one), and commits its
    /// audit entry as `mode` says; `reply` gives the JSON the entry may draw on (a list's
    /// length, a created record's id). The reply is handed back only after its entry is
    /// committed, whatever the mode:
    ///
    /// - [`Mode::WithWrite`]: one immediate transaction ([`Api::in_one_transaction`]) holds
    ///   the work's writes and the entry, appended after the work so it can name a created
    ///   record.
    /// - [`Mode::EntryFirst`]: the entry, naming what is about to be done (and where the
    ///   file goes), is committed before the work starts; a failure of the work appends a
    ///   second entry, `failed`, saying so.
    /// - [`Mode::After`]: the entry is appended once the work is done.
    ///
    /// Debug builds stop the process between the two when `FENGQIAO_FAILPOINT` names the
    /// point (`after_write`, `after_entry`, `before_entry`), as the crash tests do.
    pub(crate) fn audited<T>(
        &mut self,
        mut admitted: Admitted,
        mode: Option<Mode>,
        work: impl FnOnce(&mut Api) -> Result<T>,
        reply: for<'r> fn(&'r T) -> Option<&'r Value>,
    ) -> Result<T> {
        let scope = admitted.scope.take();
        let run = |api: &mut Api| match scope {
            None => {
                api.unshadow()?;
                work(api)
            }
            Some(scope) => api.in_scope(scope, work),
        };
        let null = Value::Null;
        match mode {
            None => run(self),
            Some(Mode::After) => {
                let out = run(self)?;
                failpoint("before_entry");
                self.record(&admitted, reply(&out).unwrap_or(&null))?;
                Ok(out)
            }
            Some(Mode::WithWrite) => self.in_one_transaction(|api| {
                let out = run(api)?;
                failpoint("after_write");
                api.record(&admitted, reply(&out).unwrap_or(&null))?;
                Ok(out)
            }),
            Some(Mode::EntryFirst) => {
                self.record(&admitted, &null)?;
                failpoint("after_entry");
                run(self).inspect_err(|e| {
                    // The work's own error is what the caller needs; should this second entry
                    // fail too, the first still stands for what was attempted.
                    let _ = self.record_failure(&admitted, e);
                })
            }
        }
    }

    /// Runs `f` in one immediate transaction, committed when it succeeds and rolled back
    /// when it fails: the writes of [`Store::write`] inside are savepoints of it, and the
    /// audit entry [`Api::record`] appends is written in it, so the write and its entry
    /// reach the file together or not at all. A refusal recorded while it runs (a station
    /// leader's row outside their scope, [`Api::audit_refusal`]) is kept either way: it is
    /// appended after the rollback when the call fails.
    fn in_one_transaction<T>(&mut self, f: impl FnOnce(&mut Api) -> Result<T>) -> Result<T> {
        self.store.conn().execute_batch("BEGIN IMMEDIATE")?;
        self.refusals = Some(Vec::new());
        let out = f(self);
        let refusals = self.refusals.take().unwrap_or_default();
        match out {
            Ok(out) => {
                let committed = refusals
                    .iter()
                    .try_for_each(|r| self.audit(r.at, r.event()))
                    .and_then(|()| Ok(self.store.conn().execute_batch("COMMIT")?));
                if let Err(e) = committed {
                    let _ = self.store.conn().execute_batch("ROLLBACK");
                    return Err(e);
                }
                Ok(out)
            }
            Err(e) => {
                if !self.store.conn().is_autocommit() {
                    self.store.conn().execute_batch("ROLLBACK")?;
                }
                for r in &refusals {
                    self.audit(r.at, r.event())?;
                }
                Err(e)
            }
        }
    }

    /// Who may run the method or guarded action `name`, what is audited, and what it is
    /// called in messages; `None` for a name that is neither.
    pub fn gate(name: &str) -> Option<Gate> {
        Api::gate_and_mode(name).map(|(gate, _)| gate)
    }

    /// [`Api::gate`], with when the audit entry is committed ([`permission::Mode`]).
    pub fn gate_and_mode(name: &str) -> Option<(Gate, Option<permission::Mode>)> {
        registry().into_iter().find(|m| m.name == name).map(|m| ((m.need, m.audit, m.summary), m.mode)).or_else(|| {
            permission::ACTIONS.iter().find(|a| a.name == name).map(|a| ((a.need, a.audit, a.label), a.mode))
        })
    }

    /// Every registered method and guarded action with what it records and when the entry
    /// is committed (the test that each fits its kind walks them).
    pub fn audit_modes() -> Vec<(&'static str, permission::Audit, Option<permission::Mode>)> {
        let mut all: Vec<_> = registry().into_iter().map(|m| (m.name, m.audit, m.mode)).collect();
        all.extend(permission::ACTIONS.iter().map(|a| (a.name, a.audit, a.mode)));
        all
    }

    /// Every method with its parameters.
    pub fn methods() -> Vec<MethodInfo> {
        let mut v: Vec<MethodInfo> = registry()
            .into_iter()
            .map(|m| MethodInfo { name: m.name, summary: m.summary, params: (m.params)() })
            .collect();
        v.sort_by_key(|m| m.name);
        v
    }

    /// Where the database lives and what it is (the desktop app's 设置 → 关于).
    pub fn db_info(&self) -> Result<DbInfo> {
        Ok(DbInfo {
            path: self.store.path().display().to_string(),
            schema_version: crate::store::migrate::version(self.store.conn())?,
            node_id: self.store.node_id().to_string(),
            version: env!("CARGO_PKG_VERSION"),
        })
    }

    fn today(&self) -> chrono::NaiveDate {
        self.store.clock().today()
    }

    /// The database's own files, which no path a caller gives may name.
    fn protected(&self) -> files::Protected {
        files::Protected::of(self.store.path())
    }

    /// Refuses early (before the work of making it) a file of `kind` that may not be
    /// written at `path`; [`Api::write_file`] checks again as it writes.
    fn check_output(&self, kind: files::Kind, field: &str, path: &Path, overwrite: bool) -> Result<()> {
        files::check(&self.protected(), kind, field, path, overwrite).map(drop)
    }

    /// Writes a file for a caller through the file gate ([`files`]); returns where it went.
    fn write_file(
        &self,
        kind: files::Kind,
        field: &str,
        path: &Path,
        overwrite: bool,
        bytes: &[u8],
    ) -> Result<std::path::PathBuf> {
        files::write(&self.protected(), kind, field, path, overwrite, bytes)
    }

    /// Opens a file for a caller through the file gate, to be written bit by bit and put in
    /// place by [`files::Output::finish`].
    fn output_file(&self, kind: files::Kind, field: &str, path: &Path, overwrite: bool) -> Result<files::Output> {
        files::output(&self.protected(), kind, field, path, overwrite)
    }

    /// Reads a file for a caller through the file gate.
    fn read_file(&self, kind: files::Kind, field: &str, path: &Path) -> Result<Vec<u8>> {
        files::read(&self.protected(), kind, field, path)
    }
}

/// Kills the process at the point `name` when `FENGQIAO_FAILPOINT` names it, in debug
/// builds only: how the tests crash the real CLI between a method's work and its audit
/// entry (`after_write`, `after_entry`, `before_entry`: see [`Api::audited`]). Release
/// builds hold no such point.
fn failpoint(name: &str) {
    #[cfg(debug_assertions)]
    if std::env::var("FENGQIAO_FAILPOINT").is_ok_and(|v| v == name) {
        std::process::abort();
    }
    #[cfg(not(debug_assertions))]
    let _ = name;
}

pub(crate) fn schema_of<T: schemars::JsonSchema>() -> Value {
    serde_json::to_value(schemars::schema_for!(T)).unwrap_or(Value::Null)
}

/// A reply as JSON.
pub(crate) fn to_json<T: Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::BadRequest(e.to_string()))
}

/// Applies a partial update (`changes`) to the current fields of a record.
pub(crate) fn patch<T: Serialize + DeserializeOwned + schemars::JsonSchema>(
    current: T,
    changes: serde_json::Map<String, Value>,
) -> Result<T> {
    let mut json = to_json(&current)?;
    if let Value::Object(obj) = &mut json {
        for (k, v) in changes {
            obj.insert(k, v);
        }
    }
    from_json(json)
}
