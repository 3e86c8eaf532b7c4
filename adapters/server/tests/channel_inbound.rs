//! `POST /channelAccounts/{id}/inbound` over real HTTP (SPEC §4.11, §5.9): a channel's
//! message becomes a conversation of that channel with a contact found by
//! `externalIds[appId]`, redelivery is dropped, the bot draw takes conversations away from
//! allocation (and from the waiting queue), an `Email` account applies the block rules, and
//! a junk email comes back with `notJunk`.

mod common;
use common::Server;
use serde_json::{json, Value};

const BASE: &str = "/api/v3/anytime";
const V4: &str = "/api/v4/ticketing/channelAccounts";

fn account(s: &Server, app: &str, original: &str, bot_percent: u8, enabled: bool) -> String {
    let r = s.post(
        V4,
        &s.admin,
        json!({"appId": app, "originalAccountId": original, "name": app, "isEnabled": enabled,
               "screenName": app, "isBotEnabled": bot_percent > 0,
               "percentageToBotWhenOnline": bot_percent, "percentageToBotWhenOffline": bot_percent,
               "isDefault": false}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["id"].as_str().unwrap().to_string()
}

fn inbound(s: &Server, id: &str, body: Value) -> (u16, Value) {
    let r = s.post(
        &format!("{BASE}/channelAccounts/{id}/inbound"),
        &s.admin,
        body,
    );
    (
        r.status,
        if r.body.is_empty() {
            Value::Null
        } else {
            r.json()
        },
    )
}

fn message(sender: &str, external: &str, text: &str) -> Value {
    json!({"originalSenderId": sender, "senderName": "Walt", "text": text,
           "externalMessageId": external, "time": "2026-11-23T10:00:00Z"})
}

fn conversation(s: &Server, id: &Value) -> Value {
    s.get(
        &format!("{BASE}/conversations/{id}?include=contact"),
        &s.admin,
    )
    .json()["conversation"]
        .clone()
}

#[test]
fn channel_messages_create_conversations_once_with_the_bot_draw() {
    let s = Server::start();
    let (agent, cred) = s.agent("ann@example.com", "agent");
    let r = s.put(
        &format!("/api/v3/agents/{agent}/status"),
        &cred,
        json!({"status": "online"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = s.put(
        &format!("{BASE}/autoAllocation"),
        &s.admin,
        json!({"enable": true, "defaultAllocationRule": {"allocationRule": "loadBalancing"}}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let whatsapp = account(&s, "WhatsApp", "+15550001", 0, true);

    // a new conversation of channel whatsapp, allocated, with a contact keyed by app id
    let (status, out) = inbound(
        &s,
        &whatsapp,
        message("+15557777", "wamid.1", "My order is late\nplease help"),
    );
    assert_eq!(status, 201, "{out}");
    assert_eq!(out["result"], "created");
    let c = conversation(&s, &out["conversationId"]);
    assert_eq!(c["channel"], "whatsapp");
    assert_eq!(c["subject"], "My order is late");
    assert_eq!(c["receivedFrom"], "+15550001");
    assert_eq!(c["agentAssigneeId"], json!(agent));
    assert_eq!(c["contact"]["externalIds"]["WhatsApp"], "+15557777", "{c}");
    let contact = c["contactId"].clone();

    // redelivery: acknowledged, nothing new
    let (status, again) = inbound(
        &s,
        &whatsapp,
        message("+15557777", "wamid.1", "My order is late"),
    );
    assert_eq!((status, again["result"].clone()), (200, json!("duplicate")));
    assert_eq!(again["conversationId"], out["conversationId"]);
    // the same sender again: the same contact
    let (status, second) = inbound(&s, &whatsapp, message("+15557777", "wamid.2", "Hello?"));
    assert_eq!(status, 201, "{second}");
    assert_eq!(
        conversation(&s, &second["conversationId"])["contactId"],
        contact
    );

    // a bot taking every conversation: no allocation, and the queue leaves it alone
    let bot = account(&s, "Facebook", "page-1", 100, true);
    let (status, taken) = inbound(&s, &bot, message("fb-user-9", "mid.1", "Hi bot"));
    assert_eq!(status, 201, "{taken}");
    assert_eq!(taken["agentAssigneeId"], Value::Null);
    let h = s.get(
        &format!("{BASE}/conversations/{}/history", taken["conversationId"]),
        &s.admin,
    );
    assert!(h.body.contains("handledByBot"), "{}", h.body);
    let r = s.put(
        &format!("/api/v3/agents/{agent}/status"),
        &cred,
        json!({"status": "online"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        conversation(&s, &taken["conversationId"])["agentAssigneeId"],
        Value::Null
    );
    assert_eq!(
        conversation(&s, &taken["conversationId"])["channel"],
        "facebook"
    );

    // errors: disabled account 409, unknown 404, bad body 400 naming the field
    let off = account(&s, "Twitter", "@help", 0, false);
    assert_eq!(inbound(&s, &off, message("@x", "t1", "hi")).0, 409);
    assert_eq!(
        inbound(
            &s,
            "00000000-0000-0000-0000-000000000009",
            message("@x", "t1", "hi")
        )
        .0,
        404
    );
    let r = s.post(
        &format!("{BASE}/channelAccounts/{whatsapp}/inbound"),
        &s.admin,
        json!({"originalSenderId": "+1", "text": "x"}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("externalMessageId"), "{}", r.body);
    let r = s.post(
        &format!("{BASE}/channelAccounts/{whatsapp}/inbound"),
        &s.admin,
        json!({"originalSenderId": "+1", "externalMessageId": "e", "text": " "}),
    );
    assert_eq!(r.error_fields(), vec!["text"]);
    assert_eq!(
        s.post(
            &format!("{BASE}/channelAccounts/{whatsapp}/inbound"),
            &cred,
            message("+1", "e2", "x")
        )
        .status,
        403
    );
}

#[test]
fn email_channel_accounts_apply_blocks_and_junk_comes_back() {
    let s = Server::start();
    let r = s.post(
        "/api/v3/anytime/emailAccounts",
        &s.admin,
        json!({"type": "emailForwarding", "businessEmail": "help@example.com"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let email = r.json()["emailAccount"]["id"].as_str().unwrap().to_string();
    let r = s.put(
        &format!("{BASE}/blockedSenders"),
        &s.admin,
        json!({"email": "spam.example", "blockType": "blockDomainasJunk"}),
    );
    assert!(r.status == 200 || r.status == 201, "{}", r.body);

    let (status, out) = inbound(&s, &email, message("not an address", "m1", "x"));
    assert_eq!(status, 400, "{out}");
    assert_eq!(out["error"]["details"][0]["field"], "originalSenderId");

    // a normal sender: a conversation of channel email, contact found by address
    let (status, out) = inbound(
        &s,
        &email,
        message("kim@customer.example", "m2", "Invoice question"),
    );
    assert_eq!(status, 201, "{out}");
    let c = conversation(&s, &out["conversationId"]);
    assert_eq!(c["channel"], "email");
    assert_eq!(c["receivedFrom"], "help@example.com");
    assert_eq!(c["contact"]["email"], "kim@customer.example");

    // the site's own address: loop guard
    let (status, out) = inbound(&s, &email, message("help@example.com", "m3", "echo"));
    assert_eq!((status, out["result"].clone()), (200, json!("loop")));

    // a blocked domain: junk, then notJunk restores it as a conversation
    let (status, out) = inbound(
        &s,
        &email,
        message("bob@mail.spam.example", "m4", "Cheap pills"),
    );
    assert_eq!(
        (status, out["result"].clone()),
        (200, json!("junk")),
        "{out}"
    );
    let junk = out["junkEmailId"].as_i64().unwrap();
    let r = s.post(
        &format!("{BASE}/junkEmails/{junk}/notJunk"),
        &s.admin,
        json!({}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let restored = r.json()["conversationId"].clone();
    assert_eq!(conversation(&s, &restored)["subject"], "Cheap pills");
    assert_eq!(
        s.get(&format!("{BASE}/junkEmails/{junk}"), &s.admin).status,
        404
    );
}
