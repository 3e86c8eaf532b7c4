//! Fields & mappings (SPEC §4.3) and custom field values on conversations (§5.7, §5.8).

mod common;
use common::Server;
use serde_json::{json, Value};

const BASE: &str = "/api/v3/anytime";

fn field(s: &Server, body: Value) -> Value {
    let r = s.post(&format!("{BASE}/fields"), &s.admin, body);
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["field"].clone()
}

#[test]
fn system_fields_are_listed_read_only_and_custom_fields_get_uuids() {
    let s = Server::start();
    let all = s.get(&format!("{BASE}/fields"), &s.admin).json();
    let ids: Vec<&str> = all["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    for id in [
        "subject",
        "status",
        "priority",
        "agentAssignee",
        "tags",
        "messageBody",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    assert_eq!(ids.len(), 15);
    let status = s.get(&format!("{BASE}/fields/Status"), &s.admin);
    assert_eq!(status.status, 200, "{}", status.body);
    assert_eq!(status.json()["field"]["isSystemField"], true);
    assert_eq!(
        status.json()["field"]["options"].as_array().unwrap().len(),
        5
    );
    assert_eq!(
        s.delete(&format!("{BASE}/fields/status"), &s.admin).status,
        409
    );
    assert_eq!(
        s.put(
            &format!("{BASE}/fields/subject"),
            &s.admin,
            json!({"type": "text", "name": "x"})
        )
        .status,
        409
    );

    let f = field(
        &s,
        json!({"type": "dropdownList", "name": "Plan", "isRequired": true, "helpText": "billing plan",
               "options": [{"name": "Free", "value": "free", "order": 1}, {"name": "Pro", "value": "pro", "order": 2}],
               "chatFieldMapping": "plan"}),
    );
    let id = f["id"].as_str().unwrap().to_string();
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
    assert_eq!(f["isSystemField"], false);
    assert_eq!(f["chatFieldMapping"], "plan");
    assert!(f["options"][0]["id"].is_string());

    // isSystemField filter
    let custom = s
        .get(&format!("{BASE}/fields?isSystemField=false"), &s.admin)
        .json();
    assert_eq!(custom["fields"].as_array().unwrap().len(), 1);
    assert_eq!(custom["fields"][0]["id"], json!(id));
    let system = s
        .get(&format!("{BASE}/fields?isSystemField=true"), &s.admin)
        .json();
    assert_eq!(system["fields"].as_array().unwrap().len(), 15);
    assert!(system["fields"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["isSystemField"] == true));

    // update (type is fixed)
    let r = s.put(
        &format!("{BASE}/fields/{id}"),
        &s.admin,
        json!({"type": "dropdownList", "name": "Plan tier",
               "options": [{"name": "Free", "value": "free"}, {"name": "Pro", "value": "pro"}, {"name": "Team", "value": "team"}]}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["field"]["name"], "Plan tier");
    assert_eq!(r.json()["field"]["isRequired"], false);
    let r = s.put(
        &format!("{BASE}/fields/{id}"),
        &s.admin,
        json!({"type": "text", "name": "Plan"}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.error_fields(), vec!["type"]);

    // delete; then 404
    assert_eq!(
        s.delete(&format!("{BASE}/fields/{id}"), &s.admin).status,
        204
    );
    assert_eq!(s.get(&format!("{BASE}/fields/{id}"), &s.admin).status, 404);
    assert_eq!(
        s.delete(&format!("{BASE}/fields/{id}"), &s.admin).status,
        404
    );
}

#[test]
fn invalid_definitions_name_the_fault() {
    let s = Server::start();
    let r = s.post(
        &format!("{BASE}/fields"),
        &s.admin,
        json!({"type": "integer", "name": "Age", "defaultValue": "old"}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        r.error_fields()
            .iter()
            .any(|f| f.starts_with("defaultValue")),
        "{}",
        r.body
    );
    let r = s.post(
        &format!("{BASE}/fields"),
        &s.admin,
        json!({"type": "text", "name": ""}),
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.error_fields(), vec!["name"]);
    let r = s.post(
        &format!("{BASE}/fields"),
        &s.admin,
        json!({"type": "radio", "name": "R", "options": []}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    let r = s.post(
        &format!("{BASE}/fields"),
        &s.admin,
        json!({"type": "sometype", "name": "R"}),
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.error_fields(), vec!["type"]);
    let r = s.post(
        &format!("{BASE}/fields"),
        &s.admin,
        json!({"type": "text", "name": "R", "colour": 1}),
    );
    assert_eq!(r.status, 400);
    let r = s.post(
        &format!("{BASE}/fields"),
        &s.admin,
        json!({"type": "text", "name": "R", "isSystemField": true}),
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.error_fields(), vec!["isSystemField"]);
    field(&s, json!({"type": "text", "name": "Order"}));
    let r = s.post(
        &format!("{BASE}/fields"),
        &s.admin,
        json!({"type": "text", "name": "order"}),
    );
    assert_eq!(r.status, 409, "{}", r.body);
}

#[test]
fn roles_and_sites_are_enforced() {
    let s = Server::start();
    let (_, agent) = s.agent("ann@example.com", "agent");
    let (_, portal) = s.agent("portal@example.com", "portal");
    assert_eq!(s.get(&format!("{BASE}/fields"), &agent).status, 200);
    assert_eq!(s.get(&format!("{BASE}/fields"), &portal).status, 403);
    let r = s.post(
        &format!("{BASE}/fields"),
        &agent,
        json!({"type": "text", "name": "A"}),
    );
    assert_eq!(r.status, 403);
    let f = field(&s, json!({"type": "text", "name": "A"}));
    let id = f["id"].as_str().unwrap();
    let (_, other) = s.create_site("other", "boss@other.test");
    assert_eq!(s.get(&format!("{BASE}/fields/{id}"), &other).status, 404);
    assert_eq!(s.delete(&format!("{BASE}/fields/{id}"), &other).status, 404);
    let custom = s
        .get(&format!("{BASE}/fields?isSystemField=false"), &other)
        .json();
    assert_eq!(custom["fields"], json!([]));
    let r = s.put(
        &format!("{BASE}/fields/mapping"),
        &other,
        json!({"fieldMappings": [{"fieldId": id, "chatFieldMapping": "x"}]}),
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.error_fields(), vec!["fieldMappings[0].fieldId"]);
}

#[test]
fn mappings_apply_to_system_and_custom_fields() {
    let s = Server::start();
    let f = field(&s, json!({"type": "email", "name": "Billing email"}));
    let id = f["id"].as_str().unwrap();
    let r = s.put(
        &format!("{BASE}/fields/mapping"),
        &s.admin,
        json!({"fieldMappings": [
            {"fieldId": "Subject", "chatFieldMapping": "topic", "offlineMessageFieldMapping": "title"},
            {"fieldId": id.to_uppercase(), "offlineMessageFieldMapping": "billing"}]}),
    );
    assert_eq!(r.status, 204, "{}", r.body);
    let subject = s.get(&format!("{BASE}/fields/subject"), &s.admin).json();
    assert_eq!(subject["field"]["chatFieldMapping"], "topic");
    assert_eq!(subject["field"]["offlineMessageFieldMapping"], "title");
    let custom = s.get(&format!("{BASE}/fields/{id}"), &s.admin).json();
    assert_eq!(custom["field"]["offlineMessageFieldMapping"], "billing");
    assert_eq!(custom["field"]["chatFieldMapping"], Value::Null);
    let r = s.put(
        &format!("{BASE}/fields/mapping"),
        &s.admin,
        json!({"fieldMappings": [{"fieldId": "nope", "chatFieldMapping": "x"}]}),
    );
    assert_eq!(r.status, 400);
}

#[test]
fn conversations_validate_custom_values_and_closing_needs_required_fields() {
    let s = Server::start();
    let age = field(&s, json!({"type": "integer", "name": "Age"}));
    let plan = field(
        &s,
        json!({"type": "radio", "name": "Plan", "isRequired": true,
        "options": [{"name": "Free", "value": "free"}, {"name": "Pro", "value": "pro"}]}),
    );
    let (age, plan) = (age["id"].as_str().unwrap(), plan["id"].as_str().unwrap());
    // an invalid value is a 400 naming the field
    let r = s.post(
        &format!("{BASE}/conversations"),
        &s.admin,
        json!({
        "subject": "S", "customFields": [{"id": age, "value": "forty"}],
        "message": {"type": "note", "plainBody": "x"}}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        r.error_fields().iter().any(|f| f.contains(age)),
        "{}",
        r.body
    );
    // valid values are kept
    let r = s.post(
        &format!("{BASE}/conversations"),
        &s.admin,
        json!({
        "subject": "S", "customFields": [{"id": age, "value": 41}],
        "message": {"type": "note", "plainBody": "x"}}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let c = r.json()["conversation"].clone();
    let id = c["id"].as_i64().unwrap();
    let values = c["customFields"].as_array().unwrap();
    assert!(
        values
            .iter()
            .any(|v| v["id"] == json!(age) && v["value"] == "41"),
        "{values:?}"
    );
    // closing without the required field: 400 naming it
    let r = s.put(
        &format!("{BASE}/conversations/{id}"),
        &s.admin,
        json!({"status": "closed"}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        r.error_fields().iter().any(|f| f.contains(plan)),
        "{}",
        r.body
    );
    // an option value that is not listed
    let r = s.put(
        &format!("{BASE}/conversations/{id}"),
        &s.admin,
        json!({"customFields": [{"id": plan, "value": "gold"}]}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    // filled: closing works
    let r = s.put(
        &format!("{BASE}/conversations/{id}"),
        &s.admin,
        json!({"status": "closed", "customFields": [{"id": plan, "value": "pro"}]}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["conversation"]["status"], "closed");
}
