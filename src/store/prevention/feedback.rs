//! Residents' suggestions and complaints (意见箱, 警民恳谈) and the post's answers: owns the
//! `feedback` table.

use rusqlite::{Connection, OptionalExtension, Row};
use schemars::JsonSchema;
use serde::Serialize;

use super::{check_officer, check_village};
use crate::error::{Error, Result};
use crate::model::FeedbackChannel;
use crate::model::people::{opt_phone, up_to_today};
use crate::model::prevention::{FeedbackInput, check_feedback_open};
use crate::model::validate::{person_name, required};
use crate::store::Tx;
use crate::store::from_row;
use crate::store::ledger::{Ledger, Show, column};
use crate::store::write::{date, v};

/// A resident's suggestion and the post's answer.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Feedback {
    /// Row id.
    pub id: String,
    /// 收到日期.
    pub received_on: String,
    /// 渠道.
    pub channel: FeedbackChannel,
    /// 内容.
    pub content: String,
    /// 反映人.
    pub from_name: Option<String>,
    /// 反映人电话.
    pub from_phone: Option<String>,
    /// 村（社区）.
    pub village_id: Option<String>,
    /// 答复.
    pub answer: Option<String>,
    /// 答复日期.
    pub answered_on: Option<String>,
    /// 答复民警.
    pub officer_id: Option<String>,
    /// 已办结.
    pub closed: bool,
}

impl Feedback {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Feedback> {
        Ok(from_row!(r => Feedback {
            id, received_on, channel, content, from_name, from_phone, village_id, answer, answered_on,
            officer_id, closed,
        }))
    }
}

/// Records feedback.
pub fn create_feedback(tx: &mut Tx<'_>, i: FeedbackInput) -> Result<String> {
    let on = up_to_today("received_on", "收到日期", i.received_on.as_deref(), tx.today())?;
    check_village(tx.conn(), i.village_id.as_deref())?;
    let from = i
        .from_name
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|n| person_name("from_name", "反映人姓名", n))
        .transpose()?;
    let id = tx.new_id();
    tx.insert(
        "feedback",
        &id,
        &[
            ("received_on", date(on)),
            ("channel", v(i.channel)),
            ("content", v(required("content", "意见内容", &i.content, 4000)?)),
            ("from_name", v(from)),
            ("from_phone", v(opt_phone("from_phone", i.from_phone.as_deref())?)),
            ("village_id", v(i.village_id)),
            ("closed", v(false)),
        ],
    )?;
    Ok(id)
}

/// Answers feedback (and closes it when `close`).
pub fn answer_feedback(tx: &mut Tx<'_>, id: &str, answer: &str, officer_id: Option<&str>, close: bool) -> Result<()> {
    let closed: bool = tx
        .conn()
        .query_row("SELECT closed FROM feedback WHERE id = ?1 AND deleted_at IS NULL", [id], |r| r.get("closed"))
        .optional()?
        .ok_or_else(|| Error::not_found("意见", id))?;
    check_feedback_open(closed)?;
    check_officer(tx.conn(), officer_id)?;
    let answer = required("answer", "答复内容", answer, 4000)?;
    let today = tx.today();
    tx.update(
        "feedback",
        id,
        &[
            ("answer", v(answer)),
            ("answered_on", date(today)),
            ("officer_id", v(officer_id.map(str::to_owned))),
            ("closed", v(close)),
        ],
    )?;
    Ok(())
}

/// Feedback, newest first; `open_only` keeps what is not yet closed.
pub fn list_feedback(conn: &Connection, open_only: bool) -> Result<Vec<Feedback>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, received_on, channel, content, from_name, from_phone, village_id, answer, answered_on, officer_id, closed
         FROM feedback WHERE deleted_at IS NULL AND (?1 = 0 OR closed = 0) ORDER BY received_on DESC, id DESC",
    )?;
    Ok(stmt.query_map([open_only], Feedback::from_row)?.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// A month's feedback (`[from, to)` dates): received and answered.
pub(super) fn month(conn: &Connection, from: &str, to: &str) -> Result<(i64, i64)> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(sum(received_on >= ?1 AND received_on < ?2), 0) AS received,
                    coalesce(sum(answered_on >= ?1 AND answered_on < ?2), 0) AS answered
             FROM feedback WHERE deleted_at IS NULL",
        )?
        .query_row([from, to], |r| Ok((r.get("received")?, r.get("answered")?)))?)
}

/// 意见建议台账: the views received in `[:from, :to)` (意见箱, 警民恳谈…) and the answers.
pub const LEDGER: Ledger = Ledger {
    columns: &[
        column("收到日期", 12.0, "f.received_on", Show::Date),
        column("收集渠道", 10.0, "f.channel", Show::Label(|s| FeedbackChannel::parse(s).map(FeedbackChannel::label))),
        column("所属村（社区）", 14.0, "vg.name", Show::Text),
        column("反映人", 10.0, "coalesce(f.from_name, '匿名')", Show::Text),
        column("联系电话", 14.0, "f.from_phone", Show::Text),
        column("意见建议内容", 34.0, "f.content", Show::Text),
        column("答复内容", 30.0, "f.answer", Show::Text),
        column("答复日期", 12.0, "f.answered_on", Show::Date),
        column("答复民警", 10.0, "o.name", Show::Text),
        column("是否办结", 9.0, "CASE WHEN f.closed = 1 THEN '是' ELSE '否' END", Show::Text),
    ],
    from: "FROM feedback f
           LEFT JOIN village vg ON vg.id = f.village_id
           LEFT JOIN officer o ON o.id = f.officer_id
           WHERE f.deleted_at IS NULL AND f.received_on >= :from AND f.received_on < :to
           ORDER BY f.received_on, f.id",
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::dispute::tests::post;

    #[test]
    fn closed_feedback_keeps_its_answer() {
        let (mut store, _dir) = post();
        let input = FeedbackInput {
            received_on: None,
            channel: FeedbackChannel::OpinionBox,
            content: "村口路灯不亮".into(),
            from_name: None,
            from_phone: None,
            village_id: None,
        };
        let id = store.write(|tx| create_feedback(tx, input)).unwrap();
        store.write(|tx| answer_feedback(tx, &id, "已联系村委维修", None, true)).unwrap();
        let e = store.write(|tx| answer_feedback(tx, &id, "再次答复", None, false)).unwrap_err();
        assert_eq!(e.to_string(), "该意见已办结，不能再修改答复");
        let all = list_feedback(store.conn(), false).unwrap();
        assert_eq!((all[0].answer.as_deref(), all[0].closed), (Some("已联系村委维修"), true));
        assert!(list_feedback(store.conn(), true).unwrap().is_empty());
        assert_eq!(month(store.conn(), "2026-11-01", "2026-12-01").unwrap(), (1, 1));
    }
}
