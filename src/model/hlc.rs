//! Hybrid logical clock: wall time in milliseconds, a counter, and the node id. It orders
//! every change of every node totally, and its text form sorts the same way, so the store
//! can compare clocks as strings.
//!
//! The clock is bounded by wall time. Per column the greater clock wins, so a stamp far in
//! the future would win every later write county-wide, and every node that received it
//! would carry its own clock forward to it. So no node takes a stamp more than
//! [`MAX_AHEAD_MS`] past its own wall clock ([`Hlc::receive`] refuses it), and a node whose
//! wall clock has fallen that far behind what it has already recorded does not stamp new
//! writes ([`Hlc::tick`] refuses, naming by how much): its dates would be wrong.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

/// How far a node's clock may be from HQ's: one hour. An offline laptop drifts minutes in a
/// year; a wrong year, day or time zone is hours or more, and is what the bound is for.
/// HQ takes no bundle made, and no change stamped, more than this past its own clock.
pub const SKEW_MS: u64 = 60 * 60 * 1000;

/// How far past its own wall clock any node's clock may run: HQ passes on stamps up to
/// [`SKEW_MS`] past its clock, and a post's clock may itself be that much behind HQ's.
pub const MAX_AHEAD_MS: u64 = 2 * SKEW_MS;

/// A clock reading too far from another one, by `by_ms` milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Skew {
    /// How far apart, in milliseconds.
    pub by_ms: u64,
}

impl Skew {
    /// The gap in words: `3 天`, `5 小时`, `40 分钟`.
    pub fn words(self) -> String {
        const MINUTE: u64 = 60 * 1000;
        const HOUR: u64 = 60 * MINUTE;
        const DAY: u64 = 24 * HOUR;
        match self.by_ms {
            ms if ms >= 365 * DAY => format!("约 {} 年", ms / (365 * DAY)),
            ms if ms >= DAY => format!("{} 天", ms / DAY),
            ms if ms >= HOUR => format!("{} 小时", ms / HOUR),
            ms => format!("{} 分钟", ms.div_ceil(MINUTE)),
        }
    }
}

/// How far `t` is past `now_ms`, when that is more than `bound` milliseconds.
pub fn beyond(t_ms: u64, now_ms: u64, bound: u64) -> Option<Skew> {
    t_ms.checked_sub(now_ms).filter(|d| *d > bound).map(|by_ms| Skew { by_ms })
}

/// One HLC timestamp. Field order gives the total order: wall, counter, then node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hlc {
    /// Milliseconds since the Unix epoch.
    pub wall_ms: u64,
    /// Orders events within one millisecond.
    pub counter: u32,
    /// The node that made it.
    pub node: Uuid,
}

impl Hlc {
    /// Below every real clock: the stamp of reference data every node seeds identically, so
    /// that any real edit, anywhere, wins over it.
    pub const GENESIS: Hlc = Hlc { wall_ms: 0, counter: 0, node: Uuid::nil() };

    /// The next stamp for a local event, after `last`, at wall time `now_ms`. Refused when
    /// the wall clock is more than [`MAX_AHEAD_MS`] behind `last` (the [`Skew`] says by how
    /// much): the clock was set back, or was ahead when `last` was stamped.
    pub fn tick(last: Hlc, now_ms: u64, node: Uuid) -> Result<Hlc, Skew> {
        if let Some(skew) = beyond(last.wall_ms, now_ms, MAX_AHEAD_MS) {
            return Err(skew);
        }
        Ok(if now_ms > last.wall_ms {
            Hlc { wall_ms: now_ms, counter: 0, node }
        } else {
            Hlc::after(last.wall_ms, last.counter, node)
        })
    }

    /// Advances the local clock past a remote stamp (on receiving a change). A remote stamp
    /// more than [`MAX_AHEAD_MS`] past the wall clock is refused: taking it would carry this
    /// node's clock, and every node's after it, that far ahead.
    pub fn receive(last: Hlc, remote: Hlc, now_ms: u64, node: Uuid) -> Result<Hlc, Skew> {
        if let Some(skew) = beyond(remote.wall_ms, now_ms, MAX_AHEAD_MS) {
            return Err(skew);
        }
        let wall = now_ms.max(last.wall_ms).max(remote.wall_ms);
        if wall == now_ms && wall > last.wall_ms && wall > remote.wall_ms {
            return Ok(Hlc { wall_ms: wall, counter: 0, node });
        }
        let counter = match (wall == last.wall_ms, wall == remote.wall_ms) {
            (true, true) => last.counter.max(remote.counter),
            (true, false) => last.counter,
            (false, true) => remote.counter,
            (false, false) => 0,
        };
        Ok(Hlc::after(wall, counter, node))
    }

    /// `last`, held back to `limit_ms` if it is past it: for a node whose wall clock HQ has
    /// just confirmed, after it stamped changes while its clock ran ahead. `limit_ms` is the
    /// most HQ takes ([`SKEW_MS`] past HQ's clock), so later stamps still follow everything
    /// HQ may have taken from the node, and HQ takes them.
    pub fn held_back(last: Hlc, limit_ms: u64, node: Uuid) -> Hlc {
        if last.wall_ms > limit_ms { Hlc { wall_ms: limit_ms, counter: 0, node } } else { last }
    }

    fn after(wall_ms: u64, counter: u32, node: Uuid) -> Hlc {
        match counter.checked_add(1) {
            Some(c) => Hlc { wall_ms, counter: c, node },
            // A counter this high means a frozen clock; borrowing a millisecond keeps order.
            None => Hlc { wall_ms: wall_ms + 1, counter: 0, node },
        }
    }
}

impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:012x}-{:08x}-{}", self.wall_ms, self.counter, self.node.simple())
    }
}

/// A string that is not an HLC.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("不是有效的混合逻辑时钟值：{0}")]
pub struct BadHlc(pub String);

impl FromStr for Hlc {
    type Err = BadHlc;

    fn from_str(s: &str) -> Result<Hlc, BadHlc> {
        let bad = || BadHlc(s.to_owned());
        let mut parts = s.splitn(3, '-');
        let (Some(w), Some(c), Some(n)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        if w.len() != 12 || c.len() != 8 || n.len() != 32 {
            return Err(bad());
        }
        Ok(Hlc {
            wall_ms: u64::from_str_radix(w, 16).map_err(|_| bad())?,
            counter: u32::from_str_radix(c, 16).map_err(|_| bad())?,
            node: Uuid::try_parse(n).map_err(|_| bad())?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn node(b: u8) -> Uuid {
        Uuid::from_bytes([b; 16])
    }

    #[test]
    fn local_ticks_increase_even_when_the_wall_clock_steps_back() {
        let a = Hlc::tick(Hlc::GENESIS, 1000, node(1)).unwrap();
        let b = Hlc::tick(a, 900, node(1)).unwrap();
        let c = Hlc::tick(b, 900, node(1)).unwrap();
        assert!(a < b && b < c);
        assert_eq!((b.wall_ms, b.counter), (1000, 1));
    }

    #[test]
    fn receiving_moves_past_the_remote_stamp() {
        let remote = Hlc { wall_ms: 5000, counter: 7, node: node(2) };
        let local = Hlc { wall_ms: 1000, counter: 0, node: node(1) };
        let next = Hlc::receive(local, remote, 1200, node(1)).unwrap();
        assert!(next > remote);
        assert_eq!((next.wall_ms, next.counter), (5000, 8));
    }

    #[test]
    fn a_saturated_counter_borrows_a_millisecond() {
        let last = Hlc { wall_ms: 10, counter: u32::MAX, node: node(1) };
        let next = Hlc::tick(last, 10, node(1)).unwrap();
        assert!(next > last);
    }

    const DAY: u64 = 24 * 60 * 60 * 1000;
    const NOW: u64 = 1_795_000_000_000; // late 2026

    #[test]
    fn the_clock_is_bounded_by_wall_time_in_both_directions() {
        let me = node(1);
        let at = |wall_ms| Hlc { wall_ms, counter: 0, node: node(2) };
        // (remote stamp, accepted?): up to two hours past the wall clock, and any past.
        let received = [
            (NOW - 30 * 365 * DAY, true),
            (NOW, true),
            (NOW + MAX_AHEAD_MS, true),
            (NOW + MAX_AHEAD_MS + 1, false),
            (NOW + 73 * 365 * DAY, false),
        ];
        for (wall, ok) in received {
            let got = Hlc::receive(Hlc::GENESIS, at(wall), NOW, me);
            assert_eq!(got.is_ok(), ok, "remote at {wall}");
            if let Ok(h) = got {
                assert!(h.wall_ms <= NOW + MAX_AHEAD_MS);
            }
        }
        // A wall clock set back (a dead battery: the year 2000) does not stamp writes after
        // what this node recorded; a little behind (drift) still does.
        let last = at(NOW);
        let e = Hlc::tick(last, 946_684_800_000, me).unwrap_err();
        assert_eq!(e.words(), "约 26 年");
        assert_eq!(Hlc::tick(last, NOW - 3 * DAY, me).unwrap_err().words(), "3 天");
        assert!(Hlc::tick(last, NOW - MAX_AHEAD_MS, me).unwrap() > last);
    }

    #[test]
    fn a_confirmed_clock_holds_back_a_clock_that_ran_ahead() {
        let me = node(1);
        let ran_ahead = Hlc { wall_ms: NOW + 3 * DAY, counter: 4, node: me };
        let held = Hlc::held_back(ran_ahead, NOW + SKEW_MS, me);
        assert_eq!(held.wall_ms, NOW + SKEW_MS);
        let next = Hlc::tick(held, NOW, me).unwrap();
        assert!(next > held && next.wall_ms <= NOW + SKEW_MS);
        let fine = Hlc { wall_ms: NOW + 60_000, counter: 2, node: me };
        assert_eq!(Hlc::held_back(fine, NOW + SKEW_MS, me), fine);
        assert_eq!(Skew { by_ms: 5 * 60 * 60 * 1000 + 7 }.words(), "5 小时");
        assert_eq!(Skew { by_ms: 61_000 }.words(), "2 分钟");
    }

    proptest! {
        #[test]
        fn text_order_is_clock_order(a in any::<(u64, u32, [u8; 16])>(), b in any::<(u64, u32, [u8; 16])>()) {
            let mk = |(w, c, n): (u64, u32, [u8; 16])| Hlc { wall_ms: w % (1 << 47), counter: c, node: Uuid::from_bytes(n) };
            let (x, y) = (mk(a), mk(b));
            prop_assert_eq!(x.cmp(&y), x.to_string().cmp(&y.to_string()));
            prop_assert_eq!(x.to_string().parse::<Hlc>().unwrap(), x);
        }
    }
}
