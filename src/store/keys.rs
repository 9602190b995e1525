//! The database key and the key file beside the database.
//!
//! The database is encrypted (SQLCipher) with one random 256-bit key. Each user holds a
//! copy of it, wrapped with AES-256-GCM under a key derived from that user's password by
//! Argon2id: any user can unlock the file, and a password change re-wraps only that user's
//! copy, never the database.
//!
//! The wrapped copies must be readable before the database is open, so they live in a
//! small JSON sidecar, `<database>.keys` (e.g. `fengqiao.db.keys`), with a format name and
//! version. Nothing in it is secret without a password: login names (which appear on the
//! login screen anyway), Argon2id parameters and salts, the wrapped keys, and each login's
//! failed-attempt count. The count lives here rather than in the database because a wrong
//! password cannot open the database to record it. Each wrapped key is bound to its login
//! name (GCM associated data), so swapping entries in the file does not let one user's
//! password log in as another.
//!
//! Since version 2 of the file a user's copy is indirect: the password wraps the user's own
//! SM2 private key, and the database key is SM2-encrypted ("sealed") to the user's public
//! key. So the key can be changed without anyone's password: when a user leaves, the admin's
//! session seals a new database key to every remaining user's public key and the database is
//! re-encrypted under it ([`crate::store::rotate`]), and what the leaver knew opens nothing
//! written afterwards. A version 1 entry (the database key wrapped under the password
//! directly) still opens, and is rewritten in the new form at that user's next login.
//!
//! Key material is zeroized when dropped ([`DbKey`], derived keys, the hex form handed to
//! SQLCipher).

use std::path::{Path, PathBuf};

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sm2::pke::{DecryptingKey, EncryptingKey};
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Result};
use crate::model::auth::{Lockout, Policy};

/// The key file's format name.
pub const FORMAT: &str = "fengqiao-keys";
/// The key file's format version (2: each user's copy sealed to their own SM2 key).
pub const VERSION: u32 = 2;

/// The database key: 32 random bytes, wiped from memory when dropped.
pub struct DbKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for DbKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbKey(…)")
    }
}

impl DbKey {
    /// A fresh random key from the operating system's generator.
    pub fn generate() -> Result<DbKey> {
        let mut k = Zeroizing::new([0u8; 32]);
        random(k.as_mut())?;
        Ok(DbKey(k))
    }

    /// The value for `PRAGMA key`: a raw key (`x'…'`), so SQLCipher skips its own
    /// passphrase derivation; ours already happened (Argon2id).
    pub(crate) fn pragma(&self) -> Zeroizing<String> {
        let mut hex = Zeroizing::new(String::with_capacity(67));
        hex.push_str("x'");
        for b in self.0.iter() {
            hex.push(HEX[usize::from(b >> 4)] as char);
            hex.push(HEX[usize::from(b & 15)] as char);
        }
        hex.push('\'');
        hex
    }

    /// Compares two keys in constant time.
    pub fn same_as(&self, other: &DbKey) -> bool {
        self.0.iter().zip(other.0.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }

    fn clone_key(&self) -> DbKey {
        DbKey(Zeroizing::new(*self.0))
    }
}

impl Clone for DbKey {
    fn clone(&self) -> Self {
        self.clone_key()
    }
}

/// Argon2id cost parameters, stored with each wrapped key so they can be raised later
/// without locking anyone out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kdf {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl Default for Kdf {
    /// OWASP's first Argon2id recommendation: 19 MiB, 2 passes, 1 lane.
    fn default() -> Self {
        Kdf { m_kib: 19 * 1024, t: 2, p: 1 }
    }
}

impl Kdf {
    fn derive(&self, password: &str, salt: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
        let params = argon2::Params::new(self.m_kib, self.t, self.p, Some(32))
            .map_err(|e| Error::rule(format!("密钥文件中的 Argon2id 参数无效：{e}")))?;
        let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut out = Zeroizing::new([0u8; 32]);
        argon
            .hash_password_into(password.as_bytes(), salt, out.as_mut())
            .map_err(|e| Error::rule(format!("密码派生失败：{e}")))?;
        Ok(out)
    }
}

/// One user's copy of the database key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WrappedKey {
    /// The login name it belongs to.
    pub login: String,
    /// Argon2id parameters.
    pub kdf: Kdf,
    /// Argon2id salt (hex, 16 bytes).
    pub salt: String,
    /// AES-GCM nonce (hex, 12 bytes).
    pub nonce: String,
    /// Under the password, with its tag (hex, 48 bytes): the user's SM2 private key, or in
    /// a version 1 entry (no `public`) the database key itself.
    pub wrapped: String,
    /// The user's SM2 public key (hex, SEC1 uncompressed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public: Option<String>,
    /// The database key SM2-encrypted to `public` (hex).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed: Option<String>,
    /// Failed logins and lock.
    #[serde(default)]
    pub lockout: Lockout,
    /// Failed logins not yet written to the audit log (it was closed at the time).
    #[serde(default)]
    pub unaudited_failures: Vec<DateTime<Utc>>,
}

/// The key file: every user's wrapped copy of the database key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyFile {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`VERSION`] when written by this build.
    pub version: u32,
    /// One entry per user who can unlock the database.
    pub users: Vec<WrappedKey>,
    /// Only in a key file set aside while the database key changes: the first 16 bytes
    /// (SQLCipher's salt, hex) of the database file re-encrypted for it, so that a start
    /// after a crash knows whether the file was swapped ([`crate::store::rotate`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub db_salt: Option<String>,
}

impl Default for KeyFile {
    fn default() -> Self {
        KeyFile { format: FORMAT.into(), version: VERSION, users: Vec::new(), db_salt: None }
    }
}

/// The key file that belongs to the database at `db`.
pub fn path_for(db: &Path) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(".keys");
    PathBuf::from(s)
}

/// What binds an entry to its login: a version 2 entry's private key, or a version 1
/// entry's database key.
fn aad(version: u32, login: &str) -> Vec<u8> {
    format!("{FORMAT}/{version}/{login}").into_bytes()
}

/// 32 random bytes that are a valid SM2 private scalar.
pub fn sm2_scalar() -> Result<Zeroizing<[u8; 32]>> {
    loop {
        let mut b = Zeroizing::new([0u8; 32]);
        random(b.as_mut())?;
        if DecryptingKey::from_slice(b.as_ref()).is_ok() {
            return Ok(b);
        }
    }
}

/// Seals the database key to a user's public key (hex SEC1).
fn seal(public: &str, key: &DbKey) -> Result<String> {
    let point = unhex(public).ok_or_else(|| Error::rule("密钥文件中的公钥已损坏"))?;
    let to = EncryptingKey::from_sec1_bytes(&point).map_err(|_| Error::rule("密钥文件中的公钥已损坏"))?;
    let sealed = to
        .encrypt(&mut getrandom::SysRng, key.0.as_ref())
        .map_err(|e| Error::Io(std::io::Error::other(format!("无法取得系统随机数：{e}"))))?;
    Ok(hex(&sealed))
}

impl KeyFile {
    /// Reads the key file at `path`, if there is one.
    pub fn load(path: &Path) -> Result<Option<KeyFile>> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let file: KeyFile =
            serde_json::from_str(&text).map_err(|e| Error::rule(format!("密钥文件 {} 已损坏：{e}", path.display())))?;
        if file.format != FORMAT {
            return Err(Error::rule(format!("{} 不是枫桥警务台账的密钥文件", path.display())));
        }
        if file.version > VERSION {
            return Err(Error::rule(format!(
                "密钥文件 {} 由较新版本写入（格式版本 {}），请先升级软件",
                path.display(),
                file.version
            )));
        }
        Ok(Some(file))
    }

    /// The key file's text, in this build's format version (a version 1 file read and
    /// saved again may still hold version 1 entries, which this version reads).
    pub fn to_json(&self) -> Result<Vec<u8>> {
        let current = KeyFile { version: VERSION, ..self.clone() };
        serde_json::to_vec_pretty(&current).map_err(|e| Error::BadRequest(e.to_string()))
    }

    /// Writes the key file atomically (a temporary file renamed over the old one).
    pub fn save(&self, path: &Path) -> Result<()> {
        let text = self.to_json()?;
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        {
            let mut file = std::fs::File::create(&tmp)?;
            std::io::Write::write_all(&mut file, &text)?;
            file.sync_all()?;
        }
        // Only the desk's own account needs to read it.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))?;
        }
        std::fs::rename(&tmp, path)?;
        Ok(())
    }

    /// The entry for `login`.
    pub fn entry(&self, login: &str) -> Option<&WrappedKey> {
        self.users.iter().find(|u| u.login == login)
    }

    /// Until when `login` is locked after repeated failures, if it is locked at `now`.
    pub fn locked_until(&self, login: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.entry(login).and_then(|k| k.lockout.locked_until).filter(|until| *until > now)
    }

    fn entry_mut(&mut self, login: &str) -> Option<&mut WrappedKey> {
        self.users.iter_mut().find(|u| u.login == login)
    }

    /// Gives `login` a copy of `key` under `password`: a new SM2 key pair for the login, its
    /// private half wrapped under the password and the database key sealed to its public
    /// half. Replaces any copy that login had (its lockout record is cleared).
    pub fn wrap_for(&mut self, login: &str, password: &str, key: &DbKey) -> Result<()> {
        let kdf = Kdf::default();
        let mut salt = [0u8; 16];
        random(&mut salt)?;
        let mut nonce = [0u8; 12];
        random(&mut nonce)?;
        let kek = kdf.derive(password, &salt)?;
        let cipher = Aes256Gcm::new_from_slice(kek.as_ref()).map_err(|e| Error::rule(e.to_string()))?;
        let secret = sm2_scalar()?;
        let public = DecryptingKey::from_slice(secret.as_ref())
            .map_err(|_| Error::rule("无法生成密钥"))?
            .encrypting_key()
            .to_sec1_bytes();
        let public = hex(&public);
        let wrapped = cipher
            .encrypt(&Nonce::from(nonce), Payload { msg: secret.as_ref(), aad: &aad(VERSION, login) })
            .map_err(|_| Error::rule("密钥加密失败"))?;
        let entry = WrappedKey {
            login: login.to_owned(),
            kdf,
            salt: hex(&salt),
            nonce: hex(&nonce),
            wrapped: hex(&wrapped),
            sealed: Some(seal(&public, key)?),
            public: Some(public),
            lockout: Lockout::default(),
            unaudited_failures: Vec::new(),
        };
        self.users.retain(|u| u.login != login);
        self.users.push(entry);
        Ok(())
    }

    /// Removes `login`'s copy: that password no longer opens the database.
    pub fn remove(&mut self, login: &str) {
        self.users.retain(|u| u.login != login);
    }

    /// Unwraps the database key with `login`'s password, without touching the lockout
    /// record. A wrong password, an unknown login and a tampered entry look alike.
    pub fn unwrap_key(&self, login: &str, password: &str) -> Result<DbKey> {
        let wrong = || Error::unauthenticated("用户名或密码错误");
        let Some(e) = self.entry(login) else {
            // Spend the same effort as a real attempt, so timing does not reveal which
            // login names exist.
            let _ = Kdf::default().derive(password, &[0u8; 16]);
            return Err(wrong());
        };
        let salt = unhex(&e.salt).ok_or_else(wrong)?;
        let nonce: [u8; 12] = unhex(&e.nonce).and_then(|n| n.try_into().ok()).ok_or_else(wrong)?;
        let wrapped = unhex(&e.wrapped).ok_or_else(wrong)?;
        let kek = e.kdf.derive(password, &salt)?;
        let cipher = Aes256Gcm::new_from_slice(kek.as_ref()).map_err(|e| Error::rule(e.to_string()))?;
        let version = if e.public.is_some() { VERSION } else { 1 };
        let mut plain = cipher
            .decrypt(&Nonce::from(nonce), Payload { msg: &wrapped, aad: &aad(version, login) })
            .map_err(|_| wrong())?;
        if e.public.is_some() {
            // The user's private key, which opens the sealed database key.
            let secret = DecryptingKey::from_slice(&plain);
            plain.zeroize();
            let sealed = e.sealed.as_deref().and_then(unhex).ok_or_else(wrong)?;
            plain = secret.map_err(|_| wrong())?.decrypt(&sealed).map_err(|_| wrong())?;
        }
        let key: Option<[u8; 32]> = plain.as_slice().try_into().ok();
        plain.zeroize();
        key.map(|k| DbKey(Zeroizing::new(k))).ok_or_else(wrong)
    }

    /// This file for a new database key: every user's copy sealed to their public key, no
    /// password needed. Users whose copy is still of version 1 (not logged in since the
    /// upgrade) cannot be given the new key and are left out, named in the second value:
    /// an admin sets them a new password.
    pub fn resealed(&self, key: &DbKey) -> Result<(KeyFile, Vec<String>)> {
        let mut out = KeyFile::default();
        let mut left_out = Vec::new();
        for u in &self.users {
            match &u.public {
                Some(public) => out.users.push(WrappedKey { sealed: Some(seal(public, key)?), ..u.clone() }),
                None => left_out.push(u.login.clone()),
            }
        }
        Ok((out, left_out))
    }

    /// The login attempt as the login screen makes it: refused while the account is
    /// locked; a failure is counted (and may lock the account) and kept for the audit log;
    /// a success clears the count. The file at `path` is rewritten when the record changes.
    pub fn attempt(
        &mut self,
        path: &Path,
        login: &str,
        password: &str,
        now: DateTime<Utc>,
        policy: &Policy,
    ) -> Result<DbKey> {
        self.check_lock(login, now)?;
        match self.unwrap_key(login, password) {
            Ok(key) if self.entry(login).is_some_and(|e| e.public.is_none()) => {
                // A version 1 copy, rewritten in the new form now that the password is here.
                self.wrap_for(login, password, &key)?;
                self.save(path)?;
                Ok(key)
            }
            Ok(key) => {
                self.succeeded(path, login)?;
                Ok(key)
            }
            Err(err) => {
                self.fail(path, login, now, policy)?;
                Err(err)
            }
        }
    }

    /// Refuses a login attempt while `login` is locked at `now`.
    pub fn check_lock(&self, login: &str, now: DateTime<Utc>) -> Result<()> {
        match self.entry(login) {
            Some(e) => e.lockout.check(now),
            None => Ok(()),
        }
    }

    /// A login of `login` succeeded: its failure count starts again (the file is rewritten
    /// only when there was one).
    pub fn succeeded(&mut self, path: &Path, login: &str) -> Result<()> {
        if let Some(e) = self.entry_mut(login)
            && !e.lockout.is_clear()
        {
            e.lockout = Lockout::default();
            self.save(path)?;
        }
        Ok(())
    }

    /// Counts a failed login of `login` at `now` (a wrong password, or at HQ a wrong
    /// one-time code after the right password), keeps it for the audit log and rewrites the
    /// file; the failure that locks the account returns the lock's message.
    pub fn fail(&mut self, path: &Path, login: &str, now: DateTime<Utc>, policy: &Policy) -> Result<()> {
        if let Some(e) = self.entry_mut(login) {
            e.lockout = e.lockout.after_failure(now, policy);
            e.unaudited_failures.push(now);
            self.save(path)?;
            // The attempt that locks the account says so.
            e_check(self.entry(login), now)?;
        }
        Ok(())
    }

    /// Clears `login`'s lock and failure count (an admin's unlock).
    pub fn unlock(&mut self, login: &str) -> bool {
        match self.entry_mut(login) {
            Some(e) => {
                e.lockout = Lockout::default();
                true
            }
            None => false,
        }
    }

    /// Takes every failed login not yet audited, as (login, time).
    pub fn take_unaudited(&mut self) -> Vec<(String, DateTime<Utc>)> {
        let mut out = Vec::new();
        for u in &mut self.users {
            for t in u.unaudited_failures.drain(..) {
                out.push((u.login.clone(), t));
            }
        }
        out.sort_by_key(|(_, t)| *t);
        out
    }
}

fn e_check(e: Option<&WrappedKey>, now: DateTime<Utc>) -> Result<()> {
    match e {
        Some(e) => e.lockout.check(now),
        None => Ok(()),
    }
}

fn random(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|e| Error::Io(std::io::Error::other(format!("无法取得系统随机数：{e}"))))
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().flat_map(|b| [HEX[usize::from(b >> 4)] as char, HEX[usize::from(b & 15)] as char]).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_user_unwraps_the_same_key_and_only_with_their_own_password() {
        let key = DbKey::generate().expect("key");
        let mut f = KeyFile::default();
        f.wrap_for("admin", "Admin2026x", &key).expect("wrap");
        f.wrap_for("lina", "Lina2026x", &key).expect("wrap");
        assert!(f.unwrap_key("admin", "Admin2026x").expect("admin").same_as(&key));
        assert!(f.unwrap_key("lina", "Lina2026x").expect("lina").same_as(&key));
        assert_eq!(f.unwrap_key("lina", "Admin2026x").expect_err("wrong").code(), "unauthenticated");
        assert_eq!(f.unwrap_key("nobody", "Admin2026x").expect_err("unknown").code(), "unauthenticated");
    }

    #[test]
    fn swapping_entries_in_the_file_does_not_let_one_password_log_in_as_another() {
        let key = DbKey::generate().expect("key");
        let mut f = KeyFile::default();
        f.wrap_for("admin", "Admin2026x", &key).expect("wrap");
        f.wrap_for("aux", "Aux2026xx", &key).expect("wrap");
        // Copy the auxiliary's wrapped key into the admin's entry.
        let aux = f.entry("aux").cloned().expect("aux");
        if let Some(a) = f.users.iter_mut().find(|u| u.login == "admin") {
            a.salt = aux.salt;
            a.nonce = aux.nonce;
            a.wrapped = aux.wrapped;
        }
        assert!(f.unwrap_key("admin", "Aux2026xx").is_err());
    }

    #[test]
    fn the_key_file_round_trips_and_only_its_owner_can_read_it() {
        let dir = tempfile::tempdir().expect("dir");
        let path = path_for(&dir.path().join("post.db"));
        assert_eq!(path.file_name().and_then(|n| n.to_str()), Some("post.db.keys"));
        assert!(KeyFile::load(&path).expect("none").is_none());
        let key = DbKey::generate().expect("key");
        let mut f = KeyFile::default();
        f.wrap_for("admin", "Admin2026x", &key).expect("wrap");
        f.save(&path).expect("save");
        let back = KeyFile::load(&path).expect("load").expect("some");
        assert!(back.unwrap_key("admin", "Admin2026x").expect("unwrap").same_as(&key));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, r#"{"format":"fengqiao-keys","version":9,"users":[]}"#).expect("write");
        assert!(KeyFile::load(&path).expect_err("newer").to_string().contains("较新版本"));
        std::fs::write(&path, "not json").expect("write");
        assert!(KeyFile::load(&path).expect_err("junk").to_string().contains("已损坏"));
    }

    /// A version 1 entry, as builds before the sealed copies wrote it.
    fn version_1_entry(login: &str, password: &str, key: &DbKey) -> WrappedKey {
        let kdf = Kdf::default();
        let (salt, nonce) = ([7u8; 16], [9u8; 12]);
        let kek = kdf.derive(password, &salt).expect("kek");
        let cipher = Aes256Gcm::new_from_slice(kek.as_ref()).expect("cipher");
        let wrapped =
            cipher.encrypt(&Nonce::from(nonce), Payload { msg: key.0.as_ref(), aad: &aad(1, login) }).expect("wrap");
        WrappedKey {
            login: login.into(),
            kdf,
            salt: hex(&salt),
            nonce: hex(&nonce),
            wrapped: hex(&wrapped),
            public: None,
            sealed: None,
            lockout: Lockout::default(),
            unaudited_failures: Vec::new(),
        }
    }

    #[test]
    fn a_version_1_copy_opens_and_is_rewritten_sealed_at_the_next_login() {
        let dir = tempfile::tempdir().expect("dir");
        let path = path_for(&dir.path().join("post.db"));
        let key = DbKey::generate().expect("key");
        let mut f = KeyFile { version: 1, ..KeyFile::default() };
        f.users.push(version_1_entry("admin", "Admin2026x", &key));
        assert!(f.unwrap_key("admin", "Admin2026x").expect("v1").same_as(&key));
        assert!(f.unwrap_key("admin", "Wrong2026x").is_err());
        let now = Utc::now();
        let got = f.attempt(&path, "admin", "Admin2026x", now, &Policy::default()).expect("login");
        assert!(got.same_as(&key));
        let back = KeyFile::load(&path).expect("load").expect("saved");
        assert_eq!(back.version, VERSION);
        assert!(back.entry("admin").and_then(|e| e.public.as_ref()).is_some(), "rewritten in the sealed form");
        assert!(back.unwrap_key("admin", "Admin2026x").expect("v2").same_as(&key));
    }

    #[test]
    fn a_new_key_is_sealed_to_every_user_without_their_passwords_and_the_old_copies_do_not_open_it() {
        let old = DbKey::generate().expect("key");
        let mut f = KeyFile::default();
        f.wrap_for("admin", "Admin2026x", &old).expect("wrap");
        f.wrap_for("lina", "Lina2026x", &old).expect("wrap");
        f.users.push(version_1_entry("wang", "Wang2026x", &old));
        let leaver = f.clone();
        f.remove("lina");

        let new = DbKey::generate().expect("key");
        let (next, left_out) = f.resealed(&new).expect("reseal");
        assert_eq!(left_out, ["wang"], "a version 1 copy cannot be resealed");
        assert!(next.unwrap_key("admin", "Admin2026x").expect("admin").same_as(&new));
        assert!(next.entry("lina").is_none() && next.entry("wang").is_none());
        // What the leaver kept (the old file, their password) opens only the old key.
        assert!(!leaver.unwrap_key("lina", "Lina2026x").expect("old copy").same_as(&new));
    }

    #[test]
    fn hex_round_trips_and_rejects_junk() {
        assert_eq!(unhex(&hex(&[0, 1, 0xab, 0xff])), Some(vec![0, 1, 0xab, 0xff]));
        assert_eq!(unhex("abc"), None);
        assert_eq!(unhex("zz"), None);
        assert_eq!(unhex("é1"), None);
    }
}
