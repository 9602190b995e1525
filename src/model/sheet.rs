//! A sheet of a ledger (台账) or report: Chinese headers, column widths and how each
//! column shows, and rows of typed cells. The store's ledger queries fill it
//! ([`crate::store::ledger`]); [`crate::docs::xlsx`] writes it. Nothing here knows a
//! workbook format.

use chrono::{NaiveDate, NaiveDateTime};

/// How a column's cells are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text (ID numbers and phones stay text, never numbers Excel could round).
    Text,
    /// A calendar date.
    Date,
    /// A date and time (Beijing).
    DateTime,
    /// A count.
    Int,
    /// Money: stored in fen, shown in yuan with two decimals.
    Money,
    /// A ratio shown as a percentage.
    Percent,
}

/// A column of a sheet.
#[derive(Debug, Clone)]
pub struct Column {
    /// The Chinese header.
    pub header: &'static str,
    /// Width in characters (a Han character counts about 2).
    pub width: f64,
    /// How its cells are shown.
    pub kind: Kind,
}

/// Shorthand for a column.
pub const fn col(header: &'static str, width: f64, kind: Kind) -> Column {
    Column { header, width, kind }
}

/// One cell's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// Text.
    Text(String),
    /// A date.
    Date(NaiveDate),
    /// A date and time.
    DateTime(NaiveDateTime),
    /// A whole number (or fen, in a money column).
    Int(i64),
    /// A fraction (percent columns).
    Ratio(f64),
    /// A number with decimals (hours, yuan), shown with one or two decimals.
    Number(f64),
}

impl From<Option<String>> for Cell {
    fn from(v: Option<String>) -> Self {
        match v {
            Some(s) if !s.is_empty() => Cell::Text(s),
            _ => Cell::Empty,
        }
    }
}

impl From<String> for Cell {
    fn from(v: String) -> Self {
        Cell::from(Some(v))
    }
}

impl From<&str> for Cell {
    fn from(v: &str) -> Self {
        Cell::from(Some(v.to_owned()))
    }
}

impl From<i64> for Cell {
    fn from(v: i64) -> Self {
        Cell::Int(v)
    }
}

impl From<Option<NaiveDate>> for Cell {
    fn from(v: Option<NaiveDate>) -> Self {
        v.map(Cell::Date).unwrap_or(Cell::Empty)
    }
}

/// A sheet: a title for the tab, its columns and its rows.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// Tab name (at most 31 characters).
    pub name: String,
    /// Columns.
    pub columns: Vec<Column>,
    /// Rows of cells, in column order.
    pub rows: Vec<Vec<Cell>>,
}

/// A column of a sheet made from records of type `T`, declared once: header, width, kind
/// and the cell each record gives.
pub struct Field<T> {
    /// The column.
    pub column: Column,
    /// The record's cell.
    pub cell: fn(&T) -> Cell,
}

/// Shorthand for a [`Field`].
pub const fn field<T>(header: &'static str, width: f64, kind: Kind, cell: fn(&T) -> Cell) -> Field<T> {
    Field { column: col(header, width, kind), cell }
}

/// The sheet `name` of `records`, one row each, in the columns `fields` declare.
pub fn sheet_of<T>(name: String, fields: &[Field<T>], records: &[T]) -> Sheet {
    Sheet {
        name,
        columns: fields.iter().map(|f| f.column.clone()).collect(),
        rows: records.iter().map(|r| fields.iter().map(|f| (f.cell)(r)).collect()).collect(),
    }
}
