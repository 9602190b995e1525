//! This node's key pairs: one SM2 pair to sign bundles, one SM2 pair to receive bundle
//! keys. Made at first use and kept in the local `node_key` table.
//!
//! The private halves are stored in clear for now: the security issue encrypts the whole
//! database file at rest (SQLCipher), which covers this table too.

use rusqlite::{Connection, OptionalExtension};
use sm2::dsa::{SigningKey, VerifyingKey};
use sm2::pke::{DecryptingKey, EncryptingKey};

use crate::error::{Error, Result};
use crate::store::keys::sm2_scalar;
use crate::sync::bundle::BundleError;

/// The SM2 distinguishing identifier used for every signature: the default of GM/T 0009.
pub const DIST_ID: &str = "1234567812345678";

/// This node's private keys.
pub struct NodeKeys {
    /// Signs the bundles this node makes.
    pub sign: SigningKey,
    /// Unwraps the body keys of bundles sent to this node.
    pub enc: DecryptingKey,
}

impl std::fmt::Debug for NodeKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NodeKeys(…)")
    }
}

/// Public keys as they travel in enrollment files and sit in the `peer` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKeys {
    /// SEC1 uncompressed point of the signing key.
    pub sign: Vec<u8>,
    /// SEC1 uncompressed point of the encryption key.
    pub enc: Vec<u8>,
}

impl PublicKeys {
    /// The verifying key, or a refusal naming a damaged key.
    pub fn verifying(&self) -> Result<VerifyingKey> {
        VerifyingKey::from_sec1_bytes(DIST_ID, &self.sign).map_err(|_| BundleError::BadKey.into())
    }

    /// The encrypting key, or a refusal naming a damaged key.
    pub fn encrypting(&self) -> Result<EncryptingKey> {
        EncryptingKey::from_sec1_bytes(&self.enc).map_err(|_| BundleError::BadKey.into())
    }
}

impl NodeKeys {
    /// The public halves.
    pub fn public(&self) -> PublicKeys {
        PublicKeys {
            sign: self.sign.verifying_key().to_sec1_bytes().to_vec(),
            enc: self.enc.encrypting_key().to_sec1_bytes().to_vec(),
        }
    }
}

/// This node's keys, made and stored on first use.
pub fn load_or_create(conn: &Connection) -> Result<NodeKeys> {
    let get = |purpose: &str| -> Result<Option<Vec<u8>>> {
        Ok(conn.query_row("SELECT secret FROM node_key WHERE purpose = ?1", [purpose], |r| r.get(0)).optional()?)
    };
    let sign = match get("sign")? {
        Some(b) => b,
        None => {
            let b = sm2_scalar()?.to_vec();
            let public = SigningKey::from_slice(DIST_ID, &b)
                .map_err(|_| Error::rule("生成签名密钥失败"))?
                .verifying_key()
                .to_sec1_bytes()
                .to_vec();
            conn.execute("INSERT INTO node_key (purpose, secret, public) VALUES ('sign', ?1, ?2)", (&b, &public))?;
            b
        }
    };
    let enc = match get("enc")? {
        Some(b) => b,
        None => {
            let b = sm2_scalar()?.to_vec();
            let public = DecryptingKey::from_slice(&b)
                .map_err(|_| Error::rule("生成加密密钥失败"))?
                .encrypting_key()
                .to_sec1_bytes()
                .to_vec();
            conn.execute("INSERT INTO node_key (purpose, secret, public) VALUES ('enc', ?1, ?2)", (&b, &public))?;
            b
        }
    };
    let damaged = || Error::rule("数据库中的本机密钥已损坏");
    Ok(NodeKeys {
        sign: SigningKey::from_slice(DIST_ID, &sign).map_err(|_| damaged())?,
        enc: DecryptingKey::from_slice(&enc).map_err(|_| damaged())?,
    })
}
