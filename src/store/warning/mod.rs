//! Early warning (预警): owns the `warning_rules` reference row (the county's adjustments
//! to [`WarningRules`], synced from HQ to every post) and the post's own threat words (the
//! `warning_words` column of `post`). The rules are [`crate::model::warning`]'s; this
//! module gathers the facts they look at ([`risk`]: a dispute's risk, in bulk; [`repeat`]:
//! repeat incidents). No level is written to the database: the open disputes are judged
//! whole once and the result kept in memory ([`kept::judged`], [`crate::store::Store::kept`])
//! under a stamp that every transaction writing a table the judgement reads renews
//! ([`RISK_STAMP`]) while journaling the rows it wrote ([`journal`]); at the next call only
//! the disputes those rows can change are judged again, so a change made here or arriving
//! by sync is judged at the next call, and 首页, 今日工作 and the lists between two such
//! writes read the same judgement.

pub mod journal;
pub mod kept;
pub mod repeat;
pub mod risk;

use rusqlite::{Connection, OptionalExtension};
use schemars::JsonSchema;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::warning::{WarningRules, words};
use crate::store::write::v;
use crate::store::{Tx, json_list, list_json};

pub use kept::judged;
pub use repeat::{IncidentBrief, PersonRepeats, RepeatCount, RepeatIncidents};
pub use risk::{Warning, WarningCounts, WarningList, judge_open, risk_of, warnings};

/// The synced tables a dispute's risk is judged from (its rows, parties, incidents (whose
/// residents `involvement` derives in the same transaction), agreements, follow-ups,
/// sessions, the county's rules, the post's threat words). A transaction that writes one of them renews [`RISK_STAMP`].
pub const JUDGED_FROM: &[&str] =
    &["dispute", "party", "incident", "agreement", "follow_up", "mediation", "warning_rules", "post"];

/// The `local_meta` key stamped anew by every transaction that writes a table of
/// [`JUDGED_FROM`] (here or by sync).
pub const RISK_STAMP: &str = "risk_stamp";

/// The `local_meta` key stamped anew by every transaction that writes any synced row: HQ's
/// judgement also depends on which post owns each dispute (assignments, and the rows
/// hanging from them, of any table).
pub const DATA_STAMP: &str = "data_stamp";

/// The id of the one reference row of the county's rules, derived from its name like the
/// seeds' ids, so every node seeds the same row.
pub fn rules_id() -> String {
    uuid::Uuid::new_v5(&crate::store::seed::NAMESPACE, b"warning_rules/county").to_string()
}

/// The rules in force here: the defaults with the county's adjustments.
pub fn rules(conn: &Connection) -> Result<WarningRules> {
    let stored: Option<String> = conn
        .prepare_cached("SELECT settings FROM warning_rules WHERE id = ?1 AND deleted_at IS NULL")?
        .query_row([rules_id()], |r| r.get("settings"))
        .optional()?;
    // Settings written by a newer HQ may name fields this build does not know: those are
    // left out, the rest apply.
    Ok(stored.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default())
}

/// The county's adjustments as stored (a JSON object naming only what differs).
pub fn save_rules(tx: &mut Tx<'_>, changed: &serde_json::Map<String, serde_json::Value>) -> Result<WarningRules> {
    let defaults = serde_json::to_value(WarningRules::default()).map_err(|e| Error::BadRequest(e.to_string()))?;
    for key in changed.keys() {
        if defaults.get(key).is_none() {
            return Err(Error::validation(key, format!("预警规则没有名为“{key}”的项")));
        }
    }
    let mut all = defaults;
    if let serde_json::Value::Object(obj) = &mut all {
        for (k, val) in changed {
            obj.insert(k.clone(), val.clone());
        }
    }
    let rules = serde_json::from_value::<WarningRules>(all)
        .map_err(|e| Error::validation("settings", format!("预警规则的值有误：{e}")))?
        .validate()?;
    // Store what differs from the defaults, so a later build's better default still applies
    // where the county changed nothing.
    let stored = serde_json::to_value(&rules).map_err(|e| Error::BadRequest(e.to_string()))?;
    let defaults = serde_json::to_value(WarningRules::default()).map_err(|e| Error::BadRequest(e.to_string()))?;
    let diff: serde_json::Map<String, serde_json::Value> = match (stored, defaults) {
        (serde_json::Value::Object(s), serde_json::Value::Object(d)) => {
            s.into_iter().filter(|(k, val)| d.get(k) != Some(val)).collect()
        }
        _ => Default::default(),
    };
    let text = serde_json::Value::Object(diff).to_string();
    tx.update("warning_rules", &rules_id(), &[("settings", v(text))])?;
    Ok(rules)
}

/// The threat words in force at this post, and whether they are its own.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WarningSettings {
    /// The rules in force (the county's).
    pub rules: WarningRules,
    /// The threat words in force here.
    pub words: Vec<String>,
    /// Whether they are the post's own list (else the county's).
    pub own_words: bool,
}

/// The post's own threat words, if its station admin set them.
fn own_words(conn: &Connection) -> Result<Option<Vec<String>>> {
    let raw: Option<Option<String>> = conn
        .prepare_cached("SELECT warning_words FROM post WHERE deleted_at IS NULL ORDER BY id LIMIT 1")?
        .query_row([], |r| r.get("warning_words"))
        .optional()?;
    Ok(raw.flatten().map(|s| json_list(Some(s))))
}

/// The rules and the words in force at this post.
pub fn settings(conn: &Connection) -> Result<WarningSettings> {
    let rules = rules(conn)?;
    Ok(match own_words(conn)? {
        Some(words) => WarningSettings { rules, words, own_words: true },
        None => WarningSettings { words: rules.threat_words.clone(), rules, own_words: false },
    })
}

/// Sets the post's own threat words, or (`None`) goes back to the county's.
pub fn save_words(tx: &mut Tx<'_>, list: Option<&[String]>) -> Result<()> {
    let post: Option<String> = tx
        .conn()
        .prepare_cached("SELECT id FROM post WHERE deleted_at IS NULL ORDER BY id LIMIT 1")?
        .query_row([], |r| r.get("id"))
        .optional()?;
    let post = post.ok_or_else(|| Error::rule("请先在“设置”中保存警务室信息，再设置预警词语"))?;
    let value = match list {
        None => None,
        Some(list) => {
            let list = words("words", "预警词语", list)?;
            if list.is_empty() {
                return Err(Error::validation("words", "请至少填写一个预警词语；要用县局的词语，请选择“恢复县局词语”"));
            }
            Some(list_json(&list))
        }
    };
    tx.update("post", &post, &[("warning_words", v(value))])?;
    Ok(())
}

/// The placeholders of an `IN` list over a JSON array parameter: `(SELECT value FROM json_each(?n))`.
pub(crate) fn each(n: usize) -> String {
    format!("(SELECT value FROM json_each(?{n}))")
}

/// A list of ids as the JSON array [`each`] reads.
pub(crate) fn id_list<S: AsRef<str>>(ids: &[S]) -> String {
    serde_json::to_string(&ids.iter().map(|s| s.as_ref()).collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::people::PostInput;
    use crate::store::dispute::tests::post;

    #[test]
    fn the_county_names_what_it_changes_and_the_post_may_have_its_own_words() {
        let (mut store, _dir) = post();
        assert_eq!(rules(store.conn()).unwrap(), WarningRules::default());
        let changed: serde_json::Map<_, _> =
            serde_json::from_str(r#"{"red_at": 80, "threat_words": ["扬言", "跳河"]}"#).unwrap();
        store.write(|tx| save_rules(tx, &changed)).unwrap();
        let stored: String = store.conn().query_row("SELECT settings FROM warning_rules", [], |r| r.get(0)).unwrap();
        assert_eq!(stored, r#"{"red_at":80,"threat_words":["扬言","跳河"]}"#);
        assert_eq!(rules(store.conn()).unwrap().red_at, 80);
        let bad: serde_json::Map<_, _> = serde_json::from_str(r#"{"red": 1}"#).unwrap();
        assert_eq!(store.write(|tx| save_rules(tx, &bad)).unwrap_err().field(), Some("red"));

        let e = store.write(|tx| save_words(tx, Some(&["报复".to_owned()]))).unwrap_err();
        assert!(e.to_string().contains("请先在“设置”中保存警务室信息"), "{e}");
        store
            .write(|tx| {
                crate::store::place::save_post(tx, PostInput { name: "青山中心警务室".into(), ..Default::default() })
            })
            .unwrap();
        assert_eq!(settings(store.conn()).unwrap().words, ["扬言", "跳河"]);
        store.write(|tx| save_words(tx, Some(&["报复".to_owned(), " 报复".to_owned()]))).unwrap();
        let s = settings(store.conn()).unwrap();
        assert_eq!((s.words, s.own_words), (vec!["报复".to_owned()], true));
        store.write(|tx| save_words(tx, None)).unwrap();
        assert!(!settings(store.conn()).unwrap().own_words);
    }
}
