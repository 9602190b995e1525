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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use chrono::NaiveDate;
use rusqlite::Connection;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::people::{HouseholdInput, PersonInput, VillageInput};
use crate::model::time::parse_date;
use crate::model::{Relation, Residence, Sex};
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

/// Excel's column letter for a 0-based index.
pub fn column_letter(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// A sheet as a grid of cells, with merged regions filled from their top-left cell.
#[derive(Debug, Clone, Default)]
pub struct Grid {
    /// The sheet's name.
    pub sheet: String,
    /// Absolute row index (0-based) of `cells[0]`.
    pub first_row: usize,
    /// Absolute column index of each row's first cell.
    pub first_col: usize,
    /// The cells.
    pub cells: Vec<Vec<Data>>,
}

/// Reads the first sheet of an .xlsx file.
pub fn read_grid(path: &Path) -> Result<Grid> {
    let not_xlsx = |e: &dyn std::fmt::Display| Error::Document {
        message: format!(
            "无法读取 Excel 文件 {}：{e}（请确认是 .xlsx 格式，可在 Excel/WPS 中“另存为 .xlsx”）",
            path.display()
        ),
    };
    if !path.is_file() {
        return Err(Error::validation("path", format!("找不到文件 {}", path.display())));
    }
    let mut wb: Xlsx<_> = open_workbook(path).map_err(|e| not_xlsx(&e))?;
    let sheet = wb.sheet_names().first().cloned().ok_or_else(|| not_xlsx(&"文件中没有工作表"))?;
    let range = wb.worksheet_range(&sheet).map_err(|e| not_xlsx(&e))?;
    let merged = wb.merge_cells_by_sheet_name(&sheet).unwrap_or_default();
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut cells: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    for m in merged {
        let value = range.get_value(m.start).cloned().unwrap_or(Data::Empty);
        for r in m.start.0..=m.end.0 {
            for c in m.start.1..=m.end.1 {
                let (Some(ri), Some(ci)) =
                    ((r as usize).checked_sub(r0 as usize), (c as usize).checked_sub(c0 as usize))
                else {
                    continue;
                };
                if let Some(cell) = cells.get_mut(ri).and_then(|row| row.get_mut(ci)) {
                    *cell = value.clone();
                }
            }
        }
    }
    Ok(Grid { sheet, first_row: r0 as usize, first_col: c0 as usize, cells })
}

/// A cell as text: numbers without a trailing `.0`, dates as `YYYY-MM-DD`.
fn cell_text(d: &Data) -> std::result::Result<Option<String>, String> {
    Ok(match d {
        Data::Empty => None,
        Data::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Data::Int(i) => Some(i.to_string()),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Some(format!("{f:.0}")),
        Data::Float(f) => Some(f.to_string()),
        Data::Bool(b) => Some(if *b { "是" } else { "否" }.into()),
        Data::DateTime(dt) => dt.as_datetime().map(|t| t.date().format("%Y-%m-%d").to_string()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Some(s.clone()),
        Data::Error(e) => return Err(format!("单元格是错误值（{e}）")),
    })
}

/// An ID number cell. Excel keeps 15 significant digits of a number, so an 18-digit ID
/// typed into a number cell has lost its last digits for good: say so.
fn id_cell(d: &Data) -> std::result::Result<Option<String>, String> {
    let as_number = match d {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        _ => None,
    };
    match as_number {
        Some(f) if f.abs() >= 1e15 => Err(format!(
            "身份证号被 Excel 存成了数字（{f:.0}）：Excel 只保留15位有效数字，18位号码的末几位已被舍入，无法还原；请把该列设为“文本”格式后重新录入这个号码"
        )),
        _ => cell_text(d),
    }
}

fn relation(s: &str) -> Option<Relation> {
    Relation::parse(s).or(match s {
        "本人" => Some(Relation::Head),
        "妻" | "妻子" | "夫" | "丈夫" => Some(Relation::Spouse),
        "子" | "女" | "儿子" | "女儿" | "长子" | "次子" | "长女" | "次女" => Some(Relation::Child),
        "儿媳" | "女婿" => Some(Relation::ChildInLaw),
        "孙子" | "孙女" | "外孙" | "外孙女" => Some(Relation::Grandchild),
        "父" | "母" | "父亲" | "母亲" => Some(Relation::Parent),
        "祖父" | "祖母" | "外祖父" | "外祖母" => Some(Relation::Grandparent),
        "兄" | "弟" | "姐" | "妹" | "哥哥" | "弟弟" | "姐姐" | "妹妹" => Some(Relation::Sibling),
        _ => None,
    })
}

/// A row read and checked, before it meets the database.
#[derive(Debug, Clone)]
struct RosterRow {
    row: usize,
    person: PersonInput,
    id_number: Option<String>,
    village: String,
    group: Option<String>,
    address: Option<String>,
    house_no: Option<String>,
    household_key: String,
}

struct Parsed {
    report: ImportReport,
    rows: Vec<RosterRow>,
}

fn header_score(row: &[Data]) -> usize {
    row.iter().filter_map(|d| cell_text(d).ok().flatten()).filter(|h| Field::from_header(h).is_some()).count()
}

/// Reads the grid into checked rows, reporting each bad one.
fn parse(grid: &Grid, today: NaiveDate, default_village: Option<&str>) -> Result<Parsed> {
    let mut report = ImportReport { sheet: grid.sheet.clone(), ..Default::default() };
    let scan = grid.cells.len().min(15);
    let header_idx = (0..scan).max_by_key(|i| (header_score(&grid.cells[*i]), std::cmp::Reverse(*i))).unwrap_or(0);
    if grid.cells.is_empty() || header_score(&grid.cells[header_idx]) < 2 {
        return Err(Error::validation(
            "path",
            "在表格前15行中找不到表头：至少需要“姓名”（或“户主姓名”）和“身份证号”等两列，列名见导入说明",
        ));
    }
    report.header_row = grid.first_row + header_idx + 1;
    let mut cols: BTreeMap<Field, usize> = BTreeMap::new();
    let width = grid.cells[header_idx].len();
    for c in 0..width {
        // A header merged down from the row above counts as this row's (already filled in);
        // a header cell left blank here may sit in the band above (two-level headers).
        let found = (0..=header_idx.min(2)).find_map(|up| {
            let h = cell_text(grid.cells[header_idx - up].get(c)?).ok().flatten()?;
            Field::from_header(&h).map(|f| (f, h))
        });
        match found {
            Some((f, h)) if !cols.contains_key(&f) => {
                cols.insert(f, c);
                report.columns.push(MappedColumn { column: column_letter(grid.first_col + c), header: h, field: f });
            }
            _ => {
                if let Ok(Some(h)) = cell_text(&grid.cells[header_idx][c]) {
                    report.ignored_headers.push(h);
                }
            }
        }
    }
    if !cols.contains_key(&Field::Name) && !cols.contains_key(&Field::HeadName) {
        return Err(Error::validation("path", "表头中没有“姓名”或“户主姓名”列，无法导入"));
    }
    let mut rows = Vec::new();
    let mut seen_ids: HashMap<String, usize> = HashMap::new();
    for (i, cells) in grid.cells.iter().enumerate().skip(header_idx + 1) {
        let row_no = grid.first_row + i + 1;
        if cells.iter().all(|d| matches!(cell_text(d), Ok(None))) {
            report.blank_rows += 1;
            continue;
        }
        report.rows += 1;
        let col_of = |f: Field| cols.get(&f).copied();
        let err = |f: Option<Field>, message: String| RowError {
            row: row_no,
            column: f.and_then(&col_of).map(|c| column_letter(grid.first_col + c)),
            header: f.and_then(|f| report.columns.iter().find(|m| m.field == f).map(|m| m.header.clone())),
            message,
        };
        let get = |f: Field| -> std::result::Result<Option<String>, RowError> {
            let Some(c) = col_of(f) else { return Ok(None) };
            let d = cells.get(c).unwrap_or(&Data::Empty);
            let v = if f == Field::IdNumber { id_cell(d) } else { cell_text(d) };
            v.map_err(|m| err(Some(f), m))
        };
        let read = || -> std::result::Result<RosterRow, RowError> {
            let head_name = get(Field::HeadName)?;
            let name =
                get(Field::Name)?.or_else(|| if col_of(Field::Name).is_none() { head_name.clone() } else { None });
            let name = name.ok_or_else(|| {
                err(Some(Field::Name).filter(|f| col_of(*f).is_some()).or(Some(Field::HeadName)), "姓名为空".into())
            })?;
            let rel = match get(Field::Relation)? {
                Some(s) => Some(relation(&s).ok_or_else(|| err(Some(Field::Relation), format!("与户主关系“{s}”无法识别，可填：户主、配偶、子女、儿媳/女婿、孙子女、父母、祖父母、兄弟姐妹、其他")))?),
                None if head_name.as_deref() == Some(name.as_str()) => Some(Relation::Head),
                None if col_of(Field::Name).is_none() => Some(Relation::Head),
                None => Some(Relation::Other),
            };
            let sex = match get(Field::Sex)? {
                Some(s) => {
                    Some(Sex::parse(&s).ok_or_else(|| err(Some(Field::Sex), format!("性别“{s}”应为“男”或“女”")))?)
                }
                None => None,
            };
            let residence = match get(Field::Residence)? {
                Some(s) => Some(Residence::parse(&s).ok_or_else(|| {
                    err(Some(Field::Residence), format!("居住状态“{s}”应为常住、暂住、流动人口或外出"))
                })?),
                None => None,
            };
            let birth_date = match get(Field::BirthDate)? {
                Some(s) => Some(parse_date(&s).map(|d| d.format("%Y-%m-%d").to_string()).ok_or_else(|| {
                    err(Some(Field::BirthDate), format!("出生日期“{s}”不是有效日期，应写作 1980-05-01"))
                })?),
                None => None,
            };
            let id_number = get(Field::IdNumber)?;
            let input = PersonInput {
                household_id: None,
                relation: rel,
                name,
                sex,
                ethnicity: get(Field::Ethnicity)?,
                birth_date,
                id_number: id_number.clone(),
                phone: get(Field::Phone)?,
                residence,
                tags: vec![],
                address: None,
                occupation: None,
                notes: get(Field::Notes)?,
            };
            // The same checks as the form; the field they name maps back to a column.
            // The household is decided later; a stand-in lets the relation be checked now.
            let with_household = PersonInput { household_id: Some("roster".into()), ..input.clone() };
            let valid = with_household.validate(today).map_err(|e| {
                let f = match e.field() {
                    Some("id_number") => Some(Field::IdNumber),
                    Some("name") => Some(if col_of(Field::Name).is_some() { Field::Name } else { Field::HeadName }),
                    Some("sex") => Some(Field::Sex),
                    Some("birth_date") => Some(Field::BirthDate),
                    Some("phone") => Some(Field::Phone),
                    Some("ethnicity") => Some(Field::Ethnicity),
                    Some("notes") => Some(Field::Notes),
                    _ => None,
                };
                err(f, e.to_string())
            })?;
            let id_number = valid.id_number.as_ref().map(|n| n.as_str().to_owned());
            if let Some(id) = &id_number
                && let Some(first) = seen_ids.get(id)
            {
                return Err(err(Some(Field::IdNumber), format!("身份证号{id}与第{first}行重复")));
            }
            let village = get(Field::Village)?.or_else(|| default_village.map(str::to_owned)).ok_or_else(|| {
                err(
                    Some(Field::Village).filter(|f| col_of(*f).is_some()),
                    "缺少所属村（社区）：请加“村”列，或先在系统中只设一个村".into(),
                )
            })?;
            let group =
                get(Field::Group)?.map(|g| if g.chars().all(|c| c.is_ascii_digit()) { format!("{g}组") } else { g });
            let address = get(Field::Address)?;
            let house_no = get(Field::HouseNo)?;
            let head = head_name.clone().or_else(|| (rel == Some(Relation::Head)).then(|| input.name.clone()));
            let household_key = match get(Field::HouseholdNo)? {
                Some(no) => format!("户号|{village}|{no}"),
                None => {
                    let head = head.ok_or_else(|| {
                        err(
                            Some(Field::HeadName).filter(|f| col_of(*f).is_some()),
                            "缺少户主姓名，无法确定此人属于哪一户".into(),
                        )
                    })?;
                    format!("{village}|{}|{head}|{}", group.as_deref().unwrap_or(""), address.as_deref().unwrap_or(""))
                }
            };
            Ok(RosterRow { row: row_no, person: input, id_number, village, group, address, house_no, household_key })
        };
        match read() {
            Ok(r) => {
                if let Some(id) = &r.id_number {
                    seen_ids.insert(id.clone(), row_no);
                }
                rows.push(r);
            }
            Err(e) => report.errors.push(e),
        }
    }
    Ok(Parsed { report, rows })
}

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
fn plan(conn: &Connection, path: &Path, today: NaiveDate) -> Result<Plan> {
    let grid = read_grid(path)?;
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
                    if diff.is_empty() {
                        report.persons_unchanged += 1;
                        report.actions.push(RowAction {
                            row: r.row,
                            name: tidy.name.clone(),
                            action: Action::Unchanged,
                            changes: diff,
                            new_household: false,
                        });
                        PersonPlan::Unchanged
                    } else {
                        report.persons_updated += 1;
                        report.actions.push(RowAction {
                            row: r.row,
                            name: tidy.name.clone(),
                            action: Action::Update,
                            changes: diff,
                            new_household: household_id.is_none(),
                        });
                        PersonPlan::Update { id: pid, input: merged }
                    }
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

/// Reads the roster at `path` and reports what an import would do, row by row, without
/// writing anything.
pub fn preview(store: &Store, path: &Path) -> Result<ImportReport> {
    Ok(plan(store.conn(), path, store.clock().today())?.report)
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

/// Imports every valid row of the roster at `path` in one transaction and reports what
/// was done. Rows with errors are left out and listed; if the store refuses a row the
/// file's checks did not foresee, nothing is written and the error names the row.
pub fn apply(store: &mut Store, path: &Path) -> Result<ImportReport> {
    let today = store.clock().today();
    store.write(|tx| {
        let Plan { mut report, households } = plan(tx.conn(), path, today)?;
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

    #[test]
    fn column_letters_follow_excel() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }

    #[test]
    fn an_id_number_stored_as_a_number_is_refused_as_rounded() {
        let e = id_cell(&Data::Float(110105194912310000.0)).unwrap_err();
        assert!(e.contains("舍入"), "{e}");
        assert_eq!(id_cell(&Data::Float(110105491231002.0)).ok().flatten().as_deref(), Some("110105491231002"));
        assert_eq!(
            id_cell(&Data::String("11010519491231002X".into())).ok().flatten().as_deref(),
            Some("11010519491231002X")
        );
    }
}
