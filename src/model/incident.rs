//! Incidents (警情): what the form sends and the checks that need no database: times read
//! as RFC 3339 or Beijing wall time and never in the future, a reporter's phone, and a
//! case number whenever the incident was opened as a case (立案).

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::people::opt_phone;
use crate::model::time::{parse_instant, show};
use crate::model::validate::{person_name, required, text};
use crate::model::{Disposition, IncidentKind};

/// An incident, as the form sends it (and as `incident.update` patches it).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct IncidentInput {
    /// 发生时间: RFC 3339 (`2026-11-23T06:30:00Z`) or Beijing time (`2026-11-23 14:30`).
    #[schemars(title = "发生时间")]
    pub occurred_at: String,
    /// 报警/接报时间, in the same forms (not before the occurrence).
    pub reported_at: Option<String>,
    /// 发生地点.
    #[schemars(title = "发生地点")]
    pub place: String,
    /// 所属村（社区）.
    pub village_id: Option<String>,
    /// 警情类别.
    #[schemars(title = "警情类别")]
    pub kind: IncidentKind,
    /// 报警人姓名.
    pub reporter_name: Option<String>,
    /// 报警人联系电话.
    pub reporter_phone: Option<String>,
    /// 报警人 as a registered resident.
    pub reporter_person_id: Option<String>,
    /// 涉及人员 (free text, for people not registered).
    pub people: Option<String>,
    /// 涉及的登记人员.
    #[serde(default)]
    pub person_ids: Vec<String>,
    /// 简要警情.
    #[schemars(title = "简要警情")]
    pub summary: String,
    /// 处置经过.
    pub handling: Option<String>,
    /// 处置结果 (default pending).
    pub disposition: Option<Disposition>,
    /// 关联的矛盾纠纷.
    pub dispute_id: Option<String>,
    /// 案件编号: required when the disposition is case_opened.
    pub case_no: Option<String>,
    /// 处警民警/辅警.
    pub officer_id: Option<String>,
}

/// An incident's fields, checked.
#[derive(Debug, Clone)]
pub struct ValidIncident {
    /// The input, tidied (ids blank → `None`, duplicates removed from `person_ids`).
    pub input: IncidentInput,
    /// 发生时间.
    pub occurred_at: DateTime<Utc>,
    /// 接报时间.
    pub reported_at: Option<DateTime<Utc>>,
    /// 处置结果.
    pub disposition: Disposition,
}

fn instant(field: &str, label: &str, raw: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let t = parse_instant(raw)
        .ok_or_else(|| Error::validation(field, format!("{label}“{}”无法识别，应写作 2026-11-23 14:30", raw.trim())))?;
    if t > now {
        return Err(Error::validation(field, format!("{label}（{}）不能晚于当前时间（{}）", show(t), show(now))));
    }
    Ok(t)
}

fn id(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

impl IncidentInput {
    /// Checks every field as of `now`; references are checked by the store.
    pub fn validate(mut self, now: DateTime<Utc>) -> Result<ValidIncident> {
        if self.occurred_at.trim().is_empty() {
            return Err(Error::validation("occurred_at", "发生时间不能为空"));
        }
        let occurred_at = instant("occurred_at", "发生时间", &self.occurred_at, now)?;
        let reported_at = match self.reported_at.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(r) => Some(instant("reported_at", "接报时间", r, now)?),
            None => None,
        };
        if let Some(r) = reported_at.filter(|r| *r < occurred_at) {
            return Err(Error::validation(
                "reported_at",
                format!("接报时间（{}）不能早于发生时间（{}）", show(r), show(occurred_at)),
            ));
        }
        self.place = required("place", "发生地点", &self.place, 200)?;
        self.reporter_name = match self.reporter_name.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(n) => Some(person_name("reporter_name", "报警人姓名", n)?),
            None => None,
        };
        self.reporter_phone = opt_phone("reporter_phone", self.reporter_phone.as_deref())?;
        self.people = text("people", "涉及人员", self.people.as_deref(), 1000)?;
        self.summary = required("summary", "简要警情", &self.summary, 4000)?;
        self.handling = text("handling", "处置经过", self.handling.as_deref(), 4000)?;
        self.case_no = text("case_no", "案件编号", self.case_no.as_deref(), 40)?;
        let disposition = self.disposition.unwrap_or(Disposition::Pending);
        self.disposition = Some(disposition);
        if disposition == Disposition::CaseOpened && self.case_no.is_none() {
            return Err(Error::validation("case_no", "处置结果为“立案”时必须填写案件编号"));
        }
        self.village_id = id(self.village_id);
        self.reporter_person_id = id(self.reporter_person_id);
        self.dispute_id = id(self.dispute_id);
        self.officer_id = id(self.officer_id);
        let mut person_ids: Vec<String> = Vec::new();
        for p in std::mem::take(&mut self.person_ids) {
            let p = p.trim().to_owned();
            if p.is_empty() {
                return Err(Error::validation("person_ids", "涉及的登记人员中有空白项"));
            }
            if !person_ids.contains(&p) {
                person_ids.push(p);
            }
        }
        self.person_ids = person_ids;
        Ok(ValidIncident { input: self, occurred_at, reported_at, disposition })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        parse_instant("2026-11-23 09:00").unwrap()
    }

    fn input() -> IncidentInput {
        IncidentInput {
            occurred_at: "2026-11-22 21:40".into(),
            reported_at: Some("2026-11-22T13:45:00Z".into()),
            place: "青山村3组村口".into(),
            village_id: None,
            kind: IncidentKind::Dispute,
            reporter_name: Some("王芳".into()),
            reporter_phone: Some("138 0000 1234".into()),
            reporter_person_id: None,
            people: None,
            person_ids: vec!["a".into(), " a ".into()],
            summary: "两户因排水沟堵塞发生争吵".into(),
            handling: None,
            disposition: None,
            dispute_id: Some(" ".into()),
            case_no: None,
            officer_id: None,
        }
    }

    #[test]
    fn times_read_as_beijing_or_rfc3339_and_defaults_fill_in() {
        let v = input().validate(now()).unwrap();
        assert_eq!(crate::model::time::stamp(v.occurred_at), "2026-11-22T13:40:00Z");
        assert_eq!(v.disposition, Disposition::Pending);
        assert_eq!(v.input.reporter_phone.as_deref(), Some("13800001234"));
        assert_eq!(v.input.person_ids, ["a"]);
        assert_eq!(v.input.dispute_id, None);
    }

    #[test]
    fn bad_values_are_refused_naming_the_field() {
        type Edit = fn(&mut IncidentInput);
        let cases: [(Edit, &str); 7] = [
            (|i| i.occurred_at = "2026-11-23 09:30".into(), "occurred_at"),
            (|i| i.occurred_at = "昨天晚上".into(), "occurred_at"),
            (|i| i.reported_at = Some("2026-11-22 21:00".into()), "reported_at"),
            (|i| i.reporter_phone = Some("1380000".into()), "reporter_phone"),
            (|i| i.place = " ".into(), "place"),
            (|i| i.summary = String::new(), "summary"),
            (|i| i.disposition = Some(Disposition::CaseOpened), "case_no"),
        ];
        for (edit, field) in cases {
            let mut i = input();
            edit(&mut i);
            let e = i.validate(now()).unwrap_err();
            assert_eq!(e.field(), Some(field), "{e}");
        }
    }

    #[test]
    fn a_future_time_names_both_times_in_beijing() {
        let mut i = input();
        i.occurred_at = "2026-11-24 08:00".into();
        let e = i.validate(now()).unwrap_err();
        assert_eq!(e.to_string(), "发生时间（2026-11-24 08:00）不能晚于当前时间（2026-11-23 09:00）");
    }

    #[test]
    fn a_case_with_its_number_is_accepted() {
        let mut i = input();
        i.disposition = Some(Disposition::CaseOpened);
        i.case_no = Some("A3303265000002026110001".into());
        assert_eq!(i.validate(now()).unwrap().disposition, Disposition::CaseOpened);
    }
}
