//! A message's source, subject, addresses and attachments (SPEC §4.1): the server's part of
//! a message, written in the same transaction as the message itself (through
//! [`crate::Extras::message_details`]).

use crate::error::{StoreError, StoreResult};
use anytime_core::model::{AgentId, ContactId, ConversationId, MessageId};
use rusqlite::{Connection, Transaction};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The most one conversation's attachments may add up to (SPEC §4.14).
pub const MAX_CONVERSATION_ATTACHMENT_BYTES: u64 = 20 * 1024 * 1024;

/// What a message carries besides the core's fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
}

/// Details to store for a new message, and the uploads to attach to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessageDetails {
    pub message_id: MessageId,
    pub details: MessageDetails,
    /// Guids of uploads not yet on a message; each must be `uploader`'s.
    pub attachments: Vec<Uuid>,
    pub uploader: AgentId,
    /// The contact a portal credential acts for: its uploads must have been made for this
    /// contact (`None`: staff uploads only).
    pub uploader_contact: Option<ContactId>,
}

/// Stores `new` for messages of conversation `id` and attaches their uploads; a guid that is
/// not the uploader's free upload is a 400 naming `attachments[i]`, and the conversation's
/// attachments adding up to more than 20 MB is a 413.
pub(crate) fn save(
    tx: &Transaction<'_>,
    site: &str,
    id: ConversationId,
    new: &[NewMessageDetails],
) -> StoreResult<()> {
    for n in new {
        let json = serde_json::to_string(&n.details)
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        tx.prepare_cached(
            "INSERT INTO message_details (site_id, message_id, details) VALUES (?1, ?2, ?3)
             ON CONFLICT (site_id, message_id) DO UPDATE SET details = excluded.details",
        )?
        .execute((site, n.message_id.0, json))?;
        for (i, guid) in n.attachments.iter().enumerate() {
            let attached = tx
                .prepare_cached(
                    "UPDATE attachments SET conversation_id = ?1, message_id = ?2
                     WHERE site_id = ?3 AND guid = ?4 AND uploader_id = ?5 AND contact_id IS ?6
                       AND message_id IS NULL",
                )?
                .execute((
                    id.0,
                    n.message_id.0,
                    site,
                    guid.to_string(),
                    n.uploader.to_string(),
                    n.uploader_contact.map(|c| c.0.to_string()),
                ))?;
            if attached == 0 {
                return Err(StoreError::invalid(
                    format!("attachments[{i}]"),
                    "no upload of yours that is not on a message yet",
                ));
            }
        }
    }
    if new.iter().any(|n| !n.attachments.is_empty()) {
        let total: i64 = tx
            .prepare_cached(
                "SELECT coalesce(sum(size), 0) FROM attachments WHERE site_id = ?1 AND conversation_id = ?2",
            )?
            .query_row((site, id.0), |r| r.get(0))?;
        if u64::try_from(total).unwrap_or(u64::MAX) > MAX_CONVERSATION_ATTACHMENT_BYTES {
            return Err(StoreError::TooLarge(format!(
                "a conversation's attachments may add up to at most {} MB",
                MAX_CONVERSATION_ATTACHMENT_BYTES / (1024 * 1024)
            )));
        }
    }
    Ok(())
}

/// The stored details of a conversation's messages.
pub(crate) fn load(
    conn: &Connection,
    site: &str,
    id: ConversationId,
) -> StoreResult<BTreeMap<MessageId, MessageDetails>> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.message_id, d.details FROM message_details d
         JOIN messages m ON m.site_id = d.site_id AND m.id = d.message_id
         WHERE d.site_id = ?1 AND m.conversation_id = ?2",
    )?;
    let rows = stmt
        .query_map((site, id.0), |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(m, text)| {
            serde_json::from_str(&text)
                .map(|d| (MessageId(m), d))
                .map_err(|e| StoreError::Unavailable(format!("stored JSON is unreadable: {e}")))
        })
        .collect()
}
