//! Numbered migrations on SQLite's `user_version`.
//!
//! A small migrator rather than `rusqlite_migration`: that crate pins an older rusqlite
//! (0.40) than the one we build with (0.43), and what we need is thirty lines: apply the
//! numbered scripts in order, each in its own transaction with the version bump, and
//! refuse a file whose version is newer than this build knows. Scripts are never edited
//! once shipped; a change is a new script.

use rusqlite::Connection;

use crate::error::{Error, Result};

/// The migrations, in order; migration `i` brings the schema to version `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_security.sql"),
    include_str!("migrations/0003_sync.sql"),
    include_str!("migrations/0004_row_origin.sql"),
    include_str!("migrations/0005_involvement.sql"),
    include_str!("migrations/0006_enroll_code.sql"),
    include_str!("migrations/0007_search_pending.sql"),
    include_str!("migrations/0008_assignment.sql"),
    include_str!("migrations/0009_audit_anchor.sql"),
    include_str!("migrations/0010_refusal.sql"),
    include_str!("migrations/0011_county.sql"),
    include_str!("migrations/0012_warning.sql"),
    include_str!("migrations/0013_duplicate.sql"),
    include_str!("migrations/0014_reply_by_row.sql"),
    include_str!("migrations/0015_care.sql"),
    include_str!("migrations/0016_repeat_bundle.sql"),
    include_str!("migrations/0017_service_station.sql"),
    include_str!("migrations/0018_village_code.sql"),
    include_str!("migrations/0019_counsel.sql"),
    include_str!("migrations/0020_award.sql"),
    include_str!("migrations/0021_attachment.sql"),
    include_str!("migrations/0022_restored_peer.sql"),
    include_str!("migrations/0023_month_dates.sql"),
    include_str!("migrations/0024_county_reads.sql"),
    include_str!("migrations/0025_place_lookups.sql"),
];

/// The schema version this build writes.
pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

/// The schema version of an open file.
pub fn version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// Refuses a file written by a newer build, before anything touches it.
pub fn refuse_newer(conn: &Connection) -> Result<()> {
    let found = version(conn)?;
    if found > latest() {
        return Err(Error::NewerDatabase { found, supported: latest() });
    }
    Ok(())
}

/// Brings the file up to [`latest`].
pub fn migrate(conn: &mut Connection) -> Result<()> {
    refuse_newer(conn)?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version(conn)? as usize) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive)?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrating_twice_is_harmless_and_a_newer_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut conn = Connection::open(&path).unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        assert_eq!(version(&conn).unwrap(), latest());
        conn.pragma_update(None, "user_version", latest() + 1).unwrap();
        let err = migrate(&mut conn).unwrap_err();
        assert_eq!(err.code(), "newer_database");
        assert!(err.to_string().contains("请先升级软件"));
    }

    #[test]
    fn each_date_the_months_statistics_read_by_has_an_index() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = Connection::open(dir.path().join("t.db")).unwrap();
        migrate(&mut conn).unwrap();
        // The dates `docs::stats::gather` puts a record in the month by.
        let dates = [
            ("visit", "visited_on"),
            ("errand", "requested_on"),
            ("errand", "due_on"),
            ("errand", "done_on"),
            ("mediation", "held_on"),
            ("dispute", "received_on"),
            ("follow_up", "due_on"),
            ("agreement", "effective_on"),
            ("incident", "occurred_at"),
        ];
        for (table, col) in dates {
            let plan = crate::store::query_plan(
                &conn,
                &format!("SELECT * FROM {table} WHERE deleted_at IS NULL AND {col} >= ?1 AND {col} < ?2"),
                ["2026-11-01", "2026-12-01"],
            );
            assert!(plan.iter().any(|p| p.contains("USING") && p.contains(col)), "{table}.{col}: {plan:?}");
        }
        // The trend counts a month's visits from the index alone.
        let plan = crate::store::query_plan(
            &conn,
            "SELECT count(*) FROM visit WHERE deleted_at IS NULL AND visited_on >= ?1 AND visited_on < ?2",
            ["2026-11-01", "2026-12-01"],
        );
        assert!(plan.iter().any(|p| p.contains("COVERING INDEX visit_visited")), "{plan:?}");
    }

    #[test]
    fn a_records_village_is_looked_up_from_an_index_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        migrate(&mut Connection::open(&path).unwrap()).unwrap();
        // As the statistics read them, on the migrating connection and on one opened after.
        for conn in [Connection::open(&path).unwrap(), {
            let mut c = Connection::open(dir.path().join("u.db")).unwrap();
            migrate(&mut c).unwrap();
            c
        }] {
            let months = ["2026-11-01", "2026-12-01"];
            let visits = crate::store::query_plan(&conn, crate::store::household::VISITS_IN, months);
            assert!(visits.iter().any(|p| p.contains("COVERING INDEX household_place")), "{visits:?}");
            let errands = crate::store::query_plan(&conn, crate::store::errand::MONTH_FACTS, months);
            for index in ["person_place", "household_place", "errand_requested", "errand_due", "errand_done"] {
                assert!(
                    errands.iter().any(|p| p.contains(&format!("COVERING INDEX {index} "))),
                    "{index}: {errands:?}"
                );
            }
            // Other lookups by id are as they were.
            let household = crate::store::query_plan(&conn, "SELECT * FROM household WHERE id = ?1", ["x"]);
            assert!(household.iter().any(|p| p.contains("sqlite_autoindex_household_1")), "{household:?}");
        }
    }
}
