//! Conversation drafts (SPEC §4.1): one per conversation per agent, `hasDraft` per caller.

mod common;
use common::Server;
use serde_json::json;

const BASE: &str = "/api/v3/anytime";

#[test]
fn drafts_are_per_agent() {
    let s = Server::start();
    let (_, ann) = s.agent("ann@example.com", "agent");
    let r = s.post(
        &format!("{BASE}/conversations"),
        &s.admin,
        json!({"subject": "x", "message": {"type": "note", "htmlBody": "x"}}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["conversation"]["id"].as_i64().unwrap();
    let draft = format!("{BASE}/conversations/{id}/draft");

    assert_eq!(s.get(&draft, &s.admin).status, 404, "no draft yet");
    assert_eq!(
        s.put(&draft, &s.admin, json!({"htmlBody": "a"})).status,
        404
    );
    let r = s.post(
        &draft,
        &s.admin,
        json!({"subject": "Re: x", "htmlBody": "<p>hi<script>1</script></p>", "to": "a@example.com",
               "cc": "b@example.com;c@example.com"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let d = r.json()["conversationDraft"].clone();
    assert_eq!(d["conversationId"], json!(id));
    assert_eq!(d["subject"], "Re: x");
    assert_eq!(d["cc"], "b@example.com, c@example.com");
    assert!(!d["htmlBody"].as_str().unwrap().contains("script"));
    assert!(d["draftId"].as_i64().unwrap() >= 1);
    // A second create is a conflict; an update replaces and keeps the id.
    assert_eq!(
        s.post(&draft, &s.admin, json!({"htmlBody": "b"})).status,
        409
    );
    let r = s.put(&draft, &s.admin, json!({"plainBody": "later"}));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["conversationDraft"]["draftId"], d["draftId"]);
    assert_eq!(
        r.json()["conversationDraft"]["subject"],
        serde_json::Value::Null
    );

    // hasDraft is per caller, in get and list.
    let get = |cred| s.get(&format!("{BASE}/conversations/{id}"), cred).json();
    assert_eq!(get(&s.admin)["conversation"]["hasDraft"], true);
    assert_eq!(get(&ann)["conversation"]["hasDraft"], false);
    let list = s.get(&format!("{BASE}/conversations"), &s.admin).json();
    assert_eq!(list["conversations"][0]["hasDraft"], true);
    // Ann sees no draft and may keep her own.
    assert_eq!(s.get(&draft, &ann).status, 404);
    assert_eq!(
        s.post(&draft, &ann, json!({"htmlBody": "mine"})).status,
        201
    );

    // Field-named 400s; someone else's upload cannot go on a draft.
    let r = s.put(&draft, &s.admin, json!({"to": "nope", "colour": 1}));
    assert_eq!(r.status, 400, "{}", r.body);
    let r = s.put(&draft, &s.admin, json!({"to": "nope"}));
    assert_eq!(r.error_fields(), vec!["to"]);
    let r = s.put(
        &draft,
        &s.admin,
        json!({"attachments": [{"guid": "00000000-0000-0000-0000-000000000001"}]}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.error_fields(), vec!["attachments[0]"]);

    // Delete; then 404. Unknown conversation: 404.
    assert_eq!(s.delete(&draft, &s.admin).status, 204);
    assert_eq!(s.delete(&draft, &s.admin).status, 404);
    assert_eq!(get(&s.admin)["conversation"]["hasDraft"], false);
    assert_eq!(
        s.get(&format!("{BASE}/conversations/9999/draft"), &s.admin)
            .status,
        404
    );
    // A deleted conversation has no drafts to reach; purging it removes them.
    assert_eq!(
        s.delete(&format!("{BASE}/conversations/{id}"), &s.admin)
            .status,
        204
    );
    assert_eq!(s.get(&draft, &ann).status, 404);
    assert_eq!(
        s.delete(&format!("{BASE}/deletedconversations/{id}"), &s.admin)
            .status,
        204
    );
    let db = rusqlite::Connection::open(s.db()).unwrap();
    let left: i64 = db
        .query_row("SELECT count(*) FROM conversation_drafts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0);
}
