//! Conversation drafts (SPEC §4.1): one per conversation per agent, numbered per site,
//! removed with their conversation.

use crate::error::{StoreError, StoreResult};
use crate::sql::{next_site_number, ok_or_not_found, time_at};
use crate::{time, Store};
use anytime_core::model::{AgentId, ConversationId, SiteId};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use uuid::Uuid;

/// Drafts: `store.drafts()`.
pub struct Drafts<'a> {
    pub(crate) store: &'a Store,
}

/// What a draft holds (checked by the server).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DraftContent {
    pub subject: Option<String>,
    pub html_body: Option<String>,
    pub plain_body: Option<String>,
    pub quote: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub cc: Option<String>,
    /// The saver's uploads.
    pub attachments: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub draft_id: i64,
    pub conversation_id: ConversationId,
    pub saved_by_id: AgentId,
    pub saved_time: DateTime<Utc>,
    pub content: DraftContent,
}

/// Whether a save may create the draft, replace it, or either.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftSave {
    /// 409 when the agent already has a draft of the conversation.
    Create,
    /// 404 when it has none.
    Update,
}

fn live(conn: &Connection, site: &str, id: ConversationId) -> StoreResult<()> {
    let deleted: Option<bool> = conn
        .prepare_cached("SELECT is_deleted FROM conversations WHERE site_id = ?1 AND id = ?2")?
        .query_row((site, id.0), |r| r.get(0))
        .optional()?;
    match deleted {
        Some(false) => Ok(()),
        _ => Err(StoreError::not_found("conversation")),
    }
}

fn load(
    conn: &Connection,
    site: &str,
    id: ConversationId,
    agent: AgentId,
) -> StoreResult<Option<Draft>> {
    let row = conn
        .prepare_cached(
            "SELECT draft_id, content, saved_time FROM conversation_drafts
             WHERE site_id = ?1 AND conversation_id = ?2 AND agent_id = ?3",
        )?
        .query_row((site, id.0, agent.to_string()), |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, time_at(r, 2)?))
        })
        .optional()?;
    row.map(|(draft_id, content, saved_time)| {
        Ok(Draft {
            draft_id,
            conversation_id: id,
            saved_by_id: agent,
            saved_time,
            content: serde_json::from_str(&content)
                .map_err(|e| StoreError::Unavailable(format!("stored JSON is unreadable: {e}")))?,
        })
    })
    .transpose()
}

impl Drafts<'_> {
    /// The caller's draft of a live conversation (404 when either is missing).
    pub async fn get(
        &self,
        site: SiteId,
        id: ConversationId,
        agent: AgentId,
    ) -> StoreResult<Draft> {
        let site = site.to_string();
        self.store
            .db
            .read(move |conn| {
                live(conn, &site, id)?;
                ok_or_not_found(load(conn, &site, id, agent)?, "draft")
            })
            .await
    }

    /// Creates or replaces the agent's draft; attachments must be the agent's uploads (400
    /// naming `attachments[i]`).
    pub async fn save(
        &self,
        site: SiteId,
        id: ConversationId,
        agent: AgentId,
        content: DraftContent,
        mode: DraftSave,
    ) -> StoreResult<Draft> {
        let site_id = site.0;
        let site = site.to_string();
        self.store
            .db
            .write(move |tx| {
                live(tx, &site, id)?;
                let existing = load(tx, &site, id, agent)?;
                let draft_id = match (mode, existing) {
                    (DraftSave::Create, Some(_)) => {
                        return Err(StoreError::conflict(
                            "you already have a draft of this conversation; use PUT",
                        ))
                    }
                    (DraftSave::Update, None) => return Err(StoreError::not_found("draft")),
                    (_, Some(d)) => d.draft_id,
                    (_, None) => next_site_number(tx, site_id, "draft")?,
                };
                for (i, guid) in content.attachments.iter().enumerate() {
                    let mine: Option<i64> = tx
                        .prepare_cached(
                            "SELECT 1 FROM attachments WHERE site_id = ?1 AND guid = ?2 AND uploader_id = ?3",
                        )?
                        .query_row((&site, guid.to_string(), agent.to_string()), |r| r.get(0))
                        .optional()?;
                    if mine.is_none() {
                        return Err(StoreError::invalid(
                            format!("attachments[{i}]"),
                            "no upload of yours",
                        ));
                    }
                }
                let json = serde_json::to_string(&content)
                    .map_err(|e| StoreError::Unavailable(e.to_string()))?;
                let now = time::now();
                tx.prepare_cached(
                    "INSERT INTO conversation_drafts (site_id, conversation_id, agent_id, draft_id, content, saved_time)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (site_id, conversation_id, agent_id)
                     DO UPDATE SET content = excluded.content, saved_time = excluded.saved_time",
                )?
                .execute((&site, id.0, agent.to_string(), draft_id, json, time::to_text(now)))?;
                Ok(Draft {
                    draft_id,
                    conversation_id: id,
                    saved_by_id: agent,
                    saved_time: now,
                    content,
                })
            })
            .await
    }

    /// Deletes the agent's draft (404 when there is none).
    pub async fn delete(
        &self,
        site: SiteId,
        id: ConversationId,
        agent: AgentId,
    ) -> StoreResult<()> {
        let site = site.to_string();
        self.store
            .db
            .write(move |tx| {
                live(tx, &site, id)?;
                let n = tx
                    .prepare_cached(
                        "DELETE FROM conversation_drafts WHERE site_id = ?1 AND conversation_id = ?2 AND agent_id = ?3",
                    )?
                    .execute((&site, id.0, agent.to_string()))?;
                if n == 0 {
                    return Err(StoreError::not_found("draft"));
                }
                Ok(())
            })
            .await
    }
}

/// Which of `ids` the agent has a draft on, in the caller's transaction.
pub(crate) fn drafted_in(
    conn: &Connection,
    site: &str,
    agent: AgentId,
    ids: &[ConversationId],
) -> StoreResult<BTreeSet<ConversationId>> {
    let list: Vec<i64> = ids.iter().map(|i| i.0).collect();
    let json = serde_json::to_string(&list).map_err(|e| StoreError::Unavailable(e.to_string()))?;
    let mut stmt = conn.prepare_cached(
        "SELECT conversation_id FROM conversation_drafts
         WHERE site_id = ?1 AND agent_id = ?2 AND conversation_id IN (SELECT value FROM json_each(?3))",
    )?;
    let found = stmt
        .query_map((site, agent.to_string(), json), |r| r.get::<_, i64>(0))?
        .map(|r| r.map(ConversationId))
        .collect::<Result<BTreeSet<_>, _>>()?;
    Ok(found)
}
