//! errand store module.
