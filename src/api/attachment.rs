//! Methods for 照片和扫描件: photos of a hazard (before and after 整改) or an incident's
//! scene, and the scan of a signed 调解协议书, attached from a file through the file gate,
//! listed with their thumbnails, opened full size (as bytes in a data URL, never a file
//! written in clear), and deleted like any record.
//!
//! Anyone at the post, an auxiliary included, attaches and views them (they take the
//! photos on patrol); deleting one is for police officers and the station admin, as for
//! other records. Opening one full size is audited as a view of personal data: a scene or
//! an agreement shows residents, their signatures and fingerprints.

use std::path::Path;

use schemars::JsonSchema;
use serde::Deserialize;

use super::people::{Created, IdRequest};
use super::{Api, Method, method};
use crate::error::Result;
use crate::model::AttachmentOwner;
use crate::store::attachment::{self, Attachment, AttachmentFile, AttachmentOwnerRef, NewAttachment};
use crate::store::files::Kind;

/// `attachment.add`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct AttachmentAdd {
    /// 附件所属: hazard (隐患), incident (警情) or agreement (调解协议书).
    #[schemars(title = "附件所属")]
    pub owner_kind: AttachmentOwner,
    /// The hazard, incident or agreement.
    #[schemars(title = "所属记录")]
    pub owner_id: String,
    /// The file (.jpg, .jpeg, .png or .pdf; its type is told from its content).
    #[schemars(title = "文件")]
    pub path: String,
    /// 说明 (整改前, 整改后, 现场…).
    pub caption: Option<String>,
}

impl Api {
    /// Attaches a photo or scan read from a file.
    pub fn attachment_add(&mut self, r: AttachmentAdd) -> Result<Attachment> {
        let path = Path::new(&r.path);
        let bytes = self.read_file(Kind::Attachment, "path", path)?;
        let name = path.file_name().and_then(|n| n.to_str());
        let new = NewAttachment {
            owner: r.owner_kind,
            owner_id: &r.owner_id,
            name,
            caption: r.caption.as_deref(),
            bytes: &bytes,
        };
        let id = self.store.write(|tx| attachment::add(tx, new))?;
        attachment::get(self.store.conn(), &id)
    }

    /// A record's photos and scans, with their thumbnails.
    pub fn attachment_list(&mut self, r: AttachmentOwnerRef) -> Result<Vec<Attachment>> {
        attachment::list(self.store.conn(), r.owner_kind, &r.owner_id)
    }

    /// One photo or scan, full size.
    pub fn attachment_get(&mut self, r: IdRequest) -> Result<AttachmentFile> {
        attachment::file(self.store.conn(), &r.id)
    }

    /// Deletes a photo or scan attached by mistake.
    pub fn attachment_delete(&mut self, r: IdRequest) -> Result<Created> {
        self.store.write(|tx| attachment::delete(tx, &r.id))?;
        Ok(Created { id: r.id })
    }
}

pub(super) fn methods() -> Vec<Method> {
    vec![
        method!(
            "attachment.add",
            "为隐患、警情或调解协议书添加照片或扫描件（JPEG、PNG 照片不超过 10 MB，PDF 不超过 20 MB）",
            AttachmentAdd,
            Anyone,
            Create(WithWrite),
            |api, p| api.attachment_add(p)
        ),
        method!(
            "attachment.list",
            "记录的照片和扫描件（含缩略图）",
            AttachmentOwnerRef,
            Anyone,
            List(After),
            |api, p| api.attachment_list(p)
        ),
        method!("attachment.get", "查看照片或扫描件原件", IdRequest, Anyone, ViewPerson(After), |api, p| api
            .attachment_get(p)),
        method!(
            "attachment.delete",
            "删除误加的照片或扫描件（可恢复）",
            IdRequest,
            NotAuxiliary,
            Delete(WithWrite),
            |api, p| api.attachment_delete(p)
        ),
    ]
}
