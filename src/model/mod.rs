//! The domain: types, enums, validation and the rules of the work, as pure functions over
//! values. Nothing here does I/O or reads the clock; callers pass the time in.

pub mod attachment;
pub mod auth;
pub mod award;
pub mod calendar;
pub mod care;
pub mod counsel;
pub mod day_plan;
pub mod dispute;
pub mod enums;
pub mod errand;
pub mod hlc;
pub mod id_number;
pub mod incident;
pub mod merge;
pub mod otp;
pub mod people;
pub mod prevention;
pub mod service_station;
pub mod sheet;
pub mod time;
pub mod validate;
pub mod warning;

pub use enums::*;
pub use hlc::Hlc;
pub use id_number::IdNumber;
