//! The 五无 villages (无案, 无诈, 无毒, 无访, 无邪): owns the `five_nones` table, one row per
//! village and year. What the data says comes from the year's incidents; an officer
//! confirms, and a claim the data contradicts is refused.

use chrono::Datelike;
use rusqlite::{Connection, OptionalExtension, Row};
use schemars::JsonSchema;
use serde::Serialize;
use uuid::Uuid;

use super::exists;
use crate::error::Result;
use crate::model::prevention::{FiveNones, check_five_nones, check_five_nones_year, derive_five_nones};
use crate::model::validate::text;
use crate::store::write::{date, s, v};
use crate::store::{Tx, from_row, incident, place};

/// A village's 五无 for a year: what the data says, and what the officer confirmed.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FiveNonesYear {
    /// 村（社区）.
    pub village_id: String,
    /// Its name.
    pub village_name: String,
    /// 年度.
    pub year: i32,
    /// 立案数.
    pub cases: i64,
    /// 诈骗警情数.
    pub fraud: i64,
    /// 涉毒警情数.
    pub drugs: i64,
    /// Derived from the data (`null` where the data cannot tell).
    pub derived: FiveNones,
    /// Confirmed by an officer, if done.
    pub confirmed: Option<FiveNones>,
    /// 确认民警.
    pub confirmed_by: Option<String>,
    /// 确认日期.
    pub confirmed_on: Option<String>,
    /// 备注.
    pub notes: Option<String>,
}

pub(crate) fn five_nones_id(village_id: &str, year: i32) -> String {
    // One row per village and year on every node, so concurrent confirmations merge.
    const NS: Uuid = Uuid::from_u128(0x2f6c_53f4_8d3b_4f0e_9c1a_0b7d_5e4f_3a21);
    Uuid::new_v5(&NS, format!("{village_id}/{year}").as_bytes()).to_string()
}

/// What an officer confirmed, as stored.
struct Confirmed {
    nones: FiveNones,
    by: Option<String>,
    on: Option<String>,
    notes: Option<String>,
}

impl Confirmed {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Confirmed> {
        Ok(Confirmed {
            nones: from_row!(r => FiveNones { no_cases, no_fraud, no_drugs, no_petitions, no_cults }),
            by: r.get("confirmed_by")?,
            on: r.get("confirmed_on")?,
            notes: r.get("notes")?,
        })
    }
}

/// 五无 for every village in `year`.
pub fn five_nones(conn: &Connection, year: i32) -> Result<Vec<FiveNonesYear>> {
    let (from, to) = (format!("{year}-01-01"), format!("{}-01-01", year + 1));
    let mut out = vec![];
    for village in place::list_villages(conn)? {
        let (cases, fraud, drugs) = incident::village_counts(conn, &village.id, &from, &to)?;
        let confirmed = conn
            .prepare_cached(
                "SELECT no_cases, no_fraud, no_drugs, no_petitions, no_cults, confirmed_by, confirmed_on, notes
                 FROM five_nones WHERE id = ?1 AND deleted_at IS NULL",
            )?
            .query_row([five_nones_id(&village.id, year)], Confirmed::from_row)
            .optional()?;
        let (confirmed, confirmed_by, confirmed_on, notes) = match confirmed {
            Some(c) => (Some(c.nones), c.by, c.on, c.notes),
            None => (None, None, None, None),
        };
        out.push(FiveNonesYear {
            village_id: village.id,
            village_name: village.name,
            year,
            cases,
            fraud,
            drugs,
            derived: derive_five_nones(cases, fraud, drugs),
            confirmed,
            confirmed_by,
            confirmed_on,
            notes,
        });
    }
    Ok(out)
}

/// An officer confirms a village's 五无 for a year. A status the data contradicts (a
/// village with a fraud incident confirmed 无诈) is refused, naming the count.
pub fn confirm_five_nones(
    tx: &mut Tx<'_>,
    village_id: &str,
    year: i32,
    c: FiveNones,
    officer_id: &str,
    notes: Option<&str>,
) -> Result<()> {
    place::village_name(tx.conn(), "village_id", village_id)?;
    place::get_officer(tx.conn(), "officer_id", officer_id)?;
    check_five_nones_year(year, tx.today().year())?;
    if let Some(d) = five_nones(tx.conn(), year)?.into_iter().find(|f| f.village_id == village_id) {
        check_five_nones(year, &c, (d.cases, d.fraud, d.drugs))?;
    }
    let id = five_nones_id(village_id, year);
    let cols = [
        ("village_id", s(village_id)),
        ("year", v(i64::from(year))),
        ("no_cases", v(c.no_cases)),
        ("no_fraud", v(c.no_fraud)),
        ("no_drugs", v(c.no_drugs)),
        ("no_petitions", v(c.no_petitions)),
        ("no_cults", v(c.no_cults)),
        ("confirmed_by", s(officer_id)),
        ("confirmed_on", date(tx.today())),
        ("notes", v(text("notes", "备注", notes, 1000)?)),
    ];
    if exists(tx.conn(), "five_nones", &id)? {
        tx.update("five_nones", &id, &cols)?;
    } else {
        tx.insert("five_nones", &id, &cols)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_village_and_year_have_one_row_everywhere() {
        assert_eq!(five_nones_id("v1", 2026), five_nones_id("v1", 2026));
        assert_ne!(five_nones_id("v1", 2026), five_nones_id("v1", 2025));
        assert_ne!(five_nones_id("v1", 2026), five_nones_id("v2", 2026));
    }
}
