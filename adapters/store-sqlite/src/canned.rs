//! Canned responses: reusable reply texts.

use crate::error::{StoreError, StoreResult};
use crate::model::{CannedResponse, CannedResponseChanges, NewCannedResponse};
use crate::sql::{ok_or_not_found, time_at, uuid_at};
use crate::{time, Store};
use anytime_core::model::SiteId;
use rusqlite::{Connection, OptionalExtension, Row};
use uuid::Uuid;

/// Canned responses: `store.canned_responses()`.
pub struct CannedResponses<'a> {
    pub(crate) store: &'a Store,
}

const COLUMNS: &str = "id, name, html_content, text_content, created_time, updated_time";

fn from_row(row: &Row<'_>) -> rusqlite::Result<CannedResponse> {
    Ok(CannedResponse {
        id: uuid_at(row, 0)?,
        name: row.get(1)?,
        html_content: row.get(2)?,
        text_content: row.get(3)?,
        created_time: time_at(row, 4)?,
        updated_time: time_at(row, 5)?,
    })
}

fn load(conn: &Connection, site: SiteId, id: Uuid) -> StoreResult<Option<CannedResponse>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM canned_responses WHERE site_id = ?1 AND id = ?2"
        ))?
        .query_row([site.to_string(), id.to_string()], from_row)
        .optional()?)
}

impl CannedResponses<'_> {
    /// Every canned response of the site, by name then id.
    pub async fn list(&self, site: SiteId) -> StoreResult<Vec<CannedResponse>> {
        self.store
            .db
            .read(move |conn| {
                let mut stmt = conn.prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM canned_responses WHERE site_id = ?1 ORDER BY name, id"
                ))?;
                let rows = stmt.query_map([site.to_string()], from_row)?;
                Ok(rows.collect::<Result<Vec<_>, _>>()?)
            })
            .await
    }

    pub async fn get(&self, site: SiteId, id: Uuid) -> StoreResult<CannedResponse> {
        self.store
            .db
            .read(move |conn| ok_or_not_found(load(conn, site, id)?, "canned response"))
            .await
    }

    pub async fn create(
        &self,
        site: SiteId,
        new: NewCannedResponse,
    ) -> StoreResult<CannedResponse> {
        self.store
            .db
            .write(move |tx| {
                tx.prepare_cached(
                    "INSERT INTO canned_responses
                         (id, site_id, name, html_content, text_content, created_time, updated_time)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                )?
                .execute((
                    new.id.to_string(),
                    site.to_string(),
                    &new.name,
                    &new.html_content,
                    &new.text_content,
                    time::now_text(),
                ))?;
                ok_or_not_found(load(tx, site, new.id)?, "canned response")
            })
            .await
    }

    pub async fn update(
        &self,
        site: SiteId,
        id: Uuid,
        changes: CannedResponseChanges,
    ) -> StoreResult<CannedResponse> {
        self.store
            .db
            .write(move |tx| {
                let n = tx
                    .prepare_cached(
                        "UPDATE canned_responses SET name = coalesce(?3, name),
                             html_content = coalesce(?4, html_content),
                             text_content = coalesce(?5, text_content), updated_time = ?6
                         WHERE site_id = ?1 AND id = ?2",
                    )?
                    .execute((
                        site.to_string(),
                        id.to_string(),
                        &changes.name,
                        &changes.html_content,
                        &changes.text_content,
                        time::now_text(),
                    ))?;
                if n == 0 {
                    return Err(StoreError::not_found("canned response"));
                }
                ok_or_not_found(load(tx, site, id)?, "canned response")
            })
            .await
    }

    pub async fn delete(&self, site: SiteId, id: Uuid) -> StoreResult<()> {
        self.store
            .db
            .write(move |tx| {
                let n = tx
                    .prepare_cached("DELETE FROM canned_responses WHERE site_id = ?1 AND id = ?2")?
                    .execute([site.to_string(), id.to_string()])?;
                if n == 0 {
                    return Err(StoreError::not_found("canned response"));
                }
                Ok(())
            })
            .await
    }
}
