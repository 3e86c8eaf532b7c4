//! Contacts (the people conversations are with) and their ids in channel apps.

use crate::error::{StoreError, StoreResult};
use crate::model::{Contact, ContactChanges, ContactQuery, NewContact};
use crate::sql::{like_pattern, ok_or_not_found, time_at, unique_as_conflict, uuid_at};
use crate::{time, Store};
use anytime_core::model::{ContactId, SiteId};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, Transaction};
use std::collections::BTreeMap;

/// Contacts: `store.contacts()`.
pub struct Contacts<'a> {
    pub(crate) store: &'a Store,
}

const COLUMNS: &str = "id, name, email, phone, created_time, updated_time";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Contact> {
    Ok(Contact {
        id: ContactId(uuid_at(row, 0)?),
        name: row.get(1)?,
        email: row.get(2)?,
        phone: row.get(3)?,
        external_ids: BTreeMap::new(),
        created_time: time_at(row, 4)?,
        updated_time: time_at(row, 5)?,
    })
}

fn external_ids_of(conn: &Connection, id: ContactId) -> StoreResult<BTreeMap<String, String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT app_id, external_id FROM contact_external_ids WHERE contact_id = ?1",
    )?;
    let rows = stmt.query_map([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<BTreeMap<_, _>, _>>()?)
}

fn load(conn: &Connection, site: SiteId, id: ContactId) -> StoreResult<Option<Contact>> {
    let found = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM contacts WHERE site_id = ?1 AND id = ?2"
        ))?
        .query_row([site.to_string(), id.to_string()], from_row)
        .optional()?;
    match found {
        Some(mut c) => {
            c.external_ids = external_ids_of(conn, id)?;
            Ok(Some(c))
        }
        None => Ok(None),
    }
}

fn set_external_ids(
    tx: &Transaction<'_>,
    site: SiteId,
    id: ContactId,
    ids: &BTreeMap<String, String>,
) -> StoreResult<()> {
    tx.prepare_cached("DELETE FROM contact_external_ids WHERE contact_id = ?1")?
        .execute([id.to_string()])?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO contact_external_ids (site_id, contact_id, app_id, external_id)
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (app, external) in ids {
        insert
            .execute([
                site.to_string(),
                id.to_string(),
                app.clone(),
                external.clone(),
            ])
            .map_err(|e| {
                unique_as_conflict(
                    e,
                    &format!("another contact already has externalIds.{app} = {external}"),
                )
            })?;
    }
    Ok(())
}

const DUPLICATE_EMAIL: &str = "a contact with this email already exists";

/// WHERE clause and parameters for a contact query (site first).
fn filter(site: SiteId, q: &ContactQuery) -> (String, Vec<Value>) {
    let mut sql = String::from("c.site_id = ?");
    let mut params = vec![Value::Text(site.to_string())];
    if let Some(k) = q
        .keywords
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        sql.push_str(
            " AND (c.name LIKE ? ESCAPE '\\' OR c.email LIKE ? ESCAPE '\\' OR c.phone LIKE ? ESCAPE '\\')",
        );
        let p = like_pattern(k);
        params.extend([
            Value::Text(p.clone()),
            Value::Text(p.clone()),
            Value::Text(p),
        ]);
    }
    if let Some(e) = &q.email {
        sql.push_str(" AND c.email = ?");
        params.push(Value::Text(e.clone()));
    }
    if let Some((app, external)) = &q.external_id {
        sql.push_str(
            " AND EXISTS (SELECT 1 FROM contact_external_ids x
                          WHERE x.contact_id = c.id AND x.app_id = ? AND x.external_id = ?)",
        );
        params.extend([Value::Text(app.clone()), Value::Text(external.clone())]);
    }
    (sql, params)
}

impl Contacts<'_> {
    /// One page of matching contacts (by name, then id) and the total number of matches.
    pub async fn list(
        &self,
        site: SiteId,
        query: ContactQuery,
    ) -> StoreResult<(Vec<Contact>, u64)> {
        self.store
            .db
            .read(move |conn| {
                let (cond, params) = filter(site, &query);
                let total: i64 = conn
                    .prepare_cached(&format!("SELECT count(*) FROM contacts c WHERE {cond}"))?
                    .query_row(rusqlite::params_from_iter(params.iter()), |r| r.get(0))?;
                let mut page_params = params;
                page_params.push(Value::Integer(
                    i64::try_from(query.limit).unwrap_or(i64::MAX),
                ));
                page_params.push(Value::Integer(
                    i64::try_from(query.offset).unwrap_or(i64::MAX),
                ));
                let mut stmt = conn.prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM contacts c WHERE {cond}
                     ORDER BY c.name COLLATE NOCASE, c.id LIMIT ? OFFSET ?"
                ))?;
                let mut contacts = stmt
                    .query_map(rusqlite::params_from_iter(page_params.iter()), from_row)?
                    .collect::<Result<Vec<_>, _>>()?;
                for c in &mut contacts {
                    c.external_ids = external_ids_of(conn, c.id)?;
                }
                Ok((contacts, u64::try_from(total).unwrap_or(0)))
            })
            .await
    }

    pub async fn get(&self, site: SiteId, id: ContactId) -> StoreResult<Contact> {
        self.store
            .db
            .read(move |conn| ok_or_not_found(load(conn, site, id)?, "contact"))
            .await
    }

    pub async fn create(&self, site: SiteId, new: NewContact) -> StoreResult<Contact> {
        self.store
            .db
            .write(move |tx| {
                let now = time::now_text();
                tx.prepare_cached(
                    "INSERT INTO contacts (id, site_id, name, email, phone, created_time, updated_time)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                )?
                .execute((
                    new.id.to_string(),
                    site.to_string(),
                    &new.name,
                    &new.email,
                    &new.phone,
                    &now,
                ))
                .map_err(|e| unique_as_conflict(e, DUPLICATE_EMAIL))?;
                set_external_ids(tx, site, new.id, &new.external_ids)?;
                ok_or_not_found(load(tx, site, new.id)?, "contact")
            })
            .await
    }

    pub async fn update(
        &self,
        site: SiteId,
        id: ContactId,
        changes: ContactChanges,
    ) -> StoreResult<Contact> {
        self.store
            .db
            .write(move |tx| {
                let Some(current) = load(tx, site, id)? else {
                    return Err(StoreError::not_found("contact"));
                };
                let name = changes.name.unwrap_or(current.name);
                let email = changes.email.unwrap_or(current.email);
                let phone = changes.phone.unwrap_or(current.phone);
                tx.prepare_cached(
                    "UPDATE contacts SET name = ?3, email = ?4, phone = ?5, updated_time = ?6
                     WHERE site_id = ?1 AND id = ?2",
                )?
                .execute((
                    site.to_string(),
                    id.to_string(),
                    &name,
                    &email,
                    &phone,
                    time::now_text(),
                ))
                .map_err(|e| unique_as_conflict(e, DUPLICATE_EMAIL))?;
                if let Some(ids) = &changes.external_ids {
                    set_external_ids(tx, site, id, ids)?;
                }
                ok_or_not_found(load(tx, site, id)?, "contact")
            })
            .await
    }

    pub async fn delete(&self, site: SiteId, id: ContactId) -> StoreResult<()> {
        self.store
            .db
            .write(move |tx| {
                let n = tx
                    .prepare_cached("DELETE FROM contacts WHERE site_id = ?1 AND id = ?2")?
                    .execute([site.to_string(), id.to_string()])?;
                if n == 0 {
                    return Err(StoreError::not_found("contact"));
                }
                Ok(())
            })
            .await
    }
}
