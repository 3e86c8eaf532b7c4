//! Blocked senders (SPEC §4.9) over real HTTP.

mod common;
use common::Server;
use serde_json::json;

const BASE: &str = "/api/v3/anytime/blockedSenders";

#[test]
fn blocked_senders_are_validated_upserted_filtered_and_deleted_by_email() {
    let s = Server::start();

    let r = s.put(
        BASE,
        &s.admin,
        json!({"email": "Spam.Test", "blockType": "rejectDomain"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let domain = r.json()["blockedSender"].clone();
    assert_eq!(domain["email"], "spam.test");
    assert_eq!(domain["blockType"], "rejectDomain");
    let id = domain["id"].as_str().unwrap().to_string();

    // Upsert by email: same id, new type; the seed wrapper is accepted.
    let r = s.put(
        BASE,
        &s.admin,
        json!({"blockedSender": {"email": "spam.test.", "blockType": "blockDomainasJunk"}}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["blockedSender"]["id"], id.as_str());
    assert_eq!(r.json()["blockedSender"]["blockType"], "blockDomainasJunk");

    let r = s.put(
        BASE,
        &s.admin,
        json!({"email": "bad@actor.test", "blockType": "rejectEmail"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);

    // Domain types need a domain, email types an address.
    for (email, kind) in [
        ("bad@actor.test", "rejectDomain"),
        ("actor.test", "blockEmailasJunk"),
        ("", "rejectEmail"),
    ] {
        let r = s.put(BASE, &s.admin, json!({"email": email, "blockType": kind}));
        assert_eq!(r.status, 400, "{email} {kind}: {}", r.body);
        assert_eq!(r.error_fields(), vec!["email"], "{}", r.body);
    }
    let r = s.put(
        BASE,
        &s.admin,
        json!({"email": "x.test", "blockType": "nope"}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    let r = s.put(
        BASE,
        &s.admin,
        json!({"email": "x.test", "blockType": "rejectDomain", "x": 1}),
    );
    assert_eq!(r.status, 400, "{}", r.body);

    let all = s.get(BASE, &s.admin);
    assert_eq!(all.status, 200, "{}", all.body);
    assert_eq!(all.json()["blockedSenders"].as_array().unwrap().len(), 2);
    let one = s.get(&format!("{BASE}?email=BAD@actor.test"), &s.admin);
    let list = one.json()["blockedSenders"].as_array().unwrap().clone();
    assert_eq!(list.len(), 1, "{}", one.body);
    assert_eq!(list[0]["email"], "bad@actor.test");

    let got = s.get(&format!("{BASE}/{id}"), &s.admin);
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.json()["blockedSender"]["email"], "spam.test");
    let missing = s.get(
        &format!("{BASE}/00000000-0000-4000-8000-000000000000"),
        &s.admin,
    );
    assert_eq!(missing.status, 404);

    // Agents read but may not change.
    let (_, agent) = s.agent("a@example.com", "agent");
    assert_eq!(s.get(BASE, &agent).status, 200);
    let r = s.put(
        BASE,
        &agent,
        json!({"email": "z.test", "blockType": "rejectDomain"}),
    );
    assert_eq!(r.status, 403, "{}", r.body);

    // Delete by query, then by body; a second delete is 404; no email is 400.
    let r = s.delete(&format!("{BASE}?email=Spam.test"), &s.admin);
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(s.get(&format!("{BASE}/{id}"), &s.admin).status, 404);
    let r = s.json("DELETE", BASE, &s.admin, json!({"email": "bad@actor.test"}));
    assert_eq!(r.status, 204, "{}", r.body);
    let r = s.json("DELETE", BASE, &s.admin, json!({"email": "bad@actor.test"}));
    assert_eq!(r.status, 404, "{}", r.body);
    let r = s.delete(BASE, &s.admin);
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.error_fields(), vec!["email"]);
    assert!(s.get(BASE, &s.admin).json()["blockedSenders"]
        .as_array()
        .unwrap()
        .is_empty());

    // Another site sees none of them.
    s.put(
        BASE,
        &s.admin,
        json!({"email": "q.test", "blockType": "rejectDomain"}),
    );
    let (_, other) = s.create_site("other", "boss@other.test");
    let r = s.get(BASE, &other);
    assert!(
        r.json()["blockedSenders"].as_array().unwrap().is_empty(),
        "{}",
        r.body
    );
}

/// Puts a junk email straight into the database (without a Message-ID).
fn junk(s: &Server, subject: &str, from: &str, time: &str) -> i64 {
    let db = rusqlite::Connection::open(s.db()).unwrap();
    db.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    let site: String = db
        .query_row("SELECT id FROM sites ORDER BY rowid LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    db.execute(
        "INSERT INTO junk_emails (site_id, subject, time, name, from_address, to_list, plain_body)
         VALUES (?1, ?2, ?3, 'Spammer', ?4, 'help@acme.test', 'buy now')",
        (site, subject, time, from),
    )
    .unwrap();
    db.last_insert_rowid()
}

#[test]
fn junk_emails_are_listed_by_time_and_keywords_marked_read_and_deleted() {
    const JUNK: &str = "/api/v3/anytime/junkEmails";
    let s = Server::start();
    let old = junk(&s, "Cheap pills", "a@spam.test", "2026-01-01T10:00:00.000Z");
    let new = junk(&s, "Lottery win", "b@spam.test", "2026-06-01T10:00:00.000Z");

    let r = s.get(JUNK, &s.admin);
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["total"], 2);
    assert_eq!(v["junkEmails"][0]["id"], new, "newest first");
    assert_eq!(v["junkEmails"][0]["from"], "b@spam.test");
    assert_eq!(v["junkEmails"][0]["isRead"], false);
    assert!(v["previousPage"].is_null() && v["nextPage"].is_null());

    let r = s.get(&format!("{JUNK}?keywords=PILLS"), &s.admin);
    assert_eq!(r.json()["total"], 1, "{}", r.body);
    assert_eq!(r.json()["junkEmails"][0]["id"], old);
    let r = s.get(
        &format!("{JUNK}?timeFrom=2026-03-01T00:00:00Z&timeTo=2026-12-01T00:00:00Z"),
        &s.admin,
    );
    assert_eq!(r.json()["total"], 1, "{}", r.body);
    assert_eq!(r.json()["junkEmails"][0]["id"], new);
    let r = s.get(&format!("{JUNK}?timeFrom=yesterday"), &s.admin);
    assert_eq!(r.status, 400, "{}", r.body);
    let r = s.get(
        &format!("{JUNK}?timeFrom=2026-12-01T00:00:00Z&timeTo=2026-01-01T00:00:00Z"),
        &s.admin,
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.error_fields(), vec!["timeTo"]);

    let r = s.put(&format!("{JUNK}/{old}"), &s.admin, json!({"isRead": true}));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["junkEmail"]["isRead"], true);
    assert_eq!(
        s.get(&format!("{JUNK}/{old}"), &s.admin).json()["junkEmail"]["isRead"],
        true
    );
    let r = s.put(&format!("{JUNK}/{old}"), &s.admin, json!({"subject": "x"}));
    assert_eq!(r.status, 400, "{}", r.body);

    assert_eq!(
        s.post(&format!("{JUNK}/9999/notJunk"), &s.admin, json!({}))
            .status,
        404
    );

    // Another site cannot see or delete them.
    let (_, other) = s.create_site("other", "boss@other.test");
    assert_eq!(s.get(&format!("{JUNK}/{old}"), &other).status, 404);
    assert_eq!(s.delete(&format!("{JUNK}/{old}"), &other).status, 404);
    assert_eq!(s.get(JUNK, &other).json()["total"], 0);

    assert_eq!(s.delete(&format!("{JUNK}/{old}"), &s.admin).status, 204);
    assert_eq!(s.get(&format!("{JUNK}/{old}"), &s.admin).status, 404);
    assert_eq!(s.get(JUNK, &s.admin).json()["total"], 1);

    // Not junk: the email becomes a conversation of its sender and leaves the junk list.
    assert_eq!(
        s.post(&format!("{JUNK}/{new}/notJunk"), &other, json!({}))
            .status,
        404
    );
    let r = s.post(&format!("{JUNK}/{new}/notJunk"), &s.admin, json!({}));
    assert_eq!(r.status, 200, "{}", r.body);
    let id = r.json()["conversationId"].as_i64().expect("a conversation");
    let c = s.get(&format!("/api/v3/anytime/conversations/{id}"), &s.admin);
    assert_eq!(
        c.json()["conversation"]["subject"],
        "Lottery win",
        "{}",
        c.body
    );
    assert_eq!(c.json()["conversation"]["channel"], "email");
    let contact = c.json()["conversation"]["contactId"]
        .as_str()
        .unwrap()
        .to_string();
    let contact = s.get(&format!("/api/v3/contacts/{contact}"), &s.admin);
    assert_eq!(
        contact.json()["contact"]["email"],
        "b@spam.test",
        "{}",
        contact.body
    );
    assert_eq!(contact.json()["contact"]["name"], "Spammer");
    assert_eq!(s.get(&format!("{JUNK}/{new}"), &s.admin).status, 404);
    assert_eq!(s.get(JUNK, &s.admin).json()["total"], 0);
    assert_eq!(
        s.post(&format!("{JUNK}/{new}/notJunk"), &s.admin, json!({}))
            .status,
        404
    );
}

#[test]
fn email_settings_check_the_template_and_choose_the_hosted_address_once() {
    const SETTINGS: &str = "/api/v3/anytime/emailSettings";
    let s = Server::start_with(&["--inbound-domain", "in.example.test"]);

    let r = s.get(SETTINGS, &s.admin);
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json()["emailSettings"].clone();
    let address = v["inboundAddress"].as_str().unwrap().to_string();
    let (local, domain) = address.split_once('@').unwrap();
    assert_eq!(domain, "in.example.test");
    assert!(local.starts_with("s-") && local.len() == 12, "{address}");
    assert!(local[2..]
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    let token = v["ingressToken"].as_str().unwrap().to_string();
    assert_eq!(
        s.get(SETTINGS, &s.admin).json()["emailSettings"]["inboundAddress"],
        address.as_str()
    );

    // Agents see the settings but not the token, and may not change them.
    let (_, agent) = s.agent("a@example.com", "agent");
    let r = s.get(SETTINGS, &agent);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.json()["emailSettings"].get("ingressToken").is_none(),
        "{}",
        r.body
    );
    assert_eq!(
        s.put(SETTINGS, &agent, json!({"senderName": "x"})).status,
        403
    );
    assert_eq!(
        s.post(&format!("{SETTINGS}/ingressToken"), &agent, json!({}))
            .status,
        403
    );

    for (body, field) in [
        (
            json!({"layoutTemplate": "<p>no placeholder</p>"}),
            "layoutTemplate",
        ),
        (json!({"senderName": "x".repeat(46)}), "senderName"),
        (json!({"senderAddress": "not an address"}), "senderAddress"),
        (
            json!({"inboundAddress": "help@elsewhere.test"}),
            "inboundAddress",
        ),
        (json!({"inboundAddress": "a b"}), "inboundAddress"),
        (json!({"ingressToken": "mine"}), "ingressToken"),
    ] {
        let r = s.put(SETTINGS, &s.admin, body.clone());
        assert_eq!(r.status, 400, "{body}: {}", r.body);
        assert_eq!(r.error_fields(), vec![field], "{}", r.body);
    }

    let r = s.put(
        SETTINGS,
        &s.admin,
        json!({"senderName": "Acme Support", "senderAddress": "help@acme.test",
               "layoutTemplate": "<div>#{content}</div>", "inboundAddress": "Acme"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json()["emailSettings"].clone();
    assert_eq!(v["inboundAddress"], "acme@in.example.test");
    assert_eq!(v["senderName"], "Acme Support");
    assert_eq!(v["layoutTemplate"], "<div>#{content}</div>");

    // Chosen once: the same address again is fine, another one is 409.
    let r = s.put(
        SETTINGS,
        &s.admin,
        json!({"inboundAddress": "acme@in.example.test"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = s.put(SETTINGS, &s.admin, json!({"inboundAddress": "other"}));
    assert_eq!(r.status, 409, "{}", r.body);

    // Another site cannot take it.
    let (_, other) = s.create_site("other", "boss@other.test");
    let r = s.put(SETTINGS, &other, json!({"inboundAddress": "acme"}));
    assert_eq!(r.status, 409, "{}", r.body);
    let r = s.put(SETTINGS, &other, json!({"inboundAddress": "beta"}));
    assert_eq!(r.status, 200, "{}", r.body);

    // A new token replaces the old one.
    let r = s.post(&format!("{SETTINGS}/ingressToken"), &s.admin, json!({}));
    assert_eq!(r.status, 200, "{}", r.body);
    let fresh = r.json()["ingressToken"].as_str().unwrap().to_string();
    assert_ne!(fresh, token);
    assert_eq!(
        s.get(SETTINGS, &s.admin).json()["emailSettings"]["ingressToken"],
        fresh.as_str()
    );
}

#[test]
fn email_accounts_number_default_disable_delete_and_hide_passwords() {
    const ACCOUNTS: &str = "/api/v3/anytime/emailAccounts";
    let s = Server::start();
    let r = s.post(
        ACCOUNTS,
        &s.admin,
        json!({"type": "imap", "businessEmail": "help@acme.test", "displayName": "Help",
               "password": "hunter2", "serverInfo": {"imapServer": "imap.acme.test",
               "smtpPassword": "smtp-secret"}}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let first = r.json()["emailAccount"].clone();
    assert_eq!(first["number"], 1);
    assert_eq!(first["isDefault"], true);
    assert_eq!(first["enable"], true);
    assert_eq!(first["password"], "********");
    assert_eq!(first["serverInfo"]["smtpPassword"], "********");
    assert!(!r.body.contains("hunter2"));
    let first_id = first["id"].as_str().unwrap().to_string();
    // How IMAP is secured is checked on save (STARTTLS unless `useSSL` or `none` says else).
    let r = s.post(
        ACCOUNTS,
        &s.admin,
        json!({"type": "imap", "businessEmail": "x@acme.test",
               "serverInfo": {"incomingEncryptedConnectionType": "maybe"}}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(
        r.error_fields(),
        vec!["serverInfo.incomingEncryptedConnectionType"]
    );

    // Encrypted at rest, with a 0600 key file in the data dir.
    let db = rusqlite::Connection::open(s.db()).unwrap();
    let stored: String = db
        .query_row(
            "SELECT value FROM site_documents WHERE name = 'emailAccounts'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        !stored.contains("hunter2") && !stored.contains("smtp-secret"),
        "{stored}"
    );
    assert!(stored.contains("enc:v1:"), "{stored}");
    let key = s.db().parent().unwrap().join("secret.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let r = s.post(
        ACCOUNTS,
        &s.admin,
        json!({"type": "emailForwarding", "businessEmail": "sales@acme.test"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let second = r.json()["emailAccount"].clone();
    assert_eq!(second["number"], 2);
    assert_eq!(second["isDefault"], false);
    let hosted = s.get("/api/v3/anytime/emailSettings", &s.admin).json()["emailSettings"]
        ["inboundAddress"]
        .clone();
    assert_eq!(second["forwardEmailTo"], hosted);
    let second_id = second["id"].as_str().unwrap().to_string();

    for (body, field) in [
        (
            json!({"type": "pop3", "businessEmail": "a@acme.test"}),
            "type",
        ),
        (
            json!({"type": "imap", "businessEmail": "nope"}),
            "businessEmail",
        ),
        (json!({"type": "imap"}), "businessEmail"),
        (
            json!({"type": "imap", "businessEmail": "a@acme.test", "bogus": 1}),
            "bogus",
        ),
    ] {
        let r = s.post(ACCOUNTS, &s.admin, body.clone());
        assert_eq!(r.status, 400, "{body}: {}", r.body);
        assert_eq!(r.error_fields(), vec![field], "{}", r.body);
    }

    // The masked password sent back keeps the stored one.
    let r = s.put(
        &format!("{ACCOUNTS}/{first_id}"),
        &s.admin,
        json!({"displayName": "Support", "password": "********"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let after: String = db
        .query_row(
            "SELECT value FROM site_documents WHERE name = 'emailAccounts'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(after.matches("enc:v1:").count(), 2, "{after}");
    assert_eq!(r.json()["emailAccount"]["displayName"], "Support");

    // Default moves; deleting needs a disabled account; deleting the default promotes the oldest.
    let r = s.put(
        &format!("{ACCOUNTS}/{second_id}/default"),
        &s.admin,
        json!({}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let list = s.get(ACCOUNTS, &s.admin).json()["emailAccounts"].clone();
    assert_eq!(list[0]["isDefault"], false);
    assert_eq!(list[1]["isDefault"], true);
    assert_eq!(
        s.delete(&format!("{ACCOUNTS}/{second_id}"), &s.admin)
            .status,
        409
    );
    let r = s.put(
        &format!("{ACCOUNTS}/{second_id}/enable"),
        &s.admin,
        json!({"enable": false}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["emailAccount"]["enable"], false);
    assert_eq!(
        s.delete(&format!("{ACCOUNTS}/{second_id}"), &s.admin)
            .status,
        204
    );
    let got = s.get(&format!("{ACCOUNTS}/{first_id}"), &s.admin);
    assert_eq!(
        got.json()["emailAccount"]["isDefault"],
        true,
        "{}",
        got.body
    );
    let r = s.post(
        ACCOUNTS,
        &s.admin,
        json!({"type": "imap", "businessEmail": "x@acme.test"}),
    );
    assert_eq!(
        r.json()["emailAccount"]["number"],
        3,
        "numbers are not reused"
    );

    // Testing connects for real: without servers, 422 naming both sides.
    let r = s.put(&format!("{ACCOUNTS}/{first_id}/test"), &s.admin, json!({}));
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.error_fields(), vec!["incoming", "outgoing"], "{}", r.body);
    let r = s.post(
        &format!("{ACCOUNTS}/test"),
        &s.admin,
        json!({"type": "exchange", "businessEmail": "x@acme.test"}),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.error_fields(), vec!["type"], "{}", r.body);
    assert!(r.body.contains("IMAP and SMTP"), "{}", r.body);
    assert_eq!(
        s.post(&format!("{ACCOUNTS}/test"), &s.admin, json!({}))
            .status,
        400
    );

    let (_, agent) = s.agent("a@example.com", "agent");
    assert_eq!(s.get(ACCOUNTS, &agent).status, 200);
    let r = s.post(
        ACCOUNTS,
        &agent,
        json!({"type": "imap", "businessEmail": "y@acme.test"}),
    );
    assert_eq!(r.status, 403);
    let (_, other) = s.create_site("other", "boss@other.test");
    assert_eq!(s.get(&format!("{ACCOUNTS}/{first_id}"), &other).status, 404);
}

#[test]
fn the_secret_key_is_created_on_first_start() {
    let s = Server::start();
    let key = s.db().parent().unwrap().join("secret.key");
    assert_eq!(std::fs::metadata(&key).unwrap().len(), 32);
}
