//! Junk emails (SPEC §4.9): list by time with keyword and time window, read flag, delete.
//! Rows are written by the inbound pipeline (`insert`).

use crate::error::{StoreError, StoreResult};
use crate::sql::{like_pattern, ok_or_not_found, time_at};
use crate::{time, Store};
use anytime_core::model::SiteId;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction};
use serde::Serialize;
use serde_json::Value;

/// Junk emails: `store.junk_emails()`.
pub struct JunkEmails<'a> {
    pub(crate) store: &'a Store,
}

/// A junk email with the seed 002 field names.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JunkEmail {
    pub id: i64,
    pub subject: String,
    pub time: DateTime<Utc>,
    pub name: String,
    pub from: String,
    pub to: String,
    pub cc: String,
    pub html_body: String,
    pub plain_body: String,
    pub email_account_id: Option<i64>,
    pub is_read: bool,
    pub attachments: Value,
}

/// A list request; `None` means no bound (there is no default time window).
#[derive(Debug, Clone, Default)]
pub struct JunkQuery {
    /// Substring of subject, sender, recipients or plain body.
    pub keywords: Option<String>,
    pub time_from: Option<DateTime<Utc>>,
    pub time_to: Option<DateTime<Utc>>,
    pub offset: u64,
    pub limit: u64,
}

const COLUMNS: &str = "id, subject, time, name, from_address, to_list, cc_list, html_body, \
                       plain_body, email_account_id, is_read, attachments";

fn from_row(row: &Row<'_>) -> rusqlite::Result<JunkEmail> {
    let attachments: String = row.get(11)?;
    Ok(JunkEmail {
        id: row.get(0)?,
        subject: row.get(1)?,
        time: time_at(row, 2)?,
        name: row.get(3)?,
        from: row.get(4)?,
        to: row.get(5)?,
        cc: row.get(6)?,
        html_body: row.get(7)?,
        plain_body: row.get(8)?,
        email_account_id: row.get(9)?,
        is_read: row.get(10)?,
        attachments: serde_json::from_str(&attachments).unwrap_or(Value::Array(Vec::new())),
    })
}

fn load(conn: &Connection, site: &str, id: i64) -> StoreResult<Option<JunkEmail>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM junk_emails WHERE site_id = ?1 AND id = ?2"
        ))?
        .query_row((site, id), from_row)
        .optional()?)
}

impl JunkEmails<'_> {
    /// A page of the site's junk emails, newest first, and the total matching.
    pub async fn list(&self, site: SiteId, q: JunkQuery) -> StoreResult<(Vec<JunkEmail>, u64)> {
        let site = site.to_string();
        self.store
            .db
            .read(move |conn| {
                let pattern = q.keywords.as_deref().map(like_pattern);
                let from = q.time_from.map(time::to_text);
                let to = q.time_to.map(time::to_text);
                let filter = "site_id = ?1
                    AND (?2 IS NULL OR subject LIKE ?2 ESCAPE '\\' OR name LIKE ?2 ESCAPE '\\'
                         OR from_address LIKE ?2 ESCAPE '\\' OR to_list LIKE ?2 ESCAPE '\\'
                         OR plain_body LIKE ?2 ESCAPE '\\')
                    AND (?3 IS NULL OR time >= ?3) AND (?4 IS NULL OR time <= ?4)";
                let total: i64 = conn
                    .prepare_cached(&format!("SELECT count(*) FROM junk_emails WHERE {filter}"))?
                    .query_row((&site, &pattern, &from, &to), |r| r.get(0))?;
                let limit = i64::try_from(q.limit).unwrap_or(i64::MAX);
                let offset = i64::try_from(q.offset).unwrap_or(i64::MAX);
                let mut stmt = conn.prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM junk_emails WHERE {filter}
                     ORDER BY time DESC, id DESC LIMIT ?5 OFFSET ?6"
                ))?;
                let rows = stmt
                    .query_map((&site, &pattern, &from, &to, limit, offset), from_row)?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((rows, u64::try_from(total).unwrap_or(0)))
            })
            .await
    }

    pub async fn get(&self, site: SiteId, id: i64) -> StoreResult<JunkEmail> {
        let site = site.to_string();
        self.store
            .db
            .read(move |conn| ok_or_not_found(load(conn, &site, id)?, "junk email"))
            .await
    }

    pub async fn set_read(&self, site: SiteId, id: i64, is_read: bool) -> StoreResult<JunkEmail> {
        let site = site.to_string();
        self.store
            .db
            .write(move |tx| {
                tx.prepare_cached(
                    "UPDATE junk_emails SET is_read = ?3 WHERE site_id = ?1 AND id = ?2",
                )?
                .execute((&site, id, is_read))?;
                ok_or_not_found(load(tx, &site, id)?, "junk email")
            })
            .await
    }

    pub async fn delete(&self, site: SiteId, id: i64) -> StoreResult<()> {
        let site = site.to_string();
        self.store
            .db
            .write(move |tx| {
                let n = tx
                    .prepare_cached("DELETE FROM junk_emails WHERE site_id = ?1 AND id = ?2")?
                    .execute((&site, id))?;
                if n == 0 {
                    return Err(StoreError::not_found("junk email"));
                }
                Ok(())
            })
            .await
    }

    /// Keeps a message from a sender blocked as junk; returns its id.
    pub async fn insert(&self, site: SiteId, email: JunkEmail) -> StoreResult<i64> {
        let site = site.to_string();
        self.store
            .db
            .write(move |tx| insert_tx(tx, &site, &email))
            .await
    }
}

/// [`JunkEmails::insert`] inside a caller's transaction (the inbound pipeline).
pub(crate) fn insert_tx(tx: &Transaction<'_>, site: &str, email: &JunkEmail) -> StoreResult<i64> {
    tx.prepare_cached(
        "INSERT INTO junk_emails (site_id, subject, time, name, from_address, to_list,
             cc_list, html_body, plain_body, email_account_id, is_read, attachments)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(rusqlite::params![
        site,
        email.subject,
        time::to_text(email.time),
        email.name,
        email.from,
        email.to,
        email.cc,
        email.html_body,
        email.plain_body,
        email.email_account_id,
        email.is_read,
        email.attachments.to_string(),
    ])?;
    Ok(tx.last_insert_rowid())
}
