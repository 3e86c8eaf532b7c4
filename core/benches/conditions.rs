//! Condition evaluation is on the hot path of routing and triggers (every inbound message),
//! and expression parsing runs on every rule save.

use anytime_core::condition::Conditions;
use anytime_core::expression::{parse, MAX_LENGTH};
use anytime_core::model::{Context, Conversation, FieldDef, FieldSet};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use serde_json::json;

fn twenty_conditions(c: &mut Criterion) {
    let fields: Vec<FieldDef> = serde_json::from_value(json!([
        {"id": "age", "type": "integer"},
        {"id": "due", "type": "date"},
        {"id": "langs", "type": "checkboxList", "options": [{"value": "en"}, {"value": "de"}]},
        {"id": "size", "type": "dropdownList", "options": [{"value": "S"}, {"value": "L"}]}
    ]))
    .expect("fields");
    let fields = FieldSet::new(fields);
    let list = json!([
        {"fieldId": "subject", "matchType": "contains", "value": "REFUND"},
        {"fieldId": "subject", "matchType": "notContains", "value": "spam"},
        {"fieldId": "messageBody", "matchType": "contains", "value": "invoice"},
        {"fieldId": "contactEmail", "matchType": "is", "value": "zoe@example.com"},
        {"fieldId": "contactName", "matchType": "isNot", "value": "bob"},
        {"fieldId": "status", "matchType": "is", "value": "new"},
        {"fieldId": "priority", "matchType": "isNot", "value": "low"},
        {"fieldId": "channel", "matchType": "is", "value": "email"},
        {"fieldId": "agentAssignee", "matchType": "is", "value": ""},
        {"fieldId": "departmentAssignee", "matchType": "is", "value": ""},
        {"fieldId": "tags", "matchType": "contains", "value": "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"},
        {"fieldId": "createdTime", "matchType": "after", "value": "2024-01-01"},
        {"fieldId": "lastActivityTime", "matchType": "before", "value": "2030-01-01"},
        {"fieldId": "age", "matchType": "isMoreThan", "value": "18"},
        {"fieldId": "age", "matchType": "isLessThan", "value": "99"},
        {"fieldId": "due", "matchType": "is", "value": "2024-06-01"},
        {"fieldId": "langs", "matchType": "is", "value": ["en", "de"]},
        {"fieldId": "langs", "matchType": "contains", "value": "en"},
        {"fieldId": "size", "matchType": "is", "value": "L"},
        {"fieldId": "isRead", "matchType": "is", "value": "false"}
    ]);
    let conditions: Conditions = serde_json::from_value(json!({
        "when": "logicalExpression",
        "logicalExpression": "(1 AND 2 OR 3) AND (4 OR 5) AND 6 AND 7 AND 8 AND (9 OR 10) AND 11 AND 12 AND 13 AND 14 AND 15 AND 16 AND 17 AND 18 AND 19 AND 20",
        "list": list
    }))
    .expect("conditions");
    let compiled = conditions.compile(&fields).expect("valid");
    let conv: Conversation = serde_json::from_value(json!({
        "id": 1, "subject": "Refund for my last order, please", "status": "new", "channel": "email",
        "tagIds": ["aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"], "createdTime": "2024-05-01T10:00:00Z",
        "lastActivityTime": "2024-05-02T10:00:00Z",
        "customFields": [{"id": "age", "value": "42"}, {"id": "due", "value": "2024-06-01"},
                         {"id": "langs", "value": ["de", "en"]}, {"id": "size", "value": "L"}]
    }))
    .expect("conversation");
    let ctx: Context = serde_json::from_value(json!({
        "timeZone": "Europe/Berlin",
        "contact": {"name": "Zoë", "email": "Zoe@Example.com"},
        "message": {"plainBody": "Hello, the invoice attached is wrong. ".repeat(20)}
    }))
    .expect("context");
    assert!(compiled.matches(&conv, &ctx));
    c.bench_function("evaluate 20 conditions (logical expression)", |b| {
        b.iter(|| black_box(&compiled).evaluate(black_box(&conv), black_box(&ctx)))
    });
    c.bench_function("compile 20 conditions", |b| {
        b.iter(|| black_box(&conditions).compile(black_box(&fields)))
    });
}

fn long_expression(c: &mut Criterion) {
    let mut text = String::from("1");
    let mut i = 1;
    while text.len() < MAX_LENGTH - 40 {
        i = i % 20 + 1;
        let op = if i % 3 == 0 { " OR " } else { " AND " };
        text.push_str(op);
        if i % 5 == 0 {
            text.push_str(&format!("NOT ({i} OR {})", i % 20 + 1));
        } else {
            text.push_str(&i.to_string());
        }
    }
    assert!(text.len() <= MAX_LENGTH);
    assert!(parse(&text, 20).is_ok());
    c.bench_function(
        &format!("parse a {}-character expression", text.len()),
        |b| b.iter(|| parse(black_box(&text), 20)),
    );
}

criterion_group!(benches, twenty_conditions, long_expression);
criterion_main!(benches);
