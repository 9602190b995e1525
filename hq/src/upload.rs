//! Uploads from posts (`POST /sync`, `POST /enroll`) with bounded memory: a bundle streams
//! into an unnamed temporary file in the data directory, frame by frame, and is refused as
//! soon as it passes the cap (or at once, when its declared length already does); a body
//! that breaks off is refused too. Nothing reaches the core until the whole body is on disk,
//! so a refused upload changes nothing.
//!
//! A post's syncs never run twice at once: the bundle's readable header names its sender,
//! and a second upload from a sender whose first is still being handled is turned away.
//! That name is not authenticated here (the core checks the signature); someone who forges
//! it can only make a post retry a few seconds later.

use std::collections::HashSet;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode, header};
use http_body_util::BodyExt;
use tokio::io::AsyncWriteExt;

/// How many leading bytes of an upload are kept in memory to read the bundle's header.
const HEAD: usize = 64 * 1024;

/// An upload on disk, and its sender's claim (released when this is dropped).
pub(crate) struct Spooled {
    file: std::fs::File,
    _claim: Claim,
}

impl Spooled {
    /// The whole upload, read back from disk.
    pub fn read_all(&mut self) -> std::io::Result<Vec<u8>> {
        self.file.seek(SeekFrom::Start(0))?;
        let mut all = Vec::new();
        self.file.read_to_end(&mut all)?;
        Ok(all)
    }
}

/// Why an upload was turned away before the core saw it, as HTTP status and Chinese text.
#[derive(Debug)]
pub(crate) struct Refused {
    pub status: StatusCode,
    pub message: String,
}

impl Refused {
    fn too_large(what: &str, cap: u64) -> Refused {
        Refused {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            message: format!(
                "{what}超过县局允许的上限（{}），县局未做任何改动。如确需传送这么大的{what}，请县局管理员调高上限（fengqiao-hq serve --max-bundle-mb）",
                show_size(cap)
            ),
        }
    }

    fn broken(what: &str, e: impl std::fmt::Display) -> Refused {
        Refused {
            status: StatusCode::BAD_REQUEST,
            message: format!("{what}上传中断或不完整（{e}），县局未做任何改动；请重新同步"),
        }
    }

    fn io(e: std::io::Error) -> Refused {
        Refused {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: format!("县局无法暂存上传的文件（{e}），未做任何改动；请县局管理员检查数据目录的磁盘空间"),
        }
    }
}

/// `1073741824` → `1024 MB`, `65536` → `64 KB`.
fn show_size(bytes: u64) -> String {
    if bytes >= 1 << 20 { format!("{} MB", bytes >> 20) } else { format!("{} KB", bytes.div_ceil(1024)) }
}

/// Refuses at once a body whose declared length is over `cap`.
fn check_declared(headers: &HeaderMap, what: &str, cap: u64) -> Result<(), Refused> {
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(n) if n > cap => Err(Refused::too_large(what, cap)),
        _ => Ok(()),
    }
}

/// Streams `body` into a temporary file in `dir`, refusing it past `cap` bytes. As soon as
/// its header names the sender, the sender is claimed in `in_flight` (refusing the upload
/// if that post's previous sync is still being handled); the claim travels with the file.
pub(crate) async fn spool(
    headers: &HeaderMap,
    body: Body,
    cap: u64,
    dir: &Path,
    in_flight: &InFlight,
) -> Result<Spooled, Refused> {
    const WHAT: &str = "同步包";
    check_declared(headers, WHAT, cap)?;
    let file = tempfile::tempfile_in(dir).map_err(Refused::io)?;
    let mut out = tokio::fs::File::from_std(file);
    let mut body = body;
    let (mut len, mut head, mut claim) = (0u64, Vec::new(), None);
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| Refused::broken(WHAT, e))?;
        let Ok(data) = frame.into_data() else { continue };
        len += data.len() as u64;
        if len > cap {
            return Err(Refused::too_large(WHAT, cap));
        }
        if head.len() < HEAD {
            head.extend_from_slice(&data[..data.len().min(HEAD - head.len())]);
        }
        if claim.is_none() && (head.len() >= HEAD || fengqiao::sync::bundle::sender(&head).is_some()) {
            claim = Some(in_flight.claim(&head)?);
        }
        out.write_all(&data).await.map_err(Refused::io)?;
    }
    out.flush().await.map_err(Refused::io)?;
    let claim = match claim {
        Some(c) => c,
        None => in_flight.claim(&head)?,
    };
    Ok(Spooled { file: out.into_std().await, _claim: claim })
}

/// A small body (an enrollment request) read into memory under `cap`.
pub(crate) async fn small(headers: &HeaderMap, body: Body, cap: u64, what: &str) -> Result<Vec<u8>, Refused> {
    check_declared(headers, what, cap)?;
    let mut body = body;
    let mut all = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| Refused::broken(what, e))?;
        let Ok(data) = frame.into_data() else { continue };
        if (all.len() + data.len()) as u64 > cap {
            return Err(Refused::too_large(what, cap));
        }
        all.extend_from_slice(&data);
    }
    Ok(all)
}

/// The posts whose sync is being handled now.
#[derive(Clone, Default)]
pub(crate) struct InFlight(Arc<Mutex<HashSet<uuid::Uuid>>>);

/// Held while a post's sync is handled; lets the next one in when dropped.
pub(crate) struct Claim(InFlight, Option<uuid::Uuid>);

impl InFlight {
    /// Claims the sender `head` names (an upload naming none is let through: the core
    /// refuses it).
    pub fn claim(&self, head: &[u8]) -> Result<Claim, Refused> {
        let Some(from) = fengqiao::sync::bundle::sender(head) else { return Ok(Claim(self.clone(), None)) };
        let mut busy = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if !busy.insert(from) {
            return Err(Refused {
                status: StatusCode::CONFLICT,
                message: "这个警务室的上一次同步还在处理中，本次未做任何改动；请稍后再同步".into(),
            });
        }
        Ok(Claim(self.clone(), Some(from)))
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        if let Some(from) = self.1 {
            (self.0).0.lock().unwrap_or_else(|e| e.into_inner()).remove(&from);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(show_size(1 << 30), "1024 MB");
        assert_eq!(show_size(64 * 1024), "64 KB");
        assert_eq!(show_size(1000), "1 KB");
    }
}
