//! People endpoints of SPEC §4.14 over real HTTP.

mod common;
use common::Server;
use serde_json::json;

#[test]
fn agents_keys_and_status() {
    let s = Server::start();
    let (id, cred) = s.agent("ann@example.com", "agent");
    let got = s.get(&format!("/api/v3/agents/{id}"), &cred).json();
    assert_eq!(got["agent"]["status"], "offline");
    assert!(got["agent"].get("password").is_none());
    // the agent sets its own status, not another's
    let r = s.put(
        &format!("/api/v3/agents/{id}/status"),
        &cred,
        json!({"status": "online"}),
    );
    assert_eq!(
        (r.status, r.json()["agent"]["status"].as_str()),
        (200, Some("online"))
    );
    let admin_id = s.get("/api/v3/agents", &s.admin).json()["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["role"] == "admin")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        s.put(
            &format!("/api/v3/agents/{admin_id}/status"),
            &cred,
            json!({"status": "away"})
        )
        .status,
        403
    );
    assert_eq!(
        s.put(
            &format!("/api/v3/agents/{id}/status"),
            &cred,
            json!({"status": "busy"})
        )
        .error_fields(),
        ["status"]
    );
    // a new key replaces the old one at once
    let r = s.post(&format!("/api/v3/agents/{id}/apiKey"), &cred, json!({}));
    assert_eq!(r.status, 200);
    let new_key = r.json()["apiKey"].as_str().unwrap().to_string();
    assert_eq!(s.get("/api/v3/agents", &cred).status, 401);
    let cred = common::Cred::new("ann@example.com", &new_key);
    assert_eq!(s.get("/api/v3/agents", &cred).status, 200);
    // revoking leaves no key
    assert_eq!(
        s.delete(&format!("/api/v3/agents/{id}/apiKey"), &s.admin)
            .status,
        204
    );
    assert_eq!(s.get("/api/v3/agents", &cred).status, 401);
    // update and delete
    let r = s.put(
        &format!("/api/v3/agents/{id}"),
        &s.admin,
        json!({"name": "Ann B", "password": "short"}),
    );
    assert_eq!(r.error_fields(), ["password"]);
    let r = s.put(
        &format!("/api/v3/agents/{id}"),
        &s.admin,
        json!({"name": "Ann B", "password": "long enough"}),
    );
    assert_eq!(r.json()["agent"]["name"], "Ann B");
    let dup = s.post(
        "/api/v3/agents",
        &s.admin,
        json!({"name": "x", "email": "ANN@example.com"}),
    );
    assert_eq!(dup.status, 409);
    assert_eq!(
        s.delete(&format!("/api/v3/agents/{id}"), &s.admin).status,
        204
    );
    assert_eq!(s.get(&format!("/api/v3/agents/{id}"), &s.admin).status, 404);
}

#[test]
fn departments_with_members() {
    let s = Server::start();
    let (a1, _) = s.agent("a1@example.com", "agent");
    let (a2, _) = s.agent("a2@example.com", "agent");
    let r = s.post(
        "/api/v3/departments",
        &s.admin,
        json!({"name": "Support", "members": [a1]}),
    );
    assert_eq!(r.status, 201);
    let id = r.json()["department"]["id"].as_str().unwrap().to_string();
    let r = s.put(
        &format!("/api/v3/departments/{id}"),
        &s.admin,
        json!({"members": [a1, a2]}),
    );
    assert_eq!(
        r.json()["department"]["members"].as_array().unwrap().len(),
        2
    );
    let agent = s.get(&format!("/api/v3/agents/{a2}"), &s.admin).json();
    assert_eq!(agent["agent"]["departmentIds"], json!([id]));
    let bad = s.post(
        "/api/v3/departments",
        &s.admin,
        json!({"name": "X", "members": ["00000000-0000-4000-8000-000000000000"]}),
    );
    assert_eq!(bad.status, 400);
    assert_eq!(
        s.post("/api/v3/departments", &s.admin, json!({"name": "Support"}))
            .status,
        409
    );
    assert_eq!(
        s.get("/api/v3/departments", &s.admin).json()["departments"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        s.delete(&format!("/api/v3/departments/{id}"), &s.admin)
            .status,
        204
    );
    assert_eq!(
        s.delete(&format!("/api/v3/departments/{id}"), &s.admin)
            .status,
        404
    );
}

#[test]
fn contacts_page_and_search() {
    let s = Server::start();
    for i in 0..55 {
        let r = s.post(
            "/api/v3/contacts",
            &s.admin,
            json!({"name": format!("Person {i:02}"), "email": format!("p{i}@example.com")}),
        );
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let page1 = s.get("/api/v3/contacts", &s.admin).json();
    assert_eq!(page1["total"], 55);
    assert_eq!(page1["contacts"].as_array().unwrap().len(), 50);
    assert_eq!(page1["previousPage"], json!(null));
    let next = page1["nextPage"].as_str().unwrap().to_string();
    let page2 = s.get(&next, &s.admin).json();
    assert_eq!(page2["contacts"].as_array().unwrap().len(), 5);
    assert_eq!(page2["nextPage"], json!(null));
    let found = s
        .get("/api/v3/contacts?keywords=Person%2007", &s.admin)
        .json();
    assert_eq!(found["total"], 1);
    let id = found["contacts"][0]["id"].as_str().unwrap().to_string();
    let r = s.put(
        &format!("/api/v3/contacts/{id}"),
        &s.admin,
        json!({"phone": "+1 555", "email": null}),
    );
    assert_eq!(r.json()["contact"]["email"], json!(null));
    assert_eq!(r.json()["contact"]["phone"], "+1 555");
    assert_eq!(
        s.post(
            "/api/v3/contacts",
            &s.admin,
            json!({"name": "x", "email": "bad"})
        )
        .error_fields(),
        ["email"]
    );
    assert_eq!(
        s.delete(&format!("/api/v3/contacts/{id}"), &s.admin).status,
        204
    );
}

#[test]
fn tags_and_canned_responses() {
    let s = Server::start();
    let r = s.post("/api/v3/anytime/tags", &s.admin, json!({"name": "vip"}));
    assert_eq!(r.status, 201);
    assert_eq!(r.json()["tag"]["conversationCount"], 0);
    let id = r.json()["tag"]["id"].as_str().unwrap().to_string();
    assert_eq!(
        s.post("/api/v3/anytime/tags", &s.admin, json!({"name": "vip"}))
            .status,
        409
    );
    assert_eq!(
        s.put(
            &format!("/api/v3/anytime/tags/{id}"),
            &s.admin,
            json!({"name": "gold"})
        )
        .json()["tag"]["name"],
        "gold"
    );
    assert_eq!(
        s.delete(&format!("/api/v3/anytime/tags/{id}"), &s.admin)
            .status,
        204
    );

    let r = s.post(
        "/api/v3/anytime/cannedResponses",
        &s.admin,
        json!({"name": "hi", "htmlContent": "<p onclick=\"x()\">Hello<script>alert(1)</script></p>", "textContent": "Hello"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let html = r.json()["cannedResponse"]["htmlContent"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        html.contains("Hello") && !html.contains("script") && !html.contains("onclick"),
        "{html}"
    );
    let list = s.get("/api/v3/anytime/cannedResponses", &s.admin).json();
    assert_eq!(list["cannedResponses"].as_array().unwrap().len(), 1);
}
