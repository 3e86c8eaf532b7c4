//! Tags. `conversationCount` is computed on read (0 until conversations carry tags).

use crate::error::{StoreError, StoreResult};
use crate::model::Tag;
use crate::sql::{ok_or_not_found, time_at, unique_as_conflict, uuid_at};
use crate::{time, Store};
use anytime_core::model::{SiteId, TagId};
use rusqlite::{Connection, OptionalExtension, Row};

/// Tags: `store.tags()`.
pub struct Tags<'a> {
    pub(crate) store: &'a Store,
}

/// The count column; the conversations migration replaces `0` with a count over its
/// conversation–tag table.
const COLUMNS: &str = "t.id, t.name, (SELECT count(*) FROM conversation_tags ct JOIN conversations c ON c.site_id = ct.site_id AND c.id = ct.conversation_id WHERE ct.tag_id = t.id AND c.is_deleted = 0) AS conversation_count, t.created_time, t.updated_time";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Tag> {
    let count: i64 = row.get(2)?;
    Ok(Tag {
        id: TagId(uuid_at(row, 0)?),
        name: row.get(1)?,
        conversation_count: u64::try_from(count).unwrap_or(0),
        created_time: time_at(row, 3)?,
        updated_time: time_at(row, 4)?,
    })
}

fn load(conn: &Connection, site: SiteId, id: TagId) -> StoreResult<Option<Tag>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM tags t WHERE t.site_id = ?1 AND t.id = ?2"
        ))?
        .query_row([site.to_string(), id.to_string()], from_row)
        .optional()?)
}

const DUPLICATE: &str = "a tag with this name already exists";

impl Tags<'_> {
    /// Every tag of the site, by name then id.
    pub async fn list(&self, site: SiteId) -> StoreResult<Vec<Tag>> {
        self.store
            .db
            .read(move |conn| {
                let mut stmt = conn.prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM tags t WHERE t.site_id = ?1 ORDER BY t.name, t.id"
                ))?;
                let rows = stmt.query_map([site.to_string()], from_row)?;
                Ok(rows.collect::<Result<Vec<_>, _>>()?)
            })
            .await
    }

    pub async fn get(&self, site: SiteId, id: TagId) -> StoreResult<Tag> {
        self.store
            .db
            .read(move |conn| ok_or_not_found(load(conn, site, id)?, "tag"))
            .await
    }

    pub async fn create(&self, site: SiteId, id: TagId, name: String) -> StoreResult<Tag> {
        self.store
            .db
            .write(move |tx| {
                tx.prepare_cached(
                    "INSERT INTO tags (id, site_id, name, created_time, updated_time)
                     VALUES (?1, ?2, ?3, ?4, ?4)",
                )?
                .execute((id.to_string(), site.to_string(), &name, time::now_text()))
                .map_err(|e| unique_as_conflict(e, DUPLICATE))?;
                ok_or_not_found(load(tx, site, id)?, "tag")
            })
            .await
    }

    pub async fn rename(&self, site: SiteId, id: TagId, name: String) -> StoreResult<Tag> {
        self.store
            .db
            .write(move |tx| {
                let n = tx
                    .prepare_cached(
                        "UPDATE tags SET name = ?3, updated_time = ?4 WHERE site_id = ?1 AND id = ?2",
                    )?
                    .execute((site.to_string(), id.to_string(), &name, time::now_text()))
                    .map_err(|e| unique_as_conflict(e, DUPLICATE))?;
                if n == 0 {
                    return Err(StoreError::not_found("tag"));
                }
                ok_or_not_found(load(tx, site, id)?, "tag")
            })
            .await
    }

    pub async fn delete(&self, site: SiteId, id: TagId) -> StoreResult<()> {
        self.store
            .db
            .write(move |tx| {
                let n = tx
                    .prepare_cached("DELETE FROM tags WHERE site_id = ?1 AND id = ?2")?
                    .execute([site.to_string(), id.to_string()])?;
                if n == 0 {
                    return Err(StoreError::not_found("tag"));
                }
                Ok(())
            })
            .await
    }
}
