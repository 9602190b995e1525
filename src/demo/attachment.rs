//! Demo 照片: small photos made in code from the demo's seed (no image files in the
//! repository): 整改前 and, once fixed, 整改后 on a few hazards, and a scene photo on the
//! latest incidents.

use super::Demo;
use crate::error::Result;
use crate::model::attachment::sample_photo;
use crate::model::{AttachmentOwner, FileType};
use crate::store::attachment::{self, NewAttachment};

/// (whose, which records, newest first, the caption, how many of them).
const PHOTOS: &[(AttachmentOwner, &str, &str, usize)] = &[
    (AttachmentOwner::Hazard, "SELECT id FROM hazard WHERE deleted_at IS NULL ORDER BY found_on DESC, id", "整改前", 3),
    (
        AttachmentOwner::Hazard,
        "SELECT id FROM hazard WHERE deleted_at IS NULL AND fixed_on IS NOT NULL ORDER BY found_on DESC, id",
        "整改后",
        2,
    ),
    (
        AttachmentOwner::Incident,
        "SELECT id FROM incident WHERE deleted_at IS NULL ORDER BY occurred_at DESC, id",
        "现场",
        2,
    ),
];

pub(super) fn generate(d: &mut Demo<'_>) -> Result<()> {
    for (owner, sql, caption, n) in PHOTOS {
        let ids: Vec<String> = {
            let conn = d.api.store().conn();
            let mut stmt = conn.prepare(sql)?;
            stmt.query_map([], |r| r.get(0))?.take(*n).collect::<rusqlite::Result<_>>()?
        };
        for id in ids {
            let seed = d.rng.below(1 << 30) as u64;
            let bytes = sample_photo(seed, 480, 360, FileType::Jpeg);
            let name = format!("{caption}.jpg");
            d.api.store_mut().write(|tx| {
                attachment::add(
                    tx,
                    NewAttachment {
                        owner: *owner,
                        owner_id: &id,
                        name: Some(&name),
                        caption: Some(caption),
                        bytes: &bytes,
                    },
                )
            })?;
        }
    }
    Ok(())
}
