//! The bulk path: loading many conversations at once (imports, the scale benchmark's
//! generator). The normal path spends one write transaction per change, and each commit is a
//! WAL append and an fsync-free but still real round trip through the writer thread; at a
//! million conversations that is the whole cost. Here one transaction takes a whole batch
//! (callers pass thousands of conversations per call), rows go through the same writers as
//! the normal path (`put_row`, `put_message`, `search::add`, so columns and index rows cannot
//! differ), and the keyword index is merged once at the end by [`Bulk::finish`].
//!
//! What it does not do: run the core (routing, triggers, SLA): the caller passes finished
//! snapshots, as an import of another system's data would. Tags, history, timeline and
//! timers are not written either; conversations loaded this way have none.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), anytime_store::StoreError> {
//! # use anytime_store::{Store, StoreOptions, BulkConversation};
//! # let dir = tempfile::tempdir().unwrap();
//! # let (store, _) = Store::open(dir.path().join("a.db"), StoreOptions::default()).await?;
//! # let site = anytime_core::model::SiteId(uuid::Uuid::nil());
//! // for batch in batches { store.bulk().insert(site, batch).await?; }
//! store.bulk().insert(site, Vec::<BulkConversation>::new()).await?;
//! store.bulk().finish().await?;
//! # Ok(()) }
//! ```

use crate::conversations::{claim_number, put_message, put_row};
use crate::error::{StoreError, StoreResult};
use crate::Store;
use anytime_core::conversation::Message;
use anytime_core::model::{Conversation, ConversationId, MessageId, SiteId};

/// A finished conversation and its messages, to load as they are.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkConversation {
    pub conversation: Conversation,
    pub messages: Vec<Message>,
}

/// Bulk loading: `store.bulk()`.
pub struct Bulk<'a> {
    pub(crate) store: &'a Store,
}

impl Bulk<'_> {
    /// The first free conversation and message numbers of the site (where a load starts).
    pub async fn next_ids(&self, site: SiteId) -> StoreResult<(ConversationId, MessageId)> {
        let site = site.to_string();
        self.store
            .db
            .read(move |conn| {
                let mut stmt = conn.prepare_cached(
                    "SELECT coalesce(max(last_value), 0) + 1 FROM site_counters WHERE site_id = ?1 AND name = ?2",
                )?;
                let c: i64 = stmt.query_row((&site, "conversation"), |r| r.get(0))?;
                let m: i64 = stmt.query_row((&site, "message"), |r| r.get(0))?;
                Ok((ConversationId(c), MessageId(m)))
            })
            .await
    }

    /// Writes a batch in one transaction and moves the site's conversation and message
    /// counters past the largest ids used. Ids must be new; a message must belong to the
    /// conversation it is passed with. Returns the number of messages written.
    pub async fn insert(&self, site: SiteId, batch: Vec<BulkConversation>) -> StoreResult<usize> {
        let site = site.to_string();
        self.store
            .db
            .write(move |tx| {
                let (mut last_conversation, mut last_message, mut messages) = (0, 0, 0);
                for item in &batch {
                    let c = &item.conversation;
                    put_row(tx, &site, c)?;
                    crate::search::add(tx, &site, c.id.0, 0, &c.subject)?;
                    last_conversation = last_conversation.max(c.id.0);
                    for m in &item.messages {
                        if m.conversation_id != c.id {
                            return Err(StoreError::invalid(
                                "messages",
                                format!("message {} is not of conversation {}", m.id.0, c.id.0),
                            ));
                        }
                        put_message(tx, &site, m)?;
                        crate::search::add(tx, &site, c.id.0, m.id.0, &m.plain_body)?;
                        last_message = last_message.max(m.id.0);
                        messages += 1;
                    }
                }
                if last_conversation > 0 {
                    claim_number(tx, &site, "conversation", last_conversation)?;
                }
                if last_message > 0 {
                    claim_number(tx, &site, "message", last_message)?;
                }
                Ok(messages)
            })
            .await
    }

    /// After the last batch: merges the keyword index's segments into one (searches then read
    /// one b-tree per term instead of one per batch) and refreshes the planner's statistics.
    pub async fn finish(&self) -> StoreResult<()> {
        self.store
            .db
            .write(|tx| {
                // analysis_limit: sampled statistics are enough for the planner and take
                // seconds instead of a full read of every index of a multi-gigabyte file.
                tx.execute_batch(
                    "INSERT INTO conversation_search (conversation_search) VALUES ('optimize');
                     PRAGMA analysis_limit = 1000;
                     ANALYZE;",
                )?;
                Ok(())
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversations::ConversationQuery;
    use anytime_core::conversation::Message;
    use anytime_core::model::{MessageType, SenderType, Status};
    use chrono::{Duration, Utc};

    fn item(id: i64, first_message: i64, subject: &str, bodies: &[&str]) -> BulkConversation {
        let now = Utc::now();
        BulkConversation {
            conversation: Conversation {
                id: ConversationId(id),
                subject: subject.into(),
                status: Status::New,
                created_time: Some(now - Duration::hours(1)),
                last_activity_time: Some(now),
                resolve_breach_at: Some(now + Duration::hours(id)),
                ..Conversation::default()
            },
            messages: bodies
                .iter()
                .enumerate()
                .map(|(k, b)| Message {
                    id: MessageId(first_message + k as i64),
                    conversation_id: ConversationId(id),
                    message_type: MessageType::Email,
                    sender_type: SenderType::Contact,
                    sender_id: None,
                    time: now - Duration::minutes(30 - k as i64),
                    html_body: format!("<p>{b}</p>"),
                    plain_body: (*b).into(),
                    mentioned_agent_ids: vec![],
                })
                .collect(),
        }
    }

    fn search(words: &str) -> ConversationQuery {
        ConversationQuery {
            keywords: Some(words.into()),
            limit: 50,
            ..ConversationQuery::default()
        }
    }

    #[tokio::test]
    async fn loaded_conversations_read_and_search_like_created_ones() {
        let (_dir, store, site) = crate::tests::store_with_site().await;
        assert_eq!(
            store.bulk().next_ids(site).await.unwrap(),
            (ConversationId(1), MessageId(1))
        );
        let batch = vec![
            item(
                1,
                1,
                "printer jammed",
                &["paper everywhere", "still jammed"],
            ),
            item(2, 3, "refund please", &["order kalomire"]),
        ];
        assert_eq!(store.bulk().insert(site, batch).await.unwrap(), 3);
        store.bulk().finish().await.unwrap();
        assert_eq!(
            store.bulk().next_ids(site).await.unwrap(),
            (ConversationId(3), MessageId(4))
        );
        let got = store
            .conversations()
            .get(site, ConversationId(2))
            .await
            .unwrap();
        assert_eq!(got.subject, "refund please");
        let messages = store
            .conversations()
            .messages(site, ConversationId(1))
            .await
            .unwrap();
        assert_eq!(messages.len(), 2);
        let ids = |list: Vec<Conversation>| list.iter().map(|c| c.id.0).collect::<Vec<_>>();
        let (found, total) = store
            .conversations()
            .list(site, search("kalomire"))
            .await
            .unwrap();
        assert_eq!((ids(found), total), (vec![2], 1));
        let (found, _) = store
            .conversations()
            .list(site, search("jammed"))
            .await
            .unwrap();
        assert_eq!(ids(found), vec![1]);
        // another site sees none of it
        let (found, total) = store
            .conversations()
            .list(SiteId(uuid::Uuid::from_u128(77)), search("jammed"))
            .await
            .unwrap();
        assert_eq!((found.len(), total), (0, 0));
    }

    #[tokio::test]
    async fn a_message_of_another_conversation_rolls_the_batch_back() {
        let (_dir, store, site) = crate::tests::store_with_site().await;
        let mut bad = item(2, 5, "second", &["x"]);
        bad.messages[0].conversation_id = ConversationId(9);
        let err = store
            .bulk()
            .insert(site, vec![item(1, 1, "first", &["y"]), bad])
            .await
            .unwrap_err();
        assert!(err.to_string().contains("messages"), "{err}");
        assert!(store
            .conversations()
            .get(site, ConversationId(1))
            .await
            .is_err());
        assert_eq!(
            store.bulk().next_ids(site).await.unwrap(),
            (ConversationId(1), MessageId(1))
        );
    }

    #[tokio::test]
    async fn permanent_deletion_removes_every_index_row() {
        let (dir, store, site) = crate::tests::store_with_site().await;
        let mut gone = item(1, 1, "obsolete widget", &["widget body", "more widget"]);
        gone.conversation.is_deleted = true;
        let kept = item(2, 3, "widget kept", &["widget here"]);
        store.bulk().insert(site, vec![gone, kept]).await.unwrap();
        store
            .conversations()
            .delete_permanently(site, ConversationId(1))
            .await
            .unwrap();
        let (found, total) = store
            .conversations()
            .list(site, search("widget"))
            .await
            .unwrap();
        assert_eq!((found.len(), total, found[0].id.0), (1, 1, 2));
        let conn = rusqlite::Connection::open(dir.path().join("t.db")).unwrap();
        let rows: (i64, i64) = conn
            .query_row(
                "SELECT (SELECT count(*) FROM conversation_search), (SELECT count(*) FROM conversation_search_keys)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(rows, (2, 2));
    }
}
