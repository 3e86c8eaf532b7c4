//! Raw ingress (SPEC §5.9): `POST /api/v3/anytime/inbound/raw` takes one RFC 5322 message
//! (`message/rfc822`, at most 25 MB) from an MTA pipe, authorized by the site's ingress
//! token (`Authorization: Bearer <token>` or `X-Ingress-Token`), and runs it through the
//! ingest service. The same path serves every mail source: [`ingest_raw`].

use super::ingest::{self, Incoming, Ingested, Receiving};
use super::{accounts, settings};
use crate::app::AppState;
use crate::http::{ApiError, ApiResult};
use anytime_core::model::{AgentId, SiteId};
use anytime_mail::ParsedMail;
use anytime_store::Attachment;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::Json;
use serde_json::{json, Value};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// Largest raw message accepted (SPEC: 25 MB → 413).
pub const MAX_RAW_BYTES: usize = 25 * 1024 * 1024;

/// The account a mail was sent to: the first To/Cc address that is an account's, else the
/// hosted address.
pub async fn receiving_for(
    app: &AppState,
    site: SiteId,
    mail: &ParsedMail,
) -> ApiResult<Receiving> {
    let all = accounts::stored(app, site).await?;
    let m = &mail.message;
    let account = m.to.iter().chain(m.cc.iter()).find_map(|rcpt| {
        all.iter().find(|a| {
            a["businessEmail"]
                .as_str()
                .is_some_and(|b| b.eq_ignore_ascii_case(rcpt.trim()))
        })
    });
    let hosted = settings::load(app, site)
        .await?
        .own_addresses(&app.config.inbound_domain)
        .into_iter()
        .next();
    Ok(Receiving::email(account, hosted))
}

/// Writes the mail's attachments (files first: a record never points at a missing file) and
/// describes them for the envelope.
async fn attachment_files(
    app: &AppState,
    mail: &mut ParsedMail,
) -> ApiResult<(Vec<Value>, Vec<Attachment>)> {
    let mut described = Vec::with_capacity(mail.attachments.len());
    for a in std::mem::take(&mut mail.attachments) {
        let size = a.data.len();
        let sha256 = crate::attachments::save_content(app, a.data).await?;
        described.push(json!({"guid": Uuid::new_v4(), "fileName": a.filename,
            "contentType": a.content_type, "size": size, "contentId": a.content_id,
            "inline": a.inline, "sha256": sha256}));
    }
    let files = files_described(&Value::Array(described.clone()));
    Ok((described, files))
}

/// The attachment records an envelope's (or a junk email's) descriptions stand for; the
/// files were written when the mail came in, so "not junk" restores them too.
pub fn files_described(described: &Value) -> Vec<Attachment> {
    let Some(list) = described.as_array() else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|d| {
            Some(Attachment {
                guid: d["guid"].as_str().and_then(|g| Uuid::parse_str(g).ok())?,
                file_name: crate::attachments::clean_name(d["fileName"].as_str()),
                content_type: d["contentType"]
                    .as_str()
                    .unwrap_or("application/octet-stream")
                    .to_string(),
                size: d["size"].as_u64()?,
                sha256: d["sha256"].as_str()?.to_string(),
                // No agent uploaded it: it came with the contact's mail.
                uploader_id: AgentId(Uuid::nil()),
                contact_id: None,
                conversation_id: None,
                message_id: None,
                created_time: anytime_store::now(),
            })
        })
        .collect()
}

/// Ingests a parsed mail as received by `via`.
pub async fn ingest_parsed(
    app: &AppState,
    site: SiteId,
    via: &Receiving,
    mut mail: ParsedMail,
) -> ApiResult<Ingested> {
    let (attachments, files) = attachment_files(app, &mut mail).await?;
    let incoming = Incoming {
        sender_name: mail.sender_name.clone(),
        message: mail.message,
        attachments,
        files,
        restore_junk: None,
    };
    ingest::ingest(app, site, via, incoming).await
}

/// Parses raw bytes and ingests them for `site` (400 naming `message` when unreadable).
pub async fn ingest_raw(app: &AppState, site: SiteId, raw: &[u8]) -> ApiResult<Ingested> {
    let mail = anytime_mail::parse(raw).map_err(|e| ApiError::invalid("message", e.to_string()))?;
    let via = receiving_for(app, site, &mail).await?;
    ingest_parsed(app, site, &via, mail).await
}

fn token(req: &Request) -> Option<String> {
    let h = req.headers();
    h.get("x-ingress-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| {
            h.get("authorization")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::to_string)
        })
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// Take one raw email (body `message/rfc822`) for the site whose ingress token is given.
#[utoipa::path(post, path = "/api/v3/anytime/inbound/raw", tag = "inbound",
    request_body(content = String, content_type = "message/rfc822"),
    responses((status = 200, description = "`{\"result\": \"created|appended|duplicate|loop|junk|rejected\", \"conversationId\"}`"),
        (status = 401, description = "Missing or unknown ingress token"),
        (status = 413, description = "Over 25 MB")))]
async fn raw(State(app): State<AppState>, req: Request) -> ApiResult<Json<Value>> {
    let token = token(&req).ok_or_else(|| {
        ApiError::Unauthorized("an ingress token is required (Authorization: Bearer …)".into())
    })?;
    let site = app
        .store
        .inbound()
        .site_by_ingress_token(token)
        .await?
        .ok_or_else(|| ApiError::Unauthorized("unknown ingress token".into()))?;
    let body: Body = req.into_body();
    let bytes = axum::body::to_bytes(body, MAX_RAW_BYTES)
        .await
        .map_err(|_| {
            ApiError::PayloadTooLarge(format!(
                "a raw message may have at most {MAX_RAW_BYTES} bytes"
            ))
        })?;
    let out = ingest_raw(&app, site, &bytes).await?;
    Ok(Json(
        json!({"result": out.kind(), "conversationId": out.conversation_id()}),
    ))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(raw))
}
