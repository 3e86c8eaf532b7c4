//! The realistic site configuration every benchmark run starts from, made through the public
//! API as an administrator would: 30 agents in 4 departments, 20 custom routing rules,
//! round-robin auto allocation, 5 triggers, 2 SLA policies and a saved filter. It goes
//! through the same validation and storage as real use, so its cost is what a site pays.

use crate::http::{Conn, Response};
use serde_json::{json, Value};
use std::io;

pub const BASE: &str = "/api/v3/anytime";

/// Words the generated subjects and bodies draw from; routing rules and triggers match some
/// of them so that every stage of the pipeline does work on a good share of conversations.
pub const TOPICS: [&str; 20] = [
    "printer", "refund", "invoice", "password", "login", "shipping", "delivery", "warranty",
    "upgrade", "cancel", "billing", "outage", "laptop", "license", "export", "import", "mobile",
    "report", "access", "vpn",
];

/// What the benchmark needs from the configuration.
#[derive(Debug, Clone)]
pub struct Configured {
    pub agents: Vec<String>,
    pub departments: Vec<String>,
    pub filter_id: String,
}

fn expect(r: Response, status: u16, what: &str) -> io::Result<Value> {
    if r.status != status {
        return Err(io::Error::other(format!(
            "{what}: expected {status}, got {} {}",
            r.status,
            r.text()
        )));
    }
    if r.body.is_empty() {
        return Ok(Value::Null);
    }
    r.json()
}

/// Sends `body` and expects `status`; returns the answer's JSON (`Null` when empty).
async fn call(
    conn: &mut Conn,
    method: &str,
    path: &str,
    body: &Value,
    status: u16,
    what: &str,
) -> io::Result<Value> {
    let r = conn.send_json(method, path, body).await?;
    expect(r, status, what)
}

fn id_at(v: &Value, pointer: &str, what: &str) -> io::Result<String> {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| io::Error::other(format!("{what}: no {pointer} in {v}")))
}

/// Creates the configuration on an empty site. `tag` keeps agent emails unique per run.
pub async fn configure(conn: &mut Conn, tag: &str) -> io::Result<Configured> {
    let mut agents = Vec::new();
    for i in 0..30 {
        let email = format!("agent{i}.{tag}@example.com");
        let v = call(
            conn,
            "POST",
            "/api/v3/agents",
            &json!({"name": format!("Agent {i}"), "email": email, "role": "agent"}),
            201,
            "create agent",
        )
        .await?;
        let id = id_at(&v, "/agent/id", "create agent")?;
        let online = json!({"status": "online"});
        let r = conn
            .send_json("PUT", &format!("/api/v3/agents/{id}/status"), &online)
            .await?;
        if !(200..300).contains(&r.status) {
            return Err(io::Error::other(format!(
                "agent online: {} {}",
                r.status,
                r.text()
            )));
        }
        agents.push(id);
    }
    let mut departments = Vec::new();
    for (d, name) in ["Support", "Billing", "Logistics", "IT"].iter().enumerate() {
        let members: Vec<&String> = agents.iter().skip(d).step_by(4).collect();
        let body = json!({"name": format!("{name} {tag}"), "members": members});
        let v = call(
            conn,
            "POST",
            "/api/v3/departments",
            &body,
            201,
            "create department",
        )
        .await?;
        departments.push(id_at(&v, "/department/id", "create department")?);
    }
    for (i, topic) in TOPICS.iter().enumerate() {
        let mut rule = json!({
            "name": format!("Route {topic}"),
            "conditions": [{"fieldId": "subject", "matchType": "contains", "value": topic}],
        });
        if i % 5 == 4 {
            rule["routeToObject"] = json!("agent");
            rule["routeToId"] = json!(agents[i]);
            rule["routeToPriority"] = json!("high");
        } else {
            rule["routeToObject"] = json!("department");
            rule["routeToId"] = json!(departments[i % departments.len()]);
        }
        call(
            conn,
            "POST",
            &format!("{BASE}/routingRules/customRules"),
            &rule,
            201,
            "create routing rule",
        )
        .await?;
    }
    call(
        conn,
        "PUT",
        &format!("{BASE}/routingRules"),
        &json!({"isEnable": true, "type": "rules",
                    "matchFailedToObject": "department", "matchFailedToId": departments[0]}),
        200,
        "routing configuration",
    )
    .await?;
    call(
        conn,
        "PUT",
        &format!("{BASE}/autoAllocation"),
        &json!({"enable": true, "defaultAllocationRule": {"allocationRule": "roundRobin"},
                    "maxNumberForAll": 0}),
        200,
        "auto allocation",
    )
    .await?;
    let triggers = [
        json!({"name": "Urgent outages", "event": "conversationCreated",
               "conditions": [{"fieldId": "subject", "matchType": "contains", "value": "outage"}],
               "setValue": true, "autoUpdate": [{"fieldId": "priority", "value": "urgent"}]}),
        json!({"name": "Tell billing lead", "event": "conversationCreated",
               "conditions": [{"fieldId": "subject", "matchType": "contains", "value": "invoice"}],
               "sendEmail": true, "sendToAgents": true, "toAgents": [agents[1]],
               "subject": "New invoice question: {{conversation.subject}}",
               "plainText": "Conversation #{{conversation.id}} needs you."}),
        json!({"name": "Low priority exports", "event": "conversationCreated",
               "conditions": [{"fieldId": "subject", "matchType": "contains", "value": "export"}],
               "setValue": true, "autoUpdate": [{"fieldId": "priority", "value": "low"}]}),
        json!({"name": "Reply seen", "event": "agentReplied",
               "conditions": [{"fieldId": "priority", "matchType": "is", "value": "urgent"}],
               "sendEmail": true, "sendToAgents": true, "toAgents": [agents[2]],
               "subject": "Urgent #{{conversation.id}} answered", "plainText": "{{conversation.subject}}"}),
        json!({"name": "Status watch", "event": "statusIsChanged",
               "conditions": [{"fieldId": "subject", "matchType": "contains", "value": "refund"}],
               "setValue": true, "autoUpdate": [{"fieldId": "priority", "value": "high"}]}),
    ];
    for t in &triggers {
        call(
            conn,
            "POST",
            &format!("{BASE}/triggers"),
            t,
            201,
            "create trigger",
        )
        .await?;
    }
    let policies = [
        json!({"name": "Urgent", "firstRespondWithin": 1, "resolveRespondWithin": 8,
               "operationalHour": "calendarHours",
               "conditions": [{"fieldId": "priority", "matchType": "is", "value": "urgent"}]}),
        json!({"name": "Standard", "firstRespondWithin": 4, "resolveRespondWithin": 48,
               "operationalHour": "businessHours"}),
    ];
    for p in &policies {
        call(
            conn,
            "POST",
            &format!("{BASE}/slaPolicies"),
            p,
            201,
            "create SLA policy",
        )
        .await?;
    }
    let v = call(
        conn,
        "POST",
        &format!("{BASE}/filters"),
        &json!({"name": "High and urgent", "conditions": [
                {"fieldId": "priority", "matchType": "is", "value": "high"}]}),
        201,
        "create filter",
    )
    .await?;
    let filter_id = id_at(&v, "/filter/id", "create filter")?;
    Ok(Configured {
        agents,
        departments,
        filter_id,
    })
}
