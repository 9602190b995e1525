//! The bundle codec: one `*.fqsync` file, the same bytes on a USB stick or over HTTP.
//!
//! ```text
//! FQSYNC/1\n                        magic and format version (readable: `head -2 f.fqsync`)
//! {"suite":"SM2-SM4GCM-SM3",…}\n     header: from, to, counter, created, counts, seq ranges,
//!                                   key and body lengths, SM3 of the encrypted body
//! wrapped key                       the random 16-byte SM4 key, SM2-encrypted to the recipient
//! nonce (12 bytes)
//! encrypted body                    SM4-GCM (AesGcm<Sm4, U12>) of the zstd-compressed JSON
//!                                   body, then the bytes of the files it lists, if any
//!                                   (see [`Body::files`]); the two readable lines are its
//!                                   associated data
//! signature (64 bytes)              SM2 (with SM3) by the sender over everything above
//! ```
//!
//! [`open()`] refuses, with a typed [`BundleError`] and a Chinese message, anything that is
//! not exactly what a known sender made for this node; the caller applies nothing then.
//! The suite id leaves room for another suite later; this build knows only one.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{AesGcm, Nonce};
use serde::{Deserialize, Serialize};
use sm2::dsa::Signature;
use sm2::dsa::signature::{Signer, Verifier};
use sm3::{Digest, Sm3};
use sm4::Sm4;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::model::Hlc;
use crate::store::write::Change;
use crate::sync::keys::{NodeKeys, PublicKeys};

/// The format this build writes and reads.
pub const FORMAT: u32 = 1;
/// The one crypto suite of format 1.
pub const SUITE: &str = "SM2-SM4GCM-SM3";
const MAGIC: &[u8] = b"FQSYNC/";
const NONCE_LEN: usize = 12;
const SIG_LEN: usize = 64;

type Sm4Gcm = AesGcm<Sm4, aes_gcm::aead::consts::U12>;

pub use crate::error::BundleError;

/// The changes of one origin node a bundle covers: every change with a seq in
/// `after < seq <= upto` that the recipient may see is in the bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    /// The origin node.
    pub origin: Uuid,
    /// Exclusive lower bound.
    pub after: i64,
    /// Inclusive upper bound.
    pub upto: i64,
}

/// The readable header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Crypto suite id.
    pub suite: String,
    /// Sender node.
    pub from: Uuid,
    /// Recipient node.
    pub to: Uuid,
    /// The sender's running number of bundles for this recipient, from 1.
    pub counter: i64,
    /// When it was made (RFC 3339 UTC).
    pub created: String,
    /// How many changes it carries.
    pub changes: u64,
    /// Which seqs of which origins it covers.
    pub ranges: Vec<Range>,
    /// Length of the wrapped key.
    pub key_len: usize,
    /// Length of the encrypted body.
    pub body_len: usize,
    /// SM3 of the encrypted body, hex.
    pub body_sm3: String,
}

/// What the body carries.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Body {
    /// For each origin, how far the sender has received its changes from the recipient.
    pub acks: Vec<(Uuid, i64)>,
    /// The changes, in clock order.
    pub changes: Vec<Change>,
    /// A post to HQ: the head of its audit chain, for HQ to keep as an anchor.
    pub audit: Option<AuditClaim>,
    /// HQ to a post: the highest entry of the post's audit chain HQ keeps an anchor of.
    pub audit_anchored: Option<i64>,
    /// HQ to a post: rows of the post's HQ did not take, not yet confirmed by the post.
    pub refusals: Vec<Refusal>,
    /// A post to HQ: the highest refusal it holds.
    pub refusal_seen: Option<i64>,
    /// The sender was restored from a backup holding its own changes only up to this
    /// number: the recipient sends back those it holds above it. `None`: the sender holds
    /// all its own changes the recipient has.
    pub own_from: Option<i64>,
    /// The sender was restored from a backup and lacks its own changes numbered in
    /// `(from, upto]` (above what the backup held, or what the recipient already sent back,
    /// and up to where its numbering resumed): the recipient sends back those it holds
    /// there. Sent in every bundle after a restore. `None`: not restored.
    pub own_window: Option<(i64, i64)>,
    /// The bytes of the attached files the changes name (SM3 hex, bytes): each goes with
    /// the change that introduces it, so once that change is acknowledged it is not sent
    /// again. On the wire the JSON lists each file's SM3 and length and the bytes follow it,
    /// one after another, inside the same compressed and encrypted body.
    pub files: Vec<(String, Vec<u8>)>,
}

/// A row of a post's bundle that HQ did not take, as HQ tells the post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    /// HQ's number for it.
    pub id: i64,
    /// The number of the post's bundle that carried it.
    pub counter: i64,
    /// The table.
    pub tbl: String,
    /// The row.
    pub row_id: String,
    /// How many of the row's changes were refused.
    pub changes: i64,
    /// Why, in Chinese.
    pub reason: String,
    /// When HQ refused it (RFC 3339, UTC).
    pub refused_at: String,
}

/// A post's audit chain as it stands when the bundle is made: its last entry, and the hash
/// it now holds at the entry HQ last anchored (which must not have changed since).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditClaim {
    /// The last entry's number.
    pub seq: i64,
    /// Its hash.
    pub hash: String,
    /// The entry HQ anchored last and its hash now (empty if the entry is gone).
    pub check: Option<(i64, String)>,
    /// Cuts of the chain's tail the post found and recorded (see `store::audit`), in words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cuts: Vec<String>,
}

/// A change on the wire: a compact tuple.
#[derive(Serialize, Deserialize)]
struct WireChange(Uuid, i64, String, Option<String>, String, String, String, String);

#[derive(Serialize, Deserialize)]
struct WireBody {
    acks: Vec<(Uuid, i64)>,
    changes: Vec<WireChange>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    audit: Option<AuditClaim>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    audit_anchored: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    refusals: Vec<Refusal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refusal_seen: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    own_from: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    own_window: Option<(i64, i64)>,
    /// SM3 and length of each file whose bytes follow the JSON.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    files: Vec<(String, usize)>,
}

/// What a sender says about a bundle, besides its body.
#[derive(Debug, Clone)]
pub struct Envelope {
    /// Sender.
    pub from: Uuid,
    /// Recipient.
    pub to: Uuid,
    /// Running number for this recipient.
    pub counter: i64,
    /// When made.
    pub created: String,
    /// Covered seq ranges.
    pub ranges: Vec<Range>,
}

fn rng_error(e: impl std::fmt::Display) -> Error {
    Error::Io(std::io::Error::other(format!("无法取得系统随机数：{e}")))
}

/// Seals a body: compresses, encrypts to `recipient`, signs with `keys`.
pub fn seal(env: &Envelope, body: &Body, keys: &NodeKeys, recipient: &PublicKeys) -> Result<Vec<u8>> {
    let wire = WireBody {
        acks: body.acks.clone(),
        changes: body
            .changes
            .iter()
            .map(|c| {
                WireChange(
                    c.origin,
                    c.origin_seq,
                    c.hlc.to_string(),
                    c.prev.map(|p| p.to_string()),
                    c.tbl.clone(),
                    c.row_id.clone(),
                    c.col.clone(),
                    c.value.clone(),
                )
            })
            .collect(),
        audit: body.audit.clone(),
        audit_anchored: body.audit_anchored,
        refusals: body.refusals.clone(),
        refusal_seen: body.refusal_seen,
        own_from: body.own_from,
        own_window: body.own_window,
        files: body.files.iter().map(|(sm3, bytes)| (sm3.clone(), bytes.len())).collect(),
    };
    let mut json = serde_json::to_vec(&wire).map_err(|e| BundleError::Malformed(e.to_string()))?;
    for (_, bytes) in &body.files {
        json.extend(bytes);
    }
    let compressed = zstd::bulk::compress(&json, 3)?;

    let mut key = [0u8; 16];
    getrandom::fill(&mut key).map_err(rng_error)?;
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::fill(&mut nonce).map_err(rng_error)?;
    let wrapped = recipient.encrypting()?.encrypt(&mut getrandom::SysRng, &key).map_err(rng_error)?;

    // The header commits to the body's length and digest, so it is written after
    // encryption; the body's associated data is therefore the magic line plus the
    // header's fixed part (from, to, counter), bound again by the signature over all.
    let cipher = Sm4Gcm::new_from_slice(&key).map_err(|_| Error::rule("内部错误：SM4 密钥长度不对"))?;
    let aad = aad(env.from, env.to, env.counter);
    let ct = cipher
        .encrypt(&Nonce::from(nonce), Payload { msg: &compressed, aad: &aad })
        .map_err(|_| Error::rule("内部错误：SM4-GCM 加密失败"))?;
    let header = Header {
        suite: SUITE.into(),
        from: env.from,
        to: env.to,
        counter: env.counter,
        created: env.created.clone(),
        changes: body.changes.len() as u64,
        ranges: env.ranges.clone(),
        key_len: wrapped.len(),
        body_len: ct.len(),
        body_sm3: hex::encode(Sm3::digest(&ct)),
    };
    let mut out = format!("FQSYNC/{FORMAT}\n").into_bytes();
    out.extend(serde_json::to_vec(&header).map_err(|e| BundleError::Malformed(e.to_string()))?);
    out.push(b'\n');
    out.extend(&wrapped);
    out.extend(nonce);
    out.extend(&ct);
    let sig: Signature = keys.sign.sign(&out);
    out.extend(sig.to_bytes());
    Ok(out)
}

fn aad(from: Uuid, to: Uuid, counter: i64) -> Vec<u8> {
    format!("FQSYNC/{FORMAT} {from} {to} {counter}").into_bytes()
}

/// The sender a bundle's readable header names, read from the first bytes of the file
/// (the magic line and the header; no lengths or signatures are checked). For a server
/// that must tell two uploads from one post apart before it reads either whole; it proves
/// nothing about who sent the bytes, which only [`open()`] does.
pub fn sender(prefix: &[u8]) -> Option<Uuid> {
    let rest = prefix.strip_prefix(MAGIC)?;
    let nl = rest.iter().take(12).position(|b| *b == b'\n')?;
    let line = &rest[nl + 1..];
    let end = line.iter().position(|b| *b == b'\n')?;
    #[derive(Deserialize)]
    struct From {
        from: Uuid,
    }
    serde_json::from_slice::<From>(&line[..end]).ok().map(|h| h.from)
}

/// Reads the readable part: version and header, with the length checks. Needs no keys.
pub fn read_header(bytes: &[u8]) -> Result<(Header, usize), BundleError> {
    if bytes.is_empty() {
        return Err(BundleError::Empty);
    }
    if !bytes.starts_with(MAGIC) {
        return Err(BundleError::NotABundle);
    }
    let rest = &bytes[MAGIC.len()..];
    let Some(nl) = rest.iter().take(12).position(|b| *b == b'\n') else {
        return Err(if rest.len() < 12 {
            BundleError::Truncated { expected: 0, found: bytes.len() }
        } else {
            BundleError::NotABundle
        });
    };
    let version: u32 =
        std::str::from_utf8(&rest[..nl]).ok().and_then(|s| s.parse().ok()).ok_or(BundleError::NotABundle)?;
    if version > FORMAT {
        return Err(BundleError::FutureVersion { found: version, supported: FORMAT });
    }
    if version != FORMAT {
        return Err(BundleError::NotABundle);
    }
    let start = MAGIC.len() + nl + 1;
    let Some(hl) = bytes[start..].iter().position(|b| *b == b'\n') else {
        return Err(BundleError::Truncated { expected: 0, found: bytes.len() });
    };
    let header: Header =
        serde_json::from_slice(&bytes[start..start + hl]).map_err(|_| BundleError::Tampered("文件头无法读取"))?;
    if header.suite != SUITE {
        return Err(BundleError::UnknownSuite(header.suite));
    }
    let body_start = start + hl + 1;
    let expected = body_start
        .checked_add(header.key_len)
        .and_then(|n| n.checked_add(NONCE_LEN))
        .and_then(|n| n.checked_add(header.body_len))
        .and_then(|n| n.checked_add(SIG_LEN))
        .ok_or(BundleError::Tampered("文件头中的长度不合理"))?;
    if bytes.len() < expected {
        return Err(BundleError::Truncated { expected, found: bytes.len() });
    }
    if bytes.len() > expected {
        return Err(BundleError::Tampered("文件尾部有多余内容"));
    }
    Ok((header, body_start))
}

/// Opens a bundle made for `me`: checks everything listed in the module docs, in order,
/// and returns the header and the body. `sender` looks up an enrolled peer's public keys.
pub fn open(
    bytes: &[u8],
    me: Uuid,
    keys: &NodeKeys,
    sender: impl FnOnce(Uuid) -> Option<PublicKeys>,
) -> Result<(Header, Body)> {
    let (header, body_start) = read_header(bytes)?;
    if header.to != me {
        return Err(BundleError::ForeignRecipient { to: header.to, me }.into());
    }
    let peer = sender(header.from).ok_or(BundleError::UnknownSender(header.from))?;
    let sig_at = bytes.len() - SIG_LEN;
    let key_end = body_start + header.key_len;
    let ct = &bytes[key_end + NONCE_LEN..sig_at];
    if hex::encode(Sm3::digest(ct)) != header.body_sm3 {
        return Err(BundleError::Tampered("正文的 SM3 摘要不符").into());
    }
    let sig = Signature::from_slice(&bytes[sig_at..]).map_err(|_| BundleError::Tampered("签名格式不对"))?;
    peer.verifying()?.verify(&bytes[..sig_at], &sig).map_err(|_| BundleError::Tampered("SM2 签名验证未通过"))?;
    let key = keys.enc.decrypt(&bytes[body_start..key_end]).map_err(|_| BundleError::Tampered("无法解开正文密钥"))?;
    let cipher = Sm4Gcm::new_from_slice(&key).map_err(|_| BundleError::Tampered("正文密钥长度不对"))?;
    let nonce: Nonce<aes_gcm::aead::consts::U12> =
        Nonce::try_from(&bytes[key_end..key_end + NONCE_LEN]).map_err(|_| BundleError::Tampered("随机数长度不对"))?;
    let aad = aad(header.from, header.to, header.counter);
    let compressed = cipher
        .decrypt(&nonce, Payload { msg: ct, aad: &aad })
        .map_err(|_| BundleError::Tampered("SM4-GCM 认证未通过"))?;
    let json =
        zstd::stream::decode_all(compressed.as_slice()).map_err(|_| BundleError::Malformed("解压失败".into()))?;
    let mut stream = serde_json::Deserializer::from_slice(&json).into_iter::<WireBody>();
    let wire = match stream.next() {
        Some(Ok(w)) => w,
        Some(Err(e)) => return Err(BundleError::Malformed(e.to_string()).into()),
        None => return Err(BundleError::Malformed("正文为空".into()).into()),
    };
    let files = split_files(&json[stream.byte_offset()..], &wire.files)?;
    let hlc = |s: &str| s.parse::<Hlc>().map_err(|e| BundleError::Malformed(e.to_string()));
    let mut changes = Vec::with_capacity(wire.changes.len());
    for WireChange(origin, origin_seq, h, prev, tbl, row_id, col, value) in wire.changes {
        changes.push(Change {
            origin,
            origin_seq,
            hlc: hlc(&h)?,
            prev: prev.as_deref().map(hlc).transpose()?,
            tbl,
            row_id,
            col,
            value,
        });
    }
    if changes.len() as u64 != header.changes {
        return Err(BundleError::Malformed("变更条数与文件头不符".into()).into());
    }
    let body = Body {
        acks: wire.acks,
        changes,
        audit: wire.audit,
        audit_anchored: wire.audit_anchored,
        refusals: wire.refusals,
        refusal_seen: wire.refusal_seen,
        own_from: wire.own_from,
        own_window: wire.own_window,
        files,
    };
    Ok((header, body))
}

/// The files' bytes after the JSON, cut by the lengths it lists; they must fill it exactly.
fn split_files(mut rest: &[u8], listed: &[(String, usize)]) -> Result<Vec<(String, Vec<u8>)>, BundleError> {
    let mut files = Vec::with_capacity(listed.len());
    for (sm3, len) in listed {
        if rest.len() < *len {
            return Err(BundleError::Malformed("附件内容比正文所列的短".into()));
        }
        let (bytes, tail) = rest.split_at(*len);
        files.push((sm3.clone(), bytes.to_vec()));
        rest = tail;
    }
    if !rest.is_empty() {
        return Err(BundleError::Malformed("正文之后有多余内容".into()));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> NodeKeys {
        let conn = rusqlite::Connection::open_in_memory().expect("db");
        conn.execute_batch(
            "CREATE TABLE node_key (purpose TEXT PRIMARY KEY, secret BLOB NOT NULL, public BLOB NOT NULL)",
        )
        .expect("table");
        crate::sync::keys::load_or_create(&conn).expect("keys")
    }

    fn sample() -> (Envelope, Body) {
        let a = Uuid::from_u128(1);
        let env = Envelope {
            from: a,
            to: Uuid::from_u128(2),
            counter: 1,
            created: "2026-11-23T01:00:00Z".into(),
            ranges: vec![Range { origin: a, after: 0, upto: 1 }],
        };
        let body = Body {
            acks: vec![(Uuid::from_u128(2), 5)],
            changes: vec![Change {
                origin: a,
                origin_seq: 1,
                hlc: Hlc { wall_ms: 9, counter: 0, node: a },
                prev: None,
                tbl: "person".into(),
                row_id: "r".into(),
                col: "name".into(),
                value: "\"王芳\"".into(),
            }],
            audit: Some(AuditClaim {
                seq: 7,
                hash: "ab".into(),
                check: Some((3, "cd".into())),
                cuts: vec!["第 8–9 条缺失".into()],
            }),
            audit_anchored: None,
            refusals: vec![Refusal {
                id: 4,
                counter: 2,
                tbl: "village".into(),
                row_id: "v1".into(),
                changes: 2,
                reason: "不在辖区内".into(),
                refused_at: "2026-11-23T01:00:00Z".into(),
            }],
            refusal_seen: Some(3),
            own_from: Some(7),
            own_window: Some((7, 9 << 20)),
            files: vec![("ab12".into(), b"\xFF\xD8\xFF photo".to_vec()), ("cd34".into(), b"%PDF-1.4 scan".to_vec())],
        };
        (env, body)
    }

    #[test]
    fn a_sealed_bundle_opens_for_its_recipient_and_every_flipped_byte_is_refused() {
        let (sender, recipient) = (keys(), keys());
        let (env, body) = sample();
        let bytes = seal(&env, &body, &sender, &recipient.public()).expect("seal");
        let open_it = |b: &[u8]| open(b, env.to, &recipient, |_| Some(sender.public()));
        let (h, got) = open_it(&bytes).expect("open");
        assert_eq!((h.from, h.counter, got), (env.from, 1, body));
        assert!(std::str::from_utf8(&bytes[..40]).expect("readable").starts_with("FQSYNC/1\n{\"suite\""));
        for i in (0..bytes.len()).step_by(7) {
            let mut bad = bytes.clone();
            bad[i] ^= 0x20;
            assert!(open_it(&bad).is_err(), "byte {i} flipped yet accepted");
        }
    }

    #[test]
    fn the_sender_is_read_from_the_first_bytes_alone() {
        let (sender_keys, recipient) = (keys(), keys());
        let (env, body) = sample();
        let bytes = seal(&env, &body, &sender_keys, &recipient.public()).expect("seal");
        let header_end = bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(1).expect("two lines").0;
        assert_eq!(sender(&bytes[..=header_end]), Some(env.from));
        assert_eq!(sender(&bytes[..header_end]), None, "a header cut short names nobody");
        assert_eq!(sender(b"not a bundle"), None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]

        /// The decoder's stand-in for a fuzzer: any bytes, and any cut or splice of a real
        /// bundle, are refused with a typed error, never a panic, never accepted.
        #[test]
        fn no_mangled_bundle_panics_or_opens(
            noise in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600),
            cut in 0usize..2000,
            at in 0usize..2000,
        ) {
            let (sender, recipient) = (keys(), keys());
            let (env, body) = sample();
            let bytes = seal(&env, &body, &sender, &recipient.public()).expect("seal");
            let open_it = |b: &[u8]| open(b, env.to, &recipient, |_| Some(sender.public()));
            proptest::prop_assert!(open_it(&noise).is_err());
            let cut = cut % bytes.len();
            proptest::prop_assert!(open_it(&bytes[..cut]).is_err());
            let at = at % bytes.len();
            let mut spliced = bytes[..at].to_vec();
            spliced.extend(&noise);
            spliced.extend(&bytes[at..]);
            if !noise.is_empty() {
                proptest::prop_assert!(open_it(&spliced).is_err());
            }
        }
    }
}
