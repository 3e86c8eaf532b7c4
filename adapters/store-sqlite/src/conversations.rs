//! Conversations, their messages, history and keyword index. A change is computed by a
//! closure the server passes in (it calls the pure core) and persisted in the same write
//! transaction as the load it was computed from, so concurrent changes never interleave.

use crate::conditions_sql::predicate;
use crate::error::{StoreError, StoreResult};
use crate::sql::{next_site_number, ok_or_not_found};
use crate::{Store, TxView};
use anytime_core::condition::CompiledConditions;
use anytime_core::conversation::{HistoryEntry, Message};
use anytime_core::model::{
    AgentId, Context, Conversation, ConversationId, MessageId, Priority, Status, TagId, TimeZone,
};
use anytime_core::CoreError;
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Transaction};
use std::collections::BTreeSet;

/// Conversations: `store.conversations()`.
pub struct Conversations<'a> {
    pub(crate) store: &'a Store,
}

/// What a command produced, to persist: the new snapshot, new or moved messages, history.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationChange {
    pub conversation: Conversation,
    pub messages: Vec<Message>,
    pub history: Vec<HistoryEntry>,
    /// Timeline, queued emails, timers, allocator state (see [`crate::Extras`]).
    pub extras: crate::Extras,
}

/// Fresh per-site numbers for a change (used only if the change keeps them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextIds {
    pub conversation: ConversationId,
    pub message: MessageId,
}

/// Sort keys of the conversation list (ties broken by id in the same direction).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConversationSort {
    NextSlaBreach,
    LastReplyTime,
    #[default]
    LastActivityTime,
    Priority,
    Status,
}

/// Conversation list filters.
#[derive(Debug, Clone, Default)]
pub struct ConversationQuery {
    pub deleted: bool,
    pub statuses: Vec<Status>,
    pub tag_id: Option<TagId>,
    /// Words that must all occur in the subject or a message body.
    pub keywords: Option<String>,
    /// On the last reply time (falling back to creation for never-replied ones).
    pub time_from: Option<DateTime<Utc>>,
    pub time_to: Option<DateTime<Utc>>,
    /// Only these ids, if given.
    pub ids: Option<Vec<ConversationId>>,
    /// Filter conditions every listed conversation matches (evaluated in SQL, agreeing with
    /// the core's `evaluate`).
    pub conditions: Vec<CompiledConditions>,
    /// The zone local dates of date conditions are taken in.
    pub time_zone: TimeZone,
    pub sort: ConversationSort,
    pub descending: bool,
    pub offset: u64,
    pub limit: u64,
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Unavailable(format!("stored JSON is unreadable: {e}"))
}

/// Runs a query whose first column is a JSON document and reads every row as a `T`.
fn json_rows<T: serde::de::DeserializeOwned>(
    stmt: &mut rusqlite::Statement<'_>,
    params: impl rusqlite::Params,
) -> StoreResult<Vec<T>> {
    let rows = stmt
        .query_map(params, |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    rows.iter()
        .map(|t| serde_json::from_str(t).map_err(json_err))
        .collect()
}

fn status_rank(s: Status) -> i64 {
    Status::ALL.iter().position(|x| *x == s).unwrap_or(0) as i64
}

pub(crate) fn priority_rank(p: Priority) -> i64 {
    // urgent first when ascending
    Priority::ALL.iter().position(|x| *x == p).unwrap_or(0) as i64
}

fn next_breach(c: &Conversation) -> Option<DateTime<Utc>> {
    [
        c.first_respond_breach_at,
        c.next_respond_breach_at,
        c.resolve_breach_at,
    ]
    .into_iter()
    .flatten()
    .min()
}

/// An FTS5 query where every whitespace-separated word must match, each a quoted string
/// (so no operator or syntax of the caller's reaches FTS5).
pub(crate) fn fts_query(keywords: &str) -> Option<String> {
    let words: Vec<String> = keywords
        .split_whitespace()
        .take(16)
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect();
    (!words.is_empty()).then(|| words.join(" AND "))
}

pub(crate) fn load(
    conn: &Connection,
    site: &str,
    id: ConversationId,
) -> StoreResult<Option<Conversation>> {
    let text: Option<String> = conn
        .prepare_cached("SELECT snapshot FROM conversations WHERE site_id = ?1 AND id = ?2")?
        .query_row((site, id.0), |r| r.get(0))
        .optional()?;
    text.map(|t| serde_json::from_str(&t).map_err(json_err))
        .transpose()
}

fn peek_number(tx: &Transaction<'_>, site: &str, name: &str) -> StoreResult<i64> {
    let last: Option<i64> = tx
        .prepare_cached("SELECT last_value FROM site_counters WHERE site_id = ?1 AND name = ?2")?
        .query_row((site, name), |r| r.get(0))
        .optional()?;
    Ok(last.unwrap_or(0) + 1)
}

/// Moves the counter past `used` (numbers are never handed out twice).
pub(crate) fn claim_number(
    tx: &Transaction<'_>,
    site: &str,
    name: &str,
    used: i64,
) -> StoreResult<()> {
    tx.prepare_cached(
        "INSERT INTO site_counters (site_id, name, last_value) VALUES (?1, ?2, ?3)
         ON CONFLICT (site_id, name) DO UPDATE SET last_value = max(last_value, excluded.last_value)",
    )?
    .execute((site, name, used))?;
    Ok(())
}

fn check_tags(tx: &Transaction<'_>, site: &str, tags: &[TagId]) -> StoreResult<()> {
    for (i, tag) in tags.iter().enumerate() {
        let found: Option<i64> = tx
            .prepare_cached("SELECT 1 FROM tags WHERE site_id = ?1 AND id = ?2")?
            .query_row((site, tag.to_string()), |r| r.get(0))
            .optional()?;
        if found.is_none() {
            return Err(StoreError::invalid(format!("tagIds[{i}]"), "no such tag"));
        }
    }
    Ok(())
}

/// Writes (or replaces) a conversation's row: the snapshot and its list columns.
pub(crate) fn put_row(tx: &Transaction<'_>, site: &str, c: &Conversation) -> StoreResult<()> {
    let snapshot = serde_json::to_string(c).map_err(json_err)?;
    let created = c.created_time.map(ts).unwrap_or_default();
    let activity = c
        .last_activity_time
        .or(c.created_time)
        .map(ts)
        .unwrap_or_default();
    tx.prepare_cached(
        "INSERT INTO conversations (site_id, id, status, status_rank, priority_rank, channel,
             agent_assignee_id, department_assignee_id, contact_id, is_deleted, is_read,
             created_time, last_activity_time, last_replied_time, next_breach_at, snapshot)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
         ON CONFLICT (site_id, id) DO UPDATE SET status = excluded.status,
             status_rank = excluded.status_rank, priority_rank = excluded.priority_rank,
             channel = excluded.channel, agent_assignee_id = excluded.agent_assignee_id,
             department_assignee_id = excluded.department_assignee_id,
             contact_id = excluded.contact_id, is_deleted = excluded.is_deleted,
             is_read = excluded.is_read, last_activity_time = excluded.last_activity_time,
             last_replied_time = excluded.last_replied_time,
             next_breach_at = excluded.next_breach_at, snapshot = excluded.snapshot",
    )?
    .execute(rusqlite::params![
        site,
        c.id.0,
        c.status.as_str(),
        status_rank(c.status),
        priority_rank(c.priority),
        c.channel.as_str(),
        c.agent_assignee_id.map(|a| a.to_string()),
        c.department_assignee_id.map(|d| d.to_string()),
        c.contact_id.map(|d| d.to_string()),
        c.is_deleted,
        c.is_read,
        created,
        activity,
        c.last_replied_time.map(ts),
        next_breach(c).map(ts),
        snapshot,
    ])?;
    Ok(())
}

/// Writes (or moves) a message's row.
pub(crate) fn put_message(tx: &Transaction<'_>, site: &str, m: &Message) -> StoreResult<()> {
    let body = serde_json::to_string(m).map_err(json_err)?;
    tx.prepare_cached(
        "INSERT INTO messages (site_id, id, conversation_id, time, body) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (site_id, id) DO UPDATE SET conversation_id = excluded.conversation_id,
             time = excluded.time, body = excluded.body",
    )?
    .execute((site, m.id.0, m.conversation_id.0, ts(m.time), body))?;
    Ok(())
}

pub(crate) fn save(
    tx: &Transaction<'_>,
    site: &str,
    change: &ConversationChange,
) -> StoreResult<()> {
    let c = &change.conversation;
    put_row(tx, site, c)?;
    check_tags(tx, site, &c.tag_ids)?;
    tx.prepare_cached("DELETE FROM conversation_tags WHERE site_id = ?1 AND conversation_id = ?2")?
        .execute((site, c.id.0))?;
    for tag in &c.tag_ids {
        tx.prepare_cached(
            "INSERT OR IGNORE INTO conversation_tags (site_id, conversation_id, tag_id) VALUES (?1, ?2, ?3)",
        )?
        .execute((site, c.id.0, tag.to_string()))?;
    }
    crate::search::remove_subject(tx, site, c.id.0)?;
    crate::search::add(tx, site, c.id.0, 0, &c.subject)?;
    let mut last_message = 0;
    for m in &change.messages {
        last_message = last_message.max(m.id.0);
        put_message(tx, site, m)?;
        crate::search::remove_message(tx, site, m.id.0)?;
        crate::search::add(tx, site, m.conversation_id.0, m.id.0, &m.plain_body)?;
    }
    if last_message > 0 {
        claim_number(tx, site, "message", last_message)?;
    }
    for h in &change.history {
        let entry = serde_json::to_string(h).map_err(json_err)?;
        tx.prepare_cached(
            "INSERT INTO conversation_history (site_id, conversation_id, entry) VALUES (?1, ?2, ?3)",
        )?
        .execute((site, c.id.0, entry))?;
    }
    crate::pipeline::save_extras(tx, site, c.id, &change.extras)?;
    crate::breaches::sync_due(tx, site, c)?;
    Ok(())
}

/// Lets `decide` change a loaded conversation (with its messages and the next message
/// number) and saves the change, inside the caller's transaction.
fn change_loaded(
    tx: &Transaction<'_>,
    site: &str,
    conversation: Conversation,
    decide: impl FnOnce(
        Conversation,
        Vec<Message>,
        NextIds,
        &TxView<'_>,
    ) -> StoreResult<ConversationChange>,
) -> StoreResult<ConversationChange> {
    let id = conversation.id;
    let messages = load_messages(tx, site, id)?;
    let message = MessageId(peek_number(tx, site, "message")?);
    let view = TxView {
        tx,
        site: site.to_string(),
    };
    let next = NextIds {
        conversation: id,
        message,
    };
    let change = decide(conversation, messages, next, &view)?;
    save(tx, site, &change)?;
    Ok(change)
}

pub(crate) fn load_messages(
    conn: &Connection,
    site: &str,
    id: ConversationId,
) -> StoreResult<Vec<Message>> {
    let mut stmt = conn.prepare_cached(
        "SELECT body FROM messages WHERE site_id = ?1 AND conversation_id = ?2 ORDER BY time, id",
    )?;
    json_rows(&mut stmt, (site, id.0))
}

/// [`Conversations::create_in`] inside a caller's transaction (the inbound pipeline).
pub(crate) fn create_tx(
    tx: &Transaction<'_>,
    site: anytime_core::model::SiteId,
    decide: impl FnOnce(NextIds, &TxView<'_>) -> StoreResult<ConversationChange>,
) -> StoreResult<ConversationChange> {
    let site_id = site.0;
    let site = site.to_string();
    let conversation = ConversationId(next_site_number(tx, site_id, "conversation")?);
    let message = MessageId(peek_number(tx, &site, "message")?);
    let view = TxView {
        tx,
        site: site.clone(),
    };
    let change = decide(
        NextIds {
            conversation,
            message,
        },
        &view,
    )?;
    save(tx, &site, &change)?;
    Ok(change)
}

/// [`Conversations::change_in`] inside a caller's transaction (the inbound pipeline).
pub(crate) fn change_tx(
    tx: &Transaction<'_>,
    site: anytime_core::model::SiteId,
    id: ConversationId,
    decide: impl FnOnce(
        Conversation,
        Vec<Message>,
        NextIds,
        &TxView<'_>,
    ) -> StoreResult<ConversationChange>,
) -> StoreResult<ConversationChange> {
    let site = site.to_string();
    let conversation = ok_or_not_found(load(tx, &site, id)?, "conversation")?;
    change_loaded(tx, &site, conversation, decide)
}

/// A stored conversation snapshot (the inbound pipeline reads thread candidates with it).
pub(crate) fn load_snapshot(
    conn: &Connection,
    site: &str,
    id: ConversationId,
) -> StoreResult<Option<Conversation>> {
    load(conn, site, id)
}

impl Conversations<'_> {
    /// Numbers a new conversation and persists what `decide` makes of it.
    pub async fn create(
        &self,
        site: anytime_core::model::SiteId,
        decide: impl FnOnce(NextIds) -> Result<ConversationChange, CoreError> + Send + 'static,
    ) -> StoreResult<ConversationChange> {
        let site_id = site.0;
        let site = site.to_string();
        self.store
            .db
            .write(move |tx| {
                let conversation = ConversationId(next_site_number(tx, site_id, "conversation")?);
                let message = MessageId(peek_number(tx, &site, "message")?);
                let change = decide(NextIds {
                    conversation,
                    message,
                })?;
                save(tx, &site, &change)?;
                Ok(change)
            })
            .await
    }

    /// Like [`Self::create`], with read access to the transaction (loads, allocator state).
    pub async fn create_in(
        &self,
        site: anytime_core::model::SiteId,
        decide: impl FnOnce(NextIds, &TxView<'_>) -> StoreResult<ConversationChange> + Send + 'static,
    ) -> StoreResult<ConversationChange> {
        self.store
            .db
            .write(move |tx| create_tx(tx, site, decide))
            .await
    }

    /// Like [`Self::change`], with read access to the transaction (timeline, loads).
    pub async fn change_in(
        &self,
        site: anytime_core::model::SiteId,
        id: ConversationId,
        decide: impl FnOnce(
                Conversation,
                Vec<Message>,
                NextIds,
                &TxView<'_>,
            ) -> StoreResult<ConversationChange>
            + Send
            + 'static,
    ) -> StoreResult<ConversationChange> {
        self.store
            .db
            .write(move |tx| change_tx(tx, site, id, decide))
            .await
    }

    /// [`Self::change_in`] for several conversations in one transaction: all change or none.
    /// A missing id (or one `decide` rejects as not found) is a 400 naming `ids[i]`.
    pub async fn change_each_in(
        &self,
        site: anytime_core::model::SiteId,
        ids: Vec<ConversationId>,
        mut decide: impl FnMut(
                Conversation,
                Vec<Message>,
                NextIds,
                &TxView<'_>,
            ) -> StoreResult<ConversationChange>
            + Send
            + 'static,
    ) -> StoreResult<Vec<ConversationChange>> {
        let site = site.to_string();
        self.store
            .db
            .write(move |tx| {
                let mut changes = Vec::with_capacity(ids.len());
                for (i, id) in ids.into_iter().enumerate() {
                    let missing =
                        || StoreError::invalid(format!("ids[{i}]"), "no such conversation");
                    let conversation = load(tx, &site, id)?.ok_or_else(missing)?;
                    let change = match change_loaded(tx, &site, conversation, &mut decide) {
                        Err(StoreError::NotFound { .. })
                        | Err(StoreError::Core(CoreError::NotFound { .. })) => {
                            return Err(missing())
                        }
                        other => other?,
                    };
                    changes.push(change);
                }
                Ok(changes)
            })
            .await
    }

    /// Loads conversation `id` with its messages, lets `decide` compute the change, persists
    /// it; all in one transaction. `decide` also gets the next free message number.
    pub async fn change(
        &self,
        site: anytime_core::model::SiteId,
        id: ConversationId,
        decide: impl FnOnce(Conversation, Vec<Message>, NextIds) -> Result<ConversationChange, CoreError>
            + Send
            + 'static,
    ) -> StoreResult<ConversationChange> {
        let site = site.to_string();
        self.store
            .db
            .write(move |tx| {
                let conversation = ok_or_not_found(load(tx, &site, id)?, "conversation")?;
                let messages = load_messages(tx, &site, id)?;
                let message = MessageId(peek_number(tx, &site, "message")?);
                let change = decide(
                    conversation,
                    messages,
                    NextIds {
                        conversation: id,
                        message,
                    },
                )?;
                save(tx, &site, &change)?;
                Ok(change)
            })
            .await
    }

    /// Changes two conversations in one transaction (merge): `decide` gets the target and
    /// the source with their messages and returns both changes.
    pub async fn change_pair(
        &self,
        site: anytime_core::model::SiteId,
        target: ConversationId,
        source: ConversationId,
        decide: impl FnOnce(
                (Conversation, Vec<Message>),
                (Conversation, Vec<Message>),
                MessageId,
            ) -> Result<(ConversationChange, ConversationChange), CoreError>
            + Send
            + 'static,
    ) -> StoreResult<(ConversationChange, ConversationChange)> {
        let site = site.to_string();
        self.store
            .db
            .write(move |tx| {
                let t = ok_or_not_found(load(tx, &site, target)?, "conversation")?;
                let s = ok_or_not_found(load(tx, &site, source)?, "source conversation")?;
                let tm = load_messages(tx, &site, target)?;
                let sm = load_messages(tx, &site, source)?;
                let next = MessageId(peek_number(tx, &site, "message")?);
                let (a, b) = decide((t, tm), (s, sm), next)?;
                save(tx, &site, &b)?;
                save(tx, &site, &a)?;
                // The source's messages moved into the target: so do their attachments.
                tx.prepare_cached(
                    "UPDATE attachments SET conversation_id = ?3
                     WHERE site_id = ?1 AND conversation_id = ?2 AND message_id IS NOT NULL",
                )?
                .execute((&site, source.0, target.0))?;
                Ok((a, b))
            })
            .await
    }

    pub async fn get(
        &self,
        site: anytime_core::model::SiteId,
        id: ConversationId,
    ) -> StoreResult<Conversation> {
        let site = site.to_string();
        self.store
            .db
            .read(move |conn| ok_or_not_found(load(conn, &site, id)?, "conversation"))
            .await
    }

    pub async fn messages(
        &self,
        site: anytime_core::model::SiteId,
        id: ConversationId,
    ) -> StoreResult<Vec<Message>> {
        let site = site.to_string();
        self.store
            .db
            .read(move |conn| load_messages(conn, &site, id))
            .await
    }

    /// The conversation's history, oldest first.
    pub async fn history(
        &self,
        site: anytime_core::model::SiteId,
        id: ConversationId,
    ) -> StoreResult<Vec<HistoryEntry>> {
        let site = site.to_string();
        self.store
            .db
            .read(move |conn| {
                let mut stmt = conn.prepare_cached(
                    "SELECT entry FROM conversation_history WHERE site_id = ?1 AND conversation_id = ?2 ORDER BY seq",
                )?;
                json_rows(&mut stmt, (&site, id.0))
            })
            .await
    }

    /// Every conversation of the site (for filters evaluated by the core).
    pub async fn all(
        &self,
        site: anytime_core::model::SiteId,
        deleted: bool,
    ) -> StoreResult<Vec<Conversation>> {
        let site = site.to_string();
        self.store
            .db
            .read(move |conn| {
                let mut stmt = conn.prepare_cached(
                    "SELECT snapshot FROM conversations WHERE site_id = ?1 AND is_deleted = ?2",
                )?;
                json_rows(&mut stmt, (&site, deleted))
            })
            .await
    }

    /// One page of matching conversations and the number of matches.
    pub async fn list(
        &self,
        site: anytime_core::model::SiteId,
        query: ConversationQuery,
    ) -> StoreResult<(Vec<Conversation>, u64)> {
        let site = site.to_string();
        self.store
            .db
            .read(move |conn| list_in(conn, &site, query))
            .await
    }

    /// [`Self::list`] and which of the page's conversations `agent` has a draft on, in one
    /// read (the API's list shows `hasDraft` per caller).
    pub async fn list_for(
        &self,
        site: anytime_core::model::SiteId,
        query: ConversationQuery,
        agent: AgentId,
    ) -> StoreResult<(Vec<Conversation>, u64, BTreeSet<ConversationId>)> {
        let site = site.to_string();
        self.store
            .db
            .read(move |conn| {
                let (list, total) = list_in(conn, &site, query)?;
                let ids: Vec<ConversationId> = list.iter().map(|c| c.id).collect();
                let drafted = crate::drafts::drafted_in(conn, &site, agent, &ids)?;
                Ok((list, total, drafted))
            })
            .await
    }

    /// Unread live conversations of the site, and per filter: how many of them it selects
    /// and of those, how many hold an unread mention of `agent`.
    pub async fn unread_counts(
        &self,
        site: anytime_core::model::SiteId,
        agent: AgentId,
        filters: Vec<CompiledConditions>,
    ) -> StoreResult<(u64, Vec<(u64, u64)>)> {
        let site = site.to_string();
        self.store
            .db
            .read(move |conn| {
                const UNREAD: &str = "SELECT count(*) FROM conversations c
                     WHERE c.site_id = ? AND c.is_deleted = 0 AND c.is_read = 0";
                let count = |sql: &str, params: Vec<Value>| -> StoreResult<u64> {
                    let n: i64 = conn
                        .prepare_cached(sql)?
                        .query_row(rusqlite::params_from_iter(params.iter()), |r| r.get(0))?;
                    Ok(u64::try_from(n).unwrap_or(0))
                };
                let all = count(UNREAD, vec![Value::Text(site.clone())])?;
                let ctx = Context::default();
                let mut per_filter = Vec::with_capacity(filters.len());
                for f in &filters {
                    let p = predicate(f, &ctx);
                    let mut params = vec![Value::Text(site.clone())];
                    params.extend(p.params.iter().cloned());
                    let selected = count(&format!("{UNREAD} AND ({})", p.sql), params.clone())?;
                    params.push(Value::Text(agent.to_string()));
                    let mentioned = count(
                        &format!(
                            "{UNREAD} AND ({}) AND EXISTS (SELECT 1 FROM json_each(c.snapshot, '$.mentionedAgents') m
                                 WHERE m.value ->> '$.agentId' = ? AND NOT (m.value ->> '$.isRead'))",
                            p.sql
                        ),
                        params,
                    )?;
                    per_filter.push((selected, mentioned));
                }
                Ok((all, per_filter))
            })
            .await
    }

    /// Removes a deleted conversation with its messages, history and index rows.
    pub async fn delete_permanently(
        &self,
        site: anytime_core::model::SiteId,
        id: ConversationId,
    ) -> StoreResult<()> {
        let site = site.to_string();
        self.store
            .db
            .write(move |tx| {
                let deleted: Option<i64> = tx
                    .prepare_cached("SELECT 1 FROM conversations WHERE site_id = ?1 AND id = ?2 AND is_deleted = 1")?
                    .query_row((&site, id.0), |r| r.get(0))
                    .optional()?;
                if deleted.is_none() {
                    return Err(StoreError::not_found("deleted conversation"));
                }
                crate::search::remove_conversation(tx, &site, id.0)?;
                tx.prepare_cached("DELETE FROM conversations WHERE site_id = ?1 AND id = ?2")?
                    .execute((&site, id.0))?;
                Ok(())
            })
            .await
    }
}

/// One page of matching conversations and the number of matches, in the caller's read.
fn list_in(
    conn: &Connection,
    site: &str,
    query: ConversationQuery,
) -> StoreResult<(Vec<Conversation>, u64)> {
    let site = site.to_string();
    let mut cond = vec!["c.site_id = ?".to_string(), "c.is_deleted = ?".to_string()];
    let mut params: Vec<Value> = vec![
        Value::Text(site.clone()),
        Value::Integer(i64::from(query.deleted)),
    ];
    if !query.statuses.is_empty() {
        let marks = vec!["?"; query.statuses.len()].join(",");
        cond.push(format!("c.status IN ({marks})"));
        params.extend(
            query
                .statuses
                .iter()
                .map(|s| Value::Text(s.as_str().into())),
        );
        if !query.statuses.contains(&Status::Closed) {
            // Implied by the IN list, but SQLite only uses the partial index
            // `conversations_open` when the term is spelled out.
            cond.push("c.status <> 'closed'".into());
        }
    }
    if let Some(tag) = query.tag_id {
        cond.push("EXISTS (SELECT 1 FROM conversation_tags ct WHERE ct.site_id = c.site_id AND ct.conversation_id = c.id AND ct.tag_id = ?)".into());
        params.push(Value::Text(tag.to_string()));
    }
    // With keywords the matches drive the query (CROSS JOIN fixes the loop order):
    // planned freely, SQLite walked every conversation of the site and tested
    // each against the match list, 190 ms at a million conversations. The site
    // of each match comes from the small key table (the FTS table holds only text).
    let keywords = query.keywords.as_deref().and_then(fts_query);
    let from = if let Some(q) = keywords.clone() {
        params.insert(0, Value::Text(site.clone()));
        params.insert(0, Value::Text(q));
        "(SELECT DISTINCT k.conversation_id AS cid FROM conversation_search s
          CROSS JOIN conversation_search_keys k ON k.search_rowid = s.rowid
          WHERE s.conversation_search MATCH ? AND k.site_id = ?) m
         CROSS JOIN conversations c ON c.id = m.cid"
    } else if !query.statuses.is_empty() && !query.statuses.contains(&Status::Closed) {
        if query.sort == ConversationSort::NextSlaBreach && !query.descending {
            // The console's default order, walked in the index: the page stops
            // after its rows instead of sorting every open conversation.
            "conversations c INDEXED BY conversations_open_by_breach"
        } else {
            // The working list: the open rows' own index (the window index
            // would read every recent one).
            "conversations c INDEXED BY conversations_open"
        }
    } else if query.statuses.is_empty() && !query.conditions.is_empty() && query.time_from.is_some()
    {
        // A filter's conditions over the activity window: left to itself the
        // planner preferred an index on a condition's column (every high-priority
        // conversation of the site, each row read to test the window: 0.9 s at a
        // million). The window index covers the usual filter and sort columns.
        "conversations c INDEXED BY conversations_by_window"
    } else {
        "conversations c"
    };
    if let Some(from) = query.time_from {
        cond.push("coalesce(c.last_replied_time, c.created_time) >= ?".into());
        params.push(Value::Text(ts(from)));
    }
    if let Some(to) = query.time_to {
        cond.push("coalesce(c.last_replied_time, c.created_time) <= ?".into());
        params.push(Value::Text(ts(to)));
    }
    if let Some(ids) = &query.ids {
        // One JSON parameter, whatever the count (no bound-variable limit).
        let list: Vec<i64> = ids.iter().map(|i| i.0).collect();
        cond.push("c.id IN (SELECT value FROM json_each(?))".into());
        params.push(Value::Text(serde_json::to_string(&list).map_err(json_err)?));
    }
    let ctx = Context {
        time_zone: query.time_zone,
        ..Default::default()
    };
    for set in &query.conditions {
        let p = predicate(set, &ctx);
        cond.push(format!("({})", p.sql));
        params.extend(p.params);
    }
    let cond = cond.join(" AND ");
    let count = |params: &[Value]| -> StoreResult<i64> {
        Ok(conn
            .prepare(&format!("SELECT count(*) FROM {from} WHERE {cond}"))?
            .query_row(rusqlite::params_from_iter(params.iter()), |r| r.get(0))?)
    };
    // A search counts in the page's own pass (`count(*) OVER ()`): its matches
    // are read once, not once for the count and again for the page. Lists keep
    // the separate count, which reads a covering index and lets the page stop
    // after its last row.
    let total = if keywords.is_some() {
        None
    } else {
        Some(count(&params)?)
    };
    let dir = if query.descending { "DESC" } else { "ASC" };
    // NULLs (never replied, no SLA) go last either way.
    let key = match query.sort {
        ConversationSort::NextSlaBreach => "c.next_breach_at IS NULL, c.next_breach_at",
        ConversationSort::LastReplyTime => "c.last_replied_time IS NULL, c.last_replied_time",
        ConversationSort::LastActivityTime => "c.last_activity_time",
        ConversationSort::Priority => "c.priority_rank",
        ConversationSort::Status => "c.status_rank",
    };
    let order = key
        .split(", ")
        .map(|k| {
            if k.ends_with("IS NULL") {
                k.to_string()
            } else {
                format!("{k} {dir}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    let mut page_params = params.clone();
    page_params.push(Value::Integer(
        i64::try_from(query.limit).unwrap_or(i64::MAX),
    ));
    page_params.push(Value::Integer(
        i64::try_from(query.offset).unwrap_or(i64::MAX),
    ));
    let window = if total.is_none() {
        ", count(*) OVER ()"
    } else {
        ""
    };
    // The page's ids first (from an index that covers the filter and the sort,
    // where one does), then its snapshots by key: sorting whole snapshots read
    // every matching row's JSON only to keep 50 of them.
    let rows = conn
        .prepare(&format!(
            "SELECT c.id{window} FROM {from} WHERE {cond} ORDER BY {order}, c.id {dir} LIMIT ? OFFSET ?"
        ))?
        .query_map(rusqlite::params_from_iter(page_params.iter()), |r| {
            Ok((r.get::<_, i64>(0)?, if total.is_none() { r.get::<_, i64>(1)? } else { 0 }))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let total = match (total, rows.first()) {
        (Some(n), _) => n,
        (None, Some((_, n))) => *n,
        // A page past the end shows no row to carry the count.
        (None, None) if query.offset > 0 => count(&params)?,
        (None, None) => 0,
    };
    let mut list = Vec::with_capacity(rows.len());
    for (id, _) in &rows {
        // Same read transaction: every listed id is there.
        list.extend(load(conn, &site, ConversationId(*id))?);
    }
    Ok((list, u64::try_from(total).unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn fts_queries_quote_every_word() {
        assert_eq!(
            fts_query("printer fire").as_deref(),
            Some("\"printer\" AND \"fire\"")
        );
        assert_eq!(
            fts_query("a\"b OR").as_deref(),
            Some("\"a\"\"b\" AND \"OR\"")
        );
        assert_eq!(fts_query("   "), None);
    }
}
