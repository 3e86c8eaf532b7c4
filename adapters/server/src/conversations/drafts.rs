//! `/api/v3/anytime/conversations/{id}/draft` (SPEC §4.1): one draft per conversation per
//! agent, seen only by that agent; no draft → 404. `hasDraft` on conversations is per caller.

use super::details::{AttachmentRef, MessageExtras};
use crate::app::AppState;
use crate::attachments::AttachmentView;
use crate::auth::{Caller, Staff};
use crate::http::{created, no_content, ApiJson, ApiPath, ApiResult, Checks};
use anytime_core::model::ConversationId;
use anytime_store::{Draft, DraftContent, DraftSave};
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

const MAX_BODY: usize = 512 * 1024;

/// A draft as saved: every field optional.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DraftBody {
    pub subject: Option<String>,
    /// Sanitized like a message's.
    pub html_body: Option<String>,
    pub plain_body: Option<String>,
    pub quote: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub cc: Option<String>,
    /// The caller's uploads: `[{guid}]`.
    #[serde(default)]
    pub attachments: Vec<AttachmentRef>,
}

impl DraftBody {
    fn checked(self) -> ApiResult<DraftContent> {
        let mut c = Checks::new();
        for (field, value) in [
            ("htmlBody", &self.html_body),
            ("plainBody", &self.plain_body),
        ] {
            if value.as_deref().is_some_and(|v| v.len() > MAX_BODY) {
                c.add(field, format!("at most {MAX_BODY} bytes"));
            }
        }
        let extras = MessageExtras {
            source: None,
            subject: self.subject,
            from: self.from,
            to: self.to,
            cc: self.cc,
            quote: self.quote,
            attachments: self.attachments,
        }
        .checked(&mut c, "");
        c.finish()?;
        let d = extras.details;
        Ok(DraftContent {
            subject: d.subject,
            html_body: self.html_body.map(|h| crate::html::sanitize(&h)),
            plain_body: self.plain_body,
            quote: d.quote,
            from: d.from,
            to: d.to,
            cc: d.cc,
            attachments: extras.attachments,
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DraftView {
    pub draft_id: i64,
    pub conversation_id: i64,
    pub subject: Option<String>,
    pub html_body: Option<String>,
    pub plain_body: Option<String>,
    pub quote: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub cc: Option<String>,
    pub saved_time: DateTime<Utc>,
    pub saved_by_id: Uuid,
    pub attachments: Vec<AttachmentView>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DraftEnvelope {
    pub conversation_draft: DraftView,
}

async fn view(app: &AppState, caller: &Caller, d: Draft) -> DraftEnvelope {
    let mut attachments = Vec::with_capacity(d.content.attachments.len());
    for guid in &d.content.attachments {
        // An upload deleted since the draft was saved drops out.
        if let Ok(a) = app.store.attachments().get(caller.site_id, *guid).await {
            attachments.push(AttachmentView::from(a));
        }
    }
    let c = d.content;
    DraftEnvelope {
        conversation_draft: DraftView {
            draft_id: d.draft_id,
            conversation_id: d.conversation_id.0,
            subject: c.subject,
            html_body: c.html_body,
            plain_body: c.plain_body,
            quote: c.quote,
            from: c.from,
            to: c.to,
            cc: c.cc,
            saved_time: d.saved_time,
            saved_by_id: d.saved_by_id.0,
            attachments,
        },
    }
}

/// The caller's draft of a conversation (404 when there is none).
#[utoipa::path(get, path = "/api/v3/anytime/conversations/{id}/draft", tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id")),
    responses((status = 200, description = "The caller's draft", body = DraftEnvelope)))]
async fn get(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<DraftEnvelope>> {
    let d = app
        .store
        .drafts()
        .get(caller.site_id, ConversationId(id), caller.agent_id)
        .await?;
    Ok(Json(view(&app, &caller, d).await))
}

/// Save a new draft (409 when the caller already has one).
#[utoipa::path(post, path = "/api/v3/anytime/conversations/{id}/draft", tag = "conversations",
    request_body = DraftBody, params(("id" = i64, Path, description = "Conversation id")),
    responses((status = 201, description = "The draft", body = DraftEnvelope)))]
async fn create(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<DraftBody>,
) -> ApiResult<Response> {
    let d = save(&app, &caller, id, req, DraftSave::Create).await?;
    Ok(created(view(&app, &caller, d).await))
}

/// Replace the caller's draft (404 when there is none).
#[utoipa::path(put, path = "/api/v3/anytime/conversations/{id}/draft", tag = "conversations",
    request_body = DraftBody, params(("id" = i64, Path, description = "Conversation id")),
    responses((status = 200, description = "The draft", body = DraftEnvelope)))]
async fn update(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<DraftBody>,
) -> ApiResult<Json<DraftEnvelope>> {
    let d = save(&app, &caller, id, req, DraftSave::Update).await?;
    Ok(Json(view(&app, &caller, d).await))
}

async fn save(
    app: &AppState,
    caller: &Caller,
    id: i64,
    req: DraftBody,
    mode: DraftSave,
) -> ApiResult<Draft> {
    let content = req.checked()?;
    Ok(app
        .store
        .drafts()
        .save(
            caller.site_id,
            ConversationId(id),
            caller.agent_id,
            content,
            mode,
        )
        .await?)
}

/// Delete the caller's draft.
#[utoipa::path(delete, path = "/api/v3/anytime/conversations/{id}/draft", tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id")),
    responses((status = 204, description = "Deleted")))]
async fn delete(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    app.store
        .drafts()
        .delete(caller.site_id, ConversationId(id), caller.agent_id)
        .await?;
    Ok(no_content())
}

pub fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new()
        .routes(utoipa_axum::routes!(get, create, update, delete))
}
