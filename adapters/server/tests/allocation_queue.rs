//! The allocation queue over real HTTP (SPEC §5.3): round robin spreads five conversations
//! over two online agents 3/2; with every agent at capacity the sixth waits unassigned and is
//! allocated when an agent closes one, when an agent comes online, and when a conversation is
//! reassigned away from a full agent.

mod common;
use common::{Cred, Server};
use serde_json::{json, Value};

const BASE: &str = "/api/v3/anytime";

fn status(s: &Server, id: &str, cred: &Cred, status: &str) {
    let r = s.put(
        &format!("/api/v3/agents/{id}/status"),
        cred,
        json!({ "status": status }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
}

fn create(s: &Server, subject: &str) -> Value {
    let r = s.post(
        &format!("{BASE}/conversations"),
        &s.admin,
        json!({"subject": subject, "channel": "api",
               "message": {"type": "note", "htmlBody": "hi"}}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["conversation"].clone()
}

fn assignee(s: &Server, id: i64) -> Value {
    s.get(&format!("{BASE}/conversations/{id}"), &s.admin)
        .json()["conversation"]["agentAssigneeId"]
        .clone()
}

fn update(s: &Server, cred: &Cred, id: i64, body: Value) {
    let r = s.put(&format!("{BASE}/conversations/{id}"), cred, body);
    assert_eq!(r.status, 200, "{}", r.body);
}

#[test]
fn round_robin_capacity_queue_and_release() {
    let s = Server::start();
    let x = s.agent("a1@example.com", "agent");
    let y = s.agent("a2@example.com", "agent");
    let (a3, c3) = s.agent("a3@example.com", "agent");
    // round robin goes in agent id order: `first` gets turns 1, 3, 5 and may hold 3,
    // `second` turns 2, 4 and may hold 2
    let ((first, c_first), (second, c_second)) = if x.0 < y.0 { (x, y) } else { (y, x) };
    status(&s, &first, &c_first, "online");
    status(&s, &second, &c_second, "online");
    let pref = |id: &str, max: u32| json!({"agentId": id, "maxConcurrentCount": max, "ifAcceptAllocation": true});
    let r = s.put(
        &format!("{BASE}/autoAllocation"),
        &s.admin,
        json!({"enable": true, "defaultAllocationRule": {"allocationRule": "roundRobin"},
               "setMaxNumberForEachAgent": true,
               "agentPreferences": [pref(&first, 3), pref(&second, 2), pref(&a3, 1)]}),
    );
    assert_eq!(r.status, 200, "{}", r.body);

    let mut ids = Vec::new();
    let mut got = Vec::new();
    for i in 0..5 {
        let c = create(&s, &format!("c{i}"));
        ids.push(c["id"].as_i64().unwrap());
        got.push(c["agentAssigneeId"].as_str().unwrap().to_string());
    }
    assert_eq!(
        got,
        [&first, &second, &first, &second, &first].map(String::clone),
        "round robin 3/2"
    );

    // every agent is full: the sixth waits
    let sixth = create(&s, "c5");
    let sixth_id = sixth["id"].as_i64().unwrap();
    assert!(sixth["agentAssigneeId"].is_null(), "{sixth}");
    assert!(assignee(&s, sixth_id).is_null());

    // `second` closes one of its conversations: the sixth goes to it
    update(&s, &c_second, ids[1], json!({"status": "closed"}));
    assert_eq!(assignee(&s, sixth_id), json!(second));

    // a seventh waits until a3 comes online
    let seventh = create(&s, "c6")["id"].as_i64().unwrap();
    assert!(assignee(&s, seventh).is_null());
    status(&s, &a3, &c3, "online");
    assert_eq!(assignee(&s, seventh), json!(a3));

    // an eighth waits until a conversation of the full `first` is reassigned to the admin
    // (offline, so not a candidate)
    let eighth = create(&s, "c7")["id"].as_i64().unwrap();
    assert!(assignee(&s, eighth).is_null());
    let admin_id = s.get("/api/v3/agents", &s.admin).json()["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["role"] == "admin")
        .unwrap()["id"]
        .clone();
    update(&s, &s.admin, ids[0], json!({"agentAssigneeId": admin_id}));
    assert_eq!(assignee(&s, eighth), json!(first));

    // the queue's assignment is a system change in the history
    let h = s.get(&format!("{BASE}/conversations/{eighth}/history"), &s.admin);
    let entries = h.json()["history"].as_array().unwrap().clone();
    assert!(
        entries.iter().any(|e| e["field"] == "agentAssignee"
            && e["newValue"] == json!(first)
            && e["actorType"] == "system"),
        "{}",
        h.body
    );
}

#[test]
fn department_filters_set_department_members() {
    let s = Server::start();
    let (a1, _) = s.agent("a1@example.com", "agent");
    let (a2, _) = s.agent("a2@example.com", "agent");
    let r = s.post("/api/v3/departments", &s.admin, json!({"name": "Sales"}));
    assert_eq!(r.status, 201, "{}", r.body);
    let sales = r.json()["department"]["id"].as_str().unwrap().to_string();
    let nobody = "00000000-0000-0000-0000-000000000001";
    for (filters, field) in [
        (
            json!([{"departmentId": nobody, "agentIds": []}]),
            "departmentFilters[0].departmentId",
        ),
        (
            json!([{"departmentId": sales, "agentIds": [nobody]}]),
            "departmentFilters[0].agentIds[0]",
        ),
        (
            json!([{"departmentId": sales}]),
            "departmentFilters[0].agentIds",
        ),
        (json!({}), "departmentFilters"),
    ] {
        let r = s.put(
            &format!("{BASE}/autoAllocation"),
            &s.admin,
            json!({"enable": true, "departmentFilters": filters}),
        );
        assert_eq!(
            (r.status, r.error_fields()),
            (400, vec![field.to_string()]),
            "{}",
            r.body
        );
    }
    // nothing was saved by the refused requests
    let got = s.get(&format!("{BASE}/autoAllocation"), &s.admin).json();
    assert_eq!(got["autoAllocationSetting"]["enable"], false);

    let r = s.put(
        &format!("{BASE}/autoAllocation"),
        &s.admin,
        json!({"maxNumberForAll": 2, "departmentFilters": [{"departmentId": sales, "agentIds": [a1, a2, a1]}]}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.json()["autoAllocationSetting"]["maxNumberForAllAgents"],
        2
    );
    let d = s
        .get(&format!("/api/v3/departments/{sales}"), &s.admin)
        .json();
    let mut members: Vec<String> = d["department"]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap().to_string())
        .collect();
    members.sort();
    let mut expected = vec![a1.clone(), a2.clone()];
    expected.sort();
    assert_eq!(members, expected);
    let r = s.put(
        &format!("{BASE}/autoAllocation"),
        &s.admin,
        json!({"departmentFilters": [{"departmentId": sales, "agentIds": [a2]}]}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let d = s
        .get(&format!("/api/v3/departments/{sales}"), &s.admin)
        .json();
    assert_eq!(d["department"]["members"], json!([a2]));
}
