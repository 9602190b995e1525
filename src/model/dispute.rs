//! Disputes and their mediation: the state machine, the 治安调解 rules and the agreement's
//! required fields, as pure functions over values.
