//! Assembles the server: shared state, the documented router, and the layers around it.
//!
//! Request path, outermost first: request id → trace span → gate (route table: aliases,
//! case-insensitive segments, JSON 404/405, metrics) → router (body limit, panic catcher) →
//! handler (extract auth/JSON → one service call → response).

use crate::auth::Auth;
use crate::config::ServeConfig;
use crate::http::error::{ApiError, ErrorBody, ErrorDetailBody, ErrorInfo};
use crate::http::extract::BODY_LIMIT;
use crate::http::gate::{gate, Gate};
use crate::http::routes::{Alias, RouteTable};
use crate::ops::docs::ApiDocs;
use crate::ops::metrics::Metrics;
use anytime_store::Store;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use std::any::Any;
use std::ops::Deref;
use std::sync::Arc;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Content, OpenApi as OpenApiDoc, Ref, RefOr, ResponseBuilder};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// Everything a handler may reach, cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: Store,
    pub auth: Auth,
    pub config: ServeConfig,
    pub metrics: Arc<Metrics>,
    pub docs: ApiDocs,
    /// Compiled admin rules per site (SPEC §4.4–4.8), dropped on any admin change.
    pub rules: crate::rules::RulesCache,
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Anytime API",
        description = "Help desk REST API. Authenticate with `Authorization: Basic \
                       base64(agentEmail:apiKey)` or with an OAuth 2.0 access token, \
                       `Authorization: Bearer <token>` (see the oauth endpoints). Errors are `{\"error\":{\"code\",\"message\",\
                       \"details\":[{\"field\",\"message\"}]}}`. Resource path segments are \
                       case-insensitive; `/api/v3/anytime/departments…` is an alias of \
                       `/api/v3/departments…`. Lists that page take `pageIndex` (from 1, 50 per page)."
    ),
    security(("basicAuth" = []), ("bearerAuth" = [])),
    components(schemas(ErrorBody, ErrorInfo, ErrorDetailBody)),
    tags(
        (name = "operations", description = "Health, metrics and this documentation"),
        (name = "agents", description = "Agents, their API keys and online status"),
        (name = "departments", description = "Departments and their members"),
        (name = "contacts", description = "Contacts"),
        (name = "tags", description = "Conversation tags"),
        (name = "cannedResponses", description = "Reusable reply texts"),
        (name = "conversations", description = "Conversations, messages, history, deleted conversations"),
        (name = "attachments", description = "File uploads (multipart, 20 MB) and downloads"),
        (name = "filters", description = "Agent console filters (private ones only for their creator)"),
        (name = "fields", description = "System and custom fields, chat/offline mappings"),
        (name = "blockedSenders", description = "Senders whose email is rejected or kept as junk"),
        (name = "junkEmails", description = "Emails kept from senders blocked as junk"),
        (name = "emailAccounts", description = "Mailboxes the help desk receives from"),
        (name = "emailSettings", description = "Sender, layout template, hosted inbound address"),
        (name = "seed004", description = "Seed 004's email set-up API (enveloped answers); prefer emailSettings and emailAccounts"),
        (name = "oauth", description = "OAuth 2.0: clients (admins), sign-in page, token, revocation, metadata"),
        (name = "reports", description = "Right now, volume, channel and efficiency reports from stored events"),
        (name = "portalConversations", description = "A contact's own conversations, for a portal back end (role portal)"),
        (name = "channelAccounts", description = "Channel accounts (v4, bare JSON; email accounts are the Email app's) and integration accounts"),
    )
)]
struct ApiDoc;

/// Path prefixes that stand for others (SPEC §3, Appendix A).
pub fn aliases() -> Vec<Alias> {
    vec![
        Alias::new("/api/v3/anytime/departments", "/api/v3/departments"),
        Alias::new(
            "/api/v3/anytime/routingRules/{id}/customerRules",
            "/api/v3/anytime/routingRules/customRules",
        ),
        Alias::new("/v4/ticketing", "/api/v4/ticketing"),
        Alias::new(
            "/api/v3/anytime/routingRules/customerRules",
            "/api/v3/anytime/routingRules/customRules",
        ),
        Alias::new("/api/v2/anytime/slaPolicies", "/api/v3/anytime/slaPolicies"),
        // seeds 000 and 001: singular `emailAccount/{id}`, and seed 000's v2 prefix
        Alias::new(
            "/api/v3/anytime/emailAccount",
            "/api/v3/anytime/emailAccounts",
        ),
        Alias::new(
            "/api/v2/anytimeConversation/emailAccounts",
            "/api/v3/anytime/emailAccounts",
        ),
        Alias::new(
            "/api/v2/anytimeConversation/emailAccount",
            "/api/v3/anytime/emailAccounts",
        ),
        Alias::new("/v4/ticketing", "/api/v4/ticketing"),
    ]
}

/// Every documented route with its handler. Resources add their `router()` here.
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(crate::ops::router())
        .merge(crate::people::router())
        .merge(crate::conversations::router())
        .merge(crate::fields::router())
        .merge(crate::filters::router())
        .merge(crate::attachments::router())
        .merge(crate::rules::router())
        .merge(crate::inbound::router())
        .merge(crate::oauth::router())
        .merge(crate::portal::router())
        .merge(crate::reports::router())
        .merge(crate::compat::seed004::router())
}

/// The OpenAPI document (also what the route table is built from).
pub fn openapi() -> OpenApiDoc {
    let (_, mut api) = api_router().split_for_parts();
    finish_openapi(&mut api);
    crate::compat::openapi::document(&mut api, &aliases());
    api
}

/// Adds what the derive cannot: the security scheme and the error response of every operation.
fn finish_openapi(api: &mut OpenApiDoc) {
    let components = api.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "basicAuth",
        SecurityScheme::Http(Http::new(HttpAuthScheme::Basic)),
    );
    components.add_security_scheme(
        "bearerAuth",
        SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
    );
    let error = ResponseBuilder::new()
        .description("Error: `{\"error\":{\"code\",\"message\",\"details\"}}`")
        .content(
            "application/json",
            Content::new(Some(Ref::from_schema_name("ErrorBody"))),
        )
        .build();
    for item in api.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            op.responses
                .responses
                .entry("default".to_string())
                .or_insert_with(|| RefOr::T(error.clone()));
        }
    }
    crate::http::operation_ids::make_unique(api);
}

fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let what = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown panic".into());
    ApiError::Internal(format!("handler panicked: {what}")).into_response()
}

async fn route_fallback(req: Request<axum::body::Body>) -> ApiError {
    ApiError::RouteNotFound(req.uri().path().to_string())
}

/// The complete application as one router, ready for `axum::serve` or `oneshot` tests.
pub fn build(store: Store, config: ServeConfig) -> (Router, AppState) {
    let (router, mut api) = api_router().split_for_parts();
    finish_openapi(&mut api);
    let routes = Arc::new(RouteTable::from_openapi(&api, aliases()));
    crate::compat::openapi::document(&mut api, &aliases());
    let metrics = Arc::new(Metrics::new());
    let state = AppState(Arc::new(Inner {
        store,
        auth: Auth::new(config.rate_limit),
        config,
        metrics: Arc::clone(&metrics),
        docs: ApiDocs::new(&api, Arc::clone(&routes)),
        rules: Default::default(),
    }));
    let inner = router
        .fallback(route_fallback)
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state.clone());
    let gated = axum::middleware::from_fn_with_state(Gate { routes, metrics }, gate);
    let request_id = HeaderName::from_static("x-request-id");
    let service = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<axum::body::Body>| {
                    let id = req
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::new(request_id))
        .layer(gated)
        .service(inner);
    let mut app = Router::new();
    if let Some(dir) = &state.config.demo_dir {
        app = app
            .route("/demo", get(|| async { Redirect::permanent("/demo/") }))
            .nest_service("/demo/", ServeDir::new(dir));
    }
    (app.fallback_service(service), state)
}
