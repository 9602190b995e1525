//! The disputes list (矛盾纠纷台账 screen): its rows, filters, sort and page, and where a dispute's parties live.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{Connection, Row, params};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::model::day_plan::PlanPlace;
use crate::model::people::opt_date as parse_opt_date;
use crate::model::validate::text;
use crate::model::warning::Risk;
use crate::model::{DisputeKind, DisputeStatus, RiskLevel, Track};
use crate::store::day_plan::place_of;
use crate::store::from_row;
use crate::store::warning::{each, id_list};
use crate::store::{page_bounds, warning};

/// One row of the disputes list.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DisputeRow {
    /// Row id.
    pub id: String,
    /// 受理日期.
    pub received_on: String,
    /// 纠纷名称.
    pub title: String,
    /// 类型.
    pub kind: DisputeKind,
    /// 调解类型.
    pub track: Track,
    /// 状态.
    pub status: DisputeStatus,
    /// 状态 in Chinese.
    pub status_label: &'static str,
    /// 村名.
    pub village_name: Option<String>,
    /// 承办民警.
    pub officer_name: Option<String>,
    /// 当事人姓名, joined with 、.
    pub party_names: String,
    /// 涉及金额 (fen).
    pub amount_involved: i64,
    /// 协议编号.
    pub agreement_number: Option<String>,
    /// 预警等级 (an open dispute at risk).
    pub risk_level: Option<RiskLevel>,
    /// 预警等级 in Chinese.
    pub risk_level_label: Option<&'static str>,
    /// The risk's points.
    pub risk_points: u32,
}

/// How the disputes list is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DisputeSort {
    /// Newest intake first.
    #[default]
    Received,
    /// The highest warning first (then the most points, the oldest intake).
    Risk,
}

/// A page of disputes.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DisputePage {
    /// Disputes matching the filter.
    pub total: i64,
    /// Page number, from 1.
    pub page: u32,
    /// Page size.
    pub page_size: u32,
    /// This page, newest intake first.
    pub items: Vec<DisputeRow>,
}

/// Filters for the disputes list.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct DisputeFilter {
    /// Only this status.
    pub status: Option<DisputeStatus>,
    /// Only this kind.
    pub kind: Option<DisputeKind>,
    /// Only this village.
    pub village_id: Option<String>,
    /// Only this track.
    pub track: Option<Track>,
    /// Received on or after.
    pub received_from: Option<String>,
    /// Received on or before.
    pub received_to: Option<String>,
    /// Words in the title.
    pub text: Option<String>,
    /// Only disputes this resident is a party to.
    pub person_id: Option<String>,
    /// Only disputes a member of this household is a party to.
    pub household_id: Option<String>,
    /// Only open disputes at this warning level.
    pub level: Option<RiskLevel>,
    /// Order (default: newest intake first).
    pub sort: Option<DisputeSort>,
    /// Page, from 1.
    pub page: Option<u32>,
    /// Page size (default 20, at most 100).
    pub page_size: Option<u32>,
}

/// Where a visit about a dispute (`d`) goes: the home of its first party who is a registered
/// resident, else the dispute's village. Joins `ph` (that household), `pv` (the village) and
/// `pg` (the 组); [`PLACE_COLUMNS`] names them for [`crate::store::day_plan::place_of`].
pub(crate) const PARTY_HOME_JOINS: &str = "LEFT JOIN household ph ON ph.id = (SELECT pp.household_id FROM party pa
       JOIN person pp ON pp.id = pa.person_id
       WHERE pa.dispute_id = d.id AND pa.deleted_at IS NULL AND pp.deleted_at IS NULL AND pp.household_id IS NOT NULL
       ORDER BY pa.sort, pa.id LIMIT 1)
     LEFT JOIN village pv ON pv.id = coalesce(ph.village_id, d.village_id)
     LEFT JOIN village_group pg ON pg.id = ph.group_id";

/// The place columns of [`PARTY_HOME_JOINS`].
pub(crate) const PLACE_COLUMNS: &str = "pv.id AS village_id, pv.name AS village_name, pg.name AS group_name,
     coalesce(ph.address, (SELECT pa.address FROM party pa WHERE pa.dispute_id = d.id AND pa.deleted_at IS NULL
       AND pa.address IS NOT NULL ORDER BY pa.sort, pa.id LIMIT 1)) AS address";

/// Where a visit about each dispute in `ids` goes ([`PARTY_HOME_JOINS`]), by dispute id.
pub(crate) fn homes(conn: &Connection, ids: &[String]) -> Result<HashMap<String, PlanPlace>> {
    let sql = format!(
        "SELECT d.id, {PLACE_COLUMNS} FROM dispute d {PARTY_HOME_JOINS}
         WHERE d.id IN {}",
        each(1)
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map([id_list(ids)], |r| Ok((r.get::<_, String>("id")?, place_of(r)?)))?
        .collect::<rusqlite::Result<HashMap<_, _>>>()?;
    Ok(rows)
}

/// The parties' names joined with 、, as a column of a query over `dispute d`.
pub(super) const PARTY_NAMES: &str = "(SELECT group_concat(name, '、') FROM
    (SELECT p.name FROM party p WHERE p.dispute_id = d.id AND p.deleted_at IS NULL ORDER BY p.sort, p.id))";

impl DisputeRow {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<DisputeRow> {
        let status: DisputeStatus = r.get("status")?;
        Ok(from_row!(r => DisputeRow {
            id, received_on, title, kind, track, status, village_name, officer_name, amount_involved,
            agreement_number,
            status_label: status.label(),
            party_names: r.get::<_, Option<String>>("party_names")?.unwrap_or_default(),
            risk_level: None,
            risk_level_label: None,
            risk_points: 0,
        }))
    }
}

/// A row of the list, without its risk, as a query over `dispute d`.
fn row_sql() -> String {
    format!(
        "SELECT d.id, d.received_on, d.title, d.kind, d.track, d.status, v.name AS village_name,
                o.name AS officer_name, {PARTY_NAMES} AS party_names, d.amount_involved,
                (SELECT a.number FROM agreement a WHERE a.dispute_id = d.id AND a.deleted_at IS NULL
                 ORDER BY a.finalised_at IS NULL, a.finalised_at DESC, a.id DESC LIMIT 1) AS agreement_number
         FROM dispute d LEFT JOIN village v ON v.id = d.village_id LEFT JOIN officer o ON o.id = d.officer_id"
    )
}

/// A page of disputes as of `today`, newest intake first, or the highest warning first;
/// each row with its warning level. Sorting or filtering by level reads `judged`, the
/// judgement of every open dispute ([`warning::judged`]).
pub fn list(
    conn: &Connection,
    f: &DisputeFilter,
    today: NaiveDate,
    judged: impl FnOnce() -> Result<std::sync::Arc<Vec<warning::Warning>>>,
) -> Result<DisputePage> {
    let (page, page_size, limit, offset) = page_bounds(f.page, f.page_size);
    let from = parse_opt_date("received_from", "受理日期（起）", f.received_from.as_deref())?.map(|d| d.to_string());
    let to = parse_opt_date("received_to", "受理日期（止）", f.received_to.as_deref())?.map(|d| d.to_string());
    let words = text("text", "关键词", f.text.as_deref(), 40)?;
    let (person, household) = crate::store::search::check_involved(conn, &f.person_id, &f.household_id)?;
    let filter = format!(
        "d.deleted_at IS NULL
        AND (?1 IS NULL OR d.status = ?1) AND (?2 IS NULL OR d.kind = ?2)
        AND (?3 IS NULL OR d.village_id = ?3) AND (?4 IS NULL OR d.track = ?4)
        AND (?5 IS NULL OR d.received_on >= ?5) AND (?6 IS NULL OR d.received_on <= ?6)
        AND (?7 IS NULL OR instr(d.title, ?7) > 0) AND {}",
        crate::store::search::involving("dispute", "d", 8, 9, person.is_some(), household.is_some())
    );
    let args = params![f.status, f.kind, f.village_id, f.track, from, to, words, person, household];
    let by_risk = f.sort == Some(DisputeSort::Risk);
    let (total, mut items) = if f.level.is_none() && !by_risk {
        let total: i64 = conn
            .prepare_cached(&format!("SELECT count(*) FROM dispute d WHERE {filter}"))?
            .query_row(args, |r| r.get(0))?;
        let sql = format!("{} WHERE {filter} ORDER BY d.received_on DESC, d.id DESC LIMIT ?10 OFFSET ?11", row_sql());
        let args = params![f.status, f.kind, f.village_id, f.track, from, to, words, person, household, limit, offset];
        let items =
            conn.prepare_cached(&sql)?.query_map(args, DisputeRow::from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        (total, items)
    } else {
        // Levels are computed, not stored: the kept judgement of the open disputes gives
        // the level of each dispute the filter keeps (the others have none), then order
        // and page.
        let sql = format!("SELECT d.id FROM dispute d WHERE {filter} ORDER BY d.received_on DESC, d.id DESC");
        let all: Vec<String> =
            conn.prepare_cached(&sql)?.query_map(args, |r| r.get("id"))?.collect::<rusqlite::Result<_>>()?;
        let judged = judged()?;
        let level_of: HashMap<&str, (Option<RiskLevel>, u32)> =
            judged.iter().map(|w| (w.dispute_id.as_str(), (w.risk.level, w.risk.points))).collect();
        let mut ids: Vec<&str> = all
            .iter()
            .map(String::as_str)
            .filter(|id| f.level.is_none() || level_of.get(id).and_then(|l| l.0) == f.level)
            .collect();
        if by_risk {
            let rank = |id: &str| {
                let (l, p) = level_of.get(id).copied().unwrap_or((None, 0));
                (warning::risk::level_rank(l), std::cmp::Reverse(p))
            };
            // Stable: within a rank, the list's own order (newest intake first).
            ids.sort_by_key(|id| rank(id));
        }
        let total = ids.len() as i64;
        let shown: Vec<&str> = ids.into_iter().skip(offset as usize).take(limit as usize).collect();
        let order: HashMap<&str, usize> = shown.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        let mut items = conn
            .prepare_cached(&format!("{} WHERE d.id IN {}", row_sql(), each(1)))?
            .query_map([id_list(&shown)], DisputeRow::from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        items.sort_by_key(|d| order.get(d.id.as_str()).copied().unwrap_or(usize::MAX));
        (total, items)
    };
    let open: Vec<String> =
        items.iter().filter(|d| crate::model::warning::is_open(d.status)).map(|d| d.id.clone()).collect();
    let judged: HashMap<String, Risk> =
        warning::risk::risks(conn, &open, today)?.into_iter().map(|w| (w.dispute_id, w.risk)).collect();
    for d in &mut items {
        if let Some(r) = judged.get(&d.id) {
            d.risk_level = r.level;
            d.risk_level_label = r.level_label;
            d.risk_points = r.points;
        }
    }
    Ok(DisputePage { total, page, page_size, items })
}
