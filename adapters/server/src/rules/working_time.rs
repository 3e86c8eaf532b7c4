//! Working time and holidays (SPEC §4.8), validated by the core (`WorkingTime::validate`,
//! `Holiday::date`, and the business calendar they make together).

use super::body::{self, Shape};
use super::docs;
use super::lists::{self, edit, item, merged, to_store};
use super::site::{calendar, default_working_time};
use crate::app::AppState;
use crate::auth::{Admin, Staff};
use crate::http::{created, no_content, ApiError, ApiJson, ApiPath, ApiQuery, ApiResult};
use anytime_core::working_time::{Holiday, WorkingTime};
use anytime_store::StoreError;
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(crate) const WORKING: Shape = Shape {
    wrappers: &["workingTime", "workingTimeSetting"],
    aliases: &[("thusdayBusinessTime", "thursdayBusinessTime")],
    allowed: &[
        "timeZone",
        "sundayBusinessTime",
        "mondayBusinessTime",
        "tuesdayBusinessTime",
        "wednesdayBusinessTime",
        "thursdayBusinessTime",
        "fridayBusinessTime",
        "saturdayBusinessTime",
    ],
};

const HOLIDAY: Shape = Shape {
    wrappers: &["holiday"],
    aliases: &[("name", "title")],
    allowed: &["id", "title", "date"],
};

async fn current(app: &AppState, site: anytime_core::model::SiteId) -> ApiResult<WorkingTime> {
    match app.store.documents().get(site, docs::WORKING_TIME).await? {
        Some(v) => serde_json::from_value(v)
            .map_err(|e| ApiError::Internal(format!("stored working time: {e}"))),
        None => Ok(default_working_time()),
    }
}

/// The site's working time (around the clock in UTC until one is saved).
#[utoipa::path(get, path = "/api/v3/anytime/workingTime", tag = "workingTime",
    responses((status = 200, description = "`{\"workingTime\":{…}}`")))]
async fn get_working_time(
    Staff(caller): Staff,
    State(app): State<AppState>,
) -> ApiResult<Json<Value>> {
    Ok(Json(
        json!({ "workingTime": current(&app, caller.site_id).await? }),
    ))
}

/// Replace the working time (a day not sent is closed). Admins only.
#[utoipa::path(put, path = "/api/v3/anytime/workingTime", tag = "workingTime",
    request_body = Object,
    responses((status = 200, description = "`{\"workingTime\":{…}}`")))]
async fn put_working_time(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Json<Value>> {
    let wt: WorkingTime = body::decode(body::normalize(req, &WORKING, "")?)?;
    wt.validate()?;
    let value = serde_json::to_value(&wt).map_err(|e| ApiError::Internal(e.to_string()))?;
    let holidays = holidays(&app, caller.site_id).await?;
    let check = wt.clone();
    app.store
        .documents()
        .update(caller.site_id, docs::WORKING_TIME, move |_| {
            calendar(Some(&check), &holidays)?;
            Ok((value, ()))
        })
        .await?;
    app.rules.invalidate(caller.site_id);
    Ok(Json(json!({ "workingTime": wt })))
}

async fn holidays(app: &AppState, site: anytime_core::model::SiteId) -> ApiResult<Vec<Holiday>> {
    lists::read(app, site, docs::HOLIDAYS)
        .await?
        .into_iter()
        .map(|v| {
            serde_json::from_value(v)
                .map_err(|e| ApiError::Internal(format!("stored holiday: {e}")))
        })
        .collect()
}

fn sorted(mut list: Vec<Value>) -> Vec<Value> {
    list.sort_by(|a, b| {
        let key = |v: &Value| {
            (
                v.get("date")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                v.get("id")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            )
        };
        key(a).cmp(&key(b))
    });
    list
}

/// Checks a holiday and stores its date as `YYYY-MM-DD`.
fn checked(map: Map<String, Value>) -> Result<Value, StoreError> {
    let holiday: Holiday = body::decode(map).map_err(to_store)?;
    let date = holiday.date("date")?;
    let (id, title) = match holiday {
        Holiday::Full { id, title, .. } => (id, title),
        Holiday::Date(_) => (None, None),
    };
    Ok(json!({ "id": id, "title": title.unwrap_or_default(), "date": date.to_string() }))
}

/// The holidays, by date.
#[utoipa::path(get, path = "/api/v3/anytime/holidays", tag = "workingTime",
    responses((status = 200, description = "`{\"holidays\":[…]}`")))]
async fn list_holidays(
    Staff(caller): Staff,
    State(app): State<AppState>,
) -> ApiResult<Json<Value>> {
    let list = lists::read(&app, caller.site_id, docs::HOLIDAYS).await?;
    Ok(Json(json!({ "holidays": sorted(list) })))
}

/// Add a holiday (`date` is a local calendar date). Admins only.
#[utoipa::path(post, path = "/api/v3/anytime/holidays", tag = "workingTime", request_body = Object,
    responses((status = 201, description = "`{\"holiday\":{…}}`")))]
async fn create_holiday(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Response> {
    let mut map = body::normalize(req, &HOLIDAY, "")?;
    let id = Uuid::new_v4();
    map.insert("id".into(), json!(id));
    let (list, ()) = edit(&app, caller.site_id, docs::HOLIDAYS, move |list| {
        list.push(checked(map)?);
        Ok(())
    })
    .await?;
    Ok(created(
        json!({ "holiday": item(&list, &id.to_string(), "holiday")? }),
    ))
}

/// A holiday.
#[utoipa::path(get, path = "/api/v3/anytime/holidays/{id}", tag = "workingTime",
    params(("id" = Uuid, Path, description = "Holiday id")),
    responses((status = 200, description = "`{\"holiday\":{…}}`")))]
async fn get_holiday(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Value>> {
    let list = lists::read(&app, caller.site_id, docs::HOLIDAYS).await?;
    Ok(Json(
        json!({ "holiday": item(&list, &id.to_string(), "holiday")? }),
    ))
}

/// Update a holiday. Admins only.
#[utoipa::path(put, path = "/api/v3/anytime/holidays/{id}", tag = "workingTime",
    request_body = Object, params(("id" = Uuid, Path, description = "Holiday id")),
    responses((status = 200, description = "`{\"holiday\":{…}}`")))]
async fn update_holiday(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<Value>,
) -> ApiResult<Json<Value>> {
    let mut map = body::normalize(req, &HOLIDAY, "")?;
    map.remove("id");
    let key = id.to_string();
    let (list, ()) = edit(&app, caller.site_id, docs::HOLIDAYS, move |list| {
        let i = body::position(list, &key, "holiday").map_err(to_store)?;
        list[i] = checked(merged(&list[i], map))?;
        Ok(())
    })
    .await?;
    Ok(Json(
        json!({ "holiday": item(&list, &id.to_string(), "holiday")? }),
    ))
}

async fn remove_holiday(
    app: &AppState,
    site: anytime_core::model::SiteId,
    id: Uuid,
) -> ApiResult<Response> {
    edit(app, site, docs::HOLIDAYS, move |list| {
        let i = body::position(list, &id.to_string(), "holiday").map_err(to_store)?;
        list.remove(i);
        Ok(())
    })
    .await?;
    Ok(no_content())
}

/// Delete a holiday. Admins only.
#[utoipa::path(delete, path = "/api/v3/anytime/holidays/{id}", tag = "workingTime",
    params(("id" = Uuid, Path, description = "Holiday id")),
    responses((status = 204, description = "Deleted")))]
async fn delete_holiday(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    remove_holiday(&app, caller.site_id, id).await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct HolidayQuery {
    /// The holiday to delete (seed 001 spelling).
    id: Uuid,
}

/// Delete a holiday named by `?id=` (seed 001). Admins only.
#[utoipa::path(delete, path = "/api/v3/anytime/holidays", tag = "workingTime",
    params(HolidayQuery), responses((status = 204, description = "Deleted")))]
async fn delete_holiday_by_query(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiQuery(q): ApiQuery<HolidayQuery>,
) -> ApiResult<Response> {
    remove_holiday(&app, caller.site_id, q.id).await
}

/// Working time and holidays together.
#[utoipa::path(get, path = "/api/v3/anytime/workingTimeAndHolidays", tag = "workingTime",
    responses((status = 200, description = "`{\"workingTime\":{…},\"holidays\":[…]}`")))]
async fn both(Staff(caller): Staff, State(app): State<AppState>) -> ApiResult<Json<Value>> {
    let wt = current(&app, caller.site_id).await?;
    let list = lists::read(&app, caller.site_id, docs::HOLIDAYS).await?;
    Ok(Json(json!({ "workingTime": wt, "holidays": sorted(list) })))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_working_time, put_working_time))
        .routes(routes!(
            list_holidays,
            create_holiday,
            delete_holiday_by_query
        ))
        .routes(routes!(get_holiday, update_holiday, delete_holiday))
        .routes(routes!(both))
}
