//! `/api/v3/contacts`: the people conversations are with.

use crate::app::AppState;
use crate::auth::Staff;
use crate::http::{
    created, no_content, ApiJson, ApiPath, ApiQuery, ApiResult, Checks, Page, PageLinks,
};
use anytime_core::model::ContactId;
use anytime_store::{Contact, ContactChanges, ContactQuery, NewContact};
use axum::extract::{OriginalUri, State};
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContactView {
    pub id: Uuid,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// App id → the contact's id in that app.
    pub external_ids: BTreeMap<String, String>,
    pub created_time: DateTime<Utc>,
    pub updated_time: DateTime<Utc>,
}

impl From<Contact> for ContactView {
    fn from(c: Contact) -> Self {
        Self {
            id: c.id.0,
            name: c.name,
            email: c.email,
            phone: c.phone,
            external_ids: c.external_ids,
            created_time: c.created_time,
            updated_time: c.updated_time,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactEnvelope {
    pub contact: ContactView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactList {
    pub contacts: Vec<ContactView>,
    #[serde(flatten)]
    pub page: PageLinks,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct ContactListQuery {
    /// Substring of name, email or phone.
    pub keywords: Option<String>,
    /// Exact email (case-insensitive).
    pub email: Option<String>,
    /// From 1; 50 per page.
    pub page_index: Option<u64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateContact {
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub external_ids: BTreeMap<String, String>,
}

/// Absent fields stay; `null` or `""` clears email/phone.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateContact {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub phone: Option<Option<String>>,
    pub external_ids: Option<BTreeMap<String, String>>,
}

fn double_option<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<String>>, D::Error> {
    Ok(Some(Option::<String>::deserialize(d)?))
}

fn check_external_ids(c: &mut Checks, ids: &BTreeMap<String, String>) {
    if ids.len() > 50 {
        c.add("externalIds", "at most 50 entries");
    }
    for (k, v) in ids {
        if k.trim().is_empty() || k.len() > 128 || v.is_empty() || v.len() > 256 {
            c.add(
                format!("externalIds.{k}"),
                "app id 1..128 and id 1..256 characters",
            );
        }
    }
}

fn check_phone(c: &mut Checks, phone: &str) -> String {
    c.text("phone", phone.trim(), 64)
}

/// List contacts (by name), 50 a page.
#[utoipa::path(get, path = "/api/v3/contacts", tag = "contacts", params(ContactListQuery),
    responses((status = 200, description = "A page of contacts", body = ContactList)))]
async fn list(
    Staff(caller): Staff,
    State(app): State<AppState>,
    OriginalUri(uri): OriginalUri,
    ApiQuery(q): ApiQuery<ContactListQuery>,
) -> ApiResult<Json<ContactList>> {
    let page = Page::from_index(q.page_index)?;
    let (contacts, total) = app
        .store
        .contacts()
        .list(
            caller.site_id,
            ContactQuery {
                keywords: q.keywords.filter(|k| !k.trim().is_empty()),
                email: q.email.filter(|e| !e.trim().is_empty()),
                external_id: None,
                offset: page.offset(),
                limit: page.size,
            },
        )
        .await?;
    Ok(Json(ContactList {
        contacts: contacts.into_iter().map(Into::into).collect(),
        page: page.links(&uri, total),
    }))
}

/// Create a contact.
#[utoipa::path(post, path = "/api/v3/contacts", tag = "contacts", request_body = CreateContact,
    responses((status = 201, description = "Created", body = ContactEnvelope)))]
async fn create(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiJson(req): ApiJson<CreateContact>,
) -> ApiResult<Response> {
    let mut c = Checks::new();
    let name = c.name("name", &req.name, 128);
    let email = c.optional(req.email.as_deref(), |c, e| c.email("email", e));
    let phone = c.optional(req.phone.as_deref(), check_phone);
    check_external_ids(&mut c, &req.external_ids);
    c.finish()?;
    let contact = app
        .store
        .contacts()
        .create(
            caller.site_id,
            NewContact {
                id: ContactId(Uuid::new_v4()),
                name,
                email,
                phone,
                external_ids: req.external_ids,
            },
        )
        .await?;
    Ok(created(ContactEnvelope {
        contact: contact.into(),
    }))
}

/// Get a contact.
#[utoipa::path(get, path = "/api/v3/contacts/{id}", tag = "contacts",
    params(("id" = Uuid, Path, description = "Contact id")),
    responses((status = 200, description = "The contact", body = ContactEnvelope)))]
async fn get(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ContactEnvelope>> {
    let contact = app
        .store
        .contacts()
        .get(caller.site_id, ContactId(id))
        .await?;
    Ok(Json(ContactEnvelope {
        contact: contact.into(),
    }))
}

/// Update a contact.
#[utoipa::path(put, path = "/api/v3/contacts/{id}", tag = "contacts", request_body = UpdateContact,
    params(("id" = Uuid, Path, description = "Contact id")),
    responses((status = 200, description = "The contact", body = ContactEnvelope)))]
async fn update(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<UpdateContact>,
) -> ApiResult<Json<ContactEnvelope>> {
    let mut c = Checks::new();
    let name = req.name.as_deref().map(|n| c.name("name", n, 128));
    let email = req
        .email
        .map(|e| c.optional(e.as_deref(), |c, e| c.email("email", e)));
    let phone = req.phone.map(|p| c.optional(p.as_deref(), check_phone));
    if let Some(ids) = &req.external_ids {
        check_external_ids(&mut c, ids);
    }
    c.finish()?;
    let contact = app
        .store
        .contacts()
        .update(
            caller.site_id,
            ContactId(id),
            ContactChanges {
                name,
                email,
                phone,
                external_ids: req.external_ids,
            },
        )
        .await?;
    Ok(Json(ContactEnvelope {
        contact: contact.into(),
    }))
}

/// Delete a contact.
#[utoipa::path(delete, path = "/api/v3/contacts/{id}", tag = "contacts",
    params(("id" = Uuid, Path, description = "Contact id")),
    responses((status = 204, description = "Deleted")))]
async fn delete(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    app.store
        .contacts()
        .delete(caller.site_id, ContactId(id))
        .await?;
    Ok(no_content())
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update, delete))
}
