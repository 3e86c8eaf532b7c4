//! The effects shared by several commands: adding a message, changing fields, changing the
//! status. Each records its history entries and events.

use super::event::Event;
use super::history::{opt_text, text};
use super::message::{preview, Message};
use super::outcome::Recorder;
use super::Env;
use crate::field_validation::{require_filled, FieldChange};
use crate::model::{Conversation, FieldId, FieldValue, Mention, SenderType, Status};
use crate::CoreResult;

/// Stores `message` on the conversation's snapshot (SPEC §5.7): activity, last reply, read
/// flags, mentions, `lastMessage`.
pub(crate) fn add_message(conv: &mut Conversation, message: Message, rec: &mut Recorder) {
    conv.last_activity_time = Some(rec.now);
    if message.is_reply() {
        conv.last_replied_time = Some(message.time);
        conv.last_replied_by_id = message.sender_id;
        conv.last_replied_by_type = Some(message.sender_type);
    }
    match message.sender_type {
        SenderType::Contact => {
            conv.is_read = false;
            conv.is_read_by_contact = true;
        }
        SenderType::Agent if message.message_type.is_public() => conv.is_read_by_contact = false,
        _ => {}
    }
    conv.last_message = Some(preview(&message));
    rec.event(Event::MessageAdded {
        time: message.time,
        message_id: message.id,
        message_type: message.message_type,
        sender_type: message.sender_type,
    });
    for agent_id in &message.mentioned_agent_ids {
        conv.is_read = false;
        conv.mentioned_agents.push(Mention {
            agent_id: *agent_id,
            is_read: false,
            message_id: message.id,
        });
        rec.event(Event::AgentMentioned {
            time: message.time,
            message_id: message.id,
            agent_id: *agent_id,
        });
    }
    rec.messages.push(message);
}

/// Changes the status; closing requires every required custom field to be filled unless
/// `skip_required` (a merge closes its source whatever its fields). Answers whether it changed.
pub(crate) fn set_status(
    conv: &mut Conversation,
    new: Status,
    rec: &mut Recorder,
    env: &Env,
    skip_required: bool,
) -> CoreResult<bool> {
    let old = conv.status;
    if old == new {
        return Ok(false);
    }
    if new == Status::Closed && !skip_required {
        require_filled(env.fields, &conv.custom_fields)?;
    }
    conv.status = new;
    conv.last_status_change_time = Some(rec.now);
    conv.last_activity_time = Some(rec.now);
    rec.history("status", text(old), text(new));
    rec.event(Event::StatusIsChanged {
        time: rec.now,
        old,
        new,
    });
    if new == Status::Closed {
        rec.event(Event::ConversationClosed { time: rec.now });
    }
    if old == Status::Closed {
        rec.event(Event::ConversationReopened {
            time: rec.now,
            status: new,
        });
    }
    Ok(true)
}

/// Applies validated changes: fields first, the status last (so one update may fill the
/// required fields and close). A closed conversation must stay complete: clearing a required
/// field of a closed conversation fails like closing would.
pub(crate) fn change_fields(
    conv: &mut Conversation,
    changes: Vec<FieldChange>,
    rec: &mut Recorder,
    env: &Env,
) -> CoreResult<()> {
    let (old_agent, old_department) = (conv.agent_assignee_id, conv.department_assignee_id);
    let mut changed = false;
    let mut custom_changed = false;
    let mut status = None;
    for change in changes {
        let field = change.field_id();
        let diff = match change {
            FieldChange::Status(s) => {
                status = Some(s);
                continue;
            }
            FieldChange::IsRead(read) => {
                conv.is_read = read;
                continue;
            }
            FieldChange::Subject(s) => swap(&mut conv.subject, s, |v| text(v)),
            FieldChange::Priority(p) => swap(&mut conv.priority, p, |v| text(v)),
            FieldChange::AgentAssignee(a) => swap(&mut conv.agent_assignee_id, a, |v| opt_text(*v)),
            FieldChange::DepartmentAssignee(d) => {
                swap(&mut conv.department_assignee_id, d, |v| opt_text(*v))
            }
            FieldChange::Tags(tags) => swap(&mut conv.tag_ids, tags, |v| {
                Some(FieldValue::List(v.iter().map(|t| t.to_string()).collect()))
            }),
            FieldChange::Custom { id, value } => {
                let old = conv.custom_field(&id).cloned();
                if old == value {
                    None
                } else {
                    conv.set_custom_field(&id, value.clone());
                    custom_changed = true;
                    Some((old, value))
                }
            }
        };
        if let Some((old, new)) = diff {
            changed = true;
            record_field(rec, field, old, new);
        }
    }
    if (old_agent, old_department) != (conv.agent_assignee_id, conv.department_assignee_id) {
        rec.event(Event::AssigneeIsChanged {
            time: rec.now,
            old_agent_id: old_agent,
            new_agent_id: conv.agent_assignee_id,
            old_department_id: old_department,
            new_department_id: conv.department_assignee_id,
        });
    }
    if changed {
        conv.last_activity_time = Some(rec.now);
    }
    let status_changed = match status {
        Some(s) => set_status(conv, s, rec, env, false)?,
        None => false,
    };
    if conv.status == Status::Closed && custom_changed && !status_changed {
        require_filled(env.fields, &conv.custom_fields)?;
    }
    Ok(())
}

fn record_field(
    rec: &mut Recorder,
    field: FieldId,
    old: Option<FieldValue>,
    new: Option<FieldValue>,
) {
    rec.history(field.0.clone(), old.clone(), new.clone());
    rec.event(Event::FieldChanged {
        time: rec.now,
        field_id: field,
        old_value: old,
        new_value: new,
    });
}

/// Replaces `slot` with `new` when different; answers the old and new history values.
fn swap<T: PartialEq>(
    slot: &mut T,
    new: T,
    show: impl Fn(&T) -> Option<FieldValue>,
) -> Option<(Option<FieldValue>, Option<FieldValue>)> {
    if *slot == new {
        return None;
    }
    let old = std::mem::replace(slot, new);
    Some((show(&old), show(slot)))
}
