//! The keyword index (FTS5 `conversation_search`, the text only) and its key table (which
//! site, conversation and message each FTS rowid indexes): every write goes through here so
//! the two never disagree. Rows are found by key (a B-tree lookup, migration 0011); searches
//! filter the matches by site through the key table too (migration 0014).

use crate::error::StoreResult;
use rusqlite::{Connection, OptionalExtension};

/// Adds `text` for a subject (`message_id` 0) or a message body.
pub(crate) fn add(
    conn: &Connection,
    site: &str,
    conversation_id: i64,
    message_id: i64,
    text: &str,
) -> StoreResult<()> {
    conn.prepare_cached("INSERT INTO conversation_search (text) VALUES (?1)")?
        .execute([text])?;
    let rowid = conn.last_insert_rowid();
    conn.prepare_cached(
        "INSERT INTO conversation_search_keys (search_rowid, site_id, message_id, conversation_id) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute((rowid, site, message_id, conversation_id))?;
    Ok(())
}

fn remove_rowids(conn: &Connection, rowids: &[i64]) -> StoreResult<()> {
    for rowid in rowids {
        conn.prepare_cached("DELETE FROM conversation_search WHERE rowid = ?1")?
            .execute([rowid])?;
        conn.prepare_cached("DELETE FROM conversation_search_keys WHERE search_rowid = ?1")?
            .execute([rowid])?;
    }
    Ok(())
}

/// Removes a conversation's subject row.
pub(crate) fn remove_subject(
    conn: &Connection,
    site: &str,
    conversation_id: i64,
) -> StoreResult<()> {
    let rowids = conn
        .prepare_cached(
            "SELECT search_rowid FROM conversation_search_keys WHERE site_id = ?1 AND message_id = 0 AND conversation_id = ?2",
        )?
        .query_map((site, conversation_id), |r| r.get(0))?
        .collect::<Result<Vec<i64>, _>>()?;
    remove_rowids(conn, &rowids)
}

/// Removes a message's row, whichever conversation it was indexed under (merges move messages).
pub(crate) fn remove_message(conn: &Connection, site: &str, message_id: i64) -> StoreResult<()> {
    let rowid: Option<i64> = conn
        .prepare_cached(
            "SELECT search_rowid FROM conversation_search_keys WHERE site_id = ?1 AND message_id = ?2",
        )?
        .query_row((site, message_id), |r| r.get(0))
        .optional()?;
    remove_rowids(conn, rowid.as_slice())
}

/// Removes every row of a conversation: its subject and the messages it still holds (call
/// before the messages are deleted).
pub(crate) fn remove_conversation(
    conn: &Connection,
    site: &str,
    conversation_id: i64,
) -> StoreResult<()> {
    remove_subject(conn, site, conversation_id)?;
    let messages = conn
        .prepare_cached("SELECT id FROM messages WHERE site_id = ?1 AND conversation_id = ?2")?
        .query_map((site, conversation_id), |r| r.get(0))?
        .collect::<Result<Vec<i64>, _>>()?;
    for m in messages {
        remove_message(conn, site, m)?;
    }
    Ok(())
}
