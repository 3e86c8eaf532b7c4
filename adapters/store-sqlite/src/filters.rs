//! Agent console filters (SPEC §4.2). Conditions are the core's `Conditions` as JSON; a
//! private filter is visible only to its creator, which every method enforces (another
//! agent's private filter is "not found", like another site's).

use crate::error::{StoreError, StoreResult};
use crate::sql::{ok_or_not_found, time_at, uuid_at};
use crate::{time, Store};
use anytime_core::condition::Conditions;
use anytime_core::model::{AgentId, SiteId};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row};
use uuid::Uuid;

/// Filters: `store.filters()`.
pub struct Filters<'a> {
    pub(crate) store: &'a Store,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub id: Uuid,
    pub name: String,
    pub is_private: bool,
    pub created_by_id: AgentId,
    pub conditions: Conditions,
    pub created_time: DateTime<Utc>,
    pub updated_time: DateTime<Utc>,
}

/// What a create or update stores.
#[derive(Debug, Clone, PartialEq)]
pub struct FilterInput {
    pub name: String,
    pub is_private: bool,
    pub conditions: Conditions,
}

const COLUMNS: &str = "id, name, is_private, created_by_id, conditions, created_time, updated_time";
/// Public filters, and private ones of the viewer.
const VISIBLE: &str = "site_id = ?1 AND (is_private = 0 OR created_by_id = ?2)";

type Raw = (
    Uuid,
    String,
    bool,
    Uuid,
    String,
    DateTime<Utc>,
    DateTime<Utc>,
);

fn from_row(row: &Row<'_>) -> rusqlite::Result<Raw> {
    Ok((
        uuid_at(row, 0)?,
        row.get(1)?,
        row.get(2)?,
        uuid_at(row, 3)?,
        row.get(4)?,
        time_at(row, 5)?,
        time_at(row, 6)?,
    ))
}

fn decode(r: Raw) -> StoreResult<Filter> {
    Ok(Filter {
        id: r.0,
        name: r.1,
        is_private: r.2,
        created_by_id: AgentId(r.3),
        conditions: serde_json::from_str(&r.4).map_err(|e| {
            StoreError::Unavailable(format!("stored filter conditions are unreadable: {e}"))
        })?,
        created_time: r.5,
        updated_time: r.6,
    })
}

fn load(conn: &Connection, site: &str, viewer: &str, id: Uuid) -> StoreResult<Option<Filter>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM filters WHERE {VISIBLE} AND id = ?3"
    ))?
    .query_row((site, viewer, id.to_string()), from_row)
    .optional()?
    .map(decode)
    .transpose()
}

fn conditions_text(c: &Conditions) -> StoreResult<String> {
    serde_json::to_string(c)
        .map_err(|e| StoreError::Unavailable(format!("conditions do not serialize: {e}")))
}

impl Filters<'_> {
    /// Filters `viewer` may see, by name then id.
    pub async fn list(&self, site: SiteId, viewer: AgentId) -> StoreResult<Vec<Filter>> {
        let (site, viewer) = (site.to_string(), viewer.to_string());
        self.store
            .db
            .read(move |conn| {
                let mut stmt = conn.prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM filters WHERE {VISIBLE} ORDER BY name, id"
                ))?;
                let rows = stmt
                    .query_map((&site, &viewer), from_row)?
                    .collect::<Result<Vec<_>, _>>()?;
                rows.into_iter().map(decode).collect()
            })
            .await
    }

    pub async fn get(&self, site: SiteId, viewer: AgentId, id: Uuid) -> StoreResult<Filter> {
        let (site, viewer) = (site.to_string(), viewer.to_string());
        self.store
            .db
            .read(move |conn| ok_or_not_found(load(conn, &site, &viewer, id)?, "filter"))
            .await
    }

    pub async fn create(
        &self,
        site: SiteId,
        creator: AgentId,
        id: Uuid,
        input: FilterInput,
    ) -> StoreResult<Filter> {
        let (site, creator) = (site.to_string(), creator.to_string());
        self.store
            .db
            .write(move |tx| {
                tx.prepare_cached(
                    "INSERT INTO filters (site_id, id, name, is_private, created_by_id, conditions, created_time, updated_time)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                )?
                .execute((
                    &site,
                    id.to_string(),
                    &input.name,
                    input.is_private,
                    &creator,
                    conditions_text(&input.conditions)?,
                    time::now_text(),
                ))?;
                ok_or_not_found(load(tx, &site, &creator, id)?, "filter")
            })
            .await
    }

    /// Changes a filter `viewer` can see (public filters are shared: any staff may edit).
    pub async fn update(
        &self,
        site: SiteId,
        viewer: AgentId,
        id: Uuid,
        input: FilterInput,
    ) -> StoreResult<Filter> {
        let (site, viewer) = (site.to_string(), viewer.to_string());
        self.store
            .db
            .write(move |tx| {
                let n = tx
                    .prepare_cached(&format!(
                        "UPDATE filters SET name = ?4, is_private = ?5, conditions = ?6, updated_time = ?7
                         WHERE {VISIBLE} AND id = ?3"
                    ))?
                    .execute((
                        &site,
                        &viewer,
                        id.to_string(),
                        &input.name,
                        input.is_private,
                        conditions_text(&input.conditions)?,
                        time::now_text(),
                    ))?;
                if n == 0 {
                    return Err(StoreError::not_found("filter"));
                }
                ok_or_not_found(load(tx, &site, &viewer, id)?, "filter")
            })
            .await
    }

    pub async fn delete(&self, site: SiteId, viewer: AgentId, id: Uuid) -> StoreResult<()> {
        let (site, viewer) = (site.to_string(), viewer.to_string());
        self.store
            .db
            .write(move |tx| {
                let n = tx
                    .prepare_cached(&format!("DELETE FROM filters WHERE {VISIBLE} AND id = ?3"))?
                    .execute((&site, &viewer, id.to_string()))?;
                if n == 0 {
                    return Err(StoreError::not_found("filter"));
                }
                Ok(())
            })
            .await
    }
}
