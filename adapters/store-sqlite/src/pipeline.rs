//! What the new-conversation pipeline and the SLA recomputation read and write besides the
//! conversation itself, inside the conversation's own write transaction: agents' loads, the
//! contact's previous assignee, the SLA timeline, the allocator's state, queued trigger
//! emails and stay timers.

use crate::documents::{read_doc, write_doc};
use crate::error::{StoreError, StoreResult};
use crate::time;
use anytime_core::model::{AgentId, ContactId, ConversationId, RuleId, Status, TimelineItem};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction};
use serde_json::Value;
use std::collections::BTreeMap;
use uuid::Uuid;

/// An email a trigger queued, waiting for the mail adapter.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEmail {
    pub trigger_id: Option<RuleId>,
    /// The recipient as the core described it (`{"kind":"contact"|"agent",…}`).
    pub recipient: Value,
    pub subject: String,
    pub html_text: String,
    pub plain_text: String,
    /// The conversation message this email carries (an agent's reply), whose envelope shows
    /// the delivery state; `None` for trigger emails.
    pub message: Option<anytime_core::model::MessageId>,
}

/// A pending `staysAtStatusPeriod` timer.
#[derive(Debug, Clone, PartialEq)]
pub struct StayTimer {
    pub trigger_id: RuleId,
    pub status: Status,
    pub fire_at: DateTime<Utc>,
}

/// A queued email as stored (for inspection and, later, delivery).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEmail {
    pub id: i64,
    pub conversation_id: ConversationId,
    pub email: OutboxEmail,
    pub state: String,
    pub attempts: i64,
}

/// Everything a change persists besides the snapshot, messages and history.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extras {
    /// Appended to the conversation's SLA timeline.
    pub timeline: Vec<TimelineItem>,
    pub outbox: Vec<OutboxEmail>,
    /// `Some`: the conversation's pending stay timers are replaced by these.
    pub timers: Option<Vec<StayTimer>>,
    /// Site documents to overwrite (the allocator's state).
    pub documents: Vec<(String, Value)>,
    /// Source, addresses and attachments of new messages.
    pub message_details: Vec<crate::NewMessageDetails>,
    /// SLA breaches to record (those already recorded are ignored).
    pub breaches: Vec<anytime_core::sla::Breach>,
}

/// Read access to the write transaction for the closure that computes a change.
pub struct TxView<'t> {
    pub(crate) tx: &'t Transaction<'t>,
    pub(crate) site: String,
}

fn status_of(text: &str) -> Option<Status> {
    Status::ALL.iter().copied().find(|s| s.as_str() == text)
}

/// A stay timer whose instant has come, with what the worker needs to fire it.
#[derive(Debug, Clone, PartialEq)]
pub struct DueTimer {
    pub id: i64,
    pub site: anytime_core::model::SiteId,
    pub conversation: ConversationId,
    pub trigger_id: RuleId,
    pub status: Status,
}

impl TxView<'_> {
    /// Deletes a pending timer; false when it is gone (fired or replaced meanwhile), so a
    /// timer fires at most once: the delete commits with the firing.
    pub fn take_timer(&self, id: i64) -> StoreResult<bool> {
        let n = self
            .tx
            .prepare_cached("DELETE FROM timers WHERE id = ?1 AND site_id = ?2")?
            .execute((id, &self.site))?;
        Ok(n > 0)
    }

    /// Per agent, the assigned conversations that are neither closed nor deleted, by status.
    pub fn agent_loads(&self) -> StoreResult<BTreeMap<AgentId, BTreeMap<Status, u32>>> {
        // Kept by triggers on `conversations` (migration 0014), so this reads a few rows per
        // agent instead of counting every open conversation.
        let mut stmt = self.tx.prepare_cached(
            "SELECT agent_id, status, open FROM agent_open_loads WHERE site_id = ?1 AND open > 0",
        )?;
        let mut rows = stmt.query([&self.site])?;
        let mut loads: BTreeMap<AgentId, BTreeMap<Status, u32>> = BTreeMap::new();
        while let Some(row) = rows.next()? {
            let agent: String = row.get(0)?;
            let status: String = row.get(1)?;
            let count: i64 = row.get(2)?;
            let (Ok(agent), Some(status)) = (Uuid::parse_str(&agent), status_of(&status)) else {
                continue;
            };
            loads
                .entry(AgentId(agent))
                .or_default()
                .insert(status, u32::try_from(count).unwrap_or(u32::MAX));
        }
        Ok(loads)
    }

    /// The agent of the contact's most recent conversation before `before` (for
    /// `preferLastAssignee`).
    pub fn last_assignee(
        &self,
        contact: ContactId,
        before: ConversationId,
    ) -> StoreResult<Option<AgentId>> {
        let agent: Option<Option<String>> = self
            .tx
            .prepare_cached(
                "SELECT agent_assignee_id FROM conversations
                 WHERE site_id = ?1 AND contact_id = ?2 AND id < ?3 AND is_deleted = 0
                 ORDER BY created_time DESC, id DESC LIMIT 1",
            )?
            .query_row((&self.site, contact.to_string(), before.0), |r| r.get(0))
            .optional()?;
        Ok(agent
            .flatten()
            .and_then(|a| Uuid::parse_str(&a).ok())
            .map(AgentId))
    }

    /// The conversation's SLA timeline so far, oldest first.
    pub fn timeline(&self, id: ConversationId) -> StoreResult<Vec<TimelineItem>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT item FROM conversation_timeline WHERE site_id = ?1 AND conversation_id = ?2 ORDER BY seq",
        )?;
        let rows = stmt
            .query_map((&self.site, id.0), |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        rows.iter()
            .map(|t| {
                serde_json::from_str(t).map_err(|e| {
                    StoreError::Unavailable(format!("stored timeline is unreadable: {e}"))
                })
            })
            .collect()
    }

    /// Trigger emails queued since `since` to `recipient` (as the outbox stores it): in
    /// this conversation, and across the site (the mail-loop caps of SPEC §5.4).
    pub fn recent_trigger_emails(
        &self,
        recipient: &Value,
        conversation: ConversationId,
        since: DateTime<Utc>,
    ) -> StoreResult<(u32, u32)> {
        let (in_conversation, in_site): (i64, i64) = self
            .tx
            .prepare_cached(
                "SELECT coalesce(sum(conversation_id = ?3), 0), count(*) FROM outbox
                 WHERE site_id = ?1 AND recipient = ?2 AND created_time >= ?4
                   AND trigger_id IS NOT NULL",
            )?
            .query_row(
                (
                    &self.site,
                    encode(recipient)?,
                    id_value(conversation),
                    time::to_text(since),
                ),
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
        let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        Ok((count(in_conversation), count(in_site)))
    }

    /// A site document as of this transaction.
    pub fn document(&self, name: &str) -> StoreResult<Option<Value>> {
        read_doc(self.tx, &self.site, name)
    }
}

fn id_value(id: ConversationId) -> i64 {
    id.0
}

fn encode<T: serde::Serialize>(v: &T) -> StoreResult<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Unavailable(format!("cannot encode: {e}")))
}

/// Persists `extras` of conversation `id` (called by the conversation save).
pub(crate) fn save_extras(
    tx: &Transaction<'_>,
    site: &str,
    id: ConversationId,
    extras: &Extras,
) -> StoreResult<()> {
    for item in &extras.timeline {
        tx.prepare_cached(
            "INSERT INTO conversation_timeline (site_id, conversation_id, item) VALUES (?1, ?2, ?3)",
        )?
        .execute((site, id.0, encode(item)?))?;
    }
    let now = time::now_text();
    for email in &extras.outbox {
        tx.prepare_cached(
            "INSERT INTO outbox (site_id, conversation_id, trigger_id, recipient, subject,
                 html_text, plain_text, next_attempt_at, created_time, message)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)",
        )?
        .execute(rusqlite::params![
            site,
            id.0,
            email.trigger_id.map(|t| t.to_string()),
            encode(&email.recipient)?,
            email.subject,
            email.html_text,
            email.plain_text,
            now,
            email.message.map(|m| m.0),
        ])?;
        if let Some(message) = email.message {
            crate::inbound::set_envelope(
                tx,
                site,
                message,
                &serde_json::json!({"outgoing": true, "deliveryState": "queued"}),
            )?;
        }
    }
    if let Some(timers) = &extras.timers {
        tx.prepare_cached("DELETE FROM timers WHERE site_id = ?1 AND conversation_id = ?2")?
            .execute((site, id.0))?;
        for t in timers {
            tx.prepare_cached(
                "INSERT INTO timers (site_id, conversation_id, trigger_id, status, fire_at, created_time)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute((
                site,
                id.0,
                t.trigger_id.to_string(),
                t.status.as_str(),
                time::to_text(t.fire_at),
                &now,
            ))?;
        }
    }
    for (name, value) in &extras.documents {
        write_doc(tx, site, name, value)?;
    }
    crate::message_details::save(tx, site, id, &extras.message_details)?;
    crate::breaches::record(tx, site, id, &extras.breaches)?;
    Ok(())
}

impl crate::Conversations<'_> {
    /// The trigger emails queued for a conversation, oldest first.
    pub async fn outbox(
        &self,
        site: anytime_core::model::SiteId,
        id: ConversationId,
    ) -> StoreResult<Vec<StoredEmail>> {
        let site = site.to_string();
        self.store
            .db
            .read(move |conn| {
                let mut stmt = conn.prepare_cached(
                    "SELECT id, trigger_id, recipient, subject, html_text, plain_text, state, attempts
                     FROM outbox WHERE site_id = ?1 AND conversation_id = ?2 ORDER BY id",
                )?;
                let rows = stmt
                    .query_map((&site, id.0), |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            r.get::<_, Option<String>>(1)?,
                            r.get::<_, String>(2)?,
                            r.get::<_, String>(3)?,
                            r.get::<_, String>(4)?,
                            r.get::<_, String>(5)?,
                            r.get::<_, String>(6)?,
                            r.get::<_, i64>(7)?,
                        ))
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                rows.into_iter()
                    .map(|(rid, trigger, recipient, subject, html, plain, state, attempts)| {
                        Ok(StoredEmail {
                            id: rid,
                            conversation_id: id,
                            email: OutboxEmail {
                                trigger_id: trigger
                                    .and_then(|t| Uuid::parse_str(&t).ok())
                                    .map(RuleId),
                                recipient: serde_json::from_str(&recipient).map_err(|e| {
                                    StoreError::Unavailable(format!("stored recipient: {e}"))
                                })?,
                                subject,
                                html_text: html,
                                plain_text: plain,
                                message: None,
                            },
                            state,
                            attempts,
                        })
                    })
                    .collect()
            })
            .await
    }

    /// Deletes a timer outside a change (its conversation is gone).
    pub async fn drop_timer(&self, id: i64) -> StoreResult<()> {
        self.store
            .db
            .write(move |tx| {
                tx.execute("DELETE FROM timers WHERE id = ?1", [id])?;
                Ok(())
            })
            .await
    }

    /// Timers due at `now` across all sites, soonest first, at most `limit`.
    pub async fn due_timers(&self, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<DueTimer>> {
        let now = time::to_text(now);
        self.store
            .db
            .read(move |conn| {
                let mut stmt = conn.prepare_cached(
                    "SELECT id, site_id, conversation_id, trigger_id, status FROM timers
                     WHERE fire_at <= ?1 ORDER BY fire_at, id LIMIT ?2",
                )?;
                let rows = stmt
                    .query_map((&now, limit), |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, i64>(2)?,
                            r.get::<_, String>(3)?,
                            r.get::<_, String>(4)?,
                        ))
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(rows
                    .into_iter()
                    .filter_map(|(id, site, c, t, st)| {
                        Some(DueTimer {
                            id,
                            site: anytime_core::model::SiteId(Uuid::parse_str(&site).ok()?),
                            conversation: ConversationId(c),
                            trigger_id: RuleId(Uuid::parse_str(&t).ok()?),
                            status: status_of(&st)?,
                        })
                    })
                    .collect())
            })
            .await
    }

    /// The conversation's pending stay timers, soonest first.
    pub async fn timers(
        &self,
        site: anytime_core::model::SiteId,
        id: ConversationId,
    ) -> StoreResult<Vec<StayTimer>> {
        let site = site.to_string();
        self.store
            .db
            .read(move |conn| {
                let mut stmt = conn.prepare_cached(
                    "SELECT trigger_id, status, fire_at FROM timers
                     WHERE site_id = ?1 AND conversation_id = ?2 ORDER BY fire_at, id",
                )?;
                let rows = stmt
                    .query_map((&site, id.0), |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            crate::sql::time_at(r, 2)?,
                        ))
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(rows
                    .into_iter()
                    .filter_map(|(t, s, fire_at)| {
                        Some(StayTimer {
                            trigger_id: RuleId(Uuid::parse_str(&t).ok()?),
                            status: status_of(&s)?,
                            fire_at,
                        })
                    })
                    .collect())
            })
            .await
    }
}
