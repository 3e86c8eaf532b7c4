//! Durability (SPEC §8): conversations created concurrently, `kill -9` in the middle of the
//! writes, restart: every acknowledged (2xx) creation is there, whole, and nothing is
//! half-written (each stored conversation has its first message and history; the database
//! passes `PRAGMA integrity_check`).

mod common;
use base64::Engine;
use common::Server;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const BASE: &str = "/api/v3/anytime";

/// One POST that never panics: `None` when the server is gone mid-request.
fn try_post(addr: &str, auth: &str, path: &str, body: &Value) -> Option<(u16, Value)> {
    let body = body.to_string();
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let req = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAuthorization: {auth}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    let text = String::from_utf8(buf).ok()?;
    let status: u16 = text.split(' ').nth(1)?.parse().ok()?;
    let (_, payload) = text.split_once("\r\n\r\n")?;
    Some((status, serde_json::from_str(payload).ok()?))
}

#[test]
fn acknowledged_creations_survive_kill_9() {
    let mut s = Server::start();
    let auth = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", s.admin.email, s.admin.key))
    );
    let acked: Arc<Mutex<Vec<(i64, String)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..6)
        .map(|t| {
            let (addr, auth) = (s.addr.clone(), auth.clone());
            let (acked, stop) = (Arc::clone(&acked), Arc::clone(&stop));
            std::thread::spawn(move || {
                for n in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let subject = format!("crash {t}-{n}");
                    let body = json!({"subject": subject, "channel": "email",
                        "message": {"type": "note", "htmlBody": format!("<p>body {t}-{n}</p>")}});
                    match try_post(&addr, &auth, &format!("{BASE}/conversations"), &body) {
                        Some((201, v)) => {
                            let id = v["conversation"]["id"].as_i64().expect("id");
                            acked.lock().unwrap().push((id, subject));
                        }
                        Some((status, v)) => panic!("unexpected {status}: {v}"),
                        // The server died under us: stop this writer.
                        None => break,
                    }
                }
            })
        })
        .collect();
    // Let writes pile up, then kill the server without warning.
    while acked.lock().unwrap().len() < 40 {
        std::thread::sleep(Duration::from_millis(20));
    }
    let killed = Command::new("kill")
        .args(["-KILL", &s.pid().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().expect("writer thread");
    }
    let acked = acked.lock().unwrap().clone();

    s.restart(&[]);
    for (id, subject) in &acked {
        let r = s.get(
            &format!("{BASE}/conversations/{id}?include=messages"),
            &s.admin,
        );
        assert_eq!(
            r.status, 200,
            "acknowledged conversation {id} lost: {}",
            r.body
        );
        let c = &r.json()["conversation"];
        assert_eq!(c["subject"], json!(subject));
        let messages = c["messages"].as_array().expect("messages");
        assert_eq!(messages.len(), 1, "{c}");
        let tail = subject.trim_start_matches("crash ");
        assert!(
            messages[0]["plainBody"]
                .as_str()
                .unwrap_or("")
                .contains(tail),
            "{c}"
        );
    }

    // Nothing half-written, acknowledged or not.
    let db = rusqlite::Connection::open(s.db()).expect("open db");
    let check: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let stored: i64 = db
        .query_row("SELECT count(*) FROM conversations", [], |r| r.get(0))
        .unwrap();
    assert!(stored as usize >= acked.len());
    let orphans: i64 = db
        .query_row(
            "SELECT count(*) FROM conversations c WHERE
                 NOT EXISTS (SELECT 1 FROM messages m WHERE m.site_id = c.site_id AND m.conversation_id = c.id)
              OR NOT EXISTS (SELECT 1 FROM conversation_history h WHERE h.site_id = c.site_id AND h.conversation_id = c.id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0, "a conversation without its message or history");
    // And the restarted server keeps numbering after the survivors.
    let r = s.post(
        &format!("{BASE}/conversations"),
        &s.admin,
        json!({"subject": "after", "message": {"type": "note", "htmlBody": "x"}}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(r.json()["conversation"]["id"].as_i64().unwrap() > stored);
}
