//! Persons (人员): registration with ID-number checks, the household link, tags.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};
use schemars::JsonSchema;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::people::{PersonInput, ValidPerson};
use crate::model::time::age_on;
use crate::model::{Relation, Residence, Sex};
use crate::store::from_row;
use crate::store::write::{opt_date, s, v};
use crate::store::{Tx, household, json_list, list_json};

/// A person as the form and the card show them.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Person {
    /// Row id.
    pub id: String,
    /// 所属户.
    pub household_id: Option<String>,
    /// The household's address.
    pub household_address: Option<String>,
    /// 村（社区）.
    pub village_name: Option<String>,
    /// 与户主关系.
    pub relation: Option<Relation>,
    /// 姓名.
    pub name: String,
    /// 性别.
    pub sex: Option<Sex>,
    /// 民族.
    pub ethnicity: Option<String>,
    /// 出生日期.
    pub birth_date: Option<String>,
    /// 年龄 today.
    pub age: Option<i32>,
    /// 公民身份号码.
    pub id_number: Option<String>,
    /// 联系电话.
    pub phone: Option<String>,
    /// 居住状态.
    pub residence: Residence,
    /// 标签.
    pub tags: Vec<String>,
    /// 住址 (own, when not the household's).
    pub address: Option<String>,
    /// 职业.
    pub occupation: Option<String>,
    /// 备注.
    pub notes: Option<String>,
}

/// A person in a list (household members, parties).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PersonBrief {
    /// Row id.
    pub id: String,
    /// 姓名.
    pub name: String,
    /// 与户主关系.
    pub relation: Option<Relation>,
    /// 性别.
    pub sex: Option<Sex>,
    /// 出生日期.
    pub birth_date: Option<String>,
    /// 公民身份号码.
    pub id_number: Option<String>,
    /// 联系电话.
    pub phone: Option<String>,
    /// 居住状态.
    pub residence: Residence,
    /// 标签.
    pub tags: Vec<String>,
}

const SELECT: &str = "SELECT p.id, p.household_id, h.address AS household_address, vg.name AS village_name, p.relation, p.name, p.sex, p.ethnicity,
        p.birth_date, p.id_number, p.phone, p.residence, p.tags, p.address, p.occupation, p.notes
     FROM person p LEFT JOIN household h ON h.id = p.household_id
     LEFT JOIN village vg ON vg.id = h.village_id";

fn row(r: &Row<'_>, today: chrono::NaiveDate) -> rusqlite::Result<Person> {
    let birth_date: Option<String> = r.get("birth_date")?;
    Ok(from_row!(r => Person {
        id, household_id, household_address, village_name, relation, name, sex, ethnicity, birth_date, id_number, phone,
        residence, address, occupation, notes,
        age: birth_date.as_deref().and_then(crate::model::time::parse_date).map(|b| age_on(b, today)),
        tags: json_list(r.get("tags")?),
    }))
}

/// One person, with their age on `today`.
pub fn get(conn: &Connection, id: &str, today: chrono::NaiveDate) -> Result<Person> {
    conn.prepare_cached(&format!("{SELECT} WHERE p.id = ?1 AND p.deleted_at IS NULL"))?
        .query_row([id], |r| row(r, today))
        .optional()?
        .ok_or_else(|| Error::not_found("人员", id))
}

/// The person's editable fields, for an update that changes only some of them.
pub fn input_of(conn: &Connection, id: &str) -> Result<PersonInput> {
    conn.prepare_cached(
        "SELECT household_id, relation, name, sex, ethnicity, birth_date, id_number, phone, residence, tags,
                address, occupation, notes
         FROM person WHERE id = ?1 AND deleted_at IS NULL",
    )?
    .query_row([id], |r| {
        Ok(from_row!(r => PersonInput {
            household_id, relation, name, sex, ethnicity, birth_date, id_number, phone, residence, address,
            occupation, notes,
            tags: json_list(r.get("tags")?),
        }))
    })
    .optional()?
    .ok_or_else(|| Error::not_found("人员", id))
}

/// A household's members, the head first.
pub fn members(conn: &Connection, household_id: &str) -> Result<Vec<PersonBrief>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, relation, sex, birth_date, id_number, phone, residence, tags FROM person
         WHERE household_id = ?1 AND deleted_at IS NULL
         ORDER BY relation <> 'head', birth_date, id",
    )?;
    Ok(stmt
        .query_map([household_id], |r| {
            Ok(from_row!(r => PersonBrief {
                id, name, relation, sex, birth_date, id_number, phone, residence,
                tags: json_list(r.get("tags")?),
            }))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The live person holding `id_number`, other than `except`.
pub fn by_id_number(conn: &Connection, id_number: &str, except: Option<&str>) -> Result<Option<(String, String)>> {
    Ok(conn
        .prepare_cached(
            "SELECT p.id, p.name || coalesce('（' || coalesce(h.address, p.address) || '）', '')
             FROM person p LEFT JOIN household h ON h.id = p.household_id
             WHERE p.id_number = ?1 AND p.deleted_at IS NULL AND p.id IS NOT ?2 LIMIT 1",
        )?
        .query_row(rusqlite::params![id_number, except], |r| Ok((r.get("id")?, r.get(1)?)))
        .optional()?)
}

/// A live member of `household_id` called `name` (a roster row without an ID number).
pub fn in_household_by_name(conn: &Connection, household_id: &str, name: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT id FROM person WHERE household_id = ?1 AND name = ?2 AND deleted_at IS NULL LIMIT 1")?
        .query_row([household_id, name], |r| r.get("id"))
        .optional()?)
}

/// A live resident's name and phone (what a volunteer record takes from them).
pub fn name_and_phone(conn: &Connection, id: &str) -> Result<Option<(String, Option<String>)>> {
    Ok(conn
        .prepare_cached("SELECT name, phone FROM person WHERE id = ?1 AND deleted_at IS NULL")?
        .query_row([id], |r| Ok((r.get("name")?, r.get("phone")?)))
        .optional()?)
}

fn check(tx: &Tx<'_>, p: &ValidPerson, except: Option<&str>) -> Result<()> {
    if let Some(id) = &p.id_number
        && let Some((existing_id, who)) = by_id_number(tx.conn(), id.as_str(), except)?
    {
        return Err(Error::Duplicate {
            field: "id_number".into(),
            message: format!("公民身份号码{}已登记为{who}，同一人不能重复登记", id.as_str()),
            existing_id,
        });
    }
    if let Some(h) = &p.input.household_id {
        if !household::exists(tx.conn(), h)? {
            return Err(Error::validation("household_id", "所选户不存在或已删除"));
        }
        if p.input.relation == Some(Relation::Head) {
            let head: Option<(Option<String>, Option<String>)> = tx
                .conn()
                .query_row(
                    "SELECT h.head_person_id, p.name FROM household h
                     LEFT JOIN person p ON p.id = h.head_person_id AND p.deleted_at IS NULL WHERE h.id = ?1",
                    [h],
                    |r| Ok((r.get("head_person_id")?, r.get("name")?)),
                )
                .optional()?;
            if let Some((Some(head_id), Some(name))) = head
                && Some(head_id.as_str()) != except
            {
                return Err(Error::validation("relation", format!("该户已有户主“{name}”，请先把户主改为其他关系")));
            }
        }
    }
    Ok(())
}

fn columns(p: &ValidPerson) -> Vec<(&'static str, Value)> {
    let i = &p.input;
    vec![
        ("household_id", v(i.household_id.clone())),
        ("relation", v(i.relation)),
        ("name", v(i.name.clone())),
        ("sex", v(p.sex)),
        ("ethnicity", v(i.ethnicity.clone())),
        ("birth_date", opt_date(p.birth_date)),
        ("id_number", v(p.id_number.as_ref().map(|n| n.as_str().to_owned()))),
        ("phone", v(i.phone.clone())),
        ("residence", v(i.residence.unwrap_or(Residence::Permanent))),
        ("tags", v(list_json(&i.tags))),
        ("address", v(i.address.clone())),
        ("occupation", v(i.occupation.clone())),
        ("notes", v(i.notes.clone())),
    ]
}

/// Registers a person; a 户主 becomes the household's head.
pub fn create(tx: &mut Tx<'_>, input: PersonInput) -> Result<String> {
    let p = input.validate(tx.today())?;
    check(tx, &p, None)?;
    let id = tx.new_id();
    tx.insert("person", &id, &columns(&p))?;
    if let (Some(h), Some(Relation::Head)) = (&p.input.household_id, p.input.relation) {
        tx.update("household", h, &[("head_person_id", v(id.clone()))])?;
    }
    Ok(id)
}

/// Updates a person (the input is the whole person, as edited).
pub fn update(tx: &mut Tx<'_>, id: &str, input: PersonInput) -> Result<()> {
    let before = input_of(tx.conn(), id)?;
    let p = input.validate(tx.today())?;
    check(tx, &p, Some(id))?;
    tx.update("person", id, &columns(&p))?;
    // Keep the household's head in step with the relation.
    if before.relation == Some(Relation::Head)
        && let Some(old) = &before.household_id
    {
        let still_head = p.input.household_id.as_ref() == Some(old) && p.input.relation == Some(Relation::Head);
        if !still_head {
            tx.update("household", old, &[("head_person_id", Value::Null)])?;
        }
    }
    if let (Some(h), Some(Relation::Head)) = (&p.input.household_id, p.input.relation) {
        tx.update("household", h, &[("head_person_id", s(id))])?;
    }
    // A care plan goes where its person lives.
    if let Some(h) = &p.input.household_id
        && before.household_id.as_ref() != Some(h)
    {
        crate::store::care::follow_person(tx, id, h)?;
    }
    Ok(())
}

/// Deletes a person (undoable); a head leaves the household without one.
pub fn delete(tx: &mut Tx<'_>, id: &str) -> Result<()> {
    let before = input_of(tx.conn(), id)?;
    tx.delete("person", id)?;
    if let (Some(h), Some(Relation::Head)) = (before.household_id, before.relation) {
        tx.update("household", &h, &[("head_person_id", Value::Null)])?;
    }
    Ok(())
}
