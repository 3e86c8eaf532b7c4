//! Sites (tenants). Creating one also creates its first admin agent and API key.

use crate::agents::insert_agent;
use crate::error::StoreResult;
use crate::model::{Agent, NewAgent, Site};
use crate::sql::{ok_or_not_found, time_at, uuid_at};
use crate::{time, Store};
use anytime_core::model::SiteId;
use rusqlite::{Connection, OptionalExtension, Row, Transaction};

/// Sites: `store.sites()`.
pub struct Sites<'a> {
    pub(crate) store: &'a Store,
}

/// A new site and its first admin.
#[derive(Debug, Clone)]
pub struct NewSite {
    pub id: SiteId,
    pub name: String,
    pub admin: NewAgent,
}

fn site_from_row(row: &Row<'_>) -> rusqlite::Result<Site> {
    let settings: String = row.get(2)?;
    Ok(Site {
        id: SiteId(uuid_at(row, 0)?),
        name: row.get(1)?,
        settings: serde_json::from_str(&settings).unwrap_or(serde_json::Value::Null),
        created_time: time_at(row, 3)?,
        updated_time: time_at(row, 4)?,
    })
}

const SITE_COLUMNS: &str = "id, name, settings, created_time, updated_time";

pub(crate) fn load_site(conn: &Connection, id: SiteId) -> StoreResult<Option<Site>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {SITE_COLUMNS} FROM sites WHERE id = ?1"))?
        .query_row([id.to_string()], site_from_row)
        .optional()?)
}

fn insert_site(tx: &Transaction<'_>, new: NewSite) -> StoreResult<(Site, Agent)> {
    let now = time::now_text();
    tx.prepare_cached(
        "INSERT INTO sites (id, name, settings, created_time, updated_time)
         VALUES (?1, ?2, '{}', ?3, ?3)",
    )?
    .execute((new.id.to_string(), &new.name, &now))?;
    let agent = insert_agent(tx, new.id, new.admin)?;
    let site = ok_or_not_found(load_site(tx, new.id)?, "site")?;
    Ok((site, agent))
}

impl Sites<'_> {
    /// Creates a site with its admin agent and key, in one transaction.
    pub async fn create(&self, new: NewSite) -> StoreResult<(Site, Agent)> {
        self.store.db.write(move |tx| insert_site(tx, new)).await
    }

    /// Creates the site only if the database has none yet (first start); `None` otherwise.
    pub async fn create_if_none(&self, new: NewSite) -> StoreResult<Option<(Site, Agent)>> {
        self.store
            .db
            .write(move |tx| {
                let any: bool =
                    tx.query_row("SELECT EXISTS (SELECT 1 FROM sites)", [], |r| r.get(0))?;
                if any {
                    return Ok(None);
                }
                insert_site(tx, new).map(Some)
            })
            .await
    }

    pub async fn get(&self, id: SiteId) -> StoreResult<Site> {
        self.store
            .db
            .read(move |conn| ok_or_not_found(load_site(conn, id)?, "site"))
            .await
    }

    /// Every site, oldest first.
    pub async fn list(&self) -> StoreResult<Vec<Site>> {
        self.store
            .db
            .read(|conn| {
                let mut stmt = conn.prepare_cached(&format!(
                    "SELECT {SITE_COLUMNS} FROM sites ORDER BY created_time, id"
                ))?;
                let rows = stmt.query_map([], site_from_row)?;
                Ok(rows.collect::<Result<Vec<_>, _>>()?)
            })
            .await
    }
}
