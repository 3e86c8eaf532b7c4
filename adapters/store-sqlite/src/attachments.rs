//! Attachment records (SPEC §4.14). The bytes live in files named by their SHA-256, which
//! the server writes and removes; the store says whether a hash is still referenced.

use crate::error::{StoreError, StoreResult};
use crate::sql::{ok_or_not_found, time_at, uuid_at};
use crate::{time, Store};
use anytime_core::model::{AgentId, ContactId, ConversationId, MessageId, SiteId};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row};
use uuid::Uuid;

/// Attachments: `store.attachments()`.
pub struct Attachments<'a> {
    pub(crate) store: &'a Store,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    pub guid: Uuid,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    /// Lower-case hex SHA-256 of the bytes: the file's name under the data dir.
    pub sha256: String,
    pub uploader_id: AgentId,
    /// The contact a portal credential uploaded it for (`None`: a staff upload).
    pub contact_id: Option<ContactId>,
    pub conversation_id: Option<ConversationId>,
    pub message_id: Option<MessageId>,
    pub created_time: DateTime<Utc>,
}

const COLUMNS: &str = "guid, file_name, content_type, size, sha256, uploader_id, conversation_id, message_id, created_time, contact_id";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Attachment> {
    let size: i64 = row.get(3)?;
    Ok(Attachment {
        guid: uuid_at(row, 0)?,
        file_name: row.get(1)?,
        content_type: row.get(2)?,
        size: u64::try_from(size).unwrap_or(0),
        sha256: row.get(4)?,
        uploader_id: AgentId(uuid_at(row, 5)?),
        conversation_id: row.get::<_, Option<i64>>(6)?.map(ConversationId),
        message_id: row.get::<_, Option<i64>>(7)?.map(MessageId),
        created_time: time_at(row, 8)?,
        contact_id: row
            .get::<_, Option<String>>(9)?
            .and_then(|c| Uuid::parse_str(&c).ok())
            .map(ContactId),
    })
}

fn load(conn: &Connection, site: &str, guid: Uuid) -> StoreResult<Option<Attachment>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM attachments WHERE site_id = ?1 AND guid = ?2"
        ))?
        .query_row((site, guid.to_string()), from_row)
        .optional()?)
}

fn in_use(conn: &Connection, sha: &str) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM attachments WHERE sha256 = ?1 LIMIT 1")?
        .query_row([sha], |r| r.get::<_, i64>(0))
        .optional()?
        .is_some())
}

/// Records an attachment whose file is already written (on a message when `a` says so).
pub(crate) fn insert(conn: &Connection, site: &str, a: &Attachment) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO attachments (site_id, guid, file_name, content_type, size, sha256, uploader_id,
                                  conversation_id, message_id, created_time, contact_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute((
        site,
        a.guid.to_string(),
        &a.file_name,
        &a.content_type,
        i64::try_from(a.size).unwrap_or(i64::MAX),
        &a.sha256,
        a.uploader_id.to_string(),
        a.conversation_id.map(|c| c.0),
        a.message_id.map(|m| m.0),
        time::now_text(),
        a.contact_id.map(|c| c.0.to_string()),
    ))?;
    Ok(())
}

impl Attachments<'_> {
    /// Records an upload whose file is already written.
    pub async fn create(&self, site: SiteId, a: Attachment) -> StoreResult<Attachment> {
        let site = site.to_string();
        self.store
            .db
            .write(move |tx| {
                insert(tx, &site, &a)?;
                ok_or_not_found(load(tx, &site, a.guid)?, "attachment")
            })
            .await
    }

    pub async fn get(&self, site: SiteId, guid: Uuid) -> StoreResult<Attachment> {
        let site = site.to_string();
        self.store
            .db
            .read(move |conn| ok_or_not_found(load(conn, &site, guid)?, "attachment"))
            .await
    }

    /// Deletes an upload not yet on a message, only for its uploader (others: not found;
    /// attached: conflict). Returns the hash when no record references the bytes any more,
    /// so the caller removes the file.
    pub async fn delete_unattached(
        &self,
        site: SiteId,
        guid: Uuid,
        uploader: AgentId,
    ) -> StoreResult<Option<String>> {
        let site = site.to_string();
        self.store
            .db
            .write(move |tx| {
                let a = load(tx, &site, guid)?
                    .filter(|a| a.uploader_id == uploader)
                    .ok_or(StoreError::not_found("attachment"))?;
                if a.message_id.is_some() {
                    return Err(StoreError::conflict(
                        "the attachment is on a message; delete the conversation permanently to remove it",
                    ));
                }
                tx.prepare_cached("DELETE FROM attachments WHERE site_id = ?1 AND guid = ?2")?
                    .execute((&site, guid.to_string()))?;
                Ok((!in_use(tx, &a.sha256)?).then_some(a.sha256))
            })
            .await
    }
}

/// A conversation's attachments, oldest first, in the caller's transaction.
pub(crate) fn of_conversation_in(
    conn: &Connection,
    site: &str,
    id: ConversationId,
) -> StoreResult<Vec<Attachment>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM attachments WHERE site_id = ?1 AND conversation_id = ?2
         ORDER BY created_time, guid"
    ))?;
    let rows = stmt
        .query_map((site, id.0), from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}
