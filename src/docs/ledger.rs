//! The ledgers (台账) a post keeps and hands to the county: households and people,
//! disputes and their mediation (矛盾纠纷调解台账), follow-ups (回访台账), errands
//! (代办台账) and incidents (警情台账), and the prevention ledgers (群防群治: volunteers,
//! patrols, leads, hazards, outreach, feedback, 五无, in the `prevention` submodule). Each is read from
//! the store into a [`Sheet`] and written as xlsx by [`crate::docs::xlsx`].
//!
//! These are read-only queries over the synced tables; the rules that produced the rows
//! live with their aggregates.

use rusqlite::{Connection, Row};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::docs::Month;
use crate::docs::xlsx::{Cell, Kind, Sheet, col};
use crate::error::Result;
use crate::model::time::{beijing, parse_date};
use crate::model::*;

mod prevention;

/// Which ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum LedgerKind {
    /// 实有人口台账: every resident with their household.
    #[serde(alias = "实有人口台账", alias = "户籍人口台账", alias = "人口台账")]
    Households,
    /// 矛盾纠纷调解台账.
    #[serde(alias = "矛盾纠纷调解台账")]
    Disputes,
    /// 回访台账.
    #[serde(alias = "回访台账")]
    FollowUps,
    /// 代办台账.
    #[serde(alias = "代办台账")]
    Errands,
    /// 警情台账.
    #[serde(alias = "警情台账")]
    Incidents,
    /// 群防群治力量台账: volunteers on duty (in the month).
    #[serde(alias = "群防群治力量台账")]
    Volunteers,
    /// 巡逻防控台账: patrols with their findings.
    #[serde(alias = "巡逻防控台账")]
    Patrols,
    /// 线索台账.
    #[serde(alias = "线索台账")]
    Leads,
    /// 隐患排查整改台账 (隐患清单 + 动态销号).
    #[serde(alias = "隐患排查整改台账")]
    Hazards,
    /// 宣传活动台账, with totals per village on a second sheet.
    #[serde(alias = "宣传活动台账")]
    Outreach,
    /// 意见建议台账 (意见箱, 警民恳谈).
    #[serde(alias = "意见建议台账")]
    Feedback,
    /// 五无村（社区）创建台账: one row per village for a year.
    #[serde(alias = "五无村（社区）创建台账")]
    FiveNones,
}

impl LedgerKind {
    /// Every ledger.
    pub const ALL: [LedgerKind; 12] = [
        LedgerKind::Households,
        LedgerKind::Disputes,
        LedgerKind::FollowUps,
        LedgerKind::Errands,
        LedgerKind::Incidents,
        LedgerKind::Volunteers,
        LedgerKind::Patrols,
        LedgerKind::Leads,
        LedgerKind::Hazards,
        LedgerKind::Outreach,
        LedgerKind::Feedback,
        LedgerKind::FiveNones,
    ];

    /// The ledger's Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            LedgerKind::Households => "实有人口台账",
            LedgerKind::Disputes => "矛盾纠纷调解台账",
            LedgerKind::FollowUps => "回访台账",
            LedgerKind::Errands => "代办台账",
            LedgerKind::Incidents => "警情台账",
            LedgerKind::Volunteers => "群防群治力量台账",
            LedgerKind::Patrols => "巡逻防控台账",
            LedgerKind::Leads => "线索台账",
            LedgerKind::Hazards => "隐患排查整改台账",
            LedgerKind::Outreach => "宣传活动台账",
            LedgerKind::Feedback => "意见建议台账",
            LedgerKind::FiveNones => "五无村（社区）创建台账",
        }
    }

    /// What the generated label table of the UI calls the kind.
    pub const FIELD_LABEL: &'static str = "台账";

    /// The code (`disputes`), as the api and the CLI take it.
    pub fn as_str(self) -> &'static str {
        match self {
            LedgerKind::Households => "households",
            LedgerKind::Disputes => "disputes",
            LedgerKind::FollowUps => "follow_ups",
            LedgerKind::Errands => "errands",
            LedgerKind::Incidents => "incidents",
            LedgerKind::Volunteers => "volunteers",
            LedgerKind::Patrols => "patrols",
            LedgerKind::Leads => "leads",
            LedgerKind::Hazards => "hazards",
            LedgerKind::Outreach => "outreach",
            LedgerKind::Feedback => "feedback",
            LedgerKind::FiveNones => "five_nones",
        }
    }

    /// Reads a code (`disputes`) or the Chinese name.
    pub fn parse(s: &str) -> Option<LedgerKind> {
        let s = s.trim();
        LedgerKind::ALL.into_iter().find(|k| s == k.label() || s == k.as_str())
    }
}

fn text(r: &Row<'_>, i: usize) -> rusqlite::Result<Cell> {
    Ok(Cell::from(r.get::<_, Option<String>>(i)?))
}

fn date(r: &Row<'_>, i: usize) -> rusqlite::Result<Cell> {
    Ok(r.get::<_, Option<String>>(i)?.as_deref().and_then(parse_date).map(Cell::Date).unwrap_or(Cell::Empty))
}

fn instant(r: &Row<'_>, i: usize) -> rusqlite::Result<Cell> {
    let s: Option<String> = r.get(i)?;
    Ok(s.as_deref()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|t| Cell::DateTime(t.with_timezone(&beijing()).naive_local()))
        .unwrap_or(Cell::Empty))
}

fn int(r: &Row<'_>, i: usize) -> rusqlite::Result<Cell> {
    Ok(r.get::<_, Option<i64>>(i)?.map(Cell::Int).unwrap_or(Cell::Empty))
}

/// A stored enum code shown as its Chinese label (unknown codes shown as stored).
fn label(r: &Row<'_>, i: usize, f: fn(&str) -> Option<&'static str>) -> rusqlite::Result<Cell> {
    let s: Option<String> = r.get(i)?;
    Ok(Cell::from(s.map(|s| f(&s).map(str::to_owned).unwrap_or(s))))
}

fn tags(r: &Row<'_>, i: usize) -> rusqlite::Result<Cell> {
    let list = crate::store::json_list(r.get(i)?);
    let shown: Vec<&str> = list.iter().map(|t| KnownTag::parse(t).map(KnownTag::label).unwrap_or(t)).collect();
    Ok(Cell::from(shown.join("、")))
}

/// The ledger `kind` as its sheets (the first is the ledger itself; outreach adds its
/// totals per village), optionally cut to `month` by the date the ledger is kept by:
/// intake, due date, request, occurrence, report, discovery or the event; volunteers by
/// the month they served in. The households ledger is never cut. The 五无 ledger is kept
/// by year: `year`, else the year of `month`, else this year.
pub fn sheets(
    conn: &Connection,
    kind: LedgerKind,
    month: Option<Month>,
    year: Option<i32>,
    today: chrono::NaiveDate,
) -> Result<Vec<Sheet>> {
    let (columns, rows, extra) = match kind {
        LedgerKind::Volunteers => {
            let (c, r) = prevention::volunteers(conn, month, today)?;
            (c, r, None)
        }
        LedgerKind::Patrols => {
            let (c, r) = prevention::patrols(conn, month)?;
            (c, r, None)
        }
        LedgerKind::Leads => {
            let (c, r) = prevention::leads(conn, month)?;
            (c, r, None)
        }
        LedgerKind::Hazards => {
            let (c, r) = prevention::hazards(conn, month, today)?;
            (c, r, None)
        }
        LedgerKind::Outreach => {
            let (c, r, totals) = prevention::outreach(conn, month)?;
            (c, r, Some(totals))
        }
        LedgerKind::Feedback => {
            let (c, r) = prevention::feedback(conn, month)?;
            (c, r, None)
        }
        LedgerKind::FiveNones => {
            let y = prevention::five_nones_year(year, month, today);
            let (columns, rows) = prevention::five_nones_rows(conn, y)?;
            return Ok(vec![Sheet { name: format!("五无村（社区）创建台账（{y}年）"), columns, rows }]);
        }
        _ => return Ok(vec![sheet(conn, kind, month, today)?]),
    };
    let mut out = vec![Sheet { name: sheet_name(kind, month), columns, rows }];
    out.extend(extra);
    Ok(out)
}

/// A ledger's sheet name: its label, with the month when cut to one.
fn sheet_name(kind: LedgerKind, month: Option<Month>) -> String {
    match month {
        Some(m) => format!("{}（{}）", kind.label(), m),
        None => kind.label().to_owned(),
    }
}

/// Bounds for stored dates (`YYYY-MM-DD`) in `month`, or bounds every date lies within.
fn date_bounds(month: Option<Month>) -> (String, String) {
    month.map(Month::date_bounds).unwrap_or_else(|| ("0000-00-00".into(), "9999-99-99".into()))
}

/// Bounds for stored instants (RFC 3339, UTC) in `month`, or bounds every instant lies within.
fn instant_bounds(month: Option<Month>) -> (String, String) {
    month.map(Month::instant_bounds).unwrap_or_else(|| ("0".into(), "9".into()))
}

/// One of the core ledgers (households, disputes, follow-ups, errands, incidents), optionally
/// cut to `month`.
fn sheet(conn: &Connection, kind: LedgerKind, month: Option<Month>, today: chrono::NaiveDate) -> Result<Sheet> {
    let (lo, hi) = date_bounds(month);
    let (ilo, ihi) = instant_bounds(month);
    let name = sheet_name(kind, month);
    let (columns, rows) = match kind {
        LedgerKind::Households => (
            vec![
                col("村（社区）", 14.0, Kind::Text),
                col("村民小组", 9.0, Kind::Text),
                col("住址", 26.0, Kind::Text),
                col("户主姓名", 10.0, Kind::Text),
                col("姓名", 10.0, Kind::Text),
                col("与户主关系", 11.0, Kind::Text),
                col("性别", 6.0, Kind::Text),
                col("民族", 8.0, Kind::Text),
                col("出生日期", 12.0, Kind::Date),
                col("公民身份号码", 21.0, Kind::Text),
                col("联系电话", 14.0, Kind::Text),
                col("居住状态", 10.0, Kind::Text),
                col("标签", 18.0, Kind::Text),
                col("备注", 20.0, Kind::Text),
            ],
            conn.prepare(
                "SELECT v.name, g.name, h.address, hp.name, p.name, p.relation, p.sex, p.ethnicity, p.birth_date,
                        p.id_number, coalesce(p.phone, h.phone), p.residence, p.tags, p.notes
                 FROM household h
                 LEFT JOIN village v ON v.id = h.village_id
                 LEFT JOIN village_group g ON g.id = h.group_id
                 LEFT JOIN person hp ON hp.id = h.head_person_id AND hp.deleted_at IS NULL
                 JOIN person p ON p.household_id = h.id AND p.deleted_at IS NULL
                 WHERE h.deleted_at IS NULL
                 ORDER BY v.name, length(g.name), g.name, h.address, h.id, p.relation <> 'head', p.birth_date",
            )?
            .query_map([], |r| {
                Ok(vec![
                    text(r, 0)?,
                    text(r, 1)?,
                    text(r, 2)?,
                    text(r, 3)?,
                    text(r, 4)?,
                    label(r, 5, |s| Relation::parse(s).map(Relation::label))?,
                    label(r, 6, |s| Sex::parse(s).map(Sex::label))?,
                    text(r, 7)?,
                    date(r, 8)?,
                    text(r, 9)?,
                    text(r, 10)?,
                    label(r, 11, |s| Residence::parse(s).map(Residence::label))?,
                    tags(r, 12)?,
                    text(r, 13)?,
                ])
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?,
        ),
        LedgerKind::Disputes => (
            vec![
                col("受理日期", 12.0, Kind::Date),
                col("纠纷名称", 24.0, Kind::Text),
                col("纠纷类型", 14.0, Kind::Text),
                col("等级", 8.0, Kind::Text),
                col("来源", 11.0, Kind::Text),
                col("所属村", 12.0, Kind::Text),
                col("当事人", 22.0, Kind::Text),
                col("涉及金额（元）", 13.0, Kind::Money),
                col("调解类型", 10.0, Kind::Text),
                col("调解次数", 9.0, Kind::Int),
                col("最后调解层级", 12.0, Kind::Text),
                col("状态", 12.0, Kind::Text),
                col("协议类型", 14.0, Kind::Text),
                col("协议书编号", 22.0, Kind::Text),
                col("履行期限", 12.0, Kind::Date),
                col("履行日期", 12.0, Kind::Date),
                col("移交去向", 14.0, Kind::Text),
                col("责任民警", 10.0, Kind::Text),
                col("结案日期", 12.0, Kind::Date),
            ],
            conn.prepare(
                "SELECT d.received_on, d.title, d.kind, d.grade, d.source, v.name,
                        (SELECT group_concat(name, '、') FROM (SELECT name FROM party
                           WHERE dispute_id = d.id AND deleted_at IS NULL ORDER BY sort, id)),
                        d.amount_involved, d.track,
                        (SELECT count(*) FROM mediation WHERE dispute_id = d.id AND deleted_at IS NULL),
                        (SELECT level FROM mediation WHERE dispute_id = d.id AND deleted_at IS NULL
                           ORDER BY held_on DESC, id DESC LIMIT 1),
                        d.status, a.kind, a.number, a.performance_deadline, a.fulfilled_on, d.referred_to, o.name,
                        d.closed_on
                 FROM dispute d
                 LEFT JOIN village v ON v.id = d.village_id
                 LEFT JOIN officer o ON o.id = d.officer_id
                 LEFT JOIN agreement a ON a.id = (SELECT id FROM agreement WHERE dispute_id = d.id
                     AND deleted_at IS NULL ORDER BY finalised_at IS NULL, finalised_at DESC, id DESC LIMIT 1)
                 WHERE d.deleted_at IS NULL AND d.received_on >= ?1 AND d.received_on < ?2
                 ORDER BY d.received_on, d.id",
            )?
            .query_map([&lo, &hi], |r| {
                Ok(vec![
                    date(r, 0)?,
                    text(r, 1)?,
                    label(r, 2, |s| DisputeKind::parse(s).map(DisputeKind::label))?,
                    label(r, 3, |s| Grade::parse(s).map(Grade::label))?,
                    label(r, 4, |s| DisputeSource::parse(s).map(DisputeSource::label))?,
                    text(r, 5)?,
                    text(r, 6)?,
                    int(r, 7)?,
                    label(r, 8, |s| Track::parse(s).map(Track::label))?,
                    int(r, 9)?,
                    label(r, 10, |s| MediationLevel::parse(s).map(MediationLevel::label))?,
                    label(r, 11, |s| DisputeStatus::parse(s).map(DisputeStatus::label))?,
                    label(r, 12, |s| AgreementKind::parse(s).map(AgreementKind::label))?,
                    text(r, 13)?,
                    date(r, 14)?,
                    date(r, 15)?,
                    text(r, 16)?,
                    text(r, 17)?,
                    date(r, 18)?,
                ])
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?,
        ),
        LedgerKind::FollowUps => {
            let today_s = today.format("%Y-%m-%d").to_string();
            (
                vec![
                    col("应回访日期", 12.0, Kind::Date),
                    col("回访日期", 12.0, Kind::Date),
                    col("回访状态", 10.0, Kind::Text),
                    col("纠纷名称", 24.0, Kind::Text),
                    col("所属村", 12.0, Kind::Text),
                    col("协议书编号", 22.0, Kind::Text),
                    col("回访民警", 10.0, Kind::Text),
                    col("协议是否履行", 12.0, Kind::Text),
                    col("满意度", 10.0, Kind::Text),
                    col("新的风险", 24.0, Kind::Text),
                    col("备注", 24.0, Kind::Text),
                ],
                conn.prepare(
                    "SELECT f.due_on, f.done_on,
                            CASE WHEN f.done_on IS NOT NULL THEN '已回访' WHEN f.due_on < ?3 THEN '逾期未回访'
                                 ELSE '待回访' END,
                            d.title, v.name, a.number, o.name,
                            CASE f.held WHEN 1 THEN '是' WHEN 0 THEN '否' END, f.satisfaction, f.new_risks, f.notes
                     FROM follow_up f
                     LEFT JOIN dispute d ON d.id = f.dispute_id
                     LEFT JOIN village v ON v.id = d.village_id
                     LEFT JOIN agreement a ON a.id = f.agreement_id
                     LEFT JOIN officer o ON o.id = f.officer_id
                     WHERE f.deleted_at IS NULL AND f.due_on >= ?1 AND f.due_on < ?2
                     ORDER BY f.due_on, f.id",
                )?
                .query_map([&lo, &hi, &today_s], |r| {
                    Ok(vec![
                        date(r, 0)?,
                        date(r, 1)?,
                        text(r, 2)?,
                        text(r, 3)?,
                        text(r, 4)?,
                        text(r, 5)?,
                        text(r, 6)?,
                        text(r, 7)?,
                        text(r, 8)?,
                        text(r, 9)?,
                        text(r, 10)?,
                    ])
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?,
            )
        }
        LedgerKind::Errands => {
            let today_s = today.format("%Y-%m-%d").to_string();
            (
                vec![
                    col("受理日期", 12.0, Kind::Date),
                    col("申请人", 10.0, Kind::Text),
                    col("联系电话", 14.0, Kind::Text),
                    col("事项类别", 14.0, Kind::Text),
                    col("服务事项", 22.0, Kind::Text),
                    col("方式", 8.0, Kind::Text),
                    col("状态", 9.0, Kind::Text),
                    col("办理期限", 12.0, Kind::Date),
                    col("办结日期", 12.0, Kind::Date),
                    col("是否逾期", 9.0, Kind::Text),
                    col("送达方式", 10.0, Kind::Text),
                    col("寄递单号", 18.0, Kind::Text),
                    col("送达日期", 12.0, Kind::Date),
                    col("经办民警", 10.0, Kind::Text),
                    col("备注", 24.0, Kind::Text),
                ],
                conn.prepare(
                    "SELECT e.requested_on, e.applicant_name, e.applicant_phone, s.category, s.name, e.mode, e.status,
                            e.due_on, e.done_on,
                            CASE WHEN e.status = 'cancelled' THEN NULL
                                 WHEN coalesce(e.done_on, ?3) > e.due_on THEN '逾期' ELSE '否' END,
                            e.delivery_method, e.tracking_no, e.delivered_on, o.name, e.notes
                     FROM errand e
                     LEFT JOIN service_item s ON s.id = e.service_item_id
                     LEFT JOIN officer o ON o.id = e.officer_id
                     WHERE e.deleted_at IS NULL AND e.requested_on >= ?1 AND e.requested_on < ?2
                     ORDER BY e.requested_on, e.id",
                )?
                .query_map([&lo, &hi, &today_s], |r| {
                    Ok(vec![
                        date(r, 0)?,
                        text(r, 1)?,
                        text(r, 2)?,
                        text(r, 3)?,
                        text(r, 4)?,
                        label(r, 5, |s| ErrandMode::parse(s).map(ErrandMode::label))?,
                        label(r, 6, |s| ErrandStatus::parse(s).map(ErrandStatus::label))?,
                        date(r, 7)?,
                        date(r, 8)?,
                        text(r, 9)?,
                        label(r, 10, |s| DeliveryMethod::parse(s).map(DeliveryMethod::label))?,
                        text(r, 11)?,
                        date(r, 12)?,
                        text(r, 13)?,
                        text(r, 14)?,
                    ])
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?,
            )
        }
        LedgerKind::Incidents => (
            vec![
                col("发生时间", 17.0, Kind::DateTime),
                col("报警时间", 17.0, Kind::DateTime),
                col("地点", 22.0, Kind::Text),
                col("所属村", 12.0, Kind::Text),
                col("警情类别", 11.0, Kind::Text),
                col("报警人", 10.0, Kind::Text),
                col("报警人电话", 14.0, Kind::Text),
                col("涉及人员", 16.0, Kind::Text),
                col("简要情况", 30.0, Kind::Text),
                col("处置情况", 24.0, Kind::Text),
                col("处置结果", 10.0, Kind::Text),
                col("案件编号", 16.0, Kind::Text),
                col("处警民警", 10.0, Kind::Text),
            ],
            conn.prepare(
                "SELECT i.occurred_at, i.reported_at, i.place, v.name, i.kind, i.reporter_name, i.reporter_phone,
                        i.people, i.summary, i.handling, i.disposition, i.case_no, o.name
                 FROM incident i
                 LEFT JOIN village v ON v.id = i.village_id
                 LEFT JOIN officer o ON o.id = i.officer_id
                 WHERE i.deleted_at IS NULL AND i.occurred_at >= ?1 AND i.occurred_at < ?2
                 ORDER BY i.occurred_at, i.id",
            )?
            .query_map([&ilo, &ihi], |r| {
                Ok(vec![
                    instant(r, 0)?,
                    instant(r, 1)?,
                    text(r, 2)?,
                    text(r, 3)?,
                    label(r, 4, |s| IncidentKind::parse(s).map(IncidentKind::label))?,
                    text(r, 5)?,
                    text(r, 6)?,
                    text(r, 7)?,
                    text(r, 8)?,
                    text(r, 9)?,
                    label(r, 10, |s| Disposition::parse(s).map(Disposition::label))?,
                    text(r, 11)?,
                    text(r, 12)?,
                ])
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?,
        ),
        _ => return Err(crate::error::Error::validation("kind", format!("{}不是基础台账", kind.label()))),
    };
    Ok(Sheet { name, columns, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_read_back() {
        for k in LedgerKind::ALL {
            assert_eq!(
                serde_json::to_value(k).ok().and_then(|v| v.as_str().map(str::to_owned)).as_deref(),
                Some(k.as_str())
            );
            assert_eq!(LedgerKind::parse(k.as_str()), Some(k));
            assert_eq!(LedgerKind::parse(k.label()), Some(k));
            let from_label: LedgerKind = serde_json::from_value(serde_json::json!(k.label())).expect("alias");
            assert_eq!(from_label, k);
        }
        assert_eq!(LedgerKind::parse("账本"), None);
    }
}
