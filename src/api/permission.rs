//! Who may call what, and what the audit log records for each call: one table by method
//! name, so methods added by other modules are covered without touching them.
//!
//! A method not in [`RULES`] may be called by any logged-in user. The sensitive ones are
//! listed: managing logins, keys, the audit log and backups is for the station admin;
//! finalising a mediation agreement is not for auxiliaries, and neither is recording a
//! round of 治安调解 (which only a police officer may preside over) — that one depends on
//! the dispute's track, so [`Need::NotAuxiliaryForSecurityTrack`] looks it up.
//!
//! What is audited is decided by the method's name too ([`action`]): person and household
//! views, searches, exports, prints, and every write. Plain lists are not audited (they
//! show what a page of the ledger shows; every detail view behind them is).

use crate::model::Role;

/// What a method needs of the caller's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Any logged-in user.
    Anyone,
    /// A police officer or the station admin, not an auxiliary (辅警).
    NotAuxiliary,
    /// Not an auxiliary when the dispute named by `dispute_id` is on the 治安调解 track.
    NotAuxiliaryForSecurityTrack,
    /// The station admin only.
    Admin,
}

/// The methods that need more than a login (each a method or one of [`ACTIONS`], which a
/// test checks).
pub const RULES: &[(&str, Need)] = &[
    // Logins, keys, the audit log, backups.
    ("user.create", Need::Admin),
    ("user.list", Need::Admin),
    ("user.unlock", Need::Admin),
    ("user.disable", Need::Admin),
    ("audit.list", Need::Admin),
    ("audit.verify", Need::Admin),
    ("backup.create", Need::Admin),
    ("demo.generate", Need::Admin),
    // Sync: enrolling the post with HQ makes its key pair. (`sync.bundle_export` and
    // `sync.bundle_import` need a login and are audited as an export and an update.)
    ("sync.enroll", Need::Admin),
    // Enrolling binds this post to an HQ and its keys.
    // Syncing itself (sync.export/import/network) is open to every logged-in user,
    // auxiliaries included: a bundle is sealed to HQ and carries only what the user may
    // already see and write here, and the station's auxiliary is often the one who takes
    // the stick to the station.
    ("enroll.request", Need::Admin),
    ("enroll.accept", Need::Admin),
    ("enroll.network", Need::Admin),
    // The post's own settings and its officers.
    ("post.save", Need::Admin),
    ("village.update", Need::Admin),
    ("group.rename", Need::Admin),
    ("village.delete", Need::Admin),
    ("group.delete", Need::Admin),
    ("officer.create", Need::Admin),
    ("officer.update", Need::Admin),
    ("service_item.create", Need::Admin),
    ("service_item.update", Need::Admin),
    // Bulk changes from a file.
    ("import.apply", Need::Admin),
    // Mediation: an auxiliary may not finalise an agreement or preside over 治安调解.
    ("agreement.finalise", Need::NotAuxiliary),
    ("mediation.add", Need::NotAuxiliaryForSecurityTrack),
];

/// Names of guarded actions that are not api methods (see `Api::guarded`), for messages.
pub const ACTIONS: &[(&str, &str)] = &[
    ("demo.generate", "导入演示数据"),
    ("bench.run", "性能测试"),
    ("sync.enroll", "向县局登记本警务室"),
    ("sync.bundle_export", "导出同步包"),
    ("sync.bundle_import", "导入同步包"),
];

/// What `method` needs.
pub fn need(method: &str) -> Need {
    RULES.iter().find(|(m, _)| *m == method).map_or(Need::Anyone, |(_, n)| *n)
}

/// Whether `role` satisfies `need` (for the track-dependent rule, `security_track` says
/// whether the dispute is 治安调解).
pub fn allows(need: Need, role: Role, security_track: bool) -> bool {
    match need {
        Need::Anyone => true,
        Need::NotAuxiliary => role != Role::Auxiliary,
        Need::NotAuxiliaryForSecurityTrack => role != Role::Auxiliary || !security_track,
        Need::Admin => role == Role::StationAdmin,
    }
}

/// Who may, in words, for the refusal message.
pub fn who(need: Need) -> &'static str {
    match need {
        Need::Anyone => "任何已登录用户",
        Need::NotAuxiliary | Need::NotAuxiliaryForSecurityTrack => "民警或所长/管理员",
        Need::Admin => "所长/管理员",
    }
}

/// Methods that work without a session (logging in) or only handle the session itself.
pub fn needs_no_session(method: &str) -> bool {
    matches!(method, "session.login" | "session.logout" | "session.current")
}

/// Methods allowed while the user must still change an initial password.
pub fn allowed_before_password_change(method: &str) -> bool {
    matches!(method, "session.login" | "session.logout" | "session.current" | "user.set_password")
}

/// The audit action for a successful call of `method`, or `None` when it is not audited.
pub fn action(method: &str) -> Option<&'static str> {
    match method {
        "person.get" | "household.get" => return Some("view_person"),
        "search" => return Some("search"),
        "bench.run" => return None,
        "backup.create" => return Some("export"),
        // Session methods write their own entries (login, login_failed, logout); reading
        // the audit log or the user list is not itself personal data.
        m if m.starts_with("session.") || m.starts_with("audit.") || m == "user.list" => return None,
        _ => {}
    }
    let verb = method.rsplit('.').next().unwrap_or(method);
    const READS: &[&str] = &["board", "due", "check", "totals", "month", "preview", "verify", "current", "status"];
    if verb.starts_with("list") || verb.starts_with("overdue") || READS.contains(&verb) {
        return None;
    }
    Some(match verb {
        "get" => "view",
        v if v.contains("export") => "export",
        v if v.contains("print") || v.contains("render") || v == "pdf" => "print",
        "create" | "add" | "record" | "register" | "generate" => "create",
        "delete" | "remove" => "delete",
        // Anything else changes something (update, save, finalise, advance, refer…): when
        // in doubt, record it.
        _ => "update",
    })
}

/// The table a method is about: its name before the first dot (`person.get` → `person`).
pub fn table_of(method: &str) -> &str {
    method.split('.').next().unwrap_or(method)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_methods_need_a_login_only_and_sensitive_ones_are_listed() {
        assert_eq!(need("errand.create"), Need::Anyone);
        assert_eq!(need("some.future_method"), Need::Anyone);
        assert_eq!(need("user.create"), Need::Admin);
        assert!(!allows(Need::Admin, Role::Officer, false));
        assert!(allows(Need::Admin, Role::StationAdmin, false));
        assert!(!allows(need("agreement.finalise"), Role::Auxiliary, false));
        assert!(allows(need("agreement.finalise"), Role::Officer, false));
        assert!(allows(need("mediation.add"), Role::Auxiliary, false));
        assert!(!allows(need("mediation.add"), Role::Auxiliary, true));
    }

    #[test]
    fn every_guarded_name_is_a_method_or_an_action() {
        let methods: Vec<&str> = crate::api::Api::methods().iter().map(|m| m.name).collect();
        let stale: Vec<&str> = RULES
            .iter()
            .map(|(name, _)| *name)
            .filter(|name| !methods.contains(name) && !ACTIONS.iter().any(|(a, _)| a == name))
            .collect();
        assert!(stale.is_empty(), "guarded but neither a method nor an action: {stale:?}");
    }

    #[test]
    fn audit_actions_follow_the_method_name() {
        let cases = [
            ("person.get", Some("view_person")),
            ("household.get", Some("view_person")),
            ("errand.get", Some("view")),
            ("search", Some("search")),
            ("ledger.export", Some("export")),
            ("stats.export", Some("export")),
            ("document.print", Some("print")),
            ("agreement.pdf", Some("print")),
            ("intake.pdf", Some("print")),
            ("followup.pdf", Some("print")),
            ("import.preview", None),
            ("import.apply", Some("update")),
            ("stats.month", None),
            ("sync.status", None),
            ("id_number.check", None),
            ("conflict.list", None),
            ("assignment.list", None),
            ("conflict.restore", Some("update")),
            ("sync.bundle_export", Some("export")),
            ("sync.bundle_import", Some("update")),
            ("sync.enroll", Some("update")),
            ("demo.generate", Some("create")),
            ("bench.run", None),
            ("person.create", Some("create")),
            ("mediation.add", Some("create")),
            ("person.delete", Some("delete")),
            ("agreement.finalise", Some("update")),
            ("errand.advance", Some("update")),
            ("household.list", None),
            ("dispute.overdue_fulfilments", None),
            ("followup.due", None),
            ("agreement.check", None),
            ("session.login", None),
            ("audit.list", None),
        ];
        for (m, want) in cases {
            assert_eq!(action(m), want, "{m}");
        }
    }
}
