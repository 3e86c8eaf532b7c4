//! `/openapi.json` is a valid OpenAPI 3.1 document, documents exactly the routes the server
//! answers, and the conversation/message schemas describe what is really served (real
//! responses validated against them). The validators are Python's `openapi-spec-validator`
//! and `jsonschema` (installed on the project's machines), run as a subprocess.

mod common;
use common::Server;
use serde_json::{json, Value};
use std::process::Command;

const BASE: &str = "/api/v3/anytime";

fn python(script: &str, input: &Value) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("input.json");
    std::fs::write(&file, input.to_string()).unwrap();
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&file)
        .output()
        .expect("python3 runs (the validators live there)");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

const VALIDATE_SPEC: &str = r#"
import json, sys
from openapi_spec_validator import validate
from openapi_spec_validator.versions import consts
spec = json.load(open(sys.argv[1]))
assert spec["openapi"].startswith("3.1"), spec["openapi"]
validate(spec)
print("valid")
"#;

const VALIDATE_INSTANCES: &str = r##"
import json, sys
from jsonschema import Draft202012Validator
data = json.load(open(sys.argv[1]))
components = data["components"]
bad = 0
for name, instance in data["cases"]:
    schema = {"$ref": "#/components/schemas/" + name, "components": components}
    for e in Draft202012Validator(schema).iter_errors(instance):
        bad += 1
        print(name, list(e.absolute_path), e.message[:300])
sys.exit(1 if bad else 0)
"##;

fn spec(s: &Server) -> Value {
    let r = s.get("/openapi.json", &s.admin);
    assert_eq!(r.status, 200);
    r.json()
}

#[test]
fn the_document_is_valid_openapi_3_1() {
    let s = Server::start();
    let (ok, out) = python(VALIDATE_SPEC, &spec(&s));
    assert!(ok, "{out}");
    // And the check can fail: a broken document is refused.
    let mut broken = spec(&s);
    broken["paths"]["/api/v3/anytime/conversations"]["get"]["responses"] = json!("nope");
    let (ok, _) = python(VALIDATE_SPEC, &broken);
    assert!(!ok);
}

fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if seg.starts_with('{') {
                "1".to_string()
            } else {
                seg.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[test]
fn every_documented_route_is_served_and_nothing_else() {
    let s = Server::start();
    let doc = spec(&s);
    let paths = doc["paths"].as_object().unwrap();
    let mut checked = 0;
    for (path, item) in paths {
        for method in ["get", "put", "post", "delete", "patch"] {
            if item.get(method).is_none() {
                continue;
            }
            let r = s.send(&method.to_uppercase(), &concrete(path), None, None, b"");
            let code = serde_json::from_str::<Value>(&r.body)
                .ok()
                .and_then(|v| v["error"]["code"].as_str().map(str::to_string))
                .unwrap_or_default();
            assert!(
                code != "routeNotFound" && code != "methodNotAllowed" && r.status != 405,
                "{method} {path} is documented but not served: {} {}",
                r.status,
                r.body
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} operations documented");
    // Undocumented paths and methods are not served.
    let r = s.get(&format!("{BASE}/conversationz"), &s.admin);
    assert_eq!(r.status, 404);
    assert!(r.body.contains("routeNotFound"), "{}", r.body);
    let r = s.send(
        "PATCH",
        &format!("{BASE}/conversations"),
        Some(&s.admin),
        None,
        b"",
    );
    assert_eq!(r.status, 405, "{}", r.body);
}

#[test]
fn conversation_responses_match_their_schemas() {
    let s = Server::start();
    let doc = spec(&s);
    let (agent, _) = s.agent("ann@example.com", "agent");
    let mut cases: Vec<(&str, Value)> = Vec::new();
    let r = s.post(
        &format!("{BASE}/conversations"),
        &s.admin,
        json!({"subject": "Schema", "channel": "email", "agentAssigneeId": agent,
               "message": {"type": "email", "htmlBody": "<p>hi</p>", "to": "a@example.com",
                           "source": "API"}}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["conversation"]["id"].as_i64().unwrap();
    cases.push(("ConversationEnvelope", r.json()));
    let r = s.post(
        &format!("{BASE}/conversations/{id}/messages"),
        &s.admin,
        json!({"type": "note", "htmlBody": format!(r#"<span data-id="{agent}" class="athighlight">@a</span>"#)}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    cases.push(("MessageEnvelope", r.json()));
    for (name, path) in [
        (
            "ConversationEnvelope",
            format!("{BASE}/conversations/{id}?include=messages,agentAssignee,departmentAssignee,contact,createdBy,lastRepliedBy"),
        ),
        ("ConversationList", format!("{BASE}/conversations?include=agentAssignee")),
        ("MessageList", format!("{BASE}/conversations/{id}/messages?include=sender")),
        ("HistoryList", format!("{BASE}/conversations/{id}/history")),
    ] {
        let r = s.get(&path, &s.admin);
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        cases.push((name, r.json()));
    }
    let r = s.put(
        &format!("{BASE}/conversations"),
        &s.admin,
        json!({"ids": [id], "status": "onHold"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    cases.push(("BatchConversations", r.json()));
    let input = json!({"components": doc["components"], "cases": cases});
    let (ok, out) = python(VALIDATE_INSTANCES, &input);
    assert!(ok, "responses do not match the document:\n{out}");
    // The check can fail: a wrong status is caught.
    let mut wrong = cases[0].1.clone();
    wrong["conversation"]["status"] = json!("sleeping");
    let input =
        json!({"components": doc["components"], "cases": [["ConversationEnvelope", wrong]]});
    assert!(!python(VALIDATE_INSTANCES, &input).0);
}
