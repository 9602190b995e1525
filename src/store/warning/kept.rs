//! The judgement of every open dispute, kept between calls and brought up to date by
//! re-judging only the disputes a write can change.
//!
//! Each kept warning remembers the rows its facts were read from ([`super::risk::row_key`]:
//! its dispute, its parties, the other disputes its parties are in, its linked incidents,
//! its agreement, follow-ups and sessions). After writes, the journal
//! ([`super::journal`]) names the rows written, and the disputes to judge again are those
//! that read one of them (what a write could change, the old side) and those that would read
//! one of them now (the new side):
//! - a dispute written: itself, and the disputes whose parties share a resident or an ID
//!   number with its parties;
//! - a party written: its dispute, as if written;
//! - an incident written: the dispute it names, the disputes naming it, and the disputes
//!   with a party among its residents;
//! - an agreement, a follow-up or a session written: its dispute;
//! - the county's rules or the post's threat words written: every dispute.
//!
//! Any other dispute read the same rows, unchanged, and keeps its judgement. A new day
//! (the rules count days), a write the journal does not hold (another process's) or one
//! of too many rows judges every open dispute afresh.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use rusqlite::Connection;

use super::journal::{self, Since};
use super::risk::{Warning, open_among, open_ids, risks_reading, row_key};
use super::{RISK_STAMP, each, id_list};
use crate::error::Result;
use crate::store::{Store, get_meta};

/// The name [`Store::kept`] holds the judgement under.
const NAME: &str = "warning::judged";

/// The judgement of every open dispute under one stamp, on one day.
#[derive(Debug, Clone)]
pub struct Judgement {
    stamp: String,
    day: NaiveDate,
    /// In intake order ([`open_ids`]).
    warnings: Arc<Vec<Warning>>,
    /// Per dispute, the rows its judgement read.
    reads: HashMap<String, Vec<String>>,
    /// Per row, the disputes whose judgement read it.
    readers: HashMap<String, HashSet<String>>,
}

impl Judgement {
    /// Every open dispute judged afresh.
    fn afresh(conn: &Connection, stamp: String, day: NaiveDate) -> Result<Judgement> {
        let ids = open_ids(conn)?;
        let mut j =
            Judgement { stamp, day, warnings: Arc::new(Vec::new()), reads: HashMap::new(), readers: HashMap::new() };
        let fresh = risks_reading(conn, &ids, day)?;
        j.take(fresh);
        Ok(j)
    }

    /// Adds judged warnings (of disputes not held) and what they read.
    fn take(&mut self, fresh: Vec<(Warning, Vec<String>)>) {
        let warnings = Arc::make_mut(&mut self.warnings);
        for (w, reads) in fresh {
            for k in &reads {
                self.readers.entry(k.clone()).or_default().insert(w.dispute_id.clone());
            }
            self.reads.insert(w.dispute_id.clone(), reads);
            warnings.push(w);
        }
    }

    /// Judges `ids` again (those still open; the others leave the judgement).
    fn rejudge(&mut self, conn: &Connection, ids: &BTreeSet<String>) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let list: Vec<String> = ids.iter().cloned().collect();
        let fresh = risks_reading(conn, &open_among(conn, Some(&list))?, self.day)?;
        for d in ids {
            for k in self.reads.remove(d).into_iter().flatten() {
                if let Some(set) = self.readers.get_mut(&k) {
                    set.remove(d);
                    if set.is_empty() {
                        self.readers.remove(&k);
                    }
                }
            }
        }
        Arc::make_mut(&mut self.warnings).retain(|w| !ids.contains(&w.dispute_id));
        self.take(fresh);
        Arc::make_mut(&mut self.warnings)
            .sort_by(|a, b| a.received_on.cmp(&b.received_on).then_with(|| a.dispute_id.cmp(&b.dispute_id)));
        Ok(())
    }

    /// The disputes whose judgement `rows` (written since) can change, or none when they
    /// can change every dispute's.
    fn affected(&self, conn: &Connection, rows: &BTreeSet<(String, String)>) -> Result<Option<BTreeSet<String>>> {
        let mut out: BTreeSet<String> = BTreeSet::new();
        let mut by_table: HashMap<&str, Vec<&str>> = HashMap::new();
        for (table, id) in rows {
            match table.as_str() {
                "dispute" | "party" | "incident" | "agreement" | "follow_up" | "mediation" => {}
                // The county's rules, the post's threat words, or a table this judgement
                // does not know: everything.
                _ => return Ok(None),
            }
            // The old side: the disputes that read the row.
            out.extend(self.readers.get(&row_key(table, id)).into_iter().flatten().cloned());
            by_table.entry(table.as_str()).or_default().push(id.as_str());
        }
        let of = |t: &str| by_table.get(t).map(Vec::as_slice).unwrap_or_default();
        let query = |sql: &str, ids: &[&str]| -> Result<Vec<String>> {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            let found = conn
                .prepare_cached(sql)?
                .query_map([id_list(ids)], |r| r.get::<_, Option<String>>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(found.into_iter().flatten().collect())
        };
        // Disputes written, and the disputes of the parties written.
        let mut written: Vec<String> = of("dispute").iter().map(|s| (*s).to_owned()).collect();
        written.extend(query(&format!("SELECT dispute_id FROM party WHERE id IN {}", each(1)), of("party"))?);
        for t in ["agreement", "follow_up", "mediation"] {
            out.extend(query(&format!("SELECT dispute_id FROM {t} WHERE id IN {}", each(1)), of(t))?);
        }
        for d in &written {
            out.extend(self.readers.get(&row_key("dispute", d)).into_iter().flatten().cloned());
        }
        let written: Vec<&str> = written.iter().map(String::as_str).collect();
        out.extend(written.iter().map(|s| (*s).to_owned()));
        // The new side: the disputes that now share a party's resident or ID number with a
        // dispute written (they read it as another dispute of their party).
        out.extend(query(
            &format!(
                "SELECT q.dispute_id FROM party p JOIN party q ON q.person_id = p.person_id
                 WHERE p.dispute_id IN {0} AND p.deleted_at IS NULL AND q.deleted_at IS NULL
                 UNION
                 SELECT q.dispute_id FROM party p JOIN party q ON q.id_number = p.id_number
                 WHERE p.dispute_id IN {0} AND p.deleted_at IS NULL AND q.deleted_at IS NULL",
                each(1)
            ),
            &written,
        )?);
        // Incidents: the dispute each names, the disputes naming it, the disputes with a
        // party among its residents.
        let incidents = of("incident");
        out.extend(query(&format!("SELECT dispute_id FROM incident WHERE id IN {}", each(1)), incidents)?);
        out.extend(query(&format!("SELECT id FROM dispute WHERE incident_id IN {}", each(1)), incidents)?);
        out.extend(query(
            &format!(
                "SELECT p.dispute_id FROM involvement v JOIN party p ON p.person_id = v.person_id
                 WHERE v.kind = 'incident' AND v.ref_id IN {} AND p.deleted_at IS NULL",
                each(1)
            ),
            incidents,
        )?);
        Ok(Some(out))
    }
}

/// Every open dispute of the post judged on `today`, in intake order: judged whole once,
/// then kept; after writes to what it reads ([`RISK_STAMP`]) only the disputes they can
/// change are judged again (module doc), and on a new day everything. Always what
/// [`super::risk::judge_open`] would give now.
pub fn judged(store: &Store, today: NaiveDate) -> Result<Arc<Vec<Warning>>> {
    let conn = store.conn();
    let stamp = get_meta(conn, RISK_STAMP)?.unwrap_or_default();
    if let Some(kept) = store.find_kept::<Mutex<Judgement>>(NAME, "")
        && let Ok(mut j) = kept.lock()
        && j.day == today
    {
        if j.stamp == stamp {
            return Ok(j.warnings.clone());
        }
        if let Since::Rows(rows) = journal::take_since(conn, &j.stamp, &stamp)?
            && let Some(ids) = j.affected(conn, &rows)?
        {
            j.rejudge(conn, &ids)?;
            j.stamp = stamp;
            return Ok(j.warnings.clone());
        }
    }
    journal::clear(conn)?;
    let j = Judgement::afresh(conn, stamp, today)?;
    let warnings = j.warnings.clone();
    store.keep(NAME, String::new(), Mutex::new(j));
    Ok(warnings)
}

#[cfg(test)]
mod tests {
    //! The kept judgement after random writes on a real file (a user's, or a bundle's
    //! arriving by sync, several between two reads or one at a time, and new days) is the
    //! one made afresh.

    use proptest::prelude::*;
    use rusqlite::types::Value;

    use super::*;
    use crate::model::Hlc;
    use crate::model::people::PostInput;
    use crate::model::{DisputeStatus, Grade, IncidentKind, MediationLevel, MediationOutcome};
    use crate::store::dispute::tests::post;
    use crate::store::write::{Change, value_json};

    const PERSONS: [&str; 8] = [
        "0193a000-0000-7000-8000-0000000000a1",
        "0193a000-0000-7000-8000-0000000000a2",
        "0193a000-0000-7000-8000-0000000000a3",
        "0193a000-0000-7000-8000-0000000000a4",
        "0193a000-0000-7000-8000-0000000000a5",
        "0193a000-0000-7000-8000-0000000000a6",
        "0193a000-0000-7000-8000-0000000000a7",
        "0193a000-0000-7000-8000-0000000000a8",
    ];
    const NUMBERS: [&str; 6] = [
        "330102198001011234",
        "33010219900202123X",
        "330102200003031236",
        "330102197504041238",
        "330102196505051230",
        "330102198506061232",
    ];
    const TEXTS: [&str; 4] = ["两家因排水沟争执", "男方扬言要报复", "双方情绪平稳", "女方称要轻生"];

    /// One write (or a read, or a new day). Indexes pick among the rows made so far.
    #[derive(Debug, Clone)]
    enum Op {
        NewDispute { status: usize, grade: usize, days_ago: i64, text: usize, incident: Option<usize> },
        DisputeStatus { d: usize, status: usize },
        DisputeReceived { d: usize, days_ago: i64 },
        DisputeText { d: usize, text: usize },
        DisputeIncident { d: usize, incident: Option<usize> },
        DisputeDeleted { d: usize, deleted: bool },
        NewParty { d: usize, person: Option<usize>, number: Option<usize> },
        PartyKeys { p: usize, person: Option<usize>, number: Option<usize> },
        PartyDeleted { p: usize, deleted: bool },
        NewIncident { kind: usize, days_ago: i64, persons: Vec<usize>, d: Option<usize> },
        IncidentPersons { i: usize, persons: Vec<usize> },
        IncidentDispute { i: usize, d: Option<usize> },
        IncidentWhen { i: usize, days_ago: i64, kind: usize },
        IncidentDeleted { i: usize, deleted: bool },
        Agreement { d: usize, deadline_ago: i64, fulfilled: bool, defaulted: bool },
        FollowUp { d: usize, days_ago: i64, held: bool, text: usize },
        Mediation { d: usize, days_ago: i64, outcome: usize, text: usize },
        Words(bool),
        Read,
        NextDays(i64),
    }

    /// An op, and whether its write arrives by sync (from another node) rather than here.
    fn op() -> impl Strategy<Value = (Op, bool)> {
        let ix = 0usize..8;
        let some = proptest::option::of(0usize..8);
        let ago = 0i64..420;
        let persons = proptest::collection::vec(0usize..PERSONS.len(), 0..3);
        let op = prop_oneof![
            1 => (0usize..16, 0usize..8, ago.clone(), 0usize..4, some.clone()).prop_map(
                |(status, grade, days_ago, text, incident)| Op::NewDispute { status, grade, days_ago, text, incident }
            ),
            1 => (ix.clone(), 0usize..16).prop_map(|(d, status)| Op::DisputeStatus { d, status }),
            1 => (ix.clone(), ago.clone()).prop_map(|(d, days_ago)| Op::DisputeReceived { d, days_ago }),
            1 => (ix.clone(), 0usize..4).prop_map(|(d, text)| Op::DisputeText { d, text }),
            1 => (ix.clone(), some.clone()).prop_map(|(d, incident)| Op::DisputeIncident { d, incident }),
            1 => (ix.clone(), any::<bool>()).prop_map(|(d, deleted)| Op::DisputeDeleted { d, deleted }),
            3 => (ix.clone(), proptest::option::of(0usize..PERSONS.len()), proptest::option::of(0usize..NUMBERS.len()))
                .prop_map(|(d, person, number)| Op::NewParty { d, person, number }),
            2 => (ix.clone(), proptest::option::of(0usize..PERSONS.len()), proptest::option::of(0usize..NUMBERS.len()))
                .prop_map(|(p, person, number)| Op::PartyKeys { p, person, number }),
            1 => (ix.clone(), any::<bool>()).prop_map(|(p, deleted)| Op::PartyDeleted { p, deleted }),
            2 => (0usize..16, 0i64..120, persons.clone(), some.clone())
                .prop_map(|(kind, days_ago, persons, d)| Op::NewIncident { kind, days_ago, persons, d }),
            1 => (ix.clone(), persons).prop_map(|(i, persons)| Op::IncidentPersons { i, persons }),
            1 => (ix.clone(), some.clone()).prop_map(|(i, d)| Op::IncidentDispute { i, d }),
            1 => (ix.clone(), 0i64..120, 0usize..16).prop_map(|(i, days_ago, kind)| Op::IncidentWhen { i, days_ago, kind }),
            3 => (ix.clone(), any::<bool>()).prop_map(|(i, deleted)| Op::IncidentDeleted { i, deleted }),
            1 => (ix.clone(), -30i64..60, any::<bool>(), any::<bool>()).prop_map(|(d, deadline_ago, fulfilled, defaulted)| {
                Op::Agreement { d, deadline_ago, fulfilled, defaulted }
            }),
            1 => (ix.clone(), 0i64..60, any::<bool>(), 0usize..4)
                .prop_map(|(d, days_ago, held, text)| Op::FollowUp { d, days_ago, held, text }),
            1 => (ix.clone(), 0i64..60, 0usize..8, 0usize..4)
                .prop_map(|(d, days_ago, outcome, text)| Op::Mediation { d, days_ago, outcome, text }),
            1 => any::<bool>().prop_map(Op::Words),
            6 => Just(Op::Read),
            1 => (1i64..120).prop_map(Op::NextDays),
        ];
        (op, proptest::bool::weighted(0.3))
    }

    /// The records a case starts from: disputes, their parties, incidents.
    fn start() -> impl Strategy<Value = Vec<Op>> {
        let one = prop_oneof![
            2 => (0usize..16, 0usize..8, 0i64..420, 0usize..4, proptest::option::of(0usize..8)).prop_map(
                |(status, grade, days_ago, text, incident)| Op::NewDispute { status, grade, days_ago, text, incident }
            ),
            4 => (0usize..8, proptest::option::of(0usize..PERSONS.len()), proptest::option::of(0usize..NUMBERS.len()))
                .prop_map(|(d, person, number)| Op::NewParty { d, person, number }),
            1 => (0usize..16, 0i64..120, proptest::collection::vec(0usize..PERSONS.len(), 0..3), proptest::option::of(0usize..8))
                .prop_map(|(kind, days_ago, persons, d)| Op::NewIncident { kind, days_ago, persons, d }),
        ];
        proptest::collection::vec(one, 10..24)
    }

    /// The rows made so far and the day it is.
    struct World {
        today: NaiveDate,
        disputes: Vec<String>,
        parties: Vec<String>,
        incidents: Vec<String>,
        remote: uuid::Uuid,
        remote_seq: i64,
    }

    fn pick(ids: &[String], i: usize) -> Option<String> {
        (!ids.is_empty()).then(|| ids[i % ids.len()].clone())
    }

    fn nth<T: Copy>(all: &[T], i: usize) -> T {
        all[i % all.len()]
    }

    fn day(w: &World, ago: i64) -> Value {
        Value::Text((w.today - chrono::Duration::days(ago)).to_string())
    }

    fn instant(w: &World, ago: i64) -> Value {
        Value::Text(format!("{}T04:00:00Z", w.today - chrono::Duration::days(ago)))
    }

    fn persons_json(list: &[usize]) -> Value {
        Value::Text(serde_json::to_string(&list.iter().map(|i| PERSONS[*i]).collect::<Vec<_>>()).unwrap())
    }

    /// Writes `cols` on the row: here through [`crate::store::Tx`], or as changes from
    /// another node merged as a bundle's are ([`crate::store::Tx::apply_remote_row`]).
    fn put(
        store: &mut Store,
        w: &mut World,
        remote: bool,
        table: &'static str,
        id: &str,
        cols: Vec<(&'static str, Value)>,
        new: bool,
    ) {
        if remote {
            let ms = store.clock().now().timestamp_millis() as u64;
            let changes: Vec<Change> = cols
                .iter()
                .map(|(c, v)| {
                    w.remote_seq += 1;
                    Change {
                        origin: w.remote,
                        origin_seq: w.remote_seq,
                        hlc: Hlc { wall_ms: ms, counter: w.remote_seq as u32, node: w.remote },
                        prev: None,
                        tbl: table.to_owned(),
                        row_id: id.to_owned(),
                        col: (*c).to_owned(),
                        value: value_json(v).unwrap(),
                    }
                })
                .collect();
            store.write(|tx| tx.apply_remote_row(&changes)).unwrap();
        } else if new {
            store.write(|tx| tx.insert(table, id, &cols)).unwrap();
        } else {
            store.write(|tx| tx.update(table, id, &cols)).unwrap();
        }
    }

    fn new_id(store: &mut Store) -> String {
        store.write(|tx| Ok(tx.new_id())).unwrap()
    }

    fn apply(store: &mut Store, w: &mut World, op: Op, remote: bool) {
        let deleted = |d: bool| if d { Value::Text("2026-11-01T00:00:00Z".into()) } else { Value::Null };
        match op {
            Op::NewDispute { status, grade, days_ago, text, incident } => {
                let id = new_id(store);
                let cols = vec![
                    ("received_on", day(w, days_ago)),
                    ("source", Value::Text("walk_in".into())),
                    ("kind", Value::Text("neighbour".into())),
                    ("grade", v(nth(Grade::ALL, grade))),
                    ("track", Value::Text("people".into())),
                    ("status", v(nth(DisputeStatus::ALL, status))),
                    ("title", Value::Text(format!("纠纷{}", w.disputes.len()))),
                    ("facts", Value::Text(TEXTS[text].into())),
                    (
                        "incident_id",
                        incident.and_then(|i| pick(&w.incidents, i)).map(Value::Text).unwrap_or(Value::Null),
                    ),
                ];
                put(store, w, remote, "dispute", &id, cols, true);
                w.disputes.push(id);
            }
            Op::DisputeStatus { d, status } => {
                if let Some(id) = pick(&w.disputes, d) {
                    put(store, w, remote, "dispute", &id, vec![("status", v(nth(DisputeStatus::ALL, status)))], false);
                }
            }
            Op::DisputeReceived { d, days_ago } => {
                if let Some(id) = pick(&w.disputes, d) {
                    put(store, w, remote, "dispute", &id, vec![("received_on", day(w, days_ago))], false);
                }
            }
            Op::DisputeText { d, text } => {
                if let Some(id) = pick(&w.disputes, d) {
                    put(store, w, remote, "dispute", &id, vec![("facts", Value::Text(TEXTS[text].into()))], false);
                }
            }
            Op::DisputeIncident { d, incident } => {
                if let Some(id) = pick(&w.disputes, d) {
                    let i = incident.and_then(|i| pick(&w.incidents, i)).map(Value::Text).unwrap_or(Value::Null);
                    put(store, w, remote, "dispute", &id, vec![("incident_id", i)], false);
                }
            }
            Op::DisputeDeleted { d, deleted: del } => {
                if let Some(id) = pick(&w.disputes, d) {
                    put(store, w, remote, "dispute", &id, vec![("deleted_at", deleted(del))], false);
                }
            }
            Op::NewParty { d, person, number } => {
                if let Some(dispute) = pick(&w.disputes, d) {
                    let id = new_id(store);
                    let cols = vec![
                        ("dispute_id", Value::Text(dispute)),
                        ("kind", Value::Text("person".into())),
                        ("role", Value::Text("applicant".into())),
                        ("name", Value::Text(format!("当事人{}", w.parties.len()))),
                        ("person_id", person.map(|p| Value::Text(PERSONS[p].into())).unwrap_or(Value::Null)),
                        ("id_number", number.map(|n| Value::Text(NUMBERS[n].into())).unwrap_or(Value::Null)),
                    ];
                    put(store, w, remote, "party", &id, cols, true);
                    w.parties.push(id);
                }
            }
            Op::PartyKeys { p, person, number } => {
                if let Some(id) = pick(&w.parties, p) {
                    let cols = vec![
                        ("person_id", person.map(|p| Value::Text(PERSONS[p].into())).unwrap_or(Value::Null)),
                        ("id_number", number.map(|n| Value::Text(NUMBERS[n].into())).unwrap_or(Value::Null)),
                    ];
                    put(store, w, remote, "party", &id, cols, false);
                }
            }
            Op::PartyDeleted { p, deleted: del } => {
                if let Some(id) = pick(&w.parties, p) {
                    put(store, w, remote, "party", &id, vec![("deleted_at", deleted(del))], false);
                }
            }
            Op::NewIncident { kind, days_ago, persons, d } => {
                let id = new_id(store);
                let cols = vec![
                    ("occurred_at", instant(w, days_ago)),
                    ("place", Value::Text("青山村3组".into())),
                    ("kind", v(nth(IncidentKind::ALL, kind))),
                    ("person_ids", persons_json(&persons)),
                    ("summary", Value::Text("争吵".into())),
                    ("disposition", Value::Text("on_site".into())),
                    ("dispute_id", d.and_then(|d| pick(&w.disputes, d)).map(Value::Text).unwrap_or(Value::Null)),
                ];
                put(store, w, remote, "incident", &id, cols, true);
                w.incidents.push(id);
            }
            Op::IncidentPersons { i, persons } => {
                if let Some(id) = pick(&w.incidents, i) {
                    put(store, w, remote, "incident", &id, vec![("person_ids", persons_json(&persons))], false);
                }
            }
            Op::IncidentDispute { i, d } => {
                if let Some(id) = pick(&w.incidents, i) {
                    let d = d.and_then(|d| pick(&w.disputes, d)).map(Value::Text).unwrap_or(Value::Null);
                    put(store, w, remote, "incident", &id, vec![("dispute_id", d)], false);
                }
            }
            Op::IncidentWhen { i, days_ago, kind } => {
                if let Some(id) = pick(&w.incidents, i) {
                    let cols = vec![("occurred_at", instant(w, days_ago)), ("kind", v(nth(IncidentKind::ALL, kind)))];
                    put(store, w, remote, "incident", &id, cols, false);
                }
            }
            Op::IncidentDeleted { i, deleted: del } => {
                if let Some(id) = pick(&w.incidents, i) {
                    put(store, w, remote, "incident", &id, vec![("deleted_at", deleted(del))], false);
                }
            }
            Op::Agreement { d, deadline_ago, fulfilled, defaulted } => {
                if let Some(dispute) = pick(&w.disputes, d) {
                    let id = new_id(store);
                    let cols = vec![
                        ("dispute_id", Value::Text(dispute)),
                        ("kind", Value::Text("people".into())),
                        ("finalised_at", Value::Text("2026-01-01T00:00:00Z".into())),
                        ("performance_deadline", day(w, deadline_ago)),
                        ("fulfilled_on", if fulfilled { day(w, deadline_ago.max(0)) } else { Value::Null }),
                        ("defaulted_on", if defaulted { day(w, 0) } else { Value::Null }),
                    ];
                    put(store, w, remote, "agreement", &id, cols, true);
                }
            }
            Op::FollowUp { d, days_ago, held, text } => {
                if let Some(dispute) = pick(&w.disputes, d) {
                    let id = new_id(store);
                    let cols = vec![
                        ("dispute_id", Value::Text(dispute)),
                        ("due_on", day(w, days_ago)),
                        ("done_on", day(w, days_ago)),
                        ("held", Value::Integer(held as i64)),
                        ("notes", Value::Text(TEXTS[text].into())),
                    ];
                    put(store, w, remote, "follow_up", &id, cols, true);
                }
            }
            Op::Mediation { d, days_ago, outcome, text } => {
                if let Some(dispute) = pick(&w.disputes, d) {
                    let id = new_id(store);
                    let cols = vec![
                        ("dispute_id", Value::Text(dispute)),
                        ("level", v(MediationLevel::Initial)),
                        ("held_on", day(w, days_ago)),
                        ("outcome", v(nth(MediationOutcome::ALL, outcome))),
                        ("record", Value::Text(TEXTS[text].into())),
                    ];
                    put(store, w, remote, "mediation", &id, cols, true);
                }
            }
            Op::Words(own) => {
                let words = ["报复".to_owned()];
                store.write(|tx| crate::store::warning::save_words(tx, own.then_some(&words[..]))).unwrap();
            }
            Op::Read => {}
            Op::NextDays(n) => w.today += chrono::Duration::days(n),
        }
    }

    fn v<T: Into<Value>>(x: T) -> Value {
        x.into()
    }

    /// The kept judgement and the one made afresh, as 首页 would show them.
    fn both(store: &Store, today: NaiveDate) -> (serde_json::Value, serde_json::Value) {
        let kept = serde_json::to_value(&*judged(store, today).unwrap()).unwrap();
        let fresh = serde_json::to_value(super::super::risk::judge_open(store.conn(), today).unwrap()).unwrap();
        (kept, fresh)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

        #[test]
        fn the_kept_judgement_is_the_one_made_afresh_after_any_writes(
            first in start(),
            ops in proptest::collection::vec(op(), 1..60),
        ) {
            let (mut store, _dir) = post();
            store
                .write(|tx| crate::store::place::save_post(tx, PostInput { name: "青山中心警务室".into(), ..Default::default() }))
                .unwrap();
            let mut w = World {
                today: store.clock().today(),
                disputes: vec![],
                parties: vec![],
                incidents: vec![],
                remote: uuid::Uuid::from_u128(0x0193_a000_0000_7000_8000_0000_0000_00ff),
                remote_seq: 0,
            };
            for op in first {
                apply(&mut store, &mut w, op, false);
            }
            judged(&store, w.today).unwrap();
            for (step, (op, remote)) in ops.into_iter().enumerate() {
                let read = matches!(op, Op::Read);
                let what = format!("{op:?} (by sync: {remote})");
                apply(&mut store, &mut w, op, remote);
                if read {
                    let (kept, fresh) = both(&store, w.today);
                    prop_assert_eq!(kept, fresh, "step {}: {}", step, what);
                }
            }
            let (kept, fresh) = both(&store, w.today);
            prop_assert_eq!(kept, fresh, "at the end");
        }
    }
}
