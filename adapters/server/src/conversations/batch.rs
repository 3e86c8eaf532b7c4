//! Batch update and batch delete (`PUT` / `DELETE /api/v3/anytime/conversations`, SPEC §4.1):
//! every listed conversation changes in one transaction, or none does.

use super::handlers::nullable;
use super::includes;
use super::service;
use crate::app::AppState;
use crate::auth::Staff;
use crate::http::batch::checked;
use crate::http::{no_content, ApiError, ApiJson, ApiResult, BatchIds};
use anytime_core::conversation::{Action, Update};
use anytime_core::model::{AgentId, ConversationId, DepartmentId, Priority, Status};
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

/// The ids and the fields to set on each (seed 002's list); absent fields stay, `null`
/// clears an assignee.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BatchUpdate {
    /// Conversation ids (at most 1000; repeats count once).
    pub ids: Vec<i64>,
    #[schema(value_type = Option<super::schemas::ConversationStatus>)]
    pub status: Option<Status>,
    #[schema(value_type = Option<super::schemas::ConversationPriority>)]
    pub priority: Option<Priority>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub agent_assignee_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub department_assignee_id: Option<Option<Uuid>>,
    pub is_read: Option<bool>,
}

impl BatchUpdate {
    fn is_empty(&self) -> bool {
        self.status.is_none()
            && self.priority.is_none()
            && self.agent_assignee_id.is_none()
            && self.department_assignee_id.is_none()
            && self.is_read.is_none()
    }

    fn action(&self) -> Action {
        Action::Update(Box::new(Update {
            subject: None,
            contact_id: None,
            agent_assignee_id: self.agent_assignee_id.map(|a| a.map(AgentId)),
            department_assignee_id: self.department_assignee_id.map(|d| d.map(DepartmentId)),
            priority: self.priority,
            status: self.status,
            is_read: self.is_read,
            tag_ids: None,
            custom_fields: Vec::new(),
        }))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchConversations {
    /// The updated conversations, in the order of `ids`.
    #[schema(value_type = Vec<super::schemas::ConversationView>)]
    pub conversations: Vec<Value>,
}

fn ids_of(ids: Vec<i64>) -> ApiResult<Vec<ConversationId>> {
    let BatchIds(ids) = checked(ids)?;
    Ok(ids.into_iter().map(ConversationId).collect())
}

/// Update several conversations at once (all or none; 400 names the first bad `ids[i]`).
#[utoipa::path(put, path = "/api/v3/anytime/conversations", tag = "conversations", request_body = BatchUpdate,
    responses((status = 200, description = "The updated conversations", body = BatchConversations)))]
pub async fn batch_update(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiJson(req): ApiJson<BatchUpdate>,
) -> ApiResult<Json<BatchConversations>> {
    if req.is_empty() {
        return Err(ApiError::invalid(
            "status",
            "give at least one of status, priority, agentAssigneeId, departmentAssigneeId, isRead",
        ));
    }
    let ids = ids_of(req.ids.clone())?;
    let changes = service::apply_each(&app, caller, ids, move |_| req.action()).await?;
    let mut conversations = Vec::with_capacity(changes.len());
    for change in &changes {
        conversations.push(
            includes::conversation(&app, caller.site_id, &change.conversation, &[], None).await,
        );
    }
    Ok(Json(BatchConversations { conversations }))
}

/// Soft-delete several conversations at once (`{"ids":[…]}` or `?ids=…`; all or none).
#[utoipa::path(delete, path = "/api/v3/anytime/conversations", tag = "conversations",
    params(("ids" = Option<Vec<i64>>, Query, description = "Conversation ids (or `{\"ids\":[…]}` in the body)")),
    responses((status = 204, description = "Deleted")))]
pub async fn batch_delete(
    Staff(caller): Staff,
    State(app): State<AppState>,
    BatchIds(ids): BatchIds<i64>,
) -> ApiResult<Response> {
    let ids = ids.into_iter().map(ConversationId).collect();
    service::apply_each(&app, caller, ids, |_| Action::Delete).await?;
    Ok(no_content())
}
