//! 今日工作: the day's plan, on screen and as a route sheet. The plan is built by
//! [`crate::model::day_plan::build`] from what the store says is due today.

use std::path::PathBuf;

use super::docs::Written;
use super::params::output_request;
use super::people::NoParams;
use super::{Api, Method, method};
use crate::error::Result;
use crate::model::day_plan::{DayPlan, build};
use crate::store::files::Kind;

output_request! {
    /// `day_plan.pdf`.
    pub struct DayPlanPdfRequest {
        /// 输出的 PDF 文件.
        #[schemars(title = "输出文件")]
        pub path: PathBuf,
    }
}

impl Api {
    /// Today's plan.
    pub fn day_plan_get(&mut self) -> Result<DayPlan> {
        let today = self.today();
        Ok(build(today, &crate::store::day_plan::gather(&self.store, today)?))
    }

    /// Prints today's plan as an A4 route sheet, every item on it; `count` is its pages.
    pub fn day_plan_pdf(&mut self, req: DayPlanPdfRequest) -> Result<Written> {
        self.check_output(Kind::Pdf, "path", &req.path, req.overwrite)?;
        let plan = self.day_plan_get()?;
        let post = crate::store::place::get_post(self.store.conn())?.map(|p| p.fields.name).unwrap_or_default();
        self.write_pdf(&crate::docs::day_plan::document(&plan, &post), &req.path, req.overwrite)
    }
}

pub(super) fn methods() -> Vec<Method> {
    vec![
        method!(
            "day_plan.get",
            "今日工作：到期的帮扶走访、回访、协议履行、代办、隐患、巡逻，按村、组排列",
            NoParams,
            Anyone,
            List(After),
            |api, _| api.day_plan_get()
        ),
        method!(
            "day_plan.pdf",
            "打印今日工作路线单（A4 PDF，按村、组排列，全部事项）",
            DayPlanPdfRequest,
            Anyone,
            Print(EntryFirst),
            |api, p| api.day_plan_pdf(p)
        ),
    ]
}
