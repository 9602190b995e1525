//! Enrollment over the network, authorized by a one-time code.
//!
//! HQ's admin issues a code for a post ([`issue`]) and tells it to the post's admin (by
//! phone, in person). The post sends its enrollment request to HQ's `POST /enroll` with an
//! HMAC-SM3 over it keyed by the code ([`enroll_network`]); HQ finds the code whose key
//! verifies the MAC, checks it is unused and unexpired, enrolls the post with the code's
//! villages, marks the code used and answers with its own enrollment reply, MACed with the
//! same key and bound to the request's MAC ([`answer`]). Someone between the two without
//! the code can neither enroll a post of their own nor pass off a reply as HQ's. See
//! SECURITY.md, "Enrollment".

use chrono::Duration;
use hmac::{Hmac, KeyInit, Mac};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use sm3::{Digest, Sm3};

use super::{EnrollReply, EnrollRequest, NodeRole, enroll_accept, enroll_post, enroll_request, role};
use crate::error::{Error, Result};
use crate::model::time::{parse_instant, show_stored, stamp};
use crate::store::Store;

/// The code's alphabet: digits and capitals without 0/O and 1/I, which are misheard and
/// misread. 32 symbols, so each random byte's low five bits pick one without bias.
const ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/// Symbols in a code: 20 × 5 = 100 bits.
const CODE_LEN: usize = 20;
/// How long a code stays valid unless told otherwise.
pub const DEFAULT_HOURS: i64 = 72;

type HmacSm3 = Hmac<Sm3>;

/// The body and its MAC, as they travel to and from `POST /enroll`. The body is the JSON
/// text of the request (or reply) exactly as MACed, so nothing is re-serialized between
/// making and checking the MAC.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CodedMessage {
    /// The request or reply, as JSON text.
    pub body: String,
    /// HMAC-SM3, hex.
    pub mac: String,
}

/// A code just issued: shown once to HQ's admin, never stored as such.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IssuedCode {
    /// The code, in groups of four for reading aloud.
    pub code: String,
    /// The villages the post will be enrolled with.
    pub villages: Vec<String>,
    /// Valid until (RFC 3339, UTC).
    pub expires_at: String,
    /// The station (派出所) the post will be filed under, if given.
    pub station_id: Option<String>,
}

/// A code HQ issued, as the console lists it (without the code, which is not kept).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CodeRecord {
    /// The villages the post is enrolled with.
    pub villages: Vec<String>,
    /// HQ's name for the post, when given.
    pub name: Option<String>,
    /// The station the post is filed under.
    pub station_id: Option<String>,
    /// Issued at (RFC 3339, UTC).
    pub created_at: String,
    /// Valid until.
    pub expires_at: String,
    /// Used at, if used.
    pub used_at: Option<String>,
    /// The post that used it.
    pub used_by: Option<String>,
}

/// Every code HQ issued, newest first.
pub fn issued(store: &Store) -> Result<Vec<CodeRecord>> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT villages, name, station_id, created_at, expires_at, used_at, used_by FROM enroll_code
         ORDER BY created_at DESC",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(CodeRecord {
            villages: crate::store::json_list(r.get("villages")?),
            name: r.get("name")?,
            station_id: r.get("station_id")?,
            created_at: r.get("created_at")?,
            expires_at: r.get("expires_at")?,
            used_at: r.get("used_at")?,
            used_by: r.get("used_by")?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The code without spaces and dashes, upper case; a clear refusal for anything else.
pub fn normalize(code: &str) -> Result<String> {
    let c: String = code.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
    if c.is_empty() {
        return Err(Error::validation("code", "请输入县局提供的登记码"));
    }
    if let Some(bad) = c.chars().find(|ch| !ch.is_ascii() || !ALPHABET.contains(&(*ch as u8))) {
        return Err(Error::validation(
            "code",
            format!("登记码中有无效字符“{bad}”（登记码由数字 2–9 和除 I、O 外的大写字母组成）"),
        ));
    }
    if c.len() != CODE_LEN {
        return Err(Error::validation("code", format!("登记码应为 {CODE_LEN} 个字符，输入的是 {} 个", c.len())));
    }
    Ok(c)
}

/// The key both sides derive from a (normalized) code; HQ keeps only this.
fn key(code: &str) -> [u8; 32] {
    let mut h = Sm3::new();
    h.update(b"fengqiao-enroll-code\0");
    h.update(code.as_bytes());
    h.finalize().into()
}

fn mac(key: &[u8], label: &[u8], parts: &[&[u8]]) -> HmacSm3 {
    // SM3 takes keys of any length: this cannot fail.
    let mut m = <HmacSm3 as KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC accepts any key"));
    m.update(label);
    for p in parts {
        m.update(&(p.len() as u64).to_be_bytes());
        m.update(p);
    }
    m
}

fn request_mac(key: &[u8], body: &str) -> HmacSm3 {
    mac(key, b"fengqiao-enroll-request\0", &[body.as_bytes()])
}

fn reply_mac(key: &[u8], request_mac: &[u8], body: &str) -> HmacSm3 {
    mac(key, b"fengqiao-enroll-reply\0", &[request_mac, body.as_bytes()])
}

/// A fresh random code, grouped `XXXX-XXXX-XXXX-XXXX-XXXX`.
fn random_code() -> Result<String> {
    let mut b = [0u8; CODE_LEN];
    getrandom::fill(&mut b).map_err(|e| Error::Io(std::io::Error::other(format!("无法取得系统随机数：{e}"))))?;
    let symbols: Vec<char> = b.iter().map(|x| ALPHABET[(x & 31) as usize] as char).collect();
    Ok(symbols.chunks(4).map(|g| g.iter().collect::<String>()).collect::<Vec<_>>().join("-"))
}

/// HQ issues a one-time code enrolling a post with `villages` (filed under the station
/// `station_id`, when given), valid for `hours`.
pub fn issue(
    store: &mut Store,
    villages: &[String],
    name: Option<&str>,
    station_id: Option<&str>,
    hours: i64,
) -> Result<IssuedCode> {
    if role(store)? != NodeRole::Hq {
        return Err(Error::rule("只有县局节点可以发放登记码，请先执行 init"));
    }
    if villages.is_empty() || villages.iter().any(|v| v.trim().is_empty()) {
        return Err(Error::validation("villages", "请至少指定一个辖区村（社区）代码"));
    }
    if !(1..=24 * 30).contains(&hours) {
        return Err(Error::validation("hours", "登记码有效期应在 1 小时到 720 小时（30 天）之间"));
    }
    let villages: Vec<String> = villages.iter().map(|v| v.trim().to_owned()).collect();
    let name = name.map(str::trim).filter(|n| !n.is_empty());
    let code = random_code()?;
    let now = store.clock().now();
    let expires_at = stamp(now + Duration::hours(hours));
    if let Some(s) = station_id {
        crate::store::county::station::require(store.conn(), "station_id", s)?;
    }
    store.conn().execute(
        "INSERT INTO enroll_code (key, villages, name, station_id, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            key(&normalize(&code)?).to_vec(),
            serde_json::to_string(&villages).unwrap_or_else(|_| "[]".into()),
            name,
            station_id,
            stamp(now),
            expires_at
        ],
    )?;
    Ok(IssuedCode { code, villages, expires_at, station_id: station_id.map(str::to_owned) })
}

/// HQ answers a post's coded request (the bytes of `POST /enroll`): the reply's bytes, or
/// a refusal with nothing recorded.
pub fn answer(store: &mut Store, bytes: &[u8], tls_cert: Option<&[u8]>) -> Result<Vec<u8>> {
    if role(store)? != NodeRole::Hq {
        return Err(Error::rule("本节点不是县局，不能办理登记"));
    }
    let msg: CodedMessage = serde_json::from_slice(bytes)
        .map_err(|_| Error::validation("request", "登记申请格式不对（不是枫桥警务台账的网络登记申请）"))?;
    let tag = hex::decode(&msg.mac).map_err(|_| Error::validation("request", "登记申请的校验码格式不对"))?;
    // Which code made this MAC? Only a handful are ever outstanding, and trying each keeps
    // anything derived from the code off the wire.
    type Row = (Vec<u8>, String, Option<String>, String, Option<String>, Option<String>);
    let rows: Vec<Row> = {
        let mut stmt =
            store.conn().prepare("SELECT key, villages, name, expires_at, used_at, station_id FROM enroll_code")?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
            .collect::<rusqlite::Result<_>>()?
    };
    let found = rows.into_iter().find(|row| request_mac(&row.0, &msg.body).verify_slice(&tag).is_ok());
    let Some((code_key, villages, name, expires_at, used_at, station_id)) = found else {
        return Err(Error::validation(
            "code",
            "登记码不正确，或登记申请在传送中被改动；县局未做任何登记。请核对登记码后重试",
        ));
    };
    if let Some(at) = used_at {
        let when = show_stored(&at);
        return Err(Error::validation(
            "code",
            format!("此登记码已于 {when} 使用过，每个登记码只能登记一次；请向县局申请新的登记码"),
        ));
    }
    let now = store.clock().now();
    if parse_instant(&expires_at).is_none_or(|t| t <= now) {
        let when = show_stored(&expires_at);
        return Err(Error::validation("code", format!("此登记码已于 {when} 过期；请向县局申请新的登记码")));
    }
    let mut req: EnrollRequest = serde_json::from_str(&msg.body)
        .map_err(|_| Error::validation("request", "登记申请内容无法识别（不是警务室的登记申请）"))?;
    if let Some(n) = name {
        req.node.name = n;
    }
    let villages: Vec<String> = serde_json::from_str(&villages).map_err(|_| Error::rule("登记码记录已损坏"))?;
    store.conn().execute_batch("BEGIN IMMEDIATE")?;
    let done = (|| -> Result<EnrollReply> {
        let reply = enroll_post(store, &req, &villages)?;
        let n = store.conn().execute(
            "UPDATE enroll_code SET used_at = ?1, used_by = ?2 WHERE key = ?3 AND used_at IS NULL",
            params![stamp(now), req.node.node_id.to_string(), code_key],
        )?;
        if n != 1 {
            return Err(Error::validation("code", "此登记码刚刚已被使用；请向县局申请新的登记码"));
        }
        if let Some(s) = &station_id {
            store.conn().execute(
                "UPDATE peer SET station_id = ?1 WHERE node_id = ?2",
                params![s, req.node.node_id.to_string()],
            )?;
        }
        Ok(reply)
    })();
    let mut reply = match done {
        Ok(r) => {
            store.conn().execute_batch("COMMIT")?;
            r
        }
        Err(e) => {
            let _ = store.conn().execute_batch("ROLLBACK");
            return Err(e);
        }
    };
    // The certificate the post is to pin travels under the code's MAC, so nobody in the
    // middle of this first, unverified HTTPS exchange can slip in their own.
    reply.tls_cert = tls_cert.map(hex::encode);
    let body = serde_json::to_string(&reply).map_err(|e| Error::BadRequest(e.to_string()))?;
    let mac = hex::encode(reply_mac(&code_key, &tag, &body).finalize().into_bytes());
    serde_json::to_vec(&CodedMessage { body, mac }).map_err(|e| Error::BadRequest(e.to_string()))
}

/// The post enrolls with the HQ at `url` using `code`: sends its request, checks HQ's
/// reply against the code, then records HQ. A reply that fails the check records nothing.
pub fn enroll_network(store: &mut Store, url: &str, code: &str) -> Result<EnrollReply> {
    let code_key = key(&normalize(code)?);
    let req = enroll_request(store)?;
    let body = serde_json::to_string(&req).map_err(|e| Error::BadRequest(e.to_string()))?;
    let tag = request_mac(&code_key, &body).finalize().into_bytes().to_vec();
    let out = serde_json::to_vec(&CodedMessage { body, mac: hex::encode(&tag) })
        .map_err(|e| Error::BadRequest(e.to_string()))?;
    // Over HTTPS the certificate is not checked on this first contact: the exchange is
    // MACed end to end, and HQ's reply names the certificate to pin from now on.
    let back = super::net::post(url, "/enroll", "application/json", &out, "登记", &super::net::Trust::FirstContact)?;
    accept_reply(store, &code_key, &tag, &back)
}

fn accept_reply(store: &mut Store, code_key: &[u8], request_tag: &[u8], bytes: &[u8]) -> Result<EnrollReply> {
    let forged = || {
        Error::validation(
            "reply",
            "县局的登记回执未通过登记码校验：对方可能不是真正的县局，或回执在传送中被改动；本机未做任何登记",
        )
    };
    let msg: CodedMessage = serde_json::from_slice(bytes).map_err(|_| forged())?;
    let theirs = hex::decode(&msg.mac).map_err(|_| forged())?;
    reply_mac(code_key, request_tag, &msg.body).verify_slice(&theirs).map_err(|_| forged())?;
    let reply: EnrollReply = serde_json::from_str(&msg.body).map_err(|_| forged())?;
    enroll_accept(store, &reply)?;
    Ok(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_random_grouped_and_normalize() {
        let a = random_code().unwrap_or_default();
        let b = random_code().unwrap_or_default();
        assert_ne!(a, b);
        assert_eq!(a.len(), CODE_LEN + 4);
        assert_eq!(a.split('-').count(), 5);
        let n = normalize(&a.to_lowercase().replace('-', " ")).unwrap_or_default();
        assert_eq!(n, a.replace('-', ""));
        assert!(normalize("ABCD-EFGH").is_err());
        assert!(normalize("0BCD-EFGH-JKLM-NPQR-STUV").unwrap_err().to_string().contains("“0”"));
        assert!(normalize("  ").unwrap_err().to_string().contains("登记码"));
    }

    #[test]
    fn macs_depend_on_key_label_and_binding() {
        let k1 = key("AAAA");
        let k2 = key("AAAB");
        let m = |k: &[u8]| request_mac(k, "{}").finalize().into_bytes().to_vec();
        assert_ne!(m(&k1), m(&k2));
        let r1 = reply_mac(&k1, b"x", "{}").finalize().into_bytes().to_vec();
        let r2 = reply_mac(&k1, b"y", "{}").finalize().into_bytes().to_vec();
        assert_ne!(r1, r2);
        assert_ne!(m(&k1), reply_mac(&k1, b"", "{}").finalize().into_bytes().to_vec());
    }
}
