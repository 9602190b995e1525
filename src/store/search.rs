//! Finding residents by name, ID number, phone or address.
//!
//! Three paths, chosen by the query:
//! - 1–3 characters of a name (most Chinese names are 2–3 characters, and FTS5's trigram
//!   tokenizer cannot match fewer than 3): the `search_gram` table, which holds every 1- to
//!   3-character substring of every name, keyed so that whole-name matches come first, then
//!   name prefixes, then the rest; one index range answers the page. A 3-character query
//!   that is in no name (a place, say) goes on to the trigram index.
//! - digits (ID number or phone): prefix ranges on the `person` indexes; when nothing begins
//!   with them, substrings (the last four digits of a phone, say) through the trigram index,
//!   the owners of a phone ending in them first.
//! - 3+ characters of text: the `search_fts` trigram index over name, ID, phone and address,
//!   exact name matches first, then by BM25.
//!
//! Each hit says what matched ([`SearchMatch`]), read from the hit itself; the total counts
//! each person once, so it is the length of the list paged through.
//!
//! The index is local (not synced): [`reindex`] refreshes it for every person or household
//! a write transaction touched, including writes that arrive by sync. A node whose
//! `search_index` meta is `deferred` (HQ, which takes in a whole county by sync and searches
//! rarely) only queues the touched persons in `search_pending`; [`index_pending`] builds
//! their entries later, in batches, and always before a search. The same refresh keeps
//! `person_tag`, which lets the households list filter by a member's tag through an index,
//! and `involvement` (who is a party to a dispute, reported or is named in an incident,
//! applied for an errand, with their household), which lets the dispute, incident and
//! errand lists filter by person or household through an index.

use std::collections::{BTreeSet, HashSet};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::{SearchMatch, Sex};
use crate::store::{from_row, get_meta};

/// Tables whose writes refresh the index (and the `involvement` table).
pub const INDEXED: &[&str] = &["person", "household", "party", "incident", "errand"];

/// Totals are counted up to this many; past it the reply says "more than".
pub const COUNT_CAP: i64 = 1000;

/// One resident found.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchHit {
    /// The person.
    pub person_id: String,
    /// Their household, if any.
    pub household_id: Option<String>,
    /// 姓名.
    pub name: String,
    /// 性别.
    pub sex: Option<Sex>,
    /// 出生日期.
    pub birth_date: Option<String>,
    /// 公民身份号码.
    pub id_number: Option<String>,
    /// 联系电话.
    pub phone: Option<String>,
    /// 住址 (the household's, else the person's own).
    pub address: Option<String>,
    /// 村/社区.
    pub village_name: Option<String>,
    /// What matched: the name, the ID number, the phone or the address.
    pub matched: SearchMatch,
}

/// A page of results.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchPage {
    /// Matches in all (counted up to [`COUNT_CAP`]).
    pub total: i64,
    /// Whether there are more than `total`.
    pub more: bool,
    /// Page number, from 1.
    pub page: u32,
    /// Page size.
    pub page_size: u32,
    /// The hits on this page, best first.
    pub hits: Vec<SearchHit>,
}

/// Searches persons. `page` counts from 1.
pub fn search(conn: &Connection, text: &str, page: u32, page_size: u32) -> Result<SearchPage> {
    let q: String = text.trim().chars().filter(|c| !c.is_whitespace()).collect();
    if q.is_empty() {
        return Err(Error::validation("text", "请输入要查找的姓名、公民身份号码、电话或住址"));
    }
    let page = page.max(1);
    let page_size = page_size.clamp(1, 200);
    let want = i64::from(page * page_size);
    let n = q.chars().count();
    let numeric = q.chars().all(|c| c.is_ascii_digit() || c == 'X' || c == 'x' || c == '-');
    let (ids, total): (Vec<String>, i64) = if numeric {
        if n < 3 {
            return Err(Error::validation("text", "按号码查找请至少输入3位数字"));
        }
        numeric_search(conn, &q.to_uppercase(), want)?
    } else if n < 3 {
        gram_search(conn, &q, want)?
    } else if n == 3 {
        // Most 3-character queries are whole names: the gram index answers them in one
        // range; a 3-character place or address falls through to the trigram index.
        match gram_search(conn, &q, want)? {
            (ids, total) if total > 0 => (ids, total),
            _ => fts_search(conn, &q, want)?,
        }
    } else {
        fts_search(conn, &q, want)?
    };
    let skip = ((page - 1) * page_size) as usize;
    let mut hits = Vec::new();
    for id in ids.into_iter().skip(skip).take(page_size as usize) {
        if let Some(h) = hydrate(conn, &id, &q)? {
            hits.push(h);
        }
    }
    Ok(SearchPage { total: total.min(COUNT_CAP), more: total > COUNT_CAP, page, page_size, hits })
}

/// Trigram matches, counted through the documents they index (at HQ a station leader's
/// scope limits those: see `store::county::scope`).
const FTS_COUNT: &str = "SELECT 1 FROM search_fts f JOIN search_doc d ON d.doc = f.rowid WHERE search_fts MATCH ?1";

fn capped_count(conn: &Connection, sql: &str, p: impl rusqlite::Params) -> Result<i64> {
    let sql = format!("SELECT count(*) FROM ({sql} LIMIT {})", COUNT_CAP + 1);
    Ok(conn.prepare_cached(&sql)?.query_row(p, |r| r.get(0))?)
}

fn gram_search(conn: &Connection, q: &str, want: i64) -> Result<(Vec<String>, i64)> {
    let mut stmt =
        conn.prepare_cached("SELECT ref_id FROM search_gram WHERE gram = ?1 ORDER BY rank, name, ref_id LIMIT ?2")?;
    let ids = stmt.query_map(params![q, want], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    let total = capped_count(conn, "SELECT 1 FROM search_gram WHERE gram = ?1", [q])?;
    Ok((ids, total))
}

/// Upper bound of a prefix range: every string starting with `q` sorts below it.
fn prefix_end(q: &str) -> String {
    format!("{q}\u{10FFFF}")
}

fn numeric_search(conn: &Connection, q: &str, want: i64) -> Result<(Vec<String>, i64)> {
    let mut out: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    let end = prefix_end(q);
    // Digits that begin an ID number or a phone: those matches only, through the column
    // indexes. An exact match sorts first by itself (the shortest string with the prefix).
    // A person whose ID number and phone both begin so is listed, and counted, once.
    for col in ["id_number", "phone"] {
        let sql = format!(
            "SELECT id FROM person WHERE {col} >= ?1 AND {col} < ?2 AND deleted_at IS NULL
             ORDER BY {col}, id LIMIT ?3"
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        for id in stmt.query_map(params![q, end, want], |r| r.get::<_, String>(0))? {
            let id = id?;
            if seen.insert(id.clone()) {
                out.push(id);
            }
        }
    }
    let count = |col: &str| {
        capped_count(
            conn,
            &format!("SELECT 1 FROM person WHERE {col} >= ?1 AND {col} < ?2 AND deleted_at IS NULL"),
            params![q, end],
        )
    };
    let (by_id, by_phone) = (count("id_number")?, count("phone")?);
    // Digits that begin both an ID number and a phone are rare (13…15 are provinces and
    // mobile prefixes alike): only then count the people once through the union.
    let total = if by_id > 0 && by_phone > 0 {
        capped_count(
            conn,
            "SELECT id FROM person WHERE id_number >= ?1 AND id_number < ?2 AND deleted_at IS NULL
             UNION SELECT id FROM person WHERE phone >= ?1 AND phone < ?2 AND deleted_at IS NULL",
            params![q, end],
        )?
    } else {
        by_id + by_phone
    };
    if total > 0 {
        return Ok((out, total));
    }
    // Otherwise substrings (a phone's last digits, the middle of an ID) through the trigram
    // index: first the owners of a phone ending in the digits (whom a caller giving "the last
    // four" means; few, as only the phone column is matched), then the rest in index order.
    let digits: String = q.chars().filter(|c| *c != '-').collect();
    let in_phone = format!("{{phone}} : {}", fts_phrase(&digits));
    let mut stmt = conn.prepare_cached(
        "SELECT d.ref_id FROM search_fts f JOIN search_doc d ON d.doc = f.rowid JOIN person p ON p.id = d.ref_id
         WHERE search_fts MATCH ?1 AND replace(coalesce(p.phone, ''), '-', '') LIKE '%' || ?2
         ORDER BY f.rowid LIMIT ?3",
    )?;
    for id in stmt.query_map(params![in_phone, digits, want], |r| r.get::<_, String>(0))? {
        let id = id?;
        if seen.insert(id.clone()) {
            out.push(id);
        }
    }
    let fts_q = format!("{{id_number phone}} : {}", fts_phrase(&digits));
    if (out.len() as i64) < want {
        let mut stmt = conn.prepare_cached(
            "SELECT d.ref_id FROM search_fts f JOIN search_doc d ON d.doc = f.rowid WHERE search_fts MATCH ?1 LIMIT ?2",
        )?;
        for id in stmt.query_map(params![fts_q, want + out.len() as i64], |r| r.get::<_, String>(0))? {
            let id = id?;
            if seen.insert(id.clone()) {
                out.push(id);
            }
        }
    }
    let total = capped_count(conn, FTS_COUNT, [&fts_q])?;
    Ok((out, total))
}

/// A query as one FTS5 phrase (double quotes doubled).
fn fts_phrase(q: &str) -> String {
    format!("\"{}\"", q.replace('"', "\"\""))
}

fn fts_search(conn: &Connection, q: &str, want: i64) -> Result<(Vec<String>, i64)> {
    let phrase = fts_phrase(q);
    let mut out: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    // Names first (few matches: rank them, the exact name on top), then anything else
    // (addresses match by the thousand: take them in index order).
    let in_name = format!("{{name}} : {phrase}");
    let mut stmt = conn.prepare_cached(
        "SELECT d.ref_id FROM search_fts f JOIN search_doc d ON d.doc = f.rowid JOIN person p ON p.id = d.ref_id
         WHERE search_fts MATCH ?1 ORDER BY p.name = ?2 DESC, length(p.name), p.name, d.ref_id LIMIT ?3",
    )?;
    for id in stmt.query_map(params![in_name, q, want], |r| r.get::<_, String>(0))? {
        let id = id?;
        seen.insert(id.clone());
        out.push(id);
    }
    if (out.len() as i64) < want {
        let mut stmt = conn.prepare_cached(
            "SELECT d.ref_id FROM search_fts f JOIN search_doc d ON d.doc = f.rowid WHERE search_fts MATCH ?1 LIMIT ?2",
        )?;
        for id in stmt.query_map(params![phrase, want + out.len() as i64], |r| r.get::<_, String>(0))? {
            let id = id?;
            if seen.insert(id.clone()) {
                out.push(id);
            }
        }
    }
    let total = capped_count(conn, FTS_COUNT, [&phrase])?;
    Ok((out, total))
}

/// What the query `q` (spaces removed) was found in: the name, then the ID number and the
/// phone (ignoring a phone's dashes), else the address (the household's or the person's own,
/// which the index holds together).
pub fn matched(q: &str, name: &str, id_number: Option<&str>, phone: Option<&str>) -> SearchMatch {
    let upper = q.to_uppercase();
    let digits: String = q.chars().filter(|c| *c != '-').collect();
    if name.contains(q) {
        SearchMatch::Name
    } else if id_number.is_some_and(|n| n.contains(&upper)) {
        SearchMatch::IdNumber
    } else if !digits.is_empty() && phone.is_some_and(|p| p.replace('-', "").contains(&digits)) {
        SearchMatch::Phone
    } else {
        SearchMatch::Address
    }
}

fn hydrate(conn: &Connection, id: &str, q: &str) -> Result<Option<SearchHit>> {
    Ok(conn
        .prepare_cached(
            "SELECT p.id, p.household_id, p.name, p.sex, p.birth_date, p.id_number, p.phone,
                    coalesce(h.address, p.address) AS address, v.name AS village_name
             FROM person p LEFT JOIN household h ON h.id = p.household_id
             LEFT JOIN village v ON v.id = h.village_id
             WHERE p.id = ?1 AND p.deleted_at IS NULL",
        )?
        .query_row([id], |r| {
            let name: String = r.get("name")?;
            let id_number: Option<String> = r.get("id_number")?;
            let phone: Option<String> = r.get("phone")?;
            Ok(from_row!(r => SearchHit {
                household_id, name, sex, birth_date, id_number, phone, address, village_name,
                person_id: r.get("id")?,
                matched: matched(q, &name, id_number.as_deref(), phone.as_deref()),
            }))
        })
        .optional()?)
}

/// The 1- to 3-character grams of a name with their rank (0 whole, 1 prefix, 2 inside).
pub fn name_grams(name: &str) -> Vec<(String, i64)> {
    let chars: Vec<char> = name.chars().collect();
    let n = chars.len();
    let mut grams: Vec<(String, i64)> = Vec::new();
    for len in [1usize, 2, 3] {
        for i in 0..n.saturating_sub(len - 1) {
            let g: String = chars[i..i + len].iter().collect();
            let rank = if len == n {
                0
            } else if i == 0 {
                1
            } else {
                2
            };
            match grams.iter_mut().find(|(x, _)| *x == g) {
                Some(existing) => existing.1 = existing.1.min(rank),
                None => grams.push((g, rank)),
            }
        }
    }
    grams
}

/// Refreshes the index for the touched rows (persons, and households with their members),
/// and who is involved in the touched disputes (through their parties), incidents and errands.
pub fn reindex(conn: &Connection, touched: &BTreeSet<(&'static str, String)>) -> Result<()> {
    let mut persons: BTreeSet<String> = BTreeSet::new();
    let mut disputes: BTreeSet<String> = BTreeSet::new();
    for (table, id) in touched {
        match *table {
            "person" => {
                persons.insert(id.clone());
            }
            "party" => {
                let mut stmt = conn.prepare_cached("SELECT dispute_id FROM party WHERE id = ?1")?;
                if let Some(d) = stmt.query_row([id], |r| r.get::<_, String>(0)).optional()? {
                    disputes.insert(d);
                }
            }
            "incident" => involve_incident(conn, id)?,
            "errand" => involve_errand(conn, id)?,
            "household" => {
                let mut stmt = conn.prepare_cached("SELECT id FROM person WHERE household_id = ?1")?;
                for p in stmt.query_map([id], |r| r.get::<_, String>(0))? {
                    persons.insert(p?);
                }
            }
            _ => {}
        }
    }
    let defer = deferred(conn)?;
    for id in &persons {
        index_tags(conn, id)?;
        if defer {
            conn.prepare_cached("INSERT OR IGNORE INTO search_pending (person_id) VALUES (?1)")?.execute([id])?;
        } else {
            index_text(conn, id)?;
        }
        conn.prepare_cached(
            "UPDATE involvement SET household_id = (SELECT household_id FROM person WHERE id = ?1)
             WHERE person_id = ?1",
        )?
        .execute([id])?;
    }
    for id in &disputes {
        involve_dispute(conn, id)?;
    }
    Ok(())
}

// ───── involvement: who is in which dispute, incident or errand ─────

fn forget(conn: &Connection, kind: &str, id: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM involvement WHERE ref_id = ?1 AND kind = ?2")?.execute([id, kind])?;
    Ok(())
}

fn involve_dispute(conn: &Connection, id: &str) -> Result<()> {
    forget(conn, "dispute", id)?;
    conn.prepare_cached(
        "INSERT OR IGNORE INTO involvement (person_id, kind, ref_id, household_id)
         SELECT pa.person_id, 'dispute', pa.dispute_id, pe.household_id
         FROM party pa LEFT JOIN person pe ON pe.id = pa.person_id
         WHERE pa.dispute_id = ?1 AND pa.deleted_at IS NULL AND pa.person_id IS NOT NULL",
    )?
    .execute([id])?;
    Ok(())
}

fn involve_incident(conn: &Connection, id: &str) -> Result<()> {
    forget(conn, "incident", id)?;
    conn.prepare_cached(
        "INSERT OR IGNORE INTO involvement (person_id, kind, ref_id, household_id)
         SELECT who.person_id, 'incident', ?1, pe.household_id
         FROM (SELECT i.reporter_person_id AS person_id FROM incident i WHERE i.id = ?1 AND i.deleted_at IS NULL
               UNION
               SELECT j.value FROM incident i,
                   json_each(CASE WHEN json_valid(i.person_ids) THEN i.person_ids ELSE '[]' END) j
               WHERE i.id = ?1 AND i.deleted_at IS NULL) who
         LEFT JOIN person pe ON pe.id = who.person_id
         WHERE who.person_id IS NOT NULL",
    )?
    .execute([id])?;
    Ok(())
}

fn involve_errand(conn: &Connection, id: &str) -> Result<()> {
    forget(conn, "errand", id)?;
    conn.prepare_cached(
        "INSERT OR IGNORE INTO involvement (person_id, kind, ref_id, household_id)
         SELECT e.person_id, 'errand', e.id, pe.household_id
         FROM errand e LEFT JOIN person pe ON pe.id = e.person_id
         WHERE e.id = ?1 AND e.deleted_at IS NULL AND e.person_id IS NOT NULL",
    )?
    .execute([id])?;
    Ok(())
}

/// Checks the person and household filters of a list: each given must name a row that
/// exists (deleted or not, as a card may show history). Returns them trimmed, blanks as none.
pub fn check_involved(
    conn: &Connection,
    person_id: &Option<String>,
    household_id: &Option<String>,
) -> Result<(Option<String>, Option<String>)> {
    let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let (person, household) = (given(person_id), given(household_id));
    for (table, field, label, id) in
        [("person", "person_id", "人员", &person), ("household", "household_id", "户", &household)]
    {
        if let Some(id) = id {
            let found = conn
                .prepare_cached(&format!("SELECT 1 FROM {table} WHERE id = ?1"))?
                .query_row([id], |_| Ok(()))
                .optional()?;
            if found.is_none() {
                return Err(Error::validation(field, format!("所选{label}不存在（{id}）")));
            }
        }
    }
    Ok((person, household))
}

/// The SQL condition “`{alias}.id` involves the person `?{person}` and a member of the
/// household `?{household}`”, for a list of `kind` (`dispute`, `incident`, `errand`). A
/// filter left out binds its parameter to a constant test, so the statement's parameters
/// stay the same; one given drives the query from the `involvement` index.
pub fn involving(
    kind: &str,
    alias: &str,
    person: usize,
    household: usize,
    by_person: bool,
    by_household: bool,
) -> String {
    let p = if by_person {
        format!("{alias}.id IN (SELECT ref_id FROM involvement WHERE person_id = ?{person} AND kind = '{kind}')")
    } else {
        format!("?{person} IS NULL")
    };
    let h = if by_household {
        format!("{alias}.id IN (SELECT ref_id FROM involvement WHERE household_id = ?{household} AND kind = '{kind}')")
    } else {
        format!("?{household} IS NULL")
    };
    format!("{p} AND {h}")
}

/// What the index holds of a person: name, ID number, phone, address.
type IndexedText = (String, Option<String>, Option<String>, Option<String>);

/// Whether this node builds search entries after the write rather than in it.
pub fn deferred(conn: &Connection) -> Result<bool> {
    Ok(get_meta(conn, "search_index")?.as_deref() == Some("deferred"))
}

/// Builds the search entries of up to `limit` queued persons (see [`deferred`]) and
/// returns how many are still queued. Run it inside a transaction.
pub fn index_pending(conn: &Connection, limit: usize) -> Result<i64> {
    let batch: Vec<String> = conn
        .prepare_cached("SELECT person_id FROM search_pending LIMIT ?1")?
        .query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in &batch {
        index_text(conn, id)?;
        conn.prepare_cached("DELETE FROM search_pending WHERE person_id = ?1")?.execute([id])?;
    }
    Ok(conn.query_row("SELECT count(*) FROM search_pending", [], |r| r.get(0))?)
}

/// A person's tags, for the households list's tag filter.
fn index_tags(conn: &Connection, id: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM person_tag WHERE person_id = ?1")?.execute([id])?;
    conn.prepare_cached(
        "INSERT OR IGNORE INTO person_tag (tag, household_id, person_id)
         SELECT t.value, p.household_id, p.id FROM person p, json_each(p.tags) t
         WHERE p.id = ?1 AND p.deleted_at IS NULL",
    )?
    .execute([id])?;
    Ok(())
}

/// A person's entry in the trigram index and the name grams (removed if the person is).
fn index_text(conn: &Connection, id: &str) -> Result<()> {
    let doc: Option<i64> = conn
        .prepare_cached("SELECT doc FROM search_doc WHERE ref_id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    if let Some(doc) = doc {
        conn.prepare_cached("DELETE FROM search_fts WHERE rowid = ?1")?.execute([doc])?;
        conn.prepare_cached("DELETE FROM search_gram WHERE ref_id = ?1")?.execute([id])?;
    }
    let row: Option<IndexedText> = conn
        .prepare_cached(
            "SELECT p.name, p.id_number, p.phone, trim(coalesce(h.address, '') || ' ' || coalesce(p.address, ''))
             FROM person p LEFT JOIN household h ON h.id = p.household_id
             WHERE p.id = ?1 AND p.deleted_at IS NULL",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    let Some((name, id_number, phone, address)) = row else {
        if let Some(doc) = doc {
            conn.prepare_cached("DELETE FROM search_doc WHERE doc = ?1")?.execute([doc])?;
        }
        return Ok(());
    };
    let doc = match doc {
        Some(d) => d,
        None => {
            conn.prepare_cached("INSERT INTO search_doc (ref_id, kind) VALUES (?1, 'person')")?.execute([id])?;
            conn.last_insert_rowid()
        }
    };
    conn.prepare_cached("INSERT INTO search_fts (rowid, name, id_number, phone, address) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![doc, name, id_number, phone, address])?;
    let mut ins =
        conn.prepare_cached("INSERT OR IGNORE INTO search_gram (gram, rank, name, ref_id) VALUES (?1, ?2, ?3, ?4)")?;
    for (g, rank) in name_grams(&name) {
        ins.execute(params![g, rank, name, id])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hit_says_what_it_matched() {
        let id = Some("11010519491231002X");
        let phone = Some("139-0000-1111");
        assert_eq!(matched("王芳", "王芳", id, phone), SearchMatch::Name);
        assert_eq!(matched("19491231", "王芳", id, phone), SearchMatch::IdNumber);
        assert_eq!(matched("002x", "王芳", id, phone), SearchMatch::IdNumber);
        assert_eq!(matched("1111", "王芳", id, phone), SearchMatch::Phone);
        assert_eq!(matched("青山村3组", "王芳", id, phone), SearchMatch::Address);
    }

    #[test]
    fn grams_rank_whole_names_then_prefixes() {
        let g = name_grams("王建国");
        assert!(g.contains(&("王".into(), 1)));
        assert!(g.contains(&("王建".into(), 1)));
        assert!(g.contains(&("建国".into(), 2)));
        assert!(g.contains(&("国".into(), 2)));
        assert!(g.contains(&("王建国".into(), 0)));
        let g = name_grams("欧阳娜娜");
        assert!(g.contains(&("欧阳娜".into(), 1)) && g.contains(&("阳娜娜".into(), 2)));
        let g = name_grams("李娜");
        assert!(g.contains(&("李娜".into(), 0)));
        assert!(g.contains(&("李".into(), 1)));
        assert!(g.contains(&("娜".into(), 2)));
        assert_eq!(name_grams("芳"), vec![("芳".into(), 0)]);
    }
}
