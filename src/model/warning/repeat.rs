//! 重复警情: incidents at the same place (一地多报) or involving the same person (一人多报)
//! within [`WarningRules::repeat_incident_days`](super::WarningRules) of each other are
//! linked and shown together.

use chrono::{DateTime, Duration, Utc};

/// An incident as the repeat rule sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spot {
    /// The incident.
    pub id: String,
    /// When it occurred.
    pub occurred_at: DateTime<Utc>,
    /// 发生地点 as typed.
    pub place: String,
    /// The residents it names (reporter and people involved).
    pub persons: Vec<String>,
}

/// The incidents that repeat one incident, by place and by person.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Repeats {
    /// Incidents at the same place.
    pub same_place: Vec<String>,
    /// For each resident of the incident, the other incidents naming them.
    pub same_person: Vec<(String, Vec<String>)>,
}

impl Repeats {
    /// How many other incidents repeat it (each counted once).
    pub fn count(&self) -> usize {
        let mut ids: Vec<&String> =
            self.same_place.iter().chain(self.same_person.iter().flat_map(|(_, ids)| ids)).collect();
        ids.sort();
        ids.dedup();
        ids.len()
    }
}

/// A place as compared: without spaces and punctuation, so “青山村 3组” is “青山村3组”.
pub fn place_key(place: &str) -> String {
    place
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_ascii_punctuation() && !"，。、；：（）".contains(*c))
        .collect()
}

/// The candidates that repeat `of` within `days`, by place and by person, each list in
/// the order of the candidates.
pub fn repeats(of: &Spot, candidates: &[Spot], days: u32) -> Repeats {
    let window = Duration::days(i64::from(days));
    let near: Vec<&Spot> =
        candidates.iter().filter(|c| c.id != of.id && (c.occurred_at - of.occurred_at).abs() <= window).collect();
    let here = place_key(&of.place);
    let same_place = if here.is_empty() {
        vec![]
    } else {
        near.iter().filter(|c| place_key(&c.place) == here).map(|c| c.id.clone()).collect()
    };
    let mut same_person = Vec::new();
    for p in &of.persons {
        if same_person.iter().any(|(q, _): &(String, Vec<String>)| q == p) {
            continue;
        }
        let ids: Vec<String> = near.iter().filter(|c| c.persons.contains(p)).map(|c| c.id.clone()).collect();
        if !ids.is_empty() {
            same_person.push((p.clone(), ids));
        }
    }
    Repeats { same_place, same_person }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::time::parse_instant;

    fn spot(id: &str, at: &str, place: &str, persons: &[&str]) -> Spot {
        Spot {
            id: id.into(),
            occurred_at: parse_instant(at).unwrap(),
            place: place.into(),
            persons: persons.iter().map(|p| (*p).to_owned()).collect(),
        }
    }

    #[test]
    fn incidents_at_one_place_or_of_one_person_within_30_days_repeat() {
        let of = spot("i0", "2026-11-20 10:00", "青山村3组12号", &["p1", "p2"]);
        let others = [
            spot("a", "2026-11-01 08:00", "青山村 3组12号", &[]),
            spot("b", "2026-10-21 10:00", "青山村3组12号", &[]),
            spot("c", "2026-10-21 09:59", "青山村3组12号", &["p1"]),
            spot("d", "2026-12-15 10:00", "溪口村", &["p2", "p1"]),
            spot("e", "2026-11-22 10:00", "溪口村", &["p3"]),
            spot("i0", "2026-11-20 10:00", "青山村3组12号", &["p1"]),
        ];
        // (what, the repeats expected)
        let r = repeats(&of, &others, 30);
        assert_eq!(r.same_place, ["a", "b"], "same place (spaces ignored), exactly 30 days before counts");
        assert_eq!(
            r.same_person,
            [("p1".to_owned(), vec!["d".to_owned()]), ("p2".to_owned(), vec!["d".to_owned()])],
            "c is a minute too old, e names someone else, i0 is the incident itself"
        );
        assert_eq!(r.count(), 3);
        let none = repeats(&spot("x", "2026-11-20 10:00", "", &[]), &others, 30);
        assert_eq!(none, Repeats::default(), "no place and no person: nothing to match");
        let wider = repeats(&of, &others, 60);
        assert_eq!(wider.count(), 4);
    }
}
