//! Hybrid logical clock: wall time in milliseconds, a counter, and the node id. It orders
//! every change of every node totally, and its text form sorts the same way, so the store
//! can compare clocks as strings.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

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

    /// The next stamp for a local event, after `last`, at wall time `now_ms`.
    pub fn tick(last: Hlc, now_ms: u64, node: Uuid) -> Hlc {
        if now_ms > last.wall_ms {
            Hlc { wall_ms: now_ms, counter: 0, node }
        } else {
            Hlc::after(last.wall_ms, last.counter, node)
        }
    }

    /// Advances the local clock past a remote stamp (on receiving a change).
    pub fn receive(last: Hlc, remote: Hlc, now_ms: u64, node: Uuid) -> Hlc {
        let wall = now_ms.max(last.wall_ms).max(remote.wall_ms);
        if wall == now_ms && wall > last.wall_ms && wall > remote.wall_ms {
            return Hlc { wall_ms: wall, counter: 0, node };
        }
        let counter = match (wall == last.wall_ms, wall == remote.wall_ms) {
            (true, true) => last.counter.max(remote.counter),
            (true, false) => last.counter,
            (false, true) => remote.counter,
            (false, false) => 0,
        };
        Hlc::after(wall, counter, node)
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
        let a = Hlc::tick(Hlc::GENESIS, 1000, node(1));
        let b = Hlc::tick(a, 900, node(1));
        let c = Hlc::tick(b, 900, node(1));
        assert!(a < b && b < c);
        assert_eq!((b.wall_ms, b.counter), (1000, 1));
    }

    #[test]
    fn receiving_moves_past_the_remote_stamp() {
        let remote = Hlc { wall_ms: 5000, counter: 7, node: node(2) };
        let local = Hlc { wall_ms: 1000, counter: 0, node: node(1) };
        let next = Hlc::receive(local, remote, 1200, node(1));
        assert!(next > remote);
        assert_eq!((next.wall_ms, next.counter), (5000, 8));
    }

    #[test]
    fn a_saturated_counter_borrows_a_millisecond() {
        let last = Hlc { wall_ms: 10, counter: u32::MAX, node: node(1) };
        let next = Hlc::tick(last, 10, node(1));
        assert!(next > last);
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
