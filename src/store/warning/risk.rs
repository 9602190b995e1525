//! A dispute's risk, gathered in bulk: the facts [`assess`] looks at for many disputes in a
//! fixed number of queries (their rows, parties, the parties' other disputes, linked
//! incidents, agreements, follow-ups, sessions), so 首页's list of every open dispute costs
//! the same eight queries as one dispute's page.
//!
//! At HQ the same gathering runs over the whole county; `post_of` names the post of each
//! dispute, so a party's dispute at another post reads as such.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::Connection;
use schemars::JsonSchema;
use serde::Serialize;

use super::kept::judged;
use super::{each, id_list, settings};
use crate::error::Result;
use crate::model::day_plan::DisputeAtRisk;
use crate::model::time::{parse_date, parse_instant};
use crate::model::warning::{
    AgreementState, CaseText, FollowUpFound, IncidentLink, LinkedIncident, OtherDispute, PartyKey, RecordRef, Risk,
    RiskFacts, Round, WarningRules, assess, is_open,
};
use crate::model::{DisputeStatus, Grade, IncidentKind, MediationLevel, MediationOutcome, RiskLevel};
use crate::store::{Store, day_of};

/// A dispute at risk, as 首页's card and the county's list show it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Warning {
    /// The dispute.
    pub dispute_id: String,
    /// 纠纷名称.
    pub title: String,
    /// 受理日期.
    pub received_on: String,
    /// 状态.
    pub status: DisputeStatus,
    /// 状态 in Chinese.
    pub status_label: &'static str,
    /// 所属警务室 (at HQ).
    pub post_name: Option<String>,
    /// The risk: level and reasons.
    pub risk: Risk,
}

/// How many open disputes stand at each level.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WarningCounts {
    /// 红色预警.
    pub red: u32,
    /// 橙色预警.
    pub orange: u32,
    /// 黄色预警.
    pub yellow: u32,
}

impl WarningCounts {
    /// Counts one dispute at `level` (none: not at risk, not counted).
    pub fn add(&mut self, level: Option<RiskLevel>) {
        match level {
            Some(RiskLevel::Red) => self.red += 1,
            Some(RiskLevel::Orange) => self.orange += 1,
            Some(RiskLevel::Yellow) => self.yellow += 1,
            None => {}
        }
    }
}

/// The disputes at risk, the highest level first (then the most points, the oldest intake).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WarningList {
    /// How many at each level.
    pub counts: WarningCounts,
    /// How many disputes were judged (the open ones).
    pub judged: u32,
    /// The warnings (all, or those of the level asked for, up to the limit asked for).
    pub items: Vec<Warning>,
}

/// Names the post of each dispute id given (at HQ; a post names none).
pub type PostOf<'a> = dyn Fn(&[String]) -> Result<HashMap<String, String>> + 'a;

/// The head of a dispute as the rule and the lists need it.
struct Head {
    facts: RiskFacts,
    title: String,
    received: String,
    incident_id: Option<String>,
    /// The rows its facts were read from, as [`row_key`]s.
    reads: Vec<String>,
}

/// A row as the kept judgement indexes what each dispute read: `table:id`.
pub fn row_key(table: &str, id: &str) -> String {
    format!("{table}:{id}")
}

fn dispute_label(title: &str, received_on: &str) -> String {
    format!("纠纷“{title}”（{received_on}受理）")
}

fn short(s: &str, n: usize) -> String {
    if s.chars().count() > n { format!("{}…", s.chars().take(n).collect::<String>()) } else { s.to_owned() }
}

/// The ids of every open dispute (at HQ, every post's), in intake order.
pub fn open_ids(conn: &Connection) -> Result<Vec<String>> {
    open_among(conn, None)
}

/// The ids of the open disputes, of those in `among` when given, in intake order.
pub fn open_among(conn: &Connection, among: Option<&[String]>) -> Result<Vec<String>> {
    let open: Vec<&str> = DisputeStatus::ALL.iter().filter(|s| is_open(**s)).map(|s| s.as_str()).collect();
    let sql = format!(
        "SELECT id FROM dispute WHERE status IN {} AND deleted_at IS NULL AND (?2 IS NULL OR id IN {})
         ORDER BY received_on, id",
        each(1),
        each(2)
    );
    let ids = conn
        .prepare_cached(&sql)?
        .query_map([Some(id_list(&open)), among.map(id_list)], |r| r.get::<_, String>("id"))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(ids)
}

/// The facts of each dispute in `ids`, in that order (missing or deleted ones left out),
/// and the post of each dispute they name.
fn gather(
    conn: &Connection,
    ids: &[String],
    today: NaiveDate,
    post_of: &PostOf<'_>,
) -> Result<(Vec<Head>, HashMap<String, String>)> {
    let targets = id_list(ids);
    let mut heads: Vec<Head> = Vec::with_capacity(ids.len());
    {
        let sql = format!(
            "SELECT d.id, d.title, d.status, d.grade, d.received_on, d.amount_involved, d.incident_id, d.facts,
                    d.matters, d.responsibility, d.cause, d.course, d.circumstances, d.result
             FROM dispute d WHERE d.id IN {} AND d.deleted_at IS NULL",
            each(1)
        );
        each_row(conn, &sql, &targets, |r| {
            let id: String = r.get("id")?;
            let title: String = r.get("title")?;
            let received: String = r.get("received_on")?;
            let me = RecordRef::new("dispute", &id, dispute_label(&title, &received));
            let mut texts = Vec::new();
            for (col, field) in [
                ("facts", "纠纷主要事实"),
                ("matters", "争议事项"),
                ("responsibility", "各方责任"),
                ("cause", "起因"),
                ("course", "经过"),
                ("circumstances", "情节"),
                ("result", "结果"),
            ] {
                if let Some(text) = r.get::<_, Option<String>>(col)? {
                    texts.push(CaseText { record: me.clone(), field, text });
                }
            }
            let facts = RiskFacts {
                dispute: me,
                status: r.get("status")?,
                grade: r.get::<_, Grade>("grade")?,
                received_on: parse_date(&received).unwrap_or(today),
                amount_involved: r.get("amount_involved")?,
                parties: vec![],
                others: vec![],
                incidents: vec![],
                agreement: None,
                follow_ups: vec![],
                rounds: vec![],
                texts,
            };
            let reads = vec![row_key("dispute", &facts.dispute.id)];
            heads.push(Head { facts, title, received, incident_id: r.get("incident_id")?, reads });
            Ok(())
        })?;
    }
    // Keep the order asked for.
    let order: HashMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    heads.sort_by_key(|h| order.get(h.facts.dispute.id.as_str()).copied().unwrap_or(usize::MAX));
    let at: HashMap<String, usize> = heads.iter().enumerate().map(|(i, h)| (h.facts.dispute.id.clone(), i)).collect();

    // Parties, and through their residents and ID numbers the other disputes they are in.
    let mut persons: Vec<(String, String, String)> = Vec::new(); // (dispute, person, party name)
    {
        let sql = format!(
            "SELECT id, dispute_id, name, person_id, id_number FROM party
             WHERE dispute_id IN {} AND deleted_at IS NULL ORDER BY sort, id",
            each(1)
        );
        each_row(conn, &sql, &targets, |r| {
            let d: String = r.get("dispute_id")?;
            let key = PartyKey { name: r.get("name")?, person_id: r.get("person_id")?, id_number: r.get("id_number")? };
            if let Some(p) = &key.person_id {
                persons.push((d.clone(), p.clone(), key.name.clone()));
            }
            if let Some(i) = at.get(&d) {
                heads[*i].facts.parties.push(key);
                heads[*i].reads.push(row_key("party", &r.get::<_, String>("id")?));
            }
            Ok(())
        })?;
    }
    let person_ids: Vec<&str> = persons.iter().map(|(_, p, _)| p.as_str()).collect();
    let numbers: Vec<&str> =
        heads.iter().flat_map(|h| h.facts.parties.iter().filter_map(|p| p.id_number.as_deref())).collect();
    let others = other_disputes(conn, &person_ids, &numbers)?;
    let post_names = post_of(&others.keys().cloned().chain(ids.iter().cloned()).collect::<Vec<_>>())?;
    // The other disputes of each resident and of each ID number.
    let mut by_key: HashMap<&str, Vec<&str>> = HashMap::new();
    for (id, o) in &others {
        for p in &o.parties {
            for k in [p.person_id.as_deref(), p.id_number.as_deref()].into_iter().flatten() {
                by_key.entry(k).or_default().push(id.as_str());
            }
        }
    }
    for h in &mut heads {
        let mine = post_names.get(&h.facts.dispute.id).cloned();
        let mut theirs: Vec<&str> = h
            .facts
            .parties
            .iter()
            .flat_map(|p| [p.person_id.as_deref(), p.id_number.as_deref()])
            .flatten()
            .flat_map(|k| by_key.get(k).into_iter().flatten().copied())
            .filter(|id| *id != h.facts.dispute.id)
            .collect();
        theirs.sort_unstable();
        theirs.dedup();
        for id in theirs {
            let mut o = others[id].clone();
            let post = post_names.get(id).cloned();
            o.record.post_name = if post != mine { post } else { None };
            h.reads.push(row_key("dispute", id));
            h.facts.others.push(o);
        }
    }

    // Incidents linked to the dispute (either side names the other) or naming a party.
    let mut links: Vec<(String, String, IncidentLink)> = Vec::new(); // (dispute, incident, link)
    {
        let sql = format!("SELECT dispute_id, id FROM incident WHERE dispute_id IN {} AND deleted_at IS NULL", each(1));
        let mut stmt = conn.prepare_cached(&sql)?;
        for row in stmt.query_map([&targets], |r| Ok((r.get::<_, String>("dispute_id")?, r.get::<_, String>("id")?)))? {
            let (d, i) = row?;
            links.push((d, i, IncidentLink::Dispute));
        }
        for h in &heads {
            if let Some(i) = &h.incident_id {
                links.push((h.facts.dispute.id.clone(), i.clone(), IncidentLink::Dispute));
            }
        }
        let sql =
            format!("SELECT person_id, ref_id FROM involvement WHERE kind = 'incident' AND person_id IN {}", each(1));
        let mut by_person: HashMap<String, Vec<String>> = HashMap::new();
        let mut stmt = conn.prepare_cached(&sql)?;
        for row in
            stmt.query_map([id_list(&person_ids)], |r| Ok((r.get::<_, String>("person_id")?, r.get("ref_id")?)))?
        {
            let (p, i) = row?;
            by_person.entry(p).or_default().push(i);
        }
        for (d, p, name) in &persons {
            for i in by_person.get(p).into_iter().flatten() {
                links.push((d.clone(), i.clone(), IncidentLink::Party(name.clone())));
            }
        }
    }
    let incidents = incident_facts(conn, links.iter().map(|(_, i, _)| i.as_str()))?;
    for (d, i, link) in links {
        if let (Some(h), Some((record, kind, on, summary))) = (at.get(&d), incidents.get(&i)) {
            heads[*h].reads.push(row_key("incident", &i));
            heads[*h].facts.incidents.push(LinkedIncident {
                record: record.clone(),
                kind: *kind,
                occurred_on: *on,
                summary: summary.clone(),
                link,
            });
        }
    }

    // The agreement in effect, the follow-ups done and the sessions held.
    let sql = format!(
        "SELECT id, dispute_id, number, performance_deadline, fulfilled_on, defaulted_on FROM agreement
         WHERE dispute_id IN {} AND deleted_at IS NULL AND finalised_at IS NOT NULL ORDER BY finalised_at, id",
        each(1)
    );
    each_row(conn, &sql, &targets, |r| {
        let Some(h) = head_of(&at, r)? else { return Ok(()) };
        let id: String = r.get("id")?;
        let number: Option<String> = r.get("number")?;
        let label = number.map(|n| format!("调解协议{n}")).unwrap_or_else(|| "调解协议".to_owned());
        heads[h].reads.push(row_key("agreement", &id));
        heads[h].facts.agreement = Some(AgreementState {
            record: RecordRef::new("agreement", &id, label),
            deadline: day_of(r.get("performance_deadline")?),
            fulfilled_on: day_of(r.get("fulfilled_on")?),
            defaulted_on: day_of(r.get("defaulted_on")?),
        });
        Ok(())
    })?;
    let sql = format!(
        "SELECT id, dispute_id, done_on, held, notes, new_risks FROM follow_up
         WHERE dispute_id IN {} AND deleted_at IS NULL AND done_on IS NOT NULL",
        each(1)
    );
    each_row(conn, &sql, &targets, |r| {
        let Some(h) = head_of(&at, r)? else { return Ok(()) };
        let Some(done_on) = day_of(r.get("done_on")?) else { return Ok(()) };
        let id: String = r.get("id")?;
        let record = RecordRef::new("follow_up", &id, format!("{done_on}回访"));
        heads[h].reads.push(row_key("follow_up", &id));
        let f = &mut heads[h].facts;
        for (col, field) in [("notes", "回访情况"), ("new_risks", "发现的新风险")] {
            if let Some(text) = r.get::<_, Option<String>>(col)? {
                f.texts.push(CaseText { record: record.clone(), field, text });
            }
        }
        f.follow_ups.push(FollowUpFound { record, done_on, held: r.get::<_, Option<bool>>("held")?.unwrap_or(true) });
        Ok(())
    })?;
    let sql = format!(
        "SELECT id, dispute_id, level, held_on, outcome, record FROM mediation
         WHERE dispute_id IN {} AND deleted_at IS NULL ORDER BY held_on, id",
        each(1)
    );
    each_row(conn, &sql, &targets, |r| {
        let Some(h) = head_of(&at, r)? else { return Ok(()) };
        let Some(held_on) = day_of(r.get("held_on")?) else { return Ok(()) };
        let id: String = r.get("id")?;
        let level: MediationLevel = r.get("level")?;
        let record = RecordRef::new("mediation", &id, format!("{held_on}{}记录", level.label()));
        heads[h].reads.push(row_key("mediation", &id));
        let f = &mut heads[h].facts;
        if let Some(text) = r.get::<_, Option<String>>("record")? {
            f.texts.push(CaseText { record: record.clone(), field: "调解记录", text });
        }
        f.rounds.push(Round { record, held_on, outcome: r.get::<_, MediationOutcome>("outcome")? });
        Ok(())
    })?;
    Ok((heads, post_names))
}

/// Runs `sql` with the id list `list` as its `?1` and hands each row to `f`.
fn each_row(
    conn: &Connection,
    sql: &str,
    list: &str,
    mut f: impl FnMut(&rusqlite::Row<'_>) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query([list])?;
    while let Some(r) = rows.next()? {
        f(r)?;
    }
    Ok(())
}

/// The index in `at` of the dispute the row's `dispute_id` names, if it is one of them.
fn head_of(at: &HashMap<String, usize>, r: &rusqlite::Row<'_>) -> Result<Option<usize>> {
    Ok(at.get(&r.get::<_, String>("dispute_id")?).copied())
}

/// The disputes (other than themselves) whose parties are one of `persons` or hold one of
/// `numbers`, each with its parties, by id.
fn other_disputes(conn: &Connection, persons: &[&str], numbers: &[&str]) -> Result<HashMap<String, OtherDispute>> {
    let sql = format!(
        "SELECT DISTINCT dispute_id FROM party WHERE person_id IN {} AND deleted_at IS NULL
         UNION SELECT dispute_id FROM party WHERE id_number IN {} AND deleted_at IS NULL",
        each(1),
        each(2)
    );
    let found: Vec<String> = conn
        .prepare_cached(&sql)?
        .query_map([id_list(persons), id_list(numbers)], |r| r.get::<_, String>("dispute_id"))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out: HashMap<String, OtherDispute> = HashMap::new();
    let list = id_list(&found);
    let sql = format!("SELECT id, title, received_on FROM dispute WHERE id IN {} AND deleted_at IS NULL", each(1));
    each_row(conn, &sql, &list, |r| {
        let id: String = r.get("id")?;
        let title: String = r.get("title")?;
        let received: String = r.get("received_on")?;
        let Some(received_on) = parse_date(&received) else { return Ok(()) };
        let record = RecordRef::new("dispute", &id, dispute_label(&title, &received));
        out.insert(id, OtherDispute { record, received_on, parties: vec![] });
        Ok(())
    })?;
    let sql = format!(
        "SELECT dispute_id, name, person_id, id_number FROM party WHERE dispute_id IN {} AND deleted_at IS NULL",
        each(1)
    );
    each_row(conn, &sql, &list, |r| {
        let d: String = r.get("dispute_id")?;
        if let Some(o) = out.get_mut(&d) {
            o.parties.push(PartyKey {
                name: r.get("name")?,
                person_id: r.get("person_id")?,
                id_number: r.get("id_number")?,
            });
        }
        Ok(())
    })?;
    Ok(out)
}

type IncidentFact = (RecordRef, IncidentKind, NaiveDate, String);

/// The live incidents among `ids`: their record, kind, Beijing date and summary.
fn incident_facts<'a>(conn: &Connection, ids: impl Iterator<Item = &'a str>) -> Result<HashMap<String, IncidentFact>> {
    let ids: Vec<&str> = ids.collect();
    let sql =
        format!("SELECT id, kind, occurred_at, summary FROM incident WHERE id IN {} AND deleted_at IS NULL", each(1));
    let mut out = HashMap::new();
    each_row(conn, &sql, &id_list(&ids), |r| {
        let id: String = r.get("id")?;
        let kind: IncidentKind = r.get("kind")?;
        let summary: String = r.get("summary")?;
        let at: String = r.get("occurred_at")?;
        let Some(on) = parse_instant(&at).map(|t| t.with_timezone(&crate::model::time::beijing()).date_naive()) else {
            return Ok(());
        };
        let label = format!("警情：{on} {}“{}”", kind.label(), short(&summary, 24));
        out.insert(id.clone(), (RecordRef::new("incident", &id, label), kind, on, summary));
        Ok(())
    })?;
    Ok(out)
}

/// No post names: a post sees only its own disputes.
fn no_posts(_: &[String]) -> Result<HashMap<String, String>> {
    Ok(HashMap::new())
}

/// The risk of each dispute in `ids` with the rules and words in force here, in that order.
pub fn assess_many(
    conn: &Connection,
    ids: &[String],
    today: NaiveDate,
    post_of: &PostOf<'_>,
    words_of: &dyn Fn(&str) -> Vec<String>,
    rules: &WarningRules,
) -> Result<Vec<Warning>> {
    Ok(assess_reading(conn, ids, today, post_of, words_of, rules)?.into_iter().map(|(w, _)| w).collect())
}

/// [`assess_many`], each warning with the rows it was judged from ([`row_key`]s).
fn assess_reading(
    conn: &Connection,
    ids: &[String],
    today: NaiveDate,
    post_of: &PostOf<'_>,
    words_of: &dyn Fn(&str) -> Vec<String>,
    rules: &WarningRules,
) -> Result<Vec<(Warning, Vec<String>)>> {
    let (heads, posts) = gather(conn, ids, today, post_of)?;
    Ok(heads
        .into_iter()
        .map(|h| {
            let words = words_of(&h.facts.dispute.id);
            let risk = assess(&h.facts, rules, &words, today);
            let w = Warning {
                post_name: posts.get(&h.facts.dispute.id).cloned(),
                dispute_id: h.facts.dispute.id,
                title: h.title,
                received_on: h.received,
                status: h.facts.status,
                status_label: h.facts.status.label(),
                risk,
            };
            (w, h.reads)
        })
        .collect())
}

/// The risk of every dispute in `ids`, at this post.
pub fn risks(conn: &Connection, ids: &[String], today: NaiveDate) -> Result<Vec<Warning>> {
    let s = settings(conn)?;
    assess_many(conn, ids, today, &no_posts, &|_| s.words.clone(), &s.rules)
}

/// [`risks`], each warning with the rows it was judged from ([`row_key`]s).
pub fn risks_reading(conn: &Connection, ids: &[String], today: NaiveDate) -> Result<Vec<(Warning, Vec<String>)>> {
    let s = settings(conn)?;
    assess_reading(conn, ids, today, &no_posts, &|_| s.words.clone(), &s.rules)
}

/// One dispute's risk (its page).
pub fn risk_of(conn: &Connection, id: &str, today: NaiveDate) -> Result<Risk> {
    Ok(risks(conn, &[id.to_owned()], today)?.into_iter().next().map(|w| w.risk).unwrap_or_default())
}

/// Orders by level, the highest first: 红 0, 橙 1, 黄 2, none 3.
pub fn level_rank(l: Option<RiskLevel>) -> usize {
    l.and_then(|l| RiskLevel::ALL.iter().position(|x| *x == l)).unwrap_or(RiskLevel::ALL.len())
}

/// The order of warnings: the highest level first, then the most points, then the oldest
/// intake.
pub fn ranked(a: &Warning, b: &Warning) -> std::cmp::Ordering {
    level_rank(a.risk.level)
        .cmp(&level_rank(b.risk.level))
        .then(b.risk.points.cmp(&a.risk.points))
        .then(a.received_on.cmp(&b.received_on))
        .then(a.dispute_id.cmp(&b.dispute_id))
}

/// Counts the judged disputes `all` (how many, how many at each level) and ranks those at
/// `level` (at any level when none).
pub fn rank_of<'a>(
    all: impl IntoIterator<Item = &'a Warning>,
    level: Option<RiskLevel>,
) -> (WarningCounts, u32, Vec<&'a Warning>) {
    let mut judged = 0;
    let mut counts = WarningCounts::default();
    let mut kept: Vec<&Warning> = Vec::new();
    for w in all {
        judged += 1;
        if w.risk.level.is_none() {
            continue;
        }
        counts.add(w.risk.level);
        if level.is_none_or(|l| w.risk.level == Some(l)) {
            kept.push(w);
        }
    }
    kept.sort_by(|a, b| ranked(a, b));
    (counts, judged, kept)
}

/// Counts the judged disputes `all` and keeps those at a level (all levels when `level` is
/// none), ranked, up to `limit`.
pub fn list_of<'a>(
    all: impl IntoIterator<Item = &'a Warning>,
    level: Option<RiskLevel>,
    limit: Option<usize>,
) -> WarningList {
    let (counts, judged, mut kept) = rank_of(all, level);
    if let Some(n) = limit {
        kept.truncate(n);
    }
    WarningList { counts, judged, items: kept.into_iter().cloned().collect() }
}

/// Every open dispute of the post judged afresh, in intake order: what [`judged`] keeps
/// (and equals after any writes).
pub fn judge_open(conn: &Connection, today: NaiveDate) -> Result<Vec<Warning>> {
    let ids = open_ids(conn)?;
    risks(conn, &ids, today)
}

/// The post's open disputes at risk (首页).
pub fn warnings(
    store: &Store,
    today: NaiveDate,
    level: Option<RiskLevel>,
    limit: Option<usize>,
) -> Result<WarningList> {
    Ok(list_of(judged(store, today)?.iter(), level, limit))
}

/// The post's open disputes at a level, with where a visit about each goes (今日工作 lists
/// the 红色 and 橙色 ones, [`crate::model::day_plan::warning_item`]).
pub fn at_risk(store: &Store, today: NaiveDate) -> Result<Vec<DisputeAtRisk>> {
    let all = judged(store, today)?;
    let leveled: Vec<&Warning> = all.iter().filter(|w| w.risk.level.is_some()).collect();
    let ids: Vec<String> = leveled.iter().map(|w| w.dispute_id.clone()).collect();
    let mut homes = crate::store::dispute::homes(store.conn(), &ids)?;
    Ok(leveled
        .into_iter()
        .filter_map(|w| {
            Some(DisputeAtRisk {
                place: homes.remove(&w.dispute_id).unwrap_or_default(),
                reasons: w.risk.reasons.iter().map(|r| r.signal_label.to_owned()).collect(),
                level: w.risk.level?,
                dispute_id: w.dispute_id.clone(),
                title: w.title.clone(),
            })
        })
        .collect())
}
