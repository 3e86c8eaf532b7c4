//! `/api/v3/anytime/filters…` (SPEC §4.2, agent console views) and the unread counts per
//! filter (`GET /conversations/unreadCount`). Private filters are seen only by their creator.

pub mod evaluate;

use crate::app::AppState;
use crate::auth::{Caller, Staff};
use crate::http::{created, no_content, ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, Checks};
use anytime_core::condition::Conditions;
use anytime_store::{Filter, FilterInput};
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, Utc};
use evaluate::ConditionSet;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

const MAX_NAME: usize = 100;
const MAX_CONDITIONS: usize = 100;

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FilterView {
    pub id: Uuid,
    pub name: String,
    pub is_private: bool,
    pub created_by_id: Uuid,
    /// Only on get/create/update (the list leaves it out).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub conditions: Option<Conditions>,
    pub created_time: DateTime<Utc>,
    pub updated_time: DateTime<Utc>,
}

fn view(f: Filter, with_conditions: bool) -> FilterView {
    FilterView {
        id: f.id,
        name: f.name,
        is_private: f.is_private,
        created_by_id: f.created_by_id.0,
        conditions: with_conditions.then_some(f.conditions),
        created_time: f.created_time,
        updated_time: f.updated_time,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FilterList {
    pub filters: Vec<FilterView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FilterEnvelope {
    pub filter: FilterView,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FilterBody {
    pub name: String,
    #[serde(default)]
    pub is_private: bool,
    /// `{when: all|any|logicalExpression, logicalExpression, list:[{fieldId, matchType,
    /// value}]}` or a bare array (`when: all`), checked against the site's fields.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub conditions: Conditions,
}

impl FilterBody {
    async fn checked(self, app: &AppState, caller: &Caller) -> ApiResult<FilterInput> {
        let mut c = Checks::new();
        let name = c.name("name", &self.name, MAX_NAME);
        if self.conditions.list.len() > MAX_CONDITIONS {
            c.add("conditions", format!("at most {MAX_CONDITIONS} conditions"));
        }
        c.finish()?;
        let fields = crate::fields::field_set(app, caller.site_id).await?;
        evaluate::compile(&self.conditions, &fields, "conditions")?;
        Ok(FilterInput {
            name,
            is_private: self.is_private,
            conditions: self.conditions,
        })
    }
}

/// List the public filters and the caller's private ones (without conditions).
#[utoipa::path(get, path = "/api/v3/anytime/filters", tag = "filters",
    responses((status = 200, description = "The filters", body = FilterList)))]
async fn list(Staff(caller): Staff, State(app): State<AppState>) -> ApiResult<Json<FilterList>> {
    let list = app
        .store
        .filters()
        .list(caller.site_id, caller.agent_id)
        .await?;
    Ok(Json(FilterList {
        filters: list.into_iter().map(|f| view(f, false)).collect(),
    }))
}

/// Create a filter (conditions validated like rules').
#[utoipa::path(post, path = "/api/v3/anytime/filters", tag = "filters", request_body = FilterBody,
    responses((status = 201, description = "Created", body = FilterEnvelope)))]
async fn create(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiJson(req): ApiJson<FilterBody>,
) -> ApiResult<Response> {
    let input = req.checked(&app, &caller).await?;
    let f = app
        .store
        .filters()
        .create(caller.site_id, caller.agent_id, Uuid::new_v4(), input)
        .await?;
    Ok(created(FilterEnvelope {
        filter: view(f, true),
    }))
}

/// Get a filter with its conditions.
#[utoipa::path(get, path = "/api/v3/anytime/filters/{id}", tag = "filters",
    params(("id" = Uuid, Path, description = "Filter id")),
    responses((status = 200, description = "The filter", body = FilterEnvelope)))]
async fn get(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<FilterEnvelope>> {
    let f = app
        .store
        .filters()
        .get(caller.site_id, caller.agent_id, id)
        .await?;
    Ok(Json(FilterEnvelope {
        filter: view(f, true),
    }))
}

/// Replace a filter's name, privacy and conditions.
#[utoipa::path(put, path = "/api/v3/anytime/filters/{id}", tag = "filters", request_body = FilterBody,
    params(("id" = Uuid, Path, description = "Filter id")),
    responses((status = 200, description = "The filter", body = FilterEnvelope)))]
async fn update(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<FilterBody>,
) -> ApiResult<Json<FilterEnvelope>> {
    let input = req.checked(&app, &caller).await?;
    let f = app
        .store
        .filters()
        .update(caller.site_id, caller.agent_id, id, input)
        .await?;
    Ok(Json(FilterEnvelope {
        filter: view(f, true),
    }))
}

/// Delete a filter.
#[utoipa::path(delete, path = "/api/v3/anytime/filters/{id}", tag = "filters",
    params(("id" = Uuid, Path, description = "Filter id")),
    responses((status = 204, description = "Deleted")))]
async fn delete(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    app.store
        .filters()
        .delete(caller.site_id, caller.agent_id, id)
        .await?;
    Ok(no_content())
}

/// A saved filter's conditions, compiled against today's fields (a field deleted since the
/// filter was saved makes the filter a 400 naming `filterId`).
pub async fn saved_conditions(
    app: &AppState,
    caller: &Caller,
    id: Uuid,
    key: &str,
) -> ApiResult<ConditionSet> {
    let f = app
        .store
        .filters()
        .get(caller.site_id, caller.agent_id, id)
        .await
        .map_err(|e| match e {
            anytime_store::StoreError::NotFound { .. } => ApiError::invalid(key, "no such filter"),
            other => other.into(),
        })?;
    let fields = crate::fields::field_set(app, caller.site_id).await?;
    let compiled = evaluate::compile(&f.conditions, &fields, key)?;
    Ok((f.conditions, compiled))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct UnreadQuery {
    /// Repeat for several: `filterIds=a&filterIds=b`.
    #[serde(default)]
    pub filter_ids: Vec<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FilterUnread {
    pub filter_id: Uuid,
    /// Unread conversations the filter selects.
    pub unread_count: u64,
    /// Of those the filter selects: conversations where the caller has an unread mention.
    pub unread_mentioned_count: u64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UnreadCounts {
    /// Unread live conversations of the site.
    pub all_count: u64,
    pub filters: Vec<FilterUnread>,
}

/// Unread counts: all conversations and per filter.
#[utoipa::path(get, path = "/api/v3/anytime/conversations/unreadCount", tag = "conversations",
    params(UnreadQuery),
    responses((status = 200, description = "The counts", body = UnreadCounts)))]
async fn unread_count(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiQuery(q): ApiQuery<UnreadQuery>,
) -> ApiResult<Json<UnreadCounts>> {
    if q.filter_ids.len() > MAX_CONDITIONS {
        return Err(ApiError::invalid(
            "filterIds",
            format!("at most {MAX_CONDITIONS} filters"),
        ));
    }
    let mut sets = Vec::with_capacity(q.filter_ids.len());
    for (i, id) in q.filter_ids.iter().enumerate() {
        let (_, compiled) =
            saved_conditions(&app, &caller, *id, &format!("filterIds[{i}]")).await?;
        sets.push(compiled);
    }
    let (all_count, counts) = app
        .store
        .conversations()
        .unread_counts(caller.site_id, caller.agent_id, sets)
        .await?;
    let filters = q
        .filter_ids
        .iter()
        .zip(counts)
        .map(
            |(id, (unread_count, unread_mentioned_count))| FilterUnread {
                filter_id: *id,
                unread_count,
                unread_mentioned_count,
            },
        )
        .collect();
    Ok(Json(UnreadCounts { all_count, filters }))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update, delete))
        .routes(routes!(unread_count))
}
