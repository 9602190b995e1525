//! This node: its role in the star (a post, or the county HQ) and its display name, kept
//! in `local_meta`.

use serde::{Deserialize, Serialize};

use super::keys;
use crate::error::{Error, Result};
use crate::store::{Store, get_meta, set_meta};

/// A node's role in the star.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum NodeRole {
    /// A village police post.
    Post,
    /// The county HQ.
    Hq,
}

impl NodeRole {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            NodeRole::Post => "post",
            NodeRole::Hq => "hq",
        }
    }

    pub(crate) fn parse(s: &str) -> Result<NodeRole> {
        match s {
            "post" => Ok(NodeRole::Post),
            "hq" => Ok(NodeRole::Hq),
            _ => Err(Error::rule(format!("未知的节点角色“{s}”"))),
        }
    }
}

/// This node's role (a post unless made HQ by [`init_hq`]).
pub fn role(store: &Store) -> Result<NodeRole> {
    get_meta(store.conn(), "node_role")?
        .as_deref()
        .map(NodeRole::parse)
        .transpose()
        .map(|r| r.unwrap_or(NodeRole::Post))
}

/// This node's display name: the one given to it (HQ's at `init`, or a post's when it asks
/// to enroll), else the post's own name from its settings, else "警务室".
pub fn name(store: &Store) -> Result<String> {
    let conn = store.conn();
    if let Some(n) = get_meta(conn, "node_name")? {
        return Ok(n);
    }
    let post = crate::store::place::get_post(conn)?.map(|p| p.fields.name);
    Ok(post.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| "警务室".into()))
}

/// Makes this database an HQ node named `name` (repeating it only renames).
pub fn init_hq(store: &mut Store, name: &str) -> Result<()> {
    let conn = store.conn();
    if let Some(r) = get_meta(conn, "node_role")?
        && r != "hq"
    {
        return Err(Error::rule("这个数据库属于警务室，不能作为县局节点"));
    }
    set_meta(conn, "node_role", "hq")?;
    set_meta(conn, "node_name", name)?;
    // HQ takes in every post's residents by sync and searches rarely: it builds their
    // search entries after each import rather than inside it.
    set_meta(conn, "search_index", "deferred")?;
    keys::load_or_create(conn)?;
    Ok(())
}

/// Sets this post's display name, used in its enrollment request.
pub fn set_name(store: &Store, name: &str) -> Result<()> {
    set_meta(store.conn(), "node_name", name)
}
