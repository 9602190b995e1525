//! 重复警情: for an incident, the others at the same place (一地多报) or naming one of its
//! residents (一人多报) within the county's window, read through three index ranges (the
//! village or the place by time, the residents' `involvement`) and judged by
//! [`crate::model::warning::repeats`].

use std::collections::HashMap;

use chrono::Duration;
use rusqlite::{Connection, OptionalExtension, Row};
use schemars::JsonSchema;
use serde::Serialize;

use super::{each, id_list};
use crate::error::{Error, Result};
use crate::model::time::{parse_instant, show, stamp};
use crate::model::warning::{Repeats, Spot, repeats};
use crate::model::{Disposition, IncidentKind};
use crate::store::json_list;

/// An incident in a list of repeats.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IncidentBrief {
    /// Row id.
    pub id: String,
    /// 发生时间, Beijing time.
    pub occurred_at_local: String,
    /// 发生地点.
    pub place: String,
    /// 警情类别 in Chinese.
    pub kind_label: &'static str,
    /// 简要警情.
    pub summary: String,
    /// 处置结果 in Chinese.
    pub disposition_label: &'static str,
}

/// One resident's other incidents.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PersonRepeats {
    /// The resident.
    pub person_id: String,
    /// 姓名 (absent if deleted since).
    pub name: Option<String>,
    /// Their other incidents within the window, newest first.
    pub incidents: Vec<IncidentBrief>,
}

/// The incidents repeating one incident, shown together.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RepeatIncidents {
    /// The incident.
    pub incident_id: String,
    /// The window, in days either side.
    pub days: u32,
    /// 一地多报: other incidents at the same place, newest first.
    pub same_place: Vec<IncidentBrief>,
    /// 一人多报: per resident, their other incidents.
    pub same_person: Vec<PersonRepeats>,
    /// How many other incidents repeat it (each once).
    pub count: u32,
}

/// An incident's repeat counts, as its row in a list shows them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RepeatCount {
    /// 一地多报: other incidents at the same place.
    pub same_place: u32,
    /// 一人多报: other incidents naming one of its residents.
    pub same_person: u32,
    /// Other incidents either way, each once.
    pub total: u32,
}

/// An incident as the repeat rule reads it, with its village and what a list shows.
struct Row_ {
    spot: Spot,
    village: Option<String>,
    brief: IncidentBrief,
}

const COLS: &str = "i.id, i.occurred_at, i.place, i.village_id, i.kind, i.summary, i.disposition, i.reporter_person_id,
    i.person_ids";

fn read(r: &Row<'_>) -> rusqlite::Result<Option<Row_>> {
    let at: String = r.get("occurred_at")?;
    let Some(occurred_at) = parse_instant(&at) else { return Ok(None) };
    let mut persons: Vec<String> = r.get::<_, Option<String>>("reporter_person_id")?.into_iter().collect();
    for p in json_list(r.get("person_ids")?) {
        if !persons.contains(&p) {
            persons.push(p);
        }
    }
    let kind: IncidentKind = r.get("kind")?;
    let disposition: Disposition = r.get("disposition")?;
    let id: String = r.get("id")?;
    let place: String = r.get("place")?;
    Ok(Some(Row_ {
        brief: IncidentBrief {
            id: id.clone(),
            occurred_at_local: show(occurred_at),
            place: place.clone(),
            kind_label: kind.label(),
            summary: r.get("summary")?,
            disposition_label: disposition.label(),
        },
        spot: Spot { id, occurred_at, place, persons },
        village: r.get("village_id")?,
    }))
}

fn one(conn: &Connection, id: &str) -> Result<Option<Row_>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLS} FROM incident i WHERE i.id = ?1 AND i.deleted_at IS NULL"))?
        .query_row([id], read)
        .optional()?
        .flatten())
}

/// The incidents within `days` of `of` in its village or at its place, or naming one of
/// its residents: the candidates the rule judges.
fn near(conn: &Connection, of: &Row_, days: u32) -> Result<Vec<Row_>> {
    let lo = stamp(of.spot.occurred_at - Duration::days(i64::from(days)));
    let hi = stamp(of.spot.occurred_at + Duration::days(i64::from(days)));
    let sql = format!(
        "SELECT {COLS} FROM incident i WHERE i.village_id = ?1 AND i.occurred_at >= ?2 AND i.occurred_at <= ?3
           AND i.deleted_at IS NULL
         UNION SELECT {COLS} FROM incident i WHERE i.place = ?4 AND i.occurred_at >= ?2 AND i.occurred_at <= ?3
           AND i.deleted_at IS NULL
         UNION SELECT {COLS} FROM involvement v JOIN incident i ON i.id = v.ref_id
         WHERE v.kind = 'incident' AND v.person_id IN {} AND i.occurred_at >= ?2 AND i.occurred_at <= ?3
           AND i.deleted_at IS NULL",
        each(5)
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(rusqlite::params![of.village, lo, hi, of.spot.place, id_list(&of.spot.persons)], read)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows.into_iter().flatten().collect())
}

fn judge(conn: &Connection, of: &Row_, days: u32) -> Result<(Repeats, HashMap<String, IncidentBrief>)> {
    let mut cands = near(conn, of, days)?;
    // Newest first, as the lists show them.
    cands.sort_by(|a, b| b.spot.occurred_at.cmp(&a.spot.occurred_at).then(a.spot.id.cmp(&b.spot.id)));
    let spots: Vec<Spot> = cands.iter().map(|c| c.spot.clone()).collect();
    let found = repeats(&of.spot, &spots, days);
    let briefs = cands.into_iter().map(|c| (c.spot.id, c.brief)).collect();
    Ok((found, briefs))
}

/// The repeat counts of each incident in `ids` (a list's page).
pub fn counts(conn: &Connection, ids: &[String], days: u32) -> Result<HashMap<String, RepeatCount>> {
    let mut out = HashMap::new();
    for id in ids {
        if let Some(of) = one(conn, id)? {
            let (r, _) = judge(conn, &of, days)?;
            let same_person = {
                let mut all: Vec<&String> = r.same_person.iter().flat_map(|(_, ids)| ids).collect();
                all.sort();
                all.dedup();
                all.len() as u32
            };
            out.insert(
                id.clone(),
                RepeatCount { same_place: r.same_place.len() as u32, same_person, total: r.count() as u32 },
            );
        }
    }
    Ok(out)
}

/// The incidents repeating incident `id`, shown together.
pub fn repeats_of(conn: &Connection, id: &str, days: u32) -> Result<RepeatIncidents> {
    let of = one(conn, id)?.ok_or_else(|| Error::not_found("警情", id))?;
    let (r, briefs) = judge(conn, &of, days)?;
    let brief = |id: &String| briefs.get(id).cloned();
    let mut same_person = Vec::new();
    for (person_id, ids) in &r.same_person {
        let name: Option<String> = conn
            .prepare_cached("SELECT name FROM person WHERE id = ?1 AND deleted_at IS NULL")?
            .query_row([person_id], |row| row.get("name"))
            .optional()?;
        same_person.push(PersonRepeats {
            person_id: person_id.clone(),
            name,
            incidents: ids.iter().filter_map(brief).collect(),
        });
    }
    Ok(RepeatIncidents {
        incident_id: id.to_owned(),
        days,
        count: r.count() as u32,
        same_place: r.same_place.iter().filter_map(brief).collect(),
        same_person,
    })
}
