//! The inbound pipeline's storage (SPEC §5.9): everything one arriving message reads and
//! writes happens in one write transaction ([`Inbound::ingest`]), so a redelivery racing
//! the first delivery finds its Message-ID, and a conversation is never half created.

use crate::conversations::{change_tx, create_tx, load_snapshot, ConversationChange, NextIds};
use crate::error::{StoreError, StoreResult};
use crate::junk::{insert_tx, JunkEmail};
use crate::sql::time_at;
use crate::{time, Store, TxView};
use anytime_core::conversation::Message;
use anytime_core::inbound::{normalize_address, KnownMessage, ThreadCandidate};
use anytime_core::model::{ContactId, Conversation, ConversationId, MessageId, SiteId, Status};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction};
use serde_json::Value;
use uuid::Uuid;

/// The inbound pipeline: `store.inbound()`.
pub struct Inbound<'a> {
    pub(crate) store: &'a Store,
}

/// How a sender is recognised as a contact: by email address, or by their id in a channel
/// app (`externalIds[appId]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SenderKey {
    Email,
    App(String),
}

/// A rejected sender's counter.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    pub address: String,
    pub count: i64,
    pub last_time: DateTime<Utc>,
}

/// The write transaction of one inbound message, with the reads and writes the pipeline
/// needs. Every call sees the transaction's own earlier writes.
pub struct InboundTx<'t> {
    tx: &'t Transaction<'t>,
    site_id: SiteId,
    site: String,
}

impl InboundTx<'_> {
    pub fn site(&self) -> SiteId {
        self.site_id
    }

    /// The stored messages with these Message-IDs (normalized, without brackets), with the
    /// conversation each belongs to now.
    pub fn known_messages(&self, ids: &[String]) -> StoreResult<Vec<KnownMessage>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT m.conversation_id FROM message_ids i
             JOIN messages m ON m.site_id = i.site_id AND m.id = i.message
             WHERE i.site_id = ?1 AND i.message_id = ?2",
        )?;
        let mut known = Vec::new();
        for id in ids {
            let found: Option<i64> = stmt.query_row((&self.site, id), |r| r.get(0)).optional()?;
            if let Some(conversation) = found {
                known.push(KnownMessage {
                    message_id: id.clone(),
                    conversation_id: ConversationId(conversation),
                });
            }
        }
        Ok(known)
    }

    /// Whether a junk email with this Message-ID is stored (its redelivery is dropped).
    pub fn is_known_junk(&self, id: &str) -> StoreResult<bool> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT 1 FROM message_ids WHERE site_id = ?1 AND message_id = ?2 AND junk_id IS NOT NULL",
            )?
            .query_row((&self.site, id), |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// The conversations a reply may thread into, with their contact as `key` identifies
    /// senders. Deleted and merged-away conversations are left out (a merged source's
    /// messages already belong to the target).
    pub fn thread_candidates(
        &self,
        ids: &[ConversationId],
        key: &SenderKey,
    ) -> StoreResult<Vec<ThreadCandidate>> {
        let mut out: Vec<ThreadCandidate> = Vec::new();
        for id in ids {
            if out.iter().any(|c| c.id == *id) {
                continue;
            }
            let Some(c) = load_snapshot(self.tx, &self.site, *id)? else {
                continue;
            };
            if c.is_deleted || c.merged_into_id.is_some() {
                continue;
            }
            let contact = match c.contact_id {
                Some(contact) => self.sender_of(contact, key)?.unwrap_or_default(),
                None => String::new(),
            };
            out.push(ThreadCandidate {
                id: c.id,
                contact_email: contact,
                status: c.status,
                closed_time: (c.status == Status::Closed)
                    .then_some(c.last_status_change_time)
                    .flatten(),
            });
        }
        Ok(out)
    }

    /// The contact's address (or app id) as `key` reads senders.
    fn sender_of(&self, contact: ContactId, key: &SenderKey) -> StoreResult<Option<String>> {
        let value: Option<Option<String>> = match key {
            SenderKey::Email => self
                .tx
                .prepare_cached("SELECT email FROM contacts WHERE site_id = ?1 AND id = ?2")?
                .query_row((&self.site, contact.to_string()), |r| r.get(0))
                .optional()?,
            SenderKey::App(app) => self
                .tx
                .prepare_cached(
                    "SELECT external_id FROM contact_external_ids
                     WHERE site_id = ?1 AND contact_id = ?2 AND app_id = ?3",
                )?
                .query_row((&self.site, contact.to_string(), app), |r| r.get(0))
                .optional()?,
        };
        Ok(value.flatten())
    }

    /// The sender's contact, created (named `name`, id `new_id`) when there is none.
    pub fn contact_for(
        &self,
        key: &SenderKey,
        sender: &str,
        name: &str,
        new_id: ContactId,
    ) -> StoreResult<ContactId> {
        let found: Option<String> = match key {
            SenderKey::Email => self
                .tx
                .prepare_cached("SELECT id FROM contacts WHERE site_id = ?1 AND email = ?2")?
                .query_row((&self.site, sender), |r| r.get(0))
                .optional()?,
            SenderKey::App(app) => self
                .tx
                .prepare_cached(
                    "SELECT contact_id FROM contact_external_ids
                     WHERE site_id = ?1 AND app_id = ?2 AND external_id = ?3",
                )?
                .query_row((&self.site, app, sender), |r| r.get(0))
                .optional()?,
        };
        if let Some(id) = found {
            return Uuid::parse_str(&id)
                .map(ContactId)
                .map_err(|e| StoreError::Unavailable(format!("stored contact id: {e}")));
        }
        let now = time::now_text();
        let email = (*key == SenderKey::Email).then_some(sender);
        self.tx
            .prepare_cached(
                "INSERT INTO contacts (id, site_id, name, email, phone, created_time, updated_time)
                 VALUES (?1, ?2, ?3, ?4, NULL, ?5, ?5)",
            )?
            .execute((new_id.to_string(), &self.site, name, email, &now))?;
        if let SenderKey::App(app) = key {
            self.tx
                .prepare_cached(
                    "INSERT INTO contact_external_ids (site_id, contact_id, app_id, external_id)
                     VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute((&self.site, new_id.to_string(), app, sender))?;
        }
        Ok(new_id)
    }

    /// Numbers and persists a new conversation (see `Conversations::create_in`).
    pub fn create_conversation(
        &self,
        decide: impl FnOnce(NextIds, &TxView<'_>) -> StoreResult<ConversationChange>,
    ) -> StoreResult<ConversationChange> {
        create_tx(self.tx, self.site_id, decide)
    }

    /// Loads, changes and persists a conversation (see `Conversations::change_in`).
    pub fn change_conversation(
        &self,
        id: ConversationId,
        decide: impl FnOnce(
            Conversation,
            Vec<Message>,
            NextIds,
            &TxView<'_>,
        ) -> StoreResult<ConversationChange>,
    ) -> StoreResult<ConversationChange> {
        change_tx(self.tx, self.site_id, id, decide)
    }

    /// Records a stored message's Message-ID (if any) and envelope. The message must have
    /// been persisted in this transaction or before.
    pub fn remember_message(
        &self,
        message: MessageId,
        message_id: Option<&str>,
        envelope: &Value,
    ) -> StoreResult<()> {
        if let Some(id) = message_id.filter(|id| !id.is_empty()) {
            self.tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO message_ids (site_id, message_id, message) VALUES (?1, ?2, ?3)",
                )?
                .execute((&self.site, id, message.0))?;
        }
        set_envelope(self.tx, &self.site, message, envelope)
    }

    /// Stores an inbound message's details (source, subject, addresses) and its attachments,
    /// whose files the server has written, on the message just stored in conversation `id`.
    /// The 20 MB per conversation limit is for uploads: a mail is taken as it came.
    pub fn attach(
        &self,
        id: ConversationId,
        message: MessageId,
        details: &crate::MessageDetails,
        files: &[crate::Attachment],
    ) -> StoreResult<()> {
        let new = crate::NewMessageDetails {
            message_id: message,
            details: details.clone(),
            attachments: Vec::new(),
            uploader: anytime_core::model::AgentId(uuid::Uuid::nil()),
            uploader_contact: None,
        };
        crate::message_details::save(self.tx, &self.site, id, &[new])?;
        for file in files {
            let on_message = crate::Attachment {
                conversation_id: Some(id),
                message_id: Some(message),
                ..file.clone()
            };
            crate::attachments::insert(self.tx, &self.site, &on_message)?;
        }
        Ok(())
    }

    /// Stores a junk email (and its Message-ID, so a redelivery is dropped); returns its id.
    pub fn insert_junk(&self, email: &JunkEmail, message_id: Option<&str>) -> StoreResult<i64> {
        let id = insert_tx(self.tx, &self.site, email)?;
        if let Some(mid) = message_id.filter(|m| !m.is_empty()) {
            self.tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO message_ids (site_id, message_id, junk_id) VALUES (?1, ?2, ?3)",
                )?
                .execute((&self.site, mid, id))?;
        }
        Ok(id)
    }

    /// Deletes a junk email (restored as a conversation in the same transaction), with its
    /// Message-ID row; false when it is gone.
    pub fn delete_junk(&self, id: i64) -> StoreResult<bool> {
        let n = self
            .tx
            .prepare_cached("DELETE FROM junk_emails WHERE site_id = ?1 AND id = ?2")?
            .execute((&self.site, id))?;
        Ok(n > 0)
    }

    /// Counts one rejected message from `address`; returns the new count.
    pub fn count_rejection(&self, address: &str, now: DateTime<Utc>) -> StoreResult<i64> {
        let address = normalize_address(address);
        Ok(self
            .tx
            .prepare_cached(
                "INSERT INTO inbound_rejections (site_id, address, count, last_time)
                 VALUES (?1, ?2, 1, ?3)
                 ON CONFLICT (site_id, address) DO UPDATE SET count = count + 1,
                     last_time = excluded.last_time
                 RETURNING count",
            )?
            .query_row((&self.site, &address, time::to_text(now)), |r| r.get(0))?)
    }
}

/// Stores (replacing) a message's envelope.
pub(crate) fn set_envelope(
    tx: &Transaction<'_>,
    site: &str,
    message: MessageId,
    envelope: &Value,
) -> StoreResult<()> {
    tx.prepare_cached(
        "INSERT INTO message_envelopes (site_id, message, envelope) VALUES (?1, ?2, ?3)
         ON CONFLICT (site_id, message) DO UPDATE SET envelope = excluded.envelope",
    )?
    .execute((site, message.0, envelope.to_string()))?;
    Ok(())
}

impl Inbound<'_> {
    /// Runs `f` in one write transaction of `site`: everything it does commits together or
    /// not at all.
    pub async fn ingest<T: Send + 'static>(
        &self,
        site: SiteId,
        f: impl FnOnce(&InboundTx<'_>) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        self.store
            .db
            .write(move |tx| {
                let view = InboundTx {
                    tx,
                    site_id: site,
                    site: site.to_string(),
                };
                f(&view)
            })
            .await
    }

    /// The envelope stored with a message, if any.
    pub async fn envelope(&self, site: SiteId, message: MessageId) -> StoreResult<Option<Value>> {
        let site = site.to_string();
        self.store
            .db
            .read(move |conn| {
                let text: Option<String> = conn
                    .prepare_cached(
                        "SELECT envelope FROM message_envelopes WHERE site_id = ?1 AND message = ?2",
                    )?
                    .query_row((&site, message.0), |r| r.get(0))
                    .optional()?;
                text.map(|t| {
                    serde_json::from_str(&t)
                        .map_err(|e| StoreError::Unavailable(format!("stored envelope: {e}")))
                })
                .transpose()
            })
            .await
    }

    /// The Message-ID a junk email arrived with, if it had one.
    pub async fn junk_message_id(&self, site: SiteId, junk_id: i64) -> StoreResult<Option<String>> {
        let site = site.to_string();
        self.store
            .db
            .read(move |conn| {
                Ok(conn
                    .prepare_cached(
                        "SELECT message_id FROM message_ids WHERE site_id = ?1 AND junk_id = ?2",
                    )?
                    .query_row((&site, junk_id), |r| r.get(0))
                    .optional()?)
            })
            .await
    }

    /// The site whose email settings hold this ingress token (raw ingress authorization).
    pub async fn site_by_ingress_token(&self, token: String) -> StoreResult<Option<SiteId>> {
        self.store
            .db
            .read(move |conn| {
                let site: Option<String> = conn
                    .prepare_cached(
                        "SELECT site_id FROM site_documents WHERE name = 'emailSettings'
                           AND json_extract(value, '$.ingressToken') = ?1 LIMIT 1",
                    )?
                    .query_row([&token], |r| r.get(0))
                    .optional()?;
                Ok(site.and_then(|s| Uuid::parse_str(&s).ok()).map(SiteId))
            })
            .await
    }

    /// The site's rejected senders with their counts, most recent first.
    pub async fn rejections(&self, site: SiteId) -> StoreResult<Vec<Rejection>> {
        let site = site.to_string();
        self.store
            .db
            .read(move |conn| {
                let mut stmt = conn.prepare_cached(
                    "SELECT address, count, last_time FROM inbound_rejections
                     WHERE site_id = ?1 ORDER BY last_time DESC, address",
                )?;
                let rows = stmt
                    .query_map([&site], |r| {
                        Ok(Rejection {
                            address: r.get(0)?,
                            count: r.get(1)?,
                            last_time: time_at(r, 2)?,
                        })
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(rows)
            })
            .await
    }
}
