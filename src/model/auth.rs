//! The rules of logging in, as pure functions over values: what a password must look like,
//! what a login name may be, when repeated failures lock an account, when an idle session
//! ends. The clock is passed in; nothing here stores or hashes anything (that is
//! `store::keys` and `store::user`).

use chrono::{DateTime, Duration, Utc};

use crate::error::{Error, Result};

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// The longest password accepted: long enough for any passphrase, short enough that
/// hashing it is never a denial of service.
pub const MAX_PASSWORD_CHARS: usize = 128;

/// Checks a new password: at least 8 characters, at least one letter and one digit, no
/// control characters, and not the login name itself. `field` names the request field.
pub fn check_password(field: &str, password: &str, login: &str) -> Result<()> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(Error::validation(field, format!("密码至少 {MIN_PASSWORD_CHARS} 位（现为 {n} 位）")));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(Error::validation(field, format!("密码最多 {MAX_PASSWORD_CHARS} 位")));
    }
    if password.chars().any(char::is_control) {
        return Err(Error::validation(field, "密码不能包含控制字符"));
    }
    let letters = password.chars().any(|c| c.is_ascii_alphabetic());
    let digits = password.chars().any(|c| c.is_ascii_digit());
    if !letters || !digits {
        return Err(Error::validation(field, "密码须同时包含英文字母和数字"));
    }
    if password.eq_ignore_ascii_case(login) {
        return Err(Error::validation(field, "密码不能与用户名相同"));
    }
    Ok(())
}

/// Checks a login name: 2–32 characters of letters, digits, `_`, `.` or `-` (Chinese
/// letters allowed), starting with a letter. Login names appear in the key file, which is
/// readable without a password, so they are identifiers, not secrets.
pub fn check_login(field: &str, login: &str) -> Result<()> {
    let n = login.chars().count();
    if !(2..=32).contains(&n) {
        return Err(Error::validation(field, "用户名应为 2 至 32 个字符"));
    }
    let first_ok = login.chars().next().is_some_and(char::is_alphabetic);
    let rest_ok = login.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if !first_ok || !rest_ok {
        return Err(Error::validation(field, "用户名须以字母开头，只能包含字母、数字、下划线、点和连字符"));
    }
    Ok(())
}

/// When to lock an account and for how long, and when an idle session ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Failed attempts in a row that lock the account.
    pub max_failures: u32,
    /// How long a lock lasts.
    pub lock_for: Duration,
    /// Inactivity after which a session ends.
    pub idle_timeout: Duration,
}

impl Default for Policy {
    /// 5 failures lock for 15 minutes; 15 idle minutes end a session (等保 level 3 asks for
    /// both a lockout and a session timeout; these are the values county IT usually sets).
    fn default() -> Self {
        Policy { max_failures: 5, lock_for: Duration::minutes(15), idle_timeout: Duration::minutes(15) }
    }
}

/// An account's record of failed logins.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Lockout {
    /// Failed attempts since the last success (or the last lock).
    pub failed_attempts: u32,
    /// Locked until this instant, if locked.
    pub locked_until: Option<DateTime<Utc>>,
}

impl Lockout {
    /// Refuses a login attempt while the account is locked at `now`.
    pub fn check(&self, now: DateTime<Utc>) -> Result<()> {
        match self.locked_until {
            Some(until) if until > now => {
                let minutes = ((until - now).num_seconds() + 59) / 60;
                Err(Error::Unauthenticated {
                    message: format!("密码错误次数过多，账号已锁定，请 {minutes} 分钟后再试，或请管理员解锁"),
                })
            }
            _ => Ok(()),
        }
    }

    /// The record after a failed attempt at `now`: the `max_failures`-th failure in a row
    /// locks the account for `lock_for` and starts the count again.
    pub fn after_failure(&self, now: DateTime<Utc>, policy: &Policy) -> Lockout {
        let expired = self.locked_until.is_some_and(|u| u <= now);
        let failed = if expired { 1 } else { self.failed_attempts + 1 };
        if failed >= policy.max_failures {
            Lockout { failed_attempts: 0, locked_until: Some(now + policy.lock_for) }
        } else {
            Lockout { failed_attempts: failed, locked_until: if expired { None } else { self.locked_until } }
        }
    }

    /// Whether the record is clean (no failures, no lock).
    pub fn is_clear(&self) -> bool {
        self.failed_attempts == 0 && self.locked_until.is_none()
    }
}

/// Whether a session last active at `last` has timed out at `now`.
pub fn timed_out(last: DateTime<Utc>, now: DateTime<Utc>, policy: &Policy) -> bool {
    now - last > policy.idle_timeout
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_rules_name_what_is_wrong() {
        let cases = [
            ("abc123", Some("至少 8 位")),
            ("abcdefgh", Some("字母和数字")),
            ("12345678", Some("字母和数字")),
            ("密码密码密码密码1", Some("字母和数字")),
            ("wangfang1", Some("不能与用户名相同")),
            ("abc\n12345", Some("控制字符")),
            ("Fengqiao2026", None),
            ("a1b2c3d4", None),
        ];
        for (pw, want) in cases {
            let got = check_password("password", pw, "wangfang1");
            match want {
                None => assert!(got.is_ok(), "{pw}: {got:?}"),
                Some(w) => {
                    let e = got.expect_err(pw);
                    assert_eq!(e.field(), Some("password"));
                    assert!(e.to_string().contains(w), "{pw}: {e}");
                }
            }
        }
    }

    #[test]
    fn login_names() {
        for ok in ["admin", "wang.fang", "王芳", "li_na-2"] {
            assert!(check_login("login", ok).is_ok(), "{ok}");
        }
        for bad in ["a", "1admin", "wang fang", "x'; --", "<b>"] {
            assert!(check_login("login", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_fifth_failure_locks_for_fifteen_minutes_and_the_lock_expires() {
        let p = Policy::default();
        let t0 = DateTime::parse_from_rfc3339("2026-11-23T01:00:00Z").map(|t| t.to_utc()).ok();
        let t0 = t0.unwrap_or_default();
        let mut l = Lockout::default();
        for i in 1..5 {
            l = l.after_failure(t0, &p);
            assert_eq!(l.failed_attempts, i);
            assert!(l.check(t0).is_ok());
        }
        l = l.after_failure(t0, &p);
        assert_eq!(l.locked_until, Some(t0 + Duration::minutes(15)));
        let e = l.check(t0 + Duration::minutes(1)).expect_err("locked");
        assert_eq!(e.code(), "unauthenticated");
        assert!(e.to_string().contains("14 分钟"), "{e}");
        assert!(l.check(t0 + Duration::minutes(15)).is_ok());
        // After the lock expires one failure counts as the first of a new run.
        let again = l.after_failure(t0 + Duration::minutes(16), &p);
        assert_eq!(again, Lockout { failed_attempts: 1, locked_until: None });
    }

    #[test]
    fn sessions_time_out_after_fifteen_idle_minutes() {
        let p = Policy::default();
        let t0 = Utc::now();
        assert!(!timed_out(t0, t0 + Duration::minutes(15), &p));
        assert!(timed_out(t0, t0 + Duration::minutes(15) + Duration::seconds(1), &p));
    }
}
