//! Conversations and messages (SPEC §4.1, §5.7) over real HTTP.

mod common;
use common::Server;
use serde_json::{json, Value};

const BASE: &str = "/api/v3/anytime";

fn create(s: &Server, subject: &str, body: &str) -> Value {
    let r = s.post(
        &format!("{BASE}/conversations"),
        &s.admin,
        json!({"subject": subject, "channel": "email", "message": {"type": "note", "htmlBody": body}}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["conversation"].clone()
}

#[test]
fn create_reply_note_update_and_history() {
    let s = Server::start();
    let (agent_id, _) = s.agent("ann@example.com", "agent");
    let r = s.post(
        &format!("{BASE}/conversations"),
        &s.admin,
        json!({"subject": "Printer", "channel": "email",
               "message": {"type": "email", "htmlBody": "<p>Hi<script>alert(1)</script><img src=x onerror=alert(1)></p>"}}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let c = r.json()["conversation"].clone();
    let id = c["id"].as_i64().unwrap();
    // an agent's first email makes an outbound conversation
    assert_eq!(c["status"], "pendingExternal");
    let html = c["messages"][0]["htmlBody"].as_str().unwrap();
    assert!(
        !html.contains("script") && !html.contains("onerror"),
        "{html}"
    );
    // a note with a mention changes no status
    let note = format!(r#"<span data-id="{agent_id}" class="athighlight">@Ann</span> look"#);
    let r = s.post(
        &format!("{BASE}/conversations/{id}/messages"),
        &s.admin,
        json!({"type": "note", "htmlBody": note}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["message"]["mentionedAgentIds"], json!([agent_id]));
    let got = s
        .get(
            &format!("{BASE}/conversations/{id}?include=messages,agentAssignee,createdBy"),
            &s.admin,
        )
        .json();
    assert_eq!(got["conversation"]["status"], "pendingExternal");
    assert_eq!(got["conversation"]["messages"].as_array().unwrap().len(), 2);
    assert_eq!(got["conversation"]["createdBy"]["email"], "admin@localhost");
    assert_eq!(
        got["conversation"]["mentionedAgents"][0]["agentId"],
        json!(agent_id)
    );
    // update: assignee, priority, then close
    let r = s.put(
        &format!("{BASE}/conversations/{id}"),
        &s.admin,
        json!({"agentAssigneeId": agent_id, "priority": "urgent"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["conversation"]["agentAssigneeId"], json!(agent_id));
    let r = s.put(
        &format!("{BASE}/conversations/{id}"),
        &s.admin,
        json!({"status": "closed"}),
    );
    assert_eq!(r.json()["conversation"]["status"], "closed");
    // messages with sender
    let m = s
        .get(
            &format!("{BASE}/conversations/{id}/messages?include=sender"),
            &s.admin,
        )
        .json();
    assert_eq!(m["messages"][1]["sender"]["email"], "admin@localhost");
    // history names who changed what
    let h = s
        .get(&format!("{BASE}/conversations/{id}/history"), &s.admin)
        .json();
    let fields: Vec<&str> = h["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert!(
        fields.contains(&"priority") && fields.contains(&"status"),
        "{fields:?}"
    );
    let status = h["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == "status")
        .unwrap();
    assert_eq!(
        (status["oldValue"].as_str(), status["newValue"].as_str()),
        (Some("pendingExternal"), Some("closed"))
    );
    assert_eq!(status["actorType"], "agent");
    // read/unread
    assert_eq!(
        s.send(
            "PUT",
            &format!("{BASE}/conversations/{id}/unread"),
            Some(&s.admin),
            None,
            b""
        )
        .status,
        204
    );
    assert_eq!(
        s.get(&format!("{BASE}/conversations/{id}"), &s.admin)
            .json()["conversation"]["isRead"],
        false
    );
    assert_eq!(
        s.send(
            "PUT",
            &format!("{BASE}/conversations/{id}/read"),
            Some(&s.admin),
            None,
            b""
        )
        .status,
        204
    );
    assert_eq!(
        s.get(&format!("{BASE}/conversations/{id}"), &s.admin)
            .json()["conversation"]["isRead"],
        true
    );
}

#[test]
fn bad_input_names_fields() {
    let s = Server::start();
    let url = format!("{BASE}/conversations");
    let r = s.post(&url, &s.admin, json!({"subject": "x", "message": {}}));
    assert_eq!(
        (r.status, r.error_fields()),
        (400, vec!["message.htmlBody".to_string()])
    );
    let r = s.post(
        &url,
        &s.admin,
        json!({"subject": "x", "channel": "pigeon", "message": {"plainBody": "a"}}),
    );
    assert_eq!(
        (r.status, r.error_fields()),
        (400, vec!["channel".to_string()])
    );
    let r = s.post(&url, &s.admin, json!({"subject": "x", "tagIds": ["00000000-0000-4000-8000-000000000001"], "message": {"plainBody": "a"}}));
    assert_eq!(r.status, 400);
    assert!(r.error_fields()[0].starts_with("tagIds"), "{}", r.body);
    let r = s.post(&url, &s.admin, json!({"subject": "x", "agentAssigneeId": "00000000-0000-4000-8000-000000000001", "message": {"plainBody": "a"}}));
    assert_eq!(r.status, 400, "{}", r.body);
    let id = create(&s, "ok", "a")["id"].as_i64().unwrap();
    let r = s.put(&format!("{url}/{id}"), &s.admin, json!({"status": "done"}));
    assert_eq!(r.error_fields(), ["status"]);
    assert_eq!(
        s.get(&format!("{url}/{id}?include=bogus"), &s.admin)
            .error_fields(),
        ["include"]
    );
    assert_eq!(
        s.get(&format!("{url}?sortBy=size"), &s.admin)
            .error_fields(),
        ["sortBy"]
    );
    assert_eq!(s.get(&format!("{url}/999"), &s.admin).status, 404);
    assert_eq!(s.get(&format!("{url}/abc"), &s.admin).status, 404);
}

#[test]
fn other_sites_and_portal_credentials_see_nothing() {
    let s = Server::start();
    let id = create(&s, "private", "secret words")["id"]
        .as_i64()
        .unwrap();
    let (_, other) = s.create_site("other", "o@other.test");
    assert_eq!(
        s.get(&format!("{BASE}/conversations/{id}"), &other).status,
        404
    );
    assert_eq!(
        s.put(
            &format!("{BASE}/conversations/{id}"),
            &other,
            json!({"priority": "low"})
        )
        .status,
        404
    );
    assert_eq!(
        s.post(
            &format!("{BASE}/conversations/{id}/messages"),
            &other,
            json!({"plainBody": "x"})
        )
        .status,
        404
    );
    assert_eq!(
        s.delete(&format!("{BASE}/conversations/{id}"), &other)
            .status,
        404
    );
    assert_eq!(
        s.get(&format!("{BASE}/conversations/{id}/history"), &other)
            .status,
        404
    );
    assert_eq!(
        s.get(&format!("{BASE}/conversations?keywords=secret"), &other)
            .json()["total"],
        0
    );
    // the other site numbers its own conversations from 1
    let r = s.post(
        &format!("{BASE}/conversations"),
        &other,
        json!({"subject": "mine", "message": {"plainBody": "x"}}),
    );
    assert_eq!(r.json()["conversation"]["id"], 1);
    let (_, portal) = s.agent("portal@example.com", "portal");
    assert_eq!(s.get(&format!("{BASE}/conversations"), &portal).status, 403);
}

#[test]
fn pagination_over_120_and_keyword_search() {
    let s = Server::start();
    for i in 0..120 {
        let word = if i % 10 == 0 { "zebra" } else { "plain" };
        create(&s, &format!("Case {i}"), &format!("body {word} number{i}"));
    }
    let mut seen = Vec::new();
    let mut next = Some(format!(
        "{BASE}/conversations?sortBy=lastActivityTime&sortOrder=asc"
    ));
    let mut pages = 0;
    while let Some(url) = next {
        let page = s.get(&url, &s.admin).json();
        assert_eq!(page["total"], 120);
        for c in page["conversations"].as_array().unwrap() {
            seen.push(c["id"].as_i64().unwrap());
        }
        next = page["nextPage"].as_str().map(str::to_string);
        pages += 1;
        assert!(pages <= 3);
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, (1..=120).collect::<Vec<i64>>());
    let page3 = s
        .get(&format!("{BASE}/conversations?pageIndex=3"), &s.admin)
        .json();
    assert_eq!(page3["conversations"].as_array().unwrap().len(), 20);
    assert!(page3["previousPage"]
        .as_str()
        .unwrap()
        .contains("pageIndex=2"));
    let found = s
        .get(&format!("{BASE}/conversations?keywords=zebra"), &s.admin)
        .json();
    assert_eq!(found["total"], 12);
    let found = s
        .get(
            &format!("{BASE}/conversations?keywords=zebra%20number30"),
            &s.admin,
        )
        .json();
    assert_eq!(found["total"], 1);
    assert_eq!(found["conversations"][0]["subject"], "Case 30");
    // by subject, and FTS syntax in the input is taken literally
    assert_eq!(
        s.get(&format!("{BASE}/conversations?keywords=Case"), &s.admin)
            .json()["total"],
        120
    );
    let r = s.get(
        &format!("{BASE}/conversations?keywords=%22OR%20NEAR(%2A"),
        &s.admin,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    // descending by id on ties, and a closed filter
    let desc = s
        .get(&format!("{BASE}/conversations?sortBy=status"), &s.admin)
        .json();
    assert_eq!(desc["conversations"][0]["id"], 120);
}

#[test]
fn delete_restore_purge_and_merge() {
    let s = Server::start();
    let a = create(&s, "target", "one")["id"].as_i64().unwrap();
    let b = create(&s, "source", "two")["id"].as_i64().unwrap();
    let c = create(&s, "gone", "three")["id"].as_i64().unwrap();
    // soft delete moves it to deletedconversations
    assert_eq!(
        s.delete(&format!("{BASE}/conversations/{c}"), &s.admin)
            .status,
        204
    );
    assert_eq!(
        s.get(&format!("{BASE}/conversations/{c}"), &s.admin).status,
        404
    );
    assert_eq!(
        s.get(&format!("{BASE}/deletedconversations/{c}"), &s.admin)
            .status,
        200
    );
    assert_eq!(
        s.get(&format!("{BASE}/deletedconversations"), &s.admin)
            .json()["total"],
        1
    );
    assert_eq!(
        s.get(
            &format!("{BASE}/deletedconversations/{c}/messages"),
            &s.admin
        )
        .json()["messages"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        s.send(
            "POST",
            &format!("{BASE}/deletedconversations/{c}/restore"),
            Some(&s.admin),
            None,
            b""
        )
        .status,
        204
    );
    assert_eq!(
        s.get(&format!("{BASE}/conversations/{c}"), &s.admin).status,
        200
    );
    // permanent delete only from the bin
    assert_eq!(
        s.delete(&format!("{BASE}/deletedconversations/{c}"), &s.admin)
            .status,
        404
    );
    s.delete(&format!("{BASE}/conversations/{c}"), &s.admin);
    assert_eq!(
        s.delete(&format!("{BASE}/deletedconversations/{c}"), &s.admin)
            .status,
        204
    );
    assert_eq!(
        s.get(&format!("{BASE}/deletedconversations/{c}"), &s.admin)
            .status,
        404
    );
    // merge
    assert_eq!(
        s.post(
            &format!("{BASE}/conversations/{a}/merge"),
            &s.admin,
            json!({"sourceId": a})
        )
        .status,
        409
    );
    let r = s.post(
        &format!("{BASE}/conversations/{a}/merge"),
        &s.admin,
        json!({"sourceId": b}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let source = s.get(&format!("{BASE}/conversations/{b}"), &s.admin).json();
    assert_eq!(source["conversation"]["mergedIntoId"], a);
    assert_eq!(source["conversation"]["status"], "closed");
    let msgs = s
        .get(&format!("{BASE}/conversations/{a}/messages"), &s.admin)
        .json();
    let bodies: Vec<&str> = msgs["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["plainBody"].as_str())
        .collect();
    assert!(
        bodies.contains(&"one") && bodies.contains(&"two"),
        "{bodies:?}"
    );
    assert_eq!(
        s.post(
            &format!("{BASE}/conversations/{a}/merge"),
            &s.admin,
            json!({"sourceId": b})
        )
        .status,
        409
    );
}
