//! A county write and its audit entry commit together (SECURITY.md, 审计): `fengqiao-hq`
//! killed between a station's creation and its entry (the debug build's
//! `FENGQIAO_FAILPOINT=after_write`) leaves both or neither, and the chain still verifies.

use std::path::Path;
use std::process::{Command, Output};

fn hq(data: &Path, failpoint: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fengqiao-hq"));
    cmd.arg("--data").arg(data).args(args);
    match failpoint {
        Some(f) => cmd.env("FENGQIAO_FAILPOINT", f),
        None => cmd.env_remove("FENGQIAO_FAILPOINT"),
    };
    cmd.output().unwrap()
}

/// How many stations are named `name`, and how many entries record a station saved.
fn counts(data: &Path, name: &str) -> (i64, i64) {
    let api = fengqiao_hq::open(data).unwrap();
    let conn = api.store().conn();
    let rows: i64 = conn.query_row("SELECT count(*) FROM station WHERE name = ?1", [name], |r| r.get(0)).unwrap();
    let entries: i64 = conn
        .query_row("SELECT count(*) FROM audit_log WHERE action = 'update' AND detail = 'hq.station_save'", [], |r| {
            r.get(0)
        })
        .unwrap();
    fengqiao::store::audit::verify(conn).unwrap();
    (rows, entries)
}

#[test]
fn a_county_write_killed_before_its_entry_keeps_neither() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("hq");
    let out = hq(&data, None, &["init", "--name", "县公安局"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let out = hq(&data, Some("after_write"), &["stations", "--add", "青山派出所"]);
    assert!(!out.status.success(), "the process should have been killed");
    let (rows, entries) = counts(&data, "青山派出所");
    assert_eq!(rows > 0, entries > 0, "a station without its entry (or the reverse): {rows} rows, {entries} entries");
    assert_eq!((rows, entries), (0, 0), "the crash came before the commit");

    let out = hq(&data, None, &["stations", "--add", "青山派出所"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(counts(&data, "青山派出所"), (1, 1));
}
