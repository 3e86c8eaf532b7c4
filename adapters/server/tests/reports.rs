//! Reports (SPEC §4.13) over real HTTP against a small data set counted by hand (the exact
//! arithmetic over fixed instants, DST and business time is in the core's report tests).
//!
//! Data, all made now: contact Carol submits P1 and P2 through the portal (2 created, 2
//! incoming, channel portal); agent Ann replies to P1 (1 outgoing, P1's first response),
//! closes P1 and reopens it (1 closed, 1 reopened), closes P2 (1 closed); the admin creates A
//! (channel api) with a note (1 created, neither incoming nor outgoing). An SLA policy with a
//! one-hour first response target covers all three, none breached.

mod common;
use common::Server;
use serde_json::{json, Value};

const BASE: &str = "/api/v3/anytime";
const R: &str = "/api/v3/anytime/reports";

fn ok(s: &Server, path: &str, cred: &common::Cred) -> Value {
    let r = s.get(path, cred);
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    r.json()
}

fn window() -> String {
    let now = anytime_store::now();
    let f = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    format!(
        "timeFrom={}&timeTo={}",
        f(now - chrono::Duration::days(1)),
        f(now + chrono::Duration::days(1))
    )
}

fn sum(list: &Value, key: &str) -> i64 {
    list.as_array()
        .unwrap()
        .iter()
        .map(|b| b[key].as_i64().unwrap())
        .sum()
}

#[test]
fn reports_match_a_hand_counted_data_set() {
    let s = Server::start();
    let (ann, ann_cred) = s.agent("ann@example.com", "agent");
    let (_, portal) = s.agent("portal@example.com", "portal");
    let r = s.put(
        &format!("/api/v3/agents/{ann}/status"),
        &ann_cred,
        json!({"status": "online"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = s.post(
        &format!("{BASE}/slaPolicies"),
        &s.admin,
        json!({"name": "Hour", "firstRespondWithin": 1, "operationalHour": "calendarHours"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let r = s.post(
        "/api/v3/contacts",
        &s.admin,
        json!({"name": "Carol", "email": "carol@example.com"}),
    );
    let carol = r.json()["contact"]["id"].as_str().unwrap().to_string();
    let submit = |subject: &str| {
        let r = s.post(
            &format!("{BASE}/portalConversations"),
            &portal,
            json!({"subject": subject, "contactId": carol, "message": {"plainBody": "help"}}),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        r.json()["portalConversation"]["id"].as_i64().unwrap()
    };
    let p1 = submit("P1");
    let p2 = submit("P2");
    let r = s.post(
        &format!("{BASE}/conversations/{p1}/messages"),
        &ann_cred,
        json!({"type": "reply", "htmlBody": "on it"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    for (id, status) in [(p1, "closed"), (p1, "pendingInternal"), (p2, "closed")] {
        let r = s.put(
            &format!("{BASE}/conversations/{id}"),
            &ann_cred,
            json!({ "status": status }),
        );
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let r = s.post(
        &format!("{BASE}/conversations"),
        &s.admin,
        json!({"subject": "A", "channel": "api", "message": {"type": "note", "htmlBody": "n"}}),
    );
    assert_eq!(r.status, 201, "{}", r.body);

    // rightNow: P1 pendingInternal and A new are open; both unassigned; Ann online
    let now = ok(&s, &format!("{R}/rightNow"), &ann_cred);
    assert_eq!(
        now["byStatus"],
        json!({"new": 1, "pendingInternal": 1, "pendingExternal": 0, "onHold": 0, "closed": 0})
    );
    assert_eq!(
        now["byPriority"],
        json!({"urgent": 0, "high": 0, "normal": 2, "low": 0})
    );
    assert_eq!(
        (
            now["unassigned"].clone(),
            now["agentsOnline"].clone(),
            now["overdue"].clone()
        ),
        (json!(2), json!(1), json!(0))
    );

    // volume: day buckets at Kathmandu midnight (UTC+05:45 → 18:15Z)
    let w = window();
    let v = ok(
        &s,
        &format!("{R}/volume?{w}&timeZone=Asia/Kathmandu&granularity=day"),
        &s.admin,
    );
    let buckets = &v["buckets"];
    assert!(
        (2..=3).contains(&buckets.as_array().unwrap().len()),
        "{buckets}"
    );
    for b in buckets.as_array().unwrap() {
        assert!(b["start"].as_str().unwrap().ends_with("T18:15:00Z"), "{b}");
    }
    let totals: Vec<i64> = ["created", "closed", "reopened", "incoming", "outgoing"]
        .iter()
        .map(|k| sum(buckets, k))
        .collect();
    assert_eq!(totals, vec![3, 2, 1, 2, 1]);
    let api_only = ok(&s, &format!("{R}/volume?{w}&channel=api"), &s.admin);
    assert_eq!(sum(&api_only["buckets"], "created"), 1);
    assert_eq!(sum(&api_only["buckets"], "incoming"), 0);

    // channel
    let c = ok(&s, &format!("{R}/channel?{w}"), &s.admin);
    let row = |name: &str| {
        c["channels"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["channel"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(
        row("portal"),
        json!({"channel": "portal", "created": 2, "closed": 2, "reopened": 1, "incoming": 2, "outgoing": 1})
    );
    assert_eq!(row("api")["created"], 1);
    assert_eq!(row("email")["created"], 0);

    // efficiency: one first response (P1), one resolution (P2 closed), Ann's one reply
    let e = ok(&s, &format!("{R}/efficiency?{w}"), &s.admin);
    assert_eq!(e["firstResponseTime"]["count"], 1);
    assert_eq!(e["resolutionTime"]["count"], 1);
    // the default calendar is open around the clock: business time equals calendar time
    assert_eq!(
        e["firstResponseTime"]["businessMean"],
        e["firstResponseTime"]["mean"]
    );
    assert_eq!(
        e["slaAchievement"],
        json!({"firstResponse": 1.0, "nextResponse": null, "resolution": null})
    );
    assert_eq!(e["repliesByAgent"], json!([{"agentId": ann, "replies": 1}]));
    // agentId filters by assignee: nobody is assigned
    let none = ok(&s, &format!("{R}/efficiency?{w}&agentId={ann}"), &s.admin);
    assert_eq!(none["firstResponseTime"]["count"], 0);

    // bad parameters name the field
    for (query, field) in [
        ("timeZone=Mars/Base", "timeZone"),
        ("granularity=year", "granularity"),
        ("channel=fax", "channel"),
        (
            "timeFrom=2020-01-01T00:00:00Z&timeTo=2026-01-01T00:00:00Z&granularity=hour",
            "granularity",
        ),
        (
            "timeFrom=2026-01-02T00:00:00Z&timeTo=2026-01-01T00:00:00Z",
            "timeFrom",
        ),
        ("surprise=1", "surprise"),
    ] {
        let r = s.get(&format!("{R}/volume?{query}"), &s.admin);
        assert_eq!(r.status, 400, "{query}: {}", r.body);
        assert!(
            r.error_fields().iter().any(|f| f == field),
            "{query}: {}",
            r.body
        );
    }
    // the portal credential may not read reports
    assert_eq!(s.get(&format!("{R}/rightNow"), &portal).status, 403);
}
