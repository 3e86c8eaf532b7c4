//! `apply_command`: one command on one conversation snapshot → the new snapshot, events,
//! history and messages. Nothing is changed on error: the caller keeps its snapshot.

use super::actor::Actor;
use super::command::{Action, Command, Create, Reopen, Reply, Update};
use super::effects::{add_message, change_fields, set_status};
use super::event::Event;
use super::history::text;
use super::merge::plan_merge;
use super::outcome::{MergeResult, Outcome, Recorder};
use super::Env;
use crate::field_validation::{
    check_custom, into_error, validate_value, validate_values, FieldChange, ValueEntry,
};
use crate::model::{
    Conversation, FieldId, FieldValue, MessageType, Priority, SenderType, Status, SystemField,
};
use crate::{CoreError, CoreResult, ErrorDetail};

/// Applies `command` to `conversation` at `env.now`.
pub fn apply_command(
    conversation: Conversation,
    command: Command,
    env: &Env,
) -> CoreResult<Outcome> {
    guard(&conversation, &command.action)?;
    let origin = command.origin();
    let actor = command.actor;
    let mut rec = Recorder::new(origin, env.now);
    let mut conv = conversation;
    match command.action {
        Action::Create(create) => conv = self::create(conv.id, *create, actor, &mut rec, env)?,
        Action::Reply(reply) => self::reply(&mut conv, reply, false, actor, &mut rec, env)?,
        Action::Note(reply) => self::reply(&mut conv, reply, true, actor, &mut rec, env)?,
        Action::Update(update) => {
            let changes = parse_update(&mut conv, *update, &mut rec, env)?;
            change_fields(&mut conv, changes, &mut rec, env)?;
        }
        Action::Close => {
            set_status(&mut conv, Status::Closed, &mut rec, env, false)?;
        }
        Action::Reopen(reopen) => self::reopen(&mut conv, reopen, &mut rec, env)?,
        Action::Read => read(&mut conv, actor, true),
        Action::Unread => read(&mut conv, actor, false),
        Action::Delete => {
            conv.is_deleted = true;
            rec.history("isDeleted", text(false), text(true));
            rec.event(Event::ConversationDeleted { time: env.now });
        }
        Action::Restore => {
            conv.is_deleted = false;
            rec.history("isDeleted", text(true), text(false));
            rec.event(Event::ConversationRestored { time: env.now });
        }
        Action::Merge(merge) => {
            let plan = plan_merge(
                conv,
                merge.source,
                &merge.target_messages,
                &merge.source_messages,
                (merge.target_note_id, merge.source_note_id),
                origin,
                env.now,
            )?;
            let mut target = plan.target;
            target.merge = Some(MergeResult {
                source: Box::new(plan.source),
                message_order: plan.message_order,
            });
            return Ok(target);
        }
    }
    Ok(rec.finish(conv))
}

/// Deleted conversations only answer `restore` (they are not found elsewhere, as in the
/// API); a merged source can no longer change but may be read, deleted and restored.
fn guard(conv: &Conversation, action: &Action) -> CoreResult<()> {
    if matches!(action, Action::Create(_)) {
        if conv.created_time.is_some() {
            return Err(CoreError::conflict(format!(
                "conversation {} already exists",
                conv.id
            )));
        }
        return Ok(());
    }
    match (conv.is_deleted, action) {
        // SPEC §5.7: merging with a deleted side is a conflict, answered by the merge itself.
        (true, Action::Restore | Action::Merge(_)) => {}
        (true, Action::Delete) => {
            return Err(CoreError::conflict(format!(
                "conversation {} is already deleted",
                conv.id
            )))
        }
        (true, _) => {
            return Err(CoreError::not_found(format!(
                "conversation {} is deleted",
                conv.id
            )))
        }
        (false, Action::Restore) => {
            return Err(CoreError::conflict(format!(
                "conversation {} is not deleted",
                conv.id
            )))
        }
        _ => {}
    }
    if let Some(target) = conv.merged_into_id {
        let frozen = matches!(
            action,
            Action::Reply(_)
                | Action::Note(_)
                | Action::Update(_)
                | Action::Close
                | Action::Reopen(_)
                | Action::Merge(_)
        );
        if frozen {
            return Err(CoreError::conflict(format!(
                "conversation {} was merged into conversation {target}",
                conv.id
            )));
        }
    }
    Ok(())
}

/// The message type of a message command: required in `reply`, `note` (or absent) in
/// `note`; contacts cannot write notes.
fn message_type(
    given: Option<MessageType>,
    note_command: bool,
    actor: Actor,
    errors: &mut Vec<ErrorDetail>,
) -> MessageType {
    let kind = match (given, note_command) {
        (None, true) | (Some(MessageType::Note), true) => MessageType::Note,
        (Some(other), true) => {
            errors.push(ErrorDetail::new(
                "message.type",
                format!("must be note in a note command, not {other}"),
            ));
            other
        }
        (Some(kind), false) => kind,
        (None, false) => {
            errors.push(ErrorDetail::new("message.type", "is required"));
            MessageType::Reply
        }
    };
    if kind == MessageType::Note && matches!(actor, Actor::Contact(_)) {
        errors.push(ErrorDetail::new(
            "message.type",
            "contacts cannot write notes",
        ));
    }
    kind
}

fn validation(errors: Vec<ErrorDetail>) -> CoreResult<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(into_error(errors))
    }
}

/// The custom field values of `entries` (system field ids are refused: they have their own
/// keys), validated.
fn custom_values(
    entries: Vec<ValueEntry>,
    env: &Env,
    errors: &mut Vec<ErrorDetail>,
) -> Vec<FieldChange> {
    let mut values = Vec::with_capacity(entries.len());
    for entry in entries {
        if entry.id.system().is_some() {
            errors.push(ErrorDetail::new(
                entry.id.0,
                "is a system field; set it with its own key",
            ));
            continue;
        }
        values.push((
            entry.id,
            entry.value.unwrap_or(FieldValue::Text(String::new())),
        ));
    }
    match validate_values(env.fields, &values, env.known) {
        Ok(changes) => changes,
        Err(mut failed) => {
            errors.append(&mut failed);
            Vec::new()
        }
    }
}

/// Validates system field values given under request keys; errors name the request keys.
fn system_values(
    given: Vec<(SystemField, &'static str, FieldValue)>,
    env: &Env,
    errors: &mut Vec<ErrorDetail>,
) -> Vec<FieldChange> {
    let mut changes = Vec::with_capacity(given.len());
    for (field, key, value) in given {
        match validate_value(env.fields, &FieldId::new(field.as_str()), &value, env.known) {
            Ok(change) => changes.push(change),
            Err(reason) => errors.push(ErrorDetail::new(key, reason)),
        }
    }
    changes
}

fn create(
    id: crate::model::ConversationId,
    c: Create,
    actor: Actor,
    rec: &mut Recorder,
    env: &Env,
) -> CoreResult<Conversation> {
    let mut errors = Vec::new();
    let kind = message_type(c.message.message_type, false, actor, &mut errors);
    let mut system = vec![(
        SystemField::Subject,
        "subject",
        FieldValue::Text(c.subject.clone()),
    )];
    if let Some(agent) = c.agent_assignee_id {
        let value = FieldValue::Text(agent.to_string());
        system.push((SystemField::AgentAssignee, "agentAssigneeId", value));
    }
    if let Some(dept) = c.department_assignee_id {
        let value = FieldValue::Text(dept.to_string());
        system.push((
            SystemField::DepartmentAssignee,
            "departmentAssigneeId",
            value,
        ));
    }
    system_values(system, env, &mut errors);
    let contact_id = match (actor, c.contact_id) {
        (Actor::Contact(me), Some(given)) if me != given => {
            errors.push(ErrorDetail::new(
                "contactId",
                "must be the contact who creates the conversation",
            ));
            None
        }
        (Actor::Contact(me), _) => Some(me),
        (_, given) => given,
    };
    let custom = custom_values(c.custom_fields, env, &mut errors);
    validation(errors)?;

    let mut conv = Conversation {
        id,
        subject: c.subject,
        agent_assignee_id: c.agent_assignee_id,
        department_assignee_id: c.department_assignee_id,
        contact_id,
        received_from: c.received_from,
        channel: c.channel,
        priority: c.priority.unwrap_or(Priority::Normal),
        is_read: matches!(actor, Actor::Agent(_)),
        is_read_by_contact: true,
        tag_ids: c.tag_ids,
        created_time: Some(env.now),
        last_activity_time: Some(env.now),
        last_status_change_time: Some(env.now),
        created_by_id: actor.id(),
        created_by_type: Some(actor.sender_type()),
        ..Conversation::default()
    };
    for change in custom {
        if let FieldChange::Custom { id, value } = change {
            conv.set_custom_field(&id, value);
        }
    }
    // Defaults for the fields not given; a default that no longer validates is skipped
    // rather than blocking every new conversation.
    for def in env.fields.customs() {
        if conv.custom_field(&def.id).is_some() {
            continue;
        }
        if let Some(Ok(Some(value))) = def
            .default_value
            .as_ref()
            .map(|d| check_custom(def, d, env.known))
        {
            conv.set_custom_field(&def.id, Some(value));
        }
    }
    let outbound = actor.sender_type() == SenderType::Agent && kind.is_public();
    let status = c.status.unwrap_or(if outbound {
        Status::PendingExternal
    } else {
        Status::New
    });
    if status == Status::Closed {
        crate::field_validation::require_filled(env.fields, &conv.custom_fields)?;
    }
    conv.status = status;
    rec.history("conversation", None, text("created"));
    rec.event(Event::ConversationCreated {
        time: env.now,
        status,
        channel: conv.channel,
    });
    let mut message = c.message.build(kind, id, actor, env.now);
    message
        .mentioned_agent_ids
        .retain(|a| env.known.agents.contains(a));
    add_message(&mut conv, message, rec);
    Ok(conv)
}

fn reply(
    conv: &mut Conversation,
    r: Reply,
    note_command: bool,
    actor: Actor,
    rec: &mut Recorder,
    env: &Env,
) -> CoreResult<()> {
    let mut errors = Vec::new();
    let kind = message_type(r.message.message_type, note_command, actor, &mut errors);
    validation(errors)?;
    let mut message = r.message.build(kind, conv.id, actor, env.now);
    message
        .mentioned_agent_ids
        .retain(|a| env.known.agents.contains(a));
    let (id, time) = (message.id, message.time);
    add_message(conv, message, rec);
    match actor {
        Actor::Contact(_) if kind.is_public() => {
            rec.event(Event::ConversationReplyIsReceived {
                time,
                message_id: id,
            });
        }
        Actor::Agent(agent_id) if kind.is_public() => {
            rec.event(Event::AgentReplied {
                time,
                message_id: id,
                agent_id,
            });
        }
        _ => {}
    }
    let automatic = match actor {
        Actor::Agent(_) if kind.is_public() => Some(Status::PendingExternal),
        Actor::Contact(_)
            if matches!(
                conv.status,
                Status::PendingExternal | Status::OnHold | Status::Closed
            ) =>
        {
            Some(Status::PendingInternal)
        }
        _ => None,
    };
    if let Some(status) = r.status.or(automatic) {
        set_status(conv, status, rec, env, false)?;
    }
    Ok(())
}

/// Turns an update into validated changes (every failing key reported); `contactId` is
/// applied here as it is not a field.
fn parse_update(
    conv: &mut Conversation,
    u: Update,
    rec: &mut Recorder,
    env: &Env,
) -> CoreResult<Vec<FieldChange>> {
    let mut errors = Vec::new();
    let mut system = Vec::new();
    if let Some(subject) = u.subject {
        system.push((SystemField::Subject, "subject", FieldValue::Text(subject)));
    }
    if let Some(agent) = u.agent_assignee_id {
        let value = FieldValue::Text(agent.map(|a| a.to_string()).unwrap_or_default());
        system.push((SystemField::AgentAssignee, "agentAssigneeId", value));
    }
    if let Some(dept) = u.department_assignee_id {
        let value = FieldValue::Text(dept.map(|d| d.to_string()).unwrap_or_default());
        system.push((
            SystemField::DepartmentAssignee,
            "departmentAssigneeId",
            value,
        ));
    }
    if let Some(tags) = u.tag_ids {
        let value = FieldValue::List(tags.iter().map(|t| t.to_string()).collect());
        system.push((SystemField::Tags, "tagIds", value));
    }
    let mut changes = system_values(system, env, &mut errors);
    if let Some(priority) = u.priority {
        changes.push(FieldChange::Priority(priority));
    }
    if let Some(read) = u.is_read {
        changes.push(FieldChange::IsRead(read));
    }
    changes.extend(custom_values(u.custom_fields, env, &mut errors));
    if let Some(status) = u.status {
        changes.push(FieldChange::Status(status));
    }
    validation(errors)?;
    if let Some(contact) = u.contact_id {
        if conv.contact_id != Some(contact) {
            rec.history(
                "contactId",
                conv.contact_id.map(|c| FieldValue::Text(c.to_string())),
                text(contact),
            );
            conv.contact_id = Some(contact);
            conv.last_activity_time = Some(env.now);
        }
    }
    Ok(changes)
}

fn reopen(conv: &mut Conversation, r: Reopen, rec: &mut Recorder, env: &Env) -> CoreResult<()> {
    let status = r.status.unwrap_or(Status::PendingInternal);
    if status == Status::Closed {
        return Err(CoreError::invalid(
            "status",
            "a reopened conversation cannot be closed",
        ));
    }
    if conv.status == Status::Closed {
        set_status(conv, status, rec, env, false)?;
    }
    Ok(())
}

/// Read state is a view flag: no history, no activity. An agent reading also reads their
/// mentions.
fn read(conv: &mut Conversation, actor: Actor, read: bool) {
    match actor {
        Actor::Contact(_) => conv.is_read_by_contact = read,
        Actor::Agent(agent) => {
            conv.is_read = read;
            if read {
                for mention in conv.mentioned_agents.iter_mut() {
                    if mention.agent_id == agent {
                        mention.is_read = true;
                    }
                }
            }
        }
        Actor::System => conv.is_read = read,
    }
}
