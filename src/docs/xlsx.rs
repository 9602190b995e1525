//! Excel ledgers (台账), written with rust_xlsxwriter: one sheet per ledger with Chinese
//! headers, sensible column widths, real dates formatted `yyyy-mm-dd`, amounts in yuan,
//! and the header row frozen.
//!
//! [`Sheet`] (from [`crate::model::sheet`]) is the neutral shape, headers and typed cells; the
//! store's ledger queries fill it. A [`Book`] writes sheets a row at a time: held in memory
//! for a report's few rows, or streamed (rust_xlsxwriter's constant-memory mode) for a
//! ledger, whose rows go to a temporary file as they come, so a county's 350,000 residents
//! take no more memory than a post's hundred. Writing knows nothing of disputes or households.

use std::io::{Seek, Write};
use std::path::Path;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use crate::error::{Error, Result};

pub use crate::model::sheet::{Cell, Column, Kind, Sheet, col};

fn xlsx_err(e: XlsxError) -> Error {
    Error::Document { message: format!("生成 Excel 文件失败：{e}") }
}

fn excel_date(d: NaiveDate) -> std::result::Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

fn excel_datetime(t: NaiveDateTime) -> std::result::Result<ExcelDateTime, XlsxError> {
    excel_date(t.date())?.and_hms(t.hour() as u16, t.minute() as u8, t.second())
}

/// The cell formats of every sheet.
struct Formats {
    header: Format,
    text: Format,
    wrap: Format,
    date: Format,
    datetime: Format,
    int: Format,
    money: Format,
    percent: Format,
    decimal: Format,
}

impl Formats {
    fn new() -> Formats {
        let text = Format::new().set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter);
        Formats {
            header: Format::new()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap()
                .set_background_color("#DDEBF7")
                .set_border(FormatBorder::Thin),
            wrap: text.clone().set_text_wrap(),
            date: text.clone().set_num_format("yyyy-mm-dd"),
            datetime: text.clone().set_num_format("yyyy-mm-dd hh:mm"),
            int: text.clone().set_num_format("0"),
            money: text.clone().set_num_format("#,##0.00"),
            percent: text.clone().set_num_format("0.0%"),
            decimal: text.clone().set_num_format("#,##0.0#"),
            text,
        }
    }

    fn write(&self, ws: &mut Worksheet, r: u32, c: u16, cell: &Cell, kind: Kind) -> Result<()> {
        match (cell, kind) {
            (Cell::Empty, _) => ws.write_blank(r, c, &self.text).map(drop),
            (Cell::Text(t), Kind::Text) if t.chars().count() > 30 => {
                ws.write_string_with_format(r, c, t, &self.wrap).map(drop)
            }
            (Cell::Text(t), _) => ws.write_string_with_format(r, c, t, &self.text).map(drop),
            (Cell::Date(d), _) => {
                ws.write_datetime_with_format(r, c, excel_date(*d).map_err(xlsx_err)?, &self.date).map(drop)
            }
            (Cell::DateTime(t), _) => {
                ws.write_datetime_with_format(r, c, excel_datetime(*t).map_err(xlsx_err)?, &self.datetime).map(drop)
            }
            (Cell::Int(fen), Kind::Money) => {
                ws.write_number_with_format(r, c, *fen as f64 / 100.0, &self.money).map(drop)
            }
            (Cell::Int(n), _) => ws.write_number_with_format(r, c, *n as f64, &self.int).map(drop),
            (Cell::Ratio(x), _) => ws.write_number_with_format(r, c, *x, &self.percent).map(drop),
            (Cell::Number(x), _) => ws.write_number_with_format(r, c, *x, &self.decimal).map(drop),
        }
        .map_err(xlsx_err)
    }
}

/// The sheet being written: its index in the workbook, its columns' kinds and the next row.
struct Current {
    index: usize,
    kinds: Vec<Kind>,
    next: u32,
}

/// A workbook written a sheet at a time and each sheet a row at a time.
pub struct Book {
    wb: Workbook,
    formats: Formats,
    streamed: bool,
    current: Option<Current>,
}

impl Book {
    /// A workbook held in memory until it is saved (a report's page of figures).
    pub fn in_memory() -> Book {
        Book { wb: Workbook::new(), formats: Formats::new(), streamed: false, current: None }
    }

    /// A workbook whose sheets are streamed: each row is written out to an unnamed temporary
    /// file in `dir` as it comes (rust_xlsxwriter's constant-memory mode, strings inline), so a
    /// sheet of any length takes the same memory. `dir` is the folder the workbook is saved
    /// in, whose disk holds the rows once saved anyway; they never go to the system's
    /// temporary folder.
    pub fn streamed(dir: &Path) -> Result<Book> {
        let mut wb = Workbook::new();
        wb.set_tempdir(dir).map_err(xlsx_err)?;
        Ok(Book { wb, formats: Formats::new(), streamed: true, current: None })
    }

    /// Starts sheet `name` with `columns`: widths, the header row (frozen) written.
    pub fn sheet(&mut self, name: &str, columns: &[Column]) -> Result<()> {
        self.end_sheet()?;
        let index = self.wb.worksheets().len();
        let ws = if self.streamed {
            self.wb.add_worksheet_with_constant_memory().map_err(xlsx_err)?
        } else {
            self.wb.add_worksheet()
        };
        ws.set_name(name).map_err(xlsx_err)?;
        ws.set_freeze_panes(1, 0).map_err(xlsx_err)?;
        ws.set_row_height(0, 30).map_err(xlsx_err)?;
        for (c, column) in columns.iter().enumerate() {
            let c = c as u16;
            ws.set_column_width(c, column.width).map_err(xlsx_err)?;
            ws.write_string_with_format(0, c, column.header, &self.formats.header).map_err(xlsx_err)?;
        }
        self.current = Some(Current { index, kinds: columns.iter().map(|c| c.kind).collect(), next: 1 });
        Ok(())
    }

    /// Appends a row of cells, in the current sheet's column order.
    pub fn row(&mut self, cells: &[Cell]) -> Result<()> {
        let Some(cur) = self.current.as_mut() else {
            return Err(Error::Document { message: "生成 Excel 文件失败：没有工作表".into() });
        };
        let ws = self.wb.worksheet_from_index(cur.index).map_err(xlsx_err)?;
        for (c, (cell, kind)) in cells.iter().zip(&cur.kinds).enumerate() {
            self.formats.write(ws, cur.next, c as u16, cell, *kind)?;
        }
        cur.next += 1;
        Ok(())
    }

    /// Writes a whole sheet held in memory.
    pub fn add(&mut self, sheet: &Sheet) -> Result<()> {
        self.sheet(&sheet.name, &sheet.columns)?;
        sheet.rows.iter().try_for_each(|r| self.row(r))
    }

    /// Ends the current sheet: a filter over its rows, when it has any.
    fn end_sheet(&mut self) -> Result<()> {
        if let Some(cur) = self.current.take()
            && cur.next > 1
        {
            let ws = self.wb.worksheet_from_index(cur.index).map_err(xlsx_err)?;
            ws.autofilter(0, 0, cur.next - 1, cur.kinds.len().saturating_sub(1) as u16).map_err(xlsx_err)?;
        }
        Ok(())
    }

    /// Saves the workbook into `w` (a file: the zip is written and rewound as it goes).
    pub fn save_to<W: Write + Seek + Send>(mut self, w: W) -> Result<()> {
        self.end_sheet()?;
        self.wb.save_to_writer(w).map_err(xlsx_err)
    }

    /// The workbook's bytes.
    pub fn to_bytes(mut self) -> Result<Vec<u8>> {
        self.end_sheet()?;
        self.wb.save_to_buffer().map_err(xlsx_err)
    }
}

/// The .xlsx bytes of `sheets`, built in memory (reports; a ledger streams through a
/// [`Book::streamed`]).
pub fn to_bytes(sheets: &[Sheet]) -> Result<Vec<u8>> {
    let mut book = Book::in_memory();
    for s in sheets {
        book.add(s)?;
    }
    book.to_bytes()
}
