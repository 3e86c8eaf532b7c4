use super::*;
use crate::conversation::Env;
use crate::field_validation::Known;
use crate::model::{
    Agent, AgentId, AgentStatus, ContactId, ContactInfo, Context, Conversation, FieldDef, FieldSet,
    MessageInfo, Priority, RuleId, Status,
};
use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;

fn conditions(value: serde_json::Value) -> crate::condition::Conditions {
    serde_json::from_value(value).unwrap()
}

use serde_json::json;
use uuid::Uuid;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap()
}

fn trigger(n: u128, event: TriggerEvent, order: i64) -> Trigger {
    serde_json::from_value(json!({
        "id": Uuid::from_u128(n),
        "event": event,
        "orderIndex": order,
    }))
    .unwrap()
}

fn with_status(mut t: Trigger, status: &str) -> Trigger {
    t.set_value = true;
    t.auto_update.push(AutoUpdate {
        field_id: crate::model::FieldId::new("status"),
        value: crate::model::FieldValue::Text(status.into()),
    });
    t
}

fn when_status(mut t: Trigger, status: &str) -> Trigger {
    t.conditions = conditions(json!([{"fieldId": "status", "matchType": "is", "value": status}]));
    t
}

fn rid(n: u128) -> RuleId {
    RuleId(Uuid::from_u128(n))
}

struct Fixture {
    fields: FieldSet,
    known: Known,
    agents: Vec<Agent>,
    context: Context,
    site: SiteInfo,
}

impl Fixture {
    fn new() -> Self {
        let agents = vec![Agent {
            id: AgentId(Uuid::from_u128(7)),
            name: "Ada".into(),
            email: Some("ada@desk.example".into()),
            is_active: true,
            department_ids: vec![],
            status: AgentStatus::Online,
            load: Default::default(),
        }];
        Fixture {
            fields: FieldSet::default(),
            known: Known::from_lists(&agents, &[]),
            agents,
            context: Context {
                now: Some(now()),
                contact: Some(ContactInfo {
                    name: Some("Bo".into()),
                    email: Some("bo@customer.example".into()),
                }),
                message: Some(MessageInfo {
                    plain_body: "my <order> is late".into(),
                    from: Some("bo@customer.example".into()),
                    is_auto_reply: false,
                }),
                ..Default::default()
            },
            site: SiteInfo {
                name: "Acme".into(),
                url: "https://desk.example/".into(),
                addresses: vec!["support@acme.example".into()],
            },
        }
    }

    fn run(
        &self,
        triggers: &[Trigger],
        event: TriggerEvent,
        conversation: Conversation,
    ) -> TriggerRun {
        self.run_occ(
            triggers,
            Occurrence {
                event,
                trigger_id: None,
            },
            conversation,
        )
    }

    fn run_occ(
        &self,
        triggers: &[Trigger],
        occ: Occurrence,
        conversation: Conversation,
    ) -> TriggerRun {
        let compiled = triggers
            .iter()
            .map(|t| compile_trigger(t, &self.fields, &self.known).unwrap())
            .collect();
        let env = Env {
            now: now(),
            fields: &self.fields,
            known: &self.known,
        };
        let run = RunEnv {
            env: &env,
            context: &self.context,
            agents: &self.agents,
            site: &self.site,
        };
        run_triggers(&TriggerSet::new(compiled), occ, conversation, &run).unwrap()
    }
}

fn conversation() -> Conversation {
    Conversation {
        id: crate::model::ConversationId(42),
        subject: "Late <order>".into(),
        contact_id: Some(ContactId(Uuid::from_u128(5))),
        agent_assignee_id: Some(AgentId(Uuid::from_u128(7))),
        created_time: Some(now()),
        ..Default::default()
    }
}

#[test]
fn triggers_run_in_order_against_the_updated_conversation() {
    let f = Fixture::new();
    let first = with_status(trigger(1, TriggerEvent::ConversationCreated, 2), "onHold");
    // Runs first (orderIndex 1) and sets priority; `first` then sees the new priority.
    let mut zeroth = trigger(2, TriggerEvent::ConversationCreated, 1);
    zeroth.auto_update.push(AutoUpdate {
        field_id: crate::model::FieldId::new("priority"),
        value: crate::model::FieldValue::Text("urgent".into()),
    });
    let mut first = first;
    first.conditions =
        conditions(json!([{"fieldId": "priority", "matchType": "is", "value": "urgent"}]));
    let out = f.run(
        &[first, zeroth],
        TriggerEvent::ConversationCreated,
        conversation(),
    );
    assert_eq!(out.fired, vec![rid(2), rid(1)]);
    assert_eq!(out.conversation.priority, Priority::Urgent);
    assert_eq!(out.conversation.status, Status::OnHold);
    assert!(out.history.iter().all(|h| h.trigger_id.is_some()));
}

#[test]
fn non_matching_and_disabled_triggers_do_not_fire() {
    let f = Fixture::new();
    let mut disabled = with_status(trigger(1, TriggerEvent::ConversationCreated, 0), "onHold");
    disabled.enable = false;
    let other = when_status(
        with_status(trigger(2, TriggerEvent::ConversationCreated, 1), "onHold"),
        "closed",
    );
    let other_event = with_status(trigger(3, TriggerEvent::AgentReplied, 2), "onHold");
    let out = f.run(
        &[disabled, other, other_event],
        TriggerEvent::ConversationCreated,
        conversation(),
    );
    assert!(out.fired.is_empty());
    assert_eq!(out.conversation.status, Status::New);
}

#[test]
fn changes_cascade_and_each_trigger_fires_at_most_once() {
    let f = Fixture::new();
    let a = with_status(
        trigger(1, TriggerEvent::ConversationCreated, 0),
        "pendingInternal",
    );
    // On every status change, flip between onHold and pendingInternal: without the
    // at-most-once rule this would loop forever.
    let b = when_status(
        with_status(trigger(2, TriggerEvent::StatusIsChanged, 1), "onHold"),
        "pendingInternal",
    );
    let c = when_status(
        with_status(
            trigger(3, TriggerEvent::StatusIsChanged, 2),
            "pendingInternal",
        ),
        "onHold",
    );
    let out = f.run(
        &[a, b, c],
        TriggerEvent::ConversationCreated,
        conversation(),
    );
    assert_eq!(out.fired, vec![rid(1), rid(2), rid(3)]);
    assert_eq!(out.conversation.status, Status::PendingInternal);
    assert!(!out.cascade_stopped);
}

#[test]
fn a_cascade_stops_after_ten_rounds() {
    let mut f = Fixture::new();
    f.fields = FieldSet::new(vec![serde_json::from_value::<FieldDef>(json!({
        "id": "step", "type": "integer", "name": "Step"
    }))
    .unwrap()]);
    // Trigger k runs when step == k, sets step k+1 and flips the status, raising the next
    // round's statusIsChanged. Ordered last-first, so each round fires exactly one.
    let triggers: Vec<Trigger> = (0..12u128)
        .map(|k| {
            let mut t = trigger(100 + k, TriggerEvent::StatusIsChanged, -(k as i64));
            t.conditions =
                conditions(json!([{"fieldId": "step", "matchType": "is", "value": k.to_string()}]));
            t.auto_update = vec![
                AutoUpdate {
                    field_id: crate::model::FieldId::new("step"),
                    value: crate::model::FieldValue::Text((k + 1).to_string()),
                },
                AutoUpdate {
                    field_id: crate::model::FieldId::new("status"),
                    value: crate::model::FieldValue::Text(
                        if k % 2 == 0 {
                            "onHold"
                        } else {
                            "pendingInternal"
                        }
                        .into(),
                    ),
                },
            ];
            t
        })
        .collect();
    let mut conv = conversation();
    conv.status = Status::PendingInternal;
    conv.set_custom_field(
        &crate::model::FieldId::new("step"),
        Some(crate::model::FieldValue::Text("0".into())),
    );
    let out = f.run(&triggers, TriggerEvent::StatusIsChanged, conv);
    assert_eq!(out.fired.len(), 10);
    assert!(out.cascade_stopped);
}

#[test]
fn emails_render_placeholders_and_escape_html() {
    let f = Fixture::new();
    let mut t = trigger(1, TriggerEvent::ConversationCreated, 0);
    t.send_email = true;
    t.send_to_contacts = true;
    t.send_to_agents = true;
    t.to_agents = vec![AgentId(Uuid::from_u128(7))];
    t.subject = "[#{{conversation.id}}] {{conversation.subject}}".into();
    t.html_text = "<p>Hi {{contact.name}}, {{agent.name}} has {{ message.plainBody }}</p>".into();
    t.plain_text = "{{conversation.link}} {{site.name}} {{conversation.status}}".into();
    let out = f.run(&[t], TriggerEvent::ConversationCreated, conversation());
    let Effect::SendEmail {
        recipients,
        subject,
        html_text,
        plain_text,
        ..
    } = &out.effects[0]
    else {
        panic!("{:?}", out.effects);
    };
    assert_eq!(subject, "[#42] Late <order>");
    assert_eq!(html_text, "<p>Hi Bo, Ada has my &lt;order&gt; is late</p>");
    assert_eq!(plain_text, "https://desk.example/conversations/42 Acme new");
    assert_eq!(
        recipients,
        &vec![
            Recipient::Contact {
                contact_id: Some(ContactId(Uuid::from_u128(5))),
                email: Some("bo@customer.example".into())
            },
            Recipient::Agent {
                agent_id: AgentId(Uuid::from_u128(7)),
                email: Some("ada@desk.example".into())
            },
        ]
    );
}

#[test]
fn contacts_are_not_emailed_about_auto_replies_or_own_mail() {
    let mut t = trigger(1, TriggerEvent::ConversationReplyIsReceived, 0);
    t.send_email = true;
    t.send_to_contacts = true;
    t.subject = "Thanks".into();

    let mut f = Fixture::new();
    f.context.message.as_mut().unwrap().is_auto_reply = true;
    let out = f.run(
        &[t.clone()],
        TriggerEvent::ConversationReplyIsReceived,
        conversation(),
    );
    assert_eq!(
        out.effects,
        vec![Effect::EmailSuppressed {
            trigger_id: rid(1),
            reason: Suppression::AutoReply
        }]
    );

    let mut f = Fixture::new();
    f.context.message.as_mut().unwrap().from = Some("Support@ACME.example".into());
    let out = f.run(
        &[t],
        TriggerEvent::ConversationReplyIsReceived,
        conversation(),
    );
    assert_eq!(
        out.effects,
        vec![Effect::EmailSuppressed {
            trigger_id: rid(1),
            reason: Suppression::OwnAddress
        }]
    );
}

#[test]
fn stay_triggers_schedule_timers_and_fire_only_when_still_in_status() {
    let f = Fixture::new();
    let mut stay = with_status(trigger(9, TriggerEvent::StaysAtStatusPeriod, 0), "closed");
    stay.stay_status = Some(Status::OnHold);
    stay.stay_minutes = Some(90);
    let to_hold = with_status(trigger(1, TriggerEvent::ConversationCreated, 0), "onHold");
    let out = f.run(
        &[stay.clone(), to_hold],
        TriggerEvent::ConversationCreated,
        conversation(),
    );
    assert!(out.effects.contains(&Effect::ScheduleTimer {
        trigger_id: rid(9),
        status: Status::OnHold,
        fire_at: now() + chrono::Duration::minutes(90),
    }));

    let occ = Occurrence {
        event: TriggerEvent::StaysAtStatusPeriod,
        trigger_id: Some(rid(9)),
    };
    let mut held = conversation();
    held.status = Status::OnHold;
    let out = f.run_occ(&[stay.clone()], occ, held);
    assert_eq!(out.fired, vec![rid(9)]);
    assert_eq!(out.conversation.status, Status::Closed);

    // Left onHold meanwhile: nothing fires.
    let out = f.run_occ(&[stay], occ, conversation());
    assert!(out.fired.is_empty());
}

#[test]
fn saving_rejects_bad_triggers_naming_each_field() {
    let f = Fixture::new();
    let mut t = trigger(1, TriggerEvent::StaysAtStatusPeriod, 0);
    t.send_email = true;
    t.send_to_agents = true;
    t.to_agents = vec![AgentId(Uuid::from_u128(99))];
    t.subject = "Hello {{conversation.owner}}".into();
    t.auto_update.push(AutoUpdate {
        field_id: crate::model::FieldId::new("status"),
        value: crate::model::FieldValue::Text("sleeping".into()),
    });
    t.conditions = conditions(json!([{"fieldId": "nope", "matchType": "is", "value": "x"}]));
    let err = compile_trigger(&t, &f.fields, &f.known).unwrap_err();
    let fields: Vec<&str> = err.details().iter().map(|d| d.field.as_str()).collect();
    for expected in [
        "stayStatus",
        "stayMinutes",
        "autoUpdate[0].value",
        "toAgents[0]",
        "subject",
    ] {
        assert!(
            fields.contains(&expected),
            "{expected} missing from {fields:?}"
        );
    }
    assert!(
        fields.iter().any(|f| f.starts_with("conditions")),
        "{fields:?}"
    );
}

#[test]
fn events_accept_names_and_seed_numbers() {
    let by_number: TriggerEvent = serde_json::from_value(json!(7)).unwrap();
    assert_eq!(by_number, TriggerEvent::SlaBreached);
    let by_name: TriggerEvent = serde_json::from_value(json!("agentreplied")).unwrap();
    assert_eq!(by_name, TriggerEvent::AgentReplied);
    assert!(serde_json::from_value::<TriggerEvent>(json!(8)).is_err());
    assert!(serde_json::from_value::<TriggerEvent>(json!(0)).is_err());
    for e in TriggerEvent::ALL {
        assert_eq!(TriggerEvent::from_number(u64::from(e.number())), Some(e));
    }
}

proptest! {
    /// Any set of status-flipping triggers: each fires at most once, and the run ends.
    #[test]
    fn cascades_terminate_and_fire_each_trigger_at_most_once(
        specs in prop::collection::vec(
            (
                prop::sample::select(vec![TriggerEvent::ConversationCreated, TriggerEvent::StatusIsChanged, TriggerEvent::AssigneeIsChanged]),
                prop::sample::select(vec!["new", "pendingInternal", "pendingExternal", "onHold", "closed"]),
                prop::option::of(prop::sample::select(vec!["new", "pendingInternal", "pendingExternal", "onHold", "closed"])),
                0i64..5,
            ),
            0..16,
        )
    ) {
        let f = Fixture::new();
        let triggers: Vec<Trigger> = specs.iter().enumerate().map(|(i, (event, set, when, order))| {
            let t = with_status(trigger(i as u128 + 1, *event, *order), set);
            match when { Some(s) => when_status(t, s), None => t }
        }).collect();
        let out = f.run(&triggers, TriggerEvent::ConversationCreated, conversation());
        let mut seen = std::collections::BTreeSet::new();
        for id in &out.fired {
            prop_assert!(seen.insert(*id), "{:?} fired twice", id);
        }
        prop_assert!(out.fired.len() <= triggers.len());
    }
}

#[test]
fn a_refused_update_is_reported_and_the_run_goes_on() {
    let mut f = Fixture::new();
    f.fields = FieldSet::new(vec![serde_json::from_value::<FieldDef>(json!({
        "id": "reason", "type": "text", "name": "Reason", "isRequired": true
    }))
    .unwrap()]);
    let closer = with_status(trigger(1, TriggerEvent::ConversationCreated, 0), "closed");
    let mut later = trigger(2, TriggerEvent::ConversationCreated, 1);
    later.auto_update.push(AutoUpdate {
        field_id: crate::model::FieldId::new("priority"),
        value: crate::model::FieldValue::Text("high".into()),
    });
    let out = f.run(
        &[closer, later],
        TriggerEvent::ConversationCreated,
        conversation(),
    );
    assert_eq!(out.fired, vec![rid(1), rid(2)]);
    assert_eq!(out.conversation.status, Status::New);
    assert_eq!(out.conversation.priority, Priority::High);
    assert!(matches!(
        &out.effects[0],
        Effect::UpdateRejected { trigger_id, details } if *trigger_id == rid(1) && details[0].field == "reason"
    ));
}
