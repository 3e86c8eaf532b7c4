//! SLA breach detection over real HTTP against the binary (SPEC §5.4, §5.6): the exact breach
//! instant in business hours around a holiday and a pendingExternal pause, each breach
//! recorded once, `slaBreached` fired by a change or by the worker after a restart, never
//! twice.
//!
//! Hand computation (America/New_York, EST = UTC−5 in January; Mon–Fri 09:00–17:00; holiday
//! Tue 2026-01-06; resolution target 10 business hours; created Mon 2026-01-05 15:00 EST =
//! 20:00Z):
//! * no pause: Mon 15–17 (2 h), Tue closed, Wed 09–17 (8 h) → due Wed 17:00 EST =
//!   2026-01-07T22:00:00Z (a due time that uses a window up exactly is its closing instant);
//! * pendingExternal Wed 10:00–12:00 EST: Wed counts 6 h, 2 h remain → Thu 11:00 EST =
//!   2026-01-08T16:00:00Z.

mod common;
use common::Server;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const BASE: &str = "/api/v3/anytime";
const FAST: &[&str] = &["--worker-interval-ms", "50"];
const SLOW: &[&str] = &["--worker-interval-ms", "600000"];
const CREATED: &str = "2026-01-05T20:00:00Z";

fn sql(s: &Server, statement: &str, params: impl rusqlite::Params) {
    let db = rusqlite::Connection::open(s.db()).unwrap();
    db.execute(statement, params).unwrap();
}

fn count(s: &Server, statement: &str) -> i64 {
    let db = rusqlite::Connection::open(s.db()).unwrap();
    db.query_row(statement, [], |r| r.get(0)).unwrap()
}

fn conversation(s: &Server, id: i64) -> Value {
    s.get(&format!("{BASE}/conversations/{id}"), &s.admin)
        .json()["conversation"]
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

fn create(s: &Server, subject: &str) -> i64 {
    let r = s.post(
        &format!("{BASE}/conversations"),
        &s.admin,
        json!({"subject": subject, "channel": "email",
               "message": {"type": "note", "htmlBody": "hello"}}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["conversation"]["id"].as_i64().unwrap()
}

fn set(s: &Server, id: i64, body: Value) -> Value {
    let r = s.put(&format!("{BASE}/conversations/{id}"), &s.admin, body);
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["conversation"].clone()
}

/// Moves the conversation's creation back to [`CREATED`] (what a conversation created then
/// would have stored).
fn backdate(s: &Server, id: i64) {
    sql(
        s,
        "UPDATE conversations SET snapshot = json_set(snapshot, '$.createdTime', ?1),
             created_time = '2026-01-05T20:00:00.000Z' WHERE id = ?2",
        (CREATED, id),
    );
}

fn breach_history(s: &Server, id: i64) -> Vec<Value> {
    let h = s.get(&format!("{BASE}/conversations/{id}/history"), &s.admin);
    assert_eq!(h.status, 200, "{}", h.body);
    h.json()["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["field"] == "slaBreached")
        .cloned()
        .collect()
}

fn setup(s: &Server) {
    let day =
        json!({"isBusinessDay": true, "openHour": 9, "openMin": 0, "closeHour": 17, "closeMin": 0});
    let r = s.put(
        &format!("{BASE}/workingTime"),
        &s.admin,
        json!({"timeZone": "America/New_York", "mondayBusinessTime": day,
               "tuesdayBusinessTime": day, "wednesdayBusinessTime": day,
               "thursdayBusinessTime": day, "fridayBusinessTime": day}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = s.post(
        &format!("{BASE}/holidays"),
        &s.admin,
        json!({"title": "Closed", "date": "2026-01-06"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let r = s.post(
        &format!("{BASE}/slaPolicies"),
        &s.admin,
        json!({"name": "Ten hours", "resolveRespondWithin": 10, "operationalHour": "businessHours"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let r = s.post(
        &format!("{BASE}/triggers"),
        &s.admin,
        json!({"name": "Breached", "event": "slaBreached", "setValue": true,
               "autoUpdate": [{"fieldId": "priority", "value": "urgent"}]}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
}

#[test]
fn breach_instant_in_business_hours_with_holiday_and_pause_fires_once() {
    let s = Server::start_with(FAST);
    setup(&s);
    let id = create(&s, "Paused");
    assert_eq!(conversation(&s, id)["priority"], "normal");
    assert_eq!(
        count(&s, "SELECT count(*) FROM sla_due"),
        1,
        "the open resolution target waits in sla_due"
    );

    // pendingExternal Wed 10:00–12:00 EST, then back to pendingInternal
    set(&s, id, json!({"status": "pendingExternal"}));
    set(&s, id, json!({"status": "pendingInternal"}));
    backdate(&s, id);
    sql(
        &s,
        "UPDATE conversation_timeline SET item = json_set(item, '$.time',
             CASE json_extract(item, '$.status') WHEN 'pendingExternal' THEN '2026-01-07T15:00:00Z'
                  ELSE '2026-01-07T17:00:00Z' END)
         WHERE conversation_id = ?1 AND json_extract(item, '$.kind') = 'statusChanged'",
        [id],
    );

    // any change recomputes from the stored timeline: the breach is due and past, so it is
    // recorded and fires at once
    let c = set(&s, id, json!({"priority": "low"}));
    assert_eq!(c["resolveBreachAt"], "2026-01-08T16:00:00Z", "{c}");
    assert_eq!(c["priority"], "urgent", "slaBreached set the priority: {c}");
    let breaches = breach_history(&s, id);
    assert_eq!(breaches.len(), 1, "{breaches:?}");
    assert_eq!(breaches[0]["newValue"], "resolution");
    assert_eq!(breaches[0]["time"], "2026-01-08T16:00:00Z");
    assert_eq!(
        count(
            &s,
            "SELECT count(*) FROM sla_breaches WHERE target = 'resolution'
               AND breached_at = '2026-01-08T16:00:00.000Z'"
        ),
        1
    );
    assert_eq!(count(&s, "SELECT count(*) FROM sla_due"), 0);

    // later changes and worker rounds never fire it again
    let c = set(&s, id, json!({"priority": "low"}));
    assert_eq!(c["priority"], "low");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(conversation(&s, id)["priority"], "low");
    assert_eq!(breach_history(&s, id).len(), 1);
    assert_eq!(count(&s, "SELECT count(*) FROM sla_breaches"), 1);
}

#[test]
fn a_breach_due_while_down_fires_after_restart_once() {
    let mut s = Server::start_with(FAST);
    setup(&s);
    let id = create(&s, "Unattended");
    let due = conversation(&s, id)["resolveBreachAt"].clone();
    assert!(due.is_string(), "{due}");

    // not due yet: the worker leaves it alone
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(conversation(&s, id)["priority"], "normal");
    assert_eq!(count(&s, "SELECT count(*) FROM sla_breaches"), 0);

    // the server goes down; meanwhile the conversation's time passes its due instant
    s.restart(SLOW);
    backdate(&s, id);
    sql(
        &s,
        "UPDATE sla_due SET due_at = '2026-01-07T22:00:00.000Z'",
        [],
    );
    s.restart(FAST);
    wait_for("breach after restart", || {
        conversation(&s, id)["priority"] == "urgent"
    });
    let breaches = breach_history(&s, id);
    assert_eq!(breaches.len(), 1, "{breaches:?}");
    assert_eq!(breaches[0]["time"], "2026-01-07T22:00:00Z");
    assert_eq!(
        conversation(&s, id)["resolveBreachAt"],
        "2026-01-07T22:00:00Z"
    );
    assert_eq!(count(&s, "SELECT count(*) FROM sla_due"), 0);

    // another restart and more rounds: nothing fires twice
    set(&s, id, json!({"priority": "low"}));
    s.restart(FAST);
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(conversation(&s, id)["priority"], "low");
    assert_eq!(breach_history(&s, id).len(), 1);
    assert_eq!(count(&s, "SELECT count(*) FROM sla_breaches"), 1);
}
