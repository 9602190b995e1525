//! The gate every call passes through: admitting it, keeping refusals, recording it in the audit log.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::Who;
use crate::api::Api;
use crate::api::permission::{self, Audit, Need};
use crate::error::{Error, Result};
use crate::model::auth;
use crate::store::access;
use crate::store::audit::{self, Event};

/// What [`Api::admit`] decided, for the call and for [`Api::record`].
pub(crate) struct Admitted {
    pub(crate) login: Option<String>,
    pub(crate) action: Option<&'static str>,
    pub(crate) tbl: Option<String>,
    pub(crate) target: Option<String>,
    pub(crate) detail: Option<String>,
    /// Where an export, a print or a backup is to be written, from the parameters
    /// (`path`, `out`), for an entry made before the file is.
    pub(crate) dest: Option<String>,
    /// The rows a county caller may see, when limited (a station leader).
    pub(crate) scope: Option<crate::store::county::scope::Scope>,
}

/// An audit entry kept aside while a call's transaction is open (a refusal, which must
/// outlive the rollback of the call it refused), appended when the call ends.
#[derive(Debug, Clone)]
pub(crate) struct Kept {
    pub(crate) at: DateTime<Utc>,
    login: Option<String>,
    action: &'static str,
    tbl: Option<String>,
    row_id: Option<String>,
    detail: Option<String>,
}

impl Admitted {
    /// Where the file goes, for the detail (` → /media/usb/调解台账.xlsx`).
    fn destination(&self) -> Option<String> {
        self.dest.as_deref().filter(|p| !p.is_empty()).map(|p| format!(" → {p}"))
    }
}

impl Kept {
    pub(crate) fn event(&self) -> Event<'_> {
        Event {
            login: self.login.as_deref(),
            action: self.action,
            tbl: self.tbl.as_deref(),
            row_id: self.row_id.as_deref(),
            detail: self.detail.as_deref(),
        }
    }
}

impl Api {
    /// Appends an audit entry (entry and chain head in one transaction; in the caller's
    /// transaction when one is open, see [`Api::call`]).
    pub(crate) fn audit(&self, at: DateTime<Utc>, ev: Event<'_>) -> Result<()> {
        if !self.store.conn().is_autocommit() {
            return audit::append(self.store.conn(), at, &ev).map(drop);
        }
        let tx = self.store.conn().unchecked_transaction()?;
        audit::append(&tx, at, &ev)?;
        tx.commit()?;
        Ok(())
    }

    /// Checks that the caller may run `method` now: a live session (in secured mode), a
    /// changed initial password, the role its `gate` (who may, what is audited, its name in
    /// words) allows. A refusal by role is audited.
    pub(crate) fn admit(
        &mut self,
        method: &str,
        gate: (Need, Audit, &'static str),
        params: &Value,
    ) -> Result<Admitted> {
        let (need, audit, what) = gate;
        let now = self.store.clock().now();
        let target = params.get("id").and_then(Value::as_str).map(str::to_owned);
        let dest = ["path", "out"].iter().find_map(|k| params.get(*k).and_then(Value::as_str)).map(str::to_owned);
        let county = method.starts_with(super::super::county::PREFIX);
        let action = super::super::county::permission::action(method, audit, params);
        let detail = audit_detail(method, action, params);
        let tbl = if county {
            super::super::county::permission::table(method, params)
        } else {
            Some(permission::table_of(method).to_owned())
        };
        if county {
            super::super::county::require_hq(&self.store)?;
        }
        if self.key.is_none() {
            return Ok(Admitted { login: None, action, tbl, target, detail, dest, scope: None });
        }
        if need == Need::NoSession {
            return Ok(Admitted { login: None, action: None, tbl, target, detail, dest, scope: None });
        }
        let policy = self.policy;
        let Some(s) = self.session.as_mut() else {
            return Err(Error::unauthenticated("请先登录"));
        };
        if auth::timed_out(s.last_active, now, &policy) {
            let login = s.login.clone();
            self.session = None;
            self.audit(
                now,
                Event { login: Some(&login), action: "logout", detail: Some("会话超时"), ..Default::default() },
            )?;
            return Err(Error::unauthenticated("长时间未操作，会话已超时，请重新登录"));
        }
        s.last_active = now;
        let (login, who, must_change) = (s.login.clone(), s.who.clone(), s.must_change_password);
        if must_change && !permission::allowed_before_password_change(method) {
            return Err(Error::PasswordChangeRequired);
        }
        let role = match who {
            Who::County(caller) => {
                let scope = self.admit_county(method, (need, what), &login, &caller, target.as_deref(), now)?;
                return Ok(Admitted { login: Some(login), action, tbl, target, detail, dest, scope });
            }
            Who::Post(_) if county => {
                self.denied(now, &login, method, target.as_deref())?;
                return Err(Error::Forbidden { message: "县局的功能只供县局账号使用".into() });
            }
            Who::Post(role) => role,
        };
        let security_track = match (need, params.get("dispute_id").and_then(Value::as_str)) {
            (Need::NotAuxiliaryForSecurityTrack, Some(d)) => access::is_security_track(self.store.conn(), d)?,
            _ => false,
        };
        if !permission::allows(need, role, security_track) {
            self.denied(now, &login, method, target.as_deref())?;
            let rule = if security_track { "（治安调解须由民警主持）" } else { "" };
            return Err(Error::Forbidden {
                message: format!("{}无权执行“{what}”{rule}，只有{}可以", role.label(), permission::who(need)),
            });
        }
        Ok(Admitted { login: Some(login), action, tbl, target, detail, dest, scope: None })
    }

    /// Records a refused call in the audit log.
    pub(crate) fn denied(&self, now: DateTime<Utc>, login: &str, method: &str, target: Option<&str>) -> Result<()> {
        self.audit(
            now,
            Event {
                login: Some(login),
                action: "denied",
                tbl: Some(permission::table_of(method)),
                row_id: target,
                detail: Some(method),
            },
        )
    }

    /// Records a call in the audit log, when its method is audited: once it has succeeded,
    /// or before it starts for a method whose entry comes first (`reply` is then null).
    pub(crate) fn record(&mut self, a: &Admitted, reply: &Value) -> Result<()> {
        let Some(action) = a.action else { return Ok(()) };
        let target = a.target.clone().or_else(|| reply.get("id").and_then(Value::as_str).map(str::to_owned));
        let outcome = match action {
            // How much a list gave out.
            "list" => {
                let n = reply.get("items").or_else(|| reply.get("hits")).unwrap_or(reply).as_array().map(Vec::len);
                n.map(|n| format!("，返回 {n} 条"))
            }
            "export" | "print" => a.destination(),
            _ => None,
        };
        let detail = match (a.detail.as_deref(), outcome) {
            (Some(d), Some(o)) => Some(format!("{d}{o}")),
            (d, _) => d.map(str::to_owned),
        };
        let now = self.store.clock().now();
        self.audit(
            now,
            Event {
                login: a.login.as_deref(),
                action,
                tbl: a.tbl.as_deref(),
                row_id: target.as_deref(),
                detail: detail.as_deref(),
            },
        )
    }

    /// Records that a call whose entry came first did not complete (`failed`, with the
    /// first entry's detail and the reason): appended after it, the chain never edited.
    pub(crate) fn record_failure(&mut self, a: &Admitted, error: &Error) -> Result<()> {
        let Some(action) = a.action else { return Ok(()) };
        let what = a.detail.as_deref().unwrap_or(action);
        let dest = a.destination().unwrap_or_default();
        let why: String = error.to_string().chars().take(200).collect();
        let detail = format!("{what}{dest}：未完成（{why}）");
        let now = self.store.clock().now();
        self.audit(
            now,
            Event {
                login: a.login.as_deref(),
                action: "failed",
                tbl: a.tbl.as_deref(),
                row_id: a.target.as_deref(),
                detail: Some(&detail),
            },
        )
    }

    /// Records a refusal (`denied`) made inside a call: kept aside while the call's
    /// transaction is open (so that its rollback does not take the entry), appended at once
    /// otherwise.
    pub(crate) fn audit_denied(&mut self, at: DateTime<Utc>, tbl: &str, row_id: &str, detail: &str) -> Result<()> {
        let login = self.session.as_ref().map(|s| s.login.clone());
        let kept = Kept {
            at,
            login,
            action: "denied",
            tbl: Some(tbl.to_owned()),
            row_id: Some(row_id.to_owned()),
            detail: Some(detail.to_owned()),
        };
        match self.refusals.as_mut() {
            Some(held) => {
                held.push(kept);
                Ok(())
            }
            None => self.audit(at, kept.event()),
        }
    }

    /// Runs `f` as the guarded action `name` (one of [`permission::ACTIONS`], e.g.
    /// `demo.generate` or `bench.run`, or a method's name): admitted like a call of
    /// it, and audited as its mode says (as `call` is). For shell commands that call a
    /// typed method or the store rather than [`Api::call`].
    pub fn guarded<T>(&mut self, name: &str, f: impl FnOnce(&mut Api) -> Result<T>) -> Result<T> {
        let (gate, mode) = Api::gate_and_mode(name).ok_or_else(|| Error::UnknownMethod(name.into()))?;
        let admitted = self.admit(name, gate, &Value::Null)?;
        self.audited(admitted, mode, f, |_| None)
    }
}

/// What an audit entry says of a call beside its action: the text searched; a list's
/// filters; what an export or print was (the ledger, the month, the record); else the
/// method. [`Api::record`] adds what the call gave out (rows, the file written).
fn audit_detail(method: &str, action: Option<&str>, params: &Value) -> Option<String> {
    let text = |k: &str| params.get(k).and_then(Value::as_str).map(str::to_owned);
    match (method, action) {
        ("search", _) => text("text").map(|t| format!("查找：{t}")),
        ("hq.duplicate_decide", _) => {
            let same = params.get("same").and_then(Value::as_bool).unwrap_or(false);
            let (a, b) = (text("person_id").unwrap_or_default(), text("other_id").unwrap_or_default());
            Some(format!("{method}：{a} 与 {b} {}", if same { "是同一人" } else { "不是同一人" }))
        }
        (_, Some("list")) => {
            let mut filters: Vec<String> = params
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| format!("{k}={}", v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
                .collect();
            filters.sort();
            let mut shown: String = filters.join(" ").chars().take(200).collect();
            if shown.is_empty() {
                shown = "全部".into();
            }
            Some(format!("{method}（{shown}）"))
        }
        (_, Some("export" | "print")) => {
            let kind =
                text("kind").and_then(|k| crate::docs::ledger::LedgerKind::parse(&k)).map(|k| k.label().to_owned());
            let parts: Vec<String> = [
                kind,
                text("month").map(|m| format!("{m} 月")),
                params.get("year").and_then(Value::as_i64).map(|y| format!("{y} 年度")),
                text("dispute_id").map(|d| format!("纠纷 {d}")),
                text("follow_up_id").map(|f| format!("回访 {f}")),
            ]
            .into_iter()
            .flatten()
            .collect();
            Some(if parts.is_empty() { method.to_owned() } else { format!("{method}：{}", parts.join("，")) })
        }
        // A login's account: its entry may come before the row exists (see `Mode`), so it
        // names the login rather than the row.
        _ => Some(match text("login") {
            Some(login) => format!("{method}：{login}"),
            None => method.to_owned(),
        }),
    }
}
