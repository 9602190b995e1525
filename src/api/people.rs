//! Methods for the post, places, officers, households, persons, visits and search.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{Api, Method, method, patch};
use crate::error::{Error, Result};
use crate::model::Sex;
use crate::model::id_number::IdNumber;
use crate::model::people::{HouseholdInput, OfficerInput, PersonInput, PostInput, VillageInput, VisitInput};
use crate::model::time::age_on;
use crate::store::household::{self, Household, HouseholdFilter, HouseholdPage, Visit};
use crate::store::person::{self, Person};
use crate::store::place::{self, Group, Officer, Post, Village};
use crate::store::search::{self, SearchPage};

/// A request naming one record.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct IdRequest {
    /// The record's id.
    #[schemars(title = "记录")]
    pub id: String,
}

/// `person.update`: the id and the fields to change.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct PersonUpdate {
    /// The person.
    #[schemars(title = "人员")]
    pub id: String,
    /// Fields of `person.create` to change.
    #[serde(flatten)]
    // Each field optional: schemars drops `required` from a flattened `Option`.
    #[schemars(with = "Option<PersonInput>")]
    pub changes: Map<String, Value>,
}

/// `household.update`: the id and the fields to change.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct HouseholdUpdate {
    /// The household.
    #[schemars(title = "户")]
    pub id: String,
    /// Fields of `household.create` to change (and `head_person_id`).
    #[serde(flatten)]
    // Each field optional: schemars drops `required` from a flattened `Option`.
    #[schemars(with = "Option<HouseholdInput>")]
    pub changes: Map<String, Value>,
}

/// `officer.update`: the id and the fields to change.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct OfficerUpdate {
    /// The officer.
    #[schemars(title = "民警/辅警")]
    pub id: String,
    /// Fields of `officer.create` to change; `active: false` is 离岗.
    #[serde(flatten)]
    // Each field optional: schemars drops `required` from a flattened `Option`.
    #[schemars(with = "Option<OfficerInput>")]
    pub changes: Map<String, Value>,
}

/// `village.update`: the id and the fields to change.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct VillageUpdate {
    /// The village.
    #[schemars(title = "村（社区）")]
    pub id: String,
    /// Fields of `village.create` to change.
    #[serde(flatten)]
    // Each field optional: schemars drops `required` from a flattened `Option`.
    #[schemars(with = "Option<VillageInput>")]
    pub changes: Map<String, Value>,
}

/// `group.rename`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct GroupRename {
    /// The group.
    #[schemars(title = "村民小组")]
    pub id: String,
    /// Its new name, e.g. 3组.
    #[schemars(title = "小组名称")]
    pub name: String,
}

/// `group.create`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct GroupInput {
    /// 所属村.
    #[schemars(title = "所属村")]
    pub village_id: String,
    /// 小组名称, e.g. 3组.
    #[schemars(title = "小组名称")]
    pub name: String,
}

/// `search`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct SearchRequest {
    /// 姓名（可只输入两个字）、公民身份号码（全部或前几位）、电话或住址.
    #[schemars(title = "查找内容")]
    pub text: String,
    /// Page, from 1.
    pub page: Option<u32>,
    /// Page size (default 20, at most 100).
    pub page_size: Option<u32>,
}

/// `id_number.check`: a citizen ID number to check as the user types it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct IdNumberCheck {
    /// 公民身份号码 (18 characters, or a legacy 15-digit number).
    #[schemars(title = "公民身份号码")]
    pub id_number: String,
}

/// What a valid ID number says: the person form fills birth date and sex from it.
#[derive(Debug, Clone, serde::Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IdNumberInfo {
    /// The number, normalised to 18 characters.
    pub id_number: String,
    /// 出生日期.
    pub birth_date: String,
    /// 性别.
    pub sex: Sex,
    /// 年龄 today.
    pub age: i32,
}

/// No parameters.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

/// Created: the new record's id.
#[derive(Debug, Clone, serde::Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Created {
    /// The new record's id.
    pub id: String,
}

impl Api {
    /// The post's settings, if set up.
    pub fn post_get(&mut self) -> Result<Option<Post>> {
        place::get_post(self.store.conn())
    }

    /// Creates or updates the post's settings.
    pub fn post_save(&mut self, input: PostInput) -> Result<Post> {
        self.store.write(|tx| place::save_post(tx, input))
    }

    /// Every village with its groups.
    pub fn village_list(&mut self) -> Result<Vec<Village>> {
        place::list_villages(self.store.conn())
    }

    /// Adds a village.
    pub fn village_create(&mut self, input: VillageInput) -> Result<Village> {
        self.store.write(|tx| place::create_village(tx, input))
    }

    /// Changes a village (only the fields sent); see [`place::update_village`].
    pub fn village_update(&mut self, req: VillageUpdate) -> Result<Village> {
        let current = place::get_village(self.store.conn(), "id", &req.id)?;
        let current = VillageInput { name: current.name, code: current.code, township: current.township };
        let input = patch(current, req.changes)?;
        self.store.write(|tx| place::update_village(tx, &req.id, input))?;
        place::get_village(self.store.conn(), "id", &req.id)
    }

    /// Renames a group; see [`place::rename_group`].
    pub fn group_rename(&mut self, req: GroupRename) -> Result<Group> {
        self.store.write(|tx| place::rename_group(tx, &req.id, &req.name))
    }

    /// Deletes a village set up by mistake; see [`place::delete_village`].
    pub fn village_delete(&mut self, req: IdRequest) -> Result<Created> {
        self.store.write(|tx| place::delete_village(tx, &req.id))?;
        Ok(Created { id: req.id })
    }

    /// Deletes a group no household belongs to.
    pub fn group_delete(&mut self, req: IdRequest) -> Result<Created> {
        self.store.write(|tx| place::delete_group(tx, &req.id))?;
        Ok(Created { id: req.id })
    }

    /// Adds a group to a village.
    pub fn group_create(&mut self, input: GroupInput) -> Result<Group> {
        self.store.write(|tx| place::create_group(tx, &input.village_id, &input.name))
    }

    /// Every officer.
    pub fn officer_list(&mut self) -> Result<Vec<Officer>> {
        place::list_officers(self.store.conn())
    }

    /// Adds an officer.
    pub fn officer_create(&mut self, input: OfficerInput) -> Result<Officer> {
        self.store.write(|tx| place::create_officer(tx, input))
    }

    /// Changes an officer (only the fields sent).
    pub fn officer_update(&mut self, req: OfficerUpdate) -> Result<Officer> {
        let current = place::officer_input_of(self.store.conn(), &req.id)?;
        let input = patch(current, req.changes)?;
        self.store.write(|tx| place::update_officer(tx, &req.id, input))?;
        place::get_officer(self.store.conn(), "id", &req.id)
    }

    /// Registers a household.
    pub fn household_create(&mut self, input: HouseholdInput) -> Result<Household> {
        let id = self.store.write(|tx| household::create(tx, input))?;
        household::get(self.store.conn(), &id)
    }

    /// Changes some fields of a household.
    pub fn household_update(&mut self, req: HouseholdUpdate) -> Result<Household> {
        let current = household::input_of(self.store.conn(), &req.id)?;
        let input = patch(current, req.changes)?;
        self.store.write(|tx| household::update(tx, &req.id, input))?;
        household::get(self.store.conn(), &req.id)
    }

    /// A household with members and visits.
    pub fn household_get(&mut self, req: IdRequest) -> Result<Household> {
        household::get(self.store.conn(), &req.id)
    }

    /// A page of households.
    pub fn household_list(&mut self, filter: HouseholdFilter) -> Result<HouseholdPage> {
        household::list(self.store.conn(), &filter)
    }

    /// Registers a person.
    pub fn person_create(&mut self, input: PersonInput) -> Result<Person> {
        let id = self.store.write(|tx| person::create(tx, input))?;
        person::get(self.store.conn(), &id, self.today())
    }

    /// Changes some fields of a person.
    pub fn person_update(&mut self, req: PersonUpdate) -> Result<Person> {
        let current = person::input_of(self.store.conn(), &req.id)?;
        let input = patch(current, req.changes)?;
        self.store.write(|tx| person::update(tx, &req.id, input))?;
        person::get(self.store.conn(), &req.id, self.today())
    }

    /// One person.
    pub fn person_get(&mut self, req: IdRequest) -> Result<Person> {
        person::get(self.store.conn(), &req.id, self.today())
    }

    /// Deletes a person (undoable).
    pub fn person_delete(&mut self, req: IdRequest) -> Result<Created> {
        self.store.write(|tx| person::delete(tx, &req.id))?;
        Ok(Created { id: req.id })
    }

    /// Records a household visit.
    pub fn visit_create(&mut self, input: VisitInput) -> Result<Visit> {
        self.store.write(|tx| household::create_visit(tx, input))
    }

    /// Checks an ID number and reads the birth date and sex it carries; a bad number is
    /// refused on `id_number` with the same message `person.create` gives.
    pub fn id_number_check(&mut self, req: IdNumberCheck) -> Result<IdNumberInfo> {
        let today = self.today();
        let id = IdNumber::parse(&req.id_number, today).map_err(|e| Error::validation("id_number", e.message()))?;
        Ok(IdNumberInfo {
            id_number: id.as_str().to_owned(),
            birth_date: id.birth_date().format("%Y-%m-%d").to_string(),
            sex: id.sex(),
            age: age_on(id.birth_date(), today),
        })
    }

    /// Builds the search entries of up to `limit` persons whose entries were deferred (HQ
    /// defers them past each import) and returns how many are still queued; nothing to do
    /// on a post, which builds them in each write.
    pub fn search_catch_up(&mut self, limit: usize) -> Result<i64> {
        if !search::deferred(self.store.conn())? {
            return Ok(0);
        }
        self.store.index_pending(limit)
    }

    /// Finds residents by name, ID number, phone or address.
    pub fn search(&mut self, req: SearchRequest) -> Result<SearchPage> {
        // A node that defers its search entries (HQ) builds the queued ones first.
        self.search_catch_up(usize::MAX)?;
        let text = crate::model::validate::search_text("text", &req.text)?;
        let page = req.page.unwrap_or(1).clamp(1, 1000);
        let size = req.page_size.unwrap_or(20).clamp(1, crate::store::PAGE_MAX);
        search::search(self.store.conn(), &text, page, size)
    }
}

pub(super) fn methods() -> Vec<Method> {
    vec![
        method!("post.get", "读取警务室设置", NoParams, Anyone, View(After), |api, _| api.post_get()),
        method!("post.save", "保存警务室设置", PostInput, Admin, Update(WithWrite), |api, p| api.post_save(p)),
        method!("village.list", "列出村（社区）及村民小组", NoParams, Anyone, Unaudited, |api, _| api
            .village_list()),
        method!("village.create", "新增村（社区）", VillageInput, Admin, Create(WithWrite), |api, p| api
            .village_create(p)),
        method!(
            "village.update",
            "修改村（社区）：名称、乡镇，未设定时的区划代码",
            VillageUpdate,
            Admin,
            Update(WithWrite),
            |api, p| api.village_update(p)
        ),
        method!("group.create", "新增村民小组", GroupInput, Admin, Create(WithWrite), |api, p| api
            .group_create(p)),
        method!("group.rename", "村民小组改名", GroupRename, Admin, Update(WithWrite), |api, p| api
            .group_rename(p)),
        method!(
            "village.delete",
            "删除误录的村（社区）（其下无任何记录时）",
            IdRequest,
            Admin,
            Delete(WithWrite),
            |api, p| api.village_delete(p)
        ),
        method!("group.delete", "删除村民小组（无户时）", IdRequest, Admin, Delete(WithWrite), |api, p| api
            .group_delete(p)),
        method!("officer.list", "列出民警、辅警", NoParams, Anyone, Unaudited, |api, _| api.officer_list()),
        method!("officer.create", "新增民警、辅警", OfficerInput, Admin, Create(WithWrite), |api, p| api
            .officer_create(p)),
        method!(
            "officer.update",
            "修改民警、辅警（含离岗）",
            OfficerUpdate,
            Admin,
            Update(WithWrite),
            |api, p| api.officer_update(p)
        ),
        method!("household.create", "登记户", HouseholdInput, Anyone, Create(WithWrite), |api, p| api
            .household_create(p)),
        method!(
            "household.update",
            "修改户（只传需要修改的字段）",
            HouseholdUpdate,
            Anyone,
            Update(WithWrite),
            |api, p| api.household_update(p)
        ),
        method!("household.get", "查看户：成员、走访", IdRequest, Anyone, ViewPerson(After), |api, p| api
            .household_get(p)),
        method!(
            "household.list",
            "户列表（按村、组、标签筛选，分页）",
            HouseholdFilter,
            Anyone,
            List(After),
            |api, p| api.household_list(p)
        ),
        method!("person.create", "登记人员", PersonInput, Anyone, Create(WithWrite), |api, p| api.person_create(p)),
        method!(
            "person.update",
            "修改人员（只传需要修改的字段）",
            PersonUpdate,
            Anyone,
            Update(WithWrite),
            |api, p| api.person_update(p)
        ),
        method!("person.get", "查看人员", IdRequest, Anyone, ViewPerson(After), |api, p| api.person_get(p)),
        method!("person.delete", "删除人员（可恢复）", IdRequest, Anyone, Delete(WithWrite), |api, p| api
            .person_delete(p)),
        method!("visit.create", "记录走访", VisitInput, Anyone, Create(WithWrite), |api, p| api.visit_create(p)),
        method!(
            "id_number.check",
            "核验公民身份号码，读出出生日期和性别",
            IdNumberCheck,
            Anyone,
            Unaudited,
            |api, p| api.id_number_check(p)
        ),
        method!(
            "search",
            "按姓名、身份证号、电话、住址查找人员",
            SearchRequest,
            Anyone,
            Search(After),
            |api, p| api.search(p)
        ),
    ]
}
