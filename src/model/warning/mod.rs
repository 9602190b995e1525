//! Early warning (预警), as pure functions over values: the risk of an open dispute
//! ([`risk`]: a level 红 / 橙 / 黄 or none, and the reasons, each pointing at the records
//! behind it) and repeat incidents ([`repeat`]: 一地多报, 一人多报).
//!
//! Every threshold, weight and time window of these rules is a field of [`WarningRules`]:
//! one place, documented field by field, with the defaults below. A county adjusts them at
//! HQ (the `warning_rules` reference row, synced to every post); a post's station admin
//! edits only its list of threat words (the post's settings). Nothing here reads the clock
//! or the database: the store gathers the facts and asks.

pub mod repeat;
pub mod risk;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use repeat::*;
pub use risk::*;

use crate::error::{Error, Result};
use crate::model::IncidentKind;

/// A record a warning points at, for the officer to open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "RiskRecord"))]
pub struct RecordRef {
    /// Its table: `dispute`, `incident`, `mediation`, `agreement`, `follow_up`, `person`.
    pub table: String,
    /// Its id.
    pub id: String,
    /// What it is, in Chinese (e.g. `纠纷“王某与李某排水纠纷”（2026-05-01受理）`).
    pub label: String,
    /// 所属警务室, when HQ points at another post's record.
    pub post_name: Option<String>,
}

impl RecordRef {
    /// A record of this node (no post named).
    pub fn new(table: &str, id: &str, label: impl Into<String>) -> RecordRef {
        RecordRef { table: table.to_owned(), id: id.to_owned(), label: label.into(), post_name: None }
    }
}

/// The threat and escalation words a post starts with (its station admin may replace them).
pub const THREAT_WORDS: &[&str] = &[
    "扬言",
    "报复",
    "轻生",
    "自杀",
    "跳楼",
    "喝农药",
    "同归于尽",
    "拼命",
    "上访",
    "越级访",
    "集体访",
    "闹事",
    "持刀",
    "持械",
    "动刀",
    "弄死",
    "烧房",
];

/// Words in an incident's summary that make it violent whatever its kind.
pub const VIOLENT_WORDS: &[&str] = &["伤害", "打伤", "砍伤", "刺伤", "持刀", "持械", "斗殴", "殴打"];

/// Every threshold, weight and window of the warning rules. A missing field takes its
/// default, so a county's settings name only what it changes; a field this build does not
/// know (settings from a newer HQ) is passed over. Points add up per dispute; the total
/// sets the level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct WarningRules {
    /// 红色预警 from this many points (default 60).
    pub red_at: u32,
    /// 橙色预警 from this many points (default 35).
    pub orange_at: u32,
    /// 黄色预警 from this many points (default 15).
    pub yellow_at: u32,
    /// A party's other disputes count when received within this many days of this one (365).
    pub repeat_party_days: u32,
    /// Points for each other dispute of a party (25), counted at most `repeat_party_max` times per party.
    pub repeat_party_points: u32,
    /// How many other disputes of one party count (2).
    pub repeat_party_max: u32,
    /// Points when two of the parties meet again in another dispute (35), instead of the per-party points.
    pub same_pair_points: u32,
    /// Incidents count from this many days before the dispute was received (90).
    pub incident_days: u32,
    /// Points for each incident linked to the dispute or to a party (15).
    pub incident_points: u32,
    /// Points for each violent one instead (35): a kind in `violent_kinds`, or a word of `violent_words` in its summary.
    pub violent_incident_points: u32,
    /// How many incidents count (3), the violent first.
    pub incident_max: u32,
    /// Incident kinds that are violent (殴打).
    pub violent_kinds: Vec<IncidentKind>,
    /// Words that make an incident violent (伤害, 持械…).
    pub violent_words: Vec<String>,
    /// Points when the agreement's performance deadline passed and it was not carried out (25).
    pub fulfilment_overdue_points: u32,
    /// Points when the latest follow-up found the agreement did not hold (35).
    pub not_held_points: u32,
    /// Points for each mediation round that failed (10), counted at most `failed_round_max` times.
    pub failed_round_points: u32,
    /// How many failed rounds count (3).
    pub failed_round_max: u32,
    /// Points when mediation runs past the expected days for the grade (15).
    pub overtime_points: u32,
    /// Expected days to settle a 简单 dispute (15).
    pub expected_days_simple: u32,
    /// Expected days to settle a 一般 dispute (30, 人民调解法's month).
    pub expected_days_general: u32,
    /// Expected days to settle a 重大疑难 dispute (60).
    pub expected_days_major: u32,
    /// Points for the grade 重大疑难 (20).
    pub major_grade_points: u32,
    /// An amount at stake from this many fen is large (5,000,000: 5 万元).
    pub large_amount_fen: i64,
    /// Points for a large amount (15).
    pub large_amount_points: u32,
    /// Points for each threat or escalation word found (40), counted at most `threat_max` times.
    pub threat_points: u32,
    /// How many different words count (2).
    pub threat_max: u32,
    /// The county's threat and escalation words; a post's own list replaces them there.
    pub threat_words: Vec<String>,
    /// Incidents at one place or of one person within this many days are repeats (30).
    pub repeat_incident_days: u32,
    /// A follow-up that found the agreement did not hold schedules the next this many days later (15).
    pub refollow_days: u32,
}

impl Default for WarningRules {
    fn default() -> WarningRules {
        WarningRules {
            red_at: 60,
            orange_at: 35,
            yellow_at: 15,
            repeat_party_days: 365,
            repeat_party_points: 25,
            repeat_party_max: 2,
            same_pair_points: 35,
            incident_days: 90,
            incident_points: 15,
            violent_incident_points: 35,
            incident_max: 3,
            violent_kinds: vec![IncidentKind::Assault],
            violent_words: VIOLENT_WORDS.iter().map(|w| (*w).to_owned()).collect(),
            fulfilment_overdue_points: 25,
            not_held_points: 35,
            failed_round_points: 10,
            failed_round_max: 3,
            overtime_points: 15,
            expected_days_simple: 15,
            expected_days_general: 30,
            expected_days_major: 60,
            major_grade_points: 20,
            large_amount_fen: 5_000_000,
            large_amount_points: 15,
            threat_points: 40,
            threat_max: 2,
            threat_words: THREAT_WORDS.iter().map(|w| (*w).to_owned()).collect(),
            repeat_incident_days: 30,
            refollow_days: 15,
        }
    }
}

impl WarningRules {
    /// The level a total of points reaches, if any.
    pub fn level(&self, points: u32) -> Option<crate::model::RiskLevel> {
        use crate::model::RiskLevel as L;
        [(self.red_at, L::Red), (self.orange_at, L::Orange), (self.yellow_at, L::Yellow)]
            .into_iter()
            .find(|(at, _)| points >= *at)
            .map(|(_, l)| l)
    }

    /// Checks a county's settings: levels in order, windows of at least a day, word lists usable.
    pub fn validate(mut self) -> Result<WarningRules> {
        if !(self.yellow_at >= 1 && self.yellow_at <= self.orange_at && self.orange_at <= self.red_at) {
            return Err(Error::validation(
                "red_at",
                format!(
                    "预警分值应为 黄色 ≤ 橙色 ≤ 红色 且都大于0（现为黄色{}、橙色{}、红色{}）",
                    self.yellow_at, self.orange_at, self.red_at
                ),
            ));
        }
        let windows = [
            ("repeat_party_days", "当事人重复涉纠纷的回看天数", self.repeat_party_days),
            ("incident_days", "关联警情的回看天数", self.incident_days),
            ("expected_days_simple", "简单纠纷的调解期限", self.expected_days_simple),
            ("expected_days_general", "一般纠纷的调解期限", self.expected_days_general),
            ("expected_days_major", "重大疑难纠纷的调解期限", self.expected_days_major),
            ("repeat_incident_days", "重复警情的天数", self.repeat_incident_days),
            ("refollow_days", "再次回访的间隔天数", self.refollow_days),
        ];
        if let Some((field, label, days)) = windows.iter().find(|(_, _, d)| !(1..=3650).contains(d)) {
            return Err(Error::validation(*field, format!("{label}应在1至3650天之间（现为{days}）")));
        }
        if self.large_amount_fen <= 0 {
            return Err(Error::validation("large_amount_fen", "“涉及金额较大”的起点应大于0"));
        }
        self.threat_words = words("threat_words", "扬言过激词语", &self.threat_words)?;
        self.violent_words = words("violent_words", "暴力警情词语", &self.violent_words)?;
        Ok(self)
    }
}

/// A list of words to look for: each 1 to 10 characters, at most 100, duplicates dropped.
pub fn words(field: &str, label: &str, raw: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for w in raw {
        let w = w.trim();
        if w.is_empty() {
            continue;
        }
        let n = w.chars().count();
        if n > 10 || w.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(Error::validation(field, format!("{label}“{w}”应为1至10个字，不含空格")));
        }
        if !out.iter().any(|o| o == w) {
            out.push(w.to_owned());
        }
    }
    if out.len() > 100 {
        return Err(Error::validation(field, format!("{label}最多100个（现有{}个）", out.len())));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RiskLevel;

    #[test]
    fn the_total_sets_the_level_at_the_documented_thresholds() {
        let r = WarningRules::default();
        let cases = [
            (0, None),
            (14, None),
            (15, Some(RiskLevel::Yellow)),
            (34, Some(RiskLevel::Yellow)),
            (35, Some(RiskLevel::Orange)),
            (59, Some(RiskLevel::Orange)),
            (60, Some(RiskLevel::Red)),
            (200, Some(RiskLevel::Red)),
        ];
        for (points, want) in cases {
            assert_eq!(r.level(points), want, "{points}");
        }
    }

    #[test]
    fn a_county_names_only_what_it_changes_and_bad_settings_are_refused() {
        let r: WarningRules =
            serde_json::from_str(r#"{"red_at": 80, "threat_words": ["扬言", " 扬言 ", "跳河"]}"#).unwrap();
        let r = r.validate().unwrap();
        assert_eq!((r.red_at, r.orange_at), (80, 35));
        assert_eq!(r.threat_words, ["扬言", "跳河"]);
        let e = WarningRules { orange_at: 70, ..WarningRules::default() }.validate().unwrap_err();
        assert_eq!(e.field(), Some("red_at"));
        assert!(e.to_string().contains("橙色70"), "{e}");
        let e = WarningRules { incident_days: 0, ..WarningRules::default() }.validate().unwrap_err();
        assert_eq!(e.field(), Some("incident_days"));
        let e = WarningRules { threat_words: vec!["扬 言".into()], ..WarningRules::default() }.validate().unwrap_err();
        assert_eq!(e.field(), Some("threat_words"));
        let newer: WarningRules = serde_json::from_str(r#"{"red_at": 70, "from_a_newer_hq": 1}"#).unwrap();
        assert_eq!(newer.red_at, 70);
    }
}
