//! Filters (SPEC §4.2), `filterId` / `conditions[i][…]` on the conversation list, and unread
//! counts; the list must agree with the core's `evaluateConditions` on the same data.

mod common;
use anytime_core::condition::{evaluate_conditions, EvaluateInput};
use common::{Cred, Server};
use serde_json::{json, Value};

const BASE: &str = "/api/v3/anytime";

fn create_conv(s: &Server, cred: &Cred, body: Value) -> i64 {
    let r = s.post(&format!("{BASE}/conversations"), cred, body);
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["conversation"]["id"].as_i64().unwrap()
}

fn ids_of(r: &common::Resp) -> Vec<i64> {
    assert_eq!(r.status, 200, "{}", r.body);
    let mut ids: Vec<i64> = r.json()["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    ids.sort();
    ids
}

#[test]
fn filter_crud_and_private_visibility() {
    let s = Server::start();
    let (_, ann) = s.agent("ann@example.com", "agent");
    let (_, bob) = s.agent("bob@example.com", "agent");
    let conditions =
        json!({"when": "any", "list": [{"fieldId": "status", "matchType": "is", "value": "new"}]});
    let r = s.post(
        &format!("{BASE}/filters"),
        &ann,
        json!({"name": "Mine", "isPrivate": true, "conditions": conditions}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let private = r.json()["filter"].clone();
    assert_eq!(private["conditions"]["when"], "any");
    let pid = private["id"].as_str().unwrap().to_string();
    let r = s.post(&format!("{BASE}/filters"), &ann, json!({"name": "Shared", "conditions": [{"fieldId": "priority", "matchType": "is", "value": "high"}]}));
    assert_eq!(r.status, 201, "{}", r.body);
    let shared = r.json()["filter"]["id"].as_str().unwrap().to_string();

    // list without conditions; bob sees only the public one
    let list = s.get(&format!("{BASE}/filters"), &ann).json();
    assert_eq!(list["filters"].as_array().unwrap().len(), 2);
    assert!(list["filters"][0].get("conditions").is_none());
    let list = s.get(&format!("{BASE}/filters"), &bob).json();
    assert_eq!(list["filters"].as_array().unwrap().len(), 1);
    assert_eq!(list["filters"][0]["id"], json!(shared));
    assert_eq!(s.get(&format!("{BASE}/filters/{pid}"), &bob).status, 404);
    assert_eq!(s.delete(&format!("{BASE}/filters/{pid}"), &bob).status, 404);
    assert_eq!(
        s.get(&format!("{BASE}/conversations?filterId={pid}"), &bob)
            .status,
        400
    );
    let got = s.get(&format!("{BASE}/filters/{pid}"), &ann).json();
    assert_eq!(got["filter"]["conditions"]["list"][0]["fieldId"], "status");

    // update
    let r = s.put(&format!("{BASE}/filters/{shared}"), &bob, json!({"name": "Urgent", "conditions": [{"fieldId": "priority", "matchType": "is", "value": "urgent"}]}));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["filter"]["name"], "Urgent");

    // validation: bad match type for the field, bad value, unknown field, bad expression
    let r = s.post(&format!("{BASE}/filters"), &ann, json!({"name": "X", "conditions": [{"fieldId": "priority", "matchType": "contains", "value": "h"}]}));
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.error_fields(), vec!["conditions.list[0].matchType"]);
    let r = s.post(
        &format!("{BASE}/filters"),
        &ann,
        json!({"name": "X", "conditions": [{"fieldId": "nope", "matchType": "is", "value": "h"}]}),
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.error_fields(), vec!["conditions.list[0].fieldId"]);
    let r = s.post(&format!("{BASE}/filters"), &ann, json!({"name": "X", "conditions": {"when": "logicalExpression", "logicalExpression": "1 AND 3", "list": [{"fieldId": "status", "matchType": "is", "value": "new"}]}}));
    assert_eq!(r.status, 400, "{}", r.body);
    let r = s.post(
        &format!("{BASE}/filters"),
        &ann,
        json!({"name": "", "conditions": []}),
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.error_fields(), vec!["name"]);

    // other sites, portal
    let (_, other) = s.create_site("other", "boss@other.test");
    assert_eq!(
        s.get(&format!("{BASE}/filters/{shared}"), &other).status,
        404
    );
    let (_, portal) = s.agent("portal@example.com", "portal");
    assert_eq!(s.get(&format!("{BASE}/filters"), &portal).status, 403);

    assert_eq!(s.delete(&format!("{BASE}/filters/{pid}"), &ann).status, 204);
    assert_eq!(s.get(&format!("{BASE}/filters/{pid}"), &ann).status, 404);
}

/// A small deterministic generator (no external crates in the HTTP tests).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

#[test]
fn list_by_filter_and_conditions_agrees_with_the_core() {
    let s = Server::start();
    let plan = s.post(
        &format!("{BASE}/fields"),
        &s.admin,
        json!({"type": "dropdownList", "name": "Plan",
        "options": [{"name": "Free", "value": "free"}, {"name": "Pro", "value": "pro"}]}),
    );
    assert_eq!(plan.status, 201, "{}", plan.body);
    let plan_def = plan.json()["field"].clone();
    let plan_id = plan_def["id"].as_str().unwrap().to_string();
    let contact = s.post(
        "/api/v3/contacts",
        &s.admin,
        json!({"name": "Zoë Printer", "email": "zoe@acme.test"}),
    );
    assert_eq!(contact.status, 201, "{}", contact.body);
    let contact_id = contact.json()["contact"]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let subjects = [
        "Printer on fire",
        "PRINTER jam",
        "Login fails",
        "Invoice",
        "Straße closed",
    ];
    let priorities = ["urgent", "high", "normal", "low"];
    let channels = ["email", "api", "portal"];
    let mut rng = Lcg(7);
    for i in 0..24 {
        let mut body = json!({
            "subject": subjects[rng.next(subjects.len())],
            "priority": priorities[rng.next(priorities.len())],
            "channel": channels[rng.next(channels.len())],
            "message": {"type": if rng.next(2) == 0 { "note" } else { "reply" }, "plainBody": format!("body {i}")},
        });
        match rng.next(3) {
            0 => body["customFields"] = json!([{"id": plan_id, "value": "pro"}]),
            1 => body["customFields"] = json!([{"id": plan_id, "value": "free"}]),
            _ => {}
        }
        if rng.next(2) == 0 {
            body["contactId"] = json!(contact_id);
        }
        create_conv(&s, &s.admin, body);
    }

    let sets = [
        json!({"when": "any", "list": [
            {"fieldId": "priority", "matchType": "is", "value": "high"},
            {"fieldId": "subject", "matchType": "contains", "value": "printer"}]}),
        json!({"when": "all", "list": [
            {"fieldId": plan_id, "matchType": "is", "value": "pro"},
            {"fieldId": "channel", "matchType": "isNot", "value": "api"}]}),
        json!({"when": "logicalExpression", "logicalExpression": "NOT 1 AND (2 OR 3)", "list": [
            {"fieldId": "status", "matchType": "is", "value": "pendingExternal"},
            {"fieldId": "contactEmail", "matchType": "is", "value": "ZOE@acme.test"},
            {"fieldId": "subject", "matchType": "contains", "value": "STRASSE"}]}),
        json!([{"fieldId": "contactName", "matchType": "contains", "value": "zoë"}]),
        json!({"when": "any", "list": []}),
    ];
    // every live conversation, as the API shows it, with its contact for the context
    let everything = s
        .get(&format!("{BASE}/conversations?pageIndex=1"), &s.admin)
        .json();
    let all = everything["conversations"].as_array().unwrap().clone();
    assert_eq!(all.len(), 24);
    for (n, conditions) in sets.iter().enumerate() {
        let r = s.post(
            &format!("{BASE}/filters"),
            &s.admin,
            json!({"name": format!("f{n}"), "conditions": conditions}),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let fid = r.json()["filter"]["id"].as_str().unwrap().to_string();
        let got = ids_of(&s.get(&format!("{BASE}/conversations?filterId={fid}"), &s.admin));
        let mut want: Vec<i64> = all
            .iter()
            .filter(|c| {
                let context = if c["contactId"] == json!(contact_id) {
                    json!({"contact": {"name": "Zoë Printer", "email": "zoe@acme.test"}})
                } else {
                    json!({})
                };
                let input: EvaluateInput = serde_json::from_value(json!({
                    "conditions": conditions, "conversation": c, "fields": [plan_def], "context": context,
                })).unwrap();
                evaluate_conditions(input).unwrap().matched
            })
            .map(|c| c["id"].as_i64().unwrap())
            .collect();
        want.sort();
        assert_eq!(got, want, "filter {n}: {conditions}");
        if n == 0 {
            assert!(
                !want.is_empty() && want.len() < 24,
                "the data should split: {want:?}"
            );
        }
    }

    // ad-hoc conditions on the query string (all must match)
    let got = ids_of(&s.get(
        &format!("{BASE}/conversations?conditions[0][field]=subject&conditions[0][matchType]=contains&conditions[0][value]=printer&conditions[1][field]=priority&conditions[1][matchType]=isNot&conditions[1][value]=low"),
        &s.admin,
    ));
    let want: Vec<i64> = {
        let mut w: Vec<i64> = all
            .iter()
            .filter(|c| {
                c["subject"]
                    .as_str()
                    .unwrap()
                    .to_lowercase()
                    .contains("printer")
                    && c["priority"] != "low"
            })
            .map(|c| c["id"].as_i64().unwrap())
            .collect();
        w.sort();
        w
    };
    assert_eq!(got, want);
    let r = s.get(&format!("{BASE}/conversations?conditions[0][field]=priority&conditions[0][matchType]=contains&conditions[0][value]=x"), &s.admin);
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.error_fields(), vec!["conditions.list[0].matchType"]);
    let r = s.get(
        &format!("{BASE}/conversations?conditions[0][colour]=x"),
        &s.admin,
    );
    assert_eq!(r.status, 400);
}

#[test]
fn unread_counts_per_filter() {
    let s = Server::start();
    let (ann_id, ann) = s.agent("ann@example.com", "agent");
    let a = create_conv(
        &s,
        &s.admin,
        json!({"subject": "A", "priority": "high", "message": {"type": "note", "plainBody": "x"}}),
    );
    let b = create_conv(
        &s,
        &s.admin,
        json!({"subject": "B", "priority": "high", "message": {"type": "note", "plainBody": "x"}}),
    );
    let _c = create_conv(
        &s,
        &s.admin,
        json!({"subject": "C", "priority": "low", "message": {"type": "note", "plainBody": "x"}}),
    );
    // mention ann on b (a mention also makes it unread)
    let note = format!(r#"<span data-id="{ann_id}" class="athighlight">@Ann</span> look"#);
    let r = s.post(
        &format!("{BASE}/conversations/{b}/messages"),
        &s.admin,
        json!({"type": "note", "htmlBody": note}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    for id in [a, b] {
        let r = s.put(
            &format!("{BASE}/conversations/{id}/unread"),
            &s.admin,
            json!({}),
        );
        assert!(r.status == 200 || r.status == 204, "{}", r.body);
    }
    let r = s.put(
        &format!("{BASE}/conversations/{}/read", _c),
        &s.admin,
        json!({}),
    );
    assert!(r.status == 200 || r.status == 204, "{}", r.body);
    let f = s.post(&format!("{BASE}/filters"), &ann, json!({"name": "High", "conditions": [{"fieldId": "priority", "matchType": "is", "value": "high"}]}));
    let fid = f.json()["filter"]["id"].as_str().unwrap().to_string();
    let r = s.get(
        &format!("{BASE}/conversations/unreadCount?filterIds={fid}"),
        &ann,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["allCount"], 2, "{v}");
    assert_eq!(v["filters"][0]["filterId"], json!(fid));
    assert_eq!(v["filters"][0]["unreadCount"], 2);
    assert_eq!(v["filters"][0]["unreadMentionedCount"], 1);
    let r = s.get(
        &format!(
            "{BASE}/conversations/unreadCount?filterIds={}",
            uuid::Uuid::new_v4()
        ),
        &ann,
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.error_fields(), vec!["filterIds[0]"]);
}
