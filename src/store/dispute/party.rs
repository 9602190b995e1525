//! A dispute's parties (当事人): owns the `party` table. A party linked to a resident takes
//! the blank fields from the resident's record; the checks of each field are
//! [`PartyInput::validate`]'s.

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};
use schemars::JsonSchema;
use serde::Serialize;

use super::{check_editable, state};
use crate::error::{Error, Result};
use crate::model::dispute::{PartyFacts, PartyInput, check_party_removable, check_person_link};
use crate::model::time::{age_on, parse_date};
use crate::model::{PartyKind, PartyRole, Sex};
use crate::store::from_row;
use crate::store::write::{opt_date, s, v};
use crate::store::{Tx, person};

/// A party as the case file shows it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Party {
    /// Row id.
    pub id: String,
    /// 纠纷.
    pub dispute_id: String,
    /// 关联人员.
    pub person_id: Option<String>,
    /// 类别.
    pub kind: PartyKind,
    /// 身份.
    pub role: PartyRole,
    /// 身份 in Chinese.
    pub role_label: &'static str,
    /// 姓名 / 单位名称.
    pub name: String,
    /// 性别.
    pub sex: Option<Sex>,
    /// 民族.
    pub ethnicity: Option<String>,
    /// 出生日期.
    pub birth_date: Option<String>,
    /// 年龄 today (from the birth date, else as entered).
    pub age: Option<i32>,
    /// 公民身份号码.
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

/// The stored columns a party's fields come from (the names of [`PartyInput`]'s fields).
const PARTY_COLS: &str = "id, dispute_id, person_id, kind, role, name, sex, ethnicity, birth_date, age, id_number,
     address, phone, legal_rep, guardian_name, guardian_relation, agent_name, agent_authority_ref";

impl Party {
    fn from_row(r: &Row<'_>, today: NaiveDate) -> rusqlite::Result<Party> {
        let input = input_from_row(r)?;
        let role: PartyRole = r.get("role")?;
        let birth_date = input.birth_date;
        Ok(Party {
            id: r.get("id")?,
            dispute_id: r.get("dispute_id")?,
            person_id: input.person_id,
            kind: r.get("kind")?,
            role,
            role_label: role.label(),
            name: r.get("name")?,
            sex: input.sex,
            ethnicity: input.ethnicity,
            age: birth_date.as_deref().and_then(parse_date).map(|b| age_on(b, today)).or(input.age),
            birth_date,
            id_number: input.id_number,
            address: input.address,
            phone: input.phone,
            legal_rep: input.legal_rep,
            guardian_name: input.guardian_name,
            guardian_relation: input.guardian_relation,
            agent_name: input.agent_name,
            agent_authority_ref: input.agent_authority_ref,
        })
    }

    /// What the rules look at.
    fn facts(&self) -> PartyFacts {
        PartyFacts {
            kind: self.kind,
            role: self.role,
            name: self.name.clone(),
            sex: self.sex,
            ethnicity: self.ethnicity.clone(),
            birth_date: self.birth_date.as_deref().and_then(parse_date),
            age: if self.birth_date.is_some() { None } else { self.age },
            id_number: self.id_number.clone(),
            address: self.address.clone(),
            phone: self.phone.clone(),
            legal_rep: self.legal_rep.clone(),
            guardian_name: self.guardian_name.clone(),
            guardian_relation: self.guardian_relation.clone(),
            agent_name: self.agent_name.clone(),
            agent_authority_ref: self.agent_authority_ref.clone(),
        }
    }
}

/// A stored party's fields as a form would send them.
fn input_from_row(r: &Row<'_>) -> rusqlite::Result<PartyInput> {
    Ok(from_row!(r => PartyInput {
        person_id, kind, role, name, sex, ethnicity, birth_date, age, id_number, address, phone, legal_rep,
        guardian_name, guardian_relation, agent_name, agent_authority_ref,
    }))
}

/// The columns a party is stored in, from its checked facts.
fn party_cols(dispute_id: &str, person_id: Option<String>, p: &PartyFacts) -> Vec<(&'static str, Value)> {
    vec![
        ("dispute_id", s(dispute_id)),
        ("person_id", v(person_id)),
        ("kind", v(p.kind)),
        ("role", v(p.role)),
        ("name", v(p.name.clone())),
        ("sex", v(p.sex)),
        ("ethnicity", v(p.ethnicity.clone())),
        ("birth_date", opt_date(p.birth_date)),
        ("age", v(p.age)),
        ("id_number", v(p.id_number.clone())),
        ("address", v(p.address.clone())),
        ("phone", v(p.phone.clone())),
        ("legal_rep", v(p.legal_rep.clone())),
        ("guardian_name", v(p.guardian_name.clone())),
        ("guardian_relation", v(p.guardian_relation.clone())),
        ("agent_name", v(p.agent_name.clone())),
        ("agent_authority_ref", v(p.agent_authority_ref.clone())),
    ]
}

/// A dispute's parties, in the order they were entered.
pub fn parties(conn: &Connection, dispute_id: &str, today: NaiveDate) -> Result<Vec<Party>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PARTY_COLS} FROM party WHERE dispute_id = ?1 AND deleted_at IS NULL ORDER BY sort, id"
    ))?;
    Ok(stmt.query_map([dispute_id], |r| Party::from_row(r, today))?.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The parties as the rules see them on `on`.
pub(super) fn party_facts(conn: &Connection, dispute_id: &str, on: NaiveDate) -> Result<Vec<PartyFacts>> {
    Ok(parties(conn, dispute_id, on)?.iter().map(Party::facts).collect())
}

fn party_input_of(conn: &Connection, id: &str) -> Result<(String, PartyInput)> {
    conn.prepare_cached(&format!("SELECT {PARTY_COLS} FROM party WHERE id = ?1 AND deleted_at IS NULL"))?
        .query_row([id], |r| Ok((r.get("dispute_id")?, input_from_row(r)?)))
        .optional()?
        .ok_or_else(|| Error::not_found("当事人", id))
}

/// The current fields of a party, for an update that changes only some of them.
pub fn party_input(conn: &Connection, id: &str) -> Result<PartyInput> {
    Ok(party_input_of(conn, id)?.1)
}

/// Fills a linked party's blank fields from the resident's record.
fn fill_from_person(conn: &Connection, mut p: PartyInput, prefix: &str, today: NaiveDate) -> Result<PartyInput> {
    let Some(pid) = p.person_id.clone().filter(|s| !s.trim().is_empty()) else {
        p.person_id = None;
        return Ok(p);
    };
    check_person_link(p.kind, prefix)?;
    let person = person::get(conn, &pid, today).map_err(|e| match e {
        Error::NotFound { .. } => {
            Error::validation(format!("{prefix}person_id"), format!("所选人员不存在或已删除（{pid}）"))
        }
        other => other,
    })?;
    let fill = |mine: &mut Option<String>, theirs: Option<String>| {
        if mine.as_deref().is_none_or(|s| s.trim().is_empty()) {
            *mine = theirs;
        }
    };
    fill(&mut p.name, Some(person.name));
    fill(&mut p.ethnicity, person.ethnicity);
    fill(&mut p.birth_date, person.birth_date);
    fill(&mut p.id_number, person.id_number);
    fill(&mut p.phone, person.phone);
    fill(&mut p.address, person.address.or(person.household_address));
    if p.sex.is_none() {
        p.sex = person.sex;
    }
    Ok(p)
}

/// Adds a party (`prefix` names its fields in messages, e.g. `parties[1].`).
pub(super) fn insert_party(
    tx: &mut Tx<'_>,
    dispute_id: &str,
    input: PartyInput,
    prefix: &str,
    sort: i64,
) -> Result<String> {
    let today = tx.today();
    let input = fill_from_person(tx.conn(), input, prefix, today)?;
    let person_id = input.person_id.clone();
    if let Some(pid) = &person_id {
        let dup: Option<String> = tx
            .conn()
            .query_row(
                "SELECT name FROM party WHERE dispute_id = ?1 AND person_id = ?2 AND deleted_at IS NULL",
                [dispute_id, pid],
                |r| r.get("name"),
            )
            .optional()?;
        if let Some(name) = dup {
            return Err(Error::validation(format!("{prefix}person_id"), format!("“{name}”已是本纠纷的当事人")));
        }
    }
    let facts = input.validate(prefix, today)?;
    let id = tx.new_id();
    let mut cols = party_cols(dispute_id, person_id, &facts);
    cols.push(("sort", v(sort)));
    tx.insert("party", &id, &cols)?;
    Ok(id)
}

/// Adds a party to a dispute that is still open to changes.
pub fn add_party(tx: &mut Tx<'_>, dispute_id: &str, input: PartyInput) -> Result<String> {
    let st = state(tx.conn(), dispute_id)?;
    check_editable(st.status, st.agreement_finalised)?;
    let sort: i64 = tx.conn().query_row(
        "SELECT coalesce(max(sort), -1) + 1 AS next FROM party WHERE dispute_id = ?1 AND deleted_at IS NULL",
        [dispute_id],
        |r| r.get("next"),
    )?;
    insert_party(tx, dispute_id, input, "", sort)
}

/// Changes a party (the input is the whole party, as edited).
pub fn update_party(tx: &mut Tx<'_>, id: &str, input: PartyInput) -> Result<String> {
    let (dispute_id, before) = party_input_of(tx.conn(), id)?;
    let st = state(tx.conn(), &dispute_id)?;
    check_editable(st.status, st.agreement_finalised)?;
    let today = tx.today();
    // A newly linked resident fills what is blank; an existing link keeps what was edited.
    let input =
        if input.person_id != before.person_id { fill_from_person(tx.conn(), input, "", today)? } else { input };
    let person_id = input.person_id.clone().filter(|s| !s.trim().is_empty());
    let facts = input.validate("", today)?;
    tx.update("party", id, &party_cols(&dispute_id, person_id, &facts))?;
    Ok(dispute_id)
}

/// Deletes a party added by mistake (deletion is a column: the row stays, marked deleted).
/// Refused once an agreement took effect, once the case ended, and below two parties after
/// a session. Returns the dispute's id.
pub fn delete_party(tx: &mut Tx<'_>, id: &str) -> Result<String> {
    let (dispute_id, _) = party_input_of(tx.conn(), id)?;
    let st = state(tx.conn(), &dispute_id)?;
    let left: i64 = tx.conn().query_row(
        "SELECT count(*) AS n FROM party WHERE dispute_id = ?1 AND id <> ?2 AND deleted_at IS NULL",
        [&dispute_id, id],
        |r| r.get("n"),
    )?;
    let sessions_held = !super::mediation::mediations(tx.conn(), &dispute_id)?.is_empty();
    check_party_removable(st.status, st.agreement_finalised, left as usize, sessions_held)?;
    tx.delete("party", id)?;
    Ok(dispute_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::dispute::tests::{open_dispute, post};

    #[test]
    fn a_party_reads_back_by_column_name_with_its_age_counted_today() {
        let (mut store, _dir) = post();
        let id = open_dispute(&mut store);
        let today = store.clock().today();
        let all = parties(store.conn(), &id, today).unwrap();
        assert_eq!(all.len(), 2);
        let first = &all[0];
        assert_eq!((first.name.as_str(), first.role, first.role_label), ("王建国", PartyRole::Applicant, "申请人"));
        assert_eq!(first.birth_date.as_deref(), Some("1980-05-01"));
        assert_eq!(first.age, Some(46));
        assert_eq!(first.agent_authority_ref.as_deref(), Some("委托书2026-1"));
        let input = party_input(store.conn(), &first.id).unwrap();
        assert_eq!(input.agent_authority_ref.as_deref(), Some("委托书2026-1"));
        assert_eq!(input.id_number, first.id_number);
    }

    #[test]
    fn an_organisation_cannot_be_linked_to_a_resident() {
        let (mut store, _dir) = post();
        let id = open_dispute(&mut store);
        let e = store
            .write(|tx| {
                add_party(
                    tx,
                    &id,
                    PartyInput {
                        kind: Some(PartyKind::Organisation),
                        role: Some(PartyRole::Other),
                        name: Some("青山建材有限公司".into()),
                        person_id: Some("someone".into()),
                        ..Default::default()
                    },
                )
            })
            .unwrap_err();
        assert_eq!(e.field(), Some("person_id"));
        assert_eq!(parties(store.conn(), &id, store.clock().today()).unwrap().len(), 2);
    }
}
