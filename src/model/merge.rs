//! The merge rule, as a pure decision over values: given what a column holds locally and a
//! change that arrived from another node, keep which value, and was it a conflict? The
//! store's write path applies it ([`crate::store::Tx::apply_remote_row`]) to what sync
//! brings.
//!
//! **Who wins.** Per column, the value with the greater HLC wins. HLCs embed the node id,
//! so two different writes never tie; an equal HLC is the same write seen twice.
//!
//! **What is a conflict.** Every write records `prev`, the HLC of the value it overwrote on
//! its writer's node (none for a first write). A write that displaces another *knowingly*
//! has `prev` equal to the displaced value's HLC: its writer had seen that value. Any other
//! displacement is concurrent: neither writer had seen the other's value, and the loser goes
//! to the conflict log. Equal values are never a conflict.
//!
//! Why `prev` rather than a version vector per change: it is one clock per write, it needs
//! no knowledge of other nodes, and it never misses a concurrent overwrite (a `prev` equal
//! to the loser's clock proves the winner's writer saw the loser). It may report a conflict
//! that a full vector would not, when a value reaches a node before a write it had already
//! knowingly replaced elsewhere; bundles carry changes in clock order and are cumulative,
//! so in the star topology this needs a row to move between jurisdictions. Restoring such
//! a reported loser is harmless.

use rusqlite::types::Value;

use crate::model::Hlc;

/// One side of a merge: the value a column holds (or would hold), its clock and the clock
/// it overwrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    /// The value.
    pub value: Value,
    /// Its HLC.
    pub hlc: Hlc,
    /// The HLC of the value its writer overwrote, if any.
    pub prev: Option<Hlc>,
}

/// What to do with a remote change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Take the remote value.
    Apply,
    /// Keep the local value.
    Ignore,
    /// Take the remote value; the local one was written concurrently and goes to the log.
    ApplyAndLogConflict,
    /// Keep the local value; the remote one was written concurrently and goes to the log.
    IgnoreAndLogConflict,
    /// The very same write was already here.
    Duplicate,
}

impl Decision {
    /// Whether the remote value is taken.
    pub fn applies(self) -> bool {
        matches!(self, Decision::Apply | Decision::ApplyAndLogConflict)
    }

    /// Whether a conflict is logged.
    pub fn conflict(self) -> bool {
        matches!(self, Decision::ApplyAndLogConflict | Decision::IgnoreAndLogConflict)
    }
}

/// Decides a remote change against the column's local version (`None`: never written here).
pub fn decide(local: Option<&Version>, remote: &Version) -> Decision {
    let Some(local) = local else {
        return Decision::Apply;
    };
    if remote.hlc == local.hlc {
        return Decision::Duplicate;
    }
    let (winner, loser, remote_wins) =
        if remote.hlc > local.hlc { (remote, local, true) } else { (local, remote, false) };
    let knowing = winner.prev == Some(loser.hlc);
    // The genesis stamp marks reference data seeded alike everywhere: never a user's value.
    let concurrent = !knowing && loser.hlc != Hlc::GENESIS && !same_value(&winner.value, &loser.value);
    match (remote_wins, concurrent) {
        (true, false) => Decision::Apply,
        (true, true) => Decision::ApplyAndLogConflict,
        (false, false) => Decision::Ignore,
        (false, true) => Decision::IgnoreAndLogConflict,
    }
}

/// Equal as stored values (an integer and a real of the same value count as equal).
pub fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Integer(x), Value::Real(y)) | (Value::Real(y), Value::Integer(x)) => (*x as f64) == *y,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use uuid::Uuid;

    fn hlc(ms: u64, node: u8) -> Hlc {
        Hlc { wall_ms: ms, counter: 0, node: Uuid::from_bytes([node; 16]) }
    }

    fn ver(value: &str, at: Hlc, prev: Option<Hlc>) -> Version {
        Version { value: Value::Text(value.into()), hlc: at, prev }
    }

    #[test]
    fn the_table_of_cases() {
        let (a1, b2, a3, b3) = (hlc(1, 1), hlc(2, 2), hlc(3, 1), hlc(3, 2));
        use Decision::*;
        let cases: Vec<(&str, Option<Version>, Version, Decision)> = vec![
            ("never written here", None, ver("x", a1, None), Apply),
            ("same write again", Some(ver("x", a1, None)), ver("x", a1, None), Duplicate),
            ("successor that saw ours", Some(ver("x", a1, None)), ver("y", b2, Some(a1)), Apply),
            ("later, did not see ours", Some(ver("x", a1, None)), ver("y", b2, None), ApplyAndLogConflict),
            ("later, saw an older value", Some(ver("x", b2, Some(a1))), ver("y", a3, Some(a1)), ApplyAndLogConflict),
            ("later, same value, unseen", Some(ver("x", a1, None)), ver("x", b2, None), Apply),
            ("older, ours saw it", Some(ver("y", b2, Some(a1))), ver("x", a1, None), Ignore),
            ("older, ours did not see it", Some(ver("y", b2, None)), ver("x", a1, None), IgnoreAndLogConflict),
            ("older, same value", Some(ver("x", b2, None)), ver("x", a1, None), Ignore),
            (
                "same millisecond: node breaks the tie",
                Some(ver("x", a3, None)),
                ver("y", b3, None),
                ApplyAndLogConflict,
            ),
            ("same millisecond, other way", Some(ver("y", b3, None)), ver("x", a3, None), IgnoreAndLogConflict),
            ("over a seed", Some(ver("seed", Hlc::GENESIS, None)), ver("y", b2, None), Apply),
            (
                "integer equals real",
                Some(Version { value: Value::Integer(3), hlc: a1, prev: None }),
                Version { value: Value::Real(3.0), hlc: b2, prev: None },
                Apply,
            ),
        ];
        for (name, local, remote, want) in cases {
            assert_eq!(decide(local.as_ref(), &remote), want, "{name}");
        }
    }

    fn version() -> impl Strategy<Value = Version> {
        (0u64..6, 1u8..4, 0u8..3, proptest::option::of((0u64..6, 1u8..4))).prop_map(|(ms, n, v, prev)| Version {
            value: Value::Integer(i64::from(v)),
            hlc: hlc(ms + 1, n),
            prev: prev.map(|(m, p)| hlc(m + 1, p)),
        })
    }

    proptest! {
        /// Whatever order two versions meet in, the greater clock is kept, and a conflict is
        /// logged on both sides or on neither.
        #[test]
        fn both_orders_keep_the_greater_clock_and_agree_on_conflict(a in version(), b in version()) {
            prop_assume!(a.hlc != b.hlc);
            let ab = decide(Some(&a), &b);
            let ba = decide(Some(&b), &a);
            let kept_ab = if ab.applies() { b.hlc } else { a.hlc };
            let kept_ba = if ba.applies() { a.hlc } else { b.hlc };
            prop_assert_eq!(kept_ab, kept_ba);
            prop_assert_eq!(kept_ab, a.hlc.max(b.hlc));
            prop_assert_eq!(ab.conflict(), ba.conflict());
            if same_value(&a.value, &b.value) {
                prop_assert!(!ab.conflict());
            }
        }
    }
}
