//! HQ's own data for the county console: county logins ([`user`]), stations and the posts
//! filed under them ([`station`]), what a station leader may see ([`scope`]) and which post
//! each row belongs to in the county's lists and figures ([`owner`]), and the decisions on
//! 疑似重复人员 ([`duplicate`]).
//!
//! All of it is local to the HQ node and never synced.

pub mod duplicate;
pub mod owner;
pub mod scope;
pub mod station;
pub mod user;
