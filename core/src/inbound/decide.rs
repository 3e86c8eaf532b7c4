//! SPEC §5.9 steps 0–3, in order: duplicate, loop guard, blocked senders, threading.

use super::address::normalize_address;
use super::config::{InboundRules, ThreadCandidate};
use super::decision::{Action, Decision, ThreadMatch};
use super::message::{subject_tokens, InboundMessage};
use crate::model::{ConversationId, Status};
use chrono::{DateTime, TimeDelta, Utc};

impl InboundRules {
    /// The decision for `message` at `now`. Total: every message gets a decision.
    pub fn decide(&self, message: &InboundMessage, now: DateTime<Utc>) -> Decision {
        self.decide_inner(message, now, true)
    }

    /// As [`decide`](Self::decide) without the block check: a junk email marked "not junk"
    /// (SPEC §4.9) becomes a normal conversation.
    pub fn decide_not_junk(&self, message: &InboundMessage, now: DateTime<Utc>) -> Decision {
        self.decide_inner(message, now, false)
    }

    fn decide_inner(
        &self,
        message: &InboundMessage,
        now: DateTime<Utc>,
        check_blocks: bool,
    ) -> Decision {
        Decision {
            action: self.action(message, now, check_blocks),
            is_auto_reply: message.is_auto_reply(),
        }
    }

    fn action(&self, message: &InboundMessage, now: DateTime<Utc>, check_blocks: bool) -> Action {
        if let Some(conversation_id) = message
            .own_id()
            .and_then(|id| self.known_messages.get(&id).copied())
        {
            return Action::Duplicate { conversation_id };
        }
        let sender = normalize_address(&message.from);
        if self.site_addresses.contains(&sender) {
            return Action::Loop;
        }
        if check_blocks {
            if let Some(rule) = self.blocks.find(&sender) {
                let rule = rule.clone();
                return if rule.block_type.is_junk() {
                    Action::Junk { rule }
                } else {
                    Action::Reject { rule }
                };
            }
        }
        match self.thread(message, &sender) {
            Some((candidate, _)) if self.closed_too_long(candidate, now) => {
                Action::NewConversation {
                    sender,
                    linked_conversation_id: Some(candidate.id),
                    bot: None,
                }
            }
            Some((candidate, matched_by)) => Action::Append {
                conversation_id: candidate.id,
                reopen: candidate.status == Status::Closed,
                matched_by,
            },
            None => Action::NewConversation {
                sender,
                linked_conversation_id: None,
                bot: None,
            },
        }
    }

    /// The conversation a reply belongs to: by In-Reply-To, then References newest first,
    /// then the first `[#id]` token whose conversation's contact is the sender.
    fn thread(
        &self,
        message: &InboundMessage,
        sender: &str,
    ) -> Option<(&ThreadCandidate, ThreadMatch)> {
        let in_reply_to = message.in_reply_to_ids();
        let by_header = message.referenced_ids().into_iter().find_map(|id| {
            let conversation = self.known_messages.get(&id)?;
            let candidate = self.conversations.get(conversation)?;
            let how = if in_reply_to.contains(&id) {
                ThreadMatch::InReplyTo
            } else {
                ThreadMatch::References
            };
            Some((candidate, how))
        });
        by_header.or_else(|| {
            subject_tokens(&message.subject)
                .into_iter()
                .filter_map(|id: ConversationId| self.conversations.get(&id))
                .find(|c| !sender.is_empty() && c.contact_email == sender)
                .map(|c| (c, ThreadMatch::SubjectToken))
        })
    }

    /// Closed for more than `followUpDays` whole days (0 days: never too long). A closed
    /// conversation without a closing time is treated as just closed.
    fn closed_too_long(&self, candidate: &ThreadCandidate, now: DateTime<Utc>) -> bool {
        if candidate.status != Status::Closed || self.follow_up_days == 0 {
            return false;
        }
        let window = TimeDelta::days(i64::from(self.follow_up_days));
        candidate
            .closed_time
            .is_some_and(|closed| now.signed_duration_since(closed) > window)
    }
}
