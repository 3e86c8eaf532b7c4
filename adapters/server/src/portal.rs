//! Portal conversations (SPEC §4.12, seed 002): the contact's view of their own
//! conversations, called server to server by a site's portal back end with a `portal`
//! credential (admins may call it too). Every call names the `contactId` it acts for; a
//! conversation of another contact, or a deleted one, is a 404 exactly like a missing one.
//! Notes (internal messages, merge notes) and internal custom fields (operator and
//! department fields, which name staff) never appear. Changes are the core's commands with
//! the contact as the actor, so replies get the contact-reply status rule of §5.7 and raise
//! `conversationReplyIsReceived`.

use crate::app::AppState;
use crate::auth::Caller;
use crate::conversations::details::{AttachmentRef, CheckedExtras, Lookup, MessageExtras};
use crate::conversations::service::{self, Bin};
use crate::http::{
    created, no_content, ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, Checks, Page,
};
use anytime_core::conversation::{Action, Actor, Create, Message, NewMessage, Reopen, Reply};
use anytime_core::field_validation::ValueEntry;
use anytime_core::model::{
    Channel, ContactId, Conversation, ConversationId, FieldSet, FieldType, MessageType, SenderType,
    SiteId, Status,
};
use anytime_store::Role;
use axum::extract::{OriginalUri, State};
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

const MAX_SUBJECT: usize = 998;
const MAX_BODY: usize = 512 * 1024;

fn portal_caller(caller: Caller) -> ApiResult<Caller> {
    caller.require(&[Role::Portal, Role::Admin])?;
    Ok(caller)
}

fn not_found() -> ApiError {
    ApiError::NotFound("portal conversation not found".into())
}

/// The contact named by the call, which must exist in the caller's site (400 otherwise).
async fn contact(app: &AppState, site: SiteId, id: Option<Uuid>) -> ApiResult<ContactId> {
    let id = id.ok_or_else(|| ApiError::invalid("contactId", "required"))?;
    app.store
        .contacts()
        .get(site, ContactId(id))
        .await
        .map_err(|_| ApiError::invalid("contactId", "no such contact"))?;
    Ok(ContactId(id))
}

fn owned_by(c: &Conversation, contact: ContactId) -> bool {
    c.contact_id == Some(contact) && !c.is_deleted
}

/// The contact's conversation, or 404.
async fn owned(
    app: &AppState,
    site: SiteId,
    id: i64,
    contact: ContactId,
) -> ApiResult<Conversation> {
    match app
        .store
        .conversations()
        .get(site, ConversationId(id))
        .await
    {
        Ok(c) if owned_by(&c, contact) => Ok(c),
        _ => Err(not_found()),
    }
}

/// Custom fields a contact may see: all but those naming staff.
fn is_internal(fields: &FieldSet, id: &anytime_core::model::FieldId) -> bool {
    fields
        .custom(id)
        .is_none_or(|f| matches!(f.field_type, FieldType::Operator | FieldType::Department))
}

fn view(c: &Conversation, fields: &FieldSet) -> Value {
    let custom: Vec<Value> = c
        .custom_fields
        .iter()
        .filter(|f| !is_internal(fields, &f.id))
        .map(|f| json!({"id": f.id, "name": f.name, "value": f.value}))
        .collect();
    let closed = c.status == Status::Closed;
    json!({
        "id": c.id,
        "subject": c.subject,
        "contactId": c.contact_id,
        "channel": c.channel,
        "isClosed": closed,
        "isReadByContact": c.is_read_by_contact,
        "customFields": custom,
        "createdTime": c.created_time,
        "closedTime": if closed { json!(c.last_status_change_time) } else { Value::Null },
    })
}

/// Messages a contact may see: every public one (notes never).
fn visible(m: &Message) -> bool {
    m.message_type != MessageType::Note
}

async fn sender(app: &AppState, site: SiteId, m: &Message) -> Value {
    let name = match (m.sender_type, m.sender_id) {
        (SenderType::Agent, Some(id)) => app
            .store
            .agents()
            .get(site, anytime_core::model::AgentId(id))
            .await
            .ok()
            .map(|a| a.name),
        (SenderType::Contact, Some(id)) => app
            .store
            .contacts()
            .get(site, ContactId(id))
            .await
            .ok()
            .map(|c| c.name),
        _ => None,
    };
    match name {
        Some(name) => json!({"id": m.sender_id, "type": m.sender_type, "name": name}),
        None => Value::Null,
    }
}

/// A public message as the contact sees it; `lookup` holds the conversation's attachments.
async fn message_view(
    app: &AppState,
    site: SiteId,
    m: &Message,
    lookup: &Lookup,
    with_sender: bool,
) -> Value {
    let mut v = json!({
        "id": m.id,
        "htmlBody": m.html_body,
        "plainBody": m.plain_body,
        "senderId": m.sender_id,
        "senderType": m.sender_type,
        "time": m.time,
        "attachments": lookup.attachments_of(m.id),
    });
    if with_sender {
        v["sender"] = sender(app, site, m).await;
    }
    v
}

/// `include=` names this endpoint offers (others → 400 naming `include`).
fn includes(raw: Option<&str>, allowed: &[&str]) -> ApiResult<Vec<String>> {
    let mut out = Vec::new();
    for name in raw
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match allowed.iter().find(|a| a.eq_ignore_ascii_case(name)) {
            Some(a) => out.push((*a).to_string()),
            None => {
                return Err(ApiError::invalid(
                    "include",
                    format!("{name:?} cannot be included here"),
                ))
            }
        }
    }
    Ok(out)
}

async fn contact_view(app: &AppState, site: SiteId, id: ContactId) -> Value {
    match app.store.contacts().get(site, id).await {
        Ok(c) => json!({"id": c.id, "name": c.name, "email": c.email}),
        Err(_) => Value::Null,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct PortalQuery {
    /// The contact the portal acts for (required).
    contact_id: Option<Uuid>,
    /// `contact`, `messages` (one conversation) or `sender` (messages).
    include: Option<String>,
    page_index: Option<u64>,
}

/// A body that only names the contact (close, reopen, read, unread).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContactBody {
    contact_id: Option<Uuid>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PortalMessage {
    #[serde(default)]
    html_body: Option<String>,
    #[serde(default)]
    plain_body: Option<String>,
    /// Uploads made by this portal credential for the same contact: `[{guid}]`.
    #[serde(default)]
    attachments: Vec<AttachmentRef>,
}

impl PortalMessage {
    /// Checks the message (400s named `{prefix}…`) and takes its attachments, to be stored
    /// with it once the contact they must have been uploaded for is known.
    fn check(&mut self, c: &mut Checks, prefix: &str) -> CheckedExtras {
        let extras = MessageExtras {
            attachments: std::mem::take(&mut self.attachments),
            ..MessageExtras::default()
        };
        self.check_bodies(c, prefix);
        extras.checked(c, prefix)
    }

    fn check_bodies(&self, c: &mut Checks, prefix: &str) {
        let html = self.html_body.as_deref().unwrap_or("");
        let plain = self.plain_body.as_deref().unwrap_or("");
        if html.trim().is_empty() && plain.trim().is_empty() {
            c.add(format!("{prefix}htmlBody"), "give htmlBody or plainBody");
        }
        if html.len() > MAX_BODY || plain.len() > MAX_BODY {
            c.add(
                format!("{prefix}htmlBody"),
                format!("at most {MAX_BODY} bytes"),
            );
        }
    }

    fn into_new(self, id: anytime_core::model::MessageId) -> NewMessage {
        NewMessage {
            id,
            message_type: Some(MessageType::Reply),
            html_body: self.html_body.map(|h| crate::html::sanitize(&h)),
            plain_body: self.plain_body,
            time: None,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SubmitBody {
    #[serde(default)]
    subject: String,
    contact_id: Option<Uuid>,
    /// `[{id, value}]`; internal (operator, department) fields are refused.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    custom_fields: Vec<ValueEntry>,
    message: PortalMessage,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReplyBody {
    contact_id: Option<Uuid>,
    #[serde(default)]
    html_body: Option<String>,
    #[serde(default)]
    plain_body: Option<String>,
    #[serde(default)]
    attachments: Vec<AttachmentRef>,
}

/// The contact's conversations, newest first (`include=contact`).
#[utoipa::path(get, path = "/api/v3/anytime/portalConversations", tag = "portalConversations",
    params(PortalQuery),
    responses((status = 200, description = "`{\"portalConversations\":[…],\"total\",\"previousPage\",\"nextPage\",\"currentPage\"}`")))]
async fn list(
    caller: Caller,
    State(app): State<AppState>,
    OriginalUri(uri): OriginalUri,
    ApiQuery(q): ApiQuery<PortalQuery>,
) -> ApiResult<Json<Value>> {
    let caller = portal_caller(caller)?;
    let include = includes(q.include.as_deref(), &["contact"])?;
    let page = Page::from_index(q.page_index)?;
    let contact = contact(&app, caller.site_id, q.contact_id).await?;
    let fields = crate::fields::field_set(&app, caller.site_id).await?;
    let all = app
        .store
        .conversations()
        .of_contact(caller.site_id, contact)
        .await?;
    let total = all.len() as u64;
    let contact_value = if include.is_empty() {
        None
    } else {
        Some(contact_view(&app, caller.site_id, contact).await)
    };
    let items: Vec<Value> = all
        .iter()
        .skip(usize::try_from(page.offset()).unwrap_or(usize::MAX))
        .take(usize::try_from(page.size).unwrap_or(usize::MAX))
        .map(|c| {
            let mut v = view(c, &fields);
            if let Some(cv) = &contact_value {
                v["contact"] = cv.clone();
            }
            v
        })
        .collect();
    let mut out = Map::new();
    out.insert("portalConversations".into(), Value::Array(items));
    if let Value::Object(links) = serde_json::to_value(page.links(&uri, total)).unwrap_or_default()
    {
        out.extend(links);
    }
    Ok(Json(Value::Object(out)))
}

/// One of the contact's conversations (`include=contact,messages`).
#[utoipa::path(get, path = "/api/v3/anytime/portalConversations/{id}", tag = "portalConversations",
    params(("id" = i64, Path, description = "Conversation id"), PortalQuery),
    responses((status = 200, description = "`{\"portalConversation\":{…}}`")))]
async fn get_one(
    caller: Caller,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PortalQuery>,
) -> ApiResult<Json<Value>> {
    let caller = portal_caller(caller)?;
    let include = includes(q.include.as_deref(), &["contact", "messages"])?;
    let contact = contact(&app, caller.site_id, q.contact_id).await?;
    let c = owned(&app, caller.site_id, id, contact).await?;
    let fields = crate::fields::field_set(&app, caller.site_id).await?;
    let mut v = view(&c, &fields);
    for name in include {
        if name == "contact" {
            v["contact"] = contact_view(&app, caller.site_id, contact).await;
        } else {
            let messages = app
                .store
                .conversations()
                .messages(caller.site_id, c.id)
                .await?;
            let lookup = Lookup::load(&app, caller.site_id, c.id).await;
            let mut list = Vec::new();
            for m in messages.iter().filter(|m| visible(m)) {
                list.push(message_view(&app, caller.site_id, m, &lookup, false).await);
            }
            v["messages"] = Value::Array(list);
        }
    }
    Ok(Json(json!({ "portalConversation": v })))
}

/// Submit a conversation for the contact (channel `portal`).
#[utoipa::path(post, path = "/api/v3/anytime/portalConversations", tag = "portalConversations",
    request_body = SubmitBody,
    responses((status = 201, description = "`{\"portalConversation\":{…}}`")))]
async fn submit(
    caller: Caller,
    State(app): State<AppState>,
    ApiJson(req): ApiJson<SubmitBody>,
) -> ApiResult<Response> {
    let caller = portal_caller(caller)?;
    let mut message = req.message;
    let mut c = Checks::new();
    let subject = c.text("subject", req.subject.trim(), MAX_SUBJECT);
    let extras = message.check(&mut c, "message.");
    let fields = crate::fields::field_set(&app, caller.site_id).await?;
    for (i, f) in req.custom_fields.iter().enumerate() {
        if is_internal(&fields, &f.id) {
            c.add(
                format!("customFields[{i}].id"),
                "not a field the contact may set",
            );
        }
    }
    c.finish()?;
    let contact = contact(&app, caller.site_id, req.contact_id).await?;
    let extras = extras.for_contact(contact);
    let custom_fields = req.custom_fields;
    let actor = Actor::Contact(contact);
    let change = service::create_as(&app, caller, actor, Some(extras), move |ids| {
        Action::Create(Box::new(Create {
            subject,
            channel: Channel::Portal,
            contact_id: Some(contact),
            received_from: None,
            agent_assignee_id: None,
            department_assignee_id: None,
            priority: None,
            status: None,
            custom_fields,
            tag_ids: Vec::new(),
            message: message.into_new(ids.message),
        }))
    })
    .await?;
    Ok(created(
        json!({ "portalConversation": view(&change.conversation, &fields) }),
    ))
}

/// Runs a contact's command on one of the contact's conversations.
async fn act(
    app: &AppState,
    caller: Caller,
    id: i64,
    contact: Option<Uuid>,
    build: impl FnOnce(anytime_core::model::MessageId) -> Action + Send + 'static,
) -> ApiResult<anytime_store::ConversationChange> {
    let caller = portal_caller(caller)?;
    let contact = contact_or_404(app, caller.site_id, contact).await?;
    act_with(app, caller, id, contact, None, build).await
}

/// [`act`] for a checked contact, whose new message carries `extras`.
async fn act_with(
    app: &AppState,
    caller: Caller,
    id: i64,
    contact: ContactId,
    extras: Option<CheckedExtras>,
    build: impl FnOnce(anytime_core::model::MessageId) -> Action + Send + 'static,
) -> ApiResult<anytime_store::ConversationChange> {
    service::apply_as(
        app,
        caller,
        Actor::Contact(contact),
        ConversationId(id),
        Bin::Live,
        extras,
        move |c| owned_by(c, contact),
        build,
    )
    .await
    .map_err(|e| match e {
        ApiError::NotFound(_) => not_found(),
        ApiError::Core(anytime_core::CoreError::NotFound { .. }) => not_found(),
        other => other,
    })
}

async fn contact_or_404(app: &AppState, site: SiteId, id: Option<Uuid>) -> ApiResult<ContactId> {
    contact(app, site, id).await
}

async fn answer(app: &AppState, site: SiteId, c: &Conversation) -> ApiResult<Json<Value>> {
    let fields = crate::fields::field_set(app, site).await?;
    Ok(Json(json!({ "portalConversation": view(c, &fields) })))
}

/// The contact closes the conversation.
#[utoipa::path(put, path = "/api/v3/anytime/portalConversations/{id}/close", tag = "portalConversations",
    request_body = ContactBody, params(("id" = i64, Path, description = "Conversation id")),
    responses((status = 200, description = "`{\"portalConversation\":{…}}`")))]
async fn close(
    caller: Caller,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ContactBody>,
) -> ApiResult<Json<Value>> {
    let change = act(&app, caller, id, req.contact_id, |_| Action::Close).await?;
    answer(&app, caller.site_id, &change.conversation).await
}

/// The contact reopens the conversation (status pendingInternal).
#[utoipa::path(put, path = "/api/v3/anytime/portalConversations/{id}/reopen", tag = "portalConversations",
    request_body = ContactBody, params(("id" = i64, Path, description = "Conversation id")),
    responses((status = 200, description = "`{\"portalConversation\":{…}}`")))]
async fn reopen(
    caller: Caller,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ContactBody>,
) -> ApiResult<Json<Value>> {
    let change = act(&app, caller, id, req.contact_id, |_| {
        Action::Reopen(Reopen { status: None })
    })
    .await?;
    answer(&app, caller.site_id, &change.conversation).await
}

/// The conversation's public messages in time order (`include=sender`).
#[utoipa::path(get, path = "/api/v3/anytime/portalConversations/{id}/messages", tag = "portalConversations",
    params(("id" = i64, Path, description = "Conversation id"), PortalQuery),
    responses((status = 200, description = "`{\"messages\":[…]}`")))]
async fn messages(
    caller: Caller,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PortalQuery>,
) -> ApiResult<Json<Value>> {
    let caller = portal_caller(caller)?;
    let with_sender = !includes(q.include.as_deref(), &["sender"])?.is_empty();
    let contact = contact(&app, caller.site_id, q.contact_id).await?;
    let c = owned(&app, caller.site_id, id, contact).await?;
    let all = app
        .store
        .conversations()
        .messages(caller.site_id, c.id)
        .await?;
    let lookup = Lookup::load(&app, caller.site_id, c.id).await;
    let mut list = Vec::new();
    for m in all.iter().filter(|m| visible(m)) {
        list.push(message_view(&app, caller.site_id, m, &lookup, with_sender).await);
    }
    Ok(Json(json!({ "messages": list })))
}

/// The contact replies (SPEC §5.7: pendingExternal, onHold or closed → pendingInternal).
#[utoipa::path(post, path = "/api/v3/anytime/portalConversations/{id}/messages", tag = "portalConversations",
    request_body = ReplyBody, params(("id" = i64, Path, description = "Conversation id")),
    responses((status = 201, description = "`{\"message\":{…}}`")))]
async fn reply(
    caller: Caller,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ReplyBody>,
) -> ApiResult<Response> {
    let mut message = PortalMessage {
        html_body: req.html_body,
        plain_body: req.plain_body,
        attachments: req.attachments,
    };
    let mut c = Checks::new();
    let extras = message.check(&mut c, "");
    c.finish()?;
    let caller = portal_caller(caller)?;
    let contact = contact_or_404(&app, caller.site_id, req.contact_id).await?;
    let extras = extras.for_contact(contact);
    let change = act_with(&app, caller, id, contact, Some(extras), move |next| {
        Action::Reply(Reply {
            message: message.into_new(next),
            status: None,
        })
    })
    .await?;
    let m = change.messages.iter().rev().find(|m| visible(m));
    let lookup = Lookup::load(&app, caller.site_id, change.conversation.id).await;
    let v = match m {
        Some(m) => message_view(&app, caller.site_id, m, &lookup, false).await,
        None => Value::Null,
    };
    Ok(created(json!({ "message": v })))
}

/// The contact has read the conversation.
#[utoipa::path(put, path = "/api/v3/anytime/portalConversations/{id}/read", tag = "portalConversations",
    request_body = ContactBody, params(("id" = i64, Path, description = "Conversation id")),
    responses((status = 204, description = "Done")))]
async fn read(
    caller: Caller,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ContactBody>,
) -> ApiResult<Response> {
    act(&app, caller, id, req.contact_id, |_| Action::Read).await?;
    Ok(no_content())
}

/// The contact marks the conversation unread.
#[utoipa::path(put, path = "/api/v3/anytime/portalConversations/{id}/unread", tag = "portalConversations",
    request_body = ContactBody, params(("id" = i64, Path, description = "Conversation id")),
    responses((status = 204, description = "Done")))]
async fn unread(
    caller: Caller,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ContactBody>,
) -> ApiResult<Response> {
    act(&app, caller, id, req.contact_id, |_| Action::Unread).await?;
    Ok(no_content())
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, submit))
        .routes(routes!(get_one))
        .routes(routes!(close))
        .routes(routes!(reopen))
        .routes(routes!(messages, reply))
        .routes(routes!(read))
        .routes(routes!(unread))
}
