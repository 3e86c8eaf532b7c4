//! `/api/v3/anytime/attachments…` (SPEC §4.14): multipart upload, authorized download, and
//! deletion of an upload not yet on a message by its uploader. Bytes are stored once per
//! content under `<data dir>/attachments/<sha256>`; records say who may read them.
//!
//! A portal credential acts for the `contactId` it passes (SPEC §3): its uploads record that
//! contact, and it may read an attachment only when it is that contact's own unattached upload
//! or sits on a non-note message of that contact's conversation.

use crate::app::AppState;
use crate::auth::Caller;
use crate::http::{created, no_content, ApiError, ApiPath, ApiQuery, ApiResult};
use anytime_core::model::{ContactId, MessageType};
use anytime_store::{Attachment, Role};
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Query, Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// The most one conversation's attachments may add up to (and so one upload).
pub const MAX_ATTACHMENT_BYTES: u64 = 20 * 1024 * 1024;
/// Room for the multipart framing around a maximal file.
const UPLOAD_BODY_LIMIT: usize = MAX_ATTACHMENT_BYTES as usize + 64 * 1024;
const MAX_FILE_NAME: usize = 255;

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentView {
    pub guid: Uuid,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    /// Relative download URI.
    pub url: String,
    pub is_available: bool,
    pub uploader_id: Uuid,
    pub conversation_id: Option<i64>,
    pub message_id: Option<i64>,
    pub created_time: DateTime<Utc>,
}

impl From<Attachment> for AttachmentView {
    fn from(a: Attachment) -> Self {
        Self {
            url: format!("/api/v3/anytime/attachments/{}", a.guid),
            guid: a.guid,
            file_name: a.file_name,
            content_type: a.content_type,
            size: a.size,
            is_available: true,
            uploader_id: a.uploader_id.0,
            conversation_id: a.conversation_id.map(|c| c.0),
            message_id: a.message_id.map(|m| m.0),
            created_time: a.created_time,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentEnvelope {
    pub attachment: AttachmentView,
}

/// The multipart form of an upload (for the documentation).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file (one part named `file`).
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// `?contactId=`: the contact a portal credential acts for (portal credentials only).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct ContactQuery {
    /// Required for portal credentials, refused for staff.
    contact_id: Option<Uuid>,
}

/// The contact the call acts for: required (and of the caller's site) for a portal
/// credential, refused for staff, who act for themselves.
async fn acting_contact(
    app: &AppState,
    caller: &Caller,
    given: Option<Uuid>,
) -> ApiResult<Option<ContactId>> {
    match (caller.role, given) {
        (Role::Portal, None) => Err(ApiError::invalid(
            "contactId",
            "required: the contact the portal acts for",
        )),
        (Role::Portal, Some(id)) => app
            .store
            .contacts()
            .get(caller.site_id, ContactId(id))
            .await
            .map(|_| Some(ContactId(id)))
            .map_err(|_| ApiError::invalid("contactId", "no such contact")),
        (_, None) => Ok(None),
        (_, Some(_)) => Err(ApiError::invalid(
            "contactId",
            "only portal credentials act for a contact",
        )),
    }
}

fn store_dir(app: &AppState) -> PathBuf {
    app.config.data_dir.join("attachments")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A file name safe to store and echo: no path, no control characters, bounded.
pub(crate) fn clean_name(name: Option<&str>) -> String {
    let base = name.unwrap_or("").rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(MAX_FILE_NAME)
        .collect();
    let trimmed = cleaned.trim();
    if trimmed.is_empty() || trimmed == "." || trimmed == ".." {
        "file".into()
    } else {
        trimmed.to_string()
    }
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge(format!(
            "an attachment may have at most {MAX_ATTACHMENT_BYTES} bytes"
        ))
    } else {
        ApiError::invalid("file", format!("the multipart body is malformed: {e}"))
    }
}

/// Writes `bytes` as `<dir>/<sha>` unless it exists (write to a temporary name, then rename,
/// so a reader never sees half a file).
fn write_content(dir: &Path, sha: &str, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let target = dir.join(sha);
    if target.exists() {
        return Ok(());
    }
    let tmp = dir.join(format!(".tmp-{}", Uuid::new_v4()));
    std::fs::write(&tmp, bytes)?;
    let file = std::fs::File::open(&tmp)?;
    file.sync_all()?;
    std::fs::rename(&tmp, &target)
}

/// Writes the bytes of an attachment (once per content) and returns their SHA-256, the
/// name its records refer to. Uploads and inbound mail both store files through here.
pub(crate) async fn save_content(app: &AppState, bytes: Vec<u8>) -> ApiResult<String> {
    let sha = hex(&Sha256::digest(&bytes));
    let dir = store_dir(app);
    let sha_for_write = sha.clone();
    tokio::task::spawn_blocking(move || write_content(&dir, &sha_for_write, &bytes))
        .await
        .map_err(|e| ApiError::Internal(format!("the file write task failed: {e}")))?
        .map_err(|e| ApiError::Unavailable(format!("cannot store the file: {e}")))?;
    Ok(sha)
}

/// Upload a file (`multipart/form-data`, part `file`; at most 20 MB, 413 beyond). A portal
/// credential names the contact it uploads for (`?contactId=` or a `contactId` part).
#[utoipa::path(post, path = "/api/v3/anytime/attachments", tag = "attachments",
    params(ContactQuery),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, description = "Uploaded", body = AttachmentEnvelope)))]
async fn upload(caller: Caller, State(app): State<AppState>, req: Request) -> ApiResult<Response> {
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        });
    if !is_multipart {
        return Err(ApiError::UnsupportedMediaType(
            "upload with Content-Type: multipart/form-data".into(),
        ));
    }
    let Query(query) = Query::<ContactQuery>::try_from_uri(req.uri())
        .map_err(|e| ApiError::invalid("contactId", e.body_text()))?;
    let mut contact_id = query.contact_id;
    let mut form = Multipart::from_request(req, &app)
        .await
        .map_err(|e| ApiError::invalid("file", e.body_text()))?;
    let mut found = None;
    while let Some(mut field) = form.next_field().await.map_err(multipart_error)? {
        if field.name() == Some("contactId") {
            let text = field.text().await.map_err(multipart_error)?;
            let id = Uuid::parse_str(text.trim())
                .map_err(|_| ApiError::invalid("contactId", "must be a contact id"))?;
            contact_id = Some(id);
            continue;
        }
        if field.name() != Some("file") || found.is_some() {
            continue;
        }
        let name = clean_name(field.file_name());
        let content_type = field
            .content_type()
            .filter(|t| t.len() <= 255 && t.is_ascii())
            .unwrap_or("application/octet-stream")
            .to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            if (bytes.len() + chunk.len()) as u64 > MAX_ATTACHMENT_BYTES {
                return Err(ApiError::PayloadTooLarge(format!(
                    "an attachment may have at most {MAX_ATTACHMENT_BYTES} bytes"
                )));
            }
            bytes.extend_from_slice(&chunk);
        }
        found = Some((name, content_type, bytes));
    }
    let (file_name, content_type, bytes) =
        found.ok_or_else(|| ApiError::invalid("file", "give the file in a part named `file`"))?;
    let contact_id = acting_contact(&app, &caller, contact_id).await?;
    let size = bytes.len() as u64;
    let sha = save_content(&app, bytes).await?;
    let record = app
        .store
        .attachments()
        .create(
            caller.site_id,
            Attachment {
                guid: Uuid::new_v4(),
                file_name,
                content_type,
                size,
                sha256: sha,
                uploader_id: caller.agent_id,
                contact_id,
                conversation_id: None,
                message_id: None,
                created_time: anytime_store::now(),
            },
        )
        .await?;
    Ok(created(AttachmentEnvelope {
        attachment: record.into(),
    }))
}

/// May `caller`, acting for `contact` when a portal credential, read `a`? Unattached: only
/// its uploader (for the same contact). Attached: the site's staff; a portal credential only
/// when the message is not a note and its conversation is the contact's (and not deleted).
async fn may_read(
    app: &AppState,
    caller: &Caller,
    contact: Option<ContactId>,
    a: &Attachment,
) -> ApiResult<bool> {
    let (Some(conversation), Some(message)) = (a.conversation_id, a.message_id) else {
        return Ok(a.uploader_id == caller.agent_id && a.contact_id == contact);
    };
    if caller.role != Role::Portal {
        return Ok(true);
    }
    let conversations = app.store.conversations();
    let Ok(c) = conversations.get(caller.site_id, conversation).await else {
        return Ok(false);
    };
    if c.is_deleted || c.contact_id.is_none() || c.contact_id != contact {
        return Ok(false);
    }
    let messages = conversations.messages(caller.site_id, conversation).await?;
    Ok(messages
        .iter()
        .any(|m| m.id == message && m.message_type != MessageType::Note))
}

/// Download an attachment (sent as a download, never rendered inline).
#[utoipa::path(get, path = "/api/v3/anytime/attachments/{guid}", tag = "attachments",
    params(("guid" = Uuid, Path, description = "Attachment guid"), ContactQuery),
    responses((status = 200, description = "The file's bytes", content_type = "application/octet-stream")))]
async fn download(
    caller: Caller,
    State(app): State<AppState>,
    ApiPath(guid): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<ContactQuery>,
) -> ApiResult<Response> {
    let contact = acting_contact(&app, &caller, q.contact_id).await?;
    let a = app.store.attachments().get(caller.site_id, guid).await?;
    if !may_read(&app, &caller, contact, &a).await? {
        return Err(ApiError::NotFound("attachment not found".into()));
    }
    let path = store_dir(&app).join(&a.sha256);
    let bytes = tokio::task::spawn_blocking(move || std::fs::read(path))
        .await
        .map_err(|e| ApiError::Internal(format!("the file read task failed: {e}")))?
        .map_err(|e| ApiError::Unavailable(format!("the attachment's file is unreadable: {e}")))?;
    let disposition = format!(
        "attachment; filename=\"{}\"",
        a.file_name
            .replace(|c: char| !c.is_ascii() || c == '\\', "_")
    );
    Ok((
        [
            (header::CONTENT_TYPE, a.content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response())
}

/// Delete an upload that is not on a message yet (only its uploader, for a portal credential
/// only for the contact it was made for; attached: 409).
#[utoipa::path(delete, path = "/api/v3/anytime/attachments/{guid}", tag = "attachments",
    params(("guid" = Uuid, Path, description = "Attachment guid"), ContactQuery),
    responses((status = 204, description = "Deleted")))]
async fn delete(
    caller: Caller,
    State(app): State<AppState>,
    ApiPath(guid): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<ContactQuery>,
) -> ApiResult<Response> {
    let contact = acting_contact(&app, &caller, q.contact_id).await?;
    let a = app.store.attachments().get(caller.site_id, guid).await?;
    if a.contact_id != contact {
        return Err(ApiError::NotFound("attachment not found".into()));
    }
    let orphan = app
        .store
        .attachments()
        .delete_unattached(caller.site_id, guid, caller.agent_id)
        .await?;
    if let Some(sha) = orphan {
        let path = store_dir(&app).join(sha);
        // A file left behind is only wasted space; the record is what grants access.
        let _ = tokio::task::spawn_blocking(move || std::fs::remove_file(path)).await;
    }
    Ok(no_content())
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload))
        .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT))
        .routes(routes!(download, delete))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_paths_and_control_characters() {
        assert_eq!(clean_name(Some("../../etc/passwd")), "passwd");
        assert_eq!(clean_name(Some("C:\\x\\a\"b.txt")), "ab.txt");
        assert_eq!(clean_name(Some("a\r\nb")), "ab");
        assert_eq!(clean_name(None), "file");
        assert_eq!(clean_name(Some("..")), "file");
        assert_eq!(clean_name(Some(&"x".repeat(400))).len(), MAX_FILE_NAME);
    }
}
