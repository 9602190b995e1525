//! Who at the county may call what, and what the audit log records for each call.
//!
//! County logins may call the `hq.*` methods, each registered with what it needs
//! (`County(Figures)`, `County(Records)` or `County(Admin)` in `method!`), and the session
//! methods; nothing else: a post's method is never a county login's, and a county method
//! is never a post user's.
//!
//! - [`CountyNeed::Figures`]: every county role, the viewer (统计查看) included. Such a
//!   method's reply holds figures, posts and places, never a resident's name, phone,
//!   address or ID number (a test calls each as a viewer and reads the replies).
//! - [`CountyNeed::Records`]: residents' records: the county admin, the supervisor, and
//!   the station leader within their station's posts (the scope is applied by the gate).
//! - [`CountyNeed::Admin`]: accounts, stations, posts, enrollment codes, alarms, the audit
//!   log: the county admin.

use serde_json::Value;

use crate::api::Api;
use crate::api::permission::{Audit, Need};
use crate::model::CountyRole;

/// What a county method needs of the caller's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountyNeed {
    /// Any county login (figures only).
    Figures,
    /// A role that works with residents' records (not the viewer).
    Records,
    /// The county admin.
    Admin,
}

/// What `method` (a method or guarded action) needs of a county login; `None` for one no
/// county login may call.
pub fn need(method: &str) -> Option<CountyNeed> {
    match Api::gate(method)?.0 {
        Need::County(n) => Some(n),
        _ => None,
    }
}

/// Whether `role` satisfies `need`.
pub fn allows(need: CountyNeed, role: CountyRole) -> bool {
    match need {
        CountyNeed::Figures => true,
        CountyNeed::Records => role != CountyRole::Viewer,
        CountyNeed::Admin => role == CountyRole::CountyAdmin,
    }
}

/// Who may, in words, for the refusal message.
pub fn who(need: CountyNeed) -> &'static str {
    match need {
        CountyNeed::Figures => "县局账号",
        CountyNeed::Records => "县局管理员、县局督办和派出所负责人",
        CountyNeed::Admin => "县局管理员",
    }
}

/// The audit action for a successful call: what the method declares, except that a
/// person's or household's record read at HQ is a `view_person`, as on a post.
pub fn action(method: &str, audit: Audit, params: &Value) -> Option<&'static str> {
    if method == "hq.record" && matches!(params.get("table").and_then(Value::as_str), Some("person" | "household")) {
        return Audit::ViewPerson.action();
    }
    audit.action()
}

/// The table the audit entry names: the record's for `hq.record`, else the method's area.
pub fn table(method: &str, params: &Value) -> Option<String> {
    match method {
        "hq.record" | "hq.assign" => params.get("table").and_then(Value::as_str).map(str::to_owned),
        m if m.starts_with("hq.user") => Some("county_user".into()),
        "hq.duplicates" | "hq.duplicate_decide" => Some("duplicate_decision".into()),
        _ => Some("hq".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_county_method_says_which_county_roles_may_call_it() {
        for m in Api::methods() {
            assert_eq!(m.name.starts_with("hq."), need(m.name).is_some(), "{}", m.name);
        }
        for a in ["hq.enroll_file", "hq.bundle_import", "hq.refusals", "hq.backup"] {
            assert!(need(a).is_some(), "{a}");
        }
        assert_eq!(need("person.get"), None, "a post's method is no county login's");
    }

    #[test]
    fn the_viewer_gets_figures_and_nothing_else() {
        for m in Api::methods().iter().filter(|m| m.name.starts_with("hq.")) {
            let n = need(m.name).unwrap_or_else(|| panic!("{}", m.name));
            assert_eq!(allows(n, CountyRole::Viewer), n == CountyNeed::Figures, "{}", m.name);
            assert!(allows(n, CountyRole::CountyAdmin), "{}", m.name);
            assert_eq!(allows(n, CountyRole::StationLeader), n != CountyNeed::Admin, "{}", m.name);
        }
        for (m, n) in
            [("hq.stats", CountyNeed::Figures), ("hq.search", CountyNeed::Records), ("hq.users", CountyNeed::Admin)]
        {
            assert_eq!(need(m), Some(n), "{m}");
        }
        let p = serde_json::json!({"table": "person", "id": "x"});
        let (_, audit, _) = Api::gate("hq.record").expect("hq.record");
        assert_eq!(action("hq.record", audit, &p), Some("view_person"));
        assert_eq!(action("hq.record", audit, &serde_json::json!({"table": "dispute"})), Some("view"));
        let (_, audit, _) = Api::gate("hq.stats").expect("hq.stats");
        assert_eq!(action("hq.stats", audit, &Value::Null), None);
    }
}
