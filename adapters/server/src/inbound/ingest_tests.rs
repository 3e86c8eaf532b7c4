//! The ingest service against a real store and the real router (in process): each SPEC §5.9
//! outcome, what it persists, and what it must not.

use super::ingest::{ingest, Incoming, Ingested, Receiving};
use crate::app::{build, AppState};
use crate::auth::keys::generate_key;
use crate::config::ServeConfig;
use anytime_core::inbound::{Headers, InboundMessage};
use anytime_core::model::{AgentId, AgentStatus, Channel, ConversationId, SiteId, Status};
use anytime_store::{NewAgent, NewSite, Role, SenderKey, Store, StoreOptions};
use axum::body::Body;
use axum::http::Request;
use axum::Router;
use base64::Engine;
use serde_json::{json, Value};
use tower::ServiceExt;
use uuid::Uuid;

const API: &str = "/api/v3/anytime";

struct World {
    app: AppState,
    router: Router,
    site: SiteId,
    admin: AgentId,
    auth: String,
    _dir: tempfile::TempDir,
}

async fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let config = ServeConfig::for_data_dir(dir.path());
    let (store, _) = Store::open(&config.db, StoreOptions::default())
        .await
        .unwrap();
    let (key, api_key) = generate_key();
    let admin = AgentId(Uuid::new_v4());
    let site = SiteId(Uuid::new_v4());
    store
        .sites()
        .create(NewSite {
            id: site,
            name: "Acme".into(),
            admin: NewAgent {
                id: admin,
                name: "Ada".into(),
                email: "ada@acme.test".into(),
                role: Role::Admin,
                is_active: true,
                status: AgentStatus::Online,
                department_ids: Vec::new(),
                password_hash: None,
                api_key,
            },
        })
        .await
        .unwrap();
    let (router, app) = build(store, config);
    let auth = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("ada@acme.test:{key}"))
    );
    World {
        app,
        router,
        site,
        admin,
        auth,
        _dir: dir,
    }
}

impl World {
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let req = Request::builder()
            .method(method)
            .uri(if path.starts_with("/api/") {
                path.to_string()
            } else {
                format!("{API}{path}")
            })
            .header("authorization", &self.auth)
            .header("content-type", "application/json")
            .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
            .unwrap();
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status().as_u16();
        let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    async fn ok(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let (status, v) = self.call(method, path, body).await;
        assert!(
            (200..300).contains(&status),
            "{method} {path}: {status} {v}"
        );
        v
    }

    fn via(&self) -> Receiving {
        Receiving::email(
            Some(&json!({"id": "acct-1", "number": 1, "businessEmail": "support@acme.test"})),
            None,
        )
    }

    async fn take(&self, incoming: Incoming) -> Ingested {
        ingest(&self.app, self.site, &self.via(), incoming)
            .await
            .unwrap()
    }

    async fn conversation(&self, id: ConversationId) -> Value {
        self.ok("GET", &format!("/conversations/{id}"), None).await["conversation"].clone()
    }

    async fn messages(&self, id: ConversationId) -> Vec<Value> {
        self.ok("GET", &format!("/conversations/{id}/messages"), None)
            .await["messages"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    async fn conversation_count(&self) -> usize {
        let (list, _) = self
            .app
            .store
            .conversations()
            .list(
                self.site,
                anytime_store::ConversationQuery {
                    limit: 1000,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        list.len()
    }
}

fn mail(id: &str, from: &str, subject: &str, text: &str) -> Incoming {
    Incoming {
        message: InboundMessage {
            message_id: Some(format!("<{id}>")),
            from: from.into(),
            to: vec!["support@acme.test".into()],
            subject: subject.into(),
            text: Some(text.into()),
            ..Default::default()
        },
        ..Default::default()
    }
}

fn created(i: &Ingested) -> ConversationId {
    match i {
        Ingested::Created { conversation, .. } => conversation.id,
        other => panic!("expected a new conversation, got {other:?}"),
    }
}

#[tokio::test]
async fn a_new_mail_becomes_a_conversation_with_its_contact_and_envelope() {
    let w = world().await;
    let mut m = mail(
        "m1@cust.test",
        "\"Carol Customer\" <Carol@Cust.Test>",
        "Printer on fire",
        "It burns.",
    );
    m.message.html =
        Some("<p onclick=\"x()\">It <b>burns</b>.<script>alert(1)</script></p>".into());
    let out = w.take(m).await;
    let id = created(&out);
    let c = w.conversation(id).await;
    assert_eq!(c["subject"], "Printer on fire");
    assert_eq!(c["channel"], "email");
    assert_eq!(c["status"], "new");
    assert_eq!(c["receivedFrom"], "support@acme.test");
    let contact_id = c["contactId"].as_str().unwrap().to_string();
    let contact = w
        .ok("GET", &format!("/api/v3/contacts/{contact_id}"), None)
        .await;
    assert_eq!(contact["contact"]["email"], "carol@cust.test", "{contact}");
    assert_eq!(contact["contact"]["name"], "Carol Customer");

    let messages = w.messages(id).await;
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert_eq!(m["type"], "email");
    assert_eq!(m["senderType"], "contact");
    assert_eq!(m["plainBody"], "It burns.");
    let html = m["htmlBody"].as_str().unwrap();
    assert!(html.contains("<b>burns</b>"), "{html}");
    assert!(
        !html.contains("script") && !html.contains("onclick"),
        "{html}"
    );

    let Ingested::Created { message_id, .. } = out else {
        unreachable!()
    };
    let env = w
        .app
        .store
        .inbound()
        .envelope(w.site, message_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(env["messageId"], "m1@cust.test");
    assert_eq!(env["source"], "email");
    assert_eq!(env["accountId"], "acct-1");
    assert_eq!(env["isAutoReply"], false);
}

#[tokio::test]
async fn redelivery_is_dropped_and_a_second_mail_from_the_contact_reuses_the_contact() {
    let w = world().await;
    let first = created(&w.take(mail("a@x", "carol@cust.test", "One", "1")).await);
    let again = w.take(mail("a@x", "carol@cust.test", "One", "1")).await;
    assert_eq!(
        again,
        Ingested::Duplicate {
            conversation_id: Some(first)
        }
    );
    assert_eq!(w.conversation_count().await, 1);
    assert_eq!(w.messages(first).await.len(), 1);

    let second = created(&w.take(mail("b@x", "CAROL@cust.test", "Two", "2")).await);
    assert_ne!(first, second);
    let c1 = w.conversation(first).await;
    let c2 = w.conversation(second).await;
    assert_eq!(c1["contactId"], c2["contactId"]);
}

#[tokio::test]
async fn replies_thread_by_headers_and_token_and_set_pending_internal() {
    let w = world().await;
    let id = created(
        &w.take(mail("q@cust.test", "carol@cust.test", "Help", "q"))
            .await,
    );
    // An agent's public reply: pendingExternal.
    w.ok(
        "POST",
        &format!("/conversations/{id}/messages"),
        Some(json!({"type": "reply", "htmlBody": "<p>On it</p>"})),
    )
    .await;
    assert_eq!(w.conversation(id).await["status"], "pendingExternal");

    // By In-Reply-To.
    let mut r = mail("r1@cust.test", "carol@cust.test", "Re: Help", "thanks");
    r.message.in_reply_to = Some("<q@cust.test>".into());
    let out = w.take(r).await;
    assert!(
        matches!(&out, Ingested::Appended { conversation, .. } if conversation.id == id),
        "{out:?}"
    );
    let c = w.conversation(id).await;
    assert_eq!(c["status"], "pendingInternal");
    assert_eq!(w.messages(id).await.len(), 3);

    // By References only (a later message in the thread).
    let mut r = mail("r2@cust.test", "carol@cust.test", "Re: Help", "more");
    r.message.references = vec!["<nope@x> <r1@cust.test>".into()];
    assert!(matches!(w.take(r).await, Ingested::Appended { .. }));

    // By [#id] token from the contact; a stranger's token starts a new conversation.
    let token = format!("Re: Help [#{id}]");
    assert!(matches!(
        w.take(mail("r3@cust.test", "carol@cust.test", &token, "token"))
            .await,
        Ingested::Appended { .. }
    ));
    let stranger = w
        .take(mail("s@evil.test", "mallory@evil.test", &token, "me too"))
        .await;
    let other = created(&stranger);
    assert_ne!(other, id);
    assert_eq!(w.messages(id).await.len(), 5);
}

#[tokio::test]
async fn a_reply_reopens_a_closed_conversation() {
    let w = world().await;
    let id = created(
        &w.take(mail("c@cust.test", "carol@cust.test", "Done", "x"))
            .await,
    );
    w.ok(
        "PUT",
        &format!("/conversations/{id}"),
        Some(json!({"status": "closed"})),
    )
    .await;
    let mut r = mail("c2@cust.test", "carol@cust.test", "Re: Done", "again");
    r.message.in_reply_to = Some("<c@cust.test>".into());
    assert!(matches!(w.take(r).await, Ingested::Appended { .. }));
    assert_eq!(w.conversation(id).await["status"], "pendingInternal");
}

#[tokio::test]
async fn junk_reject_and_loop_leave_no_conversation() {
    let w = world().await;
    w.ok(
        "PUT",
        "/blockedSenders",
        Some(json!({"email": "spam.test", "blockType": "blockDomainasJunk"})),
    )
    .await;
    w.ok(
        "PUT",
        "/blockedSenders",
        Some(json!({"email": "bad@actor.test", "blockType": "rejectEmail"})),
    )
    .await;
    w.ok(
        "POST",
        "/emailAccounts",
        Some(json!({"type": "imap", "businessEmail": "sales@acme.test"})),
    )
    .await;

    let junk = w
        .take(mail(
            "j@mx.spam.test",
            "Spammer <win@mx.spam.test>",
            "WIN",
            "money",
        ))
        .await;
    let Ingested::Junk { junk_id } = junk else {
        panic!("{junk:?}")
    };
    let j = w.ok("GET", &format!("/junkEmails/{junk_id}"), None).await;
    assert_eq!(j["junkEmail"]["from"], "win@mx.spam.test");
    assert_eq!(j["junkEmail"]["subject"], "WIN");
    assert_eq!(j["junkEmail"]["plainBody"], "money");
    assert_eq!(j["junkEmail"]["emailAccountId"], 1);
    assert_eq!(
        w.take(mail("j@mx.spam.test", "win@mx.spam.test", "WIN", "money"))
            .await,
        Ingested::Duplicate {
            conversation_id: None
        }
    );

    for n in 1..=2 {
        let out = w
            .take(mail(
                &format!("r{n}@actor.test"),
                "Bad@Actor.test",
                "x",
                "y",
            ))
            .await;
        assert_eq!(
            out,
            Ingested::Rejected {
                address: "bad@actor.test".into(),
                count: n
            }
        );
    }
    let counters = w.app.store.inbound().rejections(w.site).await.unwrap();
    assert_eq!(counters.len(), 1);
    assert_eq!(counters[0].count, 2);

    // The site's own addresses: an account's and the hosted one.
    assert_eq!(
        w.take(mail("l1@acme.test", "Sales <sales@acme.test>", "loop", "x"))
            .await,
        Ingested::Loop
    );
    let settings = w.ok("GET", "/emailSettings", None).await;
    let hosted = settings["emailSettings"]["inboundAddress"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        w.take(mail("l2@acme.test", &hosted, "loop", "x")).await,
        Ingested::Loop
    );

    assert_eq!(w.conversation_count().await, 0);
    let contacts = w.ok("GET", "/api/v3/contacts", None).await;
    assert_eq!(
        contacts["contacts"].as_array().map(Vec::len),
        Some(0),
        "{contacts}"
    );
}

#[tokio::test]
async fn triggers_run_and_auto_replies_get_no_email_back() {
    let w = world().await;
    w.ok(
        "POST",
        "/triggers",
        Some(json!({"name": "Ack", "event": "conversationCreated",
               "sendEmail": true, "sendToContacts": true,
               "subject": "We got it: {{conversation.subject}}", "plainText": "Hi {{contact.name}}"})),
    )
    .await;
    let normal = created(
        &w.take(mail("n@cust.test", "Carol <carol@cust.test>", "Hello", "x"))
            .await,
    );
    let outbox = w
        .app
        .store
        .conversations()
        .outbox(w.site, normal)
        .await
        .unwrap();
    assert_eq!(outbox.len(), 1, "{outbox:?}");
    assert_eq!(outbox[0].email.subject, "We got it: Hello");
    assert_eq!(outbox[0].email.plain_text, "Hi Carol");

    let mut auto = mail("ooo@cust.test", "dave@cust.test", "Out of office", "away");
    auto.message.headers = Headers::new([("Auto-Submitted".into(), "auto-replied".into())]);
    let id = created(&w.take(auto).await);
    let outbox = w
        .app
        .store
        .conversations()
        .outbox(w.site, id)
        .await
        .unwrap();
    assert!(outbox.is_empty(), "{outbox:?}");
}

#[tokio::test]
async fn the_accounts_assignment_applies_when_routing_is_off() {
    let w = world().await;
    let mut via = w.via();
    via.assignment.assigned_agent_id = Some(w.admin.0);
    let out = ingest(
        &w.app,
        w.site,
        &via,
        mail("as@cust.test", "carol@cust.test", "Assign me", "x"),
    )
    .await
    .unwrap();
    let c = w.conversation(created(&out)).await;
    assert_eq!(c["agentAssigneeId"], w.admin.0.to_string(), "{c}");
}

#[tokio::test]
async fn channel_messages_find_contacts_by_external_id_and_dedup_by_external_message_id() {
    let w = world().await;
    let via = Receiving {
        channel: Channel::Whatsapp,
        account_id: Some("wa-account".into()),
        account_number: None,
        address: None,
        sender_key: SenderKey::App("whatsapp".into()),
        source: "chat".into(),
        assignment: Default::default(),
        bot: None,
    };
    let msg = |ext: &str, text: &str| Incoming {
        message: InboundMessage {
            external_message_id: Some(ext.into()),
            from: "+15550100".into(),
            text: Some(text.into()),
            ..Default::default()
        },
        sender_name: Some("Walter".into()),
        ..Default::default()
    };
    let out = ingest(&w.app, w.site, &via, msg("wamid.1", "hi"))
        .await
        .unwrap();
    let id = created(&out);
    let c = w.conversation(id).await;
    assert_eq!(c["channel"], "whatsapp");
    let contact = w
        .ok(
            "GET",
            &format!("/api/v3/contacts/{}", c["contactId"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(contact["contact"]["name"], "Walter");
    assert_eq!(
        contact["contact"]["externalIds"]["whatsapp"], "+15550100",
        "{contact}"
    );
    let again = ingest(&w.app, w.site, &via, msg("wamid.1", "hi"))
        .await
        .unwrap();
    assert_eq!(
        again,
        Ingested::Duplicate {
            conversation_id: Some(id)
        }
    );
    // A second conversation of the same sender reuses the contact.
    let second = created(
        &ingest(&w.app, w.site, &via, msg("wamid.2", "new"))
            .await
            .unwrap(),
    );
    assert_eq!(w.conversation(second).await["contactId"], c["contactId"]);
}

#[tokio::test]
async fn concurrent_redeliveries_store_the_message_once() {
    let w = world().await;
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let app = w.app.clone();
        let site = w.site;
        let via = w.via();
        tasks.push(tokio::spawn(async move {
            ingest(
                &app,
                site,
                &via,
                mail("race@x", "carol@cust.test", "Race", "x"),
            )
            .await
            .unwrap()
        }));
    }
    let mut kinds = Vec::new();
    for t in tasks {
        kinds.push(t.await.unwrap().kind());
    }
    assert_eq!(
        kinds.iter().filter(|k| **k == "created").count(),
        1,
        "{kinds:?}"
    );
    assert_eq!(kinds.iter().filter(|k| **k == "duplicate").count(), 7);
    assert_eq!(w.conversation_count().await, 1);
}

#[tokio::test]
async fn merged_conversations_keep_threading_into_the_target() {
    let w = world().await;
    let a = created(
        &w.take(mail("ma@cust.test", "carol@cust.test", "A", "a"))
            .await,
    );
    let b = created(
        &w.take(mail("mb@cust.test", "carol@cust.test", "B", "b"))
            .await,
    );
    w.ok(
        "POST",
        &format!("/conversations/{a}/merge"),
        Some(json!({"sourceId": b.0})),
    )
    .await;
    let mut r = mail("mr@cust.test", "carol@cust.test", "Re: B", "reply to b");
    r.message.in_reply_to = Some("<mb@cust.test>".into());
    let out = w.take(r).await;
    assert!(
        matches!(&out, Ingested::Appended { conversation, .. } if conversation.id == a),
        "{out:?}"
    );
    assert_eq!(w.conversation(a).await["status"], Status::New.as_str());
}

#[tokio::test]
async fn not_junk_restores_the_email_and_its_message_id_still_dedups() {
    let w = world().await;
    w.ok(
        "PUT",
        "/blockedSenders",
        Some(json!({"email": "spam.test", "blockType": "blockDomainasJunk"})),
    )
    .await;
    let Ingested::Junk { junk_id } = w
        .take(mail(
            "nj@spam.test",
            "Sam <sam@spam.test>",
            "Real order",
            "please",
        ))
        .await
    else {
        panic!("expected junk")
    };
    let r = w
        .ok("POST", &format!("/junkEmails/{junk_id}/notJunk"), None)
        .await;
    let id = ConversationId(r["conversationId"].as_i64().expect("conversation"));
    assert_eq!(w.conversation(id).await["subject"], "Real order");
    assert_eq!(w.messages(id).await[0]["plainBody"], "please");
    assert_eq!(
        w.take(mail(
            "nj@spam.test",
            "sam@spam.test",
            "Real order",
            "please"
        ))
        .await,
        Ingested::Duplicate {
            conversation_id: Some(id)
        }
    );
    let (status, _) = w
        .call("POST", &format!("/junkEmails/{junk_id}/notJunk"), None)
        .await;
    assert_eq!(status, 404);
}
