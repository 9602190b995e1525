//! Excel ledgers (台账), written with rust_xlsxwriter: one sheet per ledger with Chinese
//! headers, sensible column widths, real dates formatted `yyyy-mm-dd`, amounts in yuan,
//! and the header row frozen.
//!
//! [`Sheet`] (from [`crate::model::sheet`]) is the neutral shape, headers and typed cells; the
//! store's ledger queries fill it. Writing knows nothing of disputes or households.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, XlsxError};

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

/// Builds the workbook for `sheets`.
pub fn workbook(sheets: &[Sheet]) -> Result<Workbook> {
    let mut wb = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
        .set_background_color("#DDEBF7")
        .set_border(FormatBorder::Thin);
    let text = Format::new().set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter);
    let wrap = text.clone().set_text_wrap();
    let date = text.clone().set_num_format("yyyy-mm-dd");
    let datetime = text.clone().set_num_format("yyyy-mm-dd hh:mm");
    let int = text.clone().set_num_format("0");
    let money = text.clone().set_num_format("#,##0.00");
    let percent = text.clone().set_num_format("0.0%");
    let decimal = text.clone().set_num_format("#,##0.0#");
    for s in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&s.name).map_err(xlsx_err)?;
        ws.set_row_height(0, 30).map_err(xlsx_err)?;
        for (c, column) in s.columns.iter().enumerate() {
            let c = c as u16;
            ws.set_column_width(c, column.width).map_err(xlsx_err)?;
            ws.write_string_with_format(0, c, column.header, &header).map_err(xlsx_err)?;
        }
        ws.set_freeze_panes(1, 0).map_err(xlsx_err)?;
        for (r, row) in s.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, (cell, column)) in row.iter().zip(&s.columns).enumerate() {
                let c = c as u16;
                match (cell, column.kind) {
                    (Cell::Empty, _) => ws.write_blank(r, c, &text).map(|_| ()),
                    (Cell::Text(t), Kind::Text) if t.chars().count() > 30 => {
                        ws.write_string_with_format(r, c, t, &wrap).map(|_| ())
                    }
                    (Cell::Text(t), _) => ws.write_string_with_format(r, c, t, &text).map(|_| ()),
                    (Cell::Date(d), _) => {
                        ws.write_datetime_with_format(r, c, excel_date(*d).map_err(xlsx_err)?, &date).map(|_| ())
                    }
                    (Cell::DateTime(t), _) => ws
                        .write_datetime_with_format(r, c, excel_datetime(*t).map_err(xlsx_err)?, &datetime)
                        .map(|_| ()),
                    (Cell::Int(fen), Kind::Money) => {
                        ws.write_number_with_format(r, c, *fen as f64 / 100.0, &money).map(|_| ())
                    }
                    (Cell::Int(n), _) => ws.write_number_with_format(r, c, *n as f64, &int).map(|_| ()),
                    (Cell::Ratio(x), _) => ws.write_number_with_format(r, c, *x, &percent).map(|_| ()),
                    (Cell::Number(x), _) => ws.write_number_with_format(r, c, *x, &decimal).map(|_| ()),
                }
                .map_err(xlsx_err)?;
            }
        }
        if !s.rows.is_empty() {
            ws.autofilter(0, 0, s.rows.len() as u32, s.columns.len().saturating_sub(1) as u16).map_err(xlsx_err)?;
        }
    }
    Ok(wb)
}

/// The .xlsx bytes of `sheets`.
pub fn to_bytes(sheets: &[Sheet]) -> Result<Vec<u8>> {
    workbook(sheets)?.save_to_buffer().map_err(xlsx_err)
}
