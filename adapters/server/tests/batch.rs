//! Batch update and batch delete of conversations (SPEC §4.1): all or none.

mod common;
use common::Server;
use serde_json::{json, Value};

const BASE: &str = "/api/v3/anytime";

fn create(s: &Server, subject: &str) -> i64 {
    let r = s.post(
        &format!("{BASE}/conversations"),
        &s.admin,
        json!({"subject": subject, "message": {"type": "note", "htmlBody": "x"}}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["conversation"]["id"].as_i64().unwrap()
}

fn conversation(s: &Server, id: i64) -> Value {
    let r = s.get(&format!("{BASE}/conversations/{id}"), &s.admin);
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["conversation"].clone()
}

#[test]
fn batch_update_changes_all_or_none() {
    let s = Server::start();
    let (agent, _) = s.agent("bob@example.com", "agent");
    let a = create(&s, "one");
    let b = create(&s, "two");
    let r = s.put(
        &format!("{BASE}/conversations"),
        &s.admin,
        json!({"ids": [b, a, b], "priority": "urgent", "agentAssigneeId": agent, "isRead": true}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let list = r.json()["conversations"].as_array().unwrap().clone();
    assert_eq!(
        list.iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        vec![b, a],
        "in the order given, repeats once"
    );
    for id in [a, b] {
        let c = conversation(&s, id);
        assert_eq!(c["priority"], "urgent");
        assert_eq!(c["agentAssigneeId"], json!(agent));
        assert_eq!(c["isRead"], true);
    }
    // One unknown id: 400 naming it, and nothing changed.
    let r = s.put(
        &format!("{BASE}/conversations"),
        &s.admin,
        json!({"ids": [a, 999], "priority": "low"}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.error_fields(), vec!["ids[1]"]);
    assert_eq!(conversation(&s, a)["priority"], "urgent");
    // `null` clears an assignee.
    let r = s.put(
        &format!("{BASE}/conversations"),
        &s.admin,
        json!({"ids": [a], "agentAssigneeId": null}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(conversation(&s, a)["agentAssigneeId"], Value::Null);
    // Field-named 400s.
    for (body, field) in [
        (json!({"ids": [], "priority": "low"}), "ids"),
        (json!({"ids": [a]}), "status"),
        (json!({"ids": [a], "priority": "soon"}), "priority"),
        (json!({"ids": [a], "colour": "red"}), "colour"),
    ] {
        let r = s.put(&format!("{BASE}/conversations"), &s.admin, body.clone());
        assert_eq!(r.status, 400, "{body}: {}", r.body);
        assert_eq!(r.error_fields(), vec![field], "{body}: {}", r.body);
    }
}

#[test]
fn batch_delete_soft_deletes_all_or_none() {
    let s = Server::start();
    let a = create(&s, "one");
    let b = create(&s, "two");
    let c = create(&s, "three");
    let r = s.json(
        "DELETE",
        &format!("{BASE}/conversations"),
        &s.admin,
        json!({"ids": [a, 4242]}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.error_fields(), vec!["ids[1]"]);
    assert_eq!(
        s.get(&format!("{BASE}/conversations/{a}"), &s.admin).status,
        200
    );
    let r = s.json(
        "DELETE",
        &format!("{BASE}/conversations"),
        &s.admin,
        json!({"ids": [a, b]}),
    );
    assert_eq!(r.status, 204, "{}", r.body);
    let r = s.delete(&format!("{BASE}/conversations?ids={c}"), &s.admin);
    assert_eq!(r.status, 204, "{}", r.body);
    for id in [a, b, c] {
        assert_eq!(
            s.get(&format!("{BASE}/conversations/{id}"), &s.admin)
                .status,
            404
        );
        assert_eq!(
            s.get(&format!("{BASE}/deletedconversations/{id}"), &s.admin)
                .status,
            200
        );
    }
    // Already deleted: not a live conversation.
    let r = s.delete(&format!("{BASE}/conversations?ids={a}"), &s.admin);
    assert_eq!(r.status, 400, "{}", r.body);
    // Portal-less agents may batch too; no credentials may not.
    let r = s.delete(
        &format!("{BASE}/conversations?ids={a}"),
        &common::Cred::new("x@example.com", "nope"),
    );
    assert_eq!(r.status, 401);
}
