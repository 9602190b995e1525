//! 表彰奖励: owns the `award` table, the nominations for 见义勇为 and 好人 awards. Every
//! step (recorded, corrected, decided, paid) writes the nomination as a whole judged by
//! [`crate::model::award::check_award`], so no step leaves it half-changed; the month's
//! figures are [`crate::model::award::month_of`]'s over the rows read here.

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::award::{AwardFact, AwardInput, AwardMonth, AwardState, check_award, default_decided_by, month_of};
use crate::model::people::{opt_date, req_date, up_to_today};
use crate::model::time::parse_date;
use crate::model::validate::{person_name, required, text};
use crate::model::{AwardDecision, AwardKind};
use crate::store::ledger::{Ledger, Show, column};
use crate::store::write::{date, opt_date as date_value, v};
use crate::store::{Tx, from_row};

/// A nomination, with the resident's and the village's names.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Award {
    /// Row id.
    pub id: String,
    /// 奖励类别.
    pub kind: AwardKind,
    /// 被提名人 (a registered resident).
    pub person_id: Option<String>,
    /// 姓名 (the resident's, else as written).
    pub name: String,
    /// 村（社区）.
    pub village_id: String,
    /// 村（社区）名称.
    pub village_name: Option<String>,
    /// 事迹.
    pub deed: String,
    /// 事迹发生日期.
    pub deed_on: String,
    /// 关联警情.
    pub incident_id: Option<String>,
    /// 关联纠纷.
    pub dispute_id: Option<String>,
    /// 提名日期.
    pub nominated_on: String,
    /// 审批结果.
    pub decision: AwardDecision,
    /// 审批日期.
    pub decided_on: Option<String>,
    /// 审批单位 (县见义勇为基金会, 派出所…).
    pub decided_by: Option<String>,
    /// 奖励金额（分）.
    pub amount_fen: i64,
    /// 发放日期.
    pub paid_on: Option<String>,
    /// 备注.
    pub notes: Option<String>,
}

impl Award {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Award> {
        Ok(from_row!(r => Award {
            id, kind, person_id, name, village_id, village_name, deed, deed_on, incident_id, dispute_id,
            nominated_on, decision, decided_on, decided_by, amount_fen, paid_on, notes,
        }))
    }

    /// The decision, amount and dates as [`check_award`] judges them.
    fn state(&self) -> AwardState {
        let d = |s: &str| parse_date(s).unwrap_or_default();
        AwardState {
            deed_on: d(&self.deed_on),
            nominated_on: d(&self.nominated_on),
            decision: self.decision,
            decided_on: self.decided_on.as_deref().and_then(parse_date),
            amount_fen: self.amount_fen,
            paid_on: self.paid_on.as_deref().and_then(parse_date),
        }
    }
}

const SELECT: &str = "SELECT a.id, a.kind, a.person_id, coalesce(p.name, a.name, '') AS name, a.village_id,
        vg.name AS village_name, a.deed, a.deed_on, a.incident_id, a.dispute_id, a.nominated_on, a.decision,
        a.decided_on, a.decided_by, a.amount_fen, a.paid_on, a.notes
     FROM award a
     LEFT JOIN person p ON p.id = a.person_id AND p.deleted_at IS NULL
     LEFT JOIN village vg ON vg.id = a.village_id";

/// One nomination.
pub fn get(conn: &Connection, id: &str) -> Result<Award> {
    conn.prepare_cached(&format!("{SELECT} WHERE a.id = ?1 AND a.deleted_at IS NULL"))?
        .query_row([id], Award::from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("表彰奖励", id))
}

/// `award.list`: which nominations.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct AwardFilter {
    /// 奖励类别.
    pub kind: Option<AwardKind>,
    /// 审批结果.
    pub decision: Option<AwardDecision>,
    /// 提名月份, e.g. 2026-11.
    pub month: Option<String>,
    /// 村（社区）.
    pub village_id: Option<String>,
    /// 被提名人.
    pub person_id: Option<String>,
}

/// Nominations, newest first.
pub fn list(conn: &Connection, f: &AwardFilter) -> Result<Vec<Award>> {
    let month = match f.month.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => Some(
            NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
                .map_err(|_| Error::validation("month", format!("月份“{m}”应写作 2026-11")))?
                .format("%Y-%m")
                .to_string(),
        ),
        None => None,
    };
    let sql = format!(
        "{SELECT} WHERE a.deleted_at IS NULL AND (?1 IS NULL OR a.kind = ?1) AND (?2 IS NULL OR a.decision = ?2)
           AND (?3 IS NULL OR substr(a.nominated_on, 1, 7) = ?3) AND (?4 IS NULL OR a.village_id = ?4)
           AND (?5 IS NULL OR a.person_id = ?5)
         ORDER BY a.nominated_on DESC, a.id DESC"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    Ok(stmt
        .query_map(params![f.kind, f.decision, month, f.village_id, f.person_id], Award::from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

fn exists(conn: &Connection, table: &str, field: &str, label: &str, id: Option<&str>) -> Result<()> {
    let Some(id) = id else { return Ok(()) };
    let found = conn
        .prepare_cached(&format!("SELECT 1 FROM {table} WHERE id = ?1 AND deleted_at IS NULL"))?
        .query_row([id], |_| Ok(()))
        .optional()?;
    match found {
        Some(()) => Ok(()),
        None => Err(Error::validation(field, format!("所选{label}不存在或已删除（{id}）"))),
    }
}

/// The village of a resident's household.
fn village_of_person(conn: &Connection, person_id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT h.village_id FROM person p JOIN household h ON h.id = p.household_id
             WHERE p.id = ?1 AND p.deleted_at IS NULL",
        )?
        .query_row([person_id], |r| r.get(0))
        .optional()?
        .flatten())
}

/// Columns to write, by name.
type Columns = Vec<(&'static str, Value)>;

/// The columns of a nomination as the form gives them, checked, with its deed and
/// nomination dates.
fn input_columns(tx: &Tx<'_>, i: AwardInput) -> Result<(Columns, NaiveDate, NaiveDate)> {
    let conn = tx.conn();
    let kind = i.kind.ok_or_else(|| Error::validation("kind", "请选择奖励类别（见义勇为或好人）"))?;
    let person_id = i.person_id.filter(|p| !p.trim().is_empty());
    exists(conn, "person", "person_id", "人员", person_id.as_deref())?;
    let name = match i.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => Some(person_name("name", "被提名人姓名", n)?),
        None if person_id.is_none() => {
            return Err(Error::validation("name", "请选择已登记的人员或填写被提名人姓名"));
        }
        None => None,
    };
    let village_id = match i.village_id.filter(|x| !x.trim().is_empty()) {
        Some(x) => Some(x),
        None => match &person_id {
            Some(p) => village_of_person(conn, p)?,
            None => None,
        },
    }
    .ok_or_else(|| Error::validation("village_id", "请选择所属村（社区）"))?;
    crate::store::place::village_name(conn, "village_id", &village_id)?;
    exists(conn, "incident", "incident_id", "警情", i.incident_id.as_deref())?;
    exists(conn, "dispute", "dispute_id", "纠纷", i.dispute_id.as_deref())?;
    let deed_on = req_date("deed_on", "事迹发生日期", &i.deed_on)?;
    let nominated_on = opt_date("nominated_on", "提名日期", i.nominated_on.as_deref())?.unwrap_or(tx.today());
    let cols = vec![
        ("kind", v(kind)),
        ("person_id", v(person_id)),
        ("name", v(name)),
        ("village_id", v(village_id)),
        ("deed", v(required("deed", "事迹", &i.deed, 2000)?)),
        ("deed_on", date(deed_on)),
        ("incident_id", v(i.incident_id)),
        ("dispute_id", v(i.dispute_id)),
        ("nominated_on", date(nominated_on)),
        ("notes", v(text("notes", "备注", i.notes.as_deref(), 1000)?)),
    ];
    Ok((cols, deed_on, nominated_on))
}

/// Records a nomination, pending a decision.
pub fn create(tx: &mut Tx<'_>, i: AwardInput) -> Result<String> {
    let (mut cols, deed_on, nominated_on) = input_columns(tx, i)?;
    let state = AwardState {
        deed_on,
        nominated_on,
        decision: AwardDecision::Pending,
        decided_on: None,
        amount_fen: 0,
        paid_on: None,
    };
    check_award(&state, tx.today())?;
    cols.push(("decision", v(AwardDecision::Pending)));
    let id = tx.new_id();
    tx.insert("award", &id, &cols)?;
    Ok(id)
}

/// A stored nomination as the form would send it (for `award.update`).
pub fn input_of(conn: &Connection, id: &str) -> Result<AwardInput> {
    let a = get(conn, id)?;
    let written: Option<String> =
        conn.prepare_cached("SELECT name FROM award WHERE id = ?1")?.query_row([id], |r| r.get(0))?;
    Ok(AwardInput {
        kind: Some(a.kind),
        person_id: a.person_id,
        name: written,
        village_id: Some(a.village_id),
        deed: a.deed,
        deed_on: a.deed_on,
        incident_id: a.incident_id,
        dispute_id: a.dispute_id,
        nominated_on: Some(a.nominated_on),
        notes: a.notes,
    })
}

/// Corrects what the nomination says (who, what, when); its decision and payment stay, and
/// must still hold with the new dates.
pub fn update(tx: &mut Tx<'_>, id: &str, i: AwardInput) -> Result<()> {
    let current = get(tx.conn(), id)?;
    let (cols, deed_on, nominated_on) = input_columns(tx, i)?;
    check_award(&AwardState { deed_on, nominated_on, ..current.state() }, tx.today())?;
    tx.update("award", id, &cols)?;
    Ok(())
}

/// Records the decision (or takes it back to 待审): by whom, when, and the amount approved.
pub fn decide(
    tx: &mut Tx<'_>,
    id: &str,
    decision: AwardDecision,
    on: Option<NaiveDate>,
    by: Option<&str>,
    amount_fen: Option<i64>,
) -> Result<()> {
    let a = get(tx.conn(), id)?;
    if let Some(p) = a.paid_on.as_deref().filter(|_| decision != AwardDecision::Approved) {
        return Err(Error::rule(format!("该奖励已于 {p} 发放，不能改为“{}”", decision.label())));
    }
    let pending = decision == AwardDecision::Pending;
    let on = if pending { None } else { Some(on.unwrap_or(tx.today())) };
    // An amount given with anything but approval is refused by the check, not dropped.
    let amount_fen = match decision {
        AwardDecision::Approved => amount_fen.unwrap_or(a.amount_fen),
        _ => amount_fen.unwrap_or(0),
    };
    check_award(&AwardState { decision, decided_on: on, amount_fen, ..a.state() }, tx.today())?;
    let by = match text("decided_by", "审批单位", by, 60)? {
        Some(b) => Some(b),
        None if pending => None,
        None => Some(default_decided_by(a.kind).to_owned()),
    };
    tx.update(
        "award",
        id,
        &[
            ("decision", v(decision)),
            ("decided_on", date_value(on)),
            ("decided_by", v(by)),
            ("amount_fen", v(amount_fen)),
        ],
    )?;
    Ok(())
}

/// Records the payment of an approved award (with its amount, when not set at approval).
pub fn pay(tx: &mut Tx<'_>, id: &str, on: Option<&str>, amount_fen: Option<i64>) -> Result<()> {
    let a = get(tx.conn(), id)?;
    if let Some(p) = &a.paid_on {
        return Err(Error::rule(format!("该奖励已于 {p} 发放")));
    }
    let paid_on = up_to_today("paid_on", "发放日期", on, tx.today())?;
    let amount_fen = amount_fen.unwrap_or(a.amount_fen);
    check_award(&AwardState { paid_on: Some(paid_on), amount_fen, ..a.state() }, tx.today())?;
    tx.update("award", id, &[("paid_on", date(paid_on)), ("amount_fen", v(amount_fen))])?;
    Ok(())
}

/// Deletes a nomination recorded by mistake (undoable, like any row).
pub fn delete(tx: &mut Tx<'_>, id: &str) -> Result<()> {
    get(tx.conn(), id)?;
    tx.delete("award", id)
}

/// How many live nominations name a resident, and how many of them were approved (the
/// person's card).
pub fn count_for_person(conn: &Connection, person_id: &str) -> Result<(i64, i64)> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*), coalesce(sum(decision = 'approved'), 0) FROM award
             WHERE person_id = ?1 AND deleted_at IS NULL",
        )?
        .query_row([person_id], |r| Ok((r.get(0)?, r.get(1)?)))?)
}

/// The month's figures (`first` its first day), beside the 网格红包 paid in it
/// (`grid_rewards_fen`, from the hazards).
pub fn month_figures(conn: &Connection, first: NaiveDate, grid_rewards_fen: i64) -> Result<AwardMonth> {
    let next = first.checked_add_months(chrono::Months::new(1)).unwrap_or(first);
    let last = next.pred_opt().unwrap_or(first);
    let (f, n) = (first.format("%Y-%m-%d").to_string(), next.format("%Y-%m-%d").to_string());
    let facts = conn
        .prepare_cached(
            "SELECT kind, nominated_on, decision, decided_on, amount_fen, paid_on FROM award
             WHERE deleted_at IS NULL AND ((nominated_on >= ?1 AND nominated_on < ?2)
               OR (decided_on >= ?1 AND decided_on < ?2) OR (paid_on >= ?1 AND paid_on < ?2))",
        )?
        .query_map([&f, &n], |r| {
            let day = |s: Option<String>| s.as_deref().and_then(parse_date);
            Ok(AwardFact {
                kind: r.get("kind")?,
                nominated_on: day(r.get("nominated_on")?).unwrap_or_default(),
                decision: r.get("decision")?,
                decided_on: day(r.get("decided_on")?),
                amount_fen: r.get("amount_fen")?,
                paid_on: day(r.get("paid_on")?),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(month_of(&facts, first, last, grid_rewards_fen))
}

/// 表彰奖励台账: the nominations made in `[:from, :to)`, with where each stands today.
pub const LEDGER: Ledger = Ledger {
    columns: &[
        column("提名日期", 12.0, "a.nominated_on", Show::Date),
        column("奖励类别", 10.0, "a.kind", Show::Label(|s| AwardKind::parse(s).map(AwardKind::label))),
        column("被提名人", 10.0, "coalesce(p.name, a.name)", Show::Text),
        column("所属村（社区）", 14.0, "vg.name", Show::Text),
        column("事迹发生日期", 12.0, "a.deed_on", Show::Date),
        column("事迹", 36.0, "a.deed", Show::Text),
        column("关联警情", 24.0, "i.summary", Show::Text),
        column("关联纠纷", 24.0, "d.title", Show::Text),
        column("审批结果", 10.0, "a.decision", Show::Label(|s| AwardDecision::parse(s).map(AwardDecision::label))),
        column("审批日期", 12.0, "a.decided_on", Show::Date),
        column("审批单位", 16.0, "a.decided_by", Show::Text),
        column("奖励金额（元）", 12.0, "CASE WHEN a.amount_fen > 0 THEN a.amount_fen END", Show::Money),
        column("发放日期", 12.0, "a.paid_on", Show::Date),
        column("备注", 20.0, "a.notes", Show::Text),
    ],
    from: "FROM award a
           LEFT JOIN person p ON p.id = a.person_id
           LEFT JOIN village vg ON vg.id = a.village_id
           LEFT JOIN incident i ON i.id = a.incident_id
           LEFT JOIN dispute d ON d.id = a.dispute_id
           WHERE a.deleted_at IS NULL AND a.nominated_on >= :from AND a.nominated_on < :to
           ORDER BY a.nominated_on, a.id",
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::dispute::tests::post;

    fn village(store: &mut crate::store::Store) -> String {
        let input = crate::model::people::VillageInput { name: "青山村".into(), code: None, township: None };
        store.write(|tx| crate::store::place::create_village(tx, input)).unwrap().id
    }

    #[test]
    fn a_nomination_is_decided_then_paid_once_and_counts_in_its_months() {
        let (mut store, _dir) = post();
        let vid = village(&mut store);
        let input = AwardInput {
            kind: Some(AwardKind::Valor),
            name: Some("王小明".into()),
            village_id: Some(vid),
            deed: "跳入河中救起落水儿童".into(),
            deed_on: "2026-11-02".into(),
            nominated_on: Some("2026-11-03".into()),
            ..Default::default()
        };
        let id = store.write(|tx| create(tx, input.clone())).unwrap();
        // No payment before the decision; nothing changes when refused.
        let e = store.write(|tx| pay(tx, &id, None, Some(200_000))).unwrap_err();
        assert!(e.to_string().contains("审批结果为“待审”"), "{e}");
        assert_eq!(get(store.conn(), &id).unwrap().amount_fen, 0);
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        store.write(|tx| decide(tx, &id, AwardDecision::Approved, Some(d("2026-11-10")), None, Some(200_000))).unwrap();
        let a = get(store.conn(), &id).unwrap();
        assert_eq!((a.decided_by.as_deref(), a.amount_fen), (Some("县见义勇为基金会"), 200_000));
        let e = store.write(|tx| pay(tx, &id, Some("2026-11-09"), None)).unwrap_err();
        assert_eq!(e.to_string(), "发放日期不能早于审批日期 2026-11-10");
        store.write(|tx| pay(tx, &id, Some("2026-11-12"), None)).unwrap();
        assert!(store.write(|tx| pay(tx, &id, None, None)).unwrap_err().to_string().contains("已于 2026-11-12 发放"));
        // A correction that would put the deed after the nomination is refused.
        let late = AwardInput { deed_on: "2026-11-04".into(), ..input };
        assert!(store.write(|tx| update(tx, &id, late)).is_err());
        let m = month_figures(store.conn(), d("2026-11-01"), 500).unwrap();
        assert_eq!((m.valor.nominated, m.valor.approved, m.valor.paid_fen, m.all_paid_fen), (1, 1, 200_000, 200_500));
        store.write(|tx| delete(tx, &id)).unwrap();
        assert!(get(store.conn(), &id).is_err());
        assert_eq!(month_figures(store.conn(), d("2026-11-01"), 0).unwrap(), AwardMonth::default());
    }
}
