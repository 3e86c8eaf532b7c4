//! SPEC §4.15 over real HTTP against the binary: the sign-in page parsed and posted like a
//! browser would, codes exchanged, the API called with the token, and every rejection.

mod common;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use common::{Cred, Resp, Server};
use proptest::prelude::*;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const CB: &str = "http://127.0.0.1:9/cb";
const PASSWORD: &str = "correct horse battery";

/// An HTTP request with arbitrary headers.
fn request(s: &Server, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Resp {
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
        s.addr,
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.raw(req.as_bytes())
}

fn form(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");

fn bearer(s: &Server, method: &str, path: &str, token: &str, body: Option<Value>) -> Resp {
    let auth = format!("Bearer {token}");
    let mut headers = vec![("Authorization", auth.as_str())];
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    if !body.is_empty() {
        headers.push(("Content-Type", "application/json"));
    }
    request(s, method, path, &headers, &body)
}

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn verifier(n: u32) -> String {
    format!("verifier-{n:04}-{}", "x".repeat(40))
}

/// A client registered by the admin: (client_id, secret if confidential).
fn register(s: &Server, confidential: bool) -> (String, Option<String>) {
    let r = s.post(
        "/api/v3/oauth/clients",
        &s.admin,
        json!({"name": "Reporting app", "redirectUris": [CB, "https://app.example/cb"],
               "isConfidential": confidential}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let v = r.json();
    (
        v["oauthClient"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        v["clientSecret"].as_str().map(str::to_string),
    )
}

/// An agent with a password; returns its id and API key credentials.
fn agent_with_password(s: &Server, email: &str, role: &str) -> (String, Cred) {
    let r = s.post(
        "/api/v3/agents",
        &s.admin,
        json!({"name": email, "email": email, "role": role, "password": PASSWORD}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let v = r.json();
    (
        v["agent"]["id"].as_str().unwrap_or_default().to_string(),
        Cred::new(email, v["apiKey"].as_str().unwrap_or_default()),
    )
}

fn authorize_query(client: &str, redirect: &str, verifier: &str, state: &str) -> String {
    form(&[
        ("response_type", "code"),
        ("client_id", client),
        ("redirect_uri", redirect),
        ("code_challenge", &challenge(verifier)),
        ("code_challenge_method", "S256"),
        ("state", state),
    ])
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The page's form: every `<input name value>` (hidden ones carry the request).
fn inputs(html: &str) -> Vec<(String, String)> {
    html.split("<input")
        .skip(1)
        .filter_map(|tag| {
            let tag = &tag[..tag.find('>')?];
            let attr = |name: &str| {
                let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
                let end = start + tag[start..].find('"')?;
                Some(unescape(&tag[start..end]))
            };
            Some((attr("name")?, attr("value").unwrap_or_default()))
        })
        .collect()
}

fn cookie(r: &Resp) -> String {
    let set = r.header("set-cookie").unwrap_or_default();
    set.split(';').next().unwrap_or_default().to_string()
}

fn location_params(r: &Resp) -> Vec<(String, String)> {
    let loc = r.header("location").unwrap_or_default();
    let query = loc.split_once('?').map(|(_, q)| q).unwrap_or_default();
    url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

fn param(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

/// Opens the page, fills the form like a browser and posts it.
fn sign_in(s: &Server, query: &str, email: &str, password: &str, decision: &str) -> Resp {
    let page = request(s, "GET", &format!("/oauth/authorize?{query}"), &[], "");
    assert_eq!(page.status, 200, "{}", page.body);
    let mut fields = inputs(&page.body);
    for (k, v) in fields.iter_mut() {
        match k.as_str() {
            "email" => *v = email.into(),
            "password" => *v = password.into(),
            _ => {}
        }
    }
    fields.push(("decision".into(), decision.into()));
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let c = cookie(&page);
    request(
        s,
        "POST",
        "/oauth/authorize",
        &[FORM, ("Cookie", &c)],
        &form(&pairs),
    )
}

/// A fresh code for `email` through the page.
fn code_for(s: &Server, client: &str, email: &str, verifier: &str) -> String {
    let r = sign_in(
        s,
        &authorize_query(client, CB, verifier, "st"),
        email,
        PASSWORD,
        "allow",
    );
    assert_eq!(r.status, 303, "{}", r.body);
    param(&location_params(&r), "code").unwrap_or_default()
}

fn exchange(s: &Server, client: &str, code: &str, verifier: &str) -> Resp {
    request(
        s,
        "POST",
        "/oauth/token",
        &[FORM],
        &form(&[
            ("grant_type", "authorization_code"),
            ("client_id", client),
            ("code", code),
            ("redirect_uri", CB),
            ("code_verifier", verifier),
        ]),
    )
}

fn refresh(s: &Server, client: &str, token: &str) -> Resp {
    request(
        s,
        "POST",
        "/oauth/token",
        &[FORM],
        &form(&[
            ("grant_type", "refresh_token"),
            ("client_id", client),
            ("refresh_token", token),
        ]),
    )
}

/// access and refresh token of a fresh authorization.
fn tokens(s: &Server, client: &str, email: &str, n: u32) -> (String, String) {
    let v = verifier(n);
    let code = code_for(s, client, email, &v);
    let r = exchange(s, client, &code, &v);
    assert_eq!(r.status, 200, "{}", r.body);
    let j = r.json();
    (
        j["access_token"].as_str().unwrap_or_default().to_string(),
        j["refresh_token"].as_str().unwrap_or_default().to_string(),
    )
}

fn oauth_error(r: &Resp) -> String {
    r.json()["error"].as_str().unwrap_or_default().to_string()
}

#[test]
fn the_whole_flow_gives_a_token_that_acts_as_its_agent() {
    let s = Server::start();
    let (client, secret) = register(&s, false);
    assert!(secret.is_none(), "public clients have no secret");
    let (agent_id, _) = agent_with_password(&s, "ann@example.com", "agent");

    let v = verifier(1);
    let query = authorize_query(&client, CB, &v, "xyz 1");
    let page = request(&s, "GET", &format!("/oauth/authorize?{query}"), &[], "");
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-type")
        .unwrap_or("")
        .starts_with("text/html"));
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    assert!(page
        .header("content-security-policy")
        .unwrap_or("")
        .contains("default-src 'none'"));
    assert!(page.body.contains("Reporting app"), "names the client");
    assert!(!page.body.contains("<script"), "works without JavaScript");
    assert!(!page.body.contains("http://") || !page.body.contains("src=\"http"));
    let fields = inputs(&page.body);
    let csrf = param(&fields, "csrf_token").unwrap_or_default();
    assert!(csrf.len() >= 43);
    assert!(
        cookie(&page).ends_with(&csrf),
        "the cookie carries the same token"
    );

    let r = sign_in(&s, &query, "ANN@example.com", PASSWORD, "allow");
    assert_eq!(r.status, 303, "{}", r.body);
    let loc = r.header("location").unwrap_or_default().to_string();
    assert!(loc.starts_with("http://127.0.0.1:9/cb?code="), "{loc}");
    let back = location_params(&r);
    assert_eq!(param(&back, "state").as_deref(), Some("xyz 1"));
    let code = param(&back, "code").unwrap_or_default();
    assert!(code.len() >= 43, "≥128-bit code");

    let t = exchange(&s, &client, &code, &v);
    assert_eq!(t.status, 200, "{}", t.body);
    assert_eq!(t.header("cache-control"), Some("no-store"));
    let j = t.json();
    assert_eq!(j["token_type"], "Bearer");
    assert_eq!(j["expires_in"], 3600);
    assert_eq!(j["scope"], "api");
    let access = j["access_token"].as_str().unwrap_or_default();
    assert!(access.len() >= 43 && j["refresh_token"].as_str().is_some());

    // The token is the agent: its own record, the agent role's rights, nothing more.
    let me = bearer(
        &s,
        "GET",
        &format!("/api/v3/agents/{agent_id}"),
        access,
        None,
    );
    assert_eq!(me.status, 200, "{}", me.body);
    let conv = bearer(
        &s,
        "POST",
        "/api/v3/anytime/conversations",
        access,
        Some(json!({"subject": "Via OAuth", "channel": "email",
                    "message": {"type": "note", "htmlBody": "<p>hi</p>"}})),
    );
    assert!(conv.status == 201, "{} {}", conv.status, conv.body);
    let admin_only = bearer(
        &s,
        "POST",
        "/api/v3/agents",
        access,
        Some(json!({"name": "X", "email": "x@example.com"})),
    );
    assert_eq!(admin_only.status, 403, "agent role stays an agent");
    assert_eq!(
        bearer(&s, "GET", "/api/v3/oauth/clients", access, None).status,
        403
    );
    assert_eq!(
        bearer(&s, "GET", "/api/v3/agents", "ato_forged", None).status,
        401
    );
}

#[test]
fn a_token_never_reaches_another_site() {
    let s = Server::start();
    let (client, _) = register(&s, false);
    agent_with_password(&s, "ann@example.com", "admin");
    let (access, _) = tokens(&s, &client, "ann@example.com", 1);
    let (_, other_admin) = s.create_site("Other", "boss@other.example");
    let dept = s.post(
        "/api/v3/departments",
        &other_admin,
        json!({"name": "Elsewhere"}),
    );
    assert_eq!(dept.status, 201, "{}", dept.body);
    let id = dept.json()["department"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let path = format!("/api/v3/departments/{id}");
    assert_eq!(bearer(&s, "GET", &path, &access, None).status, 404);
    assert_eq!(bearer(&s, "DELETE", &path, &access, None).status, 404);
    assert_eq!(s.get(&path, &other_admin).status, 200);
    // Nor can the other site's admin sign in through this site's client.
    let r = sign_in(
        &s,
        &authorize_query(&client, CB, &verifier(2), "s"),
        "boss@other.example",
        PASSWORD,
        "allow",
    );
    assert_eq!(r.status, 400, "a client serves only its own site's agents");
    assert!(r.header("location").is_none());
}

#[test]
fn confidential_clients_authenticate_with_http_basic() {
    let s = Server::start();
    let (client, secret) = register(&s, true);
    let secret = secret.expect("the secret is shown once");
    let listed = s.get("/api/v3/oauth/clients", &s.admin);
    assert!(!listed.body.contains(&secret), "never shown again");
    assert_eq!(listed.json()["oauthClients"][0]["isConfidential"], true);
    agent_with_password(&s, "ann@example.com", "agent");
    let v = verifier(3);
    let code = code_for(&s, &client, "ann@example.com", &v);
    let body = form(&[
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", CB),
        ("code_verifier", &v),
    ]);
    let without = exchange(&s, &client, &code, &v);
    assert_eq!(
        (without.status, oauth_error(&without)),
        (401, "invalid_client".into())
    );
    assert!(without.header("www-authenticate").is_some());
    let wrong = format!("Basic {}", STANDARD.encode(format!("{client}:atcs_wrong")));
    let r = request(
        &s,
        "POST",
        "/oauth/token",
        &[FORM, ("Authorization", &wrong)],
        &body,
    );
    assert_eq!((r.status, oauth_error(&r)), (401, "invalid_client".into()));
    // The code was not touched by the failed client authentications.
    let right = format!("Basic {}", STANDARD.encode(format!("{client}:{secret}")));
    let r = request(
        &s,
        "POST",
        "/oauth/token",
        &[FORM, ("Authorization", &right)],
        &body,
    );
    assert_eq!(r.status, 200, "{}", r.body);
}

#[test]
fn the_authorization_endpoint_refuses_bad_requests() {
    let s = Server::start();
    let (client, _) = register(&s, false);
    let v = verifier(4);
    let page = |q: &str| request(&s, "GET", &format!("/oauth/authorize?{q}"), &[], "");
    // Unknown client or redirect URI: an error page, never a redirect.
    for q in [
        authorize_query("00000000-0000-4000-8000-000000000000", CB, &v, "s"),
        authorize_query("not-a-uuid", CB, &v, "s"),
        authorize_query(&client, "https://evil.example/cb", &v, "s"),
        authorize_query(&client, "http://127.0.0.1:9/cb/", &v, "s"),
        form(&[("client_id", &client)]),
        format!(
            "{}&redirect_uri=https%3A%2F%2Fapp.example%2Fcb",
            authorize_query(&client, CB, &v, "s")
        ),
    ] {
        let r = page(&q);
        assert_eq!(r.status, 400, "{q}: {}", r.body);
        assert!(r.header("location").is_none(), "{q}");
        assert!(r.body.contains("not valid"), "{}", r.body);
    }
    // Everything else goes back to the client with an RFC 6749 §4.1.2.1 code and the state.
    let base = |pairs: &[(&str, &str)]| {
        let mut all = vec![
            ("client_id", client.as_str()),
            ("redirect_uri", CB),
            ("state", "s1"),
        ];
        all.extend_from_slice(pairs);
        form(&all)
    };
    let ch = challenge(&v);
    for (q, error) in [
        (
            base(&[("response_type", "code"), ("code_challenge", &ch)]),
            "invalid_request",
        ),
        (
            base(&[
                ("response_type", "code"),
                ("code_challenge", &ch),
                ("code_challenge_method", "plain"),
            ]),
            "invalid_request",
        ),
        (
            base(&[("response_type", "code"), ("code_challenge_method", "S256")]),
            "invalid_request",
        ),
        (
            base(&[
                ("response_type", "code"),
                ("code_challenge", "short"),
                ("code_challenge_method", "S256"),
            ]),
            "invalid_request",
        ),
        (
            base(&[
                ("response_type", "token"),
                ("code_challenge", &ch),
                ("code_challenge_method", "S256"),
            ]),
            "unsupported_response_type",
        ),
        (
            base(&[("code_challenge", &ch), ("code_challenge_method", "S256")]),
            "invalid_request",
        ),
        (
            base(&[
                ("response_type", "code"),
                ("code_challenge", &ch),
                ("code_challenge_method", "S256"),
                ("scope", "admin"),
            ]),
            "invalid_scope",
        ),
    ] {
        let r = page(&q);
        assert_eq!(r.status, 303, "{q}: {}", r.body);
        let back = location_params(&r);
        assert!(r.header("location").unwrap_or("").starts_with(CB));
        assert_eq!(param(&back, "error").as_deref(), Some(error), "{q}");
        assert_eq!(param(&back, "state").as_deref(), Some("s1"));
        assert!(param(&back, "code").is_none());
    }
}

#[test]
fn the_sign_in_form_refuses_wrong_passwords_forged_posts_and_denial() {
    let s = Server::start();
    let (client, _) = register(&s, false);
    agent_with_password(&s, "ann@example.com", "agent");
    let query = authorize_query(&client, CB, &verifier(5), "s2");
    let wrong = sign_in(&s, &query, "ann@example.com", "not the password", "allow");
    assert_eq!(wrong.status, 400);
    assert!(wrong.header("location").is_none());
    assert!(wrong.body.contains("Wrong email or password"));
    assert!(
        wrong.body.contains("value=\"ann@example.com\""),
        "email kept"
    );
    let denied = sign_in(&s, &query, "ann@example.com", PASSWORD, "deny");
    assert_eq!(denied.status, 303);
    assert_eq!(
        param(&location_params(&denied), "error").as_deref(),
        Some("access_denied")
    );
    // A post without the CSRF cookie (from another site's page) signs nobody in.
    let page = request(&s, "GET", &format!("/oauth/authorize?{query}"), &[], "");
    let mut fields = inputs(&page.body);
    fields.retain(|(k, _)| k != "email" && k != "password");
    let mut pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    pairs.extend([
        ("email", "ann@example.com"),
        ("password", PASSWORD),
        ("decision", "allow"),
    ]);
    let forged = request(&s, "POST", "/oauth/authorize", &[FORM], &form(&pairs));
    assert_eq!(forged.status, 403);
    assert!(forged.header("location").is_none());
    let other_cookie = request(
        &s,
        "POST",
        "/oauth/authorize",
        &[FORM, ("Cookie", "anytime_oauth_csrf=somethingelse")],
        &form(&pairs),
    );
    assert_eq!(other_cookie.status, 403);
}

#[test]
fn failed_sign_ins_are_rate_limited_per_email() {
    let s = Server::start();
    let (client, _) = register(&s, false);
    agent_with_password(&s, "ann@example.com", "agent");
    let query = authorize_query(&client, CB, &verifier(6), "s");
    for _ in 0..20 {
        assert_eq!(
            sign_in(&s, &query, "ann@example.com", "wrong-guess", "allow").status,
            400
        );
    }
    let r = sign_in(&s, &query, "ann@example.com", PASSWORD, "allow");
    assert_eq!(r.status, 429, "even the right password waits");
    assert!(r
        .header("retry-after")
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|v| v > 0));
    // The limit is also per client address, shared with the API-key path.
    assert_eq!(s.get("/api/v3/agents", &s.admin).status, 429);
}

#[test]
fn codes_are_single_use_and_bound_to_client_redirect_and_verifier() {
    let s = Server::start();
    let (client, _) = register(&s, false);
    let (other_client, _) = register(&s, false);
    agent_with_password(&s, "ann@example.com", "agent");
    let v = verifier(7);

    let code = code_for(&s, &client, "ann@example.com", &v);
    let r = exchange(&s, &client, &code, &verifier(8));
    assert_eq!((r.status, oauth_error(&r)), (400, "invalid_grant".into()));
    let r = exchange(&s, &client, &code, &v);
    assert_eq!(
        oauth_error(&r),
        "invalid_grant",
        "a refused code is used up"
    );

    let code = code_for(&s, &client, "ann@example.com", &v);
    let r = exchange(&s, &other_client, &code, &v);
    assert_eq!(oauth_error(&r), "invalid_grant");

    let code = code_for(&s, &client, "ann@example.com", &v);
    let r = request(
        &s,
        "POST",
        "/oauth/token",
        &[FORM],
        &form(&[
            ("grant_type", "authorization_code"),
            ("client_id", &client),
            ("code", &code),
            ("redirect_uri", "https://app.example/cb"),
            ("code_verifier", &v),
        ]),
    );
    assert_eq!(oauth_error(&r), "invalid_grant", "{}", r.body);

    // Replay: the second exchange fails and revokes what the first one gave.
    let code = code_for(&s, &client, "ann@example.com", &v);
    let first = exchange(&s, &client, &code, &v);
    assert_eq!(first.status, 200);
    let access = first.json()["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(
        bearer(&s, "GET", "/api/v3/agents", &access, None).status,
        200
    );
    let again = exchange(&s, &client, &code, &v);
    assert_eq!(oauth_error(&again), "invalid_grant");
    assert_eq!(
        bearer(&s, "GET", "/api/v3/agents", &access, None).status,
        401
    );

    // Malformed token requests.
    let r = request(
        &s,
        "POST",
        "/oauth/token",
        &[FORM],
        &form(&[("grant_type", "password"), ("client_id", &client)]),
    );
    assert_eq!(
        (r.status, oauth_error(&r)),
        (400, "unsupported_grant_type".into())
    );
    let r = request(
        &s,
        "POST",
        "/oauth/token",
        &[FORM],
        &form(&[("grant_type", "authorization_code"), ("client_id", &client)]),
    );
    assert_eq!(oauth_error(&r), "invalid_request");
    let r = request(
        &s,
        "POST",
        "/oauth/token",
        &[("Content-Type", "application/json")],
        "{}",
    );
    assert_eq!((r.status, oauth_error(&r)), (400, "invalid_request".into()));
    let r = request(
        &s,
        "POST",
        "/oauth/token",
        &[FORM],
        &form(&[("grant_type", "refresh_token")]),
    );
    assert_eq!((r.status, oauth_error(&r)), (401, "invalid_client".into()));
    let twice = format!(
        "{}&grant_type=refresh_token",
        form(&[("grant_type", "refresh_token"), ("client_id", &client)])
    );
    let r = request(&s, "POST", "/oauth/token", &[FORM], &twice);
    assert_eq!(oauth_error(&r), "invalid_request");
}

#[test]
fn refresh_tokens_rotate_and_a_reused_one_revokes_the_family() {
    let s = Server::start();
    let (client, _) = register(&s, false);
    agent_with_password(&s, "ann@example.com", "agent");
    let (access1, refresh1) = tokens(&s, &client, "ann@example.com", 9);
    let r = refresh(&s, &client, &refresh1);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let access2 = r.json()["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let refresh2 = r.json()["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_ne!(refresh1, refresh2);
    assert_eq!(
        bearer(&s, "GET", "/api/v3/agents", &access2, None).status,
        200
    );
    // An unrelated authorization of the same agent is not touched by what follows.
    let (other_access, _) = tokens(&s, &client, "ann@example.com", 10);

    let reused = refresh(&s, &client, &refresh1);
    assert_eq!(
        (reused.status, oauth_error(&reused)),
        (400, "invalid_grant".into())
    );
    for t in [&access1, &access2] {
        assert_eq!(bearer(&s, "GET", "/api/v3/agents", t, None).status, 401);
    }
    assert_eq!(
        oauth_error(&refresh(&s, &client, &refresh2)),
        "invalid_grant"
    );
    assert_eq!(
        bearer(&s, "GET", "/api/v3/agents", &other_access, None).status,
        200
    );
}

#[test]
fn revocation_endpoint_and_agent_changes_revoke_tokens() {
    let s = Server::start();
    let (client, _) = register(&s, false);
    let (agent_id, key) = agent_with_password(&s, "ann@example.com", "agent");
    let revoke = |token: &str| {
        request(
            &s,
            "POST",
            "/oauth/revoke",
            &[FORM],
            &form(&[("token", token), ("client_id", &client)]),
        )
    };

    let (access, refresh_token) = tokens(&s, &client, "ann@example.com", 11);
    assert_eq!(revoke(&access).status, 200);
    assert_eq!(
        bearer(&s, "GET", "/api/v3/agents", &access, None).status,
        401
    );
    assert_eq!(revoke(&refresh_token).status, 200);
    assert_eq!(
        oauth_error(&refresh(&s, &client, &refresh_token)),
        "invalid_grant"
    );
    assert_eq!(
        revoke("atr_unknown").status,
        200,
        "RFC 7009: unknown tokens are fine"
    );

    // Disabling the agent revokes its tokens, for good.
    let (access, _) = tokens(&s, &client, "ann@example.com", 12);
    assert_eq!(
        bearer(&s, "GET", "/api/v3/agents", &access, None).status,
        200
    );
    let path = format!("/api/v3/agents/{agent_id}");
    assert_eq!(
        s.put(&path, &s.admin, json!({"isActive": false})).status,
        200
    );
    assert_eq!(
        bearer(&s, "GET", "/api/v3/agents", &access, None).status,
        401
    );
    assert_eq!(
        s.put(&path, &s.admin, json!({"isActive": true})).status,
        200
    );
    assert_eq!(
        bearer(&s, "GET", "/api/v3/agents", &access, None).status,
        401
    );
    assert_eq!(
        s.get("/api/v3/agents", &key).status,
        200,
        "the API key lives on"
    );

    // So does a password change.
    let (access, _) = tokens(&s, &client, "ann@example.com", 13);
    assert_eq!(
        s.put(&path, &s.admin, json!({"password": "another one!"}))
            .status,
        200
    );
    assert_eq!(
        bearer(&s, "GET", "/api/v3/agents", &access, None).status,
        401
    );

    // And deleting the client.
    let r = sign_in(
        &s,
        &authorize_query(&client, CB, &verifier(14), "s"),
        "ann@example.com",
        "another one!",
        "allow",
    );
    let code = param(&location_params(&r), "code").unwrap_or_default();
    let t = exchange(&s, &client, &code, &verifier(14));
    let access = t.json()["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(
        bearer(&s, "GET", "/api/v3/agents", &access, None).status,
        200
    );
    assert_eq!(
        s.delete(&format!("/api/v3/oauth/clients/{client}"), &s.admin)
            .status,
        204
    );
    assert_eq!(
        bearer(&s, "GET", "/api/v3/agents", &access, None).status,
        401
    );
}

#[test]
fn tokens_have_the_per_credential_request_limit() {
    let s = Server::start_with(&["--rate-limit", "4"]);
    let (client, _) = register(&s, false);
    agent_with_password(&s, "ann@example.com", "agent");
    let (access, _) = tokens(&s, &client, "ann@example.com", 15);
    let statuses: Vec<u16> = (0..6)
        .map(|_| bearer(&s, "GET", "/api/v3/agents", &access, None).status)
        .collect();
    assert_eq!(&statuses[..4], &[200; 4]);
    assert_eq!(statuses[4], 429);
    let r = bearer(&s, "GET", "/api/v3/agents", &access, None);
    assert!(r.header("retry-after").is_some());
}

#[test]
fn client_registry_validates_and_is_for_admins_of_one_site() {
    let s = Server::start();
    let r = s.post(
        "/api/v3/oauth/clients",
        &s.admin,
        json!({"name": "", "redirectUris": ["http://app.example/cb", "https://a.example/x#f", "https://ok.example/"]}),
    );
    assert_eq!(r.status, 400);
    assert_eq!(
        r.error_fields(),
        ["name", "redirectUris[0]", "redirectUris[1]"]
    );
    let r = s.post(
        "/api/v3/oauth/clients",
        &s.admin,
        json!({"name": "A", "redirectUris": []}),
    );
    assert_eq!(r.error_fields(), ["redirectUris"]);
    let r = s.post(
        "/api/v3/oauth/clients",
        &s.admin,
        json!({"name": "A", "redirectUris": [CB], "secret": "x"}),
    );
    assert_eq!(r.status, 400, "unknown fields are refused");
    let (client, _) = register(&s, false);
    let path = format!("/api/v3/oauth/clients/{client}");
    let r = s.put(
        &path,
        &s.admin,
        json!({"name": "Renamed", "redirectUris": ["https://new.example/cb"]}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.json()["oauthClient"]["redirectUris"],
        json!(["https://new.example/cb"])
    );
    assert_eq!(
        s.get(&path, &s.admin).json()["oauthClient"]["name"],
        "Renamed"
    );
    let (_, agent) = s.agent("bob@example.com", "agent");
    assert_eq!(s.get("/api/v3/oauth/clients", &agent).status, 403);
    let (_, other) = s.create_site("Other", "boss@other.example");
    assert_eq!(s.get(&path, &other).status, 404);
    assert_eq!(s.delete(&path, &other).status, 404);
    assert_eq!(
        s.get("/API/V3/OAuth/Clients", &s.admin).status,
        200,
        "case-insensitive"
    );
}

#[test]
fn metadata_and_openapi_describe_oauth() {
    let s = Server::start();
    let m = request(
        &s,
        "GET",
        "/.well-known/oauth-authorization-server",
        &[],
        "",
    )
    .json();
    assert_eq!(m["issuer"], format!("http://{}", s.addr));
    assert_eq!(
        m["token_endpoint"],
        format!("http://{}/oauth/token", s.addr)
    );
    assert_eq!(m["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(
        m["token_endpoint_auth_methods_supported"],
        json!(["none", "client_secret_basic"])
    );
    assert_eq!(
        m["revocation_endpoint"],
        format!("http://{}/oauth/revoke", s.addr)
    );
    let api = request(&s, "GET", "/openapi.json", &[], "").json();
    let schemes = &api["components"]["securitySchemes"];
    assert_eq!(schemes["bearerAuth"]["scheme"], "bearer");
    assert_eq!(schemes["basicAuth"]["scheme"], "basic");
    for (path, method) in [
        ("/oauth/authorize", "get"),
        ("/oauth/authorize", "post"),
        ("/oauth/token", "post"),
        ("/oauth/revoke", "post"),
        ("/.well-known/oauth-authorization-server", "get"),
        ("/api/v3/oauth/clients", "post"),
        ("/api/v3/oauth/clients/{id}", "delete"),
    ] {
        assert!(api["paths"][path][method].is_object(), "{method} {path}");
    }
    let docs = request(&s, "GET", "/docs", &[], "");
    assert!(docs.body.contains("/oauth/token"));
}

/// One character of `s` changed (replaced, dropped or added).
fn tamper(s: &str, how: u8, pos: usize, ch: char) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    let i = pos % (chars.len() + 1);
    match how % 3 {
        0 if i < chars.len() => {
            chars[i] = if chars[i] == ch {
                if ch == 'A' {
                    'B'
                } else {
                    'A'
                }
            } else {
                ch
            }
        }
        1 if i < chars.len() => {
            chars.remove(i);
        }
        _ => chars.insert(i, ch),
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any tampering with the code, the verifier, the client or the redirect URI is refused.
    #[test]
    fn any_tampered_exchange_is_rejected(
        what in 0u8..4, how in 0u8..3, pos in 0usize..80,
        ch in proptest::sample::select(vec!['A', 'z', '0', '-', '_', '~', '.']),
    ) {
        thread_local! {
            static SERVER: (Server, String, String) = {
                let s = Server::start();
                let (client, _) = register(&s, false);
                let (other, _) = register(&s, false);
                agent_with_password(&s, "ann@example.com", "agent");
                (s, client, other)
            };
        }
        SERVER.with(|(s, client, other)| {
            let v = verifier(16);
            let code = code_for(s, client, "ann@example.com", &v);
            let (mut c, mut id, mut uri, mut ver) = (code.clone(), client.clone(), CB.to_string(), v.clone());
            match what {
                0 => c = tamper(&code, how, pos, ch),
                1 => ver = tamper(&v, how, pos, ch),
                2 => id = if how == 0 { other.clone() } else { tamper(client, how, pos, ch) },
                _ => uri = tamper(CB, how, pos, ch),
            }
            prop_assume!((&c, &id, &uri, &ver) != (&code, client, &CB.to_string(), &v));
            let r = request(s, "POST", "/oauth/token", &[FORM], &form(&[
                ("grant_type", "authorization_code"), ("client_id", &id), ("code", &c),
                ("redirect_uri", &uri), ("code_verifier", &ver),
            ]));
            prop_assert!(r.status == 400 || r.status == 401, "{} {}", r.status, r.body);
            prop_assert!(r.json()["access_token"].is_null());
            let err = oauth_error(&r);
            prop_assert!(["invalid_grant", "invalid_client", "invalid_request"].contains(&err.as_str()), "{}", err);
            Ok(())
        })?;
    }
}
