//! dispute store module.
