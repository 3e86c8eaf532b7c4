//! What `GET /conversations/{id}?include=messages` shows, read in one transaction: the
//! snapshot, the messages with their details and attachments, and whether the caller has a
//! draft. Five separate reads were five trips through the reader pool (a blocking-thread
//! hand-off and a transaction each) on the API's most frequent request.

use crate::attachments::{of_conversation_in, Attachment};
use crate::error::StoreResult;
use crate::message_details::MessageDetails;
use crate::sql::ok_or_not_found;
use crate::Conversations;
use anytime_core::conversation::Message;
use anytime_core::model::{AgentId, Conversation, ConversationId, MessageId, SiteId};
use std::collections::BTreeMap;

/// A conversation as of one read transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct WholeConversation {
    pub conversation: Conversation,
    /// The messages with what belongs to them; `None` when not asked for.
    pub messages: Option<MessagesRead>,
    /// Whether the reading agent has a draft on it.
    pub has_draft: bool,
}

/// A conversation's messages, their details and attachments.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MessagesRead {
    /// Oldest first (as `Conversations::messages`).
    pub messages: Vec<Message>,
    pub details: BTreeMap<MessageId, MessageDetails>,
    /// Oldest first (as `Attachments::of_conversation`).
    pub attachments: Vec<Attachment>,
}

type Extras = (BTreeMap<MessageId, MessageDetails>, Vec<Attachment>);

fn extras_in(conn: &rusqlite::Connection, site: &str, id: ConversationId) -> StoreResult<Extras> {
    Ok((
        crate::message_details::load(conn, site, id)?,
        of_conversation_in(conn, site, id)?,
    ))
}

impl Conversations<'_> {
    /// The details and attachments of a conversation's messages, read together (what a
    /// reply or a create shows with its messages).
    pub async fn message_extras(&self, site: SiteId, id: ConversationId) -> StoreResult<Extras> {
        let site = site.to_string();
        self.store
            .db
            .read(move |conn| extras_in(conn, &site, id))
            .await
    }

    /// The conversation for `agent`, with its messages when `with_messages`.
    pub async fn whole(
        &self,
        site: SiteId,
        id: ConversationId,
        agent: AgentId,
        with_messages: bool,
    ) -> StoreResult<WholeConversation> {
        let site = site.to_string();
        self.store
            .db
            .read(move |conn| {
                let conversation =
                    ok_or_not_found(crate::conversations::load(conn, &site, id)?, "conversation")?;
                let messages = if with_messages {
                    let (details, attachments) = extras_in(conn, &site, id)?;
                    Some(MessagesRead {
                        messages: crate::conversations::load_messages(conn, &site, id)?,
                        details,
                        attachments,
                    })
                } else {
                    None
                };
                let has_draft = crate::drafts::drafted_in(conn, &site, agent, &[id])?.contains(&id);
                Ok(WholeConversation {
                    conversation,
                    messages,
                    has_draft,
                })
            })
            .await
    }
}
