//! Triggers on later conversation changes (SPEC §5.4) over real HTTP: a status change fires
//! `statusIsChanged` triggers, whose changes, history and emails are persisted with it, and
//! stay timers follow the status.

mod common;
use common::Server;
use serde_json::{json, Value};

const BASE: &str = "/api/v3/anytime";

fn query(s: &Server, sql: &str) -> Vec<(i64, String)> {
    let db = rusqlite::Connection::open(s.db()).unwrap();
    let mut stmt = db.prepare(sql).unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn trigger(s: &Server, body: Value) -> String {
    let r = s.post(&format!("{BASE}/triggers"), &s.admin, body);
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["trigger"]["id"].as_str().unwrap().to_string()
}

#[test]
fn status_change_fires_triggers_queues_email_and_replaces_stay_timers() {
    let s = Server::start();
    let (a1, _) = s.agent("a1@example.com", "agent");
    let on_pending = trigger(
        &s,
        json!({"name": "Pending is urgent", "event": "statusIsChanged",
               "conditions": [{"fieldId": "status", "matchType": "is", "value": "pendingInternal"}],
               "setValue": true, "autoUpdate": [{"fieldId": "priority", "value": "urgent"}],
               "sendEmail": true, "sendToAgents": true, "toAgents": [a1],
               "subject": "Pending: {{conversation.subject}}", "plainText": "#{{conversation.id}}"}),
    );
    let stay = trigger(
        &s,
        json!({"name": "Stuck pending", "event": "staysAtStatusPeriod",
               "stayStatus": "pendingInternal", "stayMinutes": 60,
               "setValue": true, "autoUpdate": [{"fieldId": "priority", "value": "low"}]}),
    );
    let r = s.post(
        &format!("{BASE}/conversations"),
        &s.admin,
        json!({"subject": "Printer", "channel": "email",
               "message": {"type": "note", "htmlBody": "hello"}}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let c = r.json()["conversation"].clone();
    let id = c["id"].as_i64().unwrap();
    assert_ne!(c["priority"], "urgent");
    assert!(query(&s, "SELECT conversation_id, subject FROM outbox").is_empty());

    // a change that is not a status change fires no status trigger
    let r = s.put(
        &format!("{BASE}/conversations/{id}"),
        &s.admin,
        json!({"priority": "high"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["conversation"]["priority"], "high");

    let r = s.put(
        &format!("{BASE}/conversations/{id}"),
        &s.admin,
        json!({"status": "pendingInternal"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["conversation"]["priority"], "urgent", "{}", r.body);
    let stored = s.get(&format!("{BASE}/conversations/{id}"), &s.admin);
    assert_eq!(stored.json()["conversation"]["priority"], "urgent");
    let mails = query(
        &s,
        "SELECT conversation_id, subject FROM outbox ORDER BY id",
    );
    assert_eq!(mails, vec![(id, "Pending: Printer".to_string())]);
    let history = s.get(&format!("{BASE}/conversations/{id}/history"), &s.admin);
    assert!(history.body.contains(&on_pending), "{}", history.body);
    let timers = query(&s, "SELECT conversation_id, trigger_id FROM timers");
    assert_eq!(timers, vec![(id, stay.clone())]);

    // leaving the status drops the timer; the trigger's condition no longer holds
    let r = s.put(
        &format!("{BASE}/conversations/{id}"),
        &s.admin,
        json!({"status": "closed"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(query(&s, "SELECT conversation_id, trigger_id FROM timers").is_empty());
    assert_eq!(
        query(&s, "SELECT conversation_id, subject FROM outbox").len(),
        1
    );
}
