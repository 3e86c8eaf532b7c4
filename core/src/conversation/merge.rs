//! Merging one conversation (the source) into another (the target), SPEC §5.7. Pure: both
//! snapshots and both message lists in, both outcomes and the target's message order out.

use super::actor::{Actor, Origin};
use super::effects::{add_message, set_status};
use super::event::Event;
use super::history::text;
use super::message::{Message, NewMessage};
use super::outcome::{Outcome, Recorder};
use super::Env;
use crate::field_validation::Known;
use crate::model::{Conversation, ConversationId, FieldSet, MessageId, MessageType, Status};
use crate::{CoreError, CoreResult, ErrorDetail};
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq)]
pub struct MergePlan {
    pub target: Outcome,
    pub source: Outcome,
    /// Every message now in the target — its own, the source's, the target's note — by
    /// time, ties by id. The source keeps only its note.
    pub message_order: Vec<MessageId>,
}

/// Merges `source` into `target`. `note_ids` are the ids of the system notes added to the
/// target and the source. Merging a conversation into itself, or when either side is
/// deleted or already merged, is a conflict. Closing the source skips the required-field
/// check: a merge must not fail because the duplicate was never filled in.
pub fn plan_merge(
    target: Conversation,
    source: Conversation,
    target_messages: &[Message],
    source_messages: &[Message],
    note_ids: (MessageId, MessageId),
    origin: Origin,
    now: DateTime<Utc>,
) -> CoreResult<MergePlan> {
    check_sides(&target, &source)?;
    check_messages(&target, &source, target_messages, source_messages, note_ids)?;
    let (target_note_id, source_note_id) = note_ids;
    let fields = FieldSet::default();
    let known = Known::unchecked();
    let env = Env {
        now,
        fields: &fields,
        known: &known,
    };

    let mut source = source;
    let mut rec = Recorder::new(origin, now);
    let note = system_note(
        source_note_id,
        format!(
            "This conversation was merged into conversation #{}.",
            target.id
        ),
    )
    .build(MessageType::Note, source.id, Actor::System, now);
    add_message(&mut source, note, &mut rec);
    set_status(&mut source, Status::Closed, &mut rec, &env, true)?;
    source.merged_into_id = Some(target.id);
    rec.history("mergedIntoId", None, text(target.id));
    rec.event(merged(now, &source, &target));
    let moved_mentions = std::mem::take(&mut source.mentioned_agents);
    let source_was_read = source.is_read;
    let source_outcome = rec.finish(source.clone());

    let mut target = target;
    let mut rec = Recorder::new(origin, now);
    if let Some(last) = source_messages
        .iter()
        .filter(|m| m.is_reply())
        .max_by_key(|m| (m.time, m.id))
    {
        if target.last_replied_time.is_none_or(|t| last.time > t) {
            target.last_replied_time = Some(last.time);
            target.last_replied_by_id = last.sender_id;
            target.last_replied_by_type = Some(last.sender_type);
        }
    }
    target.mentioned_agents.extend(moved_mentions);
    target.is_read = target.is_read && source_was_read;
    let note = system_note(
        target_note_id,
        format!(
            "Conversation #{} was merged into this conversation.",
            source.id
        ),
    )
    .build(MessageType::Note, target.id, Actor::System, now);
    let mut order: Vec<(DateTime<Utc>, MessageId)> = target_messages
        .iter()
        .chain(source_messages)
        .map(|m| (m.time, m.id))
        .chain(std::iter::once((note.time, note.id)))
        .collect();
    order.sort();
    add_message(&mut target, note, &mut rec);
    rec.history("mergedFromId", None, text(source.id));
    rec.event(merged(now, &source, &target));
    Ok(MergePlan {
        target: rec.finish(target),
        source: source_outcome,
        message_order: order.into_iter().map(|(_, id)| id).collect(),
    })
}

fn merged(now: DateTime<Utc>, source: &Conversation, target: &Conversation) -> Event {
    Event::ConversationMerged {
        time: now,
        source_id: source.id,
        target_id: target.id,
    }
}

fn system_note(id: MessageId, text: String) -> NewMessage {
    NewMessage {
        id,
        message_type: Some(MessageType::Note),
        html_body: Some(format!("<p>{text}</p>")),
        plain_body: Some(text),
        time: None,
    }
}

fn check_sides(target: &Conversation, source: &Conversation) -> CoreResult<()> {
    if target.id == source.id {
        return Err(CoreError::conflict(format!(
            "conversation {} cannot be merged into itself",
            target.id
        )));
    }
    for (side, conv) in [("target", target), ("source", source)] {
        if conv.is_deleted {
            return Err(CoreError::conflict(format!(
                "the {side} conversation {} is deleted",
                conv.id
            )));
        }
        if let Some(into) = conv.merged_into_id {
            return Err(CoreError::conflict(format!(
                "the {side} conversation {} was already merged into conversation {into}",
                conv.id
            )));
        }
    }
    Ok(())
}

/// Each message once, on its own side; the note ids new.
fn check_messages(
    target: &Conversation,
    source: &Conversation,
    target_messages: &[Message],
    source_messages: &[Message],
    (target_note, source_note): (MessageId, MessageId),
) -> CoreResult<()> {
    let mut errors = Vec::new();
    let mut seen = BTreeSet::new();
    let sides: [(&str, ConversationId, &[Message]); 2] = [
        ("targetMessages", target.id, target_messages),
        ("sourceMessages", source.id, source_messages),
    ];
    for (key, id, messages) in sides {
        for (i, m) in messages.iter().enumerate() {
            if m.conversation_id.0 != 0 && m.conversation_id != id {
                errors.push(ErrorDetail::new(
                    format!("{key}[{i}].conversationId"),
                    format!("must be {id}"),
                ));
            }
            if !seen.insert(m.id) {
                errors.push(ErrorDetail::new(
                    format!("{key}[{i}].id"),
                    format!("message {} is listed more than once", m.id),
                ));
            }
        }
    }
    for (key, id) in [("targetNoteId", target_note), ("sourceNoteId", source_note)] {
        if !seen.insert(id) {
            errors.push(ErrorDetail::new(
                key,
                format!("message id {id} is already taken"),
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CoreError::invalid_fields("invalid merge input", errors))
    }
}
