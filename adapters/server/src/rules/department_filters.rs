//! Seed 000's `departmentFilters` on `PUT /autoAllocation` (SPEC Appendix A): each
//! `{departmentId, agentIds}` sets that department's members, as the departments API does.
//! All entries are checked before anything is written (400 naming `departmentFilters[i]…`).

use crate::app::AppState;
use crate::http::{ApiError, ApiResult};
use anytime_core::model::{AgentId, DepartmentId, SiteId};
use anytime_store::DepartmentChanges;
use serde_json::Value;
use std::collections::BTreeSet;
use uuid::Uuid;

/// Checked `departmentFilters`: which department gets which members.
pub struct DepartmentFilters(Vec<(DepartmentId, Vec<AgentId>)>);

fn uuid(v: &Value, field: &str) -> ApiResult<Uuid> {
    v.as_str()
        .and_then(|s| Uuid::parse_str(s).ok())
        .ok_or_else(|| ApiError::invalid(field, "must be an id"))
}

/// Checks the value against the site's departments and agents.
pub async fn check(app: &AppState, site: SiteId, value: Value) -> ApiResult<DepartmentFilters> {
    let Value::Array(items) = value else {
        return Err(ApiError::invalid("departmentFilters", "must be a list"));
    };
    let departments: BTreeSet<DepartmentId> = app
        .store
        .departments()
        .list(site)
        .await?
        .into_iter()
        .map(|d| d.id)
        .collect();
    let agents: BTreeSet<AgentId> = app
        .store
        .agents()
        .list(site)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("departmentFilters[{i}]");
        let Value::Object(map) = item else {
            return Err(ApiError::invalid(at, "must be an object"));
        };
        if let Some(k) = map
            .keys()
            .find(|k| *k != "departmentId" && *k != "agentIds")
        {
            return Err(ApiError::invalid(format!("{at}.{k}"), "unknown field"));
        }
        let field = format!("{at}.departmentId");
        let d = DepartmentId(uuid(
            map.get("departmentId").unwrap_or(&Value::Null),
            &field,
        )?);
        if !departments.contains(&d) {
            return Err(ApiError::invalid(field, "no such department"));
        }
        if !seen.insert(d) {
            return Err(ApiError::invalid(field, "listed twice"));
        }
        let Some(Value::Array(ids)) = map.get("agentIds") else {
            return Err(ApiError::invalid(
                format!("{at}.agentIds"),
                "must be a list",
            ));
        };
        let mut members = Vec::new();
        for (j, id) in ids.iter().enumerate() {
            let field = format!("{at}.agentIds[{j}]");
            let a = AgentId(uuid(id, &field)?);
            if !agents.contains(&a) {
                return Err(ApiError::invalid(field, "no such agent"));
            }
            if !members.contains(&a) {
                members.push(a);
            }
        }
        out.push((d, members));
    }
    Ok(DepartmentFilters(out))
}

/// Writes the members (after the settings they came with were saved).
pub async fn apply(app: &AppState, site: SiteId, filters: DepartmentFilters) -> ApiResult<()> {
    for (department, members) in filters.0 {
        app.store
            .departments()
            .update(
                site,
                department,
                DepartmentChanges {
                    name: None,
                    description: None,
                    members: Some(members),
                },
            )
            .await?;
    }
    Ok(())
}
