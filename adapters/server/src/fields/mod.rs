//! `/api/v3/anytime/fields…` (SPEC §4.3): the implied system fields, custom fields CRUD and
//! chat/offline-message mappings. Definitions are checked by the core's
//! `validate_field_def`; conversations validate values against [`field_set`].

pub mod system;

use crate::app::AppState;
use crate::auth::{Admin, Staff};
use crate::http::{created, no_content, ApiError, ApiJson, ApiPath, ApiQuery, ApiResult};
use anytime_core::field_validation::{validate_field_def, Known};
use anytime_core::model::{
    FieldDef, FieldId, FieldOption, FieldSet, FieldType, FieldValue, SiteId,
};
use anytime_store::{FieldMapping, StoredField};
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// The site's custom fields, what every conversation command validates against.
pub async fn field_set(app: &AppState, site: SiteId) -> ApiResult<FieldSet> {
    Ok(app.store.fields().field_set(site).await?)
}

/// The site's agents and departments (operator/department values and defaults).
pub async fn known(app: &AppState, site: SiteId) -> ApiResult<Known> {
    let agents = app.store.agents().list(site).await?;
    let departments = app.store.departments().list(site).await?;
    Ok(Known::new(
        agents.into_iter().map(|a| a.id),
        departments.into_iter().map(|d| d.id),
    ))
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OptionView {
    /// Given ids are kept; missing ones get a UUID.
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub order: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FieldView {
    pub id: String,
    /// `text, textarea, email, url, date, integer, float, operator, radio, checkbox,
    /// dropdownList, checkboxList, link, department`.
    #[serde(rename = "type")]
    #[schema(value_type = String)]
    pub field_type: FieldType,
    pub name: String,
    pub is_system_field: bool,
    pub is_required: bool,
    #[schema(value_type = Option<Object>)]
    pub default_value: Option<FieldValue>,
    pub help_text: Option<String>,
    pub length: Option<u32>,
    pub options: Vec<OptionView>,
    pub chat_field_mapping: Option<String>,
    pub offline_message_field_mapping: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_time: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_time: Option<DateTime<Utc>>,
}

type Mappings = BTreeMap<String, FieldMapping>;

fn view(
    def: FieldDef,
    times: Option<(DateTime<Utc>, DateTime<Utc>)>,
    maps: &Mappings,
) -> FieldView {
    let key = if def.is_system_field {
        def.id.0.clone()
    } else {
        def.id.0.to_ascii_lowercase()
    };
    let mapping = maps.get(&key).cloned().unwrap_or_default();
    FieldView {
        id: def.id.0,
        field_type: def.field_type,
        name: def.name,
        is_system_field: def.is_system_field,
        is_required: def.is_required,
        default_value: def.default_value,
        help_text: def.help_text,
        length: def.length,
        options: def
            .options
            .into_iter()
            .map(|o| OptionView {
                id: o.id,
                name: o.name,
                value: o.value,
                order: o.order,
            })
            .collect(),
        chat_field_mapping: mapping.chat_field_mapping,
        offline_message_field_mapping: mapping.offline_message_field_mapping,
        created_time: times.map(|t| t.0),
        updated_time: times.map(|t| t.1),
    }
}

fn stored_view(f: StoredField, maps: &Mappings) -> FieldView {
    view(f.def, Some((f.created_time, f.updated_time)), maps)
}

async fn mappings(app: &AppState, site: SiteId) -> ApiResult<Mappings> {
    Ok(app
        .store
        .fields()
        .mappings(site)
        .await?
        .into_iter()
        .map(|m| (m.field_id.clone(), m))
        .collect())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldList {
    pub fields: Vec<FieldView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldEnvelope {
    pub field: FieldView,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct FieldListQuery {
    /// `true`: only system fields; `false`: only custom fields; absent: both.
    pub is_system_field: Option<bool>,
}

/// A custom field as created or updated.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FieldBody {
    #[serde(rename = "type")]
    #[schema(value_type = String)]
    pub field_type: FieldType,
    pub name: String,
    /// Only `false` is accepted: system fields cannot be created.
    #[serde(default)]
    pub is_system_field: bool,
    #[serde(default)]
    pub is_required: bool,
    /// Must itself be a valid value of the field.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub default_value: Option<FieldValue>,
    #[serde(default)]
    pub help_text: Option<String>,
    #[serde(default)]
    pub length: Option<u32>,
    #[serde(default)]
    pub options: Vec<OptionView>,
    #[serde(default)]
    pub chat_field_mapping: Option<String>,
    #[serde(default)]
    pub offline_message_field_mapping: Option<String>,
}

const MAX_HELP: usize = 1000;
const MAX_MAPPING: usize = 200;

impl FieldBody {
    fn into_def(self, id: String, known: &Known) -> ApiResult<(FieldDef, FieldMapping)> {
        if self.is_system_field {
            return Err(ApiError::invalid(
                "isSystemField",
                "system fields are built in; custom fields have isSystemField false",
            ));
        }
        if self
            .help_text
            .as_ref()
            .is_some_and(|h| h.chars().count() > MAX_HELP)
        {
            return Err(ApiError::invalid(
                "helpText",
                format!("at most {MAX_HELP} characters"),
            ));
        }
        for (key, m) in [
            ("chatFieldMapping", &self.chat_field_mapping),
            (
                "offlineMessageFieldMapping",
                &self.offline_message_field_mapping,
            ),
        ] {
            if m.as_ref().is_some_and(|m| m.chars().count() > MAX_MAPPING) {
                return Err(ApiError::invalid(
                    key,
                    format!("at most {MAX_MAPPING} characters"),
                ));
            }
        }
        let def = FieldDef {
            id: FieldId::new(id.clone()),
            field_type: self.field_type,
            name: self.name.trim().to_string(),
            is_system_field: false,
            is_required: self.is_required,
            default_value: self.default_value,
            help_text: self.help_text,
            length: self.length,
            options: self
                .options
                .into_iter()
                .map(|o| FieldOption {
                    id: Some(o.id.unwrap_or_else(|| Uuid::new_v4().to_string())),
                    name: o.name,
                    value: o.value,
                    order: o.order,
                })
                .collect(),
        };
        validate_field_def(&def, known)?;
        Ok((
            def,
            FieldMapping {
                field_id: id,
                chat_field_mapping: self.chat_field_mapping,
                offline_message_field_mapping: self.offline_message_field_mapping,
            },
        ))
    }
}

/// List system and custom fields (`isSystemField` filters).
#[utoipa::path(get, path = "/api/v3/anytime/fields", tag = "fields", params(FieldListQuery),
    responses((status = 200, description = "The fields", body = FieldList)))]
async fn list(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiQuery(q): ApiQuery<FieldListQuery>,
) -> ApiResult<Json<FieldList>> {
    let maps = mappings(&app, caller.site_id).await?;
    let mut fields = Vec::new();
    if q.is_system_field != Some(false) {
        fields.extend(
            system::definitions()
                .into_iter()
                .map(|d| view(d, None, &maps)),
        );
    }
    if q.is_system_field != Some(true) {
        let custom = app.store.fields().list(caller.site_id).await?;
        fields.extend(custom.into_iter().map(|f| stored_view(f, &maps)));
    }
    Ok(Json(FieldList { fields }))
}

/// Get a field (a system field's id is its name).
#[utoipa::path(get, path = "/api/v3/anytime/fields/{id}", tag = "fields",
    params(("id" = String, Path, description = "Field id: a system field's name or a UUID")),
    responses((status = 200, description = "The field", body = FieldEnvelope)))]
async fn get(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<FieldEnvelope>> {
    let maps = mappings(&app, caller.site_id).await?;
    let field = match system::definition(&id) {
        Some(def) => view(def, None, &maps),
        None => stored_view(app.store.fields().get(caller.site_id, id).await?, &maps),
    };
    Ok(Json(FieldEnvelope { field }))
}

/// Create a custom field (UUID id). Admins only.
#[utoipa::path(post, path = "/api/v3/anytime/fields", tag = "fields", request_body = FieldBody,
    responses((status = 201, description = "Created", body = FieldEnvelope)))]
async fn create(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiJson(req): ApiJson<FieldBody>,
) -> ApiResult<Response> {
    let known = known(&app, caller.site_id).await?;
    let (def, mapping) = req.into_def(Uuid::new_v4().to_string(), &known)?;
    let stored = app.store.fields().create(caller.site_id, def).await?;
    // Compiled rules read the field definitions.
    app.rules.invalidate(caller.site_id);
    app.store
        .fields()
        .set_mappings(caller.site_id, vec![mapping], system::is_system)
        .await?;
    let maps = mappings(&app, caller.site_id).await?;
    Ok(created(FieldEnvelope {
        field: stored_view(stored, &maps),
    }))
}

/// Update a custom field (its type cannot change; system fields are read-only). Admins only.
#[utoipa::path(put, path = "/api/v3/anytime/fields/{id}", tag = "fields", request_body = FieldBody,
    params(("id" = String, Path, description = "Custom field id")),
    responses((status = 200, description = "The field", body = FieldEnvelope)))]
async fn update(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<FieldBody>,
) -> ApiResult<Json<FieldEnvelope>> {
    if system::is_system(&id) {
        return Err(ApiError::Conflict(format!(
            "`{id}` is a system field and cannot be changed (only its mapping, via PUT /fields/mapping)"
        )));
    }
    let old = app.store.fields().get(caller.site_id, id).await?;
    let known = known(&app, caller.site_id).await?;
    let (def, mapping) = req.into_def(old.def.id.0.clone(), &known)?;
    let new_type = def.field_type;
    let stored = app
        .store
        .fields()
        .update(caller.site_id, def, move |old| {
            if old.field_type == new_type {
                Ok(())
            } else {
                Err(anytime_store::StoreError::invalid(
                    "type",
                    "a field's type cannot change; create a new field",
                ))
            }
        })
        .await?;
    app.rules.invalidate(caller.site_id);
    app.store
        .fields()
        .set_mappings(caller.site_id, vec![mapping], system::is_system)
        .await?;
    let maps = mappings(&app, caller.site_id).await?;
    Ok(Json(FieldEnvelope {
        field: stored_view(stored, &maps),
    }))
}

/// Delete a custom field (system fields: 409). Admins only.
#[utoipa::path(delete, path = "/api/v3/anytime/fields/{id}", tag = "fields",
    params(("id" = String, Path, description = "Custom field id")),
    responses((status = 204, description = "Deleted")))]
async fn delete(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Response> {
    if system::is_system(&id) {
        return Err(ApiError::Conflict(format!(
            "`{id}` is a system field and cannot be deleted"
        )));
    }
    app.store.fields().delete(caller.site_id, id).await?;
    app.rules.invalidate(caller.site_id);
    Ok(no_content())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MappingEntry {
    pub field_id: String,
    #[serde(default)]
    pub chat_field_mapping: Option<String>,
    #[serde(default)]
    pub offline_message_field_mapping: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MappingBody {
    pub field_mappings: Vec<MappingEntry>,
}

const MAX_MAPPINGS: usize = 500;

/// Set chat / offline-message mappings of system and custom fields. Admins only.
#[utoipa::path(put, path = "/api/v3/anytime/fields/mapping", tag = "fields", request_body = MappingBody,
    responses((status = 204, description = "Saved")))]
async fn mapping(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiJson(req): ApiJson<MappingBody>,
) -> ApiResult<Response> {
    if req.field_mappings.len() > MAX_MAPPINGS {
        return Err(ApiError::invalid(
            "fieldMappings",
            format!("at most {MAX_MAPPINGS} entries"),
        ));
    }
    let mut list = Vec::with_capacity(req.field_mappings.len());
    for (i, m) in req.field_mappings.into_iter().enumerate() {
        for (key, v) in [
            ("chatFieldMapping", &m.chat_field_mapping),
            (
                "offlineMessageFieldMapping",
                &m.offline_message_field_mapping,
            ),
        ] {
            if v.as_ref().is_some_and(|v| v.chars().count() > MAX_MAPPING) {
                return Err(ApiError::invalid(
                    format!("fieldMappings[{i}].{key}"),
                    format!("at most {MAX_MAPPING} characters"),
                ));
            }
        }
        let field_id = match system::definition(&m.field_id) {
            Some(def) => def.id.0,
            None => m.field_id,
        };
        list.push(FieldMapping {
            field_id,
            chat_field_mapping: m.chat_field_mapping,
            offline_message_field_mapping: m.offline_message_field_mapping,
        });
    }
    app.store
        .fields()
        .set_mappings(caller.site_id, list, system::is_system)
        .await?;
    Ok(no_content())
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(mapping))
        .routes(routes!(get, update, delete))
}
