//! `/api/v3/anytime/reports/…` (SPEC §4.13): loads the filtered conversations' stored events
//! (`store.conversations().report_rows`) and the recorded SLA breaches, and hands them to the
//! core's pure report functions (`anytime_core::reports`). Parameters: `timeFrom`, `timeTo`
//! (default: the 30 days up to now), `timeZone` (IANA, default UTC), `departmentId`,
//! `agentId`, `channel`, `granularity` (volume: hour|day|week|month, default day).

use crate::app::AppState;
use crate::auth::Staff;
use crate::http::{ApiError, ApiQuery, ApiResult};
use crate::rules::site;
use anytime_core::model::{AgentId, AgentStatus, Channel, DepartmentId, RuleId, SenderType};
use anytime_core::reports::{self, Granularity, ReportConversation, ReportEvent, TargetFlags, Tz};
use anytime_core::sla::{CalendarTime, OpenTime};
use anytime_store::{ReportFilter, ReportRow, Role};
use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct ReportQuery {
    /// Start of the window (ISO-8601); default 30 days before `timeTo`.
    time_from: Option<DateTime<Utc>>,
    /// End of the window, exclusive; default now.
    time_to: Option<DateTime<Utc>>,
    /// IANA zone the buckets follow; default UTC.
    time_zone: Option<String>,
    department_id: Option<Uuid>,
    agent_id: Option<Uuid>,
    channel: Option<String>,
    /// hour, day (default), week or month.
    granularity: Option<String>,
}

/// The checked parameters.
struct Params {
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    tz: Tz,
    granularity: Granularity,
    filter: ReportFilter,
}

fn params(q: ReportQuery, now: DateTime<Utc>) -> ApiResult<Params> {
    let to = q.time_to.unwrap_or(now);
    let from = q.time_from.unwrap_or(to - Duration::days(30));
    if from >= to {
        return Err(ApiError::invalid("timeFrom", "must be before timeTo"));
    }
    let tz: Tz = match q.time_zone.as_deref() {
        None => Tz::UTC,
        Some(name) => name
            .parse()
            .map_err(|_| ApiError::invalid("timeZone", "must be an IANA time zone name"))?,
    };
    let granularity = match q.granularity.as_deref() {
        None => Granularity::Day,
        Some(g) => Granularity::parse(g)
            .ok_or_else(|| ApiError::invalid("granularity", "hour, day, week or month"))?,
    };
    let channel = match q.channel.as_deref() {
        None => None,
        Some(c) => Some(Channel::parse(c).ok_or_else(|| {
            let names: Vec<&str> = Channel::ALL.iter().map(|c| c.as_str()).collect();
            ApiError::invalid("channel", format!("one of {}", names.join(", ")))
        })?),
    };
    Ok(Params {
        from,
        to,
        tz,
        granularity,
        filter: ReportFilter {
            department: q.department_id.map(DepartmentId),
            agent: q.agent_id.map(AgentId),
            channel,
            ..ReportFilter::default()
        },
    })
}

/// The report view of a stored conversation: events from its status changes and messages.
fn conversation(row: ReportRow, targets: &BTreeMap<RuleId, TargetFlags>) -> ReportConversation {
    let c = row.conversation;
    let mut events: Vec<ReportEvent> = row
        .statuses
        .into_iter()
        .map(|(time, status)| ReportEvent::Status { time, status })
        .collect();
    events.extend(row.messages.into_iter().map(|m| {
        ReportEvent::Message {
            time: m.time,
            sender: m.sender_type,
            public: m.message_type.is_public(),
            agent: (m.sender_type == SenderType::Agent)
                .then_some(m.sender_id.map(AgentId))
                .flatten(),
        }
    }));
    // A message and the status change it caused share an instant: the message first.
    events.sort_by_key(|e| (e.time(), matches!(e, ReportEvent::Status { .. })));
    let next_breach_at = [
        c.first_respond_breach_at,
        c.next_respond_breach_at,
        c.resolve_breach_at,
    ]
    .into_iter()
    .flatten()
    .min();
    ReportConversation {
        id: c.id,
        channel: c.channel,
        created: c.created_time.unwrap_or_default(),
        status: c.status,
        priority: c.priority,
        agent: c.agent_assignee_id,
        next_breach_at,
        targets: c
            .sla_policy_id
            .and_then(|p| targets.get(&p).copied())
            .unwrap_or_default(),
        events,
    }
}

async fn load(
    app: &AppState,
    site_id: anytime_core::model::SiteId,
    filter: ReportFilter,
) -> ApiResult<Vec<ReportConversation>> {
    let stored = site::stored(app, site_id).await?;
    let targets: BTreeMap<RuleId, TargetFlags> = stored
        .sla
        .iter()
        .map(|p| {
            (
                p.id,
                TargetFlags {
                    first_response: p.first_respond_within.is_some(),
                    next_response: p.next_respond_within.is_some(),
                    resolution: p.resolve_respond_within.is_some(),
                },
            )
        })
        .collect();
    let rows = app
        .store
        .conversations()
        .report_rows(site_id, filter)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| conversation(r, &targets))
        .collect())
}

/// Open conversations now: by status and priority, unassigned, agents online, overdue.
#[utoipa::path(get, path = "/api/v3/anytime/reports/rightNow", tag = "reports",
    params(ReportQuery),
    responses((status = 200, description = "`{byStatus, byPriority, unassigned, agentsOnline, overdue}`")))]
async fn right_now(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Json<Value>> {
    let now = anytime_store::now();
    let mut p = params(q, now)?;
    p.filter.open_only = true;
    let (department, agent) = (p.filter.department, p.filter.agent);
    let conversations = load(&app, caller.site_id, p.filter).await?;
    let online = app
        .store
        .agents()
        .list(caller.site_id)
        .await?
        .into_iter()
        .filter(|a| a.role != Role::Portal && a.is_active && a.status == AgentStatus::Online)
        .filter(|a| department.is_none_or(|d| a.department_ids.contains(&d)))
        .filter(|a| agent.is_none_or(|id| a.id == id))
        .count() as u64;
    Ok(Json(json!(reports::right_now(&conversations, online, now))))
}

/// Created, closed, reopened, incoming and outgoing per time bucket.
#[utoipa::path(get, path = "/api/v3/anytime/reports/volume", tag = "reports",
    params(ReportQuery),
    responses((status = 200, description = "`{buckets:[{start, created, closed, reopened, incoming, outgoing}]}`")))]
async fn volume(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Json<Value>> {
    let mut p = params(q, anytime_store::now())?;
    // Fail on too many buckets before loading anything.
    reports::bucket_starts(p.from, p.to, p.tz, p.granularity)?;
    p.filter.active_in = Some((p.from, p.to));
    let conversations = load(&app, caller.site_id, p.filter).await?;
    let buckets = reports::volume(&conversations, p.from, p.to, p.tz, p.granularity)?;
    Ok(Json(json!({ "buckets": buckets })))
}

/// The same counts per channel.
#[utoipa::path(get, path = "/api/v3/anytime/reports/channel", tag = "reports",
    params(ReportQuery),
    responses((status = 200, description = "`{channels:[{channel, created, closed, reopened, incoming, outgoing}]}`")))]
async fn channel(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Json<Value>> {
    let mut p = params(q, anytime_store::now())?;
    p.filter.active_in = Some((p.from, p.to));
    let conversations = load(&app, caller.site_id, p.filter).await?;
    Ok(Json(
        json!({ "channels": reports::by_channel(&conversations, p.from, p.to) }),
    ))
}

/// Response and resolution times (calendar and business), SLA achievement, replies by agent.
#[utoipa::path(get, path = "/api/v3/anytime/reports/efficiency", tag = "reports",
    params(ReportQuery),
    responses((status = 200, description = "`{firstResponseTime, resolutionTime, slaAchievement, repliesByAgent}`")))]
async fn efficiency(
    Staff(caller): Staff,
    State(app): State<AppState>,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Json<Value>> {
    let mut p = params(q, anytime_store::now())?;
    p.filter.active_in = Some((p.from, p.to));
    let conversations = load(&app, caller.site_id, p.filter).await?;
    let breaches: Vec<_> = app
        .store
        .conversations()
        .breaches(caller.site_id, None, None)
        .await?
        .into_iter()
        .map(|b| (b.conversation, b.breach.target))
        .collect();
    let stored = site::stored(&app, caller.site_id).await?;
    let business = site::calendar(stored.working_time.as_ref(), &stored.holidays)
        .map_err(|e| ApiError::Internal(format!("stored working time: {e}")))?;
    let open_time: &dyn OpenTime = match &business {
        Some(b) => b.as_ref(),
        None => &CalendarTime,
    };
    Ok(Json(json!(reports::efficiency(
        &conversations,
        &breaches,
        p.from,
        p.to,
        open_time
    ))))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(right_now))
        .routes(routes!(volume))
        .routes(routes!(channel))
        .routes(routes!(efficiency))
}
