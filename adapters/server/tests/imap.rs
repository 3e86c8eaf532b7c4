//! IMAP ingestion against a real Dovecot (issue 6): mail put into the account's INBOX (IMAP
//! APPEND by Python's imaplib, not our client) becomes conversations through IDLE or polling,
//! over STARTTLS and implicit TLS; a restart does not import anything twice; `deleteFromServer`
//! empties the mailbox only of what is stored; a wrong password shows `failed` with the
//! server's words until it is corrected.
//!
//! Skipped (with a message) when Dovecot or aiosmtpd is missing; `scripts/test.sh` installs
//! both, so CI always runs it.

mod common;
use common::mail::{append, eventually, Mail};
use common::{Cred, Server};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const API: &str = "/api/v3/anytime";

fn skip() -> bool {
    if Mail::available() {
        return false;
    }
    eprintln!("SKIPPED: dovecot or aiosmtpd missing (scripts/test.sh installs them)");
    true
}

fn message(n: usize, from: &str, subject: &str) -> String {
    format!(
        "From: Customer {n} <{from}>\r\nTo: alice@localhost\r\nSubject: {subject}\r\n\
         Message-ID: <m{n}-{}@cust.localhost>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBody {n}.\r\n",
        subject.len()
    )
}

fn account(mail: &Mail, user: &str, extra: Value) -> Value {
    let mut a = json!({
        "type": "imap", "businessEmail": format!("{user}@localhost"), "displayName": "Support",
        "password": "secret",
        "serverInfo": {"userName": user, "incomingServer": "127.0.0.1",
            "incomingServerPort": mail.imap, "useSSL": false,
            "outgoingServer": "127.0.0.1", "outgoingServerPort": mail.smtp,
            "encryptedConnectionType": "none", "authentication": false}
    });
    merge(&mut a, extra);
    a
}

fn merge(a: &mut Value, b: Value) {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                merge(a.entry(k).or_insert(Value::Null), v);
            }
        }
        (a, b) => *a = b,
    }
}

fn conversations(s: &Server, cred: &Cred) -> Vec<Value> {
    let r = s.get(&format!("{API}/conversations"), cred);
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["conversations"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn wait_conversations(s: &Server, cred: &Cred, n: usize) -> Vec<Value> {
    let mut list = Vec::new();
    eventually(30, || {
        list = conversations(s, cred);
        list.len() >= n
    });
    assert_eq!(list.len(), n, "{list:#?}");
    list
}

fn stored_account(s: &Server, id: &str) -> Value {
    s.get(&format!("{API}/emailAccounts/{id}"), &s.admin).json()["emailAccount"].clone()
}

fn last_uid(s: &Server) -> Option<i64> {
    let db = rusqlite::Connection::open(s.db()).unwrap();
    db.busy_timeout(Duration::from_secs(5)).unwrap();
    db.query_row("SELECT last_uid FROM imap_mailboxes", [], |r| r.get(0))
        .ok()
}

/// IDLE over STARTTLS: mail already there and mail arriving later both become conversations;
/// the account shows `succeeded`; a restart imports nothing twice but what came meanwhile.
#[test]
fn idle_ingests_once_across_a_restart() {
    if skip() {
        return;
    }
    let mail = Mail::start();
    // A poll interval far beyond the test: only IDLE can bring the later mail in time.
    let flags = [
        "--mail-insecure-tls",
        "--worker-interval-ms",
        "100",
        "--imap-poll-ms",
        "600000",
    ];
    let mut s = Server::start_with(&flags);
    let admin = s.admin.clone();
    let with_attachment = "From: Bob Customer <bob@cust.localhost>\r\nTo: alice@localhost\r\n\
        Subject: Printer on fire\r\nMessage-ID: <fire@cust.localhost>\r\nMIME-Version: 1.0\r\n\
        Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
        Content-Type: text/plain; charset=utf-8\r\n\r\nIt burns.\r\n--b\r\n\
        Content-Type: application/pdf; name=\"photo.pdf\"\r\n\
        Content-Disposition: attachment; filename=\"photo.pdf\"\r\n\
        Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQ=\r\n--b--\r\n";
    append(&mail, "alice", &[with_attachment.to_string()]);

    let r = s.post(
        &format!("{API}/emailAccounts"),
        &admin,
        account(&mail, "alice", json!({})),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["emailAccount"]["id"].as_str().unwrap().to_string();

    let list = wait_conversations(&s, &admin, 1);
    let c = &list[0];
    let msgs = common::mail::assert_printer_mail(&s, &admin, c, "bob@cust.localhost");
    assert_eq!(msgs[0]["source"], "email");
    assert_eq!(msgs[0]["from"], "bob@cust.localhost");
    assert_eq!(msgs[0]["to"], "alice@localhost");
    assert_eq!(msgs[0]["subject"], "Printer on fire");
    let file = &msgs[0]["attachments"][0];
    assert_eq!(file["fileName"], "photo.pdf", "{msgs}");
    assert_eq!(file["contentType"], "application/pdf");
    let download = s.get(file["url"].as_str().unwrap(), &admin);
    assert_eq!(download.status, 200);
    assert_eq!(download.body, "%PDF-1.4");

    // The account shows the worker's state.
    assert!(eventually(10, || {
        let a = stored_account(&s, &id);
        a["status"] == "succeeded" && a["lastReceivedTime"].is_string()
    }));
    assert_eq!(stored_account(&s, &id)["lastError"], Value::Null);

    // Arriving later: IDLE brings it in seconds.
    let started = Instant::now();
    append(
        &mail,
        "alice",
        &[message(2, "carol@cust.localhost", "Second")],
    );
    wait_conversations(&s, &admin, 2);
    assert!(started.elapsed() < Duration::from_secs(30));
    assert!(eventually(10, || last_uid(&s) == Some(2)));

    // Restart: the first two are not imported again; the third (sent while down) is.
    append(
        &mail,
        "alice",
        &[message(3, "dan@cust.localhost", "While down")],
    );
    s.restart(&flags);
    let list = wait_conversations(&s, &admin, 3);
    let subjects: Vec<&str> = list.iter().filter_map(|c| c["subject"].as_str()).collect();
    assert_eq!(
        subjects.iter().filter(|s| **s == "Printer on fire").count(),
        1
    );
    assert!(subjects.contains(&"While down"), "{subjects:?}");
    // Nothing else turns up, and the mail is still on the server (deleteFromServer is off).
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(conversations(&s, &admin).len(), 3);
    assert_eq!(last_uid(&s), Some(3));
    assert_eq!(mail.inbox("alice").len(), 3);
}

/// Polling (IDLE off) over implicit TLS with `deleteFromServer`: what is stored is deleted
/// from the mailbox, and nothing before it is committed.
#[test]
fn polling_over_tls_deletes_what_is_stored() {
    if skip() {
        return;
    }
    let mail = Mail::start();
    let s = Server::start_with(&[
        "--mail-insecure-tls",
        "--worker-interval-ms",
        "100",
        "--imap-no-idle",
        "--imap-poll-ms",
        "300",
    ]);
    let admin = s.admin.clone();
    let batch: Vec<String> = (1..=3)
        .map(|n| message(n, &format!("c{n}@cust.localhost"), &format!("Polled {n}")))
        .collect();
    append(&mail, "alice", &batch);
    let r = s.post(
        &format!("{API}/emailAccounts"),
        &admin,
        account(
            &mail,
            "alice",
            json!({"deleteFromServer": true,
                   "serverInfo": {"useSSL": true, "incomingServerPort": mail.imaps}}),
        ),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    wait_conversations(&s, &admin, 3);
    assert!(
        eventually(10, || mail.inbox("alice").is_empty()),
        "deleteFromServer leaves the mailbox empty"
    );
    // A later one is polled in, then deleted too.
    append(
        &mail,
        "alice",
        &[message(4, "c4@cust.localhost", "Polled 4")],
    );
    wait_conversations(&s, &admin, 4);
    assert!(eventually(10, || mail.inbox("alice").is_empty()));
}

/// A wrong password: `failed` with Dovecot's words, no crash, retries; once corrected, the
/// mail comes in and the account shows `succeeded`.
#[test]
fn a_wrong_password_fails_visibly_until_corrected() {
    if skip() {
        return;
    }
    let mail = Mail::start();
    let s = Server::start_with(&["--mail-insecure-tls", "--worker-interval-ms", "100"]);
    let admin = s.admin.clone();
    append(
        &mail,
        "alice",
        &[message(1, "erin@cust.localhost", "Waiting")],
    );
    let r = s.post(
        &format!("{API}/emailAccounts"),
        &admin,
        account(&mail, "alice", json!({"password": "wrong"})),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["emailAccount"]["id"].as_str().unwrap().to_string();
    assert!(eventually(15, || stored_account(&s, &id)["status"] == "failed"));
    let a = stored_account(&s, &id);
    let error = a["lastError"].as_str().unwrap_or_default();
    assert!(
        error.contains("login failed") && error.contains("AUTHENTICATIONFAILED"),
        "{a}"
    );
    assert_eq!(
        s.get("/healthz", &admin).status,
        200,
        "the server carries on"
    );
    assert!(conversations(&s, &admin).is_empty());

    let r = s.put(
        &format!("{API}/emailAccounts/{id}"),
        &admin,
        json!({"password": "secret"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    wait_conversations(&s, &admin, 1);
    assert!(eventually(10, || {
        let a = stored_account(&s, &id);
        a["status"] == "succeeded" && a["lastError"].is_null()
    }));
}
