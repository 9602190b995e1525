//! The post, its places and officers, households, persons and visits: what a form sends
//! (`*Input`), and the checks that turn it into values fit to store.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::id_number::IdNumber;
use crate::model::time::{age_on, parse_date};
use crate::model::validate::{person_name, phone, required, tags, text};
use crate::model::{Relation, Residence, Role, Sex};

/// Reads an optional date field, naming it on error.
pub fn opt_date(field: &str, label: &str, raw: Option<&str>) -> Result<Option<NaiveDate>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => parse_date(s)
            .map(Some)
            .ok_or_else(|| Error::validation(field, format!("{label}“{s}”不是有效日期，应写作 2026-11-23"))),
    }
}

/// Reads an optional date that defaults to `today` and cannot be after it (the day
/// something was done, received or handed on): “{label}不能晚于今天”.
pub fn up_to_today(field: &str, label: &str, raw: Option<&str>, today: NaiveDate) -> Result<NaiveDate> {
    let d = opt_date(field, label, raw)?.unwrap_or(today);
    if d > today {
        return Err(Error::validation(field, format!("{label}不能晚于今天")));
    }
    Ok(d)
}

/// Reads a required date field.
pub fn req_date(field: &str, label: &str, raw: &str) -> Result<NaiveDate> {
    opt_date(field, label, Some(raw))?.ok_or_else(|| Error::validation(field, format!("{label}不能为空")))
}

/// Reads an optional phone field.
pub fn opt_phone(field: &str, raw: Option<&str>) -> Result<Option<String>> {
    raw.map(str::trim).filter(|s| !s.is_empty()).map(|s| phone(field, s)).transpose()
}

/// The post's own settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct PostInput {
    /// 警务室名称, e.g. 青山中心警务室.
    #[schemars(title = "警务室名称")]
    pub name: String,
    /// Post code, unique in the county; part of every document number.
    pub code: Option<String>,
    /// 文书字号前缀, e.g. 青山 in （2026）青山调字第 17 号.
    pub doc_prefix: Option<String>,
    /// 所属派出所: the organ named on 治安调解协议书.
    pub station_name: Option<String>,
    /// 人民调解委员会: named on 人民调解协议书.
    pub committee_name: Option<String>,
    /// 乡镇/街道.
    pub township: Option<String>,
    /// 地址.
    pub address: Option<String>,
    /// 电话.
    pub phone: Option<String>,
}

impl PostInput {
    /// Checks and tidies every field.
    pub fn validate(mut self) -> Result<PostInput> {
        self.name = required("name", "警务室名称", &self.name, 40)?;
        self.code = text("code", "警务室编码", self.code.as_deref(), 20)?;
        if let Some(c) = &self.code
            && !c.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(Error::validation("code", "警务室编码只能由字母、数字和连字符组成"));
        }
        self.doc_prefix = text("doc_prefix", "文书字号前缀", self.doc_prefix.as_deref(), 8)?;
        self.station_name = text("station_name", "所属派出所", self.station_name.as_deref(), 40)?;
        self.committee_name = text("committee_name", "人民调解委员会", self.committee_name.as_deref(), 40)?;
        self.township = text("township", "乡镇", self.township.as_deref(), 40)?;
        self.address = text("address", "地址", self.address.as_deref(), 100)?;
        self.phone = opt_phone("phone", self.phone.as_deref())?;
        Ok(self)
    }
}

/// A village or community served by the post.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct VillageInput {
    /// 村/社区名称.
    #[schemars(title = "村（社区）名称")]
    pub name: String,
    /// GB/T 2260 6-digit or NBS 12-digit code, where known.
    pub code: Option<String>,
    /// 乡镇/街道.
    pub township: Option<String>,
}

impl VillageInput {
    /// Checks and tidies every field.
    pub fn validate(mut self) -> Result<VillageInput> {
        self.name = required("name", "村（社区）名称", &self.name, 40)?;
        self.code = text("code", "区划代码", self.code.as_deref(), 12)?;
        if let Some(c) = &self.code
            && (!(c.len() == 6 || c.len() == 12) || !c.chars().all(|c| c.is_ascii_digit()))
        {
            return Err(Error::validation("code", format!("区划代码“{c}”应为6位或12位数字")));
        }
        self.township = text("township", "乡镇", self.township.as_deref(), 40)?;
        Ok(self)
    }
}

/// An officer of the post.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct OfficerInput {
    /// 姓名.
    #[schemars(title = "姓名")]
    pub name: String,
    /// 角色: officer, auxiliary or station_admin.
    #[schemars(title = "角色")]
    pub role: Role,
    /// 警号.
    pub badge_no: Option<String>,
    /// 电话.
    pub phone: Option<String>,
    /// Whether still serving (default yes).
    pub active: Option<bool>,
}

impl OfficerInput {
    /// Checks and tidies every field.
    pub fn validate(mut self) -> Result<OfficerInput> {
        self.name = person_name("name", "姓名", &self.name)?;
        self.badge_no = text("badge_no", "警号", self.badge_no.as_deref(), 12)?;
        self.phone = opt_phone("phone", self.phone.as_deref())?;
        Ok(self)
    }
}

/// A household.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct HouseholdInput {
    /// 所属村（社区）.
    #[schemars(title = "所属村（社区）")]
    pub village_id: String,
    /// 村民小组.
    pub group_id: Option<String>,
    /// 门牌号.
    pub house_no: Option<String>,
    /// 住址; when blank it is composed from village, group and house number.
    pub address: Option<String>,
    /// 户主 (a person of this household).
    pub head_person_id: Option<String>,
    /// 联系电话.
    pub phone: Option<String>,
    /// 备注.
    pub notes: Option<String>,
}

impl HouseholdInput {
    /// Checks and tidies every field (references are checked by the store).
    pub fn validate(mut self) -> Result<HouseholdInput> {
        self.village_id = required("village_id", "所属村（社区）", &self.village_id, 64)?;
        self.house_no = text("house_no", "门牌号", self.house_no.as_deref(), 20)?;
        self.address = text("address", "住址", self.address.as_deref(), 100)?;
        self.phone = opt_phone("phone", self.phone.as_deref())?;
        self.notes = text("notes", "备注", self.notes.as_deref(), 2000)?;
        self.group_id = self.group_id.filter(|s| !s.trim().is_empty());
        self.head_person_id = self.head_person_id.filter(|s| !s.trim().is_empty());
        Ok(self)
    }
}

/// A resident.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    /// 所属户.
    pub household_id: Option<String>,
    /// 与户主关系.
    pub relation: Option<Relation>,
    /// 姓名.
    #[schemars(title = "姓名")]
    pub name: String,
    /// 性别; derived from the ID number when blank, and checked against it when given.
    pub sex: Option<Sex>,
    /// 民族, e.g. 汉族.
    pub ethnicity: Option<String>,
    /// 出生日期; derived from the ID number when blank, and checked against it.
    pub birth_date: Option<String>,
    /// 公民身份号码 (18 characters, or a legacy 15-digit number, converted). May be blank.
    pub id_number: Option<String>,
    /// 联系电话.
    pub phone: Option<String>,
    /// 居住状态 (default permanent).
    pub residence: Option<Residence>,
    /// 标签: known codes (elderly_alone…) or labels, or user-defined words.
    #[serde(default)]
    pub tags: Vec<String>,
    /// 住址 when not the household's.
    pub address: Option<String>,
    /// 职业/工作单位.
    pub occupation: Option<String>,
    /// 备注.
    pub notes: Option<String>,
}

/// A person's fields, checked.
#[derive(Debug, Clone)]
pub struct ValidPerson {
    /// The input, tidied.
    pub input: PersonInput,
    /// The ID number, normalised to 18 characters.
    pub id_number: Option<IdNumber>,
    /// The birth date (entered or derived).
    pub birth_date: Option<NaiveDate>,
    /// The sex (entered or derived).
    pub sex: Option<Sex>,
}

impl PersonInput {
    /// Checks every field; derives birth date and sex from the ID number and refuses a
    /// mismatch with what was entered.
    pub fn validate(mut self, today: NaiveDate) -> Result<ValidPerson> {
        self.name = person_name("name", "姓名", &self.name)?;
        let id_number = match self.id_number.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(IdNumber::parse(s, today).map_err(|e| Error::validation("id_number", e.message()))?),
        };
        let entered_birth = opt_date("birth_date", "出生日期", self.birth_date.as_deref())?;
        if let Some(b) = entered_birth
            && b > today
        {
            return Err(Error::validation("birth_date", "出生日期不能晚于今天"));
        }
        let (birth_date, sex) = match &id_number {
            Some(id) => {
                if let Some(b) = entered_birth.filter(|b| *b != id.birth_date()) {
                    return Err(Error::validation(
                        "birth_date",
                        format!(
                            "出生日期{}与公民身份号码中的{}不一致，请核对",
                            b.format("%Y-%m-%d"),
                            id.birth_date().format("%Y-%m-%d")
                        ),
                    ));
                }
                if let Some(s) = self.sex.filter(|s| *s != id.sex()) {
                    return Err(Error::validation(
                        "sex",
                        format!("性别“{}”与公民身份号码（第17位表示{}）不一致，请核对", s.label(), id.sex().label()),
                    ));
                }
                (Some(id.birth_date()), Some(id.sex()))
            }
            None => (entered_birth, self.sex),
        };
        self.ethnicity = text("ethnicity", "民族", self.ethnicity.as_deref(), 10)?;
        self.phone = opt_phone("phone", self.phone.as_deref())?;
        self.address = text("address", "住址", self.address.as_deref(), 100)?;
        self.occupation = text("occupation", "职业", self.occupation.as_deref(), 40)?;
        self.notes = text("notes", "备注", self.notes.as_deref(), 2000)?;
        self.tags = tags("tags", &self.tags)?;
        self.household_id = self.household_id.filter(|s| !s.trim().is_empty());
        if self.household_id.is_none() && self.relation.is_some() {
            return Err(Error::validation("relation", "未选择所属户，不能填写与户主关系"));
        }
        Ok(ValidPerson { input: self, id_number, birth_date, sex })
    }
}

impl ValidPerson {
    /// Age on `day`, if the birth date is known.
    pub fn age_on(&self, day: NaiveDate) -> Option<i32> {
        self.birth_date.map(|b| age_on(b, day))
    }
}

/// A household visit (走访).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct VisitInput {
    /// 走访的户.
    #[schemars(title = "走访的户")]
    pub household_id: String,
    /// 走访对象 (a person of the household), if one in particular.
    pub person_id: Option<String>,
    /// 走访民警.
    pub officer_id: Option<String>,
    /// 走访日期 (default today).
    pub visited_on: Option<String>,
    /// 走访情况.
    pub notes: Option<String>,
    /// 发现的诉求/需求.
    pub needs: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn person(id: &str) -> PersonInput {
        PersonInput { name: "王芳".into(), id_number: Some(id.into()), ..Default::default() }
    }

    #[test]
    fn a_day_something_was_done_defaults_to_today_and_is_not_in_the_future() {
        let today = today();
        // (entered, the day read or the message)
        let cases: [(Option<&str>, std::result::Result<&str, &str>); 4] = [
            (None, Ok("2026-11-23")),
            (Some(" "), Ok("2026-11-23")),
            (Some("2026-11-20"), Ok("2026-11-20")),
            (Some("2026-11-24"), Err("回访日期不能晚于今天")),
        ];
        for (raw, want) in cases {
            let got = up_to_today("done_on", "回访日期", raw, today).map(|d| d.to_string()).map_err(|e| e.to_string());
            assert_eq!(got.as_deref().map_err(String::as_str), want, "{raw:?}");
        }
        assert_eq!(up_to_today("on", "日期", Some("明天"), today).unwrap_err().field(), Some("on"));
    }

    #[test]
    fn birth_date_and_sex_come_from_the_id_number() {
        let p = person("11010519491231002X").validate(today()).unwrap();
        assert_eq!(p.sex, Some(Sex::Female));
        assert_eq!(p.birth_date, NaiveDate::from_ymd_opt(1949, 12, 31));
        assert_eq!(p.age_on(today()), Some(76));
    }

    #[test]
    fn a_mismatch_with_the_id_number_is_refused_naming_the_field() {
        let mut p = person("11010519491231002X");
        p.sex = Some(Sex::Male);
        let e = p.validate(today()).unwrap_err();
        assert_eq!(e.field(), Some("sex"));
        assert!(e.to_string().contains("不一致"), "{e}");

        let mut p = person("11010519491231002X");
        p.birth_date = Some("1950-01-01".into());
        let e = p.validate(today()).unwrap_err();
        assert_eq!(e.field(), Some("birth_date"));
    }

    #[test]
    fn a_bad_checksum_is_refused_on_the_id_field() {
        let e = person("110105194912310021").validate(today()).unwrap_err();
        assert_eq!(e.field(), Some("id_number"));
        assert!(e.to_string().contains("校验位"));
    }

    #[test]
    fn no_id_number_is_fine() {
        let p = PersonInput { name: "黄秋香".into(), ..Default::default() }.validate(today()).unwrap();
        assert!(p.id_number.is_none());
    }
}
