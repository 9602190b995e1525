//! The county's slow results made ready before they are asked for again.
//!
//! The statistics, the 督办 list and the warnings are kept between writes
//! ([`crate::store::Store::kept`]), and the first call after a write (a bundle applied, an
//! assignment) computes them again: up to most of a second for a station leader over a
//! county. HQ remembers which of them each scope asked for lately (`Api::remember`); once
//! it has had no write for a moment, `fengqiao-hq serve` has them computed again, one (or
//! one step of the statistics: each earlier month of the trend, then the month) per hold of
//! its lock ([`Api::refresh_asked`]), so that the next call finds them kept. Nothing
//! is written or audited: the results are the ones a call would make, kept under the same
//! name and key.

use std::time::{Duration, Instant};

use super::figures::StatsRequest;
use super::warning::CountyWarningFilter;
use super::{Api, assigned};
use crate::error::Result;
use crate::store::county::scope::Scope;

/// A result asked for within this long is made ready again after a write.
pub const ASKED_WITHIN: Duration = Duration::from_secs(8 * 3600);

/// At most this many results are remembered (the latest asked).
const MOST: usize = 24;

/// How long HQ's data must stand unchanged before the asked results are made again: long
/// enough that a run of syncs is not interrupted after each one (a hundred posts syncing at
/// once reach HQ some milliseconds apart), short, since a county-wide look landing between a
/// write and the result made again computes it itself.
pub const QUIET_FOR: Duration = Duration::from_secs(1);

/// How long a server lets go of HQ between two results (or steps) it makes: a lock is not
/// handed to the call waiting for it when let go, so without a pause the next step would
/// take it again first and that call would wait for the whole round.
pub const BETWEEN_STEPS: Duration = Duration::from_millis(10);

/// How old the statistics a call is given while a server makes them again after a write may
/// be (`hq.stats`, [`Api::make_ready_in_background`]): beyond it the call computes them
/// itself. A server makes them again within seconds of HQ's data standing still; this bounds
/// what a caller sees while writes keep coming (a hundred posts syncing one after another).
pub const LAST_MADE_FOR: Duration = Duration::from_secs(60);

/// How often a server looks whether HQ's data changed, for [`QUIET_FOR`].
pub const LOOK_EVERY: Duration = Duration::from_millis(500);

/// Tells when HQ's data has stood still long enough to make the asked results again: shown
/// HQ's stamp ([`Api::county_stamp`]) every so often, it answers with the stamp to make them
/// under once the same stamp has been shown for `after`.
#[derive(Debug)]
pub struct Quiet {
    after: Duration,
    seen: Option<(String, Instant)>,
}

impl Quiet {
    /// Settles once a stamp has stood for `after`.
    pub fn new(after: Duration) -> Quiet {
        Quiet { after, seen: None }
    }

    /// The stamp to make results under, if `stamp` has been shown for `after` now.
    pub fn settled(&mut self, stamp: String) -> Option<String> {
        match &self.seen {
            Some((s, since)) if *s == stamp => (since.elapsed() >= self.after).then_some(stamp),
            _ => {
                self.seen = Some((stamp, Instant::now()));
                None
            }
        }
    }
}

/// Which kept result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ready {
    /// `hq.stats` over the caller's scope, or one post or station of it, for `month`.
    Stats { month: String, post_id: Option<String>, station_id: Option<String> },
    /// The 督办 list, before a request's filters.
    Overdue,
    /// The open disputes judged, before a request's filters.
    Warnings,
}

impl Ready {
    /// Whether `other` is kept under the same name as this (a month replaces another).
    fn same_name(&self, other: &Ready) -> bool {
        match (self, other) {
            (Ready::Stats { post_id, station_id, .. }, Ready::Stats { post_id: p, station_id: s, .. }) => {
                post_id == p && station_id == s
            }
            _ => self == other,
        }
    }
}

/// A result a scope asked for.
#[derive(Debug, Clone)]
pub(crate) struct Asked {
    /// The station leader's station, `None` for a county-wide role.
    station: Option<String>,
    what: Ready,
    /// When last asked for.
    at: Instant,
    /// The [`Api::county_stamp`] it is kept under.
    stamp: String,
}

impl Api {
    /// Says that this process makes the asked results again after each write, calling
    /// [`Api::refresh_asked`] once HQ's data has stood still (as `fengqiao-hq serve` does):
    /// `hq.stats` may then answer a call landing in between with the figures last made
    /// (see [`Api::hq_stats`]) instead of computing them while the server does.
    pub fn make_ready_in_background(&mut self) {
        self.made_in_background = true;
    }

    /// Remembers that the current caller asked for `what`, kept under `stamp`. A station
    /// leader without a station (who sees nothing) is not remembered.
    pub(crate) fn remember(&mut self, what: Ready, stamp: &str) {
        let station = match &self.scope {
            None => None,
            Some(Scope { station: Some(s), .. }) => Some(s.clone()),
            Some(_) => return,
        };
        self.asked.retain(|a| !(a.station == station && a.what.same_name(&what)));
        self.asked.push(Asked { station, what, at: Instant::now(), stamp: stamp.to_owned() });
        if self.asked.len() > MOST {
            self.asked.remove(0);
        }
    }

    /// Computes again one result asked for within [`ASKED_WITHIN`] that is not kept under
    /// HQ's data as it stands, if the data still stands as `stamp` says ([`Api::county_stamp`],
    /// read when HQ was last quiet). Returns whether it made one, or a step of one (the
    /// statistics are made a month of their trend at a time, then the month): call again,
    /// each time after letting others have the store ([`BETWEEN_STEPS`]), until it returns
    /// `false`. A result that cannot be made (its post or station is gone) is forgotten and
    /// its error returned.
    pub fn refresh_asked(&mut self, stamp: &str) -> Result<bool> {
        self.asked.retain(|a| a.at.elapsed() < ASKED_WITHIN);
        self.unshadow()?;
        if self.session.is_some() || self.county_stamp()? != stamp {
            return Ok(false);
        }
        let Some(i) = next_to_make(&self.asked, stamp) else { return Ok(false) };
        let a = self.asked[i].clone();
        // What the computation itself remembers is not a caller's asking.
        let asked = std::mem::take(&mut self.asked);
        let made = self.make_ready(&a);
        self.asked = asked;
        match made {
            Ok(done) => {
                if done {
                    self.asked[i].stamp = stamp.to_owned();
                }
                Ok(true)
            }
            Err(e) => {
                self.asked.remove(i);
                Err(e)
            }
        }
    }

    /// Makes `a` as its caller's call would, held to its scope; the statistics one step at a
    /// time (`Api::stats_step`). Returns whether `a` is now made.
    fn make_ready(&mut self, a: &Asked) -> Result<bool> {
        let what = a.what.clone();
        let run = move |api: &mut Api| -> Result<bool> {
            match what {
                Ready::Stats { month, post_id, station_id } => {
                    return api.stats_step(StatsRequest { month, post_id, station_id, path: None });
                }
                Ready::Overdue => {
                    api.overdue_visible()?;
                }
                Ready::Warnings => {
                    api.county_judged(&CountyWarningFilter::default())?;
                }
            }
            Ok(true)
        };
        match &a.station {
            None => run(self),
            Some(station) => {
                let scope = Scope::of_station(&self.store, station, &mut assigned)?;
                self.in_scope(scope, run)
            }
        }
    }
}

/// Which stale result (not kept under `stamp`) to make next: the county-wide ones first (one
/// of them serves every county-wide caller, and they are the ones asked most), then the
/// stations'; of each, the one asked for last first.
fn next_to_make(asked: &[Asked], stamp: &str) -> Option<usize> {
    (0..asked.len())
        .filter(|&i| asked[i].stamp != stamp)
        .min_by_key(|&i| (asked[i].station.is_some(), std::cmp::Reverse(asked[i].at)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_settles_once_it_has_stood_for_the_time_and_a_new_one_starts_again() {
        let mut q = Quiet::new(Duration::from_millis(50));
        assert_eq!(q.settled("a".into()), None, "first seen");
        assert_eq!(q.settled("a".into()), None, "not stood long enough");
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(q.settled("a".into()).as_deref(), Some("a"));
        assert_eq!(q.settled("a".into()).as_deref(), Some("a"), "still settled");
        assert_eq!(q.settled("b".into()), None, "a write: the time starts again");
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(q.settled("b".into()).as_deref(), Some("b"));
    }

    #[test]
    fn the_county_wide_results_are_made_first_then_the_last_asked() {
        let start = Instant::now();
        let asked = |station: Option<&str>, what: Ready, secs: u64, stamp: &str| Asked {
            station: station.map(str::to_owned),
            what,
            at: start + Duration::from_secs(secs),
            stamp: stamp.to_owned(),
        };
        let month = |m: &str| Ready::Stats { month: m.into(), post_id: None, station_id: None };
        let mut list = vec![
            asked(Some("所1"), month("2026-11"), 1, "old"),
            asked(None, Ready::Overdue, 2, "old"),
            asked(None, month("2026-11"), 3, "old"),
            asked(Some("所2"), Ready::Warnings, 4, "old"),
            asked(None, Ready::Warnings, 5, "new"),
        ];
        let mut order = Vec::new();
        while let Some(i) = next_to_make(&list, "new") {
            order.push((list[i].station.clone(), list[i].what.clone()));
            list[i].stamp = "new".into();
        }
        assert_eq!(
            order,
            vec![
                (None, month("2026-11")),
                (None, Ready::Overdue),
                (Some("所2".into()), Ready::Warnings),
                (Some("所1".into()), month("2026-11")),
            ]
        );
    }
}
