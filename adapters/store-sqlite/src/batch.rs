//! Several conversations changed in one write transaction: the allocation queue (SPEC §5.3)
//! reads every agent's load and the waiting conversations and assigns them in the same
//! transaction, so no concurrent allocation can push an agent above capacity.

use crate::conversations::{load, load_messages, save, ConversationChange};
use crate::error::StoreResult;
use crate::sql::ok_or_not_found;
use crate::TxView;
use anytime_core::conversation::Message;
use anytime_core::model::{Conversation, ConversationId, SiteId};

/// History field of a conversation the bot draw gave to the bot.
pub const BOT_HISTORY_FIELD: &str = "handledByBot";

/// The write transaction handed to a [`crate::Conversations::batch`] closure.
pub struct Batch<'t> {
    view: TxView<'t>,
}

impl<'t> Batch<'t> {
    /// Read access (loads, documents, timelines) in this transaction.
    pub fn view(&self) -> &TxView<'t> {
        &self.view
    }

    /// Open conversations without an agent (the allocation queue's candidates), by id; those
    /// the bot took (history field [`BOT_HISTORY_FIELD`]) are not waiting for an agent.
    pub fn unassigned_open(&self) -> StoreResult<Vec<Conversation>> {
        let mut stmt = self.view.tx.prepare_cached(
            "SELECT snapshot FROM conversations
             WHERE site_id = ?1 AND is_deleted = 0 AND status <> 'closed'
               AND agent_assignee_id IS NULL
               AND NOT EXISTS (SELECT 1 FROM conversation_history h
                   WHERE h.site_id = conversations.site_id AND h.conversation_id = conversations.id
                     AND json_extract(h.entry, '$.field') = ?2)
             ORDER BY id",
        )?;
        let rows = stmt
            .query_map((&self.view.site, BOT_HISTORY_FIELD), |r| {
                r.get::<_, String>(0)
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.iter()
            .map(|t| {
                serde_json::from_str(t).map_err(|e| {
                    crate::StoreError::Unavailable(format!("stored JSON is unreadable: {e}"))
                })
            })
            .collect()
    }

    /// A conversation with its messages (404 when missing).
    pub fn load(&self, id: ConversationId) -> StoreResult<(Conversation, Vec<Message>)> {
        let c = ok_or_not_found(load(self.view.tx, &self.view.site, id)?, "conversation")?;
        let m = load_messages(self.view.tx, &self.view.site, id)?;
        Ok((c, m))
    }

    /// Overwrites a site document (the allocator's state).
    pub fn write_document(&self, name: &str, value: &serde_json::Value) -> StoreResult<()> {
        crate::documents::write_doc(self.view.tx, &self.view.site, name, value)
    }

    /// Persists one conversation's change.
    pub fn save(&self, change: &ConversationChange) -> StoreResult<()> {
        save(self.view.tx, &self.view.site, change)
    }
}

impl crate::Conversations<'_> {
    /// Runs `work` in one write transaction of `site`; everything it saves commits together.
    pub async fn batch<T: Send + 'static>(
        &self,
        site: SiteId,
        work: impl FnOnce(&Batch<'_>) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        let site = site.to_string();
        self.store
            .db
            .write(move |tx| {
                let batch = Batch {
                    view: TxView { tx, site },
                };
                work(&batch)
            })
            .await
    }
}
