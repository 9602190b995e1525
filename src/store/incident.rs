//! incident store module.
