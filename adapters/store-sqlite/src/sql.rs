//! Small helpers for row mapping shared by the resource modules.

use crate::error::{StoreError, StoreResult};
use rusqlite::types::Type;
use rusqlite::{Row, Transaction};
use uuid::Uuid;

pub(crate) fn uuid_at(row: &Row<'_>, idx: usize) -> rusqlite::Result<Uuid> {
    let text: String = row.get(idx)?;
    Uuid::parse_str(&text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(e)))
}

pub(crate) fn time_at(
    row: &Row<'_>,
    idx: usize,
) -> rusqlite::Result<chrono::DateTime<chrono::Utc>> {
    let text: String = row.get(idx)?;
    crate::time::parse(&text, idx)
}

/// Escapes `%`, `_` and `\` for `LIKE … ESCAPE '\'`.
pub(crate) fn like_pattern(needle: &str) -> String {
    let mut out = String::with_capacity(needle.len() + 2);
    out.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Hands out the next per-site number of a sequence (`conversation`, `message`, …), inside
/// the caller's write transaction; numbers start at 1 and never repeat.
pub(crate) fn next_site_number(
    tx: &Transaction<'_>,
    site_id: Uuid,
    sequence: &str,
) -> StoreResult<i64> {
    let value = tx
        .prepare_cached(
            "INSERT INTO site_counters (site_id, name, last_value) VALUES (?1, ?2, 1)
             ON CONFLICT (site_id, name) DO UPDATE SET last_value = last_value + 1
             RETURNING last_value",
        )?
        .query_row((site_id.to_string(), sequence), |r| r.get(0))?;
    Ok(value)
}

/// Maps a UNIQUE violation to a 409 with `message`; other errors pass through.
pub(crate) fn unique_as_conflict(e: rusqlite::Error, message: &str) -> StoreError {
    match &e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
        {
            StoreError::conflict(message)
        }
        _ => StoreError::Sqlite(e),
    }
}

pub(crate) fn ok_or_not_found<T>(value: Option<T>, what: &'static str) -> StoreResult<T> {
    value.ok_or(StoreError::not_found(what))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_pattern("a%b_c\\"), "%a\\%b\\_c\\\\%");
    }
}
