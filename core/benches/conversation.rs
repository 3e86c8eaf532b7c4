//! Cost of the per-request core work on conversations: validating a form of custom field
//! values, applying a reply, and planning a merge of two long conversations.

use anytime_core::conversation::{apply_command, plan_merge, Command, Env, Message, Origin};
use anytime_core::field_validation::{validate_values, Known};
use anytime_core::model::{
    Conversation, ConversationId, FieldDef, FieldId, FieldSet, FieldValue, MessageId,
};
use chrono::{DateTime, Duration, Utc};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use serde_json::json;

fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_714_557_600, 0).unwrap_or_default()
}

fn fields() -> FieldSet {
    let types = [
        "text",
        "textarea",
        "email",
        "url",
        "date",
        "integer",
        "float",
        "checkbox",
        "dropdownList",
        "checkboxList",
    ];
    let defs = (0..20).map(|i| {
        serde_json::from_value::<FieldDef>(json!({
            "id": format!("f{i}"), "type": types[i % types.len()], "name": format!("Field {i}"),
            "options": if matches!(i % types.len(), 8 | 9) {
                json!([{"name": "A", "value": "a"}, {"name": "B", "value": "b"}, {"name": "C", "value": "c"}])
            } else { json!([]) }
        }))
        .expect("field definition")
    });
    FieldSet::new(defs)
}

fn values() -> Vec<(FieldId, FieldValue)> {
    let samples = [
        "some text",
        "a longer text\nwith lines",
        "ann@example.com",
        "https://example.com/a?b=c",
        "2024-02-29",
        "-42",
        "3.25",
        "true",
        "b",
    ];
    (0..20)
        .map(|i| {
            let value = if i % 10 == 9 {
                FieldValue::List(vec!["a".into(), "c".into()])
            } else {
                FieldValue::Text(samples[i % 10].into())
            };
            (FieldId::new(format!("f{i}")), value)
        })
        .collect()
}

fn messages(conversation: i64, first_id: i64, count: i64) -> Vec<Message> {
    (0..count)
        .map(|i| {
            serde_json::from_value(json!({
                "id": first_id + i, "conversationId": conversation, "type": "email",
                "senderType": if i % 2 == 0 { "contact" } else { "agent" },
                "time": t0() + Duration::minutes((i * 7919) % 10_000),
            }))
            .expect("message")
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let (fields, known) = (fields(), Known::unchecked());
    let values = values();
    c.bench_function("validate_values/20 mixed fields", |b| {
        b.iter(|| validate_values(black_box(&fields), black_box(&values), &known))
    });

    let conversation = Conversation {
        id: ConversationId(7),
        created_time: Some(t0()),
        ..Default::default()
    };
    let body = "<p>Hello <b>there</b>, here is the long answer.</p>".repeat(100);
    let command: Command = serde_json::from_value(json!({
        "type": "reply", "actor": {"type": "agent", "id": "11111111-1111-4111-8111-111111111111"},
        "message": {"id": 2, "type": "email", "htmlBody": body}
    }))
    .expect("command");
    let env = Env {
        now: t0() + Duration::hours(1),
        fields: &fields,
        known: &known,
    };
    c.bench_function("apply_command/reply with 5 KB HTML", |b| {
        b.iter(|| {
            apply_command(
                black_box(conversation.clone()),
                black_box(command.clone()),
                &env,
            )
        })
    });

    let target = Conversation {
        id: ConversationId(1),
        ..Default::default()
    };
    let source = Conversation {
        id: ConversationId(2),
        ..Default::default()
    };
    let (tm, sm) = (messages(1, 1, 500), messages(2, 1001, 500));
    c.bench_function("plan_merge/500 + 500 messages", |b| {
        b.iter(|| {
            plan_merge(
                target.clone(),
                source.clone(),
                black_box(&tm),
                black_box(&sm),
                (MessageId(5000), MessageId(5001)),
                Origin::default(),
                t0(),
            )
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
