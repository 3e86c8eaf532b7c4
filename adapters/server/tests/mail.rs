//! The email channel against real mail servers (issue 6): Dovecot (IMAP, IMAPS, LMTP) and an
//! aiosmtpd SMTP server started by `tests/mail/mailservers.sh` on free loopback ports. Mail
//! comes in through the raw ingress, replies go out through the outbox worker over SMTP and
//! are read back from the customer's mailbox over IMAP (Python's imaplib).
//!
//! Skipped (with a message) when Dovecot or aiosmtpd is missing; `scripts/test.sh` installs
//! both, so CI always runs it.

mod common;
use common::mail::{header, Mail};
use common::{Resp, Server};
use serde_json::json;
use std::time::{Duration, Instant};

const API: &str = "/api/v3/anytime";

fn ingress(s: &Server, token: &str, raw: &str) -> Resp {
    let req = format!(
        "POST {API}/inbound/raw HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: message/rfc822\r\nAuthorization: Bearer {token}\r\nContent-Length: {}\r\n\r\n{raw}",
        s.addr,
        raw.len()
    );
    s.raw(req.as_bytes())
}

fn outbox(s: &Server) -> Vec<(String, i64, Option<String>)> {
    let db = rusqlite::Connection::open(s.db()).unwrap();
    db.busy_timeout(Duration::from_secs(5)).unwrap();
    let mut stmt = db
        .prepare("SELECT state, attempts, last_error FROM outbox ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn wait_outbox(
    s: &Server,
    what: impl Fn(&[(String, i64, Option<String>)]) -> bool,
) -> Vec<(String, i64, Option<String>)> {
    let start = Instant::now();
    loop {
        let rows = outbox(s);
        if what(&rows) || start.elapsed() > Duration::from_secs(20) {
            return rows;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn mail_in_reply_out_answer_threads_and_delivery_survives_a_dead_smtp_server() {
    if !Mail::available() {
        eprintln!("SKIPPED: dovecot or aiosmtpd missing (scripts/test.sh installs them)");
        return;
    }
    let mail = Mail::start();
    let s = Server::start_with(&["--mail-insecure-tls", "--worker-interval-ms", "100"]);
    let admin = s.admin.clone();
    let account = json!({
        "type": "imap", "businessEmail": "alice@localhost", "displayName": "Acme Support",
        "password": "secret",
        "serverInfo": {"userName": "alice", "incomingServer": "127.0.0.1",
            "incomingServerPort": mail.imap, "useSSL": false,
            "outgoingServer": "127.0.0.1", "outgoingServerPort": mail.smtp,
            "encryptedConnectionType": "TLS", "authentication": false}
    });
    let r = s.post(&format!("{API}/emailAccounts"), &admin, account.clone());
    assert_eq!(r.status, 201, "{}", r.body);
    let account_id = r.json()["emailAccount"]["id"].as_str().unwrap().to_string();

    // Test connection: plain IMAP + SMTP, IMAPS + STARTTLS, then a wrong password.
    let r = s.put(
        &format!("{API}/emailAccounts/{account_id}/test"),
        &admin,
        json!({}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json(), json!({"incoming": "ok", "outgoing": "ok"}));
    let r = s.put(
        &format!("{API}/emailAccounts/{account_id}/test"),
        &admin,
        json!({"serverInfo": {"useSSL": true, "incomingServerPort": mail.imaps,
                               "encryptedConnectionType": "TLS"}}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = s.put(
        &format!("{API}/emailAccounts/{account_id}/test"),
        &admin,
        json!({"password": "wrong"}),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.error_fields(), vec!["incoming"], "{}", r.body);
    assert!(r.body.contains("IMAP"), "{}", r.body);

    // A trigger acknowledging new conversations (to the contact).
    let r = s.post(
        &format!("{API}/triggers"),
        &admin,
        json!({"name": "Ack", "event": "conversationCreated", "sendEmail": true,
               "sendToContacts": true, "subject": "Received: {{conversation.subject}}",
               "plainText": "We are on it."}),
    );
    assert_eq!(r.status, 201, "{}", r.body);

    let token = s.get(&format!("{API}/emailSettings"), &admin).json()["emailSettings"]
        ["ingressToken"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(ingress(&s, "nope", "From: a@b\r\n\r\nx").status, 401);

    // 1. A customer's mail becomes a conversation with contact, subject, bodies.
    let first = "From: Bob Customer <bob@localhost>\r\nTo: alice@localhost\r\n\
        Subject: Printer on fire\r\nMessage-ID: <first@bob.localhost>\r\nMIME-Version: 1.0\r\n\
        Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
        Content-Type: text/plain; charset=utf-8\r\n\r\nIt burns.\r\n--b\r\n\
        Content-Type: application/pdf; name=\"photo.pdf\"\r\n\
        Content-Disposition: attachment; filename=\"photo.pdf\"\r\n\
        Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQ=\r\n--b--\r\n";
    let r = ingress(&s, &token, first);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["result"], "created");
    let id = r.json()["conversationId"].as_i64().unwrap();
    let c = s.get(&format!("{API}/conversations/{id}"), &admin).json()["conversation"].clone();
    common::mail::assert_printer_mail(&s, &admin, &c, "bob@localhost");
    // Redelivery by the MTA is harmless.
    assert_eq!(ingress(&s, &token, first).json()["result"], "duplicate");

    // The trigger's acknowledgement reaches Bob, marked automatic.
    let inbox = mail.wait_inbox("bob", 1);
    assert!(
        inbox[0].contains("Received: Printer on fire"),
        "{}",
        inbox[0]
    );
    assert_eq!(header(&inbox[0], "Auto-Submitted"), Some("auto-generated"));

    // 2. The agent's reply arrives in Bob's mailbox with the token and threading headers.
    let r = s.post(
        &format!("{API}/conversations/{id}/messages"),
        &admin,
        json!({"type": "email", "htmlBody": "<p>Unplug it.</p>"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let inbox = mail.wait_inbox("bob", 2);
    let reply = inbox
        .iter()
        .find(|m| m.contains("Unplug it"))
        .expect("the reply");
    assert_eq!(
        header(reply, "Subject"),
        Some(format!("Re: Printer on fire [#{id}]").as_str())
    );
    assert_eq!(header(reply, "In-Reply-To"), Some("<first@bob.localhost>"));
    assert!(header(reply, "References")
        .unwrap_or("")
        .contains("<first@bob.localhost>"));
    assert!(
        header(reply, "From")
            .unwrap_or("")
            .contains("alice@localhost"),
        "{reply}"
    );
    let reply_id = header(reply, "Message-ID").unwrap().to_string();
    assert_eq!(
        s.get(&format!("{API}/conversations/{id}"), &admin).json()["conversation"]["status"],
        "pendingExternal"
    );

    // 3. Bob's answer to it threads into the same conversation: pendingInternal.
    let answer = format!(
        "From: bob@localhost\r\nTo: alice@localhost\r\nSubject: Re: Printer on fire\r\n\
         Message-ID: <answer@bob.localhost>\r\nIn-Reply-To: {reply_id}\r\nReferences: <first@bob.localhost> {reply_id}\r\n\r\nDone, thanks.\r\n"
    );
    let r = ingress(&s, &token, &answer);
    assert_eq!(r.json()["result"], "appended", "{}", r.body);
    assert_eq!(r.json()["conversationId"], id);
    assert_eq!(
        s.get(&format!("{API}/conversations/{id}"), &admin).json()["conversation"]["status"],
        "pendingInternal"
    );

    // 4. An auto-reply starts a conversation but triggers no email back.
    let before = outbox(&s).len();
    let r = ingress(
        &s,
        &token,
        "From: carol@localhost\r\nTo: alice@localhost\r\nSubject: Out of office\r\n\
         Message-ID: <ooo@carol>\r\nAuto-Submitted: auto-replied\r\n\r\nAway.\r\n",
    );
    assert_eq!(r.json()["result"], "created");
    assert_eq!(outbox(&s).len(), before);

    // 5. Blocked domain → junk; rejected address → only a counter.
    s.put(
        &format!("{API}/blockedSenders"),
        &admin,
        json!({"email": "spam.localhost", "blockType": "blockDomainasJunk"}),
    );
    s.put(
        &format!("{API}/blockedSenders"),
        &admin,
        json!({"email": "eve@localhost", "blockType": "rejectEmail"}),
    );
    let r = ingress(
        &s,
        &token,
        "From: x@mx.spam.localhost\r\nSubject: WIN\r\nMessage-ID: <j@spam>\r\n\r\n$$$\r\n",
    );
    assert_eq!(r.json()["result"], "junk");
    assert_eq!(
        s.get(&format!("{API}/junkEmails"), &admin).json()["total"],
        1
    );
    let r = ingress(
        &s,
        &token,
        "From: eve@localhost\r\nSubject: hi\r\nMessage-ID: <e@eve>\r\n\r\nhi\r\n",
    );
    assert_eq!(r.json()["result"], "rejected");
    assert!(r.json()["conversationId"].is_null());

    // 6. SMTP down mid-outbox: retried, delivered once it is back.
    mail.run("stop-smtp");
    let r = s.post(
        &format!("{API}/conversations/{id}/messages"),
        &admin,
        json!({"type": "email", "htmlBody": "<p>Second try.</p>"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let rows = wait_outbox(&s, |rows| rows.last().is_some_and(|r| r.1 >= 1));
    let last = rows.last().unwrap().clone();
    assert_eq!(last.0, "queued", "{rows:?}");
    assert!(last.1 >= 1 && last.2.is_some(), "{rows:?}");
    mail.run("start-smtp");
    {
        // The retry schedule waits a minute; bring the attempt forward.
        let db = rusqlite::Connection::open(s.db()).unwrap();
        db.busy_timeout(Duration::from_secs(5)).unwrap();
        db.execute(
            "UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00.000Z' WHERE state = 'queued'",
            [],
        )
        .unwrap();
    }
    let rows = wait_outbox(&s, |rows| rows.iter().all(|r| r.0 == "sent"));
    assert!(rows.iter().all(|r| r.0 == "sent"), "{rows:?}");
    let inbox = mail.wait_inbox("bob", 3);
    assert!(inbox.iter().any(|m| m.contains("Second try")));
}

/// Seed 004's whole flow against Dovecot: register only after a real IMAP login succeeds (a
/// wrong password is a 422 in the envelope with nothing stored), verify, modify (checked the
/// same way), a message in the mailbox becomes a conversation and `mailDel` removes it from
/// the server, disable, delete (only when disabled).
#[test]
fn seed004_flow_against_a_real_imap_server() {
    if !Mail::available() {
        eprintln!("SKIPPED: dovecot or aiosmtpd missing (scripts/test.sh installs them)");
        return;
    }
    let mail = Mail::start();
    let s = Server::start_with(&["--mail-insecure-tls"]);
    let v1 = format!("/{}/openapi/v1", s.site_id);
    let external = |password: &str| {
        json!({"name": "Alice", "host": "127.0.0.1", "port": mail.imap, "ssl": false,
               "mail": "alice@localhost", "password": password, "mailDel": false})
    };
    let header = |r: &Resp| r.json()["header"].clone();

    let r = s.post(
        &format!("{v1}/mail/external.json"),
        &s.admin,
        external("wrong"),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(header(&r)["isSuccessful"], json!(false));
    assert!(
        header(&r)["resultMessage"]
            .as_str()
            .unwrap()
            .contains("IMAP"),
        "{}",
        r.body
    );
    let stored = s.get(&format!("{API}/emailAccounts"), &s.admin).json();
    assert_eq!(
        stored["emailAccounts"],
        json!([]),
        "nothing stored on failure"
    );

    let r = s.post(
        &format!("{v1}/mail/external/verify.json"),
        &s.admin,
        external("secret"),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["result"]["content"], json!("SUCCESS"));

    let r = s.post(
        &format!("{v1}/mail/external.json"),
        &s.admin,
        external("secret"),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let content = r.json()["result"]["content"].clone();
    assert_eq!(content["mail"], json!("alice@localhost"));
    assert_eq!(content["password"], json!("********"));
    let stored = s.get(&format!("{API}/emailAccounts"), &s.admin).json();
    let accounts = stored["emailAccounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 1, "{stored}");
    assert_eq!(accounts[0]["number"], content["id"]);
    assert_eq!(accounts[0]["type"], json!("imap"));
    let id = content["id"].as_i64().unwrap();

    // Modify: a wrong password is refused with nothing changed; `mailDel: true` is taken.
    let mut modified = external("wrong");
    modified["mailDel"] = json!(true);
    let r = s.put(
        &format!("{v1}/mail/external/{id}.json"),
        &s.admin,
        modified.clone(),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    let stored = s.get(&format!("{API}/emailAccounts"), &s.admin).json();
    assert_eq!(stored["emailAccounts"][0]["deleteFromServer"], json!(false));
    modified["password"] = json!("********"); // the stored one
    let r = s.put(&format!("{v1}/mail/external/{id}.json"), &s.admin, modified);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["result"]["content"]["mailDel"], json!(true));

    // A message in that mailbox becomes a conversation and then leaves the server.
    common::mail::append(
        &mail,
        "alice",
        &[
            "From: Fay <fay@cust.localhost>\r\nTo: alice@localhost\r\nSubject: Via seed 004\r\n\
           Message-ID: <s4@cust.localhost>\r\n\r\nHello.\r\n"
                .to_string(),
        ],
    );
    assert!(common::mail::eventually(30, || {
        s.get(&format!("{API}/conversations?keywords=seed"), &s.admin)
            .json()["conversations"]
            .as_array()
            .is_some_and(|c| c.len() == 1 && c[0]["subject"] == "Via seed 004")
    }));
    assert!(
        common::mail::eventually(15, || mail.inbox("alice").is_empty()),
        "mailDel removes the message from the server"
    );

    // Delete only when disabled.
    let r = s.delete(&format!("{v1}/mail/external/{id}.json"), &s.admin);
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(header(&r)["resultCode"], json!(409));
    let r = s.put(
        &format!("{v1}/mail/external/{id}/disable.json"),
        &s.admin,
        json!({}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["result"]["content"]["active"], json!(false));
    let r = s.delete(&format!("{v1}/mail/external/{id}.json"), &s.admin);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["result"]["content"], json!("SUCCESS"));
    let stored = s.get(&format!("{API}/emailAccounts"), &s.admin).json();
    assert_eq!(stored["emailAccounts"], json!([]));
}
