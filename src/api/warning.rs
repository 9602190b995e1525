//! Methods for early warning (`warning.*`): the post's disputes at risk (首页's 风险预警),
//! and the threat words its station admin may set. A dispute's own level and reasons come
//! with `dispute.get`, each list row's level with `dispute.list`, and an incident's
//! repeats with `incident.get`/`incident.repeats`.

use schemars::JsonSchema;
use serde::Deserialize;

use super::{Api, Method, method};
use crate::error::Result;
use crate::model::RiskLevel;
use crate::store::warning::{self, WarningList, WarningSettings};

/// `warning.list`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct WarningRequest {
    /// Only this level.
    pub level: Option<RiskLevel>,
    /// At most this many (the highest first; default all).
    pub limit: Option<u32>,
}

/// `warning.words_save`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct WordsRequest {
    /// 预警词语 of this post; none: the county's.
    pub words: Option<Vec<String>>,
}

/// No parameters.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoWarningParams {}

impl Api {
    /// The open disputes at risk, the highest first.
    pub fn warning_list(&mut self, req: WarningRequest) -> Result<WarningList> {
        warning::warnings(&self.store, self.today(), req.level, req.limit.map(|n| n as usize))
    }

    /// The rules and words in force here.
    pub fn warning_settings(&mut self) -> Result<WarningSettings> {
        warning::settings(self.store.conn())
    }

    /// Sets the post's threat words, or goes back to the county's.
    pub fn warning_words_save(&mut self, req: WordsRequest) -> Result<WarningSettings> {
        self.store.write(|tx| warning::save_words(tx, req.words.as_deref()))?;
        warning::settings(self.store.conn())
    }
}

pub(super) fn methods() -> Vec<Method> {
    vec![
        method!(
            "warning.list",
            "风险预警：在办纠纷的预警等级和原因（红色在前）",
            WarningRequest,
            Anyone,
            List(After),
            |api, p| api.warning_list(p)
        ),
        method!(
            "warning.settings",
            "预警规则和本警务室的预警词语",
            NoWarningParams,
            Anyone,
            Unaudited,
            |api, _| api.warning_settings()
        ),
        method!(
            "warning.words_save",
            "设置本警务室的预警词语（不传则恢复县局词语）",
            WordsRequest,
            Admin,
            Update(WithWrite),
            |api, p| api.warning_words_save(p)
        ),
    ]
}
