//! `/api/v3/anytime/conversations…` and `/deletedconversations…`: thin handlers.

use super::details::{Lookup, MessageExtras};
use super::includes::{self, Include};
use super::schemas::{
    ConversationChannel, ConversationPriority, ConversationStatus, ConversationView,
    FieldValueInput, HistoryEntryView, MessageKind, MessageView,
};
use super::service::{self, Bin};
use crate::app::AppState;
use crate::auth::Staff;
use crate::http::{
    created, no_content, ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, Checks, Page, PageLinks,
};
use anytime_core::conversation::{Action, Create, NewMessage, Reply, Update};
use anytime_core::field_validation::ValueEntry;
use anytime_core::model::{
    AgentId, Channel, ContactId, ConversationId, DepartmentId, MessageType, Priority, Status, TagId,
};
use anytime_store::{ConversationQuery, ConversationSort};
use axum::extract::{OriginalUri, State};
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

const MAX_SUBJECT: usize = 998;
const MAX_BODY: usize = 512 * 1024;

/// A message in a request.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MessageBody {
    /// `note`, `email` or `reply` (default `reply`).
    #[serde(rename = "type", default)]
    #[schema(value_type = Option<MessageKind>)]
    pub message_type: Option<MessageType>,
    /// Sanitized before storage.
    #[serde(default)]
    pub html_body: Option<String>,
    /// Derived from `htmlBody` when absent.
    #[serde(default)]
    pub plain_body: Option<String>,
    /// `agentConsole|helpDesk|webForm|API|chat|offlineMessage|email|portal|trigger`.
    #[serde(default)]
    pub source: Option<String>,
    /// For email messages.
    #[serde(default)]
    pub subject: Option<String>,
    /// For email messages: the sending address.
    #[serde(default)]
    pub from: Option<String>,
    /// Addresses separated by `,` or `;`.
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub cc: Option<String>,
    /// Quoted earlier mail (sanitized like `htmlBody`).
    #[serde(default)]
    pub quote: Option<String>,
    /// Uploads to attach: `[{guid}]` (whole upload objects are accepted).
    #[serde(default)]
    pub attachments: Vec<super::details::AttachmentRef>,
    /// Replies only: the status after the reply (a note changes none). A new
    /// conversation's message takes the conversation's `status` instead.
    #[serde(default)]
    #[schema(value_type = Option<ConversationStatus>)]
    pub status: Option<Status>,
}

impl MessageBody {
    /// Takes the fields the store keeps beside the core's message.
    fn take_extras(&mut self) -> MessageExtras {
        MessageExtras {
            source: self.source.take(),
            subject: self.subject.take(),
            from: self.from.take(),
            to: self.to.take(),
            cc: self.cc.take(),
            quote: self.quote.take(),
            attachments: std::mem::take(&mut self.attachments),
        }
    }

    fn check(&self, c: &mut Checks, prefix: &str) {
        let html = self.html_body.as_deref().unwrap_or("");
        let plain = self.plain_body.as_deref().unwrap_or("");
        if html.trim().is_empty() && plain.trim().is_empty() {
            c.add(format!("{prefix}htmlBody"), "give htmlBody or plainBody");
        }
        if html.len() > MAX_BODY {
            c.add(
                format!("{prefix}htmlBody"),
                format!("at most {MAX_BODY} bytes"),
            );
        }
        if plain.len() > MAX_BODY {
            c.add(
                format!("{prefix}plainBody"),
                format!("at most {MAX_BODY} bytes"),
            );
        }
    }

    fn into_new(self, id: anytime_core::model::MessageId) -> NewMessage {
        NewMessage {
            id,
            message_type: self.message_type,
            html_body: self.html_body.map(|h| crate::html::sanitize(&h)),
            plain_body: self.plain_body,
            time: None,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateConversation {
    #[serde(default)]
    pub subject: String,
    /// Default `api`.
    #[serde(default)]
    #[schema(value_type = Option<ConversationChannel>)]
    pub channel: Option<Channel>,
    #[serde(default)]
    pub contact_id: Option<Uuid>,
    #[serde(default)]
    pub received_from: Option<String>,
    #[serde(default)]
    pub agent_assignee_id: Option<Uuid>,
    #[serde(default)]
    pub department_assignee_id: Option<Uuid>,
    #[serde(default)]
    #[schema(value_type = Option<ConversationPriority>)]
    pub priority: Option<Priority>,
    #[serde(default)]
    #[schema(value_type = Option<ConversationStatus>)]
    pub status: Option<Status>,
    /// `[{id, value}]`, validated against the site's fields.
    #[serde(default)]
    #[schema(value_type = Vec<FieldValueInput>)]
    pub custom_fields: Vec<ValueEntry>,
    #[serde(default)]
    pub tag_ids: Vec<Uuid>,
    /// The first message.
    pub message: MessageBody,
}

pub(super) fn nullable<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<Uuid>>, D::Error> {
    Ok(Some(Option::<Uuid>::deserialize(d)?))
}

/// Absent fields stay; `null` clears an assignee.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateConversation {
    pub subject: Option<String>,
    pub contact_id: Option<Uuid>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub agent_assignee_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub department_assignee_id: Option<Option<Uuid>>,
    #[schema(value_type = Option<ConversationPriority>)]
    pub priority: Option<Priority>,
    /// `closed` needs every required custom field filled (400 naming them).
    #[schema(value_type = Option<ConversationStatus>)]
    pub status: Option<Status>,
    pub is_read: Option<bool>,
    pub tag_ids: Option<Vec<Uuid>>,
    #[serde(default)]
    #[schema(value_type = Vec<FieldValueInput>)]
    pub custom_fields: Vec<ValueEntry>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MergeBody {
    pub source_id: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct ListQuery {
    /// A saved filter (SPEC §4.2) the conversations must match.
    pub filter_id: Option<Uuid>,
    pub tag_id: Option<Uuid>,
    /// Words that must all occur in the subject or a message body.
    pub keywords: Option<String>,
    /// On the last reply time; both absent = the last 30 days.
    pub time_from: Option<DateTime<Utc>>,
    pub time_to: Option<DateTime<Utc>>,
    /// Minutes east of UTC of the caller (accepted; times are absolute instants).
    pub time_zone_offset: Option<i32>,
    /// `open`, or one status.
    pub status: Option<String>,
    pub page_index: Option<u64>,
    /// `nextSLABreach|lastReplyTime|lastActivityTime|priority|status`.
    pub sort_by: Option<String>,
    /// `asc|desc` (default desc).
    pub sort_order: Option<String>,
    /// `agentAssignee,departmentAssignee,contact,createdBy,lastRepliedBy`.
    pub include: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct IncludeQuery {
    pub include: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationList {
    #[schema(value_type = Vec<ConversationView>)]
    pub conversations: Vec<Value>,
    #[serde(flatten)]
    pub page: PageLinks,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationEnvelope {
    #[schema(value_type = ConversationView)]
    pub conversation: Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageEnvelope {
    #[schema(value_type = MessageView)]
    pub message: Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageList {
    #[schema(value_type = Vec<MessageView>)]
    pub messages: Vec<Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryList {
    /// `[{time, actorType, actorId, field, oldValue, newValue, ruleId, triggerId}]`
    #[schema(value_type = Vec<HistoryEntryView>)]
    pub history: Vec<Value>,
}

fn sort_of(s: Option<&str>) -> ApiResult<ConversationSort> {
    Ok(match s.map(|s| s.trim().to_ascii_lowercase()).as_deref() {
        None | Some("") | Some("lastactivitytime") => ConversationSort::LastActivityTime,
        Some("nextslabreach") => ConversationSort::NextSlaBreach,
        Some("lastreplytime") => ConversationSort::LastReplyTime,
        Some("priority") => ConversationSort::Priority,
        Some("status") => ConversationSort::Status,
        Some(_) => {
            return Err(ApiError::invalid(
                "sortBy",
                "one of nextSLABreach, lastReplyTime, lastActivityTime, priority, status",
            ))
        }
    })
}

fn statuses_of(s: Option<&str>) -> ApiResult<Vec<Status>> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(Vec::new()),
        Some(s) if s.eq_ignore_ascii_case("open") => Ok(Status::ALL
            .iter()
            .copied()
            .filter(|s| *s != Status::Closed)
            .collect()),
        Some(s) => Status::parse(s)
            .map(|s| vec![s])
            .ok_or_else(|| ApiError::invalid("status", "open or a status")),
    }
}

async fn list_in(
    app: &AppState,
    caller: crate::auth::Caller,
    uri: &axum::http::Uri,
    bin: Bin,
) -> ApiResult<Json<ConversationList>> {
    let (conditions, rest) = crate::filters::evaluate::split_query(uri.query().unwrap_or(""))?;
    let q: ListQuery = crate::http::extract::parse_query(&rest)?;
    let mut sets = Vec::new();
    if let Some(id) = q.filter_id {
        sets.push(crate::filters::saved_conditions(app, &caller, id, "filterId").await?);
    }
    if let Some(conditions) = conditions {
        let fields = crate::fields::field_set(app, caller.site_id).await?;
        let compiled = crate::filters::evaluate::compile(&conditions, &fields, "conditions")?;
        sets.push((conditions, compiled));
    }
    let page = Page::from_index(q.page_index)?;
    let include = includes::parse(q.include.as_deref(), includes::LIST)?;
    let descending = match q
        .sort_order
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("desc") => true,
        Some("asc") => false,
        Some(_) => return Err(ApiError::invalid("sortOrder", "asc or desc")),
    };
    if q.time_zone_offset.is_some_and(|m| m.abs() > 14 * 60) {
        return Err(ApiError::invalid(
            "timeZoneOffset",
            "minutes between -840 and 840",
        ));
    }
    let (time_from, time_to) = match (q.time_from, q.time_to) {
        (None, None) => (Some(anytime_store::now() - Duration::days(30)), None),
        other => other,
    };
    if let (Some(f), Some(t)) = (time_from, time_to) {
        if f > t {
            return Err(ApiError::invalid("timeFrom", "must not be after timeTo"));
        }
    }
    let (list, total, drafted) = app
        .store
        .conversations()
        .list_for(
            caller.site_id,
            ConversationQuery {
                deleted: bin == Bin::Deleted,
                statuses: statuses_of(q.status.as_deref())?,
                tag_id: q.tag_id.map(TagId),
                keywords: q.keywords.filter(|k| !k.trim().is_empty()),
                time_from,
                time_to,
                conditions: sets.into_iter().map(|(_, compiled)| compiled).collect(),
                sort: sort_of(q.sort_by.as_deref())?,
                descending,
                offset: page.offset(),
                limit: page.size,
                // Dates of conditions in UTC, as the core's default context.
                ..Default::default()
            },
            caller.agent_id,
        )
        .await?;
    let mut conversations = Vec::with_capacity(list.len());
    for c in &list {
        let mut view = includes::conversation(app, caller.site_id, c, &include, None).await;
        view["hasDraft"] = Value::Bool(drafted.contains(&c.id));
        conversations.push(view);
    }
    Ok(Json(ConversationList {
        conversations,
        page: page.links(uri, total),
    }))
}

async fn get_in(
    app: &AppState,
    caller: crate::auth::Caller,
    id: i64,
    q: IncludeQuery,
    bin: Bin,
) -> ApiResult<Json<ConversationEnvelope>> {
    let include = includes::parse(q.include.as_deref(), includes::CONVERSATION)?;
    let whole = service::whole(
        app,
        &caller,
        ConversationId(id),
        bin,
        include.contains(&Include::Messages),
    )
    .await?;
    let read = whole
        .messages
        .map(|m| (m.messages, Lookup::of(m.details, m.attachments)));
    let mut conversation = includes::conversation(
        app,
        caller.site_id,
        &whole.conversation,
        &include,
        read.as_ref()
            .map(|(list, lookup)| (list.as_slice(), lookup)),
    )
    .await;
    conversation["hasDraft"] = Value::Bool(whole.has_draft);
    Ok(Json(ConversationEnvelope { conversation }))
}

async fn messages_in(
    app: &AppState,
    caller: crate::auth::Caller,
    id: i64,
    q: IncludeQuery,
    bin: Bin,
) -> ApiResult<Json<MessageList>> {
    let include = includes::parse(q.include.as_deref(), includes::MESSAGES)?;
    let list = service::messages(app, caller.site_id, ConversationId(id), bin).await?;
    let lookup = Lookup::load(app, caller.site_id, ConversationId(id)).await;
    let mut messages = Vec::with_capacity(list.len());
    for m in &list {
        let mut v = includes::message(app, caller.site_id, m, &include).await;
        lookup.apply(&mut v, m.id);
        messages.push(v);
    }
    Ok(Json(MessageList { messages }))
}

/// List conversations: filters, keyword search, sorting, 50 a page.
#[utoipa::path(get, path = "/api/v3/anytime/conversations", tag = "conversations", params(ListQuery,
        ("conditions[i][field]" = Option<String>, Query, description = "Ad-hoc conditions (SPEC §5.1), all must match; with `conditions[i][matchType]` and `conditions[i][value]`")),
    responses((status = 200, description = "A page of conversations", body = ConversationList)))]
async fn list(
    Staff(caller): Staff,
    State(app): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<Json<ConversationList>> {
    list_in(&app, caller, &uri, Bin::Live).await
}

/// Create a conversation with its first message.
#[utoipa::path(post, path = "/api/v3/anytime/conversations", tag = "conversations", request_body = CreateConversation,
    responses((status = 201, description = "Created", body = ConversationEnvelope)))]
async fn create(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiJson(req): ApiJson<CreateConversation>,
) -> ApiResult<Response> {
    let mut c = Checks::new();
    let subject = c.text("subject", req.subject.trim(), MAX_SUBJECT);
    req.message.check(&mut c, "message.");
    let mut message = req.message;
    let extras = message.take_extras().checked(&mut c, "message.");
    if message.status.is_some() {
        c.add("message.status", "give the conversation's `status` instead");
    }
    let received_from = c.optional(req.received_from.as_deref(), |c, e| {
        c.email("receivedFrom", e)
    });
    c.finish()?;
    if let Some(contact) = req.contact_id {
        app.store
            .contacts()
            .get(caller.site_id, ContactId(contact))
            .await
            .map_err(|_| ApiError::invalid("contactId", "no such contact"))?;
    }
    let change = service::create_with(&app, caller, Some(extras), move |ids| {
        Action::Create(Box::new(Create {
            subject,
            channel: req.channel.unwrap_or(Channel::Api),
            contact_id: req.contact_id.map(ContactId),
            received_from,
            agent_assignee_id: req.agent_assignee_id.map(AgentId),
            department_assignee_id: req.department_assignee_id.map(DepartmentId),
            priority: req.priority,
            status: req.status,
            custom_fields: req.custom_fields,
            tag_ids: req.tag_ids.into_iter().map(TagId).collect(),
            message: {
                let mut m = message.into_new(ids.message);
                m.message_type = m.message_type.or(Some(MessageType::Reply));
                m
            },
        }))
    })
    .await?;
    let lookup = Lookup::load(&app, caller.site_id, change.conversation.id).await;
    let view = includes::conversation(
        &app,
        caller.site_id,
        &change.conversation,
        &[Include::Messages],
        Some((&change.messages, &lookup)),
    )
    .await;
    Ok(created(ConversationEnvelope { conversation: view }))
}

/// Get a conversation (`include=agentAssignee,departmentAssignee,contact,createdBy,lastRepliedBy,messages`).
#[utoipa::path(get, path = "/api/v3/anytime/conversations/{id}", tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id"), IncludeQuery),
    responses((status = 200, description = "The conversation", body = ConversationEnvelope)))]
async fn get(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<IncludeQuery>,
) -> ApiResult<Json<ConversationEnvelope>> {
    get_in(&app, caller, id, q, Bin::Live).await
}

/// Update fields, status, assignees, tags, custom fields.
#[utoipa::path(put, path = "/api/v3/anytime/conversations/{id}", tag = "conversations", request_body = UpdateConversation,
    params(("id" = i64, Path, description = "Conversation id")),
    responses((status = 200, description = "The conversation", body = ConversationEnvelope)))]
async fn update(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<UpdateConversation>,
) -> ApiResult<Json<ConversationEnvelope>> {
    let mut c = Checks::new();
    let subject = req
        .subject
        .as_deref()
        .map(|s| c.text("subject", s.trim(), MAX_SUBJECT));
    c.finish()?;
    let change = service::apply(&app, caller, ConversationId(id), Bin::Live, move |_| {
        Action::Update(Box::new(Update {
            subject,
            contact_id: req.contact_id.map(ContactId),
            agent_assignee_id: req.agent_assignee_id.map(|a| a.map(AgentId)),
            department_assignee_id: req.department_assignee_id.map(|d| d.map(DepartmentId)),
            priority: req.priority,
            status: req.status,
            is_read: req.is_read,
            tag_ids: req.tag_ids.map(|t| t.into_iter().map(TagId).collect()),
            custom_fields: req.custom_fields,
        }))
    })
    .await?;
    Ok(Json(ConversationEnvelope {
        conversation: includes::conversation(&app, caller.site_id, &change.conversation, &[], None)
            .await,
    }))
}

/// Soft-delete a conversation (restorable under `/deletedconversations`).
#[utoipa::path(delete, path = "/api/v3/anytime/conversations/{id}", tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id")),
    responses((status = 204, description = "Deleted")))]
async fn delete(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    service::apply(&app, caller, ConversationId(id), Bin::Live, |_| {
        Action::Delete
    })
    .await?;
    Ok(no_content())
}

/// Reply or add a note (`type: note`; `<span data-id class="athighlight">` mentions agents).
#[utoipa::path(post, path = "/api/v3/anytime/conversations/{id}/messages", tag = "conversations", request_body = MessageBody,
    params(("id" = i64, Path, description = "Conversation id")),
    responses((status = 201, description = "The new message", body = MessageEnvelope)))]
async fn reply(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(mut message): ApiJson<MessageBody>,
) -> ApiResult<Response> {
    let mut c = Checks::new();
    message.check(&mut c, "");
    let extras = message.take_extras().checked(&mut c, "");
    let status = message.status.take();
    if message.message_type == Some(MessageType::Note) && status.is_some() {
        c.add("status", "a note changes no status");
    }
    c.finish()?;
    let change = service::apply_with(
        &app,
        caller,
        ConversationId(id),
        Some(extras),
        move |next| {
            let is_note = message.message_type == Some(MessageType::Note);
            let reply = Reply {
                message: message.into_new(next),
                status,
            };
            if is_note {
                Action::Note(reply)
            } else {
                Action::Reply(reply)
            }
        },
    )
    .await?;
    let lookup = Lookup::load(&app, caller.site_id, change.conversation.id).await;
    let message = lookup
        .views(
            change
                .messages
                .last()
                .map(std::slice::from_ref)
                .unwrap_or(&[]),
        )
        .pop()
        .unwrap_or(Value::Null);
    Ok(created(MessageEnvelope { message }))
}

/// A conversation's messages in time order (`include=sender`).
#[utoipa::path(get, path = "/api/v3/anytime/conversations/{id}/messages", tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id"), IncludeQuery),
    responses((status = 200, description = "The messages", body = MessageList)))]
async fn messages(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<IncludeQuery>,
) -> ApiResult<Json<MessageList>> {
    messages_in(&app, caller, id, q, Bin::Live).await
}

/// Mark read.
#[utoipa::path(put, path = "/api/v3/anytime/conversations/{id}/read", tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id")),
    responses((status = 204, description = "Marked read")))]
async fn read(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    service::apply(&app, caller, ConversationId(id), Bin::Live, |_| {
        Action::Read
    })
    .await?;
    Ok(no_content())
}

/// Mark unread.
#[utoipa::path(put, path = "/api/v3/anytime/conversations/{id}/unread", tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id")),
    responses((status = 204, description = "Marked unread")))]
async fn unread(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    service::apply(&app, caller, ConversationId(id), Bin::Live, |_| {
        Action::Unread
    })
    .await?;
    Ok(no_content())
}

/// Merge `sourceId` into this conversation (409: itself, deleted, or already merged).
#[utoipa::path(post, path = "/api/v3/anytime/conversations/{id}/merge", tag = "conversations", request_body = MergeBody,
    params(("id" = i64, Path, description = "Target conversation id")),
    responses((status = 200, description = "The target", body = ConversationEnvelope)))]
async fn merge(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<MergeBody>,
) -> ApiResult<Json<ConversationEnvelope>> {
    let change = service::merge(
        &app,
        caller,
        ConversationId(id),
        ConversationId(req.source_id),
    )
    .await?;
    Ok(Json(ConversationEnvelope {
        conversation: includes::conversation(&app, caller.site_id, &change.conversation, &[], None)
            .await,
    }))
}

/// Every recorded change: who, when, field, old and new value, rule or trigger.
#[utoipa::path(get, path = "/api/v3/anytime/conversations/{id}/history", tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id")),
    responses((status = 200, description = "The history, oldest first", body = HistoryList)))]
async fn history(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<HistoryList>> {
    let c = app
        .store
        .conversations()
        .get(caller.site_id, ConversationId(id))
        .await?;
    let entries = app
        .store
        .conversations()
        .history(caller.site_id, c.id)
        .await?;
    Ok(Json(HistoryList {
        history: entries
            .iter()
            .map(|h| serde_json::to_value(h).unwrap_or(Value::Null))
            .collect(),
    }))
}

/// List deleted conversations.
#[utoipa::path(get, path = "/api/v3/anytime/deletedconversations", tag = "conversations", params(ListQuery,
        ("conditions[i][field]" = Option<String>, Query, description = "Ad-hoc conditions (SPEC §5.1), all must match; with `conditions[i][matchType]` and `conditions[i][value]`")),
    responses((status = 200, description = "A page of deleted conversations", body = ConversationList)))]
async fn deleted_list(
    Staff(caller): Staff,
    State(app): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<Json<ConversationList>> {
    list_in(&app, caller, &uri, Bin::Deleted).await
}

/// Get a deleted conversation.
#[utoipa::path(get, path = "/api/v3/anytime/deletedconversations/{id}", tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id"), IncludeQuery),
    responses((status = 200, description = "The conversation", body = ConversationEnvelope)))]
async fn deleted_get(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<IncludeQuery>,
) -> ApiResult<Json<ConversationEnvelope>> {
    get_in(&app, caller, id, q, Bin::Deleted).await
}

/// A deleted conversation's messages.
#[utoipa::path(get, path = "/api/v3/anytime/deletedconversations/{id}/messages", tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id"), IncludeQuery),
    responses((status = 200, description = "The messages", body = MessageList)))]
async fn deleted_messages(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<IncludeQuery>,
) -> ApiResult<Json<MessageList>> {
    messages_in(&app, caller, id, q, Bin::Deleted).await
}

/// Restore a deleted conversation unchanged.
#[utoipa::path(post, path = "/api/v3/anytime/deletedconversations/{id}/restore", tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id")),
    responses((status = 204, description = "Restored")))]
async fn restore(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    service::apply(&app, caller, ConversationId(id), Bin::Deleted, |_| {
        Action::Restore
    })
    .await?;
    Ok(no_content())
}

/// Delete a deleted conversation permanently, with its messages and history.
#[utoipa::path(delete, path = "/api/v3/anytime/deletedconversations/{id}", tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id")),
    responses((status = 204, description = "Gone")))]
async fn purge(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    app.store
        .conversations()
        .delete_permanently(caller.site_id, ConversationId(id))
        .await?;
    Ok(no_content())
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(
            list,
            create,
            super::batch::batch_update,
            super::batch::batch_delete
        ))
        .routes(routes!(get, update, delete))
        .routes(routes!(reply, messages))
        .routes(routes!(read))
        .routes(routes!(unread))
        .routes(routes!(merge))
        .routes(routes!(history))
        .routes(routes!(deleted_list))
        .routes(routes!(deleted_get, purge))
        .routes(routes!(deleted_messages))
        .routes(routes!(restore))
        .merge(super::drafts::router())
}
