//! A small document model and its layout onto A4 pages, written as PDF with printpdf.
//!
//! A [`Document`] is a list of [`Block`]s: titles, headings, paragraphs, labelled fields,
//! tables, signature lines with fingerprint boxes, and the seal block. [`render`] lays
//! them out by hand: every glyph's advance is measured from the font, lines are broken by
//! the Chinese rules (no line starts with a closing mark such as ，。、；：？！）」》, none
//! ends with an opening mark such as （「《), every full line of a paragraph is justified to
//! both margins when that takes no more than [`READABLE_SPACING`] between characters (a line
//! too loose for that stays ragged, as typesetters leave it, so that text extraction reads
//! it as typed), and the text runs onto further pages with “第 N 页 共 M 页” at the foot.
//! A character the font lacks is refused, naming it, instead of printing an empty box.
//!
//! Coordinates inside this module are points from the top-left of the page; they are
//! flipped to PDF's bottom-left origin only when the operations are written (`draw`); the
//! line breaking is `lines`'s.

use printpdf::{Mm, PdfDocument, PdfPage, PdfSaveOptions};

use crate::docs::font::{Fonts, Weight, fonts, missing_message};
use crate::error::{Error, Result};

mod draw;
mod lines;

use draw::ops;
pub use lines::{NO_LINE_END, NO_LINE_START, WrappedLine, wrap};

/// A4 width in points.
pub const PAGE_W: f32 = 595.28;
/// A4 height in points.
pub const PAGE_H: f32 = 841.89;
const MARGIN_X: f32 = 72.0;
const MARGIN_TOP: f32 = 68.0;
const MARGIN_BOTTOM: f32 = 72.0;
const BODY: f32 = 12.0;
const LEADING: f32 = 22.0;
const TABLE_SIZE: f32 = 10.5;
const TABLE_LEADING: f32 = 16.0;
const CELL_PAD: f32 = 4.0;

/// The widest character spacing, as a fraction of the type size, that justification and
/// titles use. Text extraction reads glyphs further apart than that as separate words and puts
/// a space between them: poppler's (pdftotext, and the PDF viewers built on it) starts a new
/// word at a gap of a tenth of the size, and a line spread wider read back as “公 民 身 份 号
/// 码”, so searching or pasting from the PDF failed. Half poppler's figure leaves room for
/// other readers and for rounding. A full line of Chinese lacks at most one character's width,
/// under 0.03 of the size per gap across a line, so only lines broken before a long number or
/// word, or with several marks carried down, are left ragged.
pub const READABLE_SPACING: f32 = 0.05;

/// A document to lay out.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// The PDF's title (metadata).
    pub title: String,
    /// Text printed at the foot of every page before the page number, e.g. the document
    /// number, so a loose page can be matched to its agreement.
    pub footer: Option<String>,
    /// The content, top to bottom.
    pub blocks: Vec<Block>,
}

/// One piece of a document.
#[derive(Debug, Clone)]
pub enum Block {
    /// The document's title: large, bold, centred.
    Title(String),
    /// A centred line in body size (e.g. the document number under the title).
    Centered(String),
    /// A right-aligned line in body size.
    Right(String),
    /// A bold section heading.
    Heading(String),
    /// A justified paragraph; `indent` starts its first line two characters in. A `\n`
    /// inside starts a new paragraph.
    Paragraph {
        /// The text.
        text: String,
        /// Indent the first line by two characters.
        indent: bool,
    },
    /// `label：value`, the value wrapped under itself (hanging indent).
    Field {
        /// e.g. 姓名.
        label: String,
        /// The value; may run over several lines.
        value: String,
    },
    /// A ruled table.
    Table(Table),
    /// Signature lines; a party's line carries a fingerprint box.
    Signatures(Vec<Signature>),
    /// The issuing body with a place for its seal, and the date.
    Seal {
        /// e.g. 青山村人民调解委员会.
        issuer: String,
        /// e.g. 2026年11月23日.
        date: String,
    },
    /// Vertical space, in points.
    Space(f32),
    /// Blocks kept on one page when they fit on one (e.g. the copies clause and the
    /// signatures, so the signatures never stand alone on a page).
    KeepTogether(Vec<Block>),
}

/// A ruled table.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Relative column widths.
    pub widths: Vec<f32>,
    /// The header row (bold, repeated on every page), if any.
    pub header: Option<Vec<String>>,
    /// A bold line above the header on every later page the table runs onto (e.g. the
    /// village a route sheet's rows belong to, with （续）), so a page never starts with rows
    /// whose heading is on the page before.
    pub continued: Option<String>,
    /// The rows; a row may have fewer cells than columns.
    pub rows: Vec<Vec<String>>,
}

/// One signature line.
#[derive(Debug, Clone)]
pub struct Signature {
    /// e.g. 当事人（申请人）.
    pub role: String,
    /// The printed name beside the line.
    pub name: String,
    /// What to do on the line, e.g. 签名、盖章或按指印.
    pub how: String,
    /// Draw a fingerprint box.
    pub fingerprint: bool,
}

#[derive(Debug, Clone)]
enum Item {
    Text { x: f32, y: f32, size: f32, weight: Weight, spacing: f32, text: String },
    Rule { x1: f32, y1: f32, x2: f32, y2: f32, width: f32, dashed: bool },
    Circle { cx: f32, cy: f32, r: f32 },
}

struct Layout<'f> {
    fonts: &'f Fonts,
    pages: Vec<Vec<Item>>,
    y: f32,
}

fn missing(c: char) -> Error {
    Error::validation("document", missing_message("文书内容", c))
}

impl<'f> Layout<'f> {
    fn new(fonts: &'f Fonts) -> Self {
        Layout { fonts, pages: vec![Vec::new()], y: MARGIN_TOP }
    }

    fn bottom() -> f32 {
        PAGE_H - MARGIN_BOTTOM
    }

    fn width() -> f32 {
        PAGE_W - 2.0 * MARGIN_X
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN_TOP;
    }

    /// Makes room for `h` points, starting a page when the rest of this one is too short.
    fn room(&mut self, h: f32) {
        if self.y + h > Self::bottom() && self.y > MARGIN_TOP {
            self.new_page();
        }
    }

    fn push(&mut self, item: Item) {
        if let Some(p) = self.pages.last_mut() {
            p.push(item);
        }
    }

    fn text(&mut self, x: f32, baseline: f32, size: f32, weight: Weight, spacing: f32, text: String) {
        if !text.is_empty() {
            self.push(Item::Text { x, y: baseline, size, weight, spacing, text });
        }
    }

    fn measure(&self, weight: Weight, text: &str, size: f32) -> Result<f32> {
        let face = self.fonts.face(weight);
        text.chars()
            .filter(|c| *c != '\n')
            .try_fold(0.0, |w, c| Ok(w + face.advance(c, size).ok_or_else(|| missing(c))?))
    }

    /// Lays out wrapped lines at `x`, one leading each, breaking pages between lines.
    fn lines(&mut self, x: f32, first_x: f32, lines: Vec<WrappedLine>, size: f32, leading: f32, weight: Weight) {
        for (i, l) in lines.into_iter().enumerate() {
            self.room(leading);
            let baseline = self.y + (leading + size * 0.7) / 2.0;
            let lx = if i == 0 { first_x } else { x };
            self.text(lx, baseline, size, weight, l.spacing, l.text);
            self.y += leading;
        }
    }

    fn block(&mut self, b: &Block) -> Result<()> {
        let w = Self::width();
        match b {
            Block::Title(t) => {
                let size = 20.0;
                let tw = self.measure(Weight::Bold, t, size)?;
                // Short titles (the agreements') are set letter-spaced, as on the printed
                // forms, but no wider than text extraction still reads as one word.
                let n = t.chars().count().max(1) as f32;
                let spacing = if n <= 10.0 { size * READABLE_SPACING } else { 0.0 };
                let total = tw + spacing * (n - 1.0);
                self.room(40.0);
                self.text(MARGIN_X + (w - total) / 2.0, self.y + 26.0, size, Weight::Bold, spacing, t.clone());
                self.y += 40.0;
            }
            Block::Centered(t) | Block::Right(t) => {
                let tw = self.measure(Weight::Regular, t, BODY)?;
                let x = if matches!(b, Block::Centered(_)) { MARGIN_X + (w - tw) / 2.0 } else { MARGIN_X + w - tw };
                self.room(LEADING);
                self.text(x, self.y + 15.0, BODY, Weight::Regular, 0.0, t.clone());
                self.y += LEADING;
            }
            Block::Heading(t) => {
                let lines = wrap(self.fonts.face(Weight::Bold), t, 13.0, w, 0.0, false).map_err(missing)?;
                // Keep a heading with at least two lines of what follows.
                self.room(LEADING * (lines.len() as f32 + 2.0) + 6.0);
                self.y += 6.0;
                self.lines(MARGIN_X, MARGIN_X, lines, 13.0, LEADING, Weight::Bold);
            }
            Block::Paragraph { text, indent } => {
                let first = if *indent { 2.0 * BODY } else { 0.0 };
                for para in text.split('\n') {
                    let lines = wrap(self.fonts.face(Weight::Regular), para, BODY, w, first, true).map_err(missing)?;
                    self.lines(MARGIN_X, MARGIN_X + first, lines, BODY, LEADING, Weight::Regular);
                }
            }
            Block::Field { label, value } => {
                let label = format!("{label}：");
                let lw = self.measure(Weight::Bold, &label, BODY)?;
                if lw > w * 0.4 {
                    let text = format!("{label}{value}");
                    let lines = wrap(self.fonts.face(Weight::Regular), &text, BODY, w, 0.0, true).map_err(missing)?;
                    self.lines(MARGIN_X, MARGIN_X, lines, BODY, LEADING, Weight::Regular);
                } else {
                    let value = if value.trim().is_empty() { "（无）" } else { value.as_str() };
                    let mut all = Vec::new();
                    for para in value.split('\n') {
                        all.extend(
                            wrap(self.fonts.face(Weight::Regular), para, BODY, w - lw, 0.0, true).map_err(missing)?,
                        );
                    }
                    self.room(LEADING);
                    self.text(MARGIN_X, self.y + (LEADING + BODY * 0.7) / 2.0, BODY, Weight::Bold, 0.0, label);
                    self.lines(MARGIN_X + lw, MARGIN_X + lw, all, BODY, LEADING, Weight::Regular);
                }
            }
            Block::Table(t) => self.table(t)?,
            Block::Signatures(sigs) => {
                for s in sigs {
                    self.signature(s)?;
                }
            }
            Block::Seal { issuer, date } => {
                let h = 130.0;
                self.room(h);
                let iw = self.measure(Weight::Regular, issuer, BODY)?;
                let dw = self.measure(Weight::Regular, date, BODY)?;
                let right = MARGIN_X + w;
                let cx = right - iw.max(dw).max(120.0) / 2.0;
                let top = self.y + 10.0;
                self.text(right - iw, top + 45.0, BODY, Weight::Regular, 0.0, issuer.clone());
                let mark = "（印章）";
                let mw = self.measure(Weight::Regular, mark, 9.0)?;
                self.text(cx - mw / 2.0, top + 66.0, 9.0, Weight::Regular, 0.0, mark.into());
                self.text(right - dw, top + 92.0, BODY, Weight::Regular, 0.0, date.clone());
                self.push(Item::Circle { cx, cy: top + 60.0, r: 56.0 });
                self.y += h;
            }
            Block::Space(h) => {
                self.y += h;
            }
            Block::KeepTogether(blocks) => {
                let h = self.height_of(blocks)?;
                if h <= Self::bottom() - MARGIN_TOP {
                    self.room(h);
                }
                for b in blocks {
                    self.block(b)?;
                }
            }
        }
        Ok(())
    }

    /// The height `blocks` take, measured by laying them out on a scratch page.
    fn height_of(&self, blocks: &[Block]) -> Result<f32> {
        let mut scratch = Layout { fonts: self.fonts, pages: vec![Vec::new()], y: MARGIN_TOP };
        for b in blocks {
            scratch.block(b)?;
        }
        let pages = scratch.pages.len() as f32;
        Ok((pages - 1.0) * (Self::bottom() - MARGIN_TOP) + scratch.y - MARGIN_TOP)
    }

    fn signature(&mut self, s: &Signature) -> Result<()> {
        let h = if s.fingerprint { 64.0 } else { 40.0 };
        self.room(h);
        let w = Self::width();
        let label = format!("{}：{}", s.role, s.name);
        let baseline = self.y + 22.0;
        self.text(MARGIN_X, baseline, BODY, Weight::Regular, 0.0, label);
        let how = format!("（{}）", s.how);
        let line_x = MARGIN_X + w * 0.48;
        let line_end = MARGIN_X + w - if s.fingerprint { 70.0 } else { 0.0 };
        self.push(Item::Rule {
            x1: line_x,
            y1: baseline + 3.0,
            x2: line_end,
            y2: baseline + 3.0,
            width: 0.6,
            dashed: false,
        });
        self.text(line_x, baseline + 15.0, 8.0, Weight::Regular, 0.0, how);
        if s.fingerprint {
            let bx = MARGIN_X + w - 56.0;
            let by = self.y + 4.0;
            let side = 52.0;
            for (x1, y1, x2, y2) in [
                (bx, by, bx + side, by),
                (bx + side, by, bx + side, by + side),
                (bx + side, by + side, bx, by + side),
                (bx, by + side, bx, by),
            ] {
                self.push(Item::Rule { x1, y1, x2, y2, width: 0.5, dashed: true });
            }
            let mark = "指印";
            let mw = self.measure(Weight::Regular, mark, 8.0)?;
            self.text(bx + (side - mw) / 2.0, by + side - 5.0, 8.0, Weight::Regular, 0.0, mark.into());
        }
        self.y += h;
        Ok(())
    }

    fn table(&mut self, t: &Table) -> Result<()> {
        let w = Self::width();
        let total: f32 = t.widths.iter().sum::<f32>().max(f32::EPSILON);
        let cols: Vec<f32> = t.widths.iter().map(|c| c / total * w).collect();
        let wrap_row = |row: &[String], weight: Weight| -> Result<Vec<Vec<WrappedLine>>> {
            cols.iter()
                .enumerate()
                .map(|(i, cw)| {
                    let text = row.get(i).map(String::as_str).unwrap_or("");
                    let mut out = Vec::new();
                    for para in text.split('\n') {
                        out.extend(
                            wrap(self.fonts.face(weight), para, TABLE_SIZE, cw - 2.0 * CELL_PAD, 0.0, false)
                                .map_err(missing)?,
                        );
                    }
                    Ok(out)
                })
                .collect()
        };
        let header = t.header.as_ref().map(|h| wrap_row(h, Weight::Bold)).transpose()?;
        let row_h = |cells: &[Vec<WrappedLine>]| -> f32 {
            cells.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * TABLE_LEADING + 2.0 * CELL_PAD
        };
        let draw_header = |me: &mut Self| {
            if let Some(h) = &header {
                let hh = row_h(h);
                me.row(&cols, h.clone(), hh, Weight::Bold);
            }
        };
        let continued = t
            .continued
            .as_ref()
            .map(|c| wrap(self.fonts.face(Weight::Bold), c, BODY, w, 0.0, false).map_err(missing))
            .transpose()?;
        // A later page: the continuation line, then the header.
        let next_page = |me: &mut Self| {
            me.new_page();
            if let Some(c) = &continued {
                me.lines(MARGIN_X, MARGIN_X, c.clone(), BODY, LEADING, Weight::Bold);
            }
            draw_header(me);
        };
        let continued_h = continued.as_ref().map_or(0.0, |c| c.len() as f32 * LEADING);
        let header_h = header.as_ref().map(|h| row_h(h)).unwrap_or(0.0) + continued_h;
        self.room(header_h - continued_h + TABLE_LEADING + 2.0 * CELL_PAD);
        draw_header(self);
        for row in &t.rows {
            let mut cells = wrap_row(row, Weight::Regular)?;
            loop {
                let h = row_h(&cells);
                if self.y + h <= Self::bottom() {
                    self.row(&cols, cells, h, Weight::Regular);
                    break;
                }
                let fits = ((Self::bottom() - self.y - 2.0 * CELL_PAD) / TABLE_LEADING).floor().max(0.0) as usize;
                let fresh_fits = h <= Self::bottom() - MARGIN_TOP - header_h;
                if fresh_fits || fits == 0 {
                    next_page(self);
                    if fresh_fits {
                        continue;
                    }
                }
                // A row taller than a page: split it between lines.
                let fits = ((Self::bottom() - self.y - 2.0 * CELL_PAD) / TABLE_LEADING).floor().max(1.0) as usize;
                let rest: Vec<Vec<WrappedLine>> =
                    cells.iter_mut().map(|c| if c.len() > fits { c.split_off(fits) } else { Vec::new() }).collect();
                let h = row_h(&cells);
                self.row(&cols, cells, h, Weight::Regular);
                next_page(self);
                cells = rest;
            }
        }
        Ok(())
    }

    fn row(&mut self, cols: &[f32], cells: Vec<Vec<WrappedLine>>, h: f32, weight: Weight) {
        let top = self.y;
        let mut x = MARGIN_X;
        self.push(Item::Rule {
            x1: MARGIN_X,
            y1: top,
            x2: MARGIN_X + cols.iter().sum::<f32>(),
            y2: top,
            width: 0.5,
            dashed: false,
        });
        for (cw, lines) in cols.iter().zip(cells) {
            self.push(Item::Rule { x1: x, y1: top, x2: x, y2: top + h, width: 0.5, dashed: false });
            for (i, l) in lines.into_iter().enumerate() {
                let baseline = top + CELL_PAD + i as f32 * TABLE_LEADING + (TABLE_LEADING + TABLE_SIZE * 0.7) / 2.0;
                self.text(x + CELL_PAD, baseline, TABLE_SIZE, weight, 0.0, l.text);
            }
            x += cw;
        }
        self.push(Item::Rule { x1: x, y1: top, x2: x, y2: top + h, width: 0.5, dashed: false });
        self.push(Item::Rule { x1: MARGIN_X, y1: top + h, x2: x, y2: top + h, width: 0.5, dashed: false });
        self.y = top + h;
    }
}

/// A laid-out PDF.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// How many pages.
    pub pages: usize,
}

/// Lays out `doc` and returns the PDF. The fonts are parsed on the first call and kept;
/// only the glyphs used are embedded.
pub fn render(doc: &Document) -> Result<Rendered> {
    let fonts = fonts()?;
    let mut layout = Layout::new(fonts);
    for b in &doc.blocks {
        layout.block(b)?;
    }
    let total = layout.pages.len();
    let mut pdf = PdfDocument::new(&doc.title);
    let regular = pdf.add_font(&fonts.regular.parsed);
    let bold = pdf.add_font(&fonts.bold.parsed);
    let mut pages = Vec::with_capacity(total);
    for (i, mut items) in layout.pages.into_iter().enumerate() {
        let mut foot = format!("第 {} 页  共 {total} 页", i + 1);
        if let Some(f) = &doc.footer {
            foot = format!("{f}    {foot}");
        }
        let fw: f32 =
            foot.chars().map(|c| fonts.regular.advance(c, 9.0).ok_or_else(|| missing(c))).sum::<Result<f32>>()?;
        items.push(Item::Text {
            x: (PAGE_W - fw) / 2.0,
            y: PAGE_H - 40.0,
            size: 9.0,
            weight: Weight::Regular,
            spacing: 0.0,
            text: foot,
        });
        pages.push(PdfPage::new(Mm(210.0), Mm(297.0), ops(items, &regular, &bold)));
    }
    let mut warnings = Vec::new();
    let bytes = pdf.with_pages(pages).save(&PdfSaveOptions::default(), &mut warnings);
    Ok(Rendered { bytes, pages: total })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn lines(text: &str, width_chars: f32) -> Vec<String> {
        let f = fonts().unwrap();
        wrap(&f.regular, text, 12.0, width_chars * 12.0, 0.0, true).unwrap().into_iter().map(|l| l.text).collect()
    }

    #[test]
    fn no_line_starts_with_a_closing_mark_or_ends_with_an_opening_one() {
        // Width 5: a naive break would put “，” at the head of line 2.
        let cases: &[(&str, f32)] = &[
            ("甲乙丙丁戊，己庚辛壬癸。", 5.0),
            ("甲乙丙丁戊。）己庚辛壬癸", 5.0),
            ("甲乙丙丁（戊己）庚辛壬癸", 5.0),
            ("甲乙丙丁《戊己》庚辛壬癸、子丑寅卯辰；巳午未申酉：戌亥", 5.0),
            ("双方于2026年11月23日达成如下协议：赔偿人民币3000元（叁仟元整），于12月1日前付清。", 9.0),
        ];
        for (text, width) in cases {
            let ls = lines(text, *width);
            assert_eq!(ls.concat(), *text, "no character lost or added");
            for (i, l) in ls.iter().enumerate() {
                let first = l.chars().next().unwrap();
                let last = l.chars().last().unwrap();
                assert!(i == 0 || !NO_LINE_START.contains(first), "{text}: line {i} “{l}” starts with {first}");
                assert!(i + 1 == ls.len() || !NO_LINE_END.contains(last), "{text}: line {i} “{l}” ends with {last}");
            }
        }
        assert_eq!(lines("甲乙丙丁戊，己庚辛壬癸。", 5.0), vec!["甲乙丙丁", "戊，己庚辛", "壬癸。"]);
        assert_eq!(lines("甲乙丙丁（戊己）庚辛壬癸", 5.0), vec!["甲乙丙丁", "（戊己）庚", "辛壬癸"]);
    }

    proptest::proptest! {
        /// Any text of Han characters with single punctuation marks between them, at any
        /// measure: nothing lost, no line too wide, no rule broken.
        #[test]
        fn line_breaking_rules_hold_for_any_text(
            units in proptest::collection::vec((0usize..10, 0usize..14), 1..120),
            width_chars in 3usize..30,
        ) {
            const HAN: [char; 10] = ['甲', '乙', '丙', '丁', '戊', '己', '庚', '辛', '壬', '癸'];
            const MARKS: [char; 14] = ['，', '。', '、', '；', '：', '？', '！', '）', '」', '》', '（', '「', '《', '1'];
            let mut text = String::new();
            for (h, m) in &units {
                text.push(HAN[*h]);
                // Mostly no mark; an opening mark is always followed by a character.
                if *m < 14 && (*h % 3 == 0) {
                    text.push(MARKS[*m]);
                    if NO_LINE_END.contains(MARKS[*m]) {
                        text.push('子');
                    }
                }
            }
            let f = fonts().unwrap();
            let width = width_chars as f32 * 12.0;
            let ls = wrap(&f.regular, &text, 12.0, width, 0.0, true).unwrap();
            let joined: String = ls.iter().map(|l| l.text.as_str()).collect();
            proptest::prop_assert_eq!(&joined, &text);
            for (i, l) in ls.iter().enumerate() {
                proptest::prop_assert!(l.width <= width + 0.01, "line {} too wide: {:?}", i, l);
                proptest::prop_assert!(l.spacing <= 12.0 * READABLE_SPACING, "line {} spread too wide to read back: {:?}", i, l);
                let first = l.text.chars().next().unwrap_or('甲');
                let last = l.text.chars().last().unwrap_or('甲');
                proptest::prop_assert!(i == 0 || !NO_LINE_START.contains(first), "line {} starts with {}: {:?}", i, first, ls);
                proptest::prop_assert!(i + 1 == ls.len() || !NO_LINE_END.contains(last), "line {} ends with {}: {:?}", i, last, ls);
            }
        }
    }

    #[test]
    fn full_lines_are_justified_and_the_last_is_not() {
        let f = fonts().unwrap();
        let width = 100.5;
        let ls = wrap(&f.regular, "身份证号11010519491231002X的当事人张三同意调解。", 12.0, width, 0.0, true).unwrap();
        assert!(ls.len() >= 3);
        for l in &ls[..ls.len() - 1] {
            let n = l.text.chars().count() as f32;
            let stretched = l.width + l.spacing * (n - 1.0);
            assert!((stretched - width).abs() < 0.05 || l.spacing == 0.0, "{l:?}");
            assert!(l.spacing <= 12.0 * READABLE_SPACING, "{l:?}");
        }
        assert_eq!(ls.last().unwrap().spacing, 0.0);
        assert!(ls.iter().any(|l| l.text.contains("11010519491231002X")), "an ID number is never split: {ls:?}");
    }

    #[test]
    fn a_missing_character_is_refused_by_name() {
        let doc = Document {
            title: "t".into(),
            footer: None,
            blocks: vec![Block::Paragraph { text: "张😀".into(), indent: false }],
        };
        let e = render(&doc).unwrap_err();
        assert!(e.to_string().contains("“😀”"), "{e}");
    }

    #[test]
    fn long_text_runs_onto_numbered_pages() {
        let text = "邻里双方因宅基地界线发生争执，经多次调解未果。".repeat(120);
        let doc = Document {
            title: "测试".into(),
            footer: Some("（2026）青山调字第1号".into()),
            blocks: vec![Block::Title("人民调解协议书".into()), Block::Paragraph { text, indent: true }],
        };
        let r = render(&doc).unwrap();
        assert!(r.bytes.starts_with(b"%PDF"));
        assert!(r.pages >= 3, "{} pages", r.pages);
    }
}
