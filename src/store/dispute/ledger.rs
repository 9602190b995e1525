//! The 矛盾纠纷调解台账 ledger and the month's dispute facts for the figures.

use chrono::NaiveDate;
use rusqlite::{Connection, Row};

use super::mediation;
use crate::error::Result;
use crate::model::time::parse_date;
use crate::model::{
    AgreementKind, DisputeKind, DisputeSource, DisputeStatus, Grade, MediationLevel, MediationOutcome, Track,
};
use crate::store::ledger::{Ledger, Show, column};

/// 矛盾纠纷调解台账: the disputes received in `[:from, :to)`, with their latest session and
/// agreement.
pub const LEDGER: Ledger = Ledger {
    columns: &[
        column("受理日期", 12.0, "d.received_on", Show::Date),
        column("纠纷名称", 24.0, "d.title", Show::Text),
        column("纠纷类型", 14.0, "d.kind", Show::Label(|s| DisputeKind::parse(s).map(DisputeKind::label))),
        column("等级", 8.0, "d.grade", Show::Label(|s| Grade::parse(s).map(Grade::label))),
        column("来源", 11.0, "d.source", Show::Label(|s| DisputeSource::parse(s).map(DisputeSource::label))),
        column("所属村", 12.0, "v.name", Show::Text),
        column(
            "当事人",
            22.0,
            "(SELECT group_concat(name, '、') FROM (SELECT name FROM party
               WHERE dispute_id = d.id AND deleted_at IS NULL ORDER BY sort, id))",
            Show::Text,
        ),
        column("涉及金额（元）", 13.0, "d.amount_involved", Show::Money),
        column("调解类型", 10.0, "d.track", Show::Label(|s| Track::parse(s).map(Track::label))),
        column(
            "调解次数",
            9.0,
            "(SELECT count(*) FROM mediation WHERE dispute_id = d.id AND deleted_at IS NULL)",
            Show::Int,
        ),
        column(
            "最后调解层级",
            12.0,
            "(SELECT level FROM mediation WHERE dispute_id = d.id AND deleted_at IS NULL
               ORDER BY held_on DESC, id DESC LIMIT 1)",
            Show::Label(|s| MediationLevel::parse(s).map(MediationLevel::label)),
        ),
        column("状态", 12.0, "d.status", Show::Label(|s| DisputeStatus::parse(s).map(DisputeStatus::label))),
        column("协议类型", 14.0, "a.kind", Show::Label(|s| AgreementKind::parse(s).map(AgreementKind::label))),
        column("协议书编号", 22.0, "a.number", Show::Text),
        column("履行期限", 12.0, "a.performance_deadline", Show::Date),
        column("履行日期", 12.0, "a.fulfilled_on", Show::Date),
        column("移交去向", 14.0, "d.referred_to", Show::Text),
        column("责任民警", 10.0, "o.name", Show::Text),
        column("结案日期", 12.0, "d.closed_on", Show::Date),
    ],
    from: "FROM dispute d
           LEFT JOIN village v ON v.id = d.village_id
           LEFT JOIN officer o ON o.id = d.officer_id
           LEFT JOIN agreement a ON a.id = (SELECT id FROM agreement WHERE dispute_id = d.id
               AND deleted_at IS NULL ORDER BY finalised_at IS NULL, finalised_at DESC, id DESC LIMIT 1)
           WHERE d.deleted_at IS NULL AND d.received_on >= :from AND d.received_on < :to
           ORDER BY d.received_on, d.id",
};

/// A dispute as the month's statistics see it.
#[derive(Debug, Clone, PartialEq)]
pub struct DisputeFact {
    /// The dispute.
    pub id: String,
    /// Its village's id, if known.
    pub village_id: Option<String>,
    /// 受理日期.
    pub received_on: NaiveDate,
    /// 纠纷类型.
    pub kind: DisputeKind,
    /// 所属村 (name), if known.
    pub village: Option<String>,
    /// 涉及金额, fen.
    pub amount_involved: i64,
    /// Where it stands now.
    pub status: DisputeStatus,
    /// 移交去向.
    pub referred_to: Option<String>,
    /// Its mediation sessions: date held and outcome.
    pub sessions: Vec<(NaiveDate, MediationOutcome)>,
}

impl DisputeFact {
    /// The dispute's id and, when its intake date reads, the fact (without sessions).
    fn from_row(r: &Row<'_>) -> rusqlite::Result<(String, Option<DisputeFact>)> {
        let received: String = r.get("received_on")?;
        let fact = match parse_date(&received) {
            Some(received_on) => Some(DisputeFact {
                id: r.get("id")?,
                village_id: r.get("village_id")?,
                received_on,
                kind: r.get("kind")?,
                village: r.get("village")?,
                amount_involved: r.get("amount_involved")?,
                status: r.get("status")?,
                referred_to: r.get("referred_to")?,
                sessions: vec![],
            }),
            None => None,
        };
        Ok((r.get("id")?, fact))
    }
}

/// The disputes received in `[lo, hi)` or with a session then, each with that period's
/// sessions (the month's statistics).
pub fn month_facts(conn: &Connection, lo: &str, hi: &str) -> Result<Vec<DisputeFact>> {
    const FACT: &str =
        "SELECT d.id, d.village_id, d.received_on, d.kind, v.name AS village, d.amount_involved, d.status,
                d.referred_to
         FROM dispute d LEFT JOIN village v ON v.id = d.village_id";
    let sessions = mediation::sessions_in(conn, lo, hi)?;
    let mut stmt = conn
        .prepare_cached(&format!("{FACT} WHERE d.deleted_at IS NULL AND d.received_on >= ?1 AND d.received_on < ?2"))?;
    let mut by_id = conn.prepare_cached(&format!("{FACT} WHERE d.id = ?1 AND d.deleted_at IS NULL"))?;
    let mut out = vec![];
    let mut seen = std::collections::HashSet::new();
    for got in stmt.query_map([lo, hi], DisputeFact::from_row)? {
        let (id, fact) = got?;
        if let Some(mut f) = fact {
            f.sessions = sessions.get(&id).cloned().unwrap_or_default();
            out.push(f);
        }
        seen.insert(id);
    }
    for (id, s) in &sessions {
        if seen.contains(id) {
            continue;
        }
        for got in by_id.query_map([id], DisputeFact::from_row)? {
            if let (_, Some(mut f)) = got? {
                f.sessions = s.clone();
                out.push(f);
            }
        }
    }
    Ok(out)
}
