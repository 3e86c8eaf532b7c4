//! Custom fields and field mappings (SPEC §4.3). The definition is the core's `FieldDef`
//! kept as JSON; system fields live in code and only their mappings are stored here.

use crate::error::{StoreError, StoreResult};
use crate::sql::{ok_or_not_found, time_at, unique_as_conflict};
use crate::{time, Store};
use anytime_core::model::{FieldDef, FieldSet, SiteId};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row};

/// Fields: `store.fields()`.
pub struct Fields<'a> {
    pub(crate) store: &'a Store,
}

/// A stored custom field.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredField {
    pub def: FieldDef,
    pub created_time: DateTime<Utc>,
    pub updated_time: DateTime<Utc>,
}

/// Where a field's value comes from in chat and offline-message forms.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldMapping {
    /// A system field's name or a custom field's id, as stored (lower-case for UUIDs).
    pub field_id: String,
    pub chat_field_mapping: Option<String>,
    pub offline_message_field_mapping: Option<String>,
}

const DUPLICATE: &str = "a field with this name already exists";

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Unavailable(format!("stored field is unreadable: {e}"))
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<(String, DateTime<Utc>, DateTime<Utc>)> {
    Ok((row.get(0)?, time_at(row, 1)?, time_at(row, 2)?))
}

fn decode(raw: (String, DateTime<Utc>, DateTime<Utc>)) -> StoreResult<StoredField> {
    Ok(StoredField {
        def: serde_json::from_str(&raw.0).map_err(json_err)?,
        created_time: raw.1,
        updated_time: raw.2,
    })
}

fn load(conn: &Connection, site: &str, id: &str) -> StoreResult<Option<StoredField>> {
    conn.prepare_cached(
        "SELECT def, created_time, updated_time FROM fields WHERE site_id = ?1 AND id = ?2",
    )?
    .query_row((site, id.to_ascii_lowercase()), from_row)
    .optional()?
    .map(decode)
    .transpose()
}

pub(crate) fn load_all(conn: &Connection, site: &str) -> StoreResult<Vec<StoredField>> {
    let mut stmt = conn.prepare_cached(
        "SELECT def, created_time, updated_time FROM fields WHERE site_id = ?1 ORDER BY created_time, id",
    )?;
    let rows = stmt
        .query_map([site], from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(decode).collect()
}

fn name_key(def: &FieldDef) -> String {
    def.name.trim().to_lowercase()
}

impl Fields<'_> {
    /// The site's custom fields, oldest first.
    pub async fn list(&self, site: SiteId) -> StoreResult<Vec<StoredField>> {
        let site = site.to_string();
        self.store.db.read(move |conn| load_all(conn, &site)).await
    }

    /// The site's custom fields as the core's [`FieldSet`] (what commands validate against).
    pub async fn field_set(&self, site: SiteId) -> StoreResult<FieldSet> {
        let list = self.list(site).await?;
        Ok(FieldSet::new(list.into_iter().map(|f| f.def)))
    }

    pub async fn get(&self, site: SiteId, id: String) -> StoreResult<StoredField> {
        let site = site.to_string();
        self.store
            .db
            .read(move |conn| ok_or_not_found(load(conn, &site, &id)?, "field"))
            .await
    }

    /// Stores a new custom field (its id already chosen and the definition validated).
    pub async fn create(&self, site: SiteId, def: FieldDef) -> StoreResult<StoredField> {
        let site = site.to_string();
        self.store
            .db
            .write(move |tx| {
                let id = def.id.0.to_ascii_lowercase();
                let text = serde_json::to_string(&def).map_err(json_err)?;
                tx.prepare_cached(
                    "INSERT INTO fields (site_id, id, name_key, def, created_time, updated_time)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                )?
                .execute((&site, &id, name_key(&def), text, time::now_text()))
                .map_err(|e| unique_as_conflict(e, DUPLICATE))?;
                ok_or_not_found(load(tx, &site, &id)?, "field")
            })
            .await
    }

    /// Replaces a custom field's definition; `check` sees the stored one first (e.g. to
    /// refuse a type change) and may refuse.
    pub async fn update(
        &self,
        site: SiteId,
        def: FieldDef,
        check: impl FnOnce(&FieldDef) -> StoreResult<()> + Send + 'static,
    ) -> StoreResult<StoredField> {
        let site = site.to_string();
        self.store
            .db
            .write(move |tx| {
                let id = def.id.0.to_ascii_lowercase();
                let old = ok_or_not_found(load(tx, &site, &id)?, "field")?;
                check(&old.def)?;
                let text = serde_json::to_string(&def).map_err(json_err)?;
                tx.prepare_cached(
                    "UPDATE fields SET name_key = ?3, def = ?4, updated_time = ?5
                     WHERE site_id = ?1 AND id = ?2",
                )?
                .execute((&site, &id, name_key(&def), text, time::now_text()))
                .map_err(|e| unique_as_conflict(e, DUPLICATE))?;
                ok_or_not_found(load(tx, &site, &id)?, "field")
            })
            .await
    }

    /// Removes a custom field and its mapping (conversations keep their stored values).
    pub async fn delete(&self, site: SiteId, id: String) -> StoreResult<()> {
        let site = site.to_string();
        self.store
            .db
            .write(move |tx| {
                let id = id.to_ascii_lowercase();
                let n = tx
                    .prepare_cached("DELETE FROM fields WHERE site_id = ?1 AND id = ?2")?
                    .execute((&site, &id))?;
                if n == 0 {
                    return Err(StoreError::not_found("field"));
                }
                tx.prepare_cached(
                    "DELETE FROM field_mappings WHERE site_id = ?1 AND field_id = ?2",
                )?
                .execute((&site, &id))?;
                Ok(())
            })
            .await
    }

    /// Every stored mapping of the site.
    pub async fn mappings(&self, site: SiteId) -> StoreResult<Vec<FieldMapping>> {
        let site = site.to_string();
        self.store
            .db
            .read(move |conn| {
                let mut stmt = conn.prepare_cached(
                    "SELECT field_id, chat_field_mapping, offline_message_field_mapping
                     FROM field_mappings WHERE site_id = ?1 ORDER BY field_id",
                )?;
                let rows = stmt.query_map([&site], |r| {
                    Ok(FieldMapping {
                        field_id: r.get(0)?,
                        chat_field_mapping: r.get(1)?,
                        offline_message_field_mapping: r.get(2)?,
                    })
                })?;
                Ok(rows.collect::<Result<Vec<_>, _>>()?)
            })
            .await
    }

    /// Sets the given fields' mappings in one transaction. `is_system` says which ids are
    /// system fields; any other id must be one of the site's custom fields, else the error
    /// names `fieldMappings[i].fieldId` and nothing changes.
    pub async fn set_mappings(
        &self,
        site: SiteId,
        mappings: Vec<FieldMapping>,
        is_system: fn(&str) -> bool,
    ) -> StoreResult<()> {
        let site = site.to_string();
        self.store
            .db
            .write(move |tx| {
                for (i, m) in mappings.iter().enumerate() {
                    let id = if is_system(&m.field_id) {
                        m.field_id.clone()
                    } else {
                        let id = m.field_id.to_ascii_lowercase();
                        if load(tx, &site, &id)?.is_none() {
                            return Err(StoreError::invalid(
                                format!("fieldMappings[{i}].fieldId"),
                                "no such field",
                            ));
                        }
                        id
                    };
                    tx.prepare_cached(
                        "INSERT INTO field_mappings (site_id, field_id, chat_field_mapping, offline_message_field_mapping)
                         VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT (site_id, field_id) DO UPDATE SET
                             chat_field_mapping = excluded.chat_field_mapping,
                             offline_message_field_mapping = excluded.offline_message_field_mapping",
                    )?
                    .execute((
                        &site,
                        id,
                        &m.chat_field_mapping,
                        &m.offline_message_field_mapping,
                    ))?;
                }
                Ok(())
            })
            .await
    }
}
