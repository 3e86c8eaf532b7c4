//! Admin rules (SPEC §4.4–4.8) and the new-conversation pipeline (§5.2–5.6) over real HTTP.

mod common;
use common::{Cred, Server};
use serde_json::{json, Value};

const BASE: &str = "/api/v3/anytime";
const NOBODY: &str = "00000000-0000-4000-8000-000000000000";

fn department(s: &Server, name: &str, members: &[&str]) -> String {
    let r = s.post(
        "/api/v3/departments",
        &s.admin,
        json!({"name": name, "members": members}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["department"]["id"].as_str().unwrap().to_string()
}

fn online(s: &Server, id: &str, cred: &Cred) {
    let r = s.put(
        &format!("/api/v3/agents/{id}/status"),
        cred,
        json!({"status": "online"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
}

fn conversation(s: &Server, subject: &str, channel: &str) -> Value {
    let r = s.post(
        &format!("{BASE}/conversations"),
        &s.admin,
        json!({"subject": subject, "channel": channel,
               "message": {"type": "note", "htmlBody": "hello"}}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["conversation"].clone()
}

fn outbox(s: &Server) -> Vec<(i64, String, String)> {
    let db = rusqlite::Connection::open(s.db()).unwrap();
    let mut stmt = db
        .prepare("SELECT conversation_id, subject, recipient FROM outbox ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn routing_rules_are_validated_sorted_copied_and_route_conversations() {
    let s = Server::start();
    let (vip_agent, _) = s.agent("vip@example.com", "agent");
    let billing = department(&s, "Billing", &[]);
    let fallback = department(&s, "Fallback", &[]);

    let got = s.get(&format!("{BASE}/routingRules"), &s.admin);
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.json()["routingRule"]["id"], 1);
    assert_eq!(got.json()["routingRule"]["isEnable"], false);

    // the core checks every rule on save, naming the field
    let rules = format!("{BASE}/routingRules/customRules");
    let bad = s.post(
        &rules,
        &s.admin,
        json!({"name": "x", "routeToObject": "department", "routeToId": NOBODY}),
    );
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert_eq!(bad.error_fields(), vec!["routeToId"]);
    let bad = s.post(
        &rules,
        &s.admin,
        json!({"name": "x", "routeToObject": "department", "routeToId": billing,
               "conditions": {"when": "logicalExpression", "logicalExpression": "1 AND (",
                 "list": [{"fieldId": "subject", "matchType": "contains", "value": "a"}]}}),
    );
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(
        bad.error_fields()[0].starts_with("conditions"),
        "{}",
        bad.body
    );
    let bad = s.post(
        &rules,
        &s.admin,
        json!({"name": "x", "routeToObject": "department", "routeToId": billing,
               "conditions": [{"fieldId": "priority", "matchType": "contains", "value": "zzz"}]}),
    );
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(
        bad.error_fields()[0].starts_with("conditions"),
        "{}",
        bad.body
    );
    let bad = s.post(&rules, &s.admin, json!({"nmae": "typo"}));
    assert_eq!(
        (bad.status, bad.error_fields()),
        (400, vec!["nmae".to_string()])
    );

    let r1 = s.post(
        &rules,
        &s.admin,
        json!({"name": "Refunds", "routeToObject": "department", "routeToId": billing,
               "conditions": [{"fieldId": "subject", "matchType": "contains", "value": "refund"}]}),
    );
    assert_eq!(r1.status, 201, "{}", r1.body);
    let r1 = r1.json()["customRule"]["id"].as_str().unwrap().to_string();
    // seed 002: `customerRules` path, `when`/`logicExpression` on the rule itself
    let r2 = s.post(
        &format!("{BASE}/routingRules/customerRules"),
        &s.admin,
        json!({"name": "VIP email", "routeToObject": "agent", "routeId": vip_agent,
               "routeToPriority": "urgent", "when": 2, "logicExpression": "1 AND 2",
               "conditions": [
                 {"fieldId": "channel", "matchType": "is", "value": "email"},
                 {"fieldId": "subject", "matchType": "contains", "value": "vip"}]}),
    );
    assert_eq!(r2.status, 201, "{}", r2.body);
    let r2 = r2.json()["customRule"].clone();
    assert_eq!(r2["orderIndex"], 2);
    assert_eq!(r2["conditions"]["when"], "logicalExpression");
    let r2 = r2["id"].as_str().unwrap().to_string();

    let sort = s.put(
        &format!("{rules}/{r2}/sort"),
        &s.admin,
        json!({"type": "up"}),
    );
    assert_eq!(sort.status, 204, "{}", sort.body);
    let list = s.get(&rules, &s.admin).json()["customRules"].clone();
    assert_eq!(list[0]["id"], json!(r2));
    assert_eq!(list[1]["id"], json!(r1));

    let copy = s.put(&format!("{rules}/{r1}/copy"), &s.admin, json!({}));
    assert_eq!(copy.status, 201, "{}", copy.body);
    let copy = copy.json()["customRule"].clone();
    assert_eq!(copy["name"], "Refunds (copy)");
    assert_eq!(copy["orderIndex"], 3);
    let copy_id = copy["id"].as_str().unwrap();
    let off = s.put(
        &format!("{rules}/{copy_id}/enable"),
        &s.admin,
        json!({"isEnable": false}),
    );
    assert_eq!(off.status, 204, "{}", off.body);
    assert_eq!(
        s.get(&format!("{rules}/{copy_id}"), &s.admin).json()["customRule"]["isEnable"],
        false
    );
    assert_eq!(
        s.delete(&format!("{rules}/{copy_id}"), &s.admin).status,
        204
    );
    assert_eq!(s.get(&format!("{rules}/{copy_id}"), &s.admin).status, 404);
    assert_eq!(
        s.delete(&format!("{rules}/{copy_id}"), &s.admin).status,
        404
    );
    let upd = s.put(
        &format!("{rules}/{r1}"),
        &s.admin,
        json!({"name": "Refund requests"}),
    );
    assert_eq!(upd.status, 200, "{}", upd.body);
    assert_eq!(upd.json()["customRule"]["routeToId"], json!(billing));

    // the configuration: seed spellings, and unknown ids named
    let bad = s.put(
        &format!("{BASE}/routingRules"),
        &s.admin,
        json!({"isEnable": true, "type": "rules", "matchFailedToObject": "department", "matchFailedToId": NOBODY}),
    );
    assert_eq!(
        (bad.status, bad.error_fields()),
        (400, vec!["matchFailedToId".to_string()])
    );
    let put = s.put(
        &format!("{BASE}/Routingrules/1"),
        &s.admin,
        json!({"enable": true, "type": "custromRules",
               "matchFailedRouteToObject": "department", "matchFailedRouteToId": fallback}),
    );
    assert_eq!(put.status, 200, "{}", put.body);
    let cfg = put.json()["routingRule"].clone();
    assert_eq!(
        (cfg["isEnable"].clone(), cfg["type"].clone()),
        (json!(true), json!("rules"))
    );
    assert_eq!(cfg["rules"].as_array().unwrap().len(), 2);

    // creating conversations runs the rules
    let vip = conversation(&s, "VIP refund", "email");
    assert_eq!(vip["agentAssigneeId"], json!(vip_agent));
    assert_eq!(vip["priority"], "urgent");
    let refund = conversation(&s, "refund please", "api");
    assert_eq!(refund["departmentAssigneeId"], json!(billing));
    assert!(refund["agentAssigneeId"].is_null());
    let other = conversation(&s, "hello", "api");
    assert_eq!(other["departmentAssigneeId"], json!(fallback));

    // routing off: nothing is assigned
    let off = s.put(
        &format!("{BASE}/routingRules/enable"),
        &s.admin,
        json!({"isEnable": false}),
    );
    assert_eq!(off.status, 204, "{}", off.body);
    let c = conversation(&s, "VIP refund", "email");
    assert!(
        c["agentAssigneeId"].is_null() && c["departmentAssigneeId"].is_null(),
        "{c}"
    );

    // agents read settings but may not change them
    let (_, agent) = s.agent("reader@example.com", "agent");
    assert_eq!(s.get(&format!("{BASE}/routingRules"), &agent).status, 200);
    assert_eq!(
        s.put(
            &format!("{BASE}/routingRules/enable"),
            &agent,
            json!({"enable": true})
        )
        .status,
        403
    );
}

#[test]
fn auto_allocation_round_robin_capacity_and_validation() {
    let s = Server::start();
    let (a1, c1) = s.agent("a1@example.com", "agent");
    let (a2, c2) = s.agent("a2@example.com", "agent");
    online(&s, &a1, &c1);
    online(&s, &a2, &c2);

    let got = s.get(&format!("{BASE}/autoAllocation"), &s.admin);
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.json()["autoAllocationSetting"]["enable"], false);
    let bad = s.put(
        &format!("{BASE}/autoAllocation"),
        &s.admin,
        json!({"allocationAgentPreferences": [{"agentId": NOBODY, "maxConcurrentCount": 1, "ifAcceptAllocation": true}]}),
    );
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert_eq!(bad.error_fields(), vec!["agentPreferences[0].agentId"]);
    let bad = s.put(
        &format!("{BASE}/autoAllocation"),
        &s.admin,
        json!({"maxNumberForAllAgents": -1}),
    );
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert_eq!(bad.error_fields(), vec!["maxNumberForAllAgents"]);

    let put = s.put(
        &format!("{BASE}/autoAllocation"),
        &s.admin,
        json!({"enable": true, "defaultAllocationRule": {"allocationRule": "roundRobin"},
               "maxNumberForAll": 0}),
    );
    assert_eq!(put.status, 200, "{}", put.body);
    let mut counts = std::collections::BTreeMap::new();
    let mut ids = Vec::new();
    for i in 0..5 {
        let c = conversation(&s, &format!("c{i}"), "api");
        *counts
            .entry(c["agentAssigneeId"].as_str().unwrap().to_string())
            .or_insert(0) += 1;
        ids.push(c["id"].as_i64().unwrap());
    }
    let mut spread: Vec<i32> = counts.values().copied().collect();
    spread.sort();
    assert_eq!(spread, vec![2, 3], "{counts:?}");

    // a capacity of 3 each: the sixth conversation waits unassigned
    let put = s.put(
        &format!("{BASE}/autoAllocation"),
        &s.admin,
        json!({"maxNumberForAllAgents": 3}),
    );
    assert_eq!(put.status, 200, "{}", put.body);
    let sixth = conversation(&s, "c5", "api");
    assert_eq!(
        sixth["agentAssigneeId"],
        json!(counts.keys().find(|k| counts[*k] == 2).unwrap())
    );
    let seventh = conversation(&s, "c6", "api");
    assert!(seventh["agentAssigneeId"].is_null(), "{seventh}");

    // disabled: nobody is allocated
    let off = s.put(
        &format!("{BASE}/autoAllocation/enable"),
        &s.admin,
        json!({"enable": false}),
    );
    assert_eq!(off.status, 204, "{}", off.body);
    assert_eq!(
        s.get(&format!("{BASE}/autoAllocation"), &s.admin).json()["autoAllocationSetting"]
            ["enable"],
        false
    );
    let _ = ids;
}

#[test]
fn triggers_validate_sort_and_fire_on_creation() {
    let s = Server::start();
    let (a1, _) = s.agent("a1@example.com", "agent");
    let t = format!("{BASE}/triggers");
    let bad = s.post(
        &t,
        &s.admin,
        json!({"name": "x", "event": "conversationCreated", "sendEmail": true, "sendToAgents": true,
               "toAgents": [a1], "subject": "{{conversation.nope}}", "plainText": "x"}),
    );
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(
        bad.error_fields().iter().any(|f| f.starts_with("subject")),
        "{}",
        bad.body
    );
    let bad = s.post(
        &t,
        &s.admin,
        json!({"name": "x", "event": 1, "sendEmail": true, "sendToAgents": true,
               "toAgents": [NOBODY], "subject": "s", "plainText": "x"}),
    );
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(
        bad.error_fields().iter().any(|f| f.starts_with("toAgents")),
        "{}",
        bad.body
    );
    let bad = s.post(&t, &s.admin, json!({"name": "x", "event": 99}));
    assert_eq!(
        (bad.status, bad.error_fields()),
        (400, vec!["event".to_string()])
    );

    let created = s.post(
        &t,
        &s.admin,
        json!({"name": "Urgent printers", "event": 1,
               "conditions": [{"fieldId": "subject", "matchType": "contains", "value": "printer"}],
               "setValue": true, "autoUpdate": [{"fieldId": "priority", "value": "urgent"}],
               "sendEmail": true, "sendToAgents": true, "toAgents": [a1],
               "subject": "New: {{conversation.subject}}", "plainText": "#{{conversation.id}}"}),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let first = created.json()["trigger"].clone();
    assert_eq!(first["event"], "conversationCreated");
    let first_id = first["id"].as_str().unwrap().to_string();
    // seed 002's draft model
    let second = s.post(
        &t,
        &s.admin,
        json!({"trigger": {"name": "Draft", "triggerEvent": 5, "ifEnable": false,
               "actions": [{"actionType": "SetValue", "fieldId": "priority", "value": "low"}]}}),
    );
    assert_eq!(second.status, 201, "{}", second.body);
    let second = second.json()["trigger"].clone();
    assert_eq!(
        (
            second["event"].clone(),
            second["enable"].clone(),
            second["orderIndex"].clone()
        ),
        (json!("statusIsChanged"), json!(false), json!(2))
    );
    let second_id = second["id"].as_str().unwrap().to_string();
    assert_eq!(
        s.put(
            &format!("{t}/{second_id}/sort"),
            &s.admin,
            json!({"type": "up"})
        )
        .status,
        204
    );
    let list = s.get(&t, &s.admin).json()["triggers"].clone();
    assert_eq!(list[0]["id"], json!(second_id));
    assert_eq!(
        s.put(
            &format!("{t}/{second_id}/enable"),
            &s.admin,
            json!({"enable": true})
        )
        .status,
        204
    );
    let upd = s.put(
        &format!("{t}/{second_id}"),
        &s.admin,
        json!({"name": "Renamed"}),
    );
    assert_eq!(upd.status, 200, "{}", upd.body);
    assert_eq!(
        (
            upd.json()["trigger"]["name"].clone(),
            upd.json()["trigger"]["enable"].clone()
        ),
        (json!("Renamed"), json!(true))
    );
    assert_eq!(s.delete(&format!("{t}/{second_id}"), &s.admin).status, 204);
    assert_eq!(s.get(&format!("{t}/{second_id}"), &s.admin).status, 404);
    assert_eq!(
        s.get(&format!("{t}/{first_id}"), &s.admin).json()["trigger"]["orderIndex"],
        1
    );

    let c = conversation(&s, "Printer on fire", "email");
    assert_eq!(c["priority"], "urgent");
    let quiet = conversation(&s, "Hello", "email");
    assert_ne!(quiet["priority"], "urgent");
    let mails = outbox(&s);
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0].0, c["id"].as_i64().unwrap());
    assert_eq!(mails[0].1, "New: Printer on fire");
    assert!(mails[0].2.contains(&a1), "{}", mails[0].2);
    let history = s.get(
        &format!("{BASE}/conversations/{}/history", c["id"]),
        &s.admin,
    );
    assert!(history.body.contains(&first_id), "{}", history.body);
}

#[test]
fn working_time_holidays_and_sla_policies() {
    let s = Server::start();
    let wt = format!("{BASE}/workingTime");
    assert_eq!(
        s.get(&wt, &s.admin).json()["workingTime"]["timeZone"],
        "UTC"
    );
    let bad = s.put(&wt, &s.admin, json!({"timeZone": "Mars/Olympus"}));
    assert_eq!(
        (bad.status, bad.error_fields()),
        (400, vec!["timeZone".to_string()])
    );
    let bad = s.put(&wt, &s.admin, json!({"mondayBusinessTime": {"isBusinessDay": true, "openHour": 17, "openMin": 0, "closeHour": 9, "closeMin": 0}}));
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(
        bad.error_fields()[0].starts_with("mondayBusinessTime"),
        "{}",
        bad.body
    );
    let day =
        json!({"isBusinessDay": true, "openHour": 9, "openMin": 0, "closeHour": 17, "closeMin": 0});
    let put = s.put(
        &wt,
        &s.admin,
        json!({"workingTimeSetting": {"timeZone": "Europe/Berlin",
        "mondayBusinessTime": day, "thusdayBusinessTime": day}}),
    );
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(
        put.json()["workingTime"]["thursdayBusinessTime"]["openHour"],
        9
    );

    let h = format!("{BASE}/holidays");
    let bad = s.post(&h, &s.admin, json!({"title": "x", "date": "2026-13-01"}));
    assert_eq!(
        (bad.status, bad.error_fields()),
        (400, vec!["date".to_string()])
    );
    let xmas = s.post(
        &h,
        &s.admin,
        json!({"title": "Christmas", "date": "2026-12-25"}),
    );
    assert_eq!(xmas.status, 201, "{}", xmas.body);
    let xmas_id = xmas.json()["holiday"]["id"].as_str().unwrap().to_string();
    let ny = s.post(
        &h,
        &s.admin,
        json!({"holiday": {"title": "New year", "date": "2027-01-01T00:00:00Z"}}),
    );
    assert_eq!(ny.json()["holiday"]["date"], "2027-01-01");
    let ny_id = ny.json()["holiday"]["id"].as_str().unwrap().to_string();
    let upd = s.put(
        &format!("{h}/{xmas_id}"),
        &s.admin,
        json!({"date": "2026-12-24"}),
    );
    assert_eq!(
        (upd.status, upd.json()["holiday"]["title"].clone()),
        (200, json!("Christmas"))
    );
    assert_eq!(s.delete(&format!("{h}?id={ny_id}"), &s.admin).status, 204);
    assert_eq!(s.get(&format!("{h}/{ny_id}"), &s.admin).status, 404);
    let both = s
        .get(&format!("{BASE}/workingTimeAndHolidays"), &s.admin)
        .json();
    assert_eq!(both["holidays"].as_array().unwrap().len(), 1);
    assert_eq!(both["workingTime"]["timeZone"], "Europe/Berlin");

    let p = format!("{BASE}/slaPolicies");
    let bad = s.post(&p, &s.admin, json!({"firstRespondWithin": -1}));
    assert_eq!(
        (bad.status, bad.error_fields()),
        (400, vec!["firstRespondWithin".to_string()])
    );
    let bad = s.post(
        &p,
        &s.admin,
        json!({"conditions": [{"fieldId": "nope", "matchType": "is", "value": "x"}]}),
    );
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(
        bad.error_fields()[0].starts_with("conditions"),
        "{}",
        bad.body
    );
    let urgent = s.post(
        "/api/v2/anytime/SLAPolicies",
        &s.admin,
        json!({"firstRespondWithin": 2, "resolveRespondWithin": 1.5, "operationalHour": "calenderHours",
               "conditions": [{"fieldId": "subject", "matchType": "contains", "value": "sla"}]}),
    );
    assert_eq!(urgent.status, 201, "{}", urgent.body);
    let policy = urgent.json()["slaPolicy"].clone();
    assert_eq!(
        (policy["name"].clone(), policy["operationalHour"].clone()),
        (json!("SLA policy 1"), json!("calendarHours"))
    );
    let second = s.post(&p, &s.admin, json!({"name": "Other", "enable": false}));
    let second_id = second.json()["slaPolicy"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        s.put(
            &format!("{p}/{second_id}/sort"),
            &s.admin,
            json!({"type": "up"})
        )
        .status,
        204
    );
    assert_eq!(
        s.get(&format!("{BASE}/sLAPolicies"), &s.admin).json()["slaPolicies"][0]["id"],
        json!(second_id)
    );
    assert_eq!(s.delete(&format!("{p}/{second_id}"), &s.admin).status, 204);

    // a new conversation gets its targets; an agent reply fulfils the first response
    let c = conversation(&s, "sla check", "api");
    let created = chrono_ms(c["createdTime"].as_str().unwrap());
    assert_eq!(c["slaPolicyId"], policy["id"]);
    assert_eq!(
        chrono_ms(c["firstRespondBreachAt"].as_str().unwrap()) - created,
        2 * 3_600_000
    );
    assert_eq!(
        chrono_ms(c["resolveBreachAt"].as_str().unwrap()) - created,
        5_400_000
    );
    let id = c["id"].as_i64().unwrap();
    let r = s.post(
        &format!("{BASE}/conversations/{id}/messages"),
        &s.admin,
        json!({"type": "reply", "htmlBody": "on it"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let after = s
        .get(&format!("{BASE}/conversations/{id}"), &s.admin)
        .json()["conversation"]
        .clone();
    assert!(after["firstRespondBreachAt"].is_null(), "{after}");
    // the reply waits on the contact: the resolution clock pauses (no due instant)
    assert_eq!(after["status"], "pendingExternal");
    assert!(after["resolveBreachAt"].is_null(), "{after}");
    assert_eq!(after["slaPolicyId"], policy["id"]);
    // no policy matches: no SLA
    let plain = conversation(&s, "hello", "api");
    assert!(
        plain["slaPolicyId"].is_null() && plain["firstRespondBreachAt"].is_null(),
        "{plain}"
    );
}

/// Milliseconds since the epoch of an RFC 3339 UTC time (no date library needed).
fn chrono_ms(t: &str) -> i64 {
    // YYYY-MM-DDTHH:MM:SS(.mmm)Z
    let n = |a: usize, b: usize| t[a..b].parse::<i64>().unwrap();
    let (y, mo, d) = (n(0, 4), n(5, 7), n(8, 10));
    let (h, mi, s) = (n(11, 13), n(14, 16), n(17, 19));
    let ms = if t.as_bytes().get(19) == Some(&b'.') {
        n(20, 23)
    } else {
        0
    };
    // days from civil (Howard Hinnant)
    let y2 = if mo <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    ((days * 24 + h) * 60 + mi) * 60_000 + s * 1000 + ms
}
