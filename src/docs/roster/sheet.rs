//! Reading a roster sheet: the grid of cells (merged regions filled), the header row found
//! among the first lines, each column mapped by its header, and each row checked by the
//! same rules as the forms into a [`RosterRow`] or a [`RowError`].

use std::collections::{BTreeMap, HashMap};

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;

use super::{Field, ImportReport, MappedColumn, RowError};
use crate::error::{Error, Result};
use crate::model::people::PersonInput;
use crate::model::time::parse_date;
use crate::model::{Relation, Residence, Sex};

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

/// The most rows a roster may have: several times a large post's residents.
pub const MAX_ROWS: usize = 100_000;

/// Reads the first sheet of an .xlsx file's bytes (the api reads the file through the
/// file gate, `store::files`).
pub fn read_grid(bytes: &[u8]) -> Result<Grid> {
    let not_xlsx = |e: &dyn std::fmt::Display| Error::Document {
        message: format!("无法读取 Excel 文件：{e}（请确认是 .xlsx 格式，可在 Excel/WPS 中“另存为 .xlsx”）"),
    };
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| not_xlsx(&e))?;
    let sheet = wb.sheet_names().first().cloned().ok_or_else(|| not_xlsx(&"文件中没有工作表"))?;
    let range = wb.worksheet_range(&sheet).map_err(|e| not_xlsx(&e))?;
    if range.height() > MAX_ROWS {
        return Err(Error::validation(
            "path",
            format!("花名册有 {} 行，超过一次导入的上限 {MAX_ROWS} 行，请分成几个文件导入", range.height()),
        ));
    }
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
pub(super) struct RosterRow {
    pub(super) row: usize,
    pub(super) person: PersonInput,
    pub(super) id_number: Option<String>,
    pub(super) village: String,
    pub(super) group: Option<String>,
    pub(super) address: Option<String>,
    pub(super) house_no: Option<String>,
    pub(super) household_key: String,
}

pub(super) struct Parsed {
    pub(super) report: ImportReport,
    pub(super) rows: Vec<RosterRow>,
}

fn header_score(row: &[Data]) -> usize {
    row.iter().filter_map(|d| cell_text(d).ok().flatten()).filter(|h| Field::from_header(h).is_some()).count()
}

/// Reads the grid into checked rows, reporting each bad one.
pub(super) fn parse(grid: &Grid, today: NaiveDate, default_village: Option<&str>) -> Result<Parsed> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
