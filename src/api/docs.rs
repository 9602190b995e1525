//! Methods for documents: monthly statistics, ledgers to Excel, roster import, and the
//! PDF documents. Each is one call into [`crate::docs`].

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::params::output_request;
use super::prevention::MonthRequest;
use super::{Api, Method, method};
use crate::docs::ledger::{self, LedgerKind};
use crate::docs::roster::{self, ImportReport};
use crate::docs::stats::{self, MonthStats};
use crate::docs::{Month, agreement, pdf, report};
use crate::error::{Error, Result};
use crate::store::files::Kind;

output_request! {
    /// `stats.export`.
    pub struct StatsExportRequest {
        /// 月份, `YYYY-MM`.
        #[schemars(title = "月份")]
        pub month: String,
        /// 输出文件：以 .pdf 结尾为一页 PDF 月报，以 .xlsx 结尾为 Excel 报表.
        #[schemars(title = "输出文件")]
        pub path: PathBuf,
    }
}

/// `import.preview` / `import.apply`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct ImportRequest {
    /// 户籍花名册 .xlsx 文件.
    #[schemars(title = "户籍花名册文件")]
    pub path: PathBuf,
}

output_request! {
    /// `ledger.export`.
    pub struct LedgerRequest {
        /// 台账：households（实有人口）、disputes（矛盾纠纷调解）、follow_ups（回访）、errands（代办）、incidents（警情）、
        /// volunteers（群防群治力量）、patrols（巡逻防控）、leads（线索）、hazards（隐患排查整改）、outreach（宣传活动）、
        /// feedback（意见建议）、five_nones（五无村创建，按年度）.
        #[schemars(title = "台账")]
        pub kind: LedgerKind,
        /// 只导出该月（`YYYY-MM`）；人口台账不分月；队员台账取该月在岗的队员；五无台账取该月所在年度.
        pub month: Option<String>,
        /// 五无台账的年度（默认取 month 所在年度，再默认今年）；其他台账不用.
        #[serde(default)]
        pub year: Option<i32>,
        /// 输出的 .xlsx 文件.
        #[schemars(title = "输出文件")]
        pub path: PathBuf,
    }
}

output_request! {
    /// `agreement.pdf` / `intake.pdf`.
    pub struct AgreementPdfRequest {
        /// 纠纷.
        #[schemars(title = "纠纷")]
        pub dispute_id: String,
        /// 输出的 PDF 文件.
        #[schemars(title = "输出文件")]
        pub path: PathBuf,
    }
}

output_request! {
    /// `followup.pdf`.
    pub struct FollowUpPdfRequest {
        /// 回访.
        #[schemars(title = "回访")]
        pub follow_up_id: String,
        /// 输出的 PDF 文件.
        #[schemars(title = "输出文件")]
        pub path: PathBuf,
    }
}

/// A file written.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Written {
    /// Where.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// Data rows (ledgers) or pages (PDF).
    pub count: usize,
}

pub(super) fn month(field: &str, s: &str) -> Result<Month> {
    Month::parse(field, s)
}

pub(super) fn extension(path: &std::path::Path) -> String {
    path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase()
}

impl Api {
    /// Writes a PDF document where the caller said (through the file gate; callers check
    /// the path first, before the work of gathering the document).
    pub(super) fn write_pdf(&self, doc: &crate::docs::pdf::Document, path: &Path, overwrite: bool) -> Result<Written> {
        let r = pdf::render(doc)?;
        self.written(Kind::Pdf, path, overwrite, &r.bytes, r.pages)
    }

    pub(super) fn written(
        &self,
        kind: Kind,
        path: &Path,
        overwrite: bool,
        bytes: &[u8],
        count: usize,
    ) -> Result<Written> {
        let path = self.write_file(kind, "path", path, overwrite, bytes)?;
        Ok(Written { path, bytes: bytes.len() as u64, count })
    }

    /// Prints a dispute's finalised agreement (人民调解协议书 or 治安调解协议书) as PDF.
    pub fn agreement_pdf(&mut self, req: AgreementPdfRequest) -> Result<Written> {
        self.check_output(Kind::Pdf, "path", &req.path, req.overwrite)?;
        let d = agreement::dispute(self.store.conn(), &req.dispute_id, self.today())?;
        self.write_pdf(&agreement::agreement_document(&d)?, &req.path, req.overwrite)
    }

    /// Prints a dispute's intake form (调解登记表) as PDF.
    pub fn intake_pdf(&mut self, req: AgreementPdfRequest) -> Result<Written> {
        self.check_output(Kind::Pdf, "path", &req.path, req.overwrite)?;
        let d = agreement::dispute(self.store.conn(), &req.dispute_id, self.today())?;
        self.write_pdf(&agreement::intake_document(&d)?, &req.path, req.overwrite)
    }

    /// Prints a follow-up record (回访记录) as PDF.
    pub fn followup_pdf(&mut self, req: FollowUpPdfRequest) -> Result<Written> {
        self.check_output(Kind::Pdf, "path", &req.path, req.overwrite)?;
        let (d, f) = agreement::follow_up(self.store.conn(), &req.follow_up_id, self.today())?;
        self.write_pdf(&agreement::follow_up_document(&d, &f)?, &req.path, req.overwrite)
    }

    /// The month's statistics.
    pub fn stats_month(&mut self, req: MonthRequest) -> Result<MonthStats> {
        let m = month("month", &req.month)?;
        stats::month_stats(self.store.conn(), m, self.today())
    }

    /// Writes the month's statistics as a one-page PDF or an xlsx, by the file's extension.
    pub fn stats_export(&mut self, req: StatsExportRequest) -> Result<Written> {
        let m = month("month", &req.month)?;
        let kind = match extension(&req.path).as_str() {
            "pdf" => Kind::Pdf,
            "xlsx" => Kind::Xlsx,
            _ => return Err(Error::validation("path", "输出文件应以 .pdf 或 .xlsx 结尾")),
        };
        self.check_output(kind, "path", &req.path, req.overwrite)?;
        let s = stats::month_stats(self.store.conn(), m, self.today())?;
        if kind == Kind::Xlsx {
            return self.written(kind, &req.path, req.overwrite, &report::xlsx(&s)?, 1);
        }
        let post = crate::store::place::get_post(self.store.conn())?;
        let post_name = post.map(|p| p.fields.name).unwrap_or_default();
        self.write_pdf(&report::document(&s, &post_name, self.today()), &req.path, req.overwrite)
    }

    /// Reads a roster and reports what importing it would do; writes nothing.
    pub fn import_preview(&mut self, req: ImportRequest) -> Result<ImportReport> {
        let bytes = self.read_file(Kind::Xlsx, "path", &req.path)?;
        roster::preview(&self.store, &bytes)
    }

    /// Imports every valid row of a roster in one transaction.
    pub fn import_apply(&mut self, req: ImportRequest) -> Result<ImportReport> {
        let bytes = self.read_file(Kind::Xlsx, "path", &req.path)?;
        roster::apply(&mut self.store, &bytes)
    }

    /// Writes a ledger as xlsx, streamed: its rows go from the query into the file one at a
    /// time (see [`crate::docs::xlsx::Book::streamed`]).
    pub fn ledger_export(&mut self, req: LedgerRequest) -> Result<Written> {
        let m = req.month.as_deref().map(|s| month("month", s)).transpose()?;
        self.check_output(Kind::Xlsx, "path", &req.path, req.overwrite)?;
        if let Some(y) = req.year {
            if req.kind != LedgerKind::FiveNones {
                return Err(Error::validation("year", "只有五无台账按年度导出，其他台账请用 month"));
            }
            if !(2000..=2100).contains(&y) {
                return Err(Error::validation("year", format!("年度{y}无效，应为2000至2100之间")));
            }
        }
        let mut out = self.output_file(Kind::Xlsx, "path", &req.path, req.overwrite)?;
        let mut book = crate::docs::xlsx::Book::streamed(out.folder())?;
        let (conn, today) = (self.store.conn(), self.today());
        let rows = crate::store::with_page_cache(conn, 8 * 1024, || {
            ledger::write(conn, req.kind, m, req.year, today, &mut book)
        })?;
        let mut file = std::io::BufWriter::new(out.file_mut());
        book.save_to(&mut file)?;
        std::io::Write::flush(&mut file)?;
        drop(file);
        let bytes = out.file_mut().metadata()?.len();
        Ok(Written { path: out.finish()?, bytes, count: rows })
    }
}

pub(super) fn methods() -> Vec<Method> {
    vec![
        method!(
            "stats.month",
            "月度统计：受理、调解、成功率、协议、回访、代办、警情、走访、群防群治",
            MonthRequest,
            Anyone,
            Unaudited,
            |api, p| api.stats_month(p)
        ),
        method!(
            "stats.export",
            "导出月度统计（.pdf 一页月报或 .xlsx）",
            StatsExportRequest,
            Anyone,
            Export(EntryFirst),
            |api, p| api.stats_export(p)
        ),
        method!(
            "import.preview",
            "预览户籍花名册导入：逐行错误及将新增/更新的内容（不写入）",
            ImportRequest,
            Anyone,
            Unaudited,
            |api, p| api.import_preview(p)
        ),
        method!(
            "import.apply",
            "导入户籍花名册（一个事务；按身份证号匹配，重复导入不变）",
            ImportRequest,
            Admin,
            Update(WithWrite),
            |api, p| api.import_apply(p)
        ),
        method!("ledger.export", "导出台账为 Excel", LedgerRequest, Anyone, Export(EntryFirst), |api, p| api
            .ledger_export(p)),
        method!(
            "agreement.pdf",
            "打印已生效的调解协议书（人民调解/治安调解）PDF",
            AgreementPdfRequest,
            Anyone,
            Print(EntryFirst),
            |api, p| api.agreement_pdf(p)
        ),
        method!(
            "intake.pdf",
            "打印矛盾纠纷调解登记表 PDF",
            AgreementPdfRequest,
            Anyone,
            Print(EntryFirst),
            |api, p| { api.intake_pdf(p) }
        ),
        method!("followup.pdf", "打印回访记录 PDF", FollowUpPdfRequest, Anyone, Print(EntryFirst), |api, p| api
            .followup_pdf(p)),
    ]
}
