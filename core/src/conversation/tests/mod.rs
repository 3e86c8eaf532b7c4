use super::*;
use crate::model::{
    AgentId, ContactId, ConversationId, FieldId, FieldValue, MessageId, MessageType, SenderType,
    Status, TimelineItem,
};
use crate::CoreError;
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

const AGENT: &str = "11111111-1111-4111-8111-111111111111";
const AGENT2: &str = "44444444-4444-4444-8444-444444444444";
const CONTACT: &str = "55555555-5555-4555-8555-555555555555";
const DEPT: &str = "22222222-2222-4222-8222-222222222222";
const STRANGER: &str = "33333333-3333-4333-8333-333333333333";

fn t(minutes: i64) -> DateTime<Utc> {
    "2024-05-01T10:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::minutes(minutes)
}

fn agent() -> Value {
    json!({"type": "agent", "id": AGENT})
}

fn contact() -> Value {
    json!({"type": "contact", "id": CONTACT})
}

fn fields() -> FieldSet {
    FieldSet::new([
        serde_json::from_value(
            json!({"id": "reason", "type": "text", "name": "Reason", "isRequired": true}),
        )
        .unwrap(),
        serde_json::from_value(
            json!({"id": "size", "type": "dropdownList", "name": "Size", "defaultValue": "m",
            "options": [{"name": "S", "value": "s"}, {"name": "M", "value": "m"}]}),
        )
        .unwrap(),
        serde_json::from_value(json!({"id": "n", "type": "integer", "name": "N"})).unwrap(),
    ])
}

fn known() -> Known {
    Known::new(
        [AGENT.parse().unwrap(), AGENT2.parse().unwrap()],
        [DEPT.parse().unwrap()],
    )
}

fn run(conv: Conversation, command: Value, minutes: i64) -> CoreResult<Outcome> {
    let command: Command = serde_json::from_value(command).expect("command parses");
    let (fields, known) = (fields(), known());
    let env = Env {
        now: t(minutes),
        fields: &fields,
        known: &known,
    };
    apply_command(conv, command, &env)
}

fn ok(conv: Conversation, command: Value, minutes: i64) -> Outcome {
    run(conv, command, minutes).unwrap_or_else(|e| panic!("command failed: {e:?}"))
}

fn created_by(actor: Value, message_type: &str) -> Conversation {
    ok(
        Conversation {
            id: ConversationId(7),
            ..Default::default()
        },
        json!({"type": "create", "channel": "email", "subject": "Printer", "actor": actor,
               "message": {"id": 1, "type": message_type, "plainBody": "first"}}),
        0,
    )
    .conversation
}

fn names(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .map(|e| {
            serde_json::to_value(e).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

fn with_status(mut conv: Conversation, status: Status) -> Conversation {
    conv.status = status;
    conv
}

#[test]
fn contact_created_conversation_starts_new_and_unread() {
    let out = ok(
        Conversation {
            id: ConversationId(7),
            ..Default::default()
        },
        json!({"type": "create", "channel": "portal", "subject": "Help", "actor": contact(),
               "message": {"id": 1, "type": "reply", "htmlBody": "<p>My <b>printer</b></p>"}}),
        0,
    );
    let c = &out.conversation;
    assert_eq!(c.status, Status::New);
    assert!(!c.is_read);
    assert!(c.is_read_by_contact);
    assert_eq!(c.contact_id, Some(CONTACT.parse().unwrap()));
    assert_eq!(c.created_time, Some(t(0)));
    assert_eq!(c.last_replied_by_type, Some(SenderType::Contact));
    assert_eq!(c.last_message.as_deref(), Some("My printer"));
    assert_eq!(names(&out.events), ["conversationCreated", "messageAdded"]);
    assert_eq!(out.messages[0].plain_body, "My printer");
    assert_eq!(out.history[0].field, "conversation");
    // The default of an unfilled field is applied.
    assert_eq!(
        c.custom_field(&FieldId::new("size")),
        Some(&FieldValue::Text("m".into()))
    );
}

#[test]
fn agent_public_first_message_starts_pending_external() {
    assert_eq!(created_by(agent(), "email").status, Status::PendingExternal);
    assert_eq!(created_by(agent(), "reply").status, Status::PendingExternal);
    assert_eq!(created_by(agent(), "note").status, Status::New);
    assert_eq!(
        created_by(json!({"type": "system"}), "email").status,
        Status::New
    );
    let out = ok(
        Conversation {
            id: ConversationId(7),
            ..Default::default()
        },
        json!({"type": "create", "channel": "email", "subject": "x", "actor": agent(), "status": "onHold",
               "message": {"id": 1, "type": "email"}}),
        0,
    );
    assert_eq!(out.conversation.status, Status::OnHold);
    assert!(out.conversation.is_read);
    assert!(!out.conversation.is_read_by_contact);
}

#[test]
fn create_validates_everything_at_once() {
    let err = run(
        Conversation { id: ConversationId(7), ..Default::default() },
        json!({"type": "create", "channel": "email", "subject": "x", "actor": agent(),
               "agentAssigneeId": STRANGER, "departmentAssigneeId": DEPT,
               "customFields": [{"id": "n", "value": "x"}, {"id": "status", "value": "new"}, {"id": "size", "value": "xl"}],
               "message": {"id": 1}}),
        0,
    )
    .unwrap_err();
    let fields: Vec<&str> = err.details().iter().map(|d| d.field.as_str()).collect();
    assert_eq!(
        fields,
        ["message.type", "agentAssigneeId", "status", "n", "size"]
    );
}

#[test]
fn create_closed_needs_required_fields_and_existing_conversations_conflict() {
    let base = Conversation {
        id: ConversationId(7),
        ..Default::default()
    };
    let create = |extra: Value| {
        let mut c = json!({"type": "create", "channel": "api", "subject": "x", "actor": agent(),
                           "status": "closed", "message": {"id": 1, "type": "note"}});
        c.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        c
    };
    let err = run(base.clone(), create(json!({})), 0).unwrap_err();
    assert_eq!(err.details()[0].field, "reason");
    let out = ok(
        base,
        create(json!({"customFields": [{"id": "reason", "value": "dup"}]})),
        0,
    );
    assert_eq!(out.conversation.status, Status::Closed);
    let again = run(out.conversation, create(json!({})), 1).unwrap_err();
    assert!(matches!(again, CoreError::Conflict { .. }));
}

#[test]
fn contact_cannot_create_for_someone_else_or_write_notes() {
    let base = Conversation {
        id: ConversationId(7),
        ..Default::default()
    };
    let err = run(
        base.clone(),
        json!({"type": "create", "channel": "portal", "actor": contact(),
        "contactId": STRANGER, "message": {"id": 1, "type": "note"}}),
        0,
    )
    .unwrap_err();
    let fields: Vec<&str> = err.details().iter().map(|d| d.field.as_str()).collect();
    assert_eq!(fields, ["message.type", "contactId"]);
}

#[test]
fn agent_reply_without_status_goes_pending_external() {
    let conv = created_by(contact(), "email");
    let out = ok(
        conv,
        json!({"type": "reply", "actor": agent(), "message": {"id": 2, "type": "reply", "plainBody": "on it"}}),
        5,
    );
    assert_eq!(out.conversation.status, Status::PendingExternal);
    assert_eq!(out.conversation.last_replied_time, Some(t(5)));
    assert_eq!(out.conversation.last_status_change_time, Some(t(5)));
    assert_eq!(
        names(&out.events),
        ["messageAdded", "agentReplied", "statusIsChanged"]
    );
    assert_eq!(out.history.len(), 1);
    assert_eq!(
        out.history[0].old_value,
        Some(FieldValue::Text("new".into()))
    );
    // An explicit status wins.
    let conv = created_by(contact(), "email");
    let out = ok(
        conv,
        json!({"type": "reply", "actor": agent(), "status": "onHold",
                              "message": {"id": 2, "type": "email"}}),
        5,
    );
    assert_eq!(out.conversation.status, Status::OnHold);
}

#[test]
fn agent_reply_reopens_a_closed_conversation() {
    let conv = with_status(created_by(contact(), "email"), Status::Closed);
    let out = ok(
        conv,
        json!({"type": "reply", "actor": agent(), "message": {"id": 2, "type": "email"}}),
        5,
    );
    assert_eq!(out.conversation.status, Status::PendingExternal);
    assert_eq!(
        names(&out.events),
        [
            "messageAdded",
            "agentReplied",
            "statusIsChanged",
            "conversationReopened"
        ]
    );
}

#[test]
fn contact_reply_status_rule() {
    for (from, to) in [
        (Status::PendingExternal, Status::PendingInternal),
        (Status::OnHold, Status::PendingInternal),
        (Status::Closed, Status::PendingInternal),
        (Status::New, Status::New),
        (Status::PendingInternal, Status::PendingInternal),
    ] {
        let mut conv = with_status(created_by(agent(), "email"), from);
        conv.is_read = true;
        let out = ok(
            conv,
            json!({"type": "reply", "actor": contact(), "message": {"id": 2, "type": "email"}}),
            5,
        );
        assert_eq!(out.conversation.status, to, "from {from}");
        assert!(!out.conversation.is_read);
        assert!(out.conversation.is_read_by_contact);
        assert_eq!(names(&out.events)[1], "conversationReplyIsReceived");
        let expected = match (from == to, from == Status::Closed) {
            (true, _) => 2,
            (false, false) => 3,
            (false, true) => 4,
        };
        assert_eq!(out.events.len(), expected);
    }
}

#[test]
fn notes_change_no_status_and_record_mentions() {
    let conv = with_status(created_by(agent(), "email"), Status::OnHold);
    let html = format!(
        r#"<p>Hi <span class="athighlight" data-id="{AGENT2}">@Bo</span> and <span data-id={STRANGER} class=athighlight>@X</span>, <span data-id='{AGENT2}' class='x athighlight'>@Bo</span></p>"#
    );
    let out = ok(
        conv,
        json!({"type": "note", "actor": agent(), "message": {"id": 2, "htmlBody": html}}),
        5,
    );
    let c = &out.conversation;
    assert_eq!(c.status, Status::OnHold);
    assert!(!c.is_read, "a mention marks the conversation unread");
    assert_eq!(c.last_replied_time, Some(t(0)), "notes are not replies");
    assert_eq!(
        c.mentioned_agents.len(),
        1,
        "unknown agents are dropped, repeats counted once"
    );
    assert_eq!(c.mentioned_agents[0].agent_id, AGENT2.parse().unwrap());
    assert!(!c.mentioned_agents[0].is_read);
    assert_eq!(c.mentioned_agents[0].message_id, MessageId(2));
    assert_eq!(
        out.messages[0].mentioned_agent_ids,
        vec![AgentId(AGENT2.parse().unwrap())]
    );
    assert_eq!(c.last_message.as_deref(), Some("Hi @Bo and @X, @Bo"));
    assert_eq!(names(&out.events), ["messageAdded", "agentMentioned"]);
    assert!(out.history.is_empty());

    // The mentioned agent reading the conversation reads the mention; others do not.
    let read = ok(c.clone(), json!({"type": "read", "actor": agent()}), 6).conversation;
    assert!(read.is_read);
    assert!(!read.mentioned_agents[0].is_read);
    let read = ok(
        read,
        json!({"type": "read", "actor": {"type": "agent", "id": AGENT2}}),
        6,
    )
    .conversation;
    assert!(read.mentioned_agents[0].is_read);
    assert_eq!(
        read.last_activity_time, c.last_activity_time,
        "reading is not activity"
    );
}

#[test]
fn note_commands_take_only_notes() {
    let conv = created_by(agent(), "email");
    let err = run(
        conv.clone(),
        json!({"type": "note", "actor": agent(), "message": {"id": 2, "type": "email"}}),
        5,
    )
    .unwrap_err();
    assert_eq!(err.details()[0].field, "message.type");
    let err = run(
        conv.clone(),
        json!({"type": "reply", "actor": contact(), "message": {"id": 2, "type": "note"}}),
        5,
    )
    .unwrap_err();
    assert_eq!(err.details()[0].message, "contacts cannot write notes");
    let err = run(
        conv,
        json!({"type": "reply", "actor": agent(), "message": {"id": 2}}),
        5,
    )
    .unwrap_err();
    assert_eq!(err.details()[0].message, "is required");
}

#[test]
fn last_message_is_collapsed_and_capped() {
    let conv = created_by(agent(), "email");
    let body = format!("  a\n\n b  {}", "x".repeat(300));
    let out = ok(
        conv,
        json!({"type": "note", "actor": agent(), "message": {"id": 2, "plainBody": body}}),
        5,
    );
    let last = out.conversation.last_message.unwrap();
    assert_eq!(last.chars().count(), LAST_MESSAGE_LENGTH);
    assert!(last.starts_with("a b xxx"));
}

#[test]
fn update_records_history_and_events() {
    let conv = created_by(contact(), "email");
    let out = ok(
        conv,
        json!({"type": "update", "actor": agent(), "ruleId": STRANGER,
        "subject": "Printer fire", "priority": "urgent", "agentAssigneeId": AGENT, "departmentAssigneeId": DEPT,
        "tagIds": [STRANGER], "customFields": [{"id": "N", "value": 5}], "status": "onHold", "isRead": true}),
        5,
    );
    let c = &out.conversation;
    assert_eq!(c.subject, "Printer fire");
    assert_eq!(c.status, Status::OnHold);
    assert!(c.is_read);
    assert_eq!(
        c.custom_field(&FieldId::new("n")),
        Some(&FieldValue::Text("5".into()))
    );
    assert_eq!(c.last_activity_time, Some(t(5)));
    let fields: Vec<&str> = out.history.iter().map(|h| h.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "subject",
            "agentAssignee",
            "departmentAssignee",
            "tags",
            "priority",
            "n",
            "status"
        ]
    );
    assert!(out
        .history
        .iter()
        .all(|h| h.rule_id == Some(STRANGER.parse().unwrap())));
    assert_eq!(
        names(&out.events),
        [
            "fieldChanged",
            "fieldChanged",
            "fieldChanged",
            "fieldChanged",
            "fieldChanged",
            "fieldChanged",
            "assigneeIsChanged",
            "statusIsChanged"
        ]
    );
    // Unassigning with null; the same values again change nothing.
    let again = ok(
        out.conversation.clone(),
        json!({"type": "update", "priority": "urgent", "subject": "Printer fire"}),
        6,
    );
    assert!(again.events.is_empty() && again.history.is_empty());
    assert_eq!(again.conversation, out.conversation);
    let un = ok(
        out.conversation,
        json!({"type": "update", "agentAssigneeId": null}),
        6,
    );
    assert_eq!(un.conversation.agent_assignee_id, None);
    assert_eq!(
        un.conversation.department_assignee_id,
        Some(DEPT.parse().unwrap())
    );
    assert_eq!(names(&un.events), ["fieldChanged", "assigneeIsChanged"]);
    assert_eq!(un.history[0].new_value, None);
}

#[test]
fn update_reports_every_bad_key() {
    let conv = created_by(contact(), "email");
    let err = run(
        conv,
        json!({"type": "update", "agentAssigneeId": STRANGER, "subject": "s".repeat(999),
        "customFields": [{"id": "n", "value": "x"}, {"id": "nope", "value": "1"}]}),
        5,
    )
    .unwrap_err();
    let fields: Vec<&str> = err.details().iter().map(|d| d.field.as_str()).collect();
    assert_eq!(fields, ["subject", "agentAssigneeId", "n", "nope"]);
}

#[test]
fn closing_requires_required_fields() {
    let conv = created_by(contact(), "email");
    let err = run(conv.clone(), json!({"type": "close", "actor": agent()}), 5).unwrap_err();
    assert_eq!(
        err.to_string(),
        "required fields are not filled: Reason (reason)"
    );
    let err = run(
        conv.clone(),
        json!({"type": "update", "status": "closed"}),
        5,
    )
    .unwrap_err();
    assert_eq!(err.details()[0].field, "reason");
    // Filling and closing in one update works, and the close is recorded last.
    let out = ok(
        conv,
        json!({"type": "update", "status": "closed", "customFields": [{"id": "reason", "value": "done"}]}),
        5,
    );
    assert_eq!(out.conversation.status, Status::Closed);
    assert_eq!(
        names(&out.events),
        ["fieldChanged", "statusIsChanged", "conversationClosed"]
    );
    // A closed conversation cannot lose a required value.
    let err = run(
        out.conversation.clone(),
        json!({"type": "update", "customFields": [{"id": "reason", "value": ""}]}),
        6,
    )
    .unwrap_err();
    assert_eq!(err.details()[0].field, "reason");
    // Closing a closed conversation is a no-op.
    let again = ok(out.conversation, json!({"type": "close"}), 7);
    assert!(again.events.is_empty());
}

#[test]
fn reopen_leaves_closed() {
    let mut conv = with_status(created_by(contact(), "email"), Status::Closed);
    conv.set_custom_field(&FieldId::new("reason"), Some(FieldValue::Text("x".into())));
    let out = ok(
        conv.clone(),
        json!({"type": "reopen", "actor": contact()}),
        5,
    );
    assert_eq!(out.conversation.status, Status::PendingInternal);
    assert_eq!(
        names(&out.events),
        ["statusIsChanged", "conversationReopened"]
    );
    let out = ok(
        conv.clone(),
        json!({"type": "reopen", "status": "onHold"}),
        5,
    );
    assert_eq!(out.conversation.status, Status::OnHold);
    assert!(run(conv, json!({"type": "reopen", "status": "closed"}), 5).is_err());
    let open = created_by(contact(), "email");
    assert!(ok(open, json!({"type": "reopen"}), 5).events.is_empty());
}

#[test]
fn delete_and_restore_round_trip() {
    let conv = created_by(contact(), "email");
    let deleted = ok(conv.clone(), json!({"type": "delete", "actor": agent()}), 5);
    assert!(deleted.conversation.is_deleted);
    assert_eq!(names(&deleted.events), ["conversationDeleted"]);
    for cmd in [
        json!({"type": "reply", "actor": agent(), "message": {"id": 2, "type": "email"}}),
        json!({"type": "read"}),
        json!({"type": "close"}),
    ] {
        assert!(matches!(
            run(deleted.conversation.clone(), cmd, 6),
            Err(CoreError::NotFound { .. })
        ));
    }
    assert!(matches!(
        run(deleted.conversation.clone(), json!({"type": "delete"}), 6),
        Err(CoreError::Conflict { .. })
    ));
    let restored = ok(deleted.conversation, json!({"type": "restore"}), 6);
    assert_eq!(restored.conversation, conv);
    assert!(matches!(
        run(conv, json!({"type": "restore"}), 6),
        Err(CoreError::Conflict { .. })
    ));
}

#[test]
fn unread_and_contact_read_flags() {
    let conv = created_by(agent(), "email");
    assert!(conv.is_read && !conv.is_read_by_contact);
    let c = ok(conv, json!({"type": "unread", "actor": agent()}), 1).conversation;
    assert!(!c.is_read);
    let c = ok(c, json!({"type": "read", "actor": contact()}), 1).conversation;
    assert!(c.is_read_by_contact && !c.is_read);
}

fn message(id: i64, conv: i64, minutes: i64, kind: MessageType, sender: SenderType) -> Message {
    Message {
        id: MessageId(id),
        conversation_id: ConversationId(conv),
        message_type: kind,
        sender_type: sender,
        sender_id: None,
        time: t(minutes),
        html_body: String::new(),
        plain_body: format!("m{id}"),
        mentioned_agent_ids: Vec::new(),
    }
}

fn conversation(id: i64) -> Conversation {
    let mut c = created_by(contact(), "email");
    c.id = ConversationId(id);
    c
}

#[test]
fn merge_moves_messages_in_time_order_and_closes_the_source() {
    let target = conversation(1);
    let mut source = conversation(2);
    source.mentioned_agents.push(crate::model::Mention {
        agent_id: AGENT.parse().unwrap(),
        is_read: false,
        message_id: MessageId(12),
    });
    let tm = [
        message(10, 1, 0, MessageType::Email, SenderType::Contact),
        message(11, 1, 30, MessageType::Reply, SenderType::Agent),
    ];
    let sm = [
        message(12, 2, 10, MessageType::Email, SenderType::Contact),
        message(13, 2, 40, MessageType::Email, SenderType::Contact),
    ];
    let plan = plan_merge(
        target,
        source,
        &tm,
        &sm,
        (MessageId(20), MessageId(21)),
        Origin::of(Actor::Agent(AGENT.parse().unwrap())),
        t(60),
    )
    .unwrap();
    let order: Vec<i64> = plan.message_order.iter().map(|m| m.0).collect();
    assert_eq!(order, [10, 12, 11, 13, 20]);
    let s = &plan.source.conversation;
    assert_eq!(
        s.status,
        Status::Closed,
        "closed although its required field is empty"
    );
    assert_eq!(s.merged_into_id, Some(ConversationId(1)));
    assert!(s.mentioned_agents.is_empty());
    assert_eq!(
        s.last_message.as_deref(),
        Some("This conversation was merged into conversation #1.")
    );
    assert_eq!(
        names(&plan.source.events),
        [
            "messageAdded",
            "statusIsChanged",
            "conversationClosed",
            "conversationMerged"
        ]
    );
    let tc = &plan.target.conversation;
    assert_eq!(tc.last_replied_time, Some(t(40)));
    assert_eq!(tc.mentioned_agents.len(), 1);
    assert_eq!(
        tc.last_message.as_deref(),
        Some("Conversation #2 was merged into this conversation.")
    );
    assert_eq!(plan.target.messages[0].sender_type, SenderType::System);
    assert_eq!(plan.target.history[0].field, "mergedFromId");
    assert_eq!(
        plan.source
            .history
            .iter()
            .map(|h| h.field.as_str())
            .collect::<Vec<_>>(),
        ["status", "mergedIntoId"]
    );
}

#[test]
fn merge_conflicts_and_bad_input() {
    let origin = Origin::default();
    let plan = |t1: Conversation, s: Conversation| {
        plan_merge(
            t1,
            s,
            &[],
            &[],
            (MessageId(20), MessageId(21)),
            origin,
            t(60),
        )
    };
    assert!(matches!(
        plan(conversation(1), conversation(1)),
        Err(CoreError::Conflict { .. })
    ));
    let mut deleted = conversation(2);
    deleted.is_deleted = true;
    assert!(matches!(
        plan(conversation(1), deleted.clone()),
        Err(CoreError::Conflict { .. })
    ));
    assert!(matches!(
        plan(deleted, conversation(1)),
        Err(CoreError::Conflict { .. })
    ));
    let mut merged = conversation(2);
    merged.merged_into_id = Some(ConversationId(9));
    assert!(matches!(
        plan(conversation(1), merged.clone()),
        Err(CoreError::Conflict { .. })
    ));
    assert!(matches!(
        plan(merged, conversation(1)),
        Err(CoreError::Conflict { .. })
    ));
    let tm = [message(10, 1, 0, MessageType::Email, SenderType::Contact)];
    let sm = [message(10, 3, 0, MessageType::Email, SenderType::Contact)];
    let err = plan_merge(
        conversation(1),
        conversation(2),
        &tm,
        &sm,
        (MessageId(10), MessageId(21)),
        origin,
        t(60),
    )
    .unwrap_err();
    let fields: Vec<&str> = err.details().iter().map(|d| d.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "sourceMessages[0].conversationId",
            "sourceMessages[0].id",
            "targetNoteId"
        ]
    );
}

#[test]
fn merged_sources_are_frozen() {
    let mut source = conversation(2);
    source.merged_into_id = Some(ConversationId(1));
    source.status = Status::Closed;
    let err = run(
        source.clone(),
        json!({"type": "reply", "actor": contact(), "message": {"id": 5, "type": "email"}}),
        1,
    )
    .unwrap_err();
    assert!(matches!(err, CoreError::Conflict { .. }));
    assert!(run(source, json!({"type": "read"}), 1).is_ok());
}

#[test]
fn merge_command_through_apply_command() {
    let source = serde_json::to_value(conversation(2)).unwrap();
    let out = ok(
        conversation(1),
        json!({"type": "merge", "actor": agent(), "source": source,
        "targetMessages": [{"id": 1, "type": "email", "senderType": "contact", "time": t(0)}],
        "sourceMessages": [{"id": 2, "type": "email", "senderType": "contact", "time": t(-5)}],
        "targetNoteId": 3, "sourceNoteId": 4}),
        10,
    );
    let merge = out.merge.as_ref().unwrap();
    assert_eq!(
        merge.message_order,
        [MessageId(2), MessageId(1), MessageId(3)]
    );
    assert_eq!(
        merge.source.conversation.merged_into_id,
        Some(ConversationId(1))
    );
    let json = serde_json::to_value(&out).unwrap();
    assert!(json.get("source").is_some() && json.get("messageOrder").is_some());
}

#[test]
fn merging_into_a_deleted_target_conflicts() {
    let mut target = conversation(1);
    target.is_deleted = true;
    let source = serde_json::to_value(conversation(2)).unwrap();
    let err = run(
        target,
        json!({"type": "merge", "source": source, "targetNoteId": 3, "sourceNoteId": 4}),
        1,
    )
    .unwrap_err();
    assert!(matches!(err, CoreError::Conflict { .. }), "{err:?}");
}

#[test]
fn apply_changes_serves_trigger_updates() {
    let conv = created_by(contact(), "email");
    let (fields, known) = (fields(), known());
    let env = Env {
        now: t(3),
        fields: &fields,
        known: &known,
    };
    let values = [
        (FieldId::new("priority"), FieldValue::Text("high".into())),
        (FieldId::new("status"), FieldValue::Text("onHold".into())),
    ];
    let changes = crate::field_validation::validate_values(&fields, &values, &known).unwrap();
    let origin = Origin {
        actor: Actor::System,
        rule_id: None,
        trigger_id: Some(STRANGER.parse().unwrap()),
    };
    let out = apply_changes(conv, changes, origin, &env).unwrap();
    assert_eq!(out.conversation.status, Status::OnHold);
    assert!(out
        .history
        .iter()
        .all(|h| h.trigger_id.is_some() && h.actor_type == SenderType::System));
}

#[test]
fn events_map_to_trigger_names_and_timeline_items() {
    let conv = created_by(contact(), "email");
    let out = ok(
        conv,
        json!({"type": "reply", "actor": agent(), "message": {"id": 2, "type": "email", "time": t(4)}}),
        5,
    );
    let items: Vec<TimelineItem> = out.events.iter().filter_map(Event::timeline_item).collect();
    assert_eq!(
        serde_json::to_value(&items).unwrap(),
        json!([{"kind": "message", "time": "2024-05-01T10:04:00Z", "messageType": "email", "senderType": "agent"},
               {"kind": "statusChanged", "time": "2024-05-01T10:05:00Z", "status": "pendingExternal"}])
    );
    let triggers: Vec<&str> = out.events.iter().filter_map(Event::trigger_event).collect();
    assert_eq!(triggers, ["agentReplied", "statusIsChanged"]);
    assert_eq!(out.conversation.last_replied_time, Some(t(4)));
    assert_eq!(out.conversation.last_activity_time, Some(t(5)));
}

#[test]
fn html_to_plain_text() {
    assert_eq!(
        to_plain_text("<p>Hello&nbsp;<b>you</b> &amp; me</p><p>Bye<br>now</p>"),
        "Hello you & me\n\nBye\nnow"
    );
    assert_eq!(
        to_plain_text("a<script>alert(1)</script>b<style>p{}</style>c"),
        "abc"
    );
    assert_eq!(
        to_plain_text("1 < 2 &lt;3 &#65;&#x42; &bogus; <!-- hidden -->x"),
        "1 < 2 <3 AB &bogus; x"
    );
    assert_eq!(to_plain_text("unclosed <b"), "unclosed <b");
    assert_eq!(to_plain_text(""), "");
}

#[test]
fn mention_spans_in_any_attribute_style() {
    let ids = mentioned_agents(&format!(
        r#"<SPAN CLASS="athighlight" DATA-ID="{AGENT}">a</SPAN><span data-id="{AGENT2}">no class</span><span class="athighlight" data-id="bob">bad id</span><span data-id = '{AGENT2}' class = "athighlight">b</span>"#
    ));
    assert_eq!(
        ids,
        vec![
            AgentId(AGENT.parse().unwrap()),
            AgentId(AGENT2.parse().unwrap())
        ]
    );
    assert!(mentioned_agents("<span class=\"athighlight\" data-id=").is_empty());
    assert!(mentioned_agents("<span = = ' \" class").is_empty());
}

#[test]
fn command_json_shapes() {
    let c: Command = serde_json::from_value(
        json!({"type": "close", "actor": {"type": "system"}, "triggerId": STRANGER}),
    )
    .unwrap();
    assert_eq!(c.action, Action::Close);
    assert_eq!(c.origin().trigger_id, Some(STRANGER.parse().unwrap()));
    assert!(serde_json::from_value::<Command>(json!({"type": "explode"})).is_err());
    assert!(serde_json::from_value::<Command>(json!({"type": "reply"})).is_err());
    let u: Command =
        serde_json::from_value(json!({"type": "update", "departmentAssigneeId": null})).unwrap();
    match u.action {
        Action::Update(u) => {
            assert_eq!(u.department_assignee_id, Some(None));
            assert_eq!(u.agent_assignee_id, None);
        }
        other => panic!("{other:?}"),
    }
    let _ = ContactId(CONTACT.parse().unwrap());
}

mod properties;
