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

const BOUNDARY: &str = "PortalBoundary7";

/// Uploads `bytes` as `name`, with `?contactId=` when `contact` is given.
fn upload(s: &Server, cred: &Cred, contact: Option<&str>, bytes: &[u8]) -> common::Resp {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"receipt.txt\"\r\nContent-Type: text/plain\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let path = match contact {
        Some(c) => format!("{BASE}/attachments?contactId={c}"),
        None => format!("{BASE}/attachments"),
    };
    s.send(
        "POST",
        &path,
        Some(cred),
        Some(&format!("multipart/form-data; boundary={BOUNDARY}")),
        &body,
    )
}

fn guid_of(r: &common::Resp) -> String {
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["attachment"]["guid"].as_str().unwrap().to_string()
}

#[test]
fn portal_messages_carry_attachments_of_their_own_contact() {
    let s = Server::start();
    let (_, portal) = s.agent("portal@example.com", "portal");
    let (_, agent) = s.agent("agent@example.com", "agent");
    let alice = contact(&s, "Alice");
    let bob = contact(&s, "Bob");
    let download = |guid: &str, cred: &Cred, contact: Option<&str>| {
        let q = contact.map_or(String::new(), |c| format!("?contactId={c}"));
        s.get(&format!("{BASE}/attachments/{guid}{q}"), cred)
    };

    // a portal upload names its contact (required, existing); staff may not name one
    assert_eq!(
        upload(&s, &portal, None, b"x").error_fields(),
        vec!["contactId"]
    );
    let ghost = "00000000-0000-4000-8000-000000000000";
    assert_eq!(
        upload(&s, &portal, Some(ghost), b"x").error_fields(),
        vec!["contactId"]
    );
    assert_eq!(
        upload(&s, &agent, Some(&alice), b"x").error_fields(),
        vec!["contactId"]
    );

    // submit with an attachment made for Alice
    let first = guid_of(&upload(&s, &portal, Some(&alice), b"first receipt"));
    // before it is on a message, only Alice (through the portal) may read it
    assert_eq!(
        download(&first, &portal, Some(&alice)).body,
        "first receipt"
    );
    assert_eq!(download(&first, &portal, Some(&bob)).status, 404);
    assert_eq!(download(&first, &agent, None).status, 404);
    // Bob cannot attach Alice's upload, nor may an agent's upload ride on a portal message
    // (the store names the entry as on the agent path)
    let r = s.post(
        PORTAL,
        &portal,
        json!({"subject": "Bob's", "contactId": bob,
               "message": {"plainBody": "mine", "attachments": [{"guid": first}]}}),
    );
    assert_eq!(
        (r.status, r.error_fields()),
        (400, vec!["attachments[0]".to_string()]),
        "{}",
        r.body
    );
    let agents_upload = guid_of(&upload(&s, &agent, None, b"agent file"));
    let r = s.post(
        PORTAL,
        &portal,
        json!({"subject": "x", "contactId": alice,
               "message": {"plainBody": "x", "attachments": [{"guid": agents_upload}]}}),
    );
    assert_eq!(r.error_fields(), vec!["attachments[0]"], "{}", r.body);
    let c = submit(
        &s,
        &portal,
        &alice,
        "Refund",
        json!({"message": {"plainBody": "see receipt", "attachments": [{"guid": first}]}}),
    );
    let id = c["id"].as_i64().unwrap();

    // a reply with the whole upload object as the reference
    let second = upload(&s, &portal, Some(&alice), b"second receipt");
    let second_obj = second.json()["attachment"].clone();
    let second = guid_of(&second);
    let r = s.post(
        &format!("{PORTAL}/{id}/messages"),
        &portal,
        json!({"contactId": alice, "plainBody": "and another", "attachments": [second_obj]}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["message"]["attachments"][0]["guid"], json!(second));
    // used once only
    let r = s.post(
        &format!("{PORTAL}/{id}/messages"),
        &portal,
        json!({"contactId": alice, "plainBody": "again", "attachments": [{"guid": second}]}),
    );
    assert_eq!(r.error_fields(), vec!["attachments[0]"], "{}", r.body);

    // the portal sees both on the messages; the agent API shows them too
    let msgs = s
        .get(
            &format!("{PORTAL}/{id}/messages?contactId={alice}"),
            &portal,
        )
        .json()["messages"]
        .clone();
    assert_eq!(msgs[0]["attachments"][0]["guid"], json!(first), "{msgs}");
    assert_eq!(msgs[1]["attachments"][0]["guid"], json!(second), "{msgs}");
    let r = s.get(&format!("{BASE}/conversations/{id}/messages"), &agent);
    assert_eq!(r.status, 200, "{}", r.body);
    let agent_view = r.json()["messages"].clone();
    assert_eq!(agent_view[0]["attachments"][0]["guid"], json!(first));
    assert_eq!(agent_view[0]["attachments"][0]["fileName"], "receipt.txt");
    assert_eq!(download(&first, &agent, None).body, "first receipt");

    // attached: Alice downloads, Bob's 404, and a portal call must name its contact
    assert_eq!(
        download(&second, &portal, Some(&alice)).body,
        "second receipt"
    );
    assert_eq!(download(&second, &portal, Some(&bob)).status, 404);
    assert_eq!(download(&second, &portal, None).status, 400);

    // an agent's attachment: on a reply the contact may read it, on a note never
    let on_reply = guid_of(&upload(&s, &agent, None, b"invoice"));
    let on_note = guid_of(&upload(&s, &agent, None, b"internal"));
    for (kind, guid) in [("reply", &on_reply), ("note", &on_note)] {
        let r = s.post(
            &format!("{BASE}/conversations/{id}/messages"),
            &agent,
            json!({"type": kind, "htmlBody": kind, "attachments": [{"guid": guid}]}),
        );
        assert_eq!(r.status, 201, "{}", r.body);
    }
    assert_eq!(download(&on_reply, &portal, Some(&alice)).body, "invoice");
    assert_eq!(download(&on_note, &portal, Some(&alice)).status, 404);
    assert_eq!(download(&on_note, &agent, None).body, "internal");
    let shown = s
        .get(
            &format!("{PORTAL}/{id}?contactId={alice}&include=messages"),
            &portal,
        )
        .json()["portalConversation"]["messages"]
        .clone();
    assert!(!shown.to_string().contains(&on_note), "{shown}");
    assert!(shown.to_string().contains(&on_reply), "{shown}");

    // a portal credential deletes only its contact's unattached uploads
    let spare = guid_of(&upload(&s, &portal, Some(&alice), b"spare"));
    assert_eq!(
        s.delete(
            &format!("{BASE}/attachments/{spare}?contactId={bob}"),
            &portal
        )
        .status,
        404
    );
    assert_eq!(
        s.delete(
            &format!("{BASE}/attachments/{spare}?contactId={alice}"),
            &portal
        )
        .status,
        204
    );
}
