//! Attachments (SPEC §4.14) over real HTTP: multipart upload, download rights, delete,
//! the 20 MB limit (413) and content types (415).

mod common;
use common::{Cred, Resp, Server};

const BASE: &str = "/api/v3/anytime";
const BOUNDARY: &str = "XyZboundary42";

fn form(name: &str, content_type: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn upload(s: &Server, cred: &Cred, name: &str, bytes: &[u8]) -> Resp {
    s.send(
        "POST",
        &format!("{BASE}/attachments"),
        Some(cred),
        Some(&format!("multipart/form-data; boundary={BOUNDARY}")),
        &form(name, "text/plain", bytes),
    )
}

#[test]
fn upload_download_and_delete_by_the_uploader() {
    let s = Server::start();
    let (_, ann) = s.agent("ann@example.com", "agent");
    let r = upload(&s, &s.admin, "../notes.txt", b"hello attachment");
    assert_eq!(r.status, 201, "{}", r.body);
    let a = r.json()["attachment"].clone();
    let guid = a["guid"].as_str().unwrap().to_string();
    assert_eq!(a["fileName"], "notes.txt");
    assert_eq!(a["size"], 16);
    assert_eq!(a["url"], format!("{BASE}/attachments/{guid}"));

    let d = s.get(&format!("{BASE}/attachments/{guid}"), &s.admin);
    assert_eq!(d.status, 200);
    assert_eq!(d.body, "hello attachment");
    assert!(d
        .header("content-disposition")
        .unwrap()
        .starts_with("attachment"));
    assert_eq!(d.header("x-content-type-options"), Some("nosniff"));
    // the file is content-addressed under the data dir
    let files: Vec<_> = std::fs::read_dir(s.dir.path().join("attachments"))
        .unwrap()
        .collect();
    assert_eq!(files.len(), 1);

    // an unattached upload is only its uploader's
    assert_eq!(
        s.get(&format!("{BASE}/attachments/{guid}"), &ann).status,
        404
    );
    assert_eq!(
        s.delete(&format!("{BASE}/attachments/{guid}"), &ann).status,
        404
    );
    let (_, other) = s.create_site("other", "boss@other.test");
    assert_eq!(
        s.get(&format!("{BASE}/attachments/{guid}"), &other).status,
        404
    );

    // the same bytes twice share one file; deleting one keeps the other readable
    let r2 = upload(&s, &s.admin, "copy.txt", b"hello attachment");
    let guid2 = r2.json()["attachment"]["guid"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        s.delete(&format!("{BASE}/attachments/{guid}"), &s.admin)
            .status,
        204
    );
    assert_eq!(
        s.get(&format!("{BASE}/attachments/{guid}"), &s.admin)
            .status,
        404
    );
    assert_eq!(
        s.get(&format!("{BASE}/attachments/{guid2}"), &s.admin).body,
        "hello attachment"
    );
    assert_eq!(
        s.delete(&format!("{BASE}/attachments/{guid2}"), &s.admin)
            .status,
        204
    );
    let files: Vec<_> = std::fs::read_dir(s.dir.path().join("attachments"))
        .unwrap()
        .collect();
    assert!(files.is_empty(), "the last reference removes the file");

    // portal credentials may upload, for the contact they act for (portal.rs has the rest)
    let (_, portal) = s.agent("portal@example.com", "portal");
    assert_eq!(upload(&s, &portal, "p.txt", b"p").status, 400);
    let c = s.post(
        "/api/v3/contacts",
        &s.admin,
        serde_json::json!({"name": "Pat", "email": "pat@example.com"}),
    );
    assert_eq!(c.status, 201, "{}", c.body);
    let contact = c.json()["contact"]["id"].as_str().unwrap().to_string();
    let r = s.send(
        "POST",
        &format!("{BASE}/attachments?contactId={contact}"),
        Some(&portal),
        Some(&format!("multipart/form-data; boundary={BOUNDARY}")),
        &form("p.txt", "text/plain", b"p"),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    // no credentials
    let r = s.send(
        "POST",
        &format!("{BASE}/attachments"),
        None,
        Some(&format!("multipart/form-data; boundary={BOUNDARY}")),
        &form("a", "text/plain", b"x"),
    );
    assert_eq!(r.status, 401);
}

#[test]
fn wrong_content_types_and_missing_parts() {
    let s = Server::start();
    let r = s.send(
        "POST",
        &format!("{BASE}/attachments"),
        Some(&s.admin),
        Some("application/json"),
        b"{}",
    );
    assert_eq!(r.status, 415, "{}", r.body);
    let body = format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--{BOUNDARY}--\r\n");
    let r = s.send(
        "POST",
        &format!("{BASE}/attachments"),
        Some(&s.admin),
        Some(&format!("multipart/form-data; boundary={BOUNDARY}")),
        body.as_bytes(),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.error_fields(), vec!["file"]);
    let r = s.send(
        "POST",
        &format!("{BASE}/attachments"),
        Some(&s.admin),
        Some("multipart/form-data"),
        b"garbage",
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(
        s.get(&format!("{BASE}/attachments/not-a-guid"), &s.admin)
            .status,
        404
    );
}

#[test]
fn more_than_20_mb_is_413() {
    let s = Server::start();
    let big = vec![b'a'; 20 * 1024 * 1024 + 1];
    let r = upload(&s, &s.admin, "big.bin", &big);
    assert_eq!(r.status, 413, "{}", r.body);
    let exact = vec![b'b'; 20 * 1024 * 1024];
    let r = upload(&s, &s.admin, "exact.bin", &exact);
    assert_eq!(r.status, 201, "{}", r.body);
}
