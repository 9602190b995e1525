//! The second factor of a county login: time-based one-time codes (TOTP, RFC 6238) as the
//! phone authenticator apps make them (HMAC-SHA1, 6 digits, 30-second steps), through the
//! `totp-rs` crate. Pure: the time is passed in, secrets come from the caller.
//!
//! A code is accepted in its own step and one step either side (clocks drift), and only
//! once: the caller keeps the last step accepted and passes it back, so a code seen over a
//! shoulder cannot be replayed within its minute and a half.

use totp_rs::{Algorithm, Builder, Secret, Totp};

use crate::error::{Error, Result};

/// Digits in a code.
pub const DIGITS: usize = 6;
/// Seconds per step.
pub const STEP: u64 = 30;
/// Steps accepted either side of the current one.
pub const SKEW: u8 = 1;
/// Bytes of a new secret: 160 bits, as RFC 4226 recommends for HMAC-SHA1.
pub const SECRET_BYTES: usize = 20;
/// The issuer shown in the authenticator app.
pub const ISSUER: &str = "枫桥警务台账县局";

fn totp(secret: &[u8], account: &str) -> Result<Totp> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(DIGITS as u8)
        .with_skew(u16::from(SKEW))
        .with_step_duration(STEP)
        .with_secret(secret.to_vec())
        .with_issuer(Some(ISSUER))
        .with_account_name(account)
        .build()
        .map_err(|e| Error::rule(format!("动态口令密钥无效：{e}")))
}

/// The secret in base32, for typing into an app that cannot scan.
pub fn secret_text(secret: &[u8]) -> String {
    Secret::from(secret.to_vec()).to_base32()
}

/// The secret from its base32 text (as [`secret_text`] gives it).
pub fn secret_from_text(text: &str) -> Result<Vec<u8>> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    Secret::try_from_base32(&t)
        .map(|s| s.as_ref().to_vec())
        .map_err(|_| Error::validation("secret", "动态口令密钥格式不对（应为 base32 文字）"))
}

/// The `otpauth://totp/…` address an authenticator app scans (as a QR code) to enrol.
pub fn otpauth_url(secret: &[u8], account: &str) -> Result<String> {
    totp(secret, account)?.to_url().map_err(|e| Error::rule(format!("无法生成动态口令登记地址：{e}")))
}

/// The code for the step containing `unix` seconds (what the phone shows then).
pub fn code_at(secret: &[u8], unix: u64) -> Result<String> {
    Ok(totp(secret, "-")?.generate(unix).to_string())
}

/// Checks `code` at `unix` seconds against `secret`: returns the step it belongs to. A
/// code of a step at or before `last_step` (already used) is refused. `field` names the
/// request field in the messages.
pub fn check(field: &str, secret: &[u8], code: &str, unix: u64, last_step: Option<u64>) -> Result<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS || !code.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::validation(field, format!("动态口令应为手机验证器上显示的 {DIGITS} 位数字")));
    }
    match totp(secret, "-")?.check(&code, unix) {
        None => Err(Error::unauthenticated("动态口令不正确（请确认手机时间准确，输入当前显示的 6 位数字）")),
        Some(s) if last_step.is_some_and(|l| s <= l) => {
            Err(Error::unauthenticated("这个动态口令已经用过，请等手机显示下一个口令后再输入"))
        }
        Some(s) => Ok(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 6238 Appendix B, SHA-1: the 20-byte ASCII secret "12345678901234567890" gives
    // 94287082 at T = 59 s; its last six digits are what a 6-digit app shows.
    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn codes_match_the_rfc_test_vectors() {
        let cases = [(59, "287082"), (1_111_111_109, "081804"), (1_234_567_890, "005924"), (2_000_000_000, "279037")];
        for (t, want) in cases {
            assert_eq!(code_at(RFC_SECRET, t).unwrap(), want, "T = {t}");
        }
    }

    #[test]
    fn a_code_is_accepted_once_within_a_step_either_side() {
        let t = 1_234_567_890;
        let code = code_at(RFC_SECRET, t).unwrap();
        let step = check("otp", RFC_SECRET, &code, t, None).unwrap();
        assert_eq!(step, t / STEP);
        // The phone a step ahead or behind.
        assert_eq!(check("otp", RFC_SECRET, &code, t + STEP, None).unwrap(), step);
        assert_eq!(check("otp", RFC_SECRET, &code, t - STEP, None).unwrap(), step);
        // Two steps off, used already, malformed.
        let e = check("otp", RFC_SECRET, &code, t + 2 * STEP, None).unwrap_err();
        assert_eq!(e.code(), "unauthenticated");
        let e = check("otp", RFC_SECRET, &code, t, Some(step)).unwrap_err();
        assert!(e.to_string().contains("已经用过"), "{e}");
        let e = check("otp", RFC_SECRET, "12345", t, None).unwrap_err();
        assert_eq!(e.field(), Some("otp"));
        assert!(check("otp", RFC_SECRET, &format!(" {} {}", &code[..3], &code[3..]), t, None).is_ok());
    }

    #[test]
    fn the_enrolment_address_names_the_issuer_and_the_account() {
        let url = otpauth_url(RFC_SECRET, "wangfang").unwrap();
        assert!(url.starts_with("otpauth://totp/"), "{url}");
        assert!(url.contains("wangfang") && url.contains(&secret_text(RFC_SECRET)), "{url}");
        assert_eq!(secret_text(RFC_SECRET), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(secret_from_text("gezd gnbv gy3t qojq gezd gnbv gy3t qojq").unwrap(), RFC_SECRET);
    }
}
