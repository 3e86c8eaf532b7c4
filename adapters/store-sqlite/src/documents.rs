//! Per-site settings documents: the routing configuration (with its custom rules), auto
//! allocation, triggers, SLA policies, working time, holidays and the allocator's state. Each
//! is a small JSON value read and rewritten whole in one write transaction, so a sort or an
//! insert that renumbers `orderIndex` can never interleave with another change.

use crate::error::{StoreError, StoreResult};
use crate::time;
use crate::Store;
use anytime_core::model::SiteId;
use rusqlite::{Connection, OptionalExtension};
use serde_json::Value;

/// Settings documents: `store.documents()`.
pub struct Documents<'a> {
    pub(crate) store: &'a Store,
}

pub(crate) fn read_doc(conn: &Connection, site: &str, name: &str) -> StoreResult<Option<Value>> {
    let text: Option<String> = conn
        .prepare_cached("SELECT value FROM site_documents WHERE site_id = ?1 AND name = ?2")?
        .query_row((site, name), |r| r.get(0))
        .optional()?;
    text.map(|t| {
        serde_json::from_str(&t).map_err(|e| {
            StoreError::Unavailable(format!("stored document {name} is unreadable: {e}"))
        })
    })
    .transpose()
}

pub(crate) fn write_doc(
    conn: &Connection,
    site: &str,
    name: &str,
    value: &Value,
) -> StoreResult<()> {
    let text = serde_json::to_string(value)
        .map_err(|e| StoreError::Unavailable(format!("cannot encode document {name}: {e}")))?;
    conn.prepare_cached(
        "INSERT INTO site_documents (site_id, name, value, updated_time) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (site_id, name) DO UPDATE SET value = excluded.value,
             updated_time = excluded.updated_time",
    )?
    .execute((site, name, text, time::now_text()))?;
    Ok(())
}

impl Documents<'_> {
    /// The document `name` of the site, `None` when never saved.
    pub async fn get(&self, site: SiteId, name: &'static str) -> StoreResult<Option<Value>> {
        let site = site.to_string();
        self.store
            .db
            .read(move |conn| read_doc(conn, &site, name))
            .await
    }

    /// Document `name` of every site that has one: the background workers (IMAP ingestion)
    /// find their work across sites with it.
    pub async fn everywhere(&self, name: &'static str) -> StoreResult<Vec<(SiteId, Value)>> {
        self.store
            .db
            .read(move |conn| {
                let mut stmt = conn.prepare_cached(
                    "SELECT site_id, value FROM site_documents WHERE name = ?1 ORDER BY site_id",
                )?;
                let rows = stmt.query_map([name], |r| {
                    Ok((crate::sql::uuid_at(r, 0)?, r.get::<_, String>(1)?))
                })?;
                let mut out = Vec::new();
                for row in rows {
                    let (site, text) = row?;
                    let value = serde_json::from_str(&text).map_err(|e| {
                        StoreError::Unavailable(format!(
                            "stored document {name} is unreadable: {e}"
                        ))
                    })?;
                    out.push((SiteId(site), value));
                }
                Ok(out)
            })
            .await
    }

    /// Several documents read in one snapshot (for compiling a site's rules consistently).
    pub async fn get_many(
        &self,
        site: SiteId,
        names: &'static [&'static str],
    ) -> StoreResult<Vec<Option<Value>>> {
        let site = site.to_string();
        self.store
            .db
            .read(move |conn| names.iter().map(|n| read_doc(conn, &site, n)).collect())
            .await
    }

    /// Reads the document, lets `change` compute its new value (or refuse), writes it; one
    /// transaction. Returns what `change` returned besides the value.
    pub async fn update<T: Send + 'static>(
        &self,
        site: SiteId,
        name: &'static str,
        change: impl FnOnce(Option<Value>) -> StoreResult<(Value, T)> + Send + 'static,
    ) -> StoreResult<T> {
        let site = site.to_string();
        self.store
            .db
            .write(move |tx| {
                let current = read_doc(tx, &site, name)?;
                let (value, out) = change(current)?;
                write_doc(tx, &site, name, &value)?;
                Ok(out)
            })
            .await
    }
    /// Like [`update`](Self::update), but the new value's string `key` must not equal the same
    /// key of any other site's document `name` (409 `conflict`), checked in the same
    /// transaction — for values unique across sites, such as a hosted email address.
    pub async fn update_unique<T: Send + 'static>(
        &self,
        site: SiteId,
        name: &'static str,
        key: &'static str,
        conflict: &'static str,
        change: impl FnOnce(Option<Value>) -> StoreResult<(Value, T)> + Send + 'static,
    ) -> StoreResult<T> {
        let site = site.to_string();
        self.store
            .db
            .write(move |tx| {
                let current = read_doc(tx, &site, name)?;
                let (value, out) = change(current)?;
                if let Some(wanted) = value.get(key).and_then(Value::as_str) {
                    let taken: Option<i64> = tx
                        .prepare_cached(
                            "SELECT 1 FROM site_documents WHERE name = ?1 AND site_id <> ?2
                               AND json_extract(value, '$.' || ?3) = ?4 LIMIT 1",
                        )?
                        .query_row((name, &site, key, wanted), |r| r.get(0))
                        .optional()?;
                    if taken.is_some() {
                        return Err(StoreError::conflict(conflict));
                    }
                }
                write_doc(tx, &site, name, &value)?;
                Ok(out)
            })
            .await
    }
}
