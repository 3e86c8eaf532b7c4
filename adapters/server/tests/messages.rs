//! Messages with source, subject, addresses and attachments (SPEC §4.1, §4.14).

mod common;
use common::{Cred, Resp, Server};
use serde_json::json;

const BASE: &str = "/api/v3/anytime";
const BOUNDARY: &str = "MsgBoundary7";

fn upload(s: &Server, cred: &Cred, bytes: &[u8]) -> String {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let r: Resp = s.send(
        "POST",
        &format!("{BASE}/attachments"),
        Some(cred),
        Some(&format!("multipart/form-data; boundary={BOUNDARY}")),
        &body,
    );
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["attachment"]["guid"].as_str().unwrap().to_string()
}

fn create(s: &Server, extra: serde_json::Value) -> Resp {
    let mut message = json!({"type": "email", "htmlBody": "<p>hello</p>"});
    if let (Some(m), Some(e)) = (message.as_object_mut(), extra.as_object()) {
        m.extend(e.clone());
    }
    s.post(
        &format!("{BASE}/conversations"),
        &s.admin,
        json!({"subject": "mail", "channel": "email", "message": message}),
    )
}

#[test]
fn messages_keep_source_addresses_and_attachments() {
    let s = Server::start();
    let guid = upload(&s, &s.admin, b"first file");
    let r = create(
        &s,
        json!({"source": "agentconsole", "subject": "Re: order", "from": "desk@example.com",
               "to": "a@example.com; b@example.com", "cc": "c@example.com",
               "quote": "<p>earlier<script>x</script></p>",
               "attachments": [{"guid": guid, "fileName": "ignored.txt"}]}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let c = r.json()["conversation"].clone();
    let id = c["id"].as_i64().unwrap();
    let m = &c["messages"][0];
    assert_eq!(m["source"], "agentConsole");
    assert_eq!(m["subject"], "Re: order");
    assert_eq!(m["from"], "desk@example.com");
    assert_eq!(m["to"], "a@example.com, b@example.com");
    assert_eq!(m["cc"], "c@example.com");
    assert!(!m["quote"].as_str().unwrap().contains("script"), "{m}");
    assert_eq!(m["attachments"][0]["guid"], json!(guid));
    assert_eq!(m["attachments"][0]["messageId"], m["id"]);
    assert_eq!(m["attachments"][0]["conversationId"], json!(id));

    // A reply with its own attachment; the listed messages show both.
    let (_, ann) = s.agent("ann@example.com", "agent");
    let second = upload(&s, &s.admin, b"second file");
    let r = s.post(
        &format!("{BASE}/conversations/{id}/messages"),
        &s.admin,
        json!({"type": "reply", "htmlBody": "ok", "attachments": [{"guid": second}]}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["message"]["attachments"][0]["guid"], json!(second));
    assert_eq!(r.json()["message"]["source"], serde_json::Value::Null);
    let list = s
        .get(&format!("{BASE}/conversations/{id}/messages"), &ann)
        .json();
    let messages = list["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0]["cc"], "c@example.com");
    assert_eq!(messages[1]["attachments"][0]["guid"], json!(second));
    // Once on a message, any staff member may download it.
    assert_eq!(
        s.get(&format!("{BASE}/attachments/{second}"), &ann).status,
        200
    );

    // An upload already on a message, or someone else's, cannot be attached: 400 naming it,
    // and the reply is not stored.
    let anns = upload(&s, &ann, b"ann's file");
    for guid in [&second, &anns] {
        let r = s.post(
            &format!("{BASE}/conversations/{id}/messages"),
            &s.admin,
            json!({"type": "reply", "htmlBody": "again", "attachments": [{"guid": guid}]}),
        );
        assert_eq!(r.status, 400, "{}", r.body);
        assert_eq!(r.error_fields(), vec!["attachments[0]"]);
    }
    let list = s
        .get(&format!("{BASE}/conversations/{id}/messages"), &s.admin)
        .json();
    assert_eq!(list["messages"].as_array().unwrap().len(), 2);
}

#[test]
fn merged_attachments_follow_their_messages() {
    let s = Server::start();
    let guid = upload(&s, &s.admin, b"moves along");
    let r = create(&s, json!({"attachments": [{"guid": guid}]}));
    assert_eq!(r.status, 201, "{}", r.body);
    let source = r.json()["conversation"]["id"].as_i64().unwrap();
    let target = create(&s, json!({})).json()["conversation"]["id"]
        .as_i64()
        .unwrap();
    let r = s.post(
        &format!("{BASE}/conversations/{target}/merge"),
        &s.admin,
        json!({"sourceId": source}),
    );
    assert!(r.status == 200 || r.status == 201, "{}", r.body);
    let list = s
        .get(&format!("{BASE}/conversations/{target}/messages"), &s.admin)
        .json();
    let attached: Vec<_> = list["messages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["attachments"].as_array().cloned().unwrap_or_default())
        .collect();
    assert_eq!(attached.len(), 1, "{list}");
    assert_eq!(attached[0]["guid"], json!(guid));
    assert_eq!(attached[0]["conversationId"], json!(target));
}

#[test]
fn bad_message_fields_are_named() {
    let s = Server::start();
    let r = create(
        &s,
        json!({"source": "pigeon", "from": "nope", "to": "a@example.com, bad", "cc": "x@",
               "attachments": [{"guid": "00000000-0000-0000-0000-000000000001"},
                               {"guid": "00000000-0000-0000-0000-000000000001"}]}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    let mut fields = r.error_fields();
    fields.sort();
    assert_eq!(
        fields,
        vec![
            "message.attachments[1]",
            "message.cc",
            "message.from",
            "message.source",
            "message.to"
        ]
    );
    let r = create(
        &s,
        json!({"attachments": [{"guid": "00000000-0000-0000-0000-000000000009"}]}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.error_fields(), vec!["attachments[0]"]);
    let r = create(&s, json!({"attachments": [{"name": "no guid"}]}));
    assert_eq!(r.status, 400, "{}", r.body);
}

#[test]
fn a_conversation_holds_at_most_20_mb_of_attachments() {
    let s = Server::start();
    let big = vec![7u8; 11 * 1024 * 1024];
    let first = upload(&s, &s.admin, &big);
    let r = create(&s, json!({"attachments": [{"guid": first}]}));
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["conversation"]["id"].as_i64().unwrap();
    let mut other = big.clone();
    other[0] = 8;
    let second = upload(&s, &s.admin, &other);
    let r = s.post(
        &format!("{BASE}/conversations/{id}/messages"),
        &s.admin,
        json!({"type": "note", "htmlBody": "more", "attachments": [{"guid": second}]}),
    );
    assert_eq!(r.status, 413, "{}", r.body);
    // Nothing was stored: the upload is still free to use elsewhere.
    let r = create(&s, json!({"attachments": [{"guid": second}]}));
    assert_eq!(r.status, 201, "{}", r.body);
}
