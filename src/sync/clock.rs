//! Clocks across the star, when a bundle arrives: the bounds of [`crate::model::hlc`]
//! applied to a bundle's making time and its changes' stamps, with HQ's clock as the
//! county's reference.
//!
//! - HQ refuses a post's bundle made more than [`SKEW_MS`] past HQ's clock (the post's
//!   clock runs ahead: it is told so, and nothing is applied), and leaves out, row by row,
//!   changes stamped more than that past HQ's clock (made while the post's clock ran ahead;
//!   they are refused and reported like rows outside its jurisdiction, see
//!   [`super::refusals`]), so no stamp HQ passes on is more than an hour ahead.
//! - A post refuses HQ's reply made more than [`SKEW_MS`] past its own clock, or carrying a
//!   stamp more than [`MAX_AHEAD_MS`] past it: its clock is behind HQ's, and it is told so.
//! - A reply made within [`SKEW_MS`] of the post's clock either way confirms that clock;
//!   the post then holds its own clock back to what HQ takes if it ran ahead earlier (see
//!   [`crate::model::Hlc::held_back`]), so its next changes are taken.
//!
//! What a bundle cannot tell: a post's clock that is behind, seen from HQ (a bundle carried
//! on a USB stick is days old anyway). The post finds out from HQ's reply, or before it
//! writes, once its clock is behind what it has recorded.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::model::hlc::{MAX_AHEAD_MS, SKEW_MS, Skew, beyond};
use crate::model::time::{parse_instant, show};
use crate::store::write::Change;

use super::bundle::{BundleError, Header};
use super::refusals::Refused;

fn made_at(header: &Header) -> Result<u64> {
    let t = parse_instant(&header.created)
        .ok_or_else(|| BundleError::Malformed(format!("制作时间“{}”无法识别", header.created)))?;
    Ok(t.timestamp_millis().max(0) as u64)
}

fn shown(ms: u64) -> String {
    chrono::DateTime::from_timestamp_millis(ms as i64).map(show).unwrap_or_default()
}

/// Checks the clocks of a bundle arriving at a node whose wall clock reads `now_ms`.
/// `from_post` when HQ receives a post's bundle: the rows stamped too far ahead come back
/// as refused (with how many of their changes there are). Otherwise (a post receiving HQ's
/// reply) any bound crossed refuses the whole bundle.
pub fn check(
    header: &Header,
    changes: &[Change],
    now_ms: u64,
    from_post: bool,
) -> Result<BTreeMap<(String, String), Refused>> {
    let made = made_at(header)?;
    let mut refused: BTreeMap<(String, String), Refused> = BTreeMap::new();
    if from_post {
        if let Some(skew) = beyond(made, now_ms, SKEW_MS) {
            return Err(Error::Clock {
                message: format!(
                    "本机时钟比县局快 {}，请校准时间后再同步（同步包制作于 {}，县局时间 {}）；同步包未导入",
                    skew.words(),
                    shown(made),
                    shown(now_ms)
                ),
            });
        }
        let ahead: Vec<(&Change, Skew)> =
            changes.iter().filter_map(|c| Some((c, beyond(c.hlc.wall_ms, now_ms, SKEW_MS)?))).collect();
        for (c, skew) in ahead {
            refused.entry((c.tbl.clone(), c.row_id.clone())).or_insert_with(|| Refused {
                changes: 0,
                reason: format!("修改时间比县局时钟快 {}（当时本机时钟偏快），未采用", skew.words()),
            });
        }
        for c in changes {
            if let Some(r) = refused.get_mut(&(c.tbl.clone(), c.row_id.clone())) {
                r.changes += 1;
            }
        }
        return Ok(refused);
    }
    let behind = beyond(made, now_ms, SKEW_MS)
        .or_else(|| changes.iter().filter_map(|c| beyond(c.hlc.wall_ms, now_ms, MAX_AHEAD_MS)).max_by_key(|s| s.by_ms));
    if let Some(skew) = behind {
        return Err(Error::Clock {
            message: format!(
                "本机时钟比县局慢 {}，请校准时间后再同步（本机时间 {}，县局回复制作于 {}）；县局的回复未导入",
                skew.words(),
                shown(now_ms),
                shown(made)
            ),
        });
    }
    Ok(refused)
}

/// When HQ's bundle, made at `header.created`, confirms a wall clock reading `now_ms`
/// (within [`SKEW_MS`] of it either way): the latest stamp HQ takes, [`SKEW_MS`] past its
/// clock then.
pub fn confirms(header: &Header, now_ms: u64) -> Option<u64> {
    made_at(header).ok().filter(|made| made.abs_diff(now_ms) <= SKEW_MS).map(|made| made + SKEW_MS)
}
