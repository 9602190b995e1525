//! Ledger queries (台账): each aggregate declares its ledger beside its other queries, one
//! [`LedgerColumn`] per column (header, width, the SQL expression, how it shows), and the
//! `FROM … WHERE … ORDER BY` it reads from; [`Ledger::sheet`] runs it. A new column is one
//! line in one place.
//!
//! The SQL may use three named parameters, bound when present: `:from` and `:to`, the bounds
//! the ledger is cut by (dates or instants as stored, chosen by the caller), and `:today`.

use chrono::NaiveDate;
use rusqlite::{Connection, Row};

use crate::error::Result;
use crate::model::KnownTag;
use crate::model::sheet::{Cell, Column, Kind, Sheet, col};
use crate::model::time::{beijing, parse_date};

/// How a column's stored value shows.
#[derive(Clone, Copy)]
pub enum Show {
    /// Text as stored.
    Text,
    /// A stored date (`YYYY-MM-DD`).
    Date,
    /// A stored instant (RFC 3339), shown in Beijing time.
    Instant,
    /// A whole number.
    Int,
    /// Fen, shown in yuan.
    Money,
    /// A stored code shown as its Chinese label (an unknown code as stored).
    Label(fn(&str) -> Option<&'static str>),
    /// A JSON list of tags, known ones by their labels, joined with 、.
    Tags,
    /// The stored text turned into a cell of the given kind by a function that may also
    /// look at today (what is overdue today, findings listed in words).
    With(Kind, fn(Option<String>, NaiveDate) -> Cell),
}

impl Show {
    fn kind(self) -> Kind {
        match self {
            Show::Text | Show::Label(_) | Show::Tags => Kind::Text,
            Show::Date => Kind::Date,
            Show::Instant => Kind::DateTime,
            Show::Int => Kind::Int,
            Show::Money => Kind::Money,
            Show::With(kind, _) => kind,
        }
    }

    fn cell(self, r: &Row<'_>, i: usize, today: NaiveDate) -> rusqlite::Result<Cell> {
        Ok(match self {
            Show::Int | Show::Money => r.get::<_, Option<i64>>(i)?.map(Cell::Int).unwrap_or(Cell::Empty),
            Show::Text => Cell::from(r.get::<_, Option<String>>(i)?),
            Show::Date => Cell::from(r.get::<_, Option<String>>(i)?.as_deref().and_then(parse_date)),
            Show::Instant => r
                .get::<_, Option<String>>(i)?
                .as_deref()
                .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
                .map(|t| Cell::DateTime(t.with_timezone(&beijing()).naive_local()))
                .unwrap_or(Cell::Empty),
            Show::Label(label) => {
                Cell::from(r.get::<_, Option<String>>(i)?.map(|s| label(&s).map(str::to_owned).unwrap_or(s)))
            }
            Show::Tags => {
                let list = crate::store::json_list(r.get(i)?);
                let shown: Vec<&str> =
                    list.iter().map(|t| KnownTag::parse(t).map(KnownTag::label).unwrap_or(t)).collect();
                Cell::from(shown.join("、"))
            }
            Show::With(_, f) => f(r.get(i)?, today),
        })
    }
}

/// One column of a ledger: its header, width (in characters), SQL expression and how it
/// shows.
#[derive(Clone, Copy)]
pub struct LedgerColumn {
    /// The Chinese header.
    pub header: &'static str,
    /// Width in characters.
    pub width: f64,
    /// The SQL expression it reads.
    pub sql: &'static str,
    /// How it shows.
    pub show: Show,
}

/// Shorthand for a [`LedgerColumn`].
pub const fn column(header: &'static str, width: f64, sql: &'static str, show: Show) -> LedgerColumn {
    LedgerColumn { header, width, sql, show }
}

/// A ledger: its columns and the rest of its query.
pub struct Ledger {
    /// The columns, in order.
    pub columns: &'static [LedgerColumn],
    /// `FROM … WHERE … ORDER BY …`, with `:from`, `:to` and `:today` where it needs them.
    pub from: &'static str,
}

/// The values a ledger query is run with.
#[derive(Debug, Clone, Copy)]
pub struct Cut<'a> {
    /// `:from`, the lower bound (as stored).
    pub from: &'a str,
    /// `:to`, the upper bound (as stored).
    pub to: &'a str,
    /// Today, `:today` (as a stored date) and for [`Show::With`].
    pub today: NaiveDate,
}

impl Ledger {
    /// The sheet's columns.
    pub fn columns(&self) -> Vec<Column> {
        self.columns.iter().map(|c| col(c.header, c.width, c.show.kind())).collect()
    }

    /// The ledger's rows, as cells.
    pub fn rows(&self, conn: &Connection, cut: Cut<'_>) -> Result<Vec<Vec<Cell>>> {
        let mut out = vec![];
        self.each_row(conn, cut, |cells| {
            out.push(cells.to_vec());
            Ok(())
        })?;
        Ok(out)
    }

    /// Hands each row to `row` as it is read, never holding more than one (a county's
    /// 350,000 residents stream into a workbook in the memory of one); returns how many.
    pub fn each_row(
        &self,
        conn: &Connection,
        cut: Cut<'_>,
        mut row: impl FnMut(&[Cell]) -> Result<()>,
    ) -> Result<usize> {
        let exprs: Vec<&str> = self.columns.iter().map(|c| c.sql).collect();
        let sql = format!("SELECT {}\n{}", exprs.join(",\n       "), self.from);
        let mut stmt = conn.prepare(&sql)?;
        let today = cut.today.format("%Y-%m-%d").to_string();
        for (name, value) in [(":from", cut.from), (":to", cut.to), (":today", today.as_str())] {
            if let Some(i) = stmt.parameter_index(name)? {
                stmt.raw_bind_parameter(i, value)?;
            }
        }
        let mut rows = stmt.raw_query();
        let mut cells = Vec::with_capacity(self.columns.len());
        let mut n = 0;
        while let Some(r) = rows.next()? {
            cells.clear();
            for (i, c) in self.columns.iter().enumerate() {
                cells.push(c.show.cell(r, i, cut.today)?);
            }
            row(&cells)?;
            n += 1;
        }
        Ok(n)
    }

    /// The sheet `name`: the columns and the rows.
    pub fn sheet(&self, conn: &Connection, name: String, cut: Cut<'_>) -> Result<Sheet> {
        Ok(Sheet { name, columns: self.columns(), rows: self.rows(conn, cut)? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Sex;

    const PEOPLE: Ledger = Ledger {
        columns: &[
            column("姓名", 10.0, "name", Show::Text),
            column("性别", 6.0, "sex", Show::Label(|s| Sex::parse(s).map(Sex::label))),
            column("出生日期", 12.0, "birth", Show::Date),
            column("金额（元）", 10.0, "fen", Show::Money),
        ],
        from: "FROM (SELECT 'b' AS name, 'female' AS sex, '1980-05-01' AS birth, 150 AS fen
                     UNION ALL SELECT 'a', 'x', NULL, NULL)
               WHERE name >= :from ORDER BY name",
    };

    #[test]
    fn a_ledger_binds_only_the_parameters_it_names_and_shows_each_column_as_declared() {
        let conn = Connection::open_in_memory().unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let s = PEOPLE.sheet(&conn, "人员".into(), Cut { from: "a", to: "z", today }).unwrap();
        let kinds: Vec<Kind> = s.columns.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, [Kind::Text, Kind::Text, Kind::Date, Kind::Money]);
        assert_eq!(s.rows[0], [Cell::from("a"), Cell::from("x"), Cell::Empty, Cell::Empty]);
        assert_eq!(
            s.rows[1],
            [
                Cell::from("b"),
                Cell::from("女"),
                Cell::Date(NaiveDate::from_ymd_opt(1980, 5, 1).unwrap()),
                Cell::Int(150)
            ]
        );
        assert_eq!(PEOPLE.rows(&conn, Cut { from: "b", to: "z", today }).unwrap().len(), 1);
    }
}
