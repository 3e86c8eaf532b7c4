//! `GET/POST /oauth/authorize` (RFC 6749 §4.1.1–4.1.2 with PKCE): the sign-in and consent
//! page, and the form post that signs the agent in and sends the browser back with a code.
//!
//! A bad `client_id` or `redirect_uri` shows an error page and never redirects (an open
//! redirector otherwise); every later error goes back to the client per §4.1.2.1.

use super::page::{self, SignInForm, CSRF_COOKIE};
use super::params::Params;
use super::{pkce, ClientAddr, CODE_LIFETIME_SECS, SCOPE};
use crate::app::AppState;
use crate::auth::keys::{generate_secret, hash_key};
use crate::auth::password::verify_password;
use anytime_store::{AuthorizationCode, OAuthClient};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use url::Url;
use uuid::Uuid;

/// Longest `state` carried through (it comes back in the redirect).
const MAX_STATE: usize = 1024;

/// A well-formed authorization request.
struct Authorization {
    client: OAuthClient,
    redirect_uri: String,
    state: Option<String>,
    code_challenge: String,
    scope: String,
}

/// Why a request is refused, and how the browser learns it.
enum Refusal {
    /// Cannot trust the redirect URI: an HTML page, never a redirect.
    Page(String),
    /// RFC 6749 §4.1.2.1: back to the client with `error`.
    Redirect {
        to: String,
        error: &'static str,
        description: String,
        state: Option<String>,
    },
}

impl Refusal {
    fn to_client(a: &Authorization, error: &'static str, description: &str) -> Self {
        Refusal::Redirect {
            to: a.redirect_uri.clone(),
            error,
            description: description.into(),
            state: a.state.clone(),
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::Page(message) => {
                page::respond(StatusCode::BAD_REQUEST, page::error(&message), None)
            }
            Refusal::Redirect {
                to,
                error,
                description,
                state,
            } => {
                let mut pairs = vec![("error", error), ("error_description", &description)];
                if let Some(s) = &state {
                    pairs.push(("state", s));
                }
                redirect(&to, &pairs)
            }
        }
    }
}

/// 303 to `uri` with `pairs` added to its query.
fn redirect(uri: &str, pairs: &[(&str, &str)]) -> Response {
    let Ok(mut url) = Url::parse(uri) else {
        return page::respond(
            StatusCode::BAD_REQUEST,
            page::error("the registered redirect URI cannot be used"),
            None,
        );
    };
    url.query_pairs_mut().extend_pairs(pairs);
    match HeaderValue::from_str(url.as_str()) {
        Ok(location) => {
            let mut r = StatusCode::SEE_OTHER.into_response();
            r.headers_mut().insert(header::LOCATION, location);
            r.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r.headers_mut().insert(
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            );
            r
        }
        Err(_) => page::respond(
            StatusCode::BAD_REQUEST,
            page::error("the redirect URI cannot be used"),
            None,
        ),
    }
}

/// Checks the request's parameters in RFC order: client and redirect URI first (page),
/// then the rest (redirect).
async fn read(app: &AppState, p: &Params) -> Result<Authorization, Refusal> {
    for name in ["client_id", "redirect_uri"] {
        if p.is_repeated(name) {
            return Err(Refusal::Page(format!("{name} appears more than once")));
        }
    }
    let client_id = p
        .get("client_id")
        .ok_or_else(|| Refusal::Page("client_id is missing".into()))?;
    let unknown = || Refusal::Page("no such client (check client_id)".into());
    let id = Uuid::parse_str(client_id).map_err(|_| unknown())?;
    let (client, _) = app
        .store
        .oauth()
        .find_client(id)
        .await
        .map_err(|e| {
            tracing::error!("client lookup: {e}");
            Refusal::Page("the server could not look the client up; try again".into())
        })?
        .ok_or_else(unknown)?;
    let redirect_uri = p
        .get("redirect_uri")
        .ok_or_else(|| Refusal::Page("redirect_uri is missing".into()))?;
    if !client.redirect_uris.iter().any(|u| u == redirect_uri) {
        return Err(Refusal::Page(
            "redirect_uri is not registered for this client".into(),
        ));
    }
    let mut a = Authorization {
        redirect_uri: redirect_uri.to_string(),
        client,
        state: None,
        code_challenge: String::new(),
        scope: SCOPE.into(),
    };
    if let Some(name) = p.repeated() {
        return Err(Refusal::to_client(
            &a,
            "invalid_request",
            &format!("{name} appears more than once"),
        ));
    }
    match p.get("state") {
        Some(s) if s.len() > MAX_STATE => {
            return Err(Refusal::to_client(
                &a,
                "invalid_request",
                &format!("state is longer than {MAX_STATE} characters"),
            ))
        }
        s => a.state = s.map(str::to_string),
    }
    match p.get("response_type") {
        Some("code") => {}
        None => {
            return Err(Refusal::to_client(
                &a,
                "invalid_request",
                "response_type is missing",
            ))
        }
        Some(_) => {
            return Err(Refusal::to_client(
                &a,
                "unsupported_response_type",
                "only response_type=code is supported",
            ))
        }
    }
    if p.get("code_challenge_method") != Some("S256") {
        return Err(Refusal::to_client(
            &a,
            "invalid_request",
            "PKCE is required with code_challenge_method=S256 (plain is not accepted)",
        ));
    }
    match p.get("code_challenge") {
        Some(c) if pkce::is_valid_challenge(c) => a.code_challenge = c.to_string(),
        Some(_) => {
            return Err(Refusal::to_client(
                &a,
                "invalid_request",
                "code_challenge must be the 43-character base64url SHA-256 of the verifier",
            ))
        }
        None => {
            return Err(Refusal::to_client(
                &a,
                "invalid_request",
                "code_challenge is missing",
            ))
        }
    }
    if let Some(scope) = p.get("scope") {
        if scope.split(' ').any(|s| !s.is_empty() && s != SCOPE) {
            return Err(Refusal::to_client(
                &a,
                "invalid_scope",
                &format!("the only scope is {SCOPE:?}"),
            ));
        }
    }
    Ok(a)
}

/// An argon2 hash of nothing anyone knows, made once.
async fn dummy_hash() -> Result<&'static String, crate::http::ApiError> {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY
        .get_or_try_init(|| {
            let (random, _) = generate_secret("");
            crate::auth::password::hash_password(random)
        })
        .await
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn origin(uri: &str) -> String {
    Url::parse(uri)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_else(|_| uri.to_string())
}

/// The form page for `a` with a fresh CSRF token (also set as the cookie).
fn form(a: &Authorization, status: StatusCode, email: &str, error: Option<&str>) -> Response {
    let (csrf, _) = generate_secret("");
    let client_id = a.client.id.to_string();
    let mut hidden = vec![
        ("response_type", "code"),
        ("client_id", client_id.as_str()),
        ("redirect_uri", a.redirect_uri.as_str()),
        ("code_challenge", a.code_challenge.as_str()),
        ("code_challenge_method", "S256"),
        ("scope", a.scope.as_str()),
    ];
    if let Some(s) = &a.state {
        hidden.push(("state", s));
    }
    let html = page::sign_in(&SignInForm {
        client_name: &a.client.name,
        redirect_origin: &origin(&a.redirect_uri),
        hidden: &hidden,
        csrf_token: &csrf,
        email,
        error,
    });
    page::respond(status, html, Some(&csrf))
}

/// Sign in to allow an app (OAuth 2.0 authorization endpoint). Shows an HTML page with the
/// sign-in and consent form; errors after the client and redirect URI are known go back to
/// `redirect_uri` with `error` (RFC 6749 §4.1.2.1).
#[utoipa::path(get, path = "/oauth/authorize", tag = "oauth", security(()),
    params(
        ("response_type" = String, Query, description = "`code`"),
        ("client_id" = String, Query, description = "The client's id"),
        ("redirect_uri" = String, Query, description = "One of the client's registered redirect URIs, exactly"),
        ("code_challenge" = String, Query, description = "BASE64URL(SHA256(code_verifier)), 43 characters"),
        ("code_challenge_method" = String, Query, description = "`S256` (required; `plain` is refused)"),
        ("state" = Option<String>, Query, description = "Returned unchanged with the code"),
        ("scope" = Option<String>, Query, description = "`api` (the default and only scope)"),
    ),
    responses(
        (status = 200, description = "The sign-in page", content_type = "text/html", body = String),
        (status = 303, description = "Back to redirect_uri with error and state"),
        (status = 400, description = "Error page: unknown client_id or redirect_uri", content_type = "text/html", body = String),
    ))]
pub async fn authorize_page(State(app): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let p = Params::parse(query.as_deref().unwrap_or(""));
    match read(&app, &p).await {
        Ok(a) => form(&a, StatusCode::OK, "", None),
        Err(refusal) => refusal.into_response(),
    }
}

/// The form the sign-in page posts.
#[derive(Debug, utoipa::ToSchema)]
#[allow(dead_code)] // documents the form; the handler reads it as `Params`
pub struct SignInFormBody {
    /// The authorization request's parameters, as hidden fields.
    response_type: String,
    client_id: String,
    redirect_uri: String,
    code_challenge: String,
    code_challenge_method: String,
    state: Option<String>,
    scope: Option<String>,
    /// Equal to the `anytime_oauth_csrf` cookie.
    csrf_token: String,
    email: String,
    password: String,
    /// `allow` or `deny`.
    decision: String,
}

/// Sign in and allow (or deny): posted by the sign-in page. On success 303 to
/// `redirect_uri?code=…&state=…`; the code works once, within 60 seconds.
#[utoipa::path(post, path = "/oauth/authorize", tag = "oauth", security(()),
    request_body(content = SignInFormBody, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 303, description = "Back to redirect_uri with code and state, or with error=access_denied"),
        (status = 400, description = "The page again with the problem (wrong email or password, expired form)", content_type = "text/html", body = String),
        (status = 429, description = "The page again: too many failed sign-ins", content_type = "text/html", body = String),
    ))]
pub async fn authorize_submit(
    State(app): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let text = match std::str::from_utf8(&body) {
        Ok(t) if is_form => t,
        _ => {
            return Refusal::Page("the sign-in form must be posted as a web form".into())
                .into_response()
        }
    };
    let p = Params::parse(text);
    let a = match read(&app, &p).await {
        Ok(a) => a,
        Err(refusal) => return refusal.into_response(),
    };
    let email = p.get("email").unwrap_or("").trim().to_string();
    let csrf_ok = match (cookie_value(&headers, CSRF_COOKIE), p.get("csrf_token")) {
        (Some(cookie), Some(field)) => hash_key(&cookie) == hash_key(field),
        _ => false,
    };
    if !csrf_ok {
        return form(
            &a,
            StatusCode::FORBIDDEN,
            &email,
            Some("This form has expired or was not sent from this page. Please sign in again."),
        );
    }
    match p.get("decision") {
        Some("allow") => {}
        Some("deny") => {
            return Refusal::to_client(&a, "access_denied", "the agent denied access")
                .into_response()
        }
        _ => {
            return form(
                &a,
                StatusCode::BAD_REQUEST,
                &email,
                Some("Choose Allow or Deny."),
            )
        }
    }
    let password = p.get("password").unwrap_or("");
    if email.is_empty() || password.is_empty() {
        return form(
            &a,
            StatusCode::BAD_REQUEST,
            &email,
            Some("Enter your email and password."),
        );
    }
    if let Err(crate::http::ApiError::RateLimited { retry_after, .. }) =
        app.auth.too_many_failures(Some(&email), addr)
    {
        let mut r = form(
            &a,
            StatusCode::TOO_MANY_REQUESTS,
            &email,
            Some(&format!(
                "Too many failed sign-ins. Try again in {retry_after} seconds."
            )),
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        return r;
    }
    let agent = match app
        .store
        .oauth()
        .agent_for_sign_in(a.client.site_id, email.clone())
        .await
    {
        Ok(agent) => agent,
        Err(e) => {
            tracing::error!("sign-in lookup: {e}");
            return form(
                &a,
                StatusCode::SERVICE_UNAVAILABLE,
                &email,
                Some("The server could not check your sign-in. Try again."),
            );
        }
    };
    let usable = agent
        .filter(|found| found.is_active)
        .and_then(|found| found.password_hash.map(|phc| (found.id, phc)));
    let signed_in = match usable {
        Some((id, phc)) => verify_password(password.to_string(), phc)
            .await
            .then_some(id),
        None => {
            // As slow as a real check, so the answer time does not tell which emails exist.
            if let Ok(phc) = dummy_hash().await {
                verify_password(password.to_string(), phc.clone()).await;
            }
            None
        }
    };
    let Some(agent_id) = signed_in else {
        app.auth.failed(Some(&email), addr);
        app.metrics.auth_failed();
        return form(
            &a,
            StatusCode::BAD_REQUEST,
            &email,
            Some("Wrong email or password (or this agent cannot sign in)."),
        );
    };
    let (code, hash) = generate_secret("atc_");
    let now = anytime_store::now();
    let stored = app
        .store
        .oauth()
        .insert_code(
            hash,
            AuthorizationCode {
                site_id: a.client.site_id,
                client_id: a.client.id,
                agent_id,
                redirect_uri: a.redirect_uri.clone(),
                code_challenge: a.code_challenge.clone(),
                scope: a.scope.clone(),
                expires_time: now + chrono::Duration::seconds(CODE_LIFETIME_SECS),
            },
            now,
        )
        .await;
    if let Err(e) = stored {
        tracing::error!("storing an authorization code: {e}");
        return Refusal::to_client(&a, "server_error", "the code could not be stored")
            .into_response();
    }
    let mut pairs = vec![("code", code.as_str())];
    if let Some(s) = &a.state {
        pairs.push(("state", s));
    }
    let mut r = redirect(&a.redirect_uri, &pairs);
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{CSRF_COOKIE}=; Path=/oauth; HttpOnly; SameSite=Strict; Max-Age=0"
    )) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_csrf_cookie_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; anytime_oauth_csrf=tok; b=2"),
        );
        assert_eq!(cookie_value(&h, CSRF_COOKIE).as_deref(), Some("tok"));
        assert_eq!(cookie_value(&h, "c"), None);
    }

    #[test]
    fn redirects_keep_the_registered_query() {
        let r = redirect(
            "https://a.example/cb?x=1",
            &[("code", "c d"), ("state", "s&t")],
        );
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            r.headers()[header::LOCATION],
            "https://a.example/cb?x=1&code=c+d&state=s%26t"
        );
    }
}
