//! Background workers over real HTTP against the binary: stay timers fire once, from SQLite
//! state, also after a restart on the same data dir.

mod common;
use common::Server;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const BASE: &str = "/api/v3/anytime";
const FAST: &[&str] = &["--worker-interval-ms", "50"];

fn count(s: &Server, sql: &str) -> i64 {
    let db = rusqlite::Connection::open(s.db()).unwrap();
    db.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn make_due(s: &Server) {
    let db = rusqlite::Connection::open(s.db()).unwrap();
    db.execute("UPDATE timers SET fire_at = '2000-01-01T00:00:00.000Z'", [])
        .unwrap();
}

fn priority(s: &Server, id: i64) -> Value {
    s.get(&format!("{BASE}/conversations/{id}"), &s.admin)
        .json()["conversation"]["priority"]
        .clone()
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "timed out: {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn pending_conversation(s: &Server, subject: &str) -> i64 {
    let r = s.post(
        &format!("{BASE}/conversations"),
        &s.admin,
        json!({"subject": subject, "channel": "email",
               "message": {"type": "note", "htmlBody": "hello"}}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["conversation"]["id"].as_i64().unwrap();
    let r = s.put(
        &format!("{BASE}/conversations/{id}"),
        &s.admin,
        json!({"status": "pendingInternal", "priority": "normal"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    id
}

#[test]
fn stay_timers_fire_once_and_survive_a_restart() {
    let mut s = Server::start_with(FAST);
    let (a1, _) = s.agent("a1@example.com", "agent");
    let r = s.post(
        &format!("{BASE}/triggers"),
        &s.admin,
        json!({"name": "Stuck pending", "event": "staysAtStatusPeriod",
               "stayStatus": "pendingInternal", "stayMinutes": 60,
               "setValue": true, "autoUpdate": [{"fieldId": "priority", "value": "urgent"}],
               "sendEmail": true, "sendToAgents": true, "toAgents": [a1],
               "subject": "Stuck: {{conversation.subject}}", "plainText": "x"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);

    // not yet due: nothing happens
    let first = pending_conversation(&s, "First");
    assert_eq!(count(&s, "SELECT count(*) FROM timers"), 1);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(priority(&s, first), "normal");

    // due: fires once, timer gone, one email
    make_due(&s);
    wait_for("first timer", || priority(&s, first) == "urgent");
    assert_eq!(count(&s, "SELECT count(*) FROM timers"), 0);
    assert_eq!(count(&s, "SELECT count(*) FROM outbox"), 1);

    // a timer whose conversation left the status is consumed without firing
    let moved = pending_conversation(&s, "Moved");
    let r = s.put(
        &format!("{BASE}/conversations/{moved}"),
        &s.admin,
        json!({"status": "pendingExternal"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(count(&s, "SELECT count(*) FROM timers"), 0);

    // due while the server is down: fires after the restart, once
    let second = pending_conversation(&s, "Second");
    s.restart(&["--worker-interval-ms", "600000"]);
    make_due(&s);
    s.restart(FAST);
    wait_for("timer after restart", || priority(&s, second) == "urgent");
    assert_eq!(count(&s, "SELECT count(*) FROM timers"), 0);
    s.restart(FAST);
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(count(&s, "SELECT count(*) FROM outbox"), 2);
    assert_eq!(priority(&s, moved), "normal");
    let history = s.get(&format!("{BASE}/conversations/{second}/history"), &s.admin);
    let fired = history.json()["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["field"] == "priority" && e["newValue"] == "urgent")
        .count();
    assert_eq!(fired, 1, "{}", history.body);
}
