//! Shared helpers for the integration tests: a real database file in a temp dir, a clock
//! the test controls.

#![allow(dead_code)]

use std::sync::Arc;

use chrono::NaiveDate;
use fengqiao::api::Api;
use fengqiao::model::time::FixedClock;
use serde_json::{Value, json};
use tempfile::TempDir;

/// A post database on disk, with the clock at 09:00 on 2026-11-23 (a Monday).
pub struct Post {
    pub dir: TempDir,
    pub api: Api,
    pub clock: Arc<FixedClock>,
}

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("valid date")
}

/// The document fonts in the source tree. Programs never look there by themselves (they
/// look where the package installs them), so tests that print say where they are.
pub fn source_fonts() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets").join("fonts")
}

impl Post {
    pub fn new() -> Post {
        fengqiao::docs::font::set_dir(source_fonts());
        let dir = tempfile::tempdir().expect("temp dir");
        let clock = Arc::new(FixedClock::at_date(today()));
        let api = Api::open(&dir.path().join("post.db"), clock.clone()).expect("open");
        Post { dir, api, clock }
    }

    /// Calls a method and returns the reply, panicking with the Chinese message on error.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        match self.api.call(method, params) {
            Ok(v) => v,
            Err(e) => panic!("{method} failed: {} ({})", e, e.code()),
        }
    }

    /// Calls a method that must fail; returns the error reply as JSON.
    pub fn refused(&mut self, method: &str, params: Value) -> Value {
        match self.api.call(method, params) {
            Ok(v) => panic!("{method} should have been refused, got {v}"),
            Err(e) => serde_json::to_value(e.to_reply()).expect("json"),
        }
    }

    /// A village with one group and a household in it; returns (village, group, household).
    pub fn household(&mut self, village: &str, house_no: &str) -> (String, String, String) {
        let villages = self.call("village.list", json!({}));
        let existing = villages.as_array().and_then(|vs| vs.iter().find(|v| v["name"] == village).cloned());
        let (vid, gid) = match existing {
            Some(v) => (v["id"].as_str().unwrap().to_owned(), v["groups"][0]["id"].as_str().unwrap().to_owned()),
            None => {
                let v = self.call("village.create", json!({"name": village}));
                let vid = v["id"].as_str().unwrap().to_owned();
                let g = self.call("group.create", json!({"village_id": vid, "name": "3组"}));
                (vid, g["id"].as_str().unwrap().to_owned())
            }
        };
        let h = self.call("household.create", json!({"village_id": vid, "group_id": gid, "house_no": house_no}));
        (vid, gid, h["id"].as_str().unwrap().to_owned())
    }
}

pub fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}
