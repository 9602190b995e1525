//! 表彰奖励: nominations of residents for the county's 见义勇为 award (rescue, helping catch
//! a suspect), decided by the county's 见义勇为基金会, and for the station's own 好人 award,
//! decided by the station. A nomination says who, what they did and when, may link the
//! incident or dispute it came from, and carries the decision, the amount (fen) and the day
//! it was paid.
//!
//! The rules are pure: [`check_award`] judges a nomination as a whole, whatever step
//! changed it (recorded, corrected, decided, paid), and [`month_of`] adds up a month's
//! figures beside the 隐患 rewards (网格红包).

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::validate::show_fen;
use crate::model::{AwardDecision, AwardKind};

/// The largest amount one award may carry: 100,000 元 (a 见义勇为 award for a life saved
/// at risk of one's own is the county foundation's largest).
pub const AWARD_MAX_FEN: i64 = 10_000_000;

/// Who decides an award of `kind` when the form names nobody.
pub fn default_decided_by(kind: AwardKind) -> &'static str {
    match kind {
        AwardKind::Valor => "县见义勇为基金会",
        AwardKind::GoodPerson => "派出所",
    }
}

/// `award.create`: a nomination as the form sends it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct AwardInput {
    /// 奖励类别: valor (见义勇为) or good_person (好人).
    #[schemars(title = "奖励类别")]
    pub kind: Option<AwardKind>,
    /// 被提名人 (a registered resident).
    pub person_id: Option<String>,
    /// 被提名人姓名 (when not registered).
    pub name: Option<String>,
    /// 村（社区） (default the resident's household's).
    pub village_id: Option<String>,
    /// 事迹.
    #[schemars(title = "事迹")]
    pub deed: String,
    /// 事迹发生日期.
    #[schemars(title = "事迹发生日期")]
    pub deed_on: String,
    /// 关联警情.
    pub incident_id: Option<String>,
    /// 关联纠纷.
    pub dispute_id: Option<String>,
    /// 提名日期 (default today).
    pub nominated_on: Option<String>,
    /// 备注.
    pub notes: Option<String>,
}

/// What [`check_award`] judges: a nomination's decision, amount and dates, parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AwardState {
    /// 事迹发生日期.
    pub deed_on: NaiveDate,
    /// 提名日期.
    pub nominated_on: NaiveDate,
    /// 审批结果.
    pub decision: AwardDecision,
    /// 审批日期.
    pub decided_on: Option<NaiveDate>,
    /// 奖励金额（分）.
    pub amount_fen: i64,
    /// 发放日期.
    pub paid_on: Option<NaiveDate>,
}

/// A nomination holds together on `today`: the deed comes no later than the nomination,
/// which is not in the future; a decision is dated from the nomination to today (a pending
/// one has no date); an amount comes only with approval, within [`AWARD_MAX_FEN`]; a
/// payment needs approval and an amount, and is dated from the decision to today.
pub fn check_award(a: &AwardState, today: NaiveDate) -> Result<()> {
    let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    if a.nominated_on > today {
        return Err(Error::validation("nominated_on", "提名日期不能晚于今天"));
    }
    if a.deed_on > a.nominated_on {
        return Err(Error::validation("deed_on", format!("事迹发生日期不能晚于提名日期 {}", day(a.nominated_on))));
    }
    match (a.decision, a.decided_on) {
        (AwardDecision::Pending, Some(_)) => {
            return Err(Error::validation("decided_on", "尚未审批，不能填写审批日期"));
        }
        (AwardDecision::Approved | AwardDecision::Declined, None) => {
            return Err(Error::validation("decided_on", "请填写审批日期"));
        }
        (_, Some(d)) if d < a.nominated_on => {
            return Err(Error::validation("decided_on", format!("审批日期不能早于提名日期 {}", day(a.nominated_on))));
        }
        (_, Some(d)) if d > today => return Err(Error::validation("decided_on", "审批日期不能晚于今天")),
        _ => {}
    }
    if a.paid_on.is_some() && a.decision != AwardDecision::Approved {
        return Err(Error::rule(format!("审批结果为“{}”，批准后才能登记发放", a.decision.label())));
    }
    if a.amount_fen < 0 || a.amount_fen > AWARD_MAX_FEN {
        return Err(Error::validation(
            "amount_fen",
            format!("奖励金额应在0元至{}元之间", show_fen(AWARD_MAX_FEN).trim_end_matches(".00")),
        ));
    }
    if a.amount_fen > 0 && a.decision != AwardDecision::Approved {
        return Err(Error::validation(
            "amount_fen",
            format!("审批结果为“{}”，批准后才能填写奖励金额", a.decision.label()),
        ));
    }
    if let Some(p) = a.paid_on {
        if a.amount_fen == 0 {
            return Err(Error::validation("amount_fen", "登记发放须先填写奖励金额"));
        }
        if a.decided_on.is_some_and(|d| p < d) {
            return Err(Error::validation(
                "paid_on",
                format!("发放日期不能早于审批日期 {}", day(a.decided_on.unwrap_or(p))),
            ));
        }
        if p > today {
            return Err(Error::validation("paid_on", "发放日期不能晚于今天"));
        }
    }
    Ok(())
}

/// A month's figures for one kind of award, or for both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AwardFigures {
    /// 提名（人）: nominations made in the month.
    pub nominated: i64,
    /// 批准（人）: nominations approved in the month.
    pub approved: i64,
    /// 发放（人）: awards paid in the month.
    pub paid: i64,
    /// 发放金额（分）: paid in the month.
    pub paid_fen: i64,
}

/// The month's 表彰奖励 figures beside the 隐患 rewards (网格红包), and what both paid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AwardMonth {
    /// 见义勇为.
    pub valor: AwardFigures,
    /// 好人.
    pub good_person: AwardFigures,
    /// Both kinds.
    pub total: AwardFigures,
    /// 隐患奖励（网格红包）发放（分）: as `prevention.month`'s `rewards_fen`.
    pub grid_rewards_fen: i64,
    /// 合计发放（分）: awards and 网格红包.
    pub all_paid_fen: i64,
}

/// One nomination as the month's figures see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AwardFact {
    /// 类别.
    pub kind: AwardKind,
    /// 提名日期.
    pub nominated_on: NaiveDate,
    /// 审批结果.
    pub decision: AwardDecision,
    /// 审批日期.
    pub decided_on: Option<NaiveDate>,
    /// 奖励金额（分）.
    pub amount_fen: i64,
    /// 发放日期.
    pub paid_on: Option<NaiveDate>,
}

/// The figures of the month `[first, last]`: each nomination counts where its own date
/// falls (nominated, approved, paid), and `grid_rewards_fen` (网格红包 paid in the month)
/// joins the total paid.
pub fn month_of(facts: &[AwardFact], first: NaiveDate, last: NaiveDate, grid_rewards_fen: i64) -> AwardMonth {
    let within = |d: Option<NaiveDate>| d.is_some_and(|d| first <= d && d <= last);
    let mut m = AwardMonth { grid_rewards_fen, ..Default::default() };
    for f in facts {
        let paid = f.decision == AwardDecision::Approved && within(f.paid_on);
        let add = AwardFigures {
            nominated: i64::from(within(Some(f.nominated_on))),
            approved: i64::from(f.decision == AwardDecision::Approved && within(f.decided_on)),
            paid: i64::from(paid),
            paid_fen: if paid { f.amount_fen } else { 0 },
        };
        let kind = match f.kind {
            AwardKind::Valor => &mut m.valor,
            AwardKind::GoodPerson => &mut m.good_person,
        };
        for fig in [kind, &mut m.total] {
            fig.nominated += add.nominated;
            fig.approved += add.approved;
            fig.paid += add.paid;
            fig.paid_fen += add.paid_fen;
        }
    }
    m.all_paid_fen = m.total.paid_fen + grid_rewards_fen;
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use AwardDecision as D;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_nomination_holds_together() {
        let today = d("2026-11-23");
        let ok = AwardState {
            deed_on: d("2026-11-02"),
            nominated_on: d("2026-11-05"),
            decision: D::Approved,
            decided_on: Some(d("2026-11-10")),
            amount_fen: 200_000,
            paid_on: Some(d("2026-11-12")),
        };
        let pending = AwardState { decision: D::Pending, decided_on: None, amount_fen: 0, paid_on: None, ..ok };
        // (what changes, the field refused or None, a part of the message)
        type Case = (&'static str, AwardState, Option<&'static str>, &'static str);
        let cases: Vec<Case> = vec![
            ("approved and paid", ok, None, ""),
            ("pending", pending, None, ""),
            ("approved, no money (an honour)", AwardState { amount_fen: 0, paid_on: None, ..ok }, None, ""),
            ("approved, not yet paid", AwardState { paid_on: None, ..ok }, None, ""),
            ("declined", AwardState { decision: D::Declined, amount_fen: 0, paid_on: None, ..ok }, None, ""),
            ("deed the day of nomination", AwardState { deed_on: d("2026-11-05"), ..pending }, None, ""),
            ("paid the day of decision", AwardState { paid_on: Some(d("2026-11-10")), ..ok }, None, ""),
            ("paid today", AwardState { paid_on: Some(today), ..ok }, None, ""),
            ("the largest amount", AwardState { amount_fen: AWARD_MAX_FEN, ..ok }, None, ""),
            (
                "deed after nomination",
                AwardState { deed_on: d("2026-11-06"), ..pending },
                Some("deed_on"),
                "事迹发生日期不能晚于提名日期 2026-11-05",
            ),
            (
                "nominated tomorrow",
                AwardState { nominated_on: d("2026-11-24"), ..pending },
                Some("nominated_on"),
                "提名日期不能晚于今天",
            ),
            (
                "amount while pending",
                AwardState { amount_fen: 100, ..pending },
                Some("amount_fen"),
                "审批结果为“待审”，批准后才能填写奖励金额",
            ),
            (
                "amount when declined",
                AwardState { decision: D::Declined, amount_fen: 100, paid_on: None, ..ok },
                Some("amount_fen"),
                "批准后才能填写奖励金额",
            ),
            (
                "paid while pending",
                AwardState { paid_on: Some(d("2026-11-12")), ..pending },
                None,
                "批准后才能登记发放",
            ),
            ("paid and declined", AwardState { decision: D::Declined, ..ok }, None, "批准后才能登记发放"),
            (
                "paid without an amount",
                AwardState { amount_fen: 0, ..ok },
                Some("amount_fen"),
                "登记发放须先填写奖励金额",
            ),
            (
                "paid before the decision",
                AwardState { paid_on: Some(d("2026-11-09")), ..ok },
                Some("paid_on"),
                "发放日期不能早于审批日期 2026-11-10",
            ),
            (
                "paid tomorrow",
                AwardState { paid_on: Some(d("2026-11-24")), ..ok },
                Some("paid_on"),
                "发放日期不能晚于今天",
            ),
            (
                "too much",
                AwardState { amount_fen: AWARD_MAX_FEN + 1, ..ok },
                Some("amount_fen"),
                "奖励金额应在0元至100,000元之间",
            ),
            ("negative", AwardState { amount_fen: -1, ..ok }, Some("amount_fen"), "奖励金额应在0元至100,000元之间"),
            (
                "decided, no date",
                AwardState { decided_on: None, paid_on: None, ..ok },
                Some("decided_on"),
                "请填写审批日期",
            ),
            (
                "pending with a date",
                AwardState { decided_on: Some(d("2026-11-10")), ..pending },
                Some("decided_on"),
                "尚未审批",
            ),
            (
                "decided before nomination",
                AwardState { decided_on: Some(d("2026-11-04")), paid_on: None, ..ok },
                Some("decided_on"),
                "审批日期不能早于提名日期 2026-11-05",
            ),
            (
                "decided tomorrow",
                AwardState { decided_on: Some(d("2026-11-24")), paid_on: None, ..ok },
                Some("decided_on"),
                "审批日期不能晚于今天",
            ),
        ];
        for (what, state, field, message) in cases {
            match (check_award(&state, today), message) {
                (Ok(()), "") => {}
                (Err(e), m) if !m.is_empty() => {
                    assert!(e.to_string().contains(m), "{what}: {e}");
                    assert_eq!(e.field(), field, "{what}: {e}");
                }
                (got, _) => panic!("{what}: got {got:?}, want {message:?}"),
            }
        }
    }

    #[test]
    fn each_nomination_counts_in_the_month_of_each_of_its_dates() {
        let fact = |kind, nominated: &str, decision, decided: Option<&str>, fen, paid: Option<&str>| AwardFact {
            kind,
            nominated_on: d(nominated),
            decision,
            decided_on: decided.map(d),
            amount_fen: fen,
            paid_on: paid.map(d),
        };
        let facts = [
            // Nominated in October, approved and paid in November.
            fact(AwardKind::Valor, "2026-10-28", D::Approved, Some("2026-11-03"), 200_000, Some("2026-11-10")),
            // Nominated and approved in November, paid in December.
            fact(AwardKind::Valor, "2026-11-02", D::Approved, Some("2026-11-20"), 100_000, Some("2026-12-01")),
            // 好人: nominated, approved and paid in November.
            fact(AwardKind::GoodPerson, "2026-11-05", D::Approved, Some("2026-11-06"), 20_000, Some("2026-11-06")),
            // Declined in November; pending from November.
            fact(AwardKind::GoodPerson, "2026-11-07", D::Declined, Some("2026-11-09"), 0, None),
            fact(AwardKind::GoodPerson, "2026-11-30", D::Pending, None, 0, None),
            // All in December.
            fact(AwardKind::GoodPerson, "2026-12-01", D::Approved, Some("2026-12-01"), 50_000, Some("2026-12-01")),
        ];
        let m = month_of(&facts, d("2026-11-01"), d("2026-11-30"), 2_000);
        let fig = |nominated, approved, paid, paid_fen| AwardFigures { nominated, approved, paid, paid_fen };
        assert_eq!(m.valor, fig(1, 2, 1, 200_000));
        assert_eq!(m.good_person, fig(3, 1, 1, 20_000));
        assert_eq!(m.total, fig(4, 3, 2, 220_000));
        assert_eq!((m.grid_rewards_fen, m.all_paid_fen), (2_000, 222_000));
        assert_eq!(month_of(&[], d("2026-11-01"), d("2026-11-30"), 0), AwardMonth::default());
    }
}
