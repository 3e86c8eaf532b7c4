//! SPEC §2/§3 over real HTTP: start-up, operations, auth, roles, tenancy, error format.

mod common;
use common::{Cred, Server};
use serde_json::json;

#[test]
fn operations_endpoints_answer_without_credentials() {
    let s = Server::start();
    let r = s.send("GET", "/healthz", None, None, b"");
    assert_eq!((r.status, r.json()["status"].as_str()), (200, Some("ok")));
    assert_eq!(s.send("GET", "/readyz", None, None, b"").status, 200);
    let m = s.send("GET", "/metrics", None, None, b"");
    assert_eq!(m.status, 200);
    assert!(m.body.contains("# TYPE"), "{}", m.body);
    let api = s.send("GET", "/openapi.json", None, None, b"").json();
    assert!(api["openapi"].as_str().unwrap_or("").starts_with("3.1"));
    assert!(api["paths"]["/api/v3/agents"]["post"].is_object());
    for (path, method) in [
        ("/api/v3/anytime/conversations", "post"),
        ("/api/v3/anytime/conversations/{id}/messages", "post"),
        ("/api/v3/anytime/conversations/{id}/history", "get"),
        ("/api/v3/anytime/deletedconversations/{id}/restore", "post"),
        ("/api/v3/contacts", "get"),
    ] {
        assert!(
            api["paths"][path][method].is_object(),
            "{method} {path} documented"
        );
    }
    let docs = s.send("GET", "/docs", None, None, b"");
    assert_eq!(docs.status, 200);
    assert!(docs.body.contains("/api/v3/agents"));
    assert!(s.stop(), "SIGTERM exits 0");
}

#[test]
fn every_response_carries_a_request_id() {
    let s = Server::start();
    let r = s.get("/api/v3/agents", &s.admin);
    assert!(r.header("x-request-id").is_some_and(|v| !v.is_empty()));
}

#[test]
fn missing_or_wrong_credentials_are_401_in_the_error_format() {
    let s = Server::start();
    let r = s.send("GET", "/api/v3/agents", None, None, b"");
    assert_eq!(r.status, 401);
    assert_eq!(r.code(), "unauthorized");
    assert!(r.header("www-authenticate").is_some());
    let wrong = Cred::new(&s.admin.email, "atk_wrong");
    assert_eq!(s.get("/api/v3/agents", &wrong).status, 401);
    let other_email = Cred::new("someone@else.org", &s.admin.key);
    assert_eq!(s.get("/api/v3/agents", &other_email).status, 401);
}

#[test]
fn repeated_failed_auth_is_rate_limited_with_retry_after() {
    let s = Server::start();
    let wrong = Cred::new("victim@example.com", "atk_guess");
    for _ in 0..20 {
        assert_eq!(s.get("/api/v3/agents", &wrong).status, 401);
    }
    let r = s.get("/api/v3/agents", &wrong);
    assert_eq!(r.status, 429);
    assert_eq!(r.code(), "rateLimited");
    let retry: u64 = r
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&retry));
}

#[test]
fn roles_get_403() {
    let s = Server::start();
    let (_, agent) = s.agent("agent@example.com", "agent");
    let (_, portal) = s.agent("portal@example.com", "portal");
    // agents read settings but cannot change them
    assert_eq!(s.get("/api/v3/agents", &agent).status, 200);
    let r = s.post(
        "/api/v3/agents",
        &agent,
        json!({"name": "x", "email": "x@y.z"}),
    );
    assert_eq!((r.status, r.code().as_str()), (403, "forbidden"));
    assert_eq!(
        s.post("/api/v3/anytime/tags", &agent, json!({"name": "t"}))
            .status,
        403
    );
    // portal credentials reach none of these
    assert_eq!(s.get("/api/v3/agents", &portal).status, 403);
    assert_eq!(s.get("/api/v3/contacts", &portal).status, 403);
}

#[test]
fn sites_are_isolated_and_a_new_site_works_while_serving() {
    let s = Server::start();
    let dep = s
        .post("/api/v3/departments", &s.admin, json!({"name": "Sales"}))
        .json();
    let dep_id = dep["department"]["id"].as_str().unwrap().to_string();
    let (site, other) = s.create_site("acme", "boss@acme.test");
    assert!(site["siteId"].is_string() && site["agentId"].is_string());
    // the running server accepts the new key at once
    let list = s.get("/api/v3/agents", &other).json();
    assert_eq!(list["agents"].as_array().map(Vec::len), Some(1));
    // the first site's objects do not exist for the second
    for path in [
        format!("/api/v3/departments/{dep_id}"),
        format!(
            "/api/v3/agents/{}",
            list["agents"][0]["id"].as_str().unwrap()
        ),
    ] {
        let as_first = s.get(&path, &s.admin);
        let as_other = s.get(&path, &other);
        assert_ne!(as_first.status, as_other.status, "{path}");
    }
    assert_eq!(
        s.get(&format!("/api/v3/departments/{dep_id}"), &other)
            .status,
        404
    );
    assert_eq!(
        s.delete(&format!("/api/v3/departments/{dep_id}"), &other)
            .status,
        404
    );
    assert_eq!(
        s.put(
            &format!("/api/v3/departments/{dep_id}"),
            &other,
            json!({"name": "mine"})
        )
        .status,
        404
    );
    assert_eq!(
        s.get("/api/v3/departments", &other).json()["departments"],
        json!([])
    );
}

#[test]
fn bad_input_is_4xx_naming_the_field_never_500() {
    let s = Server::start();
    let r = s.post(
        "/api/v3/agents",
        &s.admin,
        json!({"name": "", "email": "nope"}),
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.code(), "validationFailed");
    assert_eq!(r.error_fields(), ["name", "email"]);
    let r = s.post(
        "/api/v3/agents",
        &s.admin,
        json!({"name": "a", "email": "a@b.c", "rol": "admin"}),
    );
    assert_eq!((r.status, r.error_fields()), (400, vec!["rol".to_string()]));
    let r = s.post(
        "/api/v3/agents",
        &s.admin,
        json!({"name": "a", "email": "a@b.c", "role": "god"}),
    );
    assert_eq!(
        (r.status, r.error_fields()),
        (400, vec!["role".to_string()])
    );
    let r = s.send(
        "POST",
        "/api/v3/agents",
        Some(&s.admin),
        Some("application/json"),
        b"{nope",
    );
    assert_eq!(
        (r.status, r.error_fields()),
        (400, vec!["body".to_string()])
    );
    let r = s.send(
        "POST",
        "/api/v3/agents",
        Some(&s.admin),
        Some("text/plain"),
        b"{}",
    );
    assert_eq!(r.status, 415);
    let big = vec![b' '; 1024 * 1024 + 10];
    let r = s.send(
        "POST",
        "/api/v3/agents",
        Some(&s.admin),
        Some("application/json"),
        &big,
    );
    assert_eq!(r.status, 413);
    let r = s.get("/api/v3/agents/not-a-uuid", &s.admin);
    assert_eq!(r.status, 404);
    let r = s.get("/api/v3/contacts?pageIndex=0", &s.admin);
    assert_eq!(
        (r.status, r.error_fields()),
        (400, vec!["pageIndex".to_string()])
    );
    let r = s.get("/api/v3/nothing", &s.admin);
    assert_eq!((r.status, r.code().as_str()), (404, "routeNotFound"));
    let r = s.send("PATCH", "/api/v3/agents", Some(&s.admin), None, b"");
    assert_eq!(r.status, 405);
    assert!(r.header("allow").is_some());
}

#[test]
fn resource_segments_are_case_insensitive_and_aliases_work() {
    let s = Server::start();
    assert_eq!(s.get("/API/V3/AGENTS", &s.admin).status, 200);
    assert_eq!(s.get("/api/v3/anytime/departments", &s.admin).status, 200);
    assert_eq!(
        s.get("/api/v3/anytime/CannedResponses", &s.admin).status,
        200
    );
}

#[test]
fn cli_migrate_and_backup() {
    let s = Server::start();
    let out = std::process::Command::new(common::bin())
        .args(["migrate", "--db"])
        .arg(s.db())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("schema version"));
    let copy = s.path().join("copy.db");
    let out = std::process::Command::new(common::bin())
        .args(["backup", "--db"])
        .arg(s.db())
        .arg("--out")
        .arg(&copy)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(copy.metadata().unwrap().len() > 0);
    // backing up onto an existing file fails cleanly
    let again = std::process::Command::new(common::bin())
        .args(["backup", "--db"])
        .arg(s.db())
        .arg("--out")
        .arg(&copy)
        .output()
        .unwrap();
    assert!(!again.status.success());
}

#[test]
fn site_create_rejects_a_bad_email() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(common::bin())
        .args(["site", "create", "--db"])
        .arg(dir.path().join("a.db"))
        .args(["--name", "x", "--admin-email", "nope"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
}
