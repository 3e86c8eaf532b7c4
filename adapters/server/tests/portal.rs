//! Portal conversations (SPEC §4.12) over real HTTP: a contact sees and changes only their own
//! conversations (another contact's is a 404), notes and internal fields never appear, a
//! contact reply follows §5.7, close/reopen/read/unread, and the roles are enforced.

mod common;
use common::{Cred, Server};
use serde_json::{json, Value};

const BASE: &str = "/api/v3/anytime";
const PORTAL: &str = "/api/v3/anytime/portalConversations";

fn contact(s: &Server, name: &str) -> String {
    let r = s.post(
        "/api/v3/contacts",
        &s.admin,
        json!({"name": name, "email": format!("{}@example.com", name.to_lowercase())}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["contact"]["id"].as_str().unwrap().to_string()
}

fn field(s: &Server, body: Value) -> String {
    let r = s.post(&format!("{BASE}/fields"), &s.admin, body);
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["field"]["id"].as_str().unwrap().to_string()
}

fn submit(s: &Server, portal: &Cred, contact: &str, subject: &str, extra: Value) -> Value {
    let mut body = json!({"subject": subject, "contactId": contact,
                          "message": {"htmlBody": "<p>My printer is on fire</p>"}});
    if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
        b.extend(e);
    }
    let r = s.post(PORTAL, portal, body);
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["portalConversation"].clone()
}

#[test]
fn contacts_see_only_their_own_public_conversation() {
    let s = Server::start();
    let (_, portal) = s.agent("portal@example.com", "portal");
    let (_, agent) = s.agent("agent@example.com", "agent");
    let alice = contact(&s, "Alice");
    let bob = contact(&s, "Bob");
    let size = field(&s, json!({"type": "text", "name": "Printer model"}));
    let owner = field(&s, json!({"type": "operator", "name": "Account manager"}));
    let admin_id = s.get("/api/v3/agents", &s.admin).json()["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["role"] == "admin")
        .unwrap()["id"]
        .clone();

    // submit: channel portal; a contact may not set an internal field
    let c = submit(
        &s,
        &portal,
        &alice,
        "Fire",
        json!({"customFields": [{"id": size, "value": "LaserJet"}]}),
    );
    let id = c["id"].as_i64().unwrap();
    assert_eq!(
        (
            c["channel"].clone(),
            c["isClosed"].clone(),
            c["contactId"].clone()
        ),
        (json!("portal"), json!(false), json!(alice))
    );
    let r = s.post(
        PORTAL,
        &portal,
        json!({"subject": "x", "contactId": alice, "message": {"plainBody": "x"},
               "customFields": [{"id": owner, "value": admin_id}]}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.error_fields(), vec!["customFields[0].id"]);

    // an agent answers and adds a note and an internal field value
    let r = s.post(
        &format!("{BASE}/conversations/{id}/messages"),
        &agent,
        json!({"type": "note", "htmlBody": "internal: customer is difficult"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let r = s.post(
        &format!("{BASE}/conversations/{id}/messages"),
        &agent,
        json!({"type": "reply", "htmlBody": "Please unplug it"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let r = s.put(
        &format!("{BASE}/conversations/{id}"),
        &s.admin,
        json!({"customFields": [{"id": owner, "value": admin_id}]}),
    );
    assert_eq!(r.status, 200, "{}", r.body);

    // Alice sees her conversation: no note, no internal field
    let got = s.get(
        &format!("{PORTAL}/{id}?contactId={alice}&include=messages,contact"),
        &portal,
    );
    assert_eq!(got.status, 200, "{}", got.body);
    assert!(!got.body.contains("difficult"), "{}", got.body);
    assert!(!got.body.contains(&owner), "{}", got.body);
    let pc = got.json()["portalConversation"].clone();
    assert_eq!(pc["contact"]["name"], "Alice");
    assert_eq!(pc["customFields"][0]["value"], "LaserJet");
    assert_eq!(pc["messages"].as_array().unwrap().len(), 2);
    let msgs = s.get(
        &format!("{PORTAL}/{id}/messages?contactId={alice}&include=sender"),
        &portal,
    );
    assert_eq!(msgs.status, 200, "{}", msgs.body);
    let list = msgs.json()["messages"].as_array().unwrap().clone();
    assert_eq!(list.len(), 2, "{}", msgs.body);
    assert_eq!(list[1]["senderType"], "agent");
    assert_eq!(list[1]["sender"]["name"], "agent@example.com");
    assert!(!msgs.body.contains("difficult"));

    // Bob sees none of it: every call on Alice's conversation is a 404
    let list = s.get(&format!("{PORTAL}?contactId={bob}"), &portal).json();
    assert_eq!(list["portalConversations"], json!([]));
    assert_eq!(list["total"], 0);
    let as_bob = |method: &str, path: &str, body: Value| s.json(method, path, &portal, body).status;
    assert_eq!(
        s.get(&format!("{PORTAL}/{id}?contactId={bob}"), &portal)
            .status,
        404
    );
    assert_eq!(
        s.get(&format!("{PORTAL}/{id}/messages?contactId={bob}"), &portal)
            .status,
        404
    );
    let bob_body = json!({"contactId": bob});
    assert_eq!(
        as_bob(
            "POST",
            &format!("{PORTAL}/{id}/messages"),
            json!({"contactId": bob, "plainBody": "mine now"})
        ),
        404
    );
    for verb in ["close", "reopen", "read", "unread"] {
        assert_eq!(
            as_bob("PUT", &format!("{PORTAL}/{id}/{verb}"), bob_body.clone()),
            404,
            "{verb}"
        );
    }
    assert_eq!(
        s.get(&format!("{PORTAL}/{id}"), &portal).error_fields(),
        vec!["contactId"]
    );

    // Alice's list also shows her conversations of other channels
    let r = s.post(
        &format!("{BASE}/conversations"),
        &s.admin,
        json!({"subject": "By email", "channel": "email", "contactId": alice,
               "message": {"type": "email", "htmlBody": "hi"}}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let list = s
        .get(
            &format!("{PORTAL}?contactId={alice}&include=contact"),
            &portal,
        )
        .json();
    assert_eq!(list["total"], 2);
    assert_eq!(list["portalConversations"][0]["subject"], "By email");
    assert_eq!(list["portalConversations"][1]["contact"]["name"], "Alice");

    // a contact reply: pendingExternal → pendingInternal
    let status = |s: &Server| {
        s.get(&format!("{BASE}/conversations/{id}"), &s.admin)
            .json()["conversation"]["status"]
            .clone()
    };
    assert_eq!(status(&s), "pendingExternal");
    let r = s.post(
        &format!("{PORTAL}/{id}/messages"),
        &portal,
        json!({"contactId": alice, "plainBody": "Still burning"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["message"]["senderType"], "contact");
    assert_eq!(status(&s), "pendingInternal");

    // close and reopen; read and unread by the contact
    let body = json!({"contactId": alice});
    let r = s.put(&format!("{PORTAL}/{id}/close"), &portal, body.clone());
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["portalConversation"]["isClosed"], true);
    assert!(r.json()["portalConversation"]["closedTime"].is_string());
    let r = s.put(&format!("{PORTAL}/{id}/reopen"), &portal, body.clone());
    assert_eq!(r.json()["portalConversation"]["isClosed"], false);
    assert_eq!(r.json()["portalConversation"]["closedTime"], Value::Null);
    assert_eq!(
        s.put(&format!("{PORTAL}/{id}/read"), &portal, body.clone())
            .status,
        204
    );
    let pc = s
        .get(&format!("{PORTAL}/{id}?contactId={alice}"), &portal)
        .json();
    assert_eq!(pc["portalConversation"]["isReadByContact"], true);
    assert_eq!(
        s.put(&format!("{PORTAL}/{id}/unread"), &portal, body)
            .status,
        204
    );
    let pc = s
        .get(&format!("{PORTAL}/{id}?contactId={alice}"), &portal)
        .json();
    assert_eq!(pc["portalConversation"]["isReadByContact"], false);

    // roles: agents may not use the portal API, the portal may not use the agent API
    assert_eq!(
        s.get(&format!("{PORTAL}?contactId={alice}"), &agent).status,
        403
    );
    assert_eq!(
        s.get(&format!("{BASE}/conversations/{id}"), &portal).status,
        403
    );
}
