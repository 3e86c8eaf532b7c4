//! Routing through 1,000 custom rules of 5 conditions (budget < 100 µs) and running 200
//! triggers on one event (budget < 200 µs), issue 3 / SPEC §8. The worst case for routing:
//! only the last rule matches, so every rule's conditions are evaluated.

use anytime_core::conversation::Env;
use anytime_core::field_validation::Known;
use anytime_core::model::{Context, Conversation, ConversationId, FieldSet, Status};
use anytime_core::routing::{AccountAssignment, People, Router, RoutingConfig};
use anytime_core::trigger::{
    compile_trigger, run_triggers, Occurrence, RunEnv, SiteInfo, Trigger, TriggerEvent, TriggerSet,
};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use serde_json::json;
use uuid::Uuid;

fn five_conditions(i: usize) -> serde_json::Value {
    json!({"when": "all", "list": [
        {"fieldId": "subject", "matchType": "contains", "value": format!("product-{i}.")},
        {"fieldId": "status", "matchType": "is", "value": "new"},
        {"fieldId": "priority", "matchType": "is", "value": "normal"},
        {"fieldId": "subject", "matchType": "contains", "value": "order"},
        {"fieldId": "subject", "matchType": "contains", "value": "refund"},
    ]})
}

fn routing(c: &mut Criterion) {
    let rules: Vec<serde_json::Value> = (0..1000)
        .map(|i| {
            json!({
                "id": Uuid::from_u128(i as u128 + 1),
                "orderIndex": i,
                "conditions": five_conditions(i),
                "routeToObject": "department",
                "routeToId": Uuid::from_u128(0xd0),
            })
        })
        .collect();
    let config: RoutingConfig = serde_json::from_value(json!({
        "isEnable": true, "type": "rules", "rules": rules,
        "matchFailedToObject": "department", "matchFailedToId": Uuid::from_u128(0xd0),
    }))
    .unwrap();
    let router = Router::compile(&config, &FieldSet::default(), None).unwrap();
    let departments = vec![serde_json::from_value(json!({"id": Uuid::from_u128(0xd0)})).unwrap()];
    let people = People {
        agents: &[],
        departments: &departments,
    };
    let conversation = Conversation {
        id: ConversationId(1),
        subject: "Refund for order of PRODUCT-999., please".into(),
        ..Default::default()
    };
    let context = Context::default();
    c.bench_function("route/1000 rules x 5 conditions, last matches", |b| {
        b.iter(|| {
            router.route(
                black_box(&conversation),
                &context,
                people,
                AccountAssignment::default(),
            )
        })
    });
}

fn triggers(c: &mut Criterion) {
    let fields = FieldSet::default();
    let known = Known::unchecked();
    let compiled = (0..200)
        .map(|i| {
            let t: Trigger = serde_json::from_value(json!({
                "id": Uuid::from_u128(i as u128 + 1),
                "event": "conversationCreated",
                "orderIndex": i,
                "conditions": five_conditions(i),
                "autoUpdate": [{"fieldId": "priority", "value": "high"}],
                "sendEmail": true, "sendToContacts": true,
                "subject": "Re: {{conversation.subject}} [#{{conversation.id}}]",
                "htmlText": "<p>Hello {{contact.name}}</p>",
            }))
            .unwrap();
            compile_trigger(&t, &fields, &known).unwrap()
        })
        .collect();
    let set = TriggerSet::new(compiled);
    let now = "2026-11-23T10:00:00Z".parse().unwrap();
    let env = Env {
        now,
        fields: &fields,
        known: &known,
    };
    let context = Context {
        now: Some(now),
        ..Default::default()
    };
    let site = SiteInfo::default();
    let run = RunEnv {
        env: &env,
        context: &context,
        agents: &[],
        site: &site,
    };
    // The last trigger matches: 200 evaluations, one update, one email, one cascade round.
    let conversation = Conversation {
        id: ConversationId(1),
        subject: "Refund for order of product-199.".into(),
        status: Status::New,
        ..Default::default()
    };
    c.bench_function("runTriggers/200 triggers x 5 conditions, last fires", |b| {
        b.iter(|| {
            run_triggers(
                &set,
                Occurrence {
                    event: TriggerEvent::ConversationCreated,
                    trigger_id: None,
                },
                black_box(conversation.clone()),
                &run,
            )
            .unwrap()
        })
    });
}

fn sla(c: &mut Criterion) {
    let day = json!({"openHour": 9, "closeHour": 17});
    let input = json!({
        "policies": [
            {"id": Uuid::from_u128(0xc1), "orderIndex": 0, "operationalHour": "businessHours",
             "firstRespondWithin": 1, "nextRespondWithin": 2, "resolveRespondWithin": 24,
             "conditions": [{"fieldId": "priority", "matchType": "is", "value": "urgent"}]},
            {"id": Uuid::from_u128(0xc2), "orderIndex": 1, "operationalHour": "businessHours",
             "firstRespondWithin": 4, "nextRespondWithin": 8, "resolveRespondWithin": 72}
        ],
        "workingTime": {"timeZone": "Europe/Berlin", "mondayBusinessTime": day, "tuesdayBusinessTime": day,
            "wednesdayBusinessTime": day, "thursdayBusinessTime": day, "fridayBusinessTime": day},
        "holidays": ["2026-12-25", "2026-12-26"],
        "conversation": {"id": 1, "status": "pendingInternal", "createdTime": "2026-11-23T10:00:00Z"},
        "timeline": (0..20).map(|i| json!({"kind": "message",
            "time": format!("2026-11-{:02}T1{}:00:00Z", 23 + i / 4, i % 4),
            "messageType": "email", "senderType": if i % 2 == 0 { "agent" } else { "contact" }}))
            .collect::<Vec<_>>(),
        "now": "2026-11-28T12:00:00Z"
    });
    c.bench_function("computeSla (JSON in/out, 2 policies, 20 messages)", |b| {
        b.iter(|| anytime_core::eval::call("computeSla", black_box(input.clone())).unwrap())
    });
}

criterion_group!(benches, routing, triggers, sla);
criterion_main!(benches);
