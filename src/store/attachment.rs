//! 照片和扫描件: owns `attachment` (synced: whose file, its type, size, name, caption and
//! the SM3 of its bytes) and `attachment_blob` (local: the bytes once per content, and the
//! thumbnail made from them here). The bytes never enter the change log: a bundle carries
//! them beside the `sm3` change that names them ([`files_for`], [`receive`]), so a file
//! travels once, with its row, and the log (and every later bundle) stays small. Both tables
//! are inside the encrypted database file; nothing is written to disk in clear.
//!
//! Attaching the same bytes twice stores them once (the blob's key is their SM3); what may
//! be attached is [`crate::model::attachment::check`]'s rule, judged before anything is
//! written, so a refused file leaves nothing behind. Deleting is the row's `deleted_at`;
//! the bytes stay (an undelete, or another row naming them, needs them).

use rusqlite::{Connection, OptionalExtension, Row, params};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sm3::{Digest, Sm3};

use crate::error::{Error, Result};
use crate::model::attachment::{check, fits, mime};
use crate::model::validate::text;
use crate::model::{AttachmentOwner, FileType};
use crate::store::write::{s, v};
use crate::store::{Tx, from_row};

/// One attached file as a record's 照片/扫描件 block lists it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Attachment {
    /// Row id.
    pub id: String,
    /// 附件所属.
    pub owner_kind: AttachmentOwner,
    /// The hazard, incident or agreement.
    pub owner_id: String,
    /// 文件类型.
    pub file_type: FileType,
    /// SM3 of the bytes (hex).
    pub sm3: String,
    /// 大小（字节）.
    pub size: i64,
    /// 文件名 (when attached).
    pub name: Option<String>,
    /// 说明 (整改前, 整改后, 现场…).
    pub caption: Option<String>,
    /// 添加日期.
    pub attached_on: String,
    /// The thumbnail as a `data:image/jpeg;base64,…` URL (a photo whose bytes are here).
    pub thumb: Option<String>,
    /// Whether the bytes are on this machine (a row may arrive before its file has).
    pub held: bool,
}

impl Attachment {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Attachment> {
        let thumb: Option<Vec<u8>> = r.get("thumb_bytes")?;
        Ok(from_row!(r => Attachment {
            id, owner_kind, owner_id, file_type, sm3, size, name, caption, attached_on, held,
            thumb: thumb.map(|t| data_url("image/jpeg", &t)),
        }))
    }
}

/// A file's bytes for viewing full size.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AttachmentFile {
    /// Row id.
    pub id: String,
    /// 文件类型.
    pub file_type: FileType,
    /// 文件名.
    pub name: Option<String>,
    /// The whole file as a `data:` URL (image/jpeg, image/png or application/pdf).
    pub data_url: String,
}

/// `attachment.list`: whose files.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct AttachmentOwnerRef {
    /// 附件所属.
    #[schemars(title = "附件所属")]
    pub owner_kind: AttachmentOwner,
    /// The hazard, incident or agreement.
    #[schemars(title = "所属记录")]
    pub owner_id: String,
}

fn data_url(mime: &str, bytes: &[u8]) -> String {
    use base64::Engine;
    format!("data:{mime};base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// The SM3 of `bytes`, hex: the key of a file's bytes.
pub fn digest(bytes: &[u8]) -> String {
    hex::encode(Sm3::digest(bytes))
}

const SELECT: &str = "SELECT a.id, a.owner_kind, a.owner_id, a.file_type, a.sm3, a.size, a.name, a.caption,
        a.attached_on, b.thumb AS thumb_bytes, b.sm3 IS NOT NULL AS held
     FROM attachment a LEFT JOIN attachment_blob b ON b.sm3 = a.sm3";

/// The files of a record, oldest first.
pub fn list(conn: &Connection, owner: AttachmentOwner, owner_id: &str) -> Result<Vec<Attachment>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE a.owner_kind = ?1 AND a.owner_id = ?2 AND a.deleted_at IS NULL
         ORDER BY a.attached_on, a.id"
    ))?;
    Ok(stmt.query_map(params![owner, owner_id], Attachment::from_row)?.collect::<rusqlite::Result<_>>()?)
}

/// One attached file's row.
pub fn get(conn: &Connection, id: &str) -> Result<Attachment> {
    conn.prepare_cached(&format!("{SELECT} WHERE a.id = ?1 AND a.deleted_at IS NULL"))?
        .query_row([id], Attachment::from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("照片或扫描件", id))
}

/// One attached file's bytes, as a data URL.
pub fn file(conn: &Connection, id: &str) -> Result<AttachmentFile> {
    let a = get(conn, id)?;
    let bytes: Vec<u8> = conn
        .prepare_cached("SELECT bytes FROM attachment_blob WHERE sm3 = ?1")?
        .query_row([&a.sm3], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::rule("这份文件尚未同步到本机（只有记录，没有文件内容），请同步后再看"))?;
    Ok(AttachmentFile { id: a.id, file_type: a.file_type, name: a.name, data_url: data_url(mime(a.file_type), &bytes) })
}

/// The village (and for an agreement, the dispute) a record's files follow.
fn owner_place(conn: &Connection, owner: AttachmentOwner, id: &str) -> Result<(Option<String>, Option<String>)> {
    let sql = match owner {
        AttachmentOwner::Hazard => "SELECT village_id, NULL FROM hazard WHERE id = ?1 AND deleted_at IS NULL",
        AttachmentOwner::Incident => "SELECT village_id, NULL FROM incident WHERE id = ?1 AND deleted_at IS NULL",
        AttachmentOwner::Agreement => {
            "SELECT d.village_id, g.dispute_id FROM agreement g JOIN dispute d ON d.id = g.dispute_id
             WHERE g.id = ?1 AND g.deleted_at IS NULL"
        }
    };
    conn.prepare_cached(sql)?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| Error::validation("owner_id", format!("所选{}不存在或已删除（{id}）", owner.label())))
}

/// What to attach.
#[derive(Debug, Clone)]
pub struct NewAttachment<'a> {
    /// Whose.
    pub owner: AttachmentOwner,
    /// The record.
    pub owner_id: &'a str,
    /// The file's name, as chosen.
    pub name: Option<&'a str>,
    /// 说明.
    pub caption: Option<&'a str>,
    /// The bytes.
    pub bytes: &'a [u8],
}

/// Attaches a file to a record: judged whole first (type from the bytes, size, a photo
/// decoded within limits, a PDF only on an agreement), then the bytes stored once by their
/// SM3 and the row written. Returns the row id.
pub fn add(tx: &mut Tx<'_>, a: NewAttachment<'_>) -> Result<String> {
    let (village_id, dispute_id) = owner_place(tx.conn(), a.owner, a.owner_id)?;
    let (ty, thumb) = check(a.bytes)?;
    fits(a.owner, ty)?;
    let name = text("name", "文件名", a.name, 200)?;
    let caption = text("caption", "说明", a.caption, 100)?;
    let sm3 = digest(a.bytes);
    put_blob(tx.conn(), &sm3, a.bytes, thumb.as_deref())?;
    let id = tx.new_id();
    let today = tx.today().format("%Y-%m-%d").to_string();
    tx.insert(
        "attachment",
        &id,
        &[
            ("owner_kind", v(a.owner)),
            ("owner_id", s(a.owner_id)),
            ("village_id", v(village_id)),
            ("dispute_id", v(dispute_id)),
            ("file_type", v(ty)),
            ("sm3", s(&sm3)),
            ("size", v(a.bytes.len() as i64)),
            ("name", v(name)),
            ("caption", v(caption)),
            ("attached_on", s(&today)),
        ],
    )?;
    Ok(id)
}

fn put_blob(conn: &Connection, sm3: &str, bytes: &[u8], thumb: Option<&[u8]>) -> Result<()> {
    conn.prepare_cached("INSERT OR IGNORE INTO attachment_blob (sm3, bytes, thumb) VALUES (?1, ?2, ?3)")?
        .execute(params![sm3, bytes, thumb])?;
    Ok(())
}

/// Deletes an attached file (its row; the bytes stay for an undelete).
pub fn delete(tx: &mut Tx<'_>, id: &str) -> Result<()> {
    get(tx.conn(), id)?;
    tx.delete("attachment", id)
}

/// The table and column of the change that names a file's bytes: a bundle carrying such a
/// change carries the bytes it names.
pub const NAMED_BY: (&str, &str) = ("attachment", "sm3");

/// The bytes a bundle carries for its changes: every file named by a `sm3` change among
/// `named` (the changes' JSON values) that is held here, once each.
pub fn files_for<'a>(conn: &Connection, named: impl Iterator<Item = &'a str>) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    let mut stmt = conn.prepare_cached("SELECT bytes FROM attachment_blob WHERE sm3 = ?1")?;
    for value in named {
        let Ok(sm3) = serde_json::from_str::<String>(value) else { continue };
        if out.iter().any(|(k, _)| *k == sm3) {
            continue;
        }
        if let Some(bytes) = stmt.query_row([&sm3], |r| r.get::<_, Vec<u8>>(0)).optional()? {
            out.push((sm3, bytes));
        }
    }
    Ok(out)
}

/// Stores the bytes a bundle carried, in the import's transaction: each must hash to the
/// SM3 it is sent under and pass the same check as a file attached here; only bytes that a
/// row held here names are kept (a row HQ did not take brings nothing). Returns how many
/// files were stored.
pub fn receive(conn: &Connection, files: &[(String, Vec<u8>)]) -> Result<usize> {
    let mut stored = 0;
    for (sm3, bytes) in files {
        if digest(bytes) != *sm3 {
            return Err(Error::rule(format!("同步包中的文件内容与其 SM3 摘要不符（{sm3}）")));
        }
        let named: bool = conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM attachment WHERE sm3 = ?1)")?
            .query_row([sm3], |r| r.get(0))?;
        let held: bool = conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM attachment_blob WHERE sm3 = ?1)")?
            .query_row([sm3], |r| r.get(0))?;
        if !named || held {
            continue;
        }
        let (_, thumb) = check(bytes).map_err(|e| Error::rule(format!("同步包中的文件（{sm3}）不能接收：{e}")))?;
        put_blob(conn, sm3, bytes, thumb.as_deref())?;
        stored += 1;
    }
    Ok(stored)
}

/// The month's files attached (not deleted), by whose.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AttachmentMonth {
    /// 隐患照片.
    pub hazard: i64,
    /// 警情现场照片.
    pub incident: i64,
    /// 调解协议书扫描件.
    pub agreement: i64,
    /// 合计.
    pub total: i64,
}

/// The files attached in the month starting `first`.
pub fn month_figures(conn: &Connection, first: chrono::NaiveDate) -> Result<AttachmentMonth> {
    let next = first.checked_add_months(chrono::Months::new(1)).unwrap_or(first);
    let mut stmt = conn.prepare_cached(
        "SELECT owner_kind, count(*) FROM attachment
         WHERE deleted_at IS NULL AND attached_on >= ?1 AND attached_on < ?2 GROUP BY owner_kind",
    )?;
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let rows =
        stmt.query_map([day(first), day(next)], |r| Ok((r.get::<_, AttachmentOwner>(0)?, r.get::<_, i64>(1)?)))?;
    let mut m = AttachmentMonth::default();
    for row in rows {
        let (owner, n) = row?;
        match owner {
            AttachmentOwner::Hazard => m.hazard += n,
            AttachmentOwner::Incident => m.incident += n,
            AttachmentOwner::Agreement => m.agreement += n,
        }
        m.total += n;
    }
    Ok(m)
}

/// A ledger's 照片 column: how many files (not deleted) the row `$alias.id`, an `$owner`
/// (a code of [`AttachmentOwner`]), has.
macro_rules! photo_column {
    ($owner:literal, $alias:literal) => {
        $crate::store::ledger::column(
            "照片",
            6.0,
            concat!(
                "(SELECT count(*) FROM attachment x WHERE x.owner_kind = '",
                $owner,
                "' AND x.owner_id = ",
                $alias,
                ".id AND x.deleted_at IS NULL)"
            ),
            $crate::store::ledger::Show::Int,
        )
    };
}
pub(crate) use photo_column;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::attachment::sample_photo;
    use crate::model::prevention::hazard::HazardInput;
    use crate::store::dispute::tests::post;
    use crate::store::prevention::create_hazard;

    #[test]
    fn the_same_photo_twice_is_stored_once_and_a_refused_file_leaves_nothing() {
        let (mut store, _dir) = post();
        let input =
            HazardInput {
                place: "青山村3组桥头".into(), description: "护栏松动".into(), ..HazardInput::default()
            };
        let hazard = store.write(|tx| create_hazard(tx, input)).expect("hazard");
        let photo = sample_photo(3, 320, 240, FileType::Jpeg);
        let add = |store: &mut crate::store::Store, bytes: &[u8], caption: &str| {
            store.write(|tx| {
                add(
                    tx,
                    NewAttachment {
                        owner: AttachmentOwner::Hazard,
                        owner_id: &hazard,
                        name: Some("桥头.jpg"),
                        caption: Some(caption),
                        bytes,
                    },
                )
            })
        };
        let first = add(&mut store, &photo, "整改前").expect("first");
        let second = add(&mut store, &photo, "整改后").expect("second");
        assert_ne!(first, second);
        let count = |store: &crate::store::Store, sql: &str| -> i64 {
            store.conn().query_row(sql, [], |r| r.get(0)).expect("count")
        };
        assert_eq!(count(&store, "SELECT count(*) FROM attachment_blob"), 1, "one copy of the bytes");
        let logged = count(&store, "SELECT coalesce(max(length(value)), 0) FROM change_log WHERE tbl = 'attachment'");
        assert!(logged < 100, "the change log holds no file bytes (longest value {logged})");
        let rows = list(store.conn(), AttachmentOwner::Hazard, &hazard).expect("list");
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|r| r.held && r.thumb.as_deref().is_some_and(|t| t.starts_with("data:image/jpeg"))));

        let before =
            (count(&store, "SELECT count(*) FROM change_log"), count(&store, "SELECT count(*) FROM attachment"));
        let e = add(&mut store, "不是照片".as_bytes(), "整改前").expect_err("text refused");
        assert!(e.to_string().contains("不是照片"), "{e}");
        let after =
            (count(&store, "SELECT count(*) FROM change_log"), count(&store, "SELECT count(*) FROM attachment"));
        assert_eq!(before, after, "nothing written for a refused file");
        assert_eq!(count(&store, "SELECT count(*) FROM attachment_blob"), 1);

        store.write(|tx| delete(tx, &first)).expect("delete");
        assert_eq!(list(store.conn(), AttachmentOwner::Hazard, &hazard).expect("list").len(), 1);
        assert!(file(store.conn(), &second).expect("file").data_url.starts_with("data:image/jpeg;base64,/9j/"));
        assert!(file(store.conn(), &first).is_err(), "a deleted file is not shown");
    }

    #[test]
    fn received_bytes_must_match_their_digest_and_be_named_by_a_row() {
        let (store, _dir) = post();
        let photo = sample_photo(4, 64, 64, FileType::Png);
        let sm3 = digest(&photo);
        assert!(receive(store.conn(), &[("00".repeat(32), photo.clone())]).is_err(), "wrong digest refused");
        assert_eq!(receive(store.conn(), &[(sm3, photo)]).expect("receive"), 0, "no row names it: not kept");
    }
}
