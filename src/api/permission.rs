//! Who may call what, what the audit log records for each call and when its entry is
//! committed ([`Mode`]). Each method says all three where it is registered (the `method!`
//! macro in each api module: a method cannot be added without them); the few guarded
//! actions that are not methods (the CLI's demo data and benchmarks, HQ's command line) are
//! in [`ACTIONS`]. [`Api::call`](super::Api::call) and
//! [`Api::guarded`](super::Api::guarded) enforce them.
//!
//! Managing logins, keys, the audit log, backups, the post's settings, its villages and
//! groups and its officers is for the station admin; finalising a mediation agreement is
//! not for auxiliaries, and neither is recording a round of 治安调解 (which only a police
//! officer may preside over) — that one depends on the dispute's track, so
//! [`Need::NotAuxiliaryForSecurityTrack`] looks it up.
//!
//! Audited: person and household views, other record views, searches, lists of records (a
//! page of households shows heads, phones and addresses: each page read is recorded with
//! its filters and how many rows it gave out), exports, prints, and every write. Lists
//! that show nothing about residents (the villages, the post's officers, the service
//! catalogue, 五无 status) and checks are not.

use super::county::permission::CountyNeed;
use crate::model::Role;

/// What a method needs of the caller's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// No session: logging in, out, and asking who is logged in.
    NoSession,
    /// Any logged-in user.
    Anyone,
    /// A police officer or the station admin, not an auxiliary (辅警).
    NotAuxiliary,
    /// Not an auxiliary when the dispute named by `dispute_id` is on the 治安调解 track.
    NotAuxiliaryForSecurityTrack,
    /// The station admin only.
    Admin,
    /// A county login at HQ whose role allows it (never a post's user).
    County(CountyNeed),
}

/// What the audit log records for a successful call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audit {
    /// Not recorded (checks, lists of nothing personal, the session methods, which write
    /// their own entries).
    Unaudited,
    /// A page of records read (a bulk read).
    List,
    /// A record viewed.
    View,
    /// A person or household viewed (personal data).
    ViewPerson,
    /// A search (the words searched for are the detail).
    Search,
    /// Data written out of the database (ledgers, bundles, backups).
    Export,
    /// A document printed.
    Print,
    /// A record created.
    Create,
    /// A record changed.
    Update,
    /// A record deleted.
    Delete,
}

/// When a call's audit entry is committed, relative to its work: declared with each audited
/// method (`method!`'s `Create(WithWrite)`, `Export(EntryFirst)`, `View(After)`) and each
/// audited action, and enforced by [`crate::api::Api::call`] and `Api::guarded`. A crash can
/// then leave an entry without its effect, never an effect without its entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// In one transaction with the method's writes (their `Store::write`s run as savepoints
    /// of it): both or neither. For writes that stay inside the database.
    WithWrite,
    /// Committed before the method runs, naming what it is about to do: for an effect
    /// outside the database (a file written or printed, a bundle sent over the network, the
    /// key file or the database file changed), which no transaction can take back. If the
    /// method then fails, a second entry (`failed`) says so; the first is never edited.
    EntryFirst,
    /// Committed after the method's work and before its reply is handed back (reads: what
    /// was read reaches no one until the entry is in the file).
    After,
}

impl Mode {
    /// Whether a method audited as `audit` may be declared with this mode: a write
    /// (`create`, `update`, `delete`) commits with its entry or after it, never before;
    /// an export or a print commits its entry first; a read's entry comes after it.
    pub fn fits(self, audit: Audit) -> bool {
        match audit {
            Audit::Unaudited => false,
            Audit::Create | Audit::Update | Audit::Delete => self != Mode::After,
            Audit::Export | Audit::Print => self == Mode::EntryFirst,
            Audit::List | Audit::View | Audit::ViewPerson | Audit::Search => self == Mode::After,
        }
    }
}

impl Audit {
    /// The action stored in the audit log, or `None` when the call is not recorded.
    pub fn action(self) -> Option<&'static str> {
        Some(match self {
            Audit::Unaudited => return None,
            Audit::List => "list",
            Audit::View => "view",
            Audit::ViewPerson => "view_person",
            Audit::Search => "search",
            Audit::Export => "export",
            Audit::Print => "print",
            Audit::Create => "create",
            Audit::Update => "update",
            Audit::Delete => "delete",
        })
    }
}

/// A guarded action that is not an api method (see `Api::guarded`): its name, what it is
/// called in messages, who may and what is audited.
pub struct Action {
    /// e.g. `demo.generate`.
    pub name: &'static str,
    /// In Chinese, for refusals.
    pub label: &'static str,
    /// Who may.
    pub need: Need,
    /// What is recorded.
    pub audit: Audit,
    /// When the entry is committed (`None` exactly when nothing is recorded).
    pub mode: Option<Mode>,
}

/// The guarded actions that are not methods.
pub const ACTIONS: &[Action] = &[
    // Many transactions of its own (batches of households): its entry first.
    Action {
        name: "demo.generate",
        label: "导入演示数据",
        need: Need::Admin,
        audit: Audit::Create,
        mode: Some(Mode::EntryFirst),
    },
    Action { name: "bench.run", label: "性能测试", need: Need::Anyone, audit: Audit::Unaudited, mode: None },
    // `fengqiao-hq`'s command line on a secured HQ.
    Action {
        name: "hq.enroll_file",
        label: "县局：以文件登记警务室",
        need: Need::County(CountyNeed::Admin),
        audit: Audit::Create,
        // The reply file is written for the post.
        mode: Some(Mode::EntryFirst),
    },
    Action {
        name: "hq.bundle_import",
        label: "县局：导入警务室的同步包（U 盘）",
        need: Need::County(CountyNeed::Records),
        audit: Audit::Update,
        // The reply bundle is written for the post.
        mode: Some(Mode::EntryFirst),
    },
    Action {
        name: "hq.backup",
        label: "县局：备份县局数据库",
        need: Need::County(CountyNeed::Admin),
        audit: Audit::Export,
        mode: Some(Mode::EntryFirst),
    },
];

/// Whether `role` satisfies `need` (for the track-dependent rule, `security_track` says
/// whether the dispute is 治安调解).
pub fn allows(need: Need, role: Role, security_track: bool) -> bool {
    match need {
        Need::NoSession | Need::Anyone => true,
        Need::NotAuxiliary => role != Role::Auxiliary,
        Need::NotAuxiliaryForSecurityTrack => role != Role::Auxiliary || !security_track,
        Need::Admin => role == Role::StationAdmin,
        Need::County(_) => false,
    }
}

/// Who may, in words, for the refusal message.
pub fn who(need: Need) -> &'static str {
    match need {
        Need::NoSession | Need::Anyone => "任何已登录用户",
        Need::NotAuxiliary | Need::NotAuxiliaryForSecurityTrack => "民警或所长/管理员",
        Need::Admin => "所长/管理员",
        Need::County(c) => super::county::permission::who(c),
    }
}

/// Methods allowed while the user must still change an initial password.
pub fn allowed_before_password_change(method: &str) -> bool {
    matches!(
        method,
        "session.login" | "session.logout" | "session.current" | "user.set_password" | "hq.session" | "hq.password"
    )
}

/// The table a method is about: its name before the first dot (`person.get` → `person`).
pub fn table_of(method: &str) -> &str {
    method.split('.').next().unwrap_or(method)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Api;

    fn gate(name: &str) -> (Need, Option<&'static str>) {
        let (need, audit, _) = Api::gate(name).unwrap_or_else(|| panic!("{name} is neither a method nor an action"));
        (need, audit.action())
    }

    #[test]
    fn every_method_says_who_may_call_it_and_the_sensitive_ones_are_narrow() {
        assert_eq!(gate("errand.create").0, Need::Anyone);
        assert_eq!(gate("user.create").0, Need::Admin);
        assert_eq!(Api::gate("some.future_method"), None);
        assert!(!allows(Need::Admin, Role::Officer, false));
        assert!(allows(Need::Admin, Role::StationAdmin, false));
        assert!(!allows(gate("agreement.finalise").0, Role::Auxiliary, false));
        assert!(allows(gate("agreement.finalise").0, Role::Officer, false));
        assert!(allows(gate("mediation.add").0, Role::Auxiliary, false));
        assert!(!allows(gate("mediation.add").0, Role::Auxiliary, true));
        // The post's villages and groups are set up by the admin, like its other settings.
        for m in [
            "village.create",
            "village.update",
            "village.delete",
            "group.create",
            "group.rename",
            "group.delete",
            "warning.words_save",
        ] {
            assert_eq!(gate(m).0, Need::Admin, "{m}");
        }
        for m in ["session.login", "session.logout", "session.current"] {
            assert_eq!(gate(m), (Need::NoSession, None), "{m}");
        }
    }

    #[test]
    fn audit_actions_are_declared_with_each_method() {
        let cases = [
            ("person.get", Some("view_person")),
            ("household.get", Some("view_person")),
            ("errand.get", Some("view")),
            ("search", Some("search")),
            ("ledger.export", Some("export")),
            ("stats.export", Some("export")),
            ("agreement.pdf", Some("print")),
            ("intake.pdf", Some("print")),
            ("followup.pdf", Some("print")),
            ("import.preview", None),
            ("import.apply", Some("update")),
            ("stats.month", None),
            ("sync.status", None),
            ("id_number.check", None),
            ("conflict.list", Some("list")),
            ("assignment.list", Some("list")),
            ("village.list", None),
            ("officer.list", None),
            ("service_item.list", None),
            ("five_nones.list", None),
            ("conflict.restore", Some("update")),
            ("sync.export", Some("export")),
            ("sync.import", Some("update")),
            ("enroll.request", Some("update")),
            ("demo.generate", Some("create")),
            ("bench.run", None),
            ("person.create", Some("create")),
            ("mediation.add", Some("create")),
            ("person.delete", Some("delete")),
            ("agreement.finalise", Some("update")),
            ("errand.advance", Some("update")),
            // Verifying a hazard is a write, not a check (it was left unaudited when the
            // action was guessed from the method's last word).
            ("hazard.verify", Some("update")),
            ("household.list", Some("list")),
            ("dispute.overdue_fulfilments", Some("list")),
            ("followup.due", Some("list")),
            ("care.list", Some("list")),
            ("service_station.get", Some("view")),
            ("service_station.create", Some("create")),
            ("service_station.list", None),
            ("award.list", Some("list")),
            ("award.get", Some("view_person")),
            ("award.create", Some("create")),
            ("award.decide", Some("update")),
            ("award.month", None),
            ("day_plan.get", Some("list")),
            ("care.get", Some("view_person")),
            ("care.visit", Some("create")),
            ("day_plan.pdf", Some("print")),
            ("errand.board", Some("list")),
            ("volunteer.list", Some("list")),
            ("agreement.check", None),
            ("session.login", None),
            ("audit.list", None),
            ("audit.verify", None),
            ("backup.create", Some("export")),
            ("warning.list", Some("list")),
            ("warning.settings", None),
            ("warning.words_save", Some("update")),
            ("incident.repeats", Some("view")),
            ("party.delete", Some("delete")),
        ];
        for (m, want) in cases {
            assert_eq!(gate(m).1, want, "{m}");
        }
    }

    #[test]
    fn every_method_and_action_says_when_its_entry_is_committed_as_its_kind_needs() {
        let all = Api::audit_modes();
        assert!(all.iter().any(|(n, ..)| n.starts_with("hq.")), "HQ's methods are walked too");
        assert!(all.iter().any(|(n, ..)| *n == "hq.backup"), "and the guarded actions");
        for (name, audit, mode) in &all {
            match (audit, mode) {
                (Audit::Unaudited, None) => {}
                (Audit::Unaudited, Some(m)) => panic!("{name} records nothing but says when: {m:?}"),
                (a, None) => panic!("{name} records {a:?} without saying when"),
                (a, Some(m)) => assert!(m.fits(*a), "{name}: {a:?} cannot be committed {m:?}"),
            }
        }
        for a in [Audit::Create, Audit::Update, Audit::Delete] {
            assert!(!Mode::After.fits(a), "a write's entry never after it");
        }
        for a in [Audit::Export, Audit::Print] {
            assert!(!Mode::WithWrite.fits(a) && !Mode::After.fits(a), "a file's entry comes first");
        }
        let mode = |name: &str| all.iter().find(|(n, ..)| *n == name).and_then(|(_, _, m)| *m);
        let cases = [
            ("person.create", Mode::WithWrite),
            ("sync.import", Mode::WithWrite),
            ("enroll.accept", Mode::WithWrite),
            ("hq.assign", Mode::WithWrite),
            ("hq.station_save", Mode::WithWrite),
            ("hq.enroll_code", Mode::WithWrite),
            ("hq.alarm_seen", Mode::WithWrite),
            ("hq.user_reset_totp", Mode::WithWrite),
            // Effects outside the database: files, the network, the key file, a new key.
            ("ledger.export", Mode::EntryFirst),
            ("agreement.pdf", Mode::EntryFirst),
            ("backup.create", Mode::EntryFirst),
            ("sync.export", Mode::EntryFirst),
            ("sync.network", Mode::EntryFirst),
            ("enroll.request", Mode::EntryFirst),
            ("user.create", Mode::EntryFirst),
            ("user.disable", Mode::EntryFirst),
            ("hq.user_create", Mode::EntryFirst),
            ("hq.stats_export", Mode::EntryFirst),
            ("hq.bundle_import", Mode::EntryFirst),
            ("person.get", Mode::After),
            ("hq.record", Mode::After),
        ];
        for (name, want) in cases {
            assert_eq!(mode(name), Some(want), "{name}");
        }
    }

    #[test]
    fn action_names_are_not_methods() {
        let methods: Vec<&str> = Api::methods().iter().map(|m| m.name).collect();
        for a in ACTIONS {
            assert!(!methods.contains(&a.name), "{} is both a method and an action", a.name);
        }
    }
}
