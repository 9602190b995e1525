//! Importing a household roster (户籍花名册) from an Excel file, with calamine.
//!
//! Columns are found by their header names (户主姓名, 姓名, 身份证号, 住址, 联系电话,
//! 与户主关系, 性别, 民族, 村, 组…, with the usual variants), wherever the header row is:
//! a title row above it, header cells merged across or down, and blank lines are all
//! taken in stride. Each row is checked by the same rules as the forms; a bad row is
//! reported (row number, column, Chinese message) and left out, the others go in.
//!
//! [`preview`] reads and plans without writing; [`apply`] carries out the same plan in
//! ONE transaction through the store's own functions (`place::create_village`,
//! `household::create`, `person::create`/`update`), so every write is in the change log.
//! People are matched by ID number (and, without one, by name within their household),
//! so importing the same file twice changes nothing the second time.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use rusqlite::Connection;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::people::{HouseholdInput, PersonInput, VillageInput};
use crate::model::{Relation, Residence};
use crate::store::{Store, Tx, household, person, place};

/// A roster column the import understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "RosterField"))]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// 户主姓名.
    HeadName,
    /// 姓名.
    Name,
    /// 身份证号.
    IdNumber,
    /// 住址.
    Address,
    /// 联系电话.
    Phone,
    /// 与户主关系.
    Relation,
    /// 性别.
    Sex,
    /// 民族.
    Ethnicity,
    /// 出生日期.
    BirthDate,
    /// 村（社区）.
    Village,
    /// 村民小组.
    Group,
    /// 门牌号.
    HouseNo,
    /// 户号.
    HouseholdNo,
    /// 居住状态.
    Residence,
    /// 备注.
    Notes,
}

const ALIASES: &[(Field, &[&str])] = &[
    (Field::HeadName, &["户主姓名", "户主"]),
    (Field::Name, &["姓名", "成员姓名", "人员姓名", "家庭成员"]),
    (Field::IdNumber, &["身份证号", "公民身份号码", "身份证号码", "身份证", "证件号码"]),
    (Field::Address, &["住址", "家庭住址", "地址", "现住址", "居住地址"]),
    (Field::Phone, &["联系电话", "电话", "手机", "手机号", "手机号码", "联系方式"]),
    (Field::Relation, &["与户主关系", "关系", "与户主的关系"]),
    (Field::Sex, &["性别"]),
    (Field::Ethnicity, &["民族"]),
    (Field::BirthDate, &["出生日期", "出生年月", "出生年月日"]),
    (Field::Village, &["村", "村（社区）", "村(社区)", "所属村", "村名", "社区", "行政村"]),
    (Field::Group, &["组", "村民小组", "小组", "所属组"]),
    (Field::HouseNo, &["门牌号", "门牌"]),
    (Field::HouseholdNo, &["户号", "户编号"]),
    (Field::Residence, &["居住状态", "人口类型", "人员类型"]),
    (Field::Notes, &["备注"]),
];

/// Every column the import understands with the headers it is recognised by, the usual one
/// first (what 花名册导入 tells the officer to put in the header row).
pub fn columns() -> impl Iterator<Item = (Field, &'static [&'static str])> {
    ALIASES.iter().copied()
}

impl Field {
    /// The column's usual Chinese header.
    pub fn label(self) -> &'static str {
        ALIASES.iter().find(|(f, _)| *f == self).map(|(_, names)| names[0]).unwrap_or("")
    }

    /// The field a header names, if any (spaces, line breaks and 必填 marks ignored).
    pub fn from_header(h: &str) -> Option<Field> {
        let h: String = h.chars().filter(|c| !c.is_whitespace() && !"*＊".contains(*c)).collect();
        let h = h.trim_end_matches("（必填）").trim_end_matches("(必填)");
        ALIASES.iter().find(|(_, names)| names.contains(&h)).map(|(f, _)| *f)
    }
}

/// A header found and what it was taken for.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MappedColumn {
    /// Excel column letter.
    pub column: String,
    /// The header as written.
    pub header: String,
    /// What it was taken for.
    pub field: Field,
}

/// A row left out, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RowError {
    /// Row number as Excel shows it (from 1).
    pub row: usize,
    /// Excel column letter, when one column is at fault.
    pub column: Option<String>,
    /// That column's header.
    pub header: Option<String>,
    /// What is wrong, in Chinese.
    pub message: String,
}

/// What a row will do (or did).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "RosterAction"))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A new person.
    Create,
    /// An existing person (matched by ID number) with changed fields.
    Update,
    /// An existing person with nothing to change.
    Unchanged,
}

/// One valid row's outcome.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RowAction {
    /// Row number.
    pub row: usize,
    /// 姓名.
    pub name: String,
    /// What happens.
    pub action: Action,
    /// For an update: each change, e.g. `联系电话：138… → 139…`.
    pub changes: Vec<String>,
    /// Whether the row's household is new.
    pub new_household: bool,
}

/// The result of a preview or an import.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportReport {
    /// The sheet read.
    pub sheet: String,
    /// Row number of the header row.
    pub header_row: usize,
    /// Headers recognised.
    pub columns: Vec<MappedColumn>,
    /// Headers not recognised (their columns are ignored).
    pub ignored_headers: Vec<String>,
    /// Data rows read (blank lines not counted).
    pub rows: usize,
    /// Blank lines skipped.
    pub blank_rows: usize,
    /// Rows left out, with the reason.
    pub errors: Vec<RowError>,
    /// Villages that will be (or were) added.
    pub villages_created: Vec<String>,
    /// Groups that will be (or were) added, as 村/组.
    pub groups_created: Vec<String>,
    /// New households.
    pub households_created: usize,
    /// New persons.
    pub persons_created: usize,
    /// Persons with changes.
    pub persons_updated: usize,
    /// Persons already as in the file.
    pub persons_unchanged: usize,
    /// Every valid row's outcome.
    pub actions: Vec<RowAction>,
    /// True once written; false for a preview.
    pub applied: bool,
}

mod sheet;

pub use sheet::{Grid, column_letter, read_grid};
use sheet::{Parsed, RosterRow, parse};

/// What to do with a household of the file.
#[derive(Debug, Clone)]
enum HouseholdPlan {
    Existing(String),
    New {
        village: String,
        group: Option<String>,
        address: Option<String>,
        house_no: Option<String>,
        phone: Option<String>,
    },
}

#[derive(Debug, Clone)]
enum PersonPlan {
    Create(PersonInput),
    Update { id: String, input: PersonInput },
    Unchanged,
}

struct Plan {
    report: ImportReport,
    /// (household, rows of it: (row number, plan)), heads first.
    households: Vec<(HouseholdPlan, Vec<(usize, PersonPlan)>)>,
}

fn show(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("（空）")
}

/// Field-by-field differences between the stored person and the merged one.
fn changes(old: &PersonInput, new: &PersonInput) -> Vec<String> {
    let mut out = Vec::new();
    let mut cmp = |label: &str, a: Option<String>, b: Option<String>| {
        if a != b {
            out.push(format!("{label}：{} → {}", show(&a), show(&b)));
        }
    };
    cmp("姓名", Some(old.name.clone()), Some(new.name.clone()));
    cmp("性别", old.sex.map(|s| s.label().into()), new.sex.map(|s| s.label().into()));
    cmp("民族", old.ethnicity.clone(), new.ethnicity.clone());
    cmp("出生日期", old.birth_date.clone(), new.birth_date.clone());
    cmp("联系电话", old.phone.clone(), new.phone.clone());
    cmp("与户主关系", old.relation.map(|s| s.label().into()), new.relation.map(|s| s.label().into()));
    cmp("居住状态", old.residence.map(|s| s.label().into()), new.residence.map(|s| s.label().into()));
    cmp("备注", old.notes.clone(), new.notes.clone());
    if old.household_id != new.household_id {
        out.push("所属户：改为名册中的户".into());
    }
    out
}

/// Reads the file and decides, row by row, what the import does. Reads only.
fn plan(conn: &Connection, bytes: &[u8], today: NaiveDate) -> Result<Plan> {
    let grid = read_grid(bytes)?;
    let default_village = place::only_village_name(conn)?;
    let Parsed { mut report, rows } = parse(&grid, today, default_village.as_deref())?;
    // Households of the file, in order of first appearance.
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Vec<RosterRow>> = HashMap::new();
    for r in rows {
        if !groups.contains_key(&r.household_key) {
            order.push(r.household_key.clone());
        }
        groups.entry(r.household_key.clone()).or_default().push(r);
    }
    let mut new_villages: Vec<String> = Vec::new();
    let mut new_groups: HashSet<(String, String)> = HashSet::new();
    let mut households = Vec::new();
    for key in order {
        let mut members = groups.remove(&key).unwrap_or_default();
        members.sort_by_key(|r| (r.person.relation != Some(Relation::Head), r.row));
        // An existing household: the one a listed person (the head first) already lives in.
        let existing: Option<(String, String)> = members.iter().find_map(|r| {
            let id = r.id_number.as_deref()?;
            let (pid, _) = person::by_id_number(conn, id, None).ok()??;
            let hh = person::input_of(conn, &pid).ok()?.household_id?;
            Some((pid, hh))
        });
        let first = &members[0];
        let hplan = match &existing {
            Some((_, hh)) => HouseholdPlan::Existing(hh.clone()),
            None => {
                let vid = place::village_id_by_name(conn, &first.village)?;
                if vid.is_none() && !new_villages.contains(&first.village) {
                    new_villages.push(first.village.clone());
                }
                if let Some(g) = &first.group {
                    let known = match &vid {
                        Some(v) => place::group_id_by_name(conn, v, g)?.is_some(),
                        None => false,
                    };
                    if !known {
                        new_groups.insert((first.village.clone(), g.clone()));
                    }
                }
                let phone = members.iter().find_map(|r| r.person.phone.clone());
                HouseholdPlan::New {
                    village: first.village.clone(),
                    group: first.group.clone(),
                    address: first.address.clone(),
                    house_no: first.house_no.clone(),
                    phone,
                }
            }
        };
        let household_id = match &hplan {
            HouseholdPlan::Existing(h) => Some(h.clone()),
            HouseholdPlan::New { .. } => None,
        };
        // The stored head, when the household exists.
        let mut head_taken: Option<String> = match &household_id {
            Some(h) => household::input_of(conn, h)?.head_person_id,
            None => None,
        };
        let mut plans = Vec::new();
        for r in members {
            let existing_person = match &r.id_number {
                Some(id) => person::by_id_number(conn, id, None)?.map(|(pid, _)| pid),
                None => match &household_id {
                    Some(h) => person::in_household_by_name(conn, h, &r.person.name)?,
                    None => None,
                },
            };
            let is_head = r.person.relation == Some(Relation::Head);
            if is_head
                && let Some(h) = &head_taken
                && Some(h) != existing_person.as_ref()
            {
                let who = person::input_of(conn, h).map(|p| p.name).unwrap_or_else(|_| "另一人".into());
                report.errors.push(RowError {
                    row: r.row,
                    column: None,
                    header: Some(Field::Relation.label().into()),
                    message: format!("该户已有户主“{who}”，同一户不能有两位户主"),
                });
                continue;
            }
            let p = match existing_person {
                Some(pid) => {
                    let old = person::input_of(conn, &pid)?;
                    let f = r.person;
                    let merged = PersonInput {
                        household_id: household_id.clone().or(old.household_id.clone()),
                        relation: f.relation.or(old.relation),
                        name: f.name,
                        sex: f.sex.or(old.sex),
                        ethnicity: f.ethnicity.or(old.ethnicity.clone()),
                        birth_date: f.birth_date.or(old.birth_date.clone()),
                        id_number: f.id_number.or(old.id_number.clone()),
                        phone: f.phone.or(old.phone.clone()),
                        residence: f.residence.or(old.residence),
                        tags: old.tags.clone(),
                        address: old.address.clone(),
                        occupation: old.occupation.clone(),
                        notes: f.notes.or(old.notes.clone()),
                    };
                    let valid = match merged.clone().validate(today) {
                        Ok(v) => v,
                        Err(e) => {
                            report.errors.push(RowError {
                                row: r.row,
                                column: None,
                                header: None,
                                message: e.to_string(),
                            });
                            continue;
                        }
                    };
                    let mut tidy = valid.input.clone();
                    tidy.sex = valid.sex;
                    tidy.birth_date = valid.birth_date.map(|d| d.format("%Y-%m-%d").to_string());
                    tidy.id_number = valid.id_number.as_ref().map(|n| n.as_str().to_owned());
                    let mut old_tidy = old.clone();
                    old_tidy.residence = old_tidy.residence.or(Some(Residence::Permanent));
                    tidy.residence = tidy.residence.or(Some(Residence::Permanent));
                    let diff = changes(&old_tidy, &tidy);
                    let unchanged = diff.is_empty();
                    let (action, plan) = if unchanged {
                        report.persons_unchanged += 1;
                        (Action::Unchanged, PersonPlan::Unchanged)
                    } else {
                        report.persons_updated += 1;
                        (Action::Update, PersonPlan::Update { id: pid, input: merged })
                    };
                    report.actions.push(RowAction {
                        row: r.row,
                        name: tidy.name,
                        action,
                        changes: diff,
                        new_household: !unchanged && household_id.is_none(),
                    });
                    plan
                }
                None => {
                    if is_head {
                        head_taken = Some(String::new());
                    }
                    report.persons_created += 1;
                    report.actions.push(RowAction {
                        row: r.row,
                        name: r.person.name.clone(),
                        action: Action::Create,
                        changes: vec![],
                        new_household: household_id.is_none(),
                    });
                    PersonPlan::Create(r.person)
                }
            };
            plans.push((r.row, p));
        }
        if matches!(hplan, HouseholdPlan::New { .. }) {
            if plans.iter().all(|(_, p)| !matches!(p, PersonPlan::Create(_))) {
                continue;
            }
            report.households_created += 1;
        }
        households.push((hplan, plans));
    }
    report.villages_created = new_villages;
    let mut g: Vec<String> = new_groups.into_iter().map(|(v, g)| format!("{v}/{g}")).collect();
    g.sort();
    report.groups_created = g;
    report.errors.sort_by_key(|e| e.row);
    report.actions.sort_by_key(|a| a.row);
    Ok(Plan { report, households })
}

/// Reads the roster (the .xlsx file's bytes) and reports what an import would do, row by
/// row, without writing anything.
pub fn preview(store: &Store, bytes: &[u8]) -> Result<ImportReport> {
    Ok(plan(store.conn(), bytes, store.clock().today())?.report)
}

fn ensure_village(tx: &mut Tx<'_>, name: &str) -> Result<String> {
    match place::village_id_by_name(tx.conn(), name)? {
        Some(id) => Ok(id),
        None => Ok(place::create_village(tx, VillageInput { name: name.into(), code: None, township: None })?.id),
    }
}

fn ensure_group(tx: &mut Tx<'_>, village_id: &str, name: &str) -> Result<String> {
    match place::group_id_by_name(tx.conn(), village_id, name)? {
        Some(id) => Ok(id),
        None => Ok(place::create_group(tx, village_id, name)?.id),
    }
}

/// Imports every valid row of the roster (the .xlsx file's bytes) in one transaction and reports what
/// was done. Rows with errors are left out and listed; if the store refuses a row the
/// file's checks did not foresee, nothing is written and the error names the row.
pub fn apply(store: &mut Store, bytes: &[u8]) -> Result<ImportReport> {
    let today = store.clock().today();
    store.write(|tx| {
        let Plan { mut report, households } = plan(tx.conn(), bytes, today)?;
        for (hplan, people) in households {
            let hid = match hplan {
                HouseholdPlan::Existing(id) => id,
                HouseholdPlan::New { village, group, address, house_no, phone } => {
                    let vid = ensure_village(tx, &village)?;
                    let gid = group.as_deref().map(|g| ensure_group(tx, &vid, g)).transpose()?;
                    household::create(
                        tx,
                        HouseholdInput {
                            village_id: vid,
                            group_id: gid,
                            house_no,
                            address,
                            head_person_id: None,
                            phone,
                            notes: None,
                        },
                    )?
                }
            };
            for (row, p) in people {
                let at_row = |e: Error| match e {
                    Error::Validation { field, message } => {
                        Error::Validation { field, message: format!("第{row}行：{message}") }
                    }
                    Error::Duplicate { field, message, existing_id } => {
                        Error::Duplicate { field, message: format!("第{row}行：{message}"), existing_id }
                    }
                    other => Error::rule(format!("第{row}行：{other}")),
                };
                match p {
                    PersonPlan::Create(mut input) => {
                        input.household_id = Some(hid.clone());
                        person::create(tx, input).map_err(at_row)?;
                    }
                    PersonPlan::Update { id, mut input } => {
                        input.household_id = Some(hid.clone());
                        person::update(tx, &id, input).map_err(at_row)?;
                    }
                    PersonPlan::Unchanged => {}
                }
            }
        }
        report.applied = true;
        Ok(report)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_recognised_in_their_usual_variants() {
        assert_eq!(Field::from_header(" 户主姓名 "), Some(Field::HeadName));
        assert_eq!(Field::from_header("*身份证号码"), Some(Field::IdNumber));
        assert_eq!(Field::from_header("联系电话（必填）"), Some(Field::Phone));
        assert_eq!(Field::from_header("村(社区)"), Some(Field::Village));
        assert_eq!(Field::from_header("与户主\n关系"), Some(Field::Relation));
        assert_eq!(Field::from_header("籍贯"), None);
    }
}
