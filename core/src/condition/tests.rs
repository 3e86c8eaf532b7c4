use super::*;
use crate::model::{Context, Conversation, FieldSet};
use serde_json::{json, Value};

const AGENT: &str = "11111111-1111-4111-8111-111111111111";
const TAG_A: &str = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const TAG_B: &str = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";

fn fields() -> FieldSet {
    let defs: Vec<FieldDef> = serde_json::from_value(json!([
        {"id": "age", "type": "integer"},
        {"id": "score", "type": "float"},
        {"id": "due", "type": "date"},
        {"id": "note", "type": "text"},
        {"id": "size", "type": "dropdownList", "options": [{"value": "S"}, {"value": "L"}]},
        {"id": "vip", "type": "checkbox"},
        {"id": "owner", "type": "operator"},
        {"id": "langs", "type": "checkboxList", "options": [{"value": "en"}, {"value": "de"}, {"value": "fr"}]}
    ]))
    .unwrap();
    FieldSet::new(defs)
}

fn conversation() -> Conversation {
    serde_json::from_value(json!({
        "id": 1, "subject": "Réfund for ΣΊΣΥΦΟΣ order", "status": "pendingInternal",
        "priority": "high", "channel": "email", "agentAssigneeId": AGENT,
        "tagIds": [TAG_A, TAG_B], "createdTime": "2024-05-01T23:30:00Z",
        "customFields": [
            {"id": "age", "value": "42"}, {"id": "score", "value": "2.5"},
            {"id": "due", "value": "2024-06-01"}, {"id": "size", "value": "L"},
            {"id": "vip", "value": "true"}, {"id": "owner", "value": AGENT},
            {"id": "langs", "value": ["de", "en"]}
        ]
    }))
    .unwrap()
}

fn context() -> Context {
    serde_json::from_value(json!({
        "timeZone": "Europe/Berlin",
        "contact": {"name": "Zoë Smith", "email": "Zoe@Example.com"},
        "message": {"plainBody": "Please help, my printer is on fire"}
    }))
    .unwrap()
}

fn check(field: &str, match_type: &str, value: Value) -> bool {
    let conditions: Conditions = serde_json::from_value(
        json!([{ "fieldId": field, "matchType": match_type, "value": value }]),
    )
    .unwrap();
    match conditions.compile(&fields()) {
        Ok(c) => c.evaluate(&conversation(), &context()).0,
        Err(e) => panic!("{field} {match_type}: {e}"),
    }
}

fn rejected(field: &str, match_type: &str, value: Value) -> String {
    let conditions: Conditions = serde_json::from_value(json!({"list": [
        {"fieldId": "subject", "matchType": "is", "value": ""},
        { "fieldId": field, "matchType": match_type, "value": value }
    ]}))
    .unwrap();
    let e = conditions.compile(&fields()).unwrap_err();
    assert_eq!(e.details().len(), 1, "{e:?}");
    e.details()[0].field.clone()
}

#[test]
fn text_matching_folds_case() {
    assert!(check("subject", "contains", json!("RÉFUND")));
    assert!(check("subject", "contains", json!("σίσυφος")));
    assert!(!check("subject", "notContains", json!("réfund")));
    assert!(check("subject", "notContains", json!("invoice")));
    assert!(check("subject", "is", json!("réfund for σίσυφοσ ORDER")));
    assert!(check("subject", "isNot", json!("refund")));
    assert!(check("contactEmail", "is", json!("zoe@example.COM")));
    assert!(check("contactName", "contains", json!("ZOË")));
    assert!(check("messageBody", "contains", json!("FIRE")));
    // `is ""` matches an absent or empty field.
    assert!(check("note", "is", json!("")));
    assert!(check("receivedFrom", "is", json!(null)));
    assert!(!check("subject", "is", json!("")));
    assert!(check("note", "notContains", json!("x")));
}

#[test]
fn numbers_compare_numerically() {
    assert!(check("age", "is", json!("42")));
    assert!(check("age", "is", json!(42)));
    assert!(
        check("age", "isMoreThan", json!("9")),
        "not a string comparison"
    );
    assert!(!check("age", "isLessThan", json!("42")));
    assert!(check("age", "isNot", json!("41")));
    assert!(check("score", "isLessThan", json!("10")));
    assert!(check("score", "is", json!("2.50")));
    assert!(check("score", "isMoreThan", json!("-1e3")));
}

#[test]
fn dates_compare_as_local_dates() {
    // 2024-05-01T23:30Z is 2024-05-02 in Berlin.
    assert!(check("createdTime", "is", json!("2024-05-02")));
    assert!(!check("createdTime", "is", json!("2024-05-01")));
    assert!(check("createdTime", "after", json!("2024-05-01")));
    assert!(check("createdTime", "before", json!("2024-05-03")));
    // A datetime operand is also read as its local date: 2024-05-02T01:00+02:00.
    assert!(check("createdTime", "is", json!("2024-05-01T23:00:00Z")));
    assert!(check("due", "is", json!("2024-06-01")));
    assert!(check("due", "before", json!("2024-06-02T00:00:00")));
    assert!(
        !check("lastRepliedTime", "before", json!("2999-01-01")),
        "absent never matches"
    );
}

#[test]
fn options_compare_exactly() {
    assert!(check("status", "is", json!("pendingInternal")));
    assert!(
        check("status", "is", json!("PENDINGINTERNAL")),
        "names ignore ASCII case"
    );
    assert!(check("priority", "isNot", json!("low")));
    assert!(check("channel", "is", json!("email")));
    assert!(check("agentAssignee", "is", json!(AGENT.to_uppercase())));
    assert!(
        check("departmentAssignee", "is", json!("")),
        "empty means unassigned"
    );
    assert!(check("isRead", "is", json!(false)));
    assert!(check("size", "is", json!("L")));
    assert!(check("size", "isNot", json!("S")));
    assert!(check("vip", "is", json!(true)));
    assert!(check("owner", "is", json!(AGENT)));
}

#[test]
fn multi_valued_membership_and_set_equality() {
    assert!(check("tags", "contains", json!(TAG_A)));
    assert!(check("tags", "notContains", json!(AGENT)));
    assert!(check("tags", "is", json!([TAG_B, TAG_A])));
    assert!(check("tags", "isNot", json!([TAG_A])));
    assert!(check("langs", "contains", json!("en")));
    assert!(check("langs", "notContains", json!("fr")));
    assert!(check("langs", "is", json!(["en", "de"])));
    assert!(check("langs", "is", json!("[\"en\",\"de\"]")));
    assert!(!check("langs", "is", json!(["en"])));
}

#[test]
fn bad_pairs_values_and_fields_are_rejected_with_their_place() {
    assert_eq!(
        rejected("status", "contains", json!("new")),
        "list[1].matchType"
    );
    assert_eq!(rejected("age", "before", json!("1")), "list[1].matchType");
    assert_eq!(
        rejected("subject", "isMoreThan", json!("1")),
        "list[1].matchType"
    );
    assert_eq!(
        rejected("tags", "isMoreThan", json!("1")),
        "list[1].matchType"
    );
    assert_eq!(
        rejected("due", "isNot", json!("2024-01-01")),
        "list[1].matchType"
    );
    assert_eq!(rejected("age", "is", json!("forty")), "list[1].value");
    assert_eq!(rejected("age", "is", json!("4.5")), "list[1].value");
    assert_eq!(rejected("score", "is", json!("NaN")), "list[1].value");
    assert_eq!(rejected("due", "is", json!("2024-02-30")), "list[1].value");
    assert_eq!(rejected("status", "is", json!("open")), "list[1].value");
    assert_eq!(rejected("size", "is", json!("XL")), "list[1].value");
    assert_eq!(rejected("vip", "is", json!("yes")), "list[1].value");
    assert_eq!(rejected("owner", "is", json!("bob")), "list[1].value");
    assert_eq!(
        rejected("tags", "contains", json!("urgent")),
        "list[1].value"
    );
    assert_eq!(
        rejected("langs", "is", json!(["en", "es"])),
        "list[1].value"
    );
    assert_eq!(rejected("subject", "contains", json!("")), "list[1].value");
    assert_eq!(rejected("subject", "is", json!(["a"])), "list[1].value");
    assert_eq!(rejected("nope", "is", json!("x")), "list[1].fieldId");
}

#[test]
fn every_fault_is_listed() {
    let conditions: Conditions = serde_json::from_value(json!({
        "when": "logicalExpression", "logicalExpression": "1 AND 3",
        "list": [
            {"fieldId": "age", "matchType": "is", "value": "x"},
            {"fieldId": "status", "matchType": "contains", "value": "new"}
        ]
    }))
    .unwrap();
    let e = conditions
        .compile(&fields())
        .unwrap_err()
        .nested("conditions");
    let got: Vec<(String, Option<usize>)> = e
        .details()
        .iter()
        .map(|d| (d.field.clone(), d.position))
        .collect();
    assert_eq!(
        got,
        vec![
            ("conditions.list[0].value".to_string(), None),
            ("conditions.list[1].matchType".to_string(), None),
            ("conditions.logicalExpression".to_string(), Some(6)),
        ]
    );
}

#[test]
fn combining() {
    let compile = |v: Value| {
        serde_json::from_value::<Conditions>(v)
            .unwrap()
            .compile(&fields())
            .unwrap()
    };
    let (conv, ctx) = (conversation(), context());
    assert!(compile(json!([])).matches(&conv, &ctx));
    assert!(!compile(json!({"when": "any", "list": []})).matches(&conv, &ctx));
    let list = json!([
        {"fieldId": "status", "matchType": "is", "value": "new"},
        {"fieldId": "priority", "matchType": "is", "value": "high"}
    ]);
    assert_eq!(
        compile(json!({"list": list})).evaluate(&conv, &ctx),
        (false, vec![false, true])
    );
    assert!(compile(json!({"when": "any", "list": list})).matches(&conv, &ctx));
    let expr =
        json!({"when": "logicalExpression", "logicalExpression": "NOT 1 AND 2", "list": list});
    assert!(compile(expr).matches(&conv, &ctx));
    let missing =
        serde_json::from_value::<Conditions>(json!({"when": "logicalExpression", "list": list}))
            .unwrap()
            .compile(&fields())
            .unwrap_err();
    assert_eq!(missing.details()[0].field, "logicalExpression");
}
