//! Numbered migrations embedded in the binary, applied in one immediate transaction.

use crate::error::{StoreError, StoreResult};
use crate::time;
use rusqlite::{Connection, TransactionBehavior};

/// Every migration, in order. Append only; see `migrations/NOTES.md`.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/0001_init.sql")),
    (2, include_str!("../migrations/0002_conversations.sql")),
    (
        3,
        include_str!("../migrations/0003_fields_filters_attachments.sql"),
    ),
    (4, include_str!("../migrations/0004_rules_pipeline.sql")),
    (6, include_str!("../migrations/0006_junk_emails.sql")),
    (
        7,
        include_str!("../migrations/0007_filters_messages_drafts.sql"),
    ),
    (8, include_str!("../migrations/0008_sla_breaches.sql")),
    (9, include_str!("../migrations/0009_inbound.sql")),
    (10, include_str!("../migrations/0010_oauth.sql")),
    (11, include_str!("../migrations/0011_scale_indexes.sql")),
    (12, include_str!("../migrations/0012_imap_mailboxes.sql")),
    (13, include_str!("../migrations/0013_portal_uploads.sql")),
    (14, include_str!("../migrations/0014_search_and_loads.sql")),
    (15, include_str!("../migrations/0015_open_by_breach.sql")),
];

/// The schema version this binary expects.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |(v, _)| *v)
}

/// Brings the database up to [`latest_version`]; returns the versions it applied.
pub(crate) fn migrate(conn: &mut Connection) -> StoreResult<Vec<i64>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_version (
             version      INTEGER PRIMARY KEY,
             applied_time TEXT NOT NULL
         ) STRICT;",
    )?;
    let current: i64 = tx.query_row(
        "SELECT coalesce(max(version), 0) FROM schema_version",
        [],
        |r| r.get(0),
    )?;
    if current > latest_version() {
        return Err(StoreError::Migration(format!(
            "the database has schema version {current}, this binary knows up to {}; use a newer anytime",
            latest_version()
        )));
    }
    // Every listed migration not yet recorded, not only those above the highest: branches
    // developed side by side land their numbers out of order.
    let recorded: Vec<i64> = tx
        .prepare("SELECT version FROM schema_version")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let now = time::now_text();
    let mut applied = Vec::new();
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| !recorded.contains(v)) {
        tx.execute_batch(sql)
            .map_err(|e| StoreError::Migration(format!("migration {version}: {e}")))?;
        tx.execute(
            "INSERT INTO schema_version (version, applied_time) VALUES (?1, ?2)",
            (version, &now),
        )?;
        applied.push(*version);
    }
    // Only after a migration ran: the check reads every row of every table with a foreign
    // key (22 s of every server start at a million conversations, for nothing).
    let violations: i64 = if applied.is_empty() {
        0
    } else {
        tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })?
    };
    if violations > 0 {
        return Err(StoreError::Migration(format!(
            "{violations} foreign key violations after migrating"
        )));
    }
    tx.commit()?;
    Ok(applied)
}

/// The version recorded in the database (0 when never migrated).
pub(crate) fn current_version(conn: &Connection) -> StoreResult<i64> {
    let exists: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
        [],
        |r| r.get(0),
    )?;
    if !exists {
        return Ok(0);
    }
    Ok(conn.query_row(
        "SELECT coalesce(max(version), 0) FROM schema_version",
        [],
        |r| r.get(0),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_a_fresh_database_once() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        assert_eq!(
            migrate(&mut conn).unwrap(),
            MIGRATIONS.iter().map(|(v, _)| *v).collect::<Vec<i64>>()
        );
        assert_eq!(migrate(&mut conn).unwrap(), Vec::<i64>::new());
        assert_eq!(current_version(&conn).unwrap(), latest_version());
    }

    #[test]
    fn refuses_a_newer_database() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        conn.execute(
            "INSERT INTO schema_version VALUES (9999, '2030-01-01T00:00:00.000Z')",
            [],
        )
        .unwrap();
        assert!(matches!(migrate(&mut conn), Err(StoreError::Migration(_))));
    }
}
