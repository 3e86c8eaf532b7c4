//! Delivering the outbox (SPEC §5.9): due rows across sites, what an email needs from the
//! conversation (the contact's last Message-ID and References, for threading), and the
//! outcome of each attempt — written to the row and to the carried message's envelope, so
//! the delivery state is visible on the message.

use crate::error::{StoreError, StoreResult};
use crate::inbound::set_envelope;
use crate::outbox::{after_failure, Retry};
use crate::{time, Store};
use anytime_core::model::{ConversationId, MessageId, RuleId, SiteId};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction};
use serde_json::{json, Value};
use uuid::Uuid;

/// The outbox: `store.outbox()`.
pub struct Outbox<'a> {
    pub(crate) store: &'a Store,
}

/// A queued email whose attempt is due.
#[derive(Debug, Clone, PartialEq)]
pub struct DueEmail {
    pub id: i64,
    pub site: SiteId,
    pub conversation_id: ConversationId,
    pub trigger_id: Option<RuleId>,
    pub recipient: Value,
    pub subject: String,
    pub html_text: String,
    pub plain_text: String,
    pub message: Option<MessageId>,
    pub attempts: u32,
}

/// What threading needs from the conversation's last inbound email.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ThreadHeaders {
    pub last_message_id: Option<String>,
    pub references: Vec<String>,
}

/// A row's state as stored (for tests and the API).
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryState {
    pub state: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub message_id: Option<String>,
}

fn parse_uuid(s: &str) -> Option<Uuid> {
    Uuid::parse_str(s).ok()
}

/// Merges `patch` into a message's envelope.
fn patch_envelope(
    tx: &Transaction<'_>,
    site: &str,
    message: MessageId,
    patch: Value,
) -> StoreResult<()> {
    let current: Option<String> = tx
        .prepare_cached(
            "SELECT envelope FROM message_envelopes WHERE site_id = ?1 AND message = ?2",
        )?
        .query_row((site, message.0), |r| r.get(0))
        .optional()?;
    let mut env: Value = current
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_else(|| json!({}));
    if let (Some(m), Value::Object(p)) = (env.as_object_mut(), patch) {
        m.extend(p);
    }
    set_envelope(tx, site, message, &env)
}

/// The row's site and message, if it is still queued.
fn queued(tx: &Transaction<'_>, id: i64) -> StoreResult<Option<(String, Option<i64>)>> {
    Ok(tx
        .prepare_cached("SELECT site_id, message FROM outbox WHERE id = ?1 AND state = 'queued'")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

impl Outbox<'_> {
    /// Queued emails due at `now`, oldest first, at most `limit`.
    pub async fn due(&self, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<DueEmail>> {
        let now = time::to_text(now);
        self.store
            .db
            .read(move |conn| {
                let mut stmt = conn.prepare_cached(
                    "SELECT id, site_id, conversation_id, trigger_id, recipient, subject,
                            html_text, plain_text, message, attempts
                     FROM outbox WHERE state = 'queued' AND next_attempt_at <= ?1
                     ORDER BY next_attempt_at, id LIMIT ?2",
                )?;
                let rows = stmt
                    .query_map((&now, limit), |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, i64>(2)?,
                            r.get::<_, Option<String>>(3)?,
                            r.get::<_, String>(4)?,
                            r.get::<_, String>(5)?,
                            r.get::<_, String>(6)?,
                            r.get::<_, String>(7)?,
                            r.get::<_, Option<i64>>(8)?,
                            r.get::<_, i64>(9)?,
                        ))
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(rows
                    .into_iter()
                    .filter_map(
                        |(id, site, c, t, rcpt, subject, html, plain, m, attempts)| {
                            Some(DueEmail {
                                id,
                                site: SiteId(parse_uuid(&site)?),
                                conversation_id: ConversationId(c),
                                trigger_id: t.as_deref().and_then(parse_uuid).map(RuleId),
                                recipient: serde_json::from_str(&rcpt).ok()?,
                                subject,
                                html_text: html,
                                plain_text: plain,
                                message: m.map(MessageId),
                                attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
                            })
                        },
                    )
                    .collect())
            })
            .await
    }

    /// The Message-ID and References of the conversation's latest inbound email.
    pub async fn thread_headers(
        &self,
        site: SiteId,
        conversation: ConversationId,
    ) -> StoreResult<ThreadHeaders> {
        let site = site.to_string();
        self.store
            .db
            .read(move |conn| {
                let env: Option<String> = conn
                    .prepare_cached(
                        "SELECT e.envelope FROM message_envelopes e
                         JOIN messages m ON m.site_id = e.site_id AND m.id = e.message
                         WHERE e.site_id = ?1 AND m.conversation_id = ?2
                           AND json_extract(e.envelope, '$.outgoing') IS NULL
                           AND json_extract(e.envelope, '$.messageId') IS NOT NULL
                         ORDER BY m.time DESC, m.id DESC LIMIT 1",
                    )?
                    .query_row((&site, conversation.0), |r| r.get(0))
                    .optional()?;
                let env: Value = env
                    .and_then(|t| serde_json::from_str(&t).ok())
                    .unwrap_or(Value::Null);
                Ok(ThreadHeaders {
                    last_message_id: env["messageId"].as_str().map(str::to_string),
                    references: env["references"]
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|v| v.as_str().map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default(),
                })
            })
            .await
    }

    /// Marks a row sent; its Message-ID now threads replies into the conversation.
    pub async fn sent(&self, id: i64, message_id: Option<String>) -> StoreResult<()> {
        self.store
            .db
            .write(move |tx| {
                let Some((site, message)) = queued(tx, id)? else {
                    return Ok(());
                };
                let now = time::now_text();
                let bare = message_id.as_deref().map(anytime_core::inbound::normalize_message_id);
                tx.prepare_cached(
                    "UPDATE outbox SET state = 'sent', sent_time = ?2, attempts = attempts + 1,
                         last_error = NULL, message_id = ?3 WHERE id = ?1",
                )?
                .execute((id, &now, &bare))?;
                if let Some(m) = message.map(MessageId) {
                    if let Some(mid) = &bare {
                        tx.prepare_cached(
                            "INSERT OR IGNORE INTO message_ids (site_id, message_id, message) VALUES (?1, ?2, ?3)",
                        )?
                        .execute((&site, mid, m.0))?;
                    }
                    patch_envelope(
                        tx,
                        &site,
                        m,
                        json!({"deliveryState": "sent", "sentTime": now, "messageId": bare, "lastError": null}),
                    )?;
                }
                Ok(())
            })
            .await
    }

    /// Records a failed attempt: retried later per [`after_failure`], or `failed` when
    /// `permanent` or out of attempts. Returns the row's new state.
    pub async fn failed(
        &self,
        id: i64,
        error: String,
        permanent: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<&'static str> {
        self.store
            .db
            .write(move |tx| {
                let Some((site, message)) = queued(tx, id)? else {
                    return Ok("gone");
                };
                let attempts: i64 = tx
                    .prepare_cached("SELECT attempts FROM outbox WHERE id = ?1")?
                    .query_row([id], |r| r.get(0))?;
                let before = u32::try_from(attempts).unwrap_or(u32::MAX);
                let retry = if permanent {
                    Retry::GiveUp {
                        attempts: before.saturating_add(1),
                    }
                } else {
                    after_failure(before, now)
                };
                let state = match retry {
                    Retry::At {
                        attempts,
                        next_attempt_at,
                    } => {
                        tx.prepare_cached(
                            "UPDATE outbox SET attempts = ?2, next_attempt_at = ?3, last_error = ?4 WHERE id = ?1",
                        )?
                        .execute((id, attempts, time::to_text(next_attempt_at), &error))?;
                        "queued"
                    }
                    Retry::GiveUp { attempts } => {
                        tx.prepare_cached(
                            "UPDATE outbox SET state = 'failed', attempts = ?2, last_error = ?3 WHERE id = ?1",
                        )?
                        .execute((id, attempts, &error))?;
                        "failed"
                    }
                };
                if let Some(m) = message.map(MessageId) {
                    patch_envelope(
                        tx,
                        &site,
                        m,
                        json!({"deliveryState": state, "lastError": error}),
                    )?;
                }
                Ok(state)
            })
            .await
    }

    /// Moves every queued row's next attempt to `at` (tests and an operator's "retry now").
    pub async fn retry_all_at(&self, at: DateTime<Utc>) -> StoreResult<usize> {
        let at = time::to_text(at);
        self.store
            .db
            .write(move |tx| {
                Ok(tx
                    .prepare_cached(
                        "UPDATE outbox SET next_attempt_at = ?1 WHERE state = 'queued'",
                    )?
                    .execute([&at])?)
            })
            .await
    }

    /// A row's delivery state.
    pub async fn state(&self, id: i64) -> StoreResult<DeliveryState> {
        self.store
            .db
            .read(move |conn| {
                conn.prepare_cached(
                    "SELECT state, attempts, last_error, message_id FROM outbox WHERE id = ?1",
                )?
                .query_row([id], |r| {
                    Ok(DeliveryState {
                        state: r.get(0)?,
                        attempts: r.get(1)?,
                        last_error: r.get(2)?,
                        message_id: r.get(3)?,
                    })
                })
                .optional()?
                .ok_or(StoreError::not_found("outbox email"))
            })
            .await
    }
}
