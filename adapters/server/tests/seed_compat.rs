//! Seed compatibility (SPEC Appendix A) over real HTTP: for each alias family, a request in the
//! seeds' own spellings stores the same object as the SPEC-named request (read back through the
//! v3 API, which answers in SPEC names), and unknown fields stay a 400.

mod common;
use common::Server;
use serde_json::{json, Value};

const BASE: &str = "/api/v3/anytime";

fn department(s: &Server, name: &str) -> String {
    let r = s.post(
        "/api/v3/departments",
        &s.admin,
        json!({"name": name, "members": []}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["department"]["id"].as_str().unwrap().to_string()
}

/// `v` without the keys the server assigns (ids, numbers, times), at any depth.
fn assigned_removed(v: &Value) -> Value {
    const ASSIGNED: &[&str] = &[
        "id",
        "number",
        "createdTime",
        "updatedTime",
        "isDefault",
        "forwardEmailTo",
    ];
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !ASSIGNED.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), assigned_removed(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(assigned_removed).collect()),
        other => other.clone(),
    }
}

/// Creates through `path` with `body`, reads the object back by its id under `key`.
fn created(s: &Server, path: &str, key: &str, body: Value) -> Value {
    let r = s.post(path, &s.admin, body);
    assert_eq!(r.status, 201, "{path}: {}", r.body);
    let id = r.json()[key]["id"].as_str().unwrap().to_string();
    let back = s.get(&format!("{path}/{id}"), &s.admin);
    assert_eq!(back.status, 200, "{}", back.body);
    back.json()[key].clone()
}

/// Deletes every item of a list resource, so the next create lands at the same place.
fn clear(s: &Server, path: &str, key: &str) {
    for item in s.get(path, &s.admin).json()[key].as_array().unwrap() {
        let id = item["id"].as_str().unwrap();
        assert_eq!(s.delete(&format!("{path}/{id}"), &s.admin).status, 204);
    }
}

#[test]
fn conditions_seed_spellings() {
    let s = Server::start();
    // seed 002: numeric `when` and `ConditionMatchType`, `FieldId`, `index` ordering, seed 001
    // `type` on a condition and `logicExpression`
    let seed = json!({"when": 2, "logicExpression": "1 AND NOT 2", "list": [
        {"id": 2, "FieldId": "subject", "ConditionMatchType": 6, "value": "spam", "index": 2},
        {"type": "trigger", "fieldId": "channel", "ConditionMatchType": 1, "value": "email", "index": 1}
    ]});
    let spec = json!({"when": "logicalExpression", "logicalExpression": "1 AND NOT 2", "list": [
        {"fieldId": "channel", "matchType": "is", "value": "email"},
        {"id": "2", "fieldId": "subject", "matchType": "notContains", "value": "spam"}
    ]});
    for (path, key, list_key, extra) in [
        (
            format!("{BASE}/triggers"),
            "trigger",
            "triggers",
            json!({"name": "t", "event": "conversationCreated"}),
        ),
        (
            format!("{BASE}/slaPolicies"),
            "slaPolicy",
            "slaPolicies",
            json!({"name": "p", "firstRespondWithin": 2}),
        ),
        (
            format!("{BASE}/routingRules/customRules"),
            "customRule",
            "customRules",
            json!({"name": "r", "routeToObject": "department", "routeToId": department(&s, "D")}),
        ),
    ] {
        let with = |c: &Value| {
            let mut b = extra.clone();
            b["conditions"] = c.clone();
            b
        };
        let from_seed = created(&s, &path, key, with(&seed));
        clear(&s, &path, list_key);
        let from_spec = created(&s, &path, key, with(&spec));
        assert_eq!(
            assigned_removed(&from_seed),
            assigned_removed(&from_spec),
            "{path}"
        );
        assert_eq!(
            from_seed["conditions"]["list"][0]["fieldId"], "channel",
            "`index` orders the list"
        );
        assert_eq!(from_seed["conditions"]["when"], "logicalExpression");
        // a numeric field id is text; `Between` (9) has no SPEC match type
        let bad = s.post(
            &path,
            &s.admin,
            with(&json!([{"FieldId": "subject", "ConditionMatchType": 9, "value": "a"}])),
        );
        assert_eq!(
            (bad.status, bad.error_fields()),
            (400, vec!["conditions[0].matchType".to_string()]),
            "{path}"
        );
        // unknown keys inside conditions stay a 400 naming them
        let bad = s.post(&path, &s.admin, with(&json!({"wehn": "all", "list": []})));
        assert_eq!(
            (bad.status, bad.error_fields()),
            (400, vec!["conditions.wehn".to_string()]),
            "{path}"
        );
    }
}

fn routing(s: &Server) -> Value {
    let r = s.get(&format!("{BASE}/routingRules"), &s.admin);
    assert_eq!(r.status, 200, "{}", r.body);
    let mut v = r.json()["routingRule"].clone();
    for rule in v["rules"].as_array_mut().unwrap() {
        rule.as_object_mut().unwrap().remove("id");
    }
    v
}

#[test]
fn routing_seed_bodies() {
    let s = Server::start();
    let (agent, _) = s.agent("a@example.com", "agent");
    let d = department(&s, "Fallback");
    // seed 002's routing rule object (line 592 on), wrapped as seed 002 wraps it
    let seed = s.put(
        &format!("{BASE}/Routingrules/1"),
        &s.admin,
        json!({"routingRule": {
        "id": 1, "enable": true, "type": "cusomterrules",
        "SimpleRouteToObject": "agent", "SimpleRouteToId": agent, "SimpleRouteToPriority": "high",
        "matchFailedRouteToObject": "department", "matchFailedRouteToId": d,
        "matchFailedRouteToPriority": "low",
        "customerRouteRules": [
            {"id": 5, "enable": true, "name": "second", "when": 0, "index": 2,
             "routeToObject": "agent", "routeToId": agent, "routeToPriority": "urgent",
             "conditions": [{"FieldId": "subject", "ConditionMatchType": 5, "value": "b"}]},
            {"id": 6, "isEnable": false, "name": "first", "when": 1, "index": 1,
             "routeToObject": "department", "routeId": d, "routeToPriority": "normal",
             "conditions": [{"fieldId": "subject", "matchType": "contains", "value": "a"}]}
        ]}}),
    );
    assert_eq!(seed.status, 200, "{}", seed.body);
    let from_seed = routing(&s);
    let spec = s.put(
        &format!("{BASE}/routingRules"),
        &s.admin,
        json!({
            "isEnable": true, "type": "rules",
            "simpleRouteToObject": "agent", "simpleRouteToId": agent, "simpleRouteToPriority": "high",
            "matchFailedToObject": "department", "matchFailedToId": d, "matchFailedToPriority": "low",
            "rules": [
                {"isEnable": false, "name": "first", "orderIndex": 1,
                 "routeToObject": "department", "routeToId": d, "routeToPriority": "normal",
                 "conditions": {"when": "all", "list": [{"fieldId": "subject", "matchType": "contains", "value": "a"}]}},
                {"isEnable": true, "name": "second", "orderIndex": 2,
                 "routeToObject": "agent", "routeToId": agent, "routeToPriority": "urgent",
                 "conditions": {"when": "any", "list": [{"fieldId": "subject", "matchType": "contains", "value": "b"}]}}
            ]}),
    );
    assert_eq!(spec.status, 200, "{}", spec.body);
    assert_eq!(from_seed, routing(&s));
    assert_eq!(from_seed["id"], 1);
    assert_eq!(from_seed["rules"][0]["name"], "first");
    // seed 001 spellings: `simpleRoutePriority`, `matchFailedrouteToId`, `custromRules`
    let seed = s.put(
        &format!("{BASE}/routingRules"),
        &s.admin,
        json!({"enable": false, "type": "custromRules", "simpleRoutePriority": "urgent",
               "matchFailedrouteToId": d}),
    );
    assert_eq!(seed.status, 200, "{}", seed.body);
    let cfg = routing(&s);
    assert_eq!(
        (
            &cfg["isEnable"],
            &cfg["type"],
            &cfg["simpleRouteToPriority"],
            &cfg["matchFailedToId"]
        ),
        (&json!(false), &json!("rules"), &json!("urgent"), &json!(d))
    );
    // a wrapped custom rule, and unknown keys named
    let wrapped = s.post(
        &format!("{BASE}/routingRules/customRules"),
        &s.admin,
        json!({"customerRule": {"name": "w", "index": 1, "routeToObject": "department", "routeId": d}}),
    );
    assert_eq!(wrapped.status, 201, "{}", wrapped.body);
    assert_eq!(wrapped.json()["customRule"]["orderIndex"], 1);
    let bad = s.put(
        &format!("{BASE}/routingRules"),
        &s.admin,
        json!({"enabel": true}),
    );
    assert_eq!(
        (bad.status, bad.error_fields()),
        (400, vec!["enabel".to_string()])
    );
}

#[test]
fn sla_seed_bodies() {
    let s = Server::start();
    let path = format!("{BASE}/slaPolicies");
    // seed 001: `SLAPolicy` envelope, `calenderHours`, no name
    let from_seed = created(
        &s,
        &path,
        "slaPolicy",
        json!({"SLAPolicy": {"operationalHour": "calenderHours", "firstRespondWithin": 1.5,
               "resolveRespondWithin": 8, "isEnable": true}}),
    );
    clear(&s, &path, "slaPolicies");
    let from_spec = created(
        &s,
        &path,
        "slaPolicy",
        json!({"name": "SLA policy 1", "operationalHour": "calendarHours",
               "firstRespondWithin": 1.5, "resolveRespondWithin": 8, "enable": true}),
    );
    assert_eq!(assigned_removed(&from_seed), assigned_removed(&from_spec));
    assert_eq!(from_seed["operationalHour"], "calendarHours");
    assert_eq!(from_seed["name"], "SLA policy 1");
    // the old v2 path is the same resource
    let v2 = s.get("/api/v2/anytime/slaPolicies", &s.admin);
    assert_eq!(v2.status, 200, "{}", v2.body);
    assert_eq!(v2.json()["slaPolicies"].as_array().unwrap().len(), 1);
    let bad = s.post(&path, &s.admin, json!({"operationalHour": "lunarHours"}));
    assert_eq!(
        (bad.status, bad.error_fields()),
        (400, vec!["operationalHour".to_string()])
    );
}

#[test]
fn triggers_seed_bodies() {
    let s = Server::start();
    let (agent, _) = s.agent("a@example.com", "agent");
    let path = format!("{BASE}/triggers");
    // seed 002's draft model (line 705 on): flags with their seed names, and `actions`
    let from_seed = created(
        &s,
        &path,
        "trigger",
        json!({"trigger": {
        "name": "Seed", "triggerEvent": 6, "ifEnable": true, "orderId": 1,
        "ifSendEmailToContacts": false, "ifShownInTicketCorresdence": true,
        "stayTimeSpan": 30, "stayStatus": "pendingExternal",
        "conditions": {"when": 1, "list": [{"FieldId": "priority", "ConditionMatchType": 1, "value": "high"}]},
        "actions": [
            {"actionType": "SetValue", "fieldId": "priority", "value": "urgent"},
            {"actionType": "SendEmail", "subject": "Waiting", "htmlBody": "<p>w</p>", "textBody": "w"},
            {"actionType": "ToAgent", "agentIds": [agent]}
        ]}}),
    );
    clear(&s, &path, "triggers");
    let from_spec = created(
        &s,
        &path,
        "trigger",
        json!({
            "name": "Seed", "event": "staysAtStatusPeriod", "enable": true, "orderIndex": 1,
            "sendToContacts": false, "showInConversationCorrespondences": true,
            "stayMinutes": 30, "stayStatus": "pendingExternal",
            "conditions": {"when": "all", "list": [{"fieldId": "priority", "matchType": "is", "value": "high"}]},
            "setValue": true, "autoUpdate": [{"fieldId": "priority", "value": "urgent"}],
            "sendEmail": true, "subject": "Waiting", "htmlText": "<p>w</p>", "plainText": "w",
            "sendToAgents": true, "toAgents": [agent]}),
    );
    assert_eq!(assigned_removed(&from_seed), assigned_removed(&from_spec));
    assert_eq!(from_seed["event"], "staysAtStatusPeriod");
    assert_eq!(from_seed["stayMinutes"], 30);
    // `ToConversationContact` and `SetEmailContent`
    clear(&s, &path, "triggers");
    let contact = created(
        &s,
        &path,
        "trigger",
        json!({"name": "c", "triggerEvent": "agentReplied", "actions": [
            {"actionType": "ToConversationContact"},
            {"actionType": "SetEmailContent", "subject": "s", "textBody": "t"}]}),
    );
    assert_eq!(
        (
            &contact["sendToContacts"],
            &contact["sendEmail"],
            &contact["subject"]
        ),
        (&json!(true), &json!(true), &json!("s"))
    );
    let bad = s.post(
        &path,
        &s.admin,
        json!({"name": "x", "event": 1, "actions": [{"actionType": "Explode"}]}),
    );
    assert_eq!(
        (bad.status, bad.error_fields()),
        (400, vec!["actions[0].actionType".to_string()])
    );
}

#[test]
fn working_time_and_allocation_seed_bodies() {
    let s = Server::start();
    let day =
        json!({"isBusinessDay": true, "openHour": 9, "openMin": 0, "closeHour": 17, "closeMin": 0});
    let wt = format!("{BASE}/workingTime");
    let seed = s.put(
        &wt,
        &s.admin,
        json!({"workingTimeSetting": {"timeZone": "Europe/Paris", "thusdayBusinessTime": day}}),
    );
    assert_eq!(seed.status, 200, "{}", seed.body);
    let from_seed = s.get(&wt, &s.admin).json();
    let spec = s.put(
        &wt,
        &s.admin,
        json!({"timeZone": "Europe/Paris", "thursdayBusinessTime": day}),
    );
    assert_eq!(spec.status, 200, "{}", spec.body);
    assert_eq!(from_seed, s.get(&wt, &s.admin).json());
    assert_eq!(from_seed["workingTime"]["thursdayBusinessTime"], day);
    assert!(!from_seed.to_string().contains("thusday"));

    let (agent, _) = s.agent("a@example.com", "agent");
    let d = department(&s, "D");
    let aa = format!("{BASE}/autoAllocation");
    let seed = s.put(
        &aa,
        &s.admin,
        json!({"autoAllocationSetting": {"enable": true, "isEnabledDepartment": true,
            "allocationRuleSettings": [{"departmentId": d, "allocationTo": "department", "allocationRule": "roundRobin"}],
            "maxNumberForAll": 4,
            "allocationAgentPreferences": [{"agentId": agent, "maxConcurrentCount": 2, "ifAcceptAllocation": false}]}}),
    );
    assert_eq!(seed.status, 200, "{}", seed.body);
    let from_seed = s.get(&aa, &s.admin).json();
    let spec = s.put(
        &aa,
        &s.admin,
        json!({"enable": true, "isEnabledDepartment": true,
            "departmentAllocationRule": [{"departmentId": d, "allocationTo": "department", "allocationRule": "roundRobin"}],
            "maxNumberForAllAgents": 4,
            "agentPreferences": [{"agentId": agent, "maxConcurrentCount": 2, "ifAcceptAllocation": false}]}),
    );
    assert_eq!(spec.status, 200, "{}", spec.body);
    assert_eq!(from_seed, s.get(&aa, &s.admin).json());
    assert!(from_seed
        .to_string()
        .contains("\"maxNumberForAllAgents\":4"));
}

#[test]
fn department_filters_match_the_departments_api() {
    let s = Server::start();
    let (a1, _) = s.agent("a1@example.com", "agent");
    let (a2, _) = s.agent("a2@example.com", "agent");
    let d = department(&s, "Sales");
    let read = |s: &Server| {
        let mut v = s.get(&format!("/api/v3/departments/{d}"), &s.admin).json();
        if let Some(m) = v["department"]["members"].as_array_mut() {
            m.sort_by(|x, y| x.as_str().cmp(&y.as_str()));
        }
        assigned_removed(&v)
    };
    // seed 000 (line 126): `departmentFilters` on the auto allocation body
    let seed = s.put(
        &format!("{BASE}/autoAllocation"),
        &s.admin,
        json!({"autoAllocationSetting": {"departmentFilters": [{"departmentId": d, "agentIds": [a1, a2]}]}}),
    );
    assert_eq!(seed.status, 200, "{}", seed.body);
    let from_seed = read(&s);
    let reset = s.put(
        &format!("/api/v3/departments/{d}"),
        &s.admin,
        json!({"members": []}),
    );
    assert_eq!(reset.status, 200, "{}", reset.body);
    assert_ne!(read(&s), from_seed);
    // the SPEC's way: the departments API
    let spec = s.put(
        &format!("/api/v3/departments/{d}"),
        &s.admin,
        json!({"members": [a1, a2]}),
    );
    assert_eq!(spec.status, 200, "{}", spec.body);
    assert_eq!(from_seed, read(&s));
}

#[test]
fn email_account_seed_bodies() {
    let s = Server::start();
    let (agent, _) = s.agent("a@example.com", "agent");
    let d = department(&s, "Support");
    let path = format!("{BASE}/emailAccounts");
    let server = json!({"userName": "help@example.com", "incomingServer": "127.0.0.1",
                        "incomingServerPort": 993, "useSSL": true});
    // seed 000's account: `IMAP`, `IMAPServer`, `assigneedDepartment`, `status` boolean
    let from_seed = created(
        &s,
        &path,
        "emailAccount",
        json!({"emailAccount": {"type": "IMAP", "businessEmail": "help@example.com",
               "displayName": "Help", "IMAPServer": server, "assigneedDepartment": d,
               "assigneedAgent": agent, "status": true, "enable": true}}),
    );
    let from_spec = created(
        &s,
        &path,
        "emailAccount",
        json!({"type": "imap", "businessEmail": "help@example.com", "displayName": "Help",
               "serverInfo": server, "assignedDepartmentId": d, "assignedAgentId": agent,
               "enable": true}),
    );
    assert_eq!(assigned_removed(&from_seed), assigned_removed(&from_spec));
    assert_eq!(from_seed["type"], "imap");
    assert_eq!(
        from_seed["status"], "unknown",
        "status is measured, not set"
    );
    // seed 001 / 002 spellings: `Email Forwording`, `emailForwordingServer`, `email`,
    // `assignedDepartment`, `departmentAssigneeId`-style agent key
    let fwd = created(
        &s,
        &path,
        "emailAccount",
        json!({"type": "Email Forwording", "email": "fwd@example.com",
               "emailForwordingServer": {"useOwnSMTPServer": false},
               "assignedDepartment": d, "agentAssigneeId": agent}),
    );
    assert_eq!(
        (
            &fwd["type"],
            &fwd["businessEmail"],
            &fwd["assignedDepartmentId"],
            &fwd["assignedAgentId"]
        ),
        (
            &json!("emailForwarding"),
            &json!("fwd@example.com"),
            &json!(d),
            &json!(agent)
        )
    );
    let ex = s.post(
        &path,
        &s.admin,
        json!({"type": "Exchange", "businessEmail": "ex@example.com",
               "exchangeServer": {"userName": "ex", "serverUrl": "https://127.0.0.1/ews"}}),
    );
    assert_eq!(ex.status, 201, "{}", ex.body);
    assert_eq!(ex.json()["emailAccount"]["type"], "exchange");
    for (body, field) in [
        (
            json!({"type": "imap", "businessEmail": "x@example.com", "status": "ok"}),
            "status",
        ),
        (
            json!({"type": "imap", "businessEmail": "x@example.com", "colour": 1}),
            "colour",
        ),
    ] {
        let bad = s.post(&path, &s.admin, body);
        assert_eq!(
            (bad.status, bad.error_fields()),
            (400, vec![field.to_string()])
        );
    }
}

/// An `Email` channel account body (seed 003) whose linked account is `info`.
fn email_channel(address: &str, info: Value) -> Value {
    json!({"appId": "Email", "originalAccountId": address, "name": "Help desk",
           "isEnabled": true, "screenName": "Help", "isBotEnabled": false,
           "percentageToBotWhenOnline": 0, "percentageToBotWhenOffline": 0,
           "isDefault": false, "emailAccountInfo": info})
}

#[test]
fn email_account_info_on_email_channel_accounts() {
    let s = Server::start();
    let v4 = "/api/v4/ticketing/channelAccounts";
    let v3 = format!("{BASE}/emailAccounts");
    let server = json!({"userName": "help@example.com", "incomingServer": "127.0.0.1",
                        "incomingServerPort": 993, "useSSL": true});
    // seed 003 sends emailAccountInfo as a JSON string, here with the seed spellings of the
    // account's keys; the SPEC-named request sends the object
    let seed = json!({"Type": "IMAP", "email": "help@example.com", "displayName": "Help",
                      "IMAPServer": server})
    .to_string();
    let spec = json!({"type": "imap", "businessEmail": "help@example.com",
                      "displayName": "Help", "serverInfo": server});
    let mut stored = Vec::new();
    for info in [json!(seed), spec] {
        let r = s.post(v4, &s.admin, email_channel("help@example.com", info));
        assert_eq!(r.status, 201, "{}", r.body);
        let id = r.json()["id"].as_str().unwrap().to_string();
        let account = s.get(&format!("{v3}/{id}"), &s.admin);
        assert_eq!(account.status, 200, "{}", account.body);
        let account = account.json()["emailAccount"].clone();
        assert_eq!(
            (
                &account["type"],
                &account["businessEmail"],
                &account["displayName"]
            ),
            (&json!("imap"), &json!("help@example.com"), &json!("Help"))
        );
        assert_eq!(account["serverInfo"]["incomingServer"], "127.0.0.1");
        // v4 shows the linked account's four keys in SPEC names
        let back = s.get(&format!("{v4}/{id}"), &s.admin).json();
        assert_eq!(
            back["emailAccountInfo"],
            json!({"type": "imap", "businessEmail": "help@example.com",
                   "displayName": "Help", "serverInfo": account["serverInfo"]}),
            "{back}"
        );
        stored.push((id, account));
    }
    assert_eq!(
        assigned_removed(&stored[0].1),
        assigned_removed(&stored[1].1)
    );

    // an update through emailAccountInfo changes the email account
    let (id, _) = &stored[0];
    let r = s.put(
        &format!("{v4}/{id}"),
        &s.admin,
        email_channel(
            "help@example.com",
            json!({"displayName": "Help desk", "serverInfo": {"userName": "help@example.com",
                   "incomingServer": "127.0.0.2", "incomingServerPort": 143, "useSSL": false}}),
        ),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["emailAccountInfo"]["displayName"], "Help desk");
    let account = s.get(&format!("{v3}/{id}"), &s.admin).json()["emailAccount"].clone();
    assert_eq!(
        (
            &account["displayName"],
            &account["serverInfo"]["incomingServer"],
            &account["serverInfo"]["incomingServerPort"],
            &account["type"]
        ),
        (
            &json!("Help desk"),
            &json!("127.0.0.2"),
            &json!(143),
            &json!("imap")
        )
    );

    // unknown keys stay a 400 naming the nested field; a non-Email account ignores it
    let r = s.post(
        v4,
        &s.admin,
        email_channel("x@example.com", json!({"type": "imap", "colour": 1})),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(
        r.error_fields(),
        vec!["emailAccountInfo.colour"],
        "{}",
        r.body
    );
}

/// The spellings the family tests above do not send: each seed-literal request stores what
/// the SPEC-named one does.
#[test]
fn remaining_seed_spellings() {
    let s = Server::start();
    let (agent, _) = s.agent("a@example.com", "agent");
    let d = department(&s, "Support");
    // seed 001:205 wraps a custom rule as `customRule`
    let rules = format!("{BASE}/routingRules/customRules");
    let rule = json!({"name": "r", "routeToObject": "department", "routeToId": d});
    let from_seed = created(
        &s,
        &rules,
        "customRule",
        json!({ "customRule": rule.clone() }),
    );
    clear(&s, &rules, "customRules");
    let from_spec = created(&s, &rules, "customRule", rule.clone());
    assert_eq!(assigned_removed(&from_seed), assigned_removed(&from_spec));
    // seed 002:610–611 put `when` and `logicExpression` on the custom rule itself
    clear(&s, &rules, "customRules");
    let list = json!([{"fieldId": "channel", "matchType": "is", "value": "email"},
                      {"fieldId": "subject", "matchType": "contains", "value": "vip"}]);
    let lifted = created(
        &s,
        &rules,
        "customRule",
        json!({"name": "vip", "routeToObject": "department", "routeToId": d,
               "when": 2, "logicExpression": "1 AND 2", "conditions": list}),
    );
    clear(&s, &rules, "customRules");
    let nested = created(
        &s,
        &rules,
        "customRule",
        json!({"name": "vip", "routeToObject": "department", "routeToId": d,
               "conditions": {"when": "logicalExpression", "logicalExpression": "1 AND 2",
                              "list": list}}),
    );
    assert_eq!(assigned_removed(&lifted), assigned_removed(&nested));
    assert_eq!(lifted["conditions"]["logicalExpression"], "1 AND 2");
    let id = nested["id"].as_str().unwrap();
    assert_eq!(s.delete(&format!("{rules}/{id}"), &s.admin).status, 204);
    let from_spec = created(&s, &rules, "customRule", rule);
    // seed 002:692 deletes a custom rule without the routing `{id}`
    let id = from_spec["id"].as_str().unwrap();
    let del = s.delete(&format!("{BASE}/Routingrules/customerrules/{id}"), &s.admin);
    assert_eq!(del.status, 204, "{}", del.body);
    // seed 001:200's `customRules` as the routing type
    let r = s.put(
        &format!("{BASE}/routingRules"),
        &s.admin,
        json!({"type": "customRules"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["routingRule"]["type"], "rules");

    // seed 001's account: `Email Forwarding`, `emailForwardingServer`, `assignedAgent`;
    // seed 002's `departmentAssigneeId`
    let accounts = format!("{BASE}/emailAccounts");
    let server = json!({"useOwnSMTPServer": false});
    let from_seed = created(
        &s,
        &accounts,
        "emailAccount",
        json!({"type": "Email Forwarding", "businessEmail": "fwd@example.com",
               "emailForwardingServer": server, "assignedAgent": agent,
               "departmentAssigneeId": d}),
    );
    let from_spec = created(
        &s,
        &accounts,
        "emailAccount",
        json!({"type": "emailForwarding", "businessEmail": "fwd@example.com",
               "serverInfo": server, "assignedAgentId": agent, "assignedDepartmentId": d}),
    );
    assert_eq!(assigned_removed(&from_seed), assigned_removed(&from_spec));
    assert_eq!(from_seed["assignedAgentId"], json!(agent));

    // resource segments in any case (seed 002:85 `sLAPolicies`, 002:27
    // `deletedconversations`, seed 001:430 `SLAPolicies` under v2)
    for (seed, spec) in [
        (format!("{BASE}/sLAPolicies"), format!("{BASE}/slaPolicies")),
        (
            "/api/v2/anytime/SLAPolicies".to_string(),
            format!("{BASE}/slaPolicies"),
        ),
        (
            format!("{BASE}/deletedconversations"),
            format!("{BASE}/deletedConversations"),
        ),
    ] {
        // page links echo the path as the client spelled it
        let unlinked = |mut v: Value| {
            for key in ["currentPage", "previousPage", "nextPage"] {
                v.as_object_mut().map(|m| m.remove(key));
            }
            v
        };
        let a = s.get(&seed, &s.admin);
        assert_eq!(a.status, 200, "{seed}: {}", a.body);
        assert_eq!(
            unlinked(a.json()),
            unlinked(s.get(&spec, &s.admin).json()),
            "{seed}"
        );
    }
}

#[test]
fn seed_paths() {
    let s = Server::start();
    let d = department(&s, "Billing");
    // `/api/v3/anytime/departments…` is `/api/v3/departments…`
    let via_alias = s.get(&format!("{BASE}/departments/{d}"), &s.admin);
    assert_eq!(via_alias.status, 200, "{}", via_alias.body);
    assert_eq!(via_alias.json()["department"]["name"], "Billing");
    assert_eq!(
        s.get(&format!("{BASE}/departments"), &s.admin).json(),
        s.get("/api/v3/departments", &s.admin).json()
    );

    // seed 002's custom-rule paths under `Routingrules/{id}/customerrules` (`{id}` ignored)
    let rules = format!("{BASE}/Routingrules/1/customerrules");
    let a = s.post(
        &rules,
        &s.admin,
        json!({"name": "a", "routeToObject": "department", "routeToId": d}),
    );
    assert_eq!(a.status, 201, "{}", a.body);
    let a = a.json()["customRule"]["id"].as_str().unwrap().to_string();
    let copy = s.put(&format!("{rules}/{a}/copy"), &s.admin, json!({}));
    assert_eq!(copy.status, 201, "{}", copy.body);
    let b = copy.json()["customRule"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let sort = s.put(
        &format!("{rules}/{b}/sort"),
        &s.admin,
        json!({"type": "up"}),
    );
    assert_eq!(sort.status, 204, "{}", sort.body);
    let list = s.get(&rules, &s.admin);
    assert_eq!(list.status, 200, "{}", list.body);
    assert_eq!(list.json()["customRules"][0]["id"], json!(b));
    assert_eq!(
        list.json(),
        s.get(&format!("{BASE}/routingRules/customRules"), &s.admin)
            .json()
    );
    let upd = s.put(
        &format!("{rules}/{a}"),
        &s.admin,
        json!({"name": "renamed"}),
    );
    assert_eq!(upd.status, 200, "{}", upd.body);
    assert_eq!(upd.json()["customRule"]["name"], "renamed");
    assert_eq!(s.delete(&format!("{rules}/{b}"), &s.admin).status, 204);
    assert_eq!(
        s.get(&format!("{BASE}/routingRules/customRules/{b}"), &s.admin)
            .status,
        404
    );
    let cfg = s.put(
        &format!("{BASE}/Routingrules/7"),
        &s.admin,
        json!({"type": "customerRules"}),
    );
    assert_eq!(cfg.status, 200, "{}", cfg.body);
    let on = s.put(
        &format!("{BASE}/Routingrules/7/enable"),
        &s.admin,
        json!({"enable": true}),
    );
    assert_eq!(on.status, 204, "{}", on.body);
    assert_eq!(
        s.get(&format!("{BASE}/routingRules"), &s.admin).json()["routingRule"]["isEnable"],
        true
    );

    // `DELETE /holidays?id=`
    let h = s.post(
        &format!("{BASE}/holidays"),
        &s.admin,
        json!({"holiday": {"name": "New year", "date": "2027-01-01"}}),
    );
    assert_eq!(h.status, 201, "{}", h.body);
    let h = h.json()["holiday"]["id"].as_str().unwrap().to_string();
    let del = s.delete(&format!("{BASE}/holidays?id={h}"), &s.admin);
    assert_eq!(del.status, 204, "{}", del.body);
    assert_eq!(s.get(&format!("{BASE}/holidays/{h}"), &s.admin).status, 404);

    // `/v4/ticketing/…` resolves exactly as `/api/v4/ticketing/…`
    let short = s.get("/v4/ticketing/channelAccounts", &s.admin);
    let long = s.get("/api/v4/ticketing/channelAccounts", &s.admin);
    assert_eq!(short.status, long.status, "{} / {}", short.body, long.body);

    // email accounts: seed 000's `/api/v2/anytimeConversation/emailAccounts…` and the
    // singular `…/emailAccount/{id}` of seeds 000 and 001 (SPEC §3)
    let v2 = "/api/v2/anytimeConversation";
    let made = s.post(
        &format!("{v2}/emailAccounts"),
        &s.admin,
        json!({"type": "emailForwarding", "businessEmail": "old@example.com"}),
    );
    assert_eq!(made.status, 201, "{}", made.body);
    let id = made.json()["emailAccount"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let got = s.get(&format!("{v2}/emailAccounts/{id}"), &s.admin);
    assert_eq!(
        got.json(),
        s.get(&format!("{BASE}/emailAccounts/{id}"), &s.admin)
            .json()
    );
    for (prefix, name) in [(v2, "Old v2"), (BASE, "Old v3")] {
        let r = s.put(
            &format!("{prefix}/emailAccount/{id}"),
            &s.admin,
            json!({"displayName": name}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let back = s
            .get(&format!("{BASE}/emailAccounts/{id}"), &s.admin)
            .json();
        assert_eq!(back["emailAccount"]["displayName"], name);
    }
    let off = s.put(
        &format!("{BASE}/emailAccount/{id}/enable"),
        &s.admin,
        json!({"enable": false}),
    );
    assert_eq!(off.status, 200, "{}", off.body);
    assert_eq!(
        s.delete(&format!("{v2}/emailAccount/{id}"), &s.admin)
            .status,
        204
    );
    assert_eq!(
        s.get(&format!("{BASE}/emailAccounts/{id}"), &s.admin)
            .status,
        404
    );
}

#[test]
fn openapi_marks_seed_spellings_deprecated() {
    let s = Server::start();
    let api = s.send("GET", "/openapi.json", None, None, b"").json();
    let paths = &api["paths"];
    let body = |path: &str, m: &str| {
        paths[path][m]["requestBody"]["content"]["application/json"]["schema"]["properties"].clone()
    };
    // alias fields: listed, deprecated, pointing at the SPEC name; SPEC fields are not
    let sla = body("/api/v3/anytime/slaPolicies", "post");
    assert_eq!(sla["operationalHour"]["deprecated"], Value::Null, "{sla}");
    assert!(sla["operationalHour"].is_object(), "{sla}");
    let triggers = body("/api/v3/anytime/triggers", "post");
    assert_eq!(triggers["triggerEvent"]["deprecated"], true, "{triggers}");
    assert!(triggers["triggerEvent"]["description"]
        .as_str()
        .unwrap()
        .contains("`event`"));
    assert_eq!(triggers["event"]["deprecated"], Value::Null);
    let routing = body("/api/v3/anytime/routingRules", "put");
    assert_eq!(routing["customerRouteRules"]["deprecated"], true);
    let accounts = body("/api/v3/anytime/emailAccounts", "post");
    assert_eq!(accounts["assigneedDepartment"]["deprecated"], true);
    assert_eq!(accounts["IMAPServer"]["deprecated"], true);
    // alias paths: documented as deprecated alternatives of the SPEC paths
    for (path, m) in [
        ("/api/v3/anytime/departments/{id}", "get"),
        (
            "/api/v3/anytime/routingRules/{ignored1}/customerRules/{id}/copy",
            "put",
        ),
        ("/api/v2/anytime/slaPolicies", "get"),
        ("/api/v3/anytime/holidays", "delete"),
        ("/api/v3/anytime/routingRules/{id}/enable", "put"),
    ] {
        assert_eq!(paths[path][m]["deprecated"], true, "{m} {path}");
    }
    assert_eq!(
        paths["/api/v3/departments/{id}"]["get"]["deprecated"],
        Value::Null
    );
}

/// `(status, header, result)` of a seed 004 answer, checking the envelope's shape.
fn enveloped(r: &common::Resp) -> (u16, Value, Value) {
    let v = r.json();
    let header = v["header"].clone();
    assert_eq!(header["resultCode"], r.status, "{}", r.body);
    assert_eq!(header["isSuccessful"], r.status == 200, "{}", r.body);
    (r.status, header, v["result"].clone())
}

#[test]
fn seed_004_email_setup_api() {
    let s = Server::start();
    let v1 = format!("/{}/openapi/v1", s.site_id);
    // mail info, hosted address chosen once
    let (status, _, result) = enveloped(&s.get(&format!("{v1}/mail.json"), &s.admin));
    assert_eq!(status, 200);
    assert_eq!(result["content"]["external"], json!([]));
    let create = s.send(
        "POST",
        &format!("{v1}/mail/create.json?mail=help"),
        Some(&s.admin),
        None,
        b"",
    );
    let (status, _, result) = enveloped(&create);
    assert_eq!(status, 200, "{}", create.body);
    assert_eq!(result["content"]["mail"], "help@inbound.localhost");
    let again = s.send(
        "POST",
        &format!("{v1}/mail/create.json?mail=other"),
        Some(&s.admin),
        None,
        b"",
    );
    let (status, header, result) = enveloped(&again);
    assert_eq!((status, result), (409, Value::Null));
    assert!(!header["resultMessage"].as_str().unwrap().is_empty());

    // sender and template; the template must hold #{content}; each change moves updatedDt
    let updated = |s: &Server| {
        let info = enveloped(&s.get(&format!("{v1}/mail.json"), &s.admin)).2;
        info["content"]["updatedDt"]
            .as_i64()
            .unwrap_or_else(|| panic!("updatedDt is epoch ms: {info}"))
    };
    let before = updated(&s);
    std::thread::sleep(std::time::Duration::from_millis(5));
    let post = s.post(
        &format!("{v1}/mail.json"),
        &s.admin,
        json!({"name": "Support", "displayMail": "noreply@example.com", "template": "<p>#{content}</p>"}),
    );
    let (status, _, result) = enveloped(&post);
    assert_eq!((status, result), (200, Value::Null), "{}", post.body);
    let after = updated(&s);
    assert!(after > before, "updatedDt {before} → {after}");
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    assert!((now_ms - after).abs() < 60_000, "{after} is not about now");
    let v3 = s.get(&format!("{BASE}/emailSettings"), &s.admin).json()["emailSettings"].clone();
    assert_eq!(
        (
            &v3["senderName"],
            &v3["senderAddress"],
            &v3["layoutTemplate"],
            &v3["inboundAddress"]
        ),
        (
            &json!("Support"),
            &json!("noreply@example.com"),
            &json!("<p>#{content}</p>"),
            &json!("help@inbound.localhost")
        )
    );
    for (body, field) in [
        (json!({"template": "<p>no mark</p>"}), "template"),
        (json!({"name": "x".repeat(46)}), "name"),
        (json!({"nmae": "x"}), "nmae"),
    ] {
        let bad = s.post(&format!("{v1}/mail.json"), &s.admin, body);
        let (status, header, _) = enveloped(&bad);
        assert_eq!(status, 400, "{}", bad.body);
        assert_eq!(updated(&s), after, "a refused change keeps the time");
        assert!(
            header["resultMessage"].as_str().unwrap().starts_with(field),
            "{}",
            bad.body
        );
    }

    // external accounts: field checks (400) come before the IMAP check (422); nothing stored
    let account = json!({"name": "octest1", "host": "127.0.0.1", "port": 993, "ssl": true,
                         "mail": "octest1@example.com", "password": "yourpassword", "mailDel": false});
    let bad = s.post(
        &format!("{v1}/mail/external.json"),
        &s.admin,
        json!({"name": ""}),
    );
    assert_eq!(enveloped(&bad).0, 400, "{}", bad.body);
    for path in ["mail/external/verify.json", "mail/external.json"] {
        let r = s.post(&format!("{v1}/{path}"), &s.admin, account.clone());
        let (status, header, _) = enveloped(&r);
        assert_eq!(status, 422, "{path}: {}", r.body);
        assert!(header["resultMessage"].as_str().unwrap().contains("IMAP"));
    }
    assert_eq!(
        s.get(&format!("{BASE}/emailAccounts"), &s.admin).json()["emailAccounts"],
        json!([])
    );

    // an imap account made through v3 is external account `number`
    let made = s.post(
        &format!("{BASE}/emailAccounts"),
        &s.admin,
        json!({"type": "imap", "businessEmail": "octest1@example.com", "displayName": "octest1",
               "password": "secret", "deleteFromServer": true,
               "serverInfo": {"incomingServer": "127.0.0.1", "incomingServerPort": 993, "useSSL": true}}),
    );
    assert_eq!(made.status, 201, "{}", made.body);
    let number = made.json()["emailAccount"]["number"].as_i64().unwrap();
    let info = enveloped(&s.get(&format!("{v1}/mail.json"), &s.admin)).2["content"].clone();
    let ext = &info["external"][0];
    assert_eq!(
        (
            &ext["id"],
            &ext["name"],
            &ext["active"],
            &ext["host"],
            &ext["port"],
            &ext["ssl"],
            &ext["mail"],
            &ext["password"],
            &ext["mailDel"]
        ),
        (
            &json!(number),
            &json!("octest1"),
            &json!(true),
            &json!("127.0.0.1"),
            &json!(993),
            &json!(true),
            &json!("octest1@example.com"),
            &json!("********"),
            &json!(true)
        )
    );
    assert!(ext["createdDt"].as_i64().unwrap() > 1_600_000_000_000);
    // modify runs the check first: refused, unchanged
    let modify = s.put(
        &format!("{v1}/mail/external/{number}.json"),
        &s.admin,
        account.clone(),
    );
    assert_eq!(enveloped(&modify).0, 422, "{}", modify.body);
    // delete only when disabled
    let del = s.delete(&format!("{v1}/mail/external/{number}.json"), &s.admin);
    assert_eq!(enveloped(&del).0, 409, "{}", del.body);
    let off = s.put(
        &format!("{v1}/mail/external/{number}/disable.json"),
        &s.admin,
        json!({}),
    );
    let (status, _, result) = enveloped(&off);
    assert_eq!(
        (status, &result["content"]["active"]),
        (200, &json!(false)),
        "{}",
        off.body
    );
    let del = s.delete(&format!("{v1}/mail/external/{number}.json"), &s.admin);
    let (status, _, result) = enveloped(&del);
    assert_eq!(
        (status, result),
        (200, json!({"content": "SUCCESS"})),
        "{}",
        del.body
    );
    assert_eq!(
        enveloped(&s.delete(&format!("{v1}/mail/external/{number}.json"), &s.admin)).0,
        404
    );

    // errors of every kind come in the envelope with the §3 status
    let anonymous = s.send("GET", &format!("{v1}/mail.json"), None, None, b"");
    assert_eq!(enveloped(&anonymous).0, 401, "{}", anonymous.body);
    let (_, agent) = s.agent("a@example.com", "agent");
    assert_eq!(enveloped(&s.get(&format!("{v1}/mail.json"), &agent)).0, 403);
    let elsewhere = s.get(
        "/00000000-0000-4000-8000-000000000000/openapi/v1/mail.json",
        &s.admin,
    );
    assert_eq!(enveloped(&elsewhere).0, 404, "{}", elsewhere.body);
}
