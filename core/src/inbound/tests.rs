//! The decision steps of SPEC §5.9 end to end, and the properties of the issue: the same
//! message twice gives the same decision; a domain rule blocks every subdomain and nothing
//! else.

use super::*;
use crate::model::ConversationId;
use chrono::{DateTime, Utc};
use proptest::prelude::*;

fn now() -> DateTime<Utc> {
    "2024-05-01T12:00:00Z".parse().unwrap()
}

fn config() -> InboundConfig {
    serde_json::from_value(serde_json::json!({
        "siteAddresses": ["Support <support@acme.test>", "s-0123456789@in.anytime.test"],
        "blockedSenders": [
            {"id": "b1", "email": "junk.test", "blockType": "blockDomainasJunk"},
            {"id": "b2", "email": "eve@evil.test", "blockType": "rejectEmail"},
            {"id": "b3", "email": "example.com", "blockType": "rejectDomain"}
        ],
        "knownMessages": [
            {"messageId": "<seen@mail.test>", "conversationId": 3},
            {"messageId": "out-5@acme.test", "conversationId": 5},
            {"messageId": "<out-8@acme.test>", "conversationId": 8},
            {"messageId": "<gone@acme.test>", "conversationId": 99}
        ],
        "conversations": [
            {"id": 5, "contactEmail": "Jane@Contact.test", "status": "pendingExternal"},
            {"id": 8, "contactEmail": "jane@contact.test", "status": "closed",
             "closedTime": "2024-03-01T12:00:00Z"},
            {"id": 9, "contactEmail": "jane@contact.test", "status": "closed",
             "closedTime": "2024-04-20T12:00:00Z"}
        ]
    }))
    .unwrap()
}

fn message(json: serde_json::Value) -> InboundMessage {
    serde_json::from_value(json).unwrap()
}

fn decide(json: serde_json::Value) -> Action {
    config()
        .compile()
        .unwrap()
        .decide(&message(json), now())
        .action
}

#[test]
fn redelivery_is_a_duplicate_before_anything_else() {
    let a = decide(serde_json::json!({"messageId": "seen@mail.test", "from": "eve@evil.test"}));
    assert_eq!(
        a,
        Action::Duplicate {
            conversation_id: ConversationId(3)
        }
    );
}

#[test]
fn own_addresses_are_dropped() {
    let a = decide(serde_json::json!({"from": "SUPPORT@acme.test", "subject": "[#5]"}));
    assert_eq!(a, Action::Loop);
    let a = decide(serde_json::json!({"from": "s-0123456789@in.anytime.test"}));
    assert_eq!(a, Action::Loop);
}

#[test]
fn blocked_senders_junk_or_reject() {
    match decide(serde_json::json!({"from": "x@deep.mx.junk.test"})) {
        Action::Junk { rule } => assert_eq!(rule.id.as_deref(), Some("b1")),
        other => panic!("{other:?}"),
    }
    match decide(
        serde_json::json!({"from": "Eve <EVE@evil.test>", "inReplyTo": "<out-5@acme.test>"}),
    ) {
        Action::Reject { rule } => assert_eq!(rule.id.as_deref(), Some("b2")),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        decide(serde_json::json!({"from": "x@evil-example.com"})),
        Action::NewConversation { .. }
    ));
    let rules = config().compile().unwrap();
    let m = message(serde_json::json!({"from": "x@junk.test"}));
    assert!(matches!(
        rules.decide_not_junk(&m, now()).action,
        Action::NewConversation { .. }
    ));
}

#[test]
fn threading_by_headers() {
    let a = decide(
        serde_json::json!({"from": "colleague@other.test", "inReplyTo": "<out-5@acme.test>"}),
    );
    assert_eq!(
        a,
        Action::Append {
            conversation_id: ConversationId(5),
            reopen: false,
            matched_by: ThreadMatch::InReplyTo
        }
    );
    let a = decide(serde_json::json!({
        "from": "jane@contact.test",
        "inReplyTo": "<unknown@x>",
        "references": ["<out-5@acme.test> <unknown@x>"]
    }));
    assert_eq!(
        a,
        Action::Append {
            conversation_id: ConversationId(5),
            reopen: false,
            matched_by: ThreadMatch::References
        }
    );
    // A known message of a conversation not passed (deleted) is not threaded to.
    let a =
        decide(serde_json::json!({"from": "jane@contact.test", "inReplyTo": "<gone@acme.test>"}));
    assert!(matches!(
        a,
        Action::NewConversation {
            linked_conversation_id: None,
            ..
        }
    ));
}

#[test]
fn threading_by_token_only_for_the_contact() {
    let a = decide(serde_json::json!({"from": "jane@CONTACT.test", "subject": "Re: help [#5]"}));
    assert_eq!(
        a,
        Action::Append {
            conversation_id: ConversationId(5),
            reopen: false,
            matched_by: ThreadMatch::SubjectToken
        }
    );
    let a = decide(serde_json::json!({"from": "mallory@other.test", "subject": "Re: help [#5]"}));
    assert_eq!(
        a,
        Action::NewConversation {
            sender: "mallory@other.test".into(),
            linked_conversation_id: None,
            bot: None
        }
    );
    // The first token whose contact is the sender counts.
    let a = decide(serde_json::json!({"from": "jane@contact.test", "subject": "[#77] [#5]"}));
    assert!(matches!(
        a,
        Action::Append {
            conversation_id: ConversationId(5),
            ..
        }
    ));
}

#[test]
fn closed_conversations_reopen_or_link() {
    // Closed 11 days ago: reopened.
    let a = decide(serde_json::json!({"from": "jane@contact.test", "subject": "[#9]"}));
    assert_eq!(
        a,
        Action::Append {
            conversation_id: ConversationId(9),
            reopen: true,
            matched_by: ThreadMatch::SubjectToken
        }
    );
    // Closed 61 days ago (> 30): a new conversation linked to it.
    let m = serde_json::json!({"from": "jane@contact.test", "inReplyTo": "out-8@acme.test"});
    assert_eq!(
        decide(m.clone()),
        Action::NewConversation {
            sender: "jane@contact.test".into(),
            linked_conversation_id: Some(ConversationId(8)),
            bot: None
        }
    );
    // followUpDays 0: always reopen.
    let mut c = config();
    c.follow_up_days = 0;
    let a = c
        .compile()
        .unwrap()
        .decide(&message(m.clone()), now())
        .action;
    assert!(matches!(
        a,
        Action::Append {
            conversation_id: ConversationId(8),
            reopen: true,
            ..
        }
    ));
    // Exactly at the window's end is not longer than it.
    c.follow_up_days = 61;
    let a = c.compile().unwrap().decide(&message(m), now()).action;
    assert!(matches!(a, Action::Append { reopen: true, .. }));
}

#[test]
fn auto_reply_flag_travels_with_every_decision() {
    let rules = config().compile().unwrap();
    let m = message(serde_json::json!({
        "from": "jane@contact.test", "subject": "Out of office [#5]",
        "headers": {"auto-submitted": "auto-replied"}
    }));
    let d = rules.decide(&m, now());
    assert!(d.is_auto_reply);
    assert!(matches!(d.action, Action::Append { .. }));
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["action"], "append");
    assert_eq!(json["isAutoReply"], true);
    assert_eq!(json["matchedBy"], "subjectToken");
}

#[test]
fn config_errors_name_the_field() {
    let mut c = config();
    c.blocked_senders[1].email = "evil.test".into();
    let err = c.compile().unwrap_err();
    assert_eq!(err.details()[0].field, "blockedSenders[1].email");
    let out = crate::eval::call(
        "processInbound",
        serde_json::json!({"config": {"followUpDays": -1}, "message": {"from": "a@b.c"}, "context": {"now": "2024-05-01T12:00:00Z"}}),
    );
    assert_eq!(out.unwrap_err().details()[0].field, "config.followUpDays");
}

#[test]
fn eval_bot_draw_on_new_conversations() {
    let input = |pct: u8| {
        serde_json::json!({
            "config": {"chatbot": {"percentage": pct, "offlinePercentage": 0}},
            "message": {"from": "a@b.test"},
            "context": {"now": "2024-05-01T12:00:00Z", "siteId": "00000000-0000-0000-0000-000000000001",
                        "newConversationId": 12, "anyAgentOnline": true}
        })
    };
    let out = crate::eval::call("processInbound", input(100)).unwrap();
    assert_eq!(out["decision"]["bot"], true);
    let out = crate::eval::call("processInbound", input(0)).unwrap();
    assert_eq!(out["decision"]["bot"], false);
    let mut missing = input(50);
    missing["context"]["siteId"] = serde_json::Value::Null;
    let err = crate::eval::call("processInbound", missing).unwrap_err();
    assert_eq!(err.details()[0].field, "context.siteId");
}

fn label() -> impl Strategy<Value = String> {
    "[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?"
}

fn arb_message() -> impl Strategy<Value = InboundMessage> {
    (
        prop::option::of(prop_oneof![
            Just("seen@mail.test".to_string()),
            "[a-z]{1,5}@x"
        ]),
        prop_oneof![
            Just("jane@contact.test".to_string()),
            Just("support@acme.test".to_string()),
            Just("x@a.junk.test".to_string()),
            "[a-z]{1,5}@[a-z]{1,5}\\.test",
        ],
        "(Re: )?[a-z ]{0,10}(\\[#[0-9]{1,2}\\])?",
        prop::option::of(prop_oneof![
            Just("<out-5@acme.test>".to_string()),
            Just("out-8@acme.test".to_string()),
            "[a-z]{1,5}"
        ]),
        any::<bool>(),
    )
        .prop_map(
            |(message_id, from, subject, in_reply_to, auto)| InboundMessage {
                message_id,
                from,
                subject,
                in_reply_to,
                headers: if auto {
                    Headers::new([("Precedence".to_string(), "bulk".to_string())])
                } else {
                    Headers::default()
                },
                ..InboundMessage::default()
            },
        )
}

proptest! {
    #[test]
    fn the_same_message_twice_gives_the_same_decision(m in arb_message(), days in 0u32..100) {
        let mut c = config();
        c.follow_up_days = days;
        let first = c.compile().unwrap().decide(&m, now());
        let again = c.compile().unwrap().decide(&m.clone(), now());
        prop_assert_eq!(&first, &again);
        let rules = c.compile().unwrap();
        prop_assert_eq!(rules.decide(&m, now()), first.clone());
        prop_assert_eq!(first.is_auto_reply, m.is_auto_reply());
    }

    #[test]
    fn a_domain_rule_blocks_exactly_the_domain_and_its_subdomains(
        base in prop::collection::vec(label(), 1..3),
        sub in prop::collection::vec(label(), 0..3),
        prefix in "[a-z0-9-]{1,6}",
        local in "[a-z]{1,6}",
    ) {
        let domain = base.join(".");
        let rules = InboundConfig {
            blocked_senders: vec![BlockedSender { id: None, email: domain.to_uppercase(), block_type: BlockType::RejectDomain }],
            ..InboundConfig::default()
        }
        .compile()
        .unwrap();
        let mut host = sub.clone();
        host.push(domain.clone());
        let inside = format!("{local}@{}", host.join("."));
        let is_reject = matches!(rules.decide(&message(serde_json::json!({"from": inside})), now()).action, Action::Reject { .. });
        prop_assert!(is_reject);
        // Same trailing letters, but not at a dot: a different domain.
        let lookalike = format!("{local}@{prefix}{domain}");
        let blocked = matches!(rules.decide(&message(serde_json::json!({"from": lookalike})), now()).action, Action::Reject { .. });
        let really_sub = prefix.ends_with('.');
        prop_assert_eq!(blocked, really_sub);
    }
}

proptest! {
    /// Stands in for a fuzz target until the fuzz project exists: any text in the parsed
    /// fields gives a decision, never a panic.
    #[test]
    fn arbitrary_text_never_panics(
        from in "\\PC{0,30}",
        subject in "(\\PC|\\[#[0-9]{0,3}\\]?){0,20}",
        in_reply_to in prop::option::of("\\PC{0,30}"),
        references in prop::collection::vec("\\PC{0,30}", 0..4),
        header in ("\\PC{0,12}", "\\PC{0,12}"),
    ) {
        let m = InboundMessage {
            message_id: in_reply_to.clone(),
            from,
            subject: subject.clone(),
            in_reply_to,
            references,
            headers: Headers::new([header]),
            ..InboundMessage::default()
        };
        let _ = config().compile().unwrap().decide(&m, now());
        let _ = reply_subject(&subject, ConversationId(1));
        let _ = m.lookup_ids();
    }
}
