//! Department memberships of a whole site, read once for a list of agents or departments
//! (one query instead of one per row).

use crate::error::StoreResult;
use crate::sql::uuid_at;
use anytime_core::model::SiteId;
use rusqlite::Connection;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Which side of a membership the map is keyed by.
#[derive(Debug, Clone, Copy)]
pub(crate) enum By {
    /// agent id → its departments
    Agent,
    /// department id → its agents
    Department,
}

/// Every membership of `site`, keyed by `by`'s id (as stored), the other side's ids sorted.
pub(crate) fn of_site(
    conn: &Connection,
    site: SiteId,
    by: By,
) -> StoreResult<BTreeMap<String, Vec<Uuid>>> {
    let (key, other) = match by {
        By::Agent => ("agent_id", "department_id"),
        By::Department => ("department_id", "agent_id"),
    };
    let mut map: BTreeMap<String, Vec<Uuid>> = BTreeMap::new();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {key}, {other} FROM department_members WHERE site_id = ?1 ORDER BY {key}, {other}"
    ))?;
    let mut rows = stmt.query([site.to_string()])?;
    while let Some(row) = rows.next()? {
        map.entry(row.get(0)?).or_default().push(uuid_at(row, 1)?);
    }
    Ok(map)
}
