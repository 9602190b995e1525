//! Errands (代办, 红色代办) and the service catalogue (服务事项): what the forms send, and
//! the rules of the work as pure functions over values.
//!
//! The lifecycle is 受理 `accepted` → 办理中 `in_progress` → 办结 `done` → 送达 `delivered`,
//! with 取消 `cancelled` open from the first two steps only; nothing leaves `delivered` or
//! `cancelled`. [`next`] decides a step, [`StepDetails::check`] what the step must carry,
//! [`is_overdue`] whether an errand has missed its due date. None of them reads the clock.

use chrono::{Duration, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::people::opt_phone;
use crate::model::validate::{person_name, required, text};
use crate::model::{DeliveryMethod, ErrandMode, ErrandStatus};

/// One step an officer takes on an errand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrandAction {
    /// 开始办理: accepted → in_progress.
    Start,
    /// 办结: in_progress → done.
    Finish,
    /// 送达 (寄递 or 当面交付): done → delivered.
    Deliver,
    /// 取消: accepted or in_progress → cancelled.
    Cancel,
}

impl ErrandAction {
    /// Every action.
    pub const ALL: &'static [ErrandAction] =
        &[ErrandAction::Start, ErrandAction::Finish, ErrandAction::Deliver, ErrandAction::Cancel];

    /// The action that leads to `to`, if any does (nothing leads back to `accepted`).
    pub fn toward(to: ErrandStatus) -> Option<ErrandAction> {
        match to {
            ErrandStatus::Accepted => None,
            ErrandStatus::InProgress => Some(ErrandAction::Start),
            ErrandStatus::Done => Some(ErrandAction::Finish),
            ErrandStatus::Delivered => Some(ErrandAction::Deliver),
            ErrandStatus::Cancelled => Some(ErrandAction::Cancel),
        }
    }

    /// The Chinese name of the step.
    pub fn label(self) -> &'static str {
        match self {
            ErrandAction::Start => "开始办理",
            ErrandAction::Finish => "办结",
            ErrandAction::Deliver => "送达",
            ErrandAction::Cancel => "取消",
        }
    }
}

/// The status an errand in `status` moves to when `action` is taken, or a rule refusal
/// that says why not.
pub fn next(status: ErrandStatus, action: ErrandAction) -> Result<ErrandStatus> {
    use ErrandAction as A;
    use ErrandStatus as S;
    match (status, action) {
        (S::Accepted, A::Start) => Ok(S::InProgress),
        (S::InProgress, A::Finish) => Ok(S::Done),
        (S::Done, A::Deliver) => Ok(S::Delivered),
        (S::Accepted | S::InProgress, A::Cancel) => Ok(S::Cancelled),
        (S::Delivered | S::Cancelled, _) => {
            Err(Error::rule(format!("代办{}，不能再{}", status.label(), action.label())))
        }
        (S::Done, A::Cancel) => Err(Error::rule("代办已办结，不能取消；请办理送达")),
        _ => Err(Error::rule(format!(
            "代办当前为“{}”，不能直接{}；下一步应为“{}”",
            status.label(),
            action.label(),
            expected_step(status).map_or("无", ErrandAction::label)
        ))),
    }
}

/// The step that normally follows `status` (cancellation aside).
pub fn expected_step(status: ErrandStatus) -> Option<ErrandAction> {
    match status {
        ErrandStatus::Accepted => Some(ErrandAction::Start),
        ErrandStatus::InProgress => Some(ErrandAction::Finish),
        ErrandStatus::Done => Some(ErrandAction::Deliver),
        ErrandStatus::Delivered | ErrandStatus::Cancelled => None,
    }
}

/// Whether an errand is still open: the resident is waiting on the post.
pub fn is_open(status: ErrandStatus) -> bool {
    matches!(status, ErrandStatus::Accepted | ErrandStatus::InProgress)
}

/// Overdue: not yet done and past its due date on `today`. A done errand waiting for
/// delivery is not overdue: the work was finished in time or not, and that is recorded.
///
/// The store's list filter (`status IN ('accepted','in_progress') AND due_on < today`)
/// says the same in SQL; a test there checks the two agree.
pub fn is_overdue(status: ErrandStatus, due_on: NaiveDate, today: NaiveDate) -> bool {
    is_open(status) && today > due_on
}

/// Whole days past the due date on `today` (0 when not overdue).
pub fn days_overdue(status: ErrandStatus, due_on: NaiveDate, today: NaiveDate) -> i64 {
    if is_overdue(status, due_on, today) { (today - due_on).num_days() } else { 0 }
}

/// The due date when none is entered: the request date plus the item's usual days
/// (calendar days, as the catalogue states them).
pub fn default_due(requested_on: NaiveDate, time_limit_days: Option<i64>) -> Option<NaiveDate> {
    time_limit_days.map(|d| requested_on + Duration::days(d.max(0)))
}

/// What a step carries besides its date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepDetails {
    /// 送达方式 (delivery only).
    pub delivery_method: Option<DeliveryMethod>,
    /// 快递单号 (mail only).
    pub tracking_no: Option<String>,
    /// 寄递地址 (mail only).
    pub delivery_address: Option<String>,
    /// 取消原因 (cancellation only).
    pub reason: Option<String>,
}

impl StepDetails {
    /// Checks and tidies what `action` requires: a delivery names its method, a mailed
    /// one its tracking number and address; a cancellation gives its reason. Details that
    /// do not belong to the step are refused rather than silently dropped.
    pub fn check(mut self, action: ErrandAction) -> Result<StepDetails> {
        self.tracking_no = text("tracking_no", "快递单号", self.tracking_no.as_deref(), 40)?;
        self.delivery_address = text("delivery_address", "寄递地址", self.delivery_address.as_deref(), 200)?;
        self.reason = text("reason", "取消原因", self.reason.as_deref(), 500)?;
        if action != ErrandAction::Deliver
            && (self.delivery_method.is_some() || self.tracking_no.is_some() || self.delivery_address.is_some())
        {
            let field = if self.delivery_method.is_some() { "delivery_method" } else { "tracking_no" };
            return Err(Error::validation(field, "只有送达时才填写送达方式、快递单号和寄递地址"));
        }
        match action {
            ErrandAction::Deliver => match self.delivery_method {
                None => return Err(Error::validation("delivery_method", "送达时请选择送达方式（寄递或当面交付）")),
                Some(DeliveryMethod::Mail) => {
                    let Some(no) = &self.tracking_no else {
                        return Err(Error::validation("tracking_no", "寄递送达必须填写快递单号"));
                    };
                    if no.chars().count() < 6 || !no.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                        return Err(Error::validation(
                            "tracking_no",
                            format!("快递单号“{no}”格式不对：应为6位以上的字母或数字"),
                        ));
                    }
                    if self.delivery_address.is_none() {
                        return Err(Error::validation("delivery_address", "寄递送达必须填写寄递地址"));
                    }
                }
                Some(DeliveryMethod::InPerson) => {
                    if self.tracking_no.is_some() {
                        return Err(Error::validation("tracking_no", "当面交付不需要填写快递单号"));
                    }
                }
            },
            ErrandAction::Cancel => {
                if self.reason.is_none() {
                    return Err(Error::validation("reason", "取消代办必须填写取消原因"));
                }
            }
            ErrandAction::Start | ErrandAction::Finish => {
                if self.reason.is_some() {
                    return Err(Error::validation("reason", "只有取消代办时才填写取消原因"));
                }
            }
        }
        Ok(self)
    }
}

/// Checks the date a step is taken on: not in the future, not before the previous step.
pub fn check_step_date(on: NaiveDate, previous: NaiveDate, today: NaiveDate) -> Result<()> {
    if on > today {
        return Err(Error::validation("on", "办理日期不能晚于今天"));
    }
    if on < previous {
        return Err(Error::validation(
            "on",
            format!("办理日期不能早于上一步的日期（{}）", previous.format("%Y-%m-%d")),
        ));
    }
    Ok(())
}

/// An entry of the service catalogue, as the form sends it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct ServiceItemInput {
    /// 大类, e.g. 居民身份证.
    #[schemars(title = "大类")]
    pub category: String,
    /// 事项名称, e.g. 居民身份证到期换领.
    #[schemars(title = "事项名称")]
    pub name: String,
    /// 事项说明.
    pub description: Option<String>,
    /// 所需材料.
    pub materials: Option<String>,
    /// 办理时限（天）: the usual days to complete; the default due date counts from it.
    pub time_limit_days: Option<i64>,
    /// 排序: smaller first (default: after the last item).
    pub sort: Option<i64>,
    /// 是否启用 (default yes); a disabled item takes no new errands.
    pub active: Option<bool>,
}

impl ServiceItemInput {
    /// Checks and tidies every field.
    pub fn validate(mut self) -> Result<ServiceItemInput> {
        self.category = required("category", "事项大类", &self.category, 20)?;
        self.name = required("name", "事项名称", &self.name, 40)?;
        self.description = text("description", "事项说明", self.description.as_deref(), 2000)?;
        self.materials = text("materials", "所需材料", self.materials.as_deref(), 1000)?;
        if let Some(d) = self.time_limit_days
            && !(0..=365).contains(&d)
        {
            return Err(Error::validation("time_limit_days", "办理时限应在0至365天之间"));
        }
        if let Some(s) = self.sort
            && !(0..=100_000).contains(&s)
        {
            return Err(Error::validation("sort", "排序应在0至100000之间"));
        }
        Ok(self)
    }
}

/// A new errand, as the form sends it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct ErrandInput {
    /// 办事群众 (a registered resident); name and phone default from them.
    pub person_id: Option<String>,
    /// 申请人姓名: required when no resident is chosen.
    pub applicant_name: Option<String>,
    /// 申请人联系电话.
    pub applicant_phone: Option<String>,
    /// 服务事项 (must exist and be enabled).
    #[schemars(title = "服务事项")]
    pub service_item_id: String,
    /// 代办方式: appointment, proxy or home_visit.
    #[schemars(title = "代办方式")]
    pub mode: ErrandMode,
    /// 受理日期 (default today).
    pub requested_on: Option<String>,
    /// 到期日期 (default: 受理日期 plus the item's 办理时限).
    pub due_on: Option<String>,
    /// 经办民警/辅警.
    pub officer_id: Option<String>,
    /// 备注.
    pub notes: Option<String>,
    /// 受理驿站: the service station where the request was collected.
    pub service_station_id: Option<String>,
    /// 受理的警务助理 (with the station).
    pub assistant_id: Option<String>,
}

impl ErrandInput {
    /// Checks the fields that need no lookup; the store fills defaults from the resident
    /// and the service item and checks references.
    pub fn validate(mut self) -> Result<ErrandInput> {
        self.person_id = self.person_id.filter(|s| !s.trim().is_empty());
        self.officer_id = self.officer_id.filter(|s| !s.trim().is_empty());
        self.service_station_id = self.service_station_id.filter(|s| !s.trim().is_empty());
        self.assistant_id = self.assistant_id.filter(|s| !s.trim().is_empty());
        crate::model::service_station::check_pair(self.service_station_id.as_deref(), self.assistant_id.as_deref())?;
        self.applicant_name = match self.applicant_name.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(n) => Some(person_name("applicant_name", "申请人姓名", n)?),
            None => None,
        };
        if self.person_id.is_none() && self.applicant_name.is_none() {
            return Err(Error::validation("applicant_name", "未选择登记人员时，申请人姓名不能为空"));
        }
        self.applicant_phone = opt_phone("applicant_phone", self.applicant_phone.as_deref())?;
        self.service_item_id = required("service_item_id", "服务事项", &self.service_item_id, 64)?;
        self.notes = text("notes", "备注", self.notes.as_deref(), 2000)?;
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ErrandAction as A;
    use ErrandStatus as S;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn every_status_and_action_pair_is_decided() {
        let cases = [
            (S::Accepted, A::Start, Some(S::InProgress)),
            (S::Accepted, A::Finish, None),
            (S::Accepted, A::Deliver, None),
            (S::Accepted, A::Cancel, Some(S::Cancelled)),
            (S::InProgress, A::Start, None),
            (S::InProgress, A::Finish, Some(S::Done)),
            (S::InProgress, A::Deliver, None),
            (S::InProgress, A::Cancel, Some(S::Cancelled)),
            (S::Done, A::Start, None),
            (S::Done, A::Finish, None),
            (S::Done, A::Deliver, Some(S::Delivered)),
            (S::Done, A::Cancel, None),
            (S::Delivered, A::Start, None),
            (S::Delivered, A::Finish, None),
            (S::Delivered, A::Deliver, None),
            (S::Delivered, A::Cancel, None),
            (S::Cancelled, A::Start, None),
            (S::Cancelled, A::Finish, None),
            (S::Cancelled, A::Deliver, None),
            (S::Cancelled, A::Cancel, None),
        ];
        assert_eq!(cases.len(), S::ALL.len() * A::ALL.len(), "every pair is listed");
        for (status, action, want) in cases {
            match (next(status, action), want) {
                (Ok(got), Some(want)) => assert_eq!(got, want, "{status:?} {action:?}"),
                (Err(e), None) => {
                    assert_eq!(e.code(), "rule", "{status:?} {action:?}");
                    assert!(e.to_string().contains(action.label()) || status == S::Done, "{e}");
                }
                (got, want) => panic!("{status:?} {action:?}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn refusals_say_what_the_next_step_is() {
        let e = next(S::Accepted, A::Deliver).unwrap_err();
        assert_eq!(e.to_string(), "代办当前为“已受理”，不能直接送达；下一步应为“开始办理”");
        let e = next(S::Delivered, A::Start).unwrap_err();
        assert_eq!(e.to_string(), "代办已送达，不能再开始办理");
    }

    #[test]
    fn only_open_errands_past_their_due_date_are_overdue() {
        let cases = [
            (S::Accepted, 20, 21, true),
            (S::InProgress, 20, 21, true),
            (S::Accepted, 20, 20, false),
            (S::InProgress, 22, 21, false),
            (S::Done, 20, 25, false),
            (S::Delivered, 20, 25, false),
            (S::Cancelled, 20, 25, false),
        ];
        for (status, due, today, want) in cases {
            assert_eq!(is_overdue(status, day(due), day(today)), want, "{status:?} due {due} on {today}");
        }
        assert_eq!(days_overdue(S::Accepted, day(20), day(23)), 3);
        assert_eq!(days_overdue(S::Done, day(20), day(23)), 0);
    }

    #[test]
    fn the_due_date_counts_the_items_days() {
        assert_eq!(default_due(day(3), Some(20)), Some(day(23)));
        assert_eq!(default_due(day(3), None), None);
    }

    #[test]
    fn a_step_carries_what_it_needs() {
        let mail = |no: Option<&str>, addr: Option<&str>| StepDetails {
            delivery_method: Some(DeliveryMethod::Mail),
            tracking_no: no.map(Into::into),
            delivery_address: addr.map(Into::into),
            reason: None,
        };
        let cases: Vec<(A, StepDetails, Option<&str>)> = vec![
            (A::Deliver, mail(Some("SF1234567890"), Some("青山村3组12号")), None),
            (A::Deliver, mail(None, Some("青山村3组12号")), Some("tracking_no")),
            (A::Deliver, mail(Some("  "), Some("青山村3组12号")), Some("tracking_no")),
            (A::Deliver, mail(Some("顺丰"), Some("青山村3组12号")), Some("tracking_no")),
            (A::Deliver, mail(Some("SF1234567890"), None), Some("delivery_address")),
            (A::Deliver, StepDetails::default(), Some("delivery_method")),
            (A::Deliver, StepDetails { delivery_method: Some(DeliveryMethod::InPerson), ..Default::default() }, None),
            (A::Cancel, StepDetails::default(), Some("reason")),
            (A::Cancel, StepDetails { reason: Some("群众已自行办理".into()), ..Default::default() }, None),
            (A::Start, StepDetails::default(), None),
            (A::Finish, mail(Some("SF1234567890"), None), Some("delivery_method")),
            (A::Start, StepDetails { reason: Some("x".into()), ..Default::default() }, Some("reason")),
        ];
        for (action, details, want) in cases {
            let got = details.clone().check(action);
            match want {
                None => assert!(got.is_ok(), "{action:?} {details:?}: {got:?}"),
                Some(field) => {
                    let e = got.unwrap_err();
                    assert_eq!(e.field(), Some(field), "{action:?} {details:?}: {e}");
                }
            }
        }
    }

    #[test]
    fn a_step_date_is_neither_future_nor_before_the_last_step() {
        assert!(check_step_date(day(21), day(20), day(23)).is_ok());
        assert!(check_step_date(day(20), day(20), day(20)).is_ok());
        assert_eq!(check_step_date(day(24), day(20), day(23)).unwrap_err().field(), Some("on"));
        assert_eq!(check_step_date(day(19), day(20), day(23)).unwrap_err().field(), Some("on"));
    }

    #[test]
    fn an_errand_needs_an_applicant() {
        let input = ErrandInput {
            person_id: None,
            applicant_name: Some(" ".into()),
            applicant_phone: None,
            service_item_id: "x".into(),
            mode: ErrandMode::Proxy,
            requested_on: None,
            due_on: None,
            officer_id: None,
            notes: None,
            service_station_id: None,
            assistant_id: None,
        };
        assert_eq!(input.clone().validate().unwrap_err().field(), Some("applicant_name"));
        let bad_phone =
            ErrandInput { applicant_name: Some("王芳".into()), applicant_phone: Some("123".into()), ..input };
        assert_eq!(bad_phone.validate().unwrap_err().field(), Some("applicant_phone"));
    }
}
