//! A dispute's party as a form sends it and as the rules see it: a resident linked, a
//! person typed in, or an organisation, each field checked (an ID number gives the sex and
//! the birth date).

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::id_number::IdNumber;
use crate::model::people::{opt_date, opt_phone};
use crate::model::time::age_on;
use crate::model::validate::{person_name, required, text};
use crate::model::{PartyKind, PartyRole, Sex};

/// A party as a form sends it: linked to a resident (`person_id`; blank fields are filled
/// from the resident's record), typed in, or an organisation.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct PartyInput {
    /// 关联人员: copies name, sex, ethnicity, birth date, ID number, phone and address.
    pub person_id: Option<String>,
    /// 当事人类别: person (default) or organisation.
    pub kind: Option<PartyKind>,
    /// 当事人身份: applicant, respondent, victim, offender, other.
    pub role: Option<PartyRole>,
    /// 姓名 / 单位名称.
    pub name: Option<String>,
    /// 性别 (derived from the ID number when blank).
    pub sex: Option<Sex>,
    /// 民族.
    pub ethnicity: Option<String>,
    /// 出生日期 (derived from the ID number when blank).
    pub birth_date: Option<String>,
    /// 年龄, when the birth date is not known.
    pub age: Option<i32>,
    /// 公民身份号码.
    pub id_number: Option<String>,
    /// 住址 / 单位地址.
    pub address: Option<String>,
    /// 联系电话.
    pub phone: Option<String>,
    /// 单位的法定代表人.
    pub legal_rep: Option<String>,
    /// 监护人姓名 (a party under 16).
    pub guardian_name: Option<String>,
    /// 监护人与当事人关系.
    pub guardian_relation: Option<String>,
    /// 委托代理人姓名.
    pub agent_name: Option<String>,
    /// 授权委托书编号/说明.
    pub agent_authority_ref: Option<String>,
}

/// A party's facts, checked: what the rules and the agreement look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyFacts {
    /// 类别.
    pub kind: PartyKind,
    /// 身份.
    pub role: PartyRole,
    /// 姓名 / 单位名称.
    pub name: String,
    /// 性别.
    pub sex: Option<Sex>,
    /// 民族.
    pub ethnicity: Option<String>,
    /// 出生日期.
    pub birth_date: Option<NaiveDate>,
    /// 年龄 as entered (only when the birth date is unknown).
    pub age: Option<i32>,
    /// 公民身份号码 (18 characters).
    pub id_number: Option<String>,
    /// 住址.
    pub address: Option<String>,
    /// 联系电话.
    pub phone: Option<String>,
    /// 法定代表人.
    pub legal_rep: Option<String>,
    /// 监护人.
    pub guardian_name: Option<String>,
    /// 监护关系.
    pub guardian_relation: Option<String>,
    /// 委托代理人.
    pub agent_name: Option<String>,
    /// 授权委托书.
    pub agent_authority_ref: Option<String>,
}

impl PartyFacts {
    /// Age on `day`: from the birth date, else the age entered.
    pub fn age_on(&self, day: NaiveDate) -> Option<i32> {
        self.birth_date.map(|b| age_on(b, day)).or(self.age)
    }
}

impl PartyInput {
    /// Checks every field; `field` prefixes the field names in messages (e.g. `parties[1].`).
    pub fn validate(self, prefix: &str, today: NaiveDate) -> Result<PartyFacts> {
        let f = |name: &str| format!("{prefix}{name}");
        let kind = self.kind.unwrap_or(PartyKind::Person);
        let role = self.role.ok_or_else(|| Error::validation(f("role"), "请选择当事人身份（申请人、被申请人等）"))?;
        let raw_name = self.name.unwrap_or_default();
        let address = text(&f("address"), "住址", self.address.as_deref(), 100)?;
        let phone = opt_phone(&f("phone"), self.phone.as_deref())?;
        if kind == PartyKind::Organisation {
            let name = required(&f("name"), "单位名称", &raw_name, 60)?;
            let personal = [
                ("sex", self.sex.is_some()),
                ("birth_date", self.birth_date.is_some()),
                ("age", self.age.is_some()),
                ("id_number", self.id_number.as_deref().is_some_and(|s| !s.trim().is_empty())),
                ("guardian_name", self.guardian_name.is_some()),
            ];
            if let Some((field, _)) = personal.iter().find(|(_, set)| *set) {
                return Err(Error::validation(f(field), "单位当事人不填写性别、出生日期、身份证号或监护人"));
            }
            return Ok(PartyFacts {
                kind,
                role,
                name,
                sex: None,
                ethnicity: None,
                birth_date: None,
                age: None,
                id_number: None,
                address,
                phone,
                legal_rep: text(&f("legal_rep"), "法定代表人", self.legal_rep.as_deref(), 30)?,
                guardian_name: None,
                guardian_relation: None,
                agent_name: text(&f("agent_name"), "委托代理人", self.agent_name.as_deref(), 30)?,
                agent_authority_ref: text(
                    &f("agent_authority_ref"),
                    "授权委托书",
                    self.agent_authority_ref.as_deref(),
                    100,
                )?,
            });
        }
        let name = person_name(&f("name"), "当事人姓名", &raw_name)?;
        let id = match self.id_number.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(IdNumber::parse(s, today).map_err(|e| Error::validation(f("id_number"), e.message()))?),
        };
        let entered_birth = opt_date(&f("birth_date"), "出生日期", self.birth_date.as_deref())?;
        if entered_birth.is_some_and(|b| b > today) {
            return Err(Error::validation(f("birth_date"), "出生日期不能晚于今天"));
        }
        let (birth_date, sex) = match &id {
            Some(id) => {
                if let Some(b) = entered_birth.filter(|b| *b != id.birth_date()) {
                    return Err(Error::validation(
                        f("birth_date"),
                        format!("当事人“{name}”的出生日期{b}与公民身份号码中的{}不一致，请核对", id.birth_date()),
                    ));
                }
                if let Some(s) = self.sex.filter(|s| *s != id.sex()) {
                    return Err(Error::validation(
                        f("sex"),
                        format!(
                            "当事人“{name}”的性别“{}”与公民身份号码（{}）不一致，请核对",
                            s.label(),
                            id.sex().label()
                        ),
                    ));
                }
                (Some(id.birth_date()), Some(id.sex()))
            }
            None => (entered_birth, self.sex),
        };
        if let Some(a) = self.age
            && !(0..=120).contains(&a)
        {
            return Err(Error::validation(f("age"), format!("年龄{a}不在0至120之间")));
        }
        let opt_name = |field: &str, label: &str, raw: Option<&str>| -> Result<Option<String>> {
            raw.map(str::trim).filter(|s| !s.is_empty()).map(|s| person_name(&f(field), label, s)).transpose()
        };
        let guardian_name = opt_name("guardian_name", "监护人姓名", self.guardian_name.as_deref())?;
        let agent_name = opt_name("agent_name", "委托代理人姓名", self.agent_name.as_deref())?;
        Ok(PartyFacts {
            kind,
            role,
            name,
            sex,
            ethnicity: text(&f("ethnicity"), "民族", self.ethnicity.as_deref(), 10)?,
            age: if birth_date.is_some() { None } else { self.age },
            birth_date,
            id_number: id.map(|i| i.as_str().to_owned()),
            address,
            phone,
            legal_rep: None,
            guardian_relation: text(&f("guardian_relation"), "监护关系", self.guardian_relation.as_deref(), 10)?,
            guardian_name,
            agent_name,
            agent_authority_ref: text(
                &f("agent_authority_ref"),
                "授权委托书",
                self.agent_authority_ref.as_deref(),
                100,
            )?,
        })
    }
}

/// Only a person may be linked to a resident's record (`prefix` names the party's fields).
pub fn check_person_link(kind: Option<PartyKind>, prefix: &str) -> Result<()> {
    if kind == Some(PartyKind::Organisation) {
        return Err(Error::validation(format!("{prefix}person_id"), "单位当事人不能关联人员"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::dispute::tests::d;

    #[test]
    fn a_party_takes_sex_and_birth_from_the_id_number() {
        let today = d("2026-11-23");
        let p = PartyInput {
            role: Some(PartyRole::Applicant),
            name: Some("王芳".into()),
            id_number: Some("11010519491231002X".into()),
            age: Some(50),
            ..Default::default()
        }
        .validate("parties[0].", today)
        .unwrap();
        assert_eq!((p.sex, p.birth_date, p.age), (Some(Sex::Female), Some(d("1949-12-31")), None));
        let e = PartyInput {
            role: Some(PartyRole::Applicant),
            name: Some("王芳".into()),
            id_number: Some("11010519491231002X".into()),
            sex: Some(Sex::Male),
            ..Default::default()
        }
        .validate("parties[0].", today)
        .unwrap_err();
        assert_eq!(e.field(), Some("parties[0].sex"));
        let e = PartyInput { name: Some("王芳".into()), ..Default::default() }.validate("", today).unwrap_err();
        assert_eq!(e.field(), Some("role"));
    }

    #[test]
    fn only_a_person_links_to_a_resident() {
        assert!(check_person_link(None, "").is_ok());
        assert!(check_person_link(Some(PartyKind::Person), "").is_ok());
        let e = check_person_link(Some(PartyKind::Organisation), "parties[1].").unwrap_err();
        assert_eq!(e.field(), Some("parties[1].person_id"));
    }
}
