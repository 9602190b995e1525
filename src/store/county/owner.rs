//! Which post a row belongs to in the county's lists and figures (the 督办 list's 警务室
//! column, statistics per post).
//!
//! One owner per row, so that per-post figures add up to the county's:
//! 1. a row HQ assigned to a post, or that hangs from one, belongs to that post (the work
//!    was handed to it);
//! 2. else the post whose villages hold the row's village (when two posts share a village,
//!    the first by name);
//! 3. else the post that created the row;
//! 4. else none (shown as 未归属).

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;
use crate::store::Store;
use crate::store::county::scope::Assigned;

/// The owners of rows, as HQ's data stands when loaded.
#[derive(Debug, Clone, Default)]
pub struct Owners {
    by_village: HashMap<String, String>,
    /// By table, then row.
    assigned: HashMap<String, HashMap<String, String>>,
    names: HashMap<String, String>,
    villages: HashMap<String, String>,
}

impl Owners {
    /// Reads the posts' villages and HQ's live assignments. Call with no scope in force (the
    /// owner of a row does not depend on who asks).
    pub fn load(store: &Store, assigned: &mut Assigned<'_>) -> Result<Owners> {
        let conn = store.conn();
        let mut o = Owners::default();
        let posts = super::station::posts(conn)?;
        let mut by_code = conn.prepare_cached("SELECT id FROM village WHERE code = ?1")?;
        for p in &posts {
            o.names.insert(p.id.clone(), p.name.clone());
            for code in &p.villages {
                for id in by_code.query_map([code], |r| r.get::<_, String>(0))? {
                    o.by_village.entry(id?).or_insert_with(|| p.id.clone());
                }
            }
        }
        let mut names = conn.prepare_cached("SELECT id, name FROM main.village")?;
        for row in names.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
            let (id, name) = row?;
            o.villages.insert(id, name);
        }
        for p in &posts {
            for (table, row) in assigned(store, &p.id)? {
                o.assigned.entry(table).or_default().entry(row).or_insert_with(|| p.id.clone());
            }
        }
        Ok(o)
    }

    /// The post owning the row `table`/`id` lying in `village` (its village id, if known).
    pub fn of(&self, conn: &Connection, table: &str, id: &str, village: Option<&str>) -> Result<Option<&str>> {
        if let Some(p) = self.assigned.get(table).and_then(|rows| rows.get(id)) {
            return Ok(Some(p));
        }
        if let Some(p) = village.and_then(|v| self.by_village.get(v)) {
            return Ok(Some(p));
        }
        let creator: Option<String> = conn
            .prepare_cached("SELECT origin FROM main.row_origin WHERE tbl = ?1 AND row_id = ?2")?
            .query_row([table, id], |r| r.get(0))
            .optional()?;
        Ok(creator.and_then(|c| self.names.get_key_value(&c)).map(|(post, _)| post.as_str()))
    }

    /// The post owning rows of `village` by rule 2 alone (for figures already per village).
    pub fn of_village(&self, village: &str) -> Option<&str> {
        self.by_village.get(village).map(String::as_str)
    }

    /// A post's name.
    pub fn post_name(&self, post: &str) -> Option<&str> {
        self.names.get(post).map(String::as_str)
    }

    /// A village's name.
    pub fn village_name(&self, village: &str) -> Option<&str> {
        self.villages.get(village).map(String::as_str)
    }
}
