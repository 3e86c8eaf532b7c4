//! OAuth 2.0 (SPEC §4.15): clients, authorization codes and token families.
//!
//! The server decides what is valid (PKCE, redirect URIs, lifetimes); this module keeps the
//! rows and makes every grant one transaction, so a code is redeemed once even when two
//! requests race, and a rotated refresh token revokes its family atomically. Outcomes that
//! must commit a change *and* refuse the request (a replayed code, a reused refresh token) are
//! `Ok` values, not errors: an `Err` would roll the revocation back.

use crate::error::{StoreError, StoreResult};
use crate::model::{Credential, KeyHash, Role};
use crate::sql::{ok_or_not_found, time_at, unique_as_conflict, uuid_at};
use crate::{time, Store};
use anytime_core::model::{AgentId, SiteId};
use chrono::{DateTime, Utc};
use rusqlite::types::Type;
use rusqlite::{Connection, OptionalExtension, Row, Transaction};
use uuid::Uuid;

/// OAuth rows: `store.oauth()`.
pub struct OAuth<'a> {
    pub(crate) store: &'a Store,
}

/// A registered client; `id` is its `client_id`.
#[derive(Debug, Clone, PartialEq)]
pub struct OAuthClient {
    pub id: Uuid,
    pub site_id: SiteId,
    pub name: String,
    pub redirect_uris: Vec<String>,
    pub is_confidential: bool,
    pub created_time: DateTime<Utc>,
    pub updated_time: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewOAuthClient {
    pub id: Uuid,
    pub name: String,
    pub redirect_uris: Vec<String>,
    /// `Some` for confidential clients.
    pub secret_hash: Option<KeyHash>,
}

/// A partial update: `None` leaves the field as it is.
#[derive(Debug, Clone, Default)]
pub struct OAuthClientChanges {
    pub name: Option<String>,
    pub redirect_uris: Option<Vec<String>>,
}

/// What the sign-in page needs to check an agent's password.
#[derive(Debug, Clone)]
pub struct SignInAgent {
    pub id: AgentId,
    pub is_active: bool,
    /// The PHC string; `None` when the agent has no password (cannot sign in).
    pub password_hash: Option<String>,
}

/// A code as issued by the authorization endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthorizationCode {
    pub site_id: SiteId,
    pub client_id: Uuid,
    pub agent_id: AgentId,
    pub redirect_uri: String,
    /// The S256 `code_challenge`.
    pub code_challenge: String,
    pub scope: String,
    pub expires_time: DateTime<Utc>,
}

/// A fresh access and refresh token pair (hashes only).
#[derive(Debug, Clone, Copy)]
pub struct TokenPair {
    pub access: KeyHash,
    pub access_expires: DateTime<Utc>,
    pub refresh: KeyHash,
    pub refresh_expires: DateTime<Utc>,
}

/// The result of presenting a code at the token endpoint.
#[derive(Debug, PartialEq)]
pub enum CodeRedemption<E> {
    /// The pair was stored; `scope` is the granted scope.
    Issued { scope: String },
    /// No such code.
    Unknown,
    /// Used before: whatever it produced is now revoked.
    Replayed,
    /// The server's check refused it (it is used up all the same).
    Rejected(E),
    /// The agent was disabled since it signed in.
    AgentInactive,
}

/// The result of presenting a refresh token.
#[derive(Debug, PartialEq, Eq)]
pub enum RefreshOutcome {
    Issued {
        scope: String,
    },
    /// Unknown, expired, or issued to another client.
    Invalid,
    /// A retired token: the whole family is now revoked.
    Reused,
}

const CLIENT_COLUMNS: &str =
    "id, site_id, name, redirect_uris, secret_hash IS NOT NULL, created_time, updated_time";

fn client_from_row(row: &Row<'_>) -> rusqlite::Result<OAuthClient> {
    let uris: String = row.get(3)?;
    Ok(OAuthClient {
        id: uuid_at(row, 0)?,
        site_id: SiteId(uuid_at(row, 1)?),
        name: row.get(2)?,
        redirect_uris: serde_json::from_str(&uris)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(3, Type::Text, Box::new(e)))?,
        is_confidential: row.get(4)?,
        created_time: time_at(row, 5)?,
        updated_time: time_at(row, 6)?,
    })
}

fn hash_at(row: &Row<'_>, idx: usize) -> rusqlite::Result<KeyHash> {
    let bytes: Vec<u8> = row.get(idx)?;
    let arr: [u8; 32] = bytes.try_into().map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(idx, Type::Blob, "hash is not 32 bytes".into())
    })?;
    Ok(KeyHash(arr))
}

fn load_client(conn: &Connection, site: SiteId, id: Uuid) -> StoreResult<Option<OAuthClient>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {CLIENT_COLUMNS} FROM oauth_clients WHERE site_id = ?1 AND id = ?2"
        ))?
        .query_row([site.to_string(), id.to_string()], client_from_row)
        .optional()?)
}

fn uris_json(uris: &[String]) -> StoreResult<String> {
    serde_json::to_string(uris).map_err(|e| StoreError::invalid("redirectUris", e.to_string()))
}

/// Revokes every token the agent granted (inside the caller's transaction): used when an
/// agent is disabled or its password changes.
pub(crate) fn revoke_agent_tokens(
    tx: &Transaction<'_>,
    site: SiteId,
    agent: AgentId,
) -> StoreResult<usize> {
    Ok(tx
        .prepare_cached("DELETE FROM oauth_families WHERE site_id = ?1 AND agent_id = ?2")?
        .execute([site.to_string(), agent.to_string()])?)
}

fn delete_family(tx: &Transaction<'_>, family: &str) -> StoreResult<()> {
    tx.prepare_cached("DELETE FROM oauth_families WHERE id = ?1")?
        .execute([family])?;
    Ok(())
}

/// Drops what can no longer be presented, so the tables stay small without a sweeper.
fn purge_expired(tx: &Transaction<'_>, now: DateTime<Utc>) -> StoreResult<()> {
    let now = time::to_text(now);
    tx.prepare_cached("DELETE FROM oauth_families WHERE expires_time < ?1")?
        .execute([&now])?;
    tx.prepare_cached("DELETE FROM oauth_codes WHERE expires_time < ?1")?
        .execute([&now])?;
    Ok(())
}

fn insert_pair(tx: &Transaction<'_>, family: &str, pair: &TokenPair) -> StoreResult<()> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO oauth_tokens (token_hash, family_id, kind, expires_time) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (hash, kind, expires) in [
        (pair.access, "access", pair.access_expires),
        (pair.refresh, "refresh", pair.refresh_expires),
    ] {
        insert
            .execute((hash.0.as_slice(), family, kind, time::to_text(expires)))
            .map_err(|e| unique_as_conflict(e, "token collision; try again"))?;
    }
    tx.prepare_cached("UPDATE oauth_families SET expires_time = ?2 WHERE id = ?1")?
        .execute((family, time::to_text(pair.refresh_expires)))?;
    Ok(())
}

fn agent_is_active(tx: &Transaction<'_>, site: &str, agent: &str) -> StoreResult<bool> {
    Ok(tx
        .prepare_cached("SELECT is_active FROM agents WHERE site_id = ?1 AND id = ?2")?
        .query_row([site, agent], |r| r.get::<_, bool>(0))
        .optional()?
        .unwrap_or(false))
}

impl OAuth<'_> {
    /// The site's clients, by name then id.
    pub async fn list_clients(&self, site: SiteId) -> StoreResult<Vec<OAuthClient>> {
        self.store
            .db
            .read(move |conn| {
                let mut stmt = conn.prepare_cached(&format!(
                    "SELECT {CLIENT_COLUMNS} FROM oauth_clients WHERE site_id = ?1 ORDER BY name, id"
                ))?;
                let rows = stmt.query_map([site.to_string()], client_from_row)?;
                Ok(rows.collect::<Result<Vec<_>, _>>()?)
            })
            .await
    }

    pub async fn get_client(&self, site: SiteId, id: Uuid) -> StoreResult<OAuthClient> {
        self.store
            .db
            .read(move |conn| ok_or_not_found(load_client(conn, site, id)?, "OAuth client"))
            .await
    }

    /// A client by its `client_id` alone (the token endpoint does not know the site yet),
    /// with its secret hash.
    pub async fn find_client(
        &self,
        id: Uuid,
    ) -> StoreResult<Option<(OAuthClient, Option<KeyHash>)>> {
        self.store
            .db
            .read(move |conn| {
                Ok(conn
                    .prepare_cached(&format!(
                        "SELECT {CLIENT_COLUMNS}, secret_hash FROM oauth_clients WHERE id = ?1"
                    ))?
                    .query_row([id.to_string()], |row| {
                        let secret = match row.get_ref(7)? {
                            rusqlite::types::ValueRef::Null => None,
                            _ => Some(hash_at(row, 7)?),
                        };
                        Ok((client_from_row(row)?, secret))
                    })
                    .optional()?)
            })
            .await
    }

    pub async fn create_client(
        &self,
        site: SiteId,
        new: NewOAuthClient,
    ) -> StoreResult<OAuthClient> {
        self.store
            .db
            .write(move |tx| {
                tx.prepare_cached(
                    "INSERT INTO oauth_clients
                         (id, site_id, name, redirect_uris, secret_hash, created_time, updated_time)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                )?
                .execute((
                    new.id.to_string(),
                    site.to_string(),
                    &new.name,
                    uris_json(&new.redirect_uris)?,
                    new.secret_hash.map(|h| h.0.to_vec()),
                    time::now_text(),
                ))
                .map_err(|e| unique_as_conflict(e, "an OAuth client with this id exists"))?;
                ok_or_not_found(load_client(tx, site, new.id)?, "OAuth client")
            })
            .await
    }

    pub async fn update_client(
        &self,
        site: SiteId,
        id: Uuid,
        changes: OAuthClientChanges,
    ) -> StoreResult<OAuthClient> {
        self.store
            .db
            .write(move |tx| {
                let uris = changes
                    .redirect_uris
                    .as_deref()
                    .map(uris_json)
                    .transpose()?;
                let n = tx
                    .prepare_cached(
                        "UPDATE oauth_clients SET name = coalesce(?3, name),
                             redirect_uris = coalesce(?4, redirect_uris), updated_time = ?5
                         WHERE site_id = ?1 AND id = ?2",
                    )?
                    .execute((
                        site.to_string(),
                        id.to_string(),
                        &changes.name,
                        uris,
                        time::now_text(),
                    ))?;
                if n == 0 {
                    return Err(StoreError::not_found("OAuth client"));
                }
                ok_or_not_found(load_client(tx, site, id)?, "OAuth client")
            })
            .await
    }

    /// Deletes the client; its codes and tokens go with it (cascade).
    pub async fn delete_client(&self, site: SiteId, id: Uuid) -> StoreResult<()> {
        self.store
            .db
            .write(move |tx| {
                let n = tx
                    .prepare_cached("DELETE FROM oauth_clients WHERE site_id = ?1 AND id = ?2")?
                    .execute([site.to_string(), id.to_string()])?;
                if n == 0 {
                    return Err(StoreError::not_found("OAuth client"));
                }
                Ok(())
            })
            .await
    }

    /// The agent of `site` with this email (case-insensitive), for the sign-in page.
    pub async fn agent_for_sign_in(
        &self,
        site: SiteId,
        email: String,
    ) -> StoreResult<Option<SignInAgent>> {
        self.store
            .db
            .read(move |conn| {
                Ok(conn
                    .prepare_cached(
                        "SELECT id, is_active, password_hash FROM agents
                         WHERE site_id = ?1 AND email = ?2",
                    )?
                    .query_row([site.to_string(), email], |row| {
                        Ok(SignInAgent {
                            id: AgentId(uuid_at(row, 0)?),
                            is_active: row.get(1)?,
                            password_hash: row.get(2)?,
                        })
                    })
                    .optional()?)
            })
            .await
    }

    pub async fn insert_code(
        &self,
        hash: KeyHash,
        code: AuthorizationCode,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.store
            .db
            .write(move |tx| {
                purge_expired(tx, now)?;
                tx.prepare_cached(
                    "INSERT INTO oauth_codes (code_hash, site_id, client_id, agent_id, redirect_uri,
                                              code_challenge, scope, expires_time)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute((
                    hash.0.as_slice(),
                    code.site_id.to_string(),
                    code.client_id.to_string(),
                    code.agent_id.to_string(),
                    &code.redirect_uri,
                    &code.code_challenge,
                    &code.scope,
                    time::to_text(code.expires_time),
                ))
                .map_err(|e| unique_as_conflict(e, "code collision; try again"))?;
                Ok(())
            })
            .await
    }

    /// Redeems a code once: marks it used, runs `check` on it (client, redirect URI,
    /// verifier, age — the server's rules), and on success stores `pair` in a new family.
    /// A code presented again revokes the family it produced. `family` is the new family's id.
    pub async fn redeem_code<E, F>(
        &self,
        hash: KeyHash,
        family: Uuid,
        pair: TokenPair,
        now: DateTime<Utc>,
        check: F,
    ) -> StoreResult<CodeRedemption<E>>
    where
        E: Send + 'static,
        F: FnOnce(&AuthorizationCode) -> Result<(), E> + Send + 'static,
    {
        self.store
            .db
            .write(move |tx| {
                let found = tx
                    .prepare_cached(
                        "SELECT site_id, client_id, agent_id, redirect_uri, code_challenge, scope,
                                expires_time, used, family_id
                         FROM oauth_codes WHERE code_hash = ?1",
                    )?
                    .query_row([hash.0.as_slice()], |row| {
                        Ok((
                            AuthorizationCode {
                                site_id: SiteId(uuid_at(row, 0)?),
                                client_id: uuid_at(row, 1)?,
                                agent_id: AgentId(uuid_at(row, 2)?),
                                redirect_uri: row.get(3)?,
                                code_challenge: row.get(4)?,
                                scope: row.get(5)?,
                                expires_time: time_at(row, 6)?,
                            },
                            row.get::<_, bool>(7)?,
                            row.get::<_, Option<String>>(8)?,
                        ))
                    })
                    .optional()?;
                let Some((code, used, produced)) = found else {
                    return Ok(CodeRedemption::Unknown);
                };
                if used {
                    if let Some(produced) = produced {
                        delete_family(tx, &produced)?;
                    }
                    return Ok(CodeRedemption::Replayed);
                }
                tx.prepare_cached("UPDATE oauth_codes SET used = 1 WHERE code_hash = ?1")?
                    .execute([hash.0.as_slice()])?;
                if let Err(e) = check(&code) {
                    return Ok(CodeRedemption::Rejected(e));
                }
                let (site, agent) = (code.site_id.to_string(), code.agent_id.to_string());
                if !agent_is_active(tx, &site, &agent)? {
                    return Ok(CodeRedemption::AgentInactive);
                }
                purge_expired(tx, now)?;
                let family = family.to_string();
                tx.prepare_cached(
                    "INSERT INTO oauth_families
                         (id, site_id, client_id, agent_id, scope, created_time, expires_time)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?
                .execute((
                    &family,
                    &site,
                    code.client_id.to_string(),
                    &agent,
                    &code.scope,
                    time::to_text(now),
                    time::to_text(pair.refresh_expires),
                ))?;
                insert_pair(tx, &family, &pair)?;
                tx.prepare_cached("UPDATE oauth_codes SET family_id = ?2 WHERE code_hash = ?1")?
                    .execute((hash.0.as_slice(), &family))?;
                Ok(CodeRedemption::Issued { scope: code.scope })
            })
            .await
    }

    /// Rotates a refresh token of `client`: retires it and stores `pair` in its family. A
    /// retired token revokes the family.
    pub async fn rotate_refresh(
        &self,
        hash: KeyHash,
        client: Uuid,
        pair: TokenPair,
        now: DateTime<Utc>,
    ) -> StoreResult<RefreshOutcome> {
        self.store
            .db
            .write(move |tx| {
                let found = tx
                    .prepare_cached(
                        "SELECT t.family_id, t.retired, t.expires_time, f.client_id, f.scope,
                                f.site_id, f.agent_id
                         FROM oauth_tokens t JOIN oauth_families f ON f.id = t.family_id
                         WHERE t.token_hash = ?1 AND t.kind = 'refresh'",
                    )?
                    .query_row([hash.0.as_slice()], |row| {
                        Ok((
                            row.get::<_, String>(0)?,
                            row.get::<_, bool>(1)?,
                            time_at(row, 2)?,
                            uuid_at(row, 3)?,
                            row.get::<_, String>(4)?,
                            row.get::<_, String>(5)?,
                            row.get::<_, String>(6)?,
                        ))
                    })
                    .optional()?;
                let Some((family, retired, expires, owner, scope, site, agent)) = found else {
                    return Ok(RefreshOutcome::Invalid);
                };
                if owner != client {
                    return Ok(RefreshOutcome::Invalid);
                }
                if retired {
                    delete_family(tx, &family)?;
                    return Ok(RefreshOutcome::Reused);
                }
                if expires <= now || !agent_is_active(tx, &site, &agent)? {
                    return Ok(RefreshOutcome::Invalid);
                }
                tx.prepare_cached("UPDATE oauth_tokens SET retired = 1 WHERE token_hash = ?1")?
                    .execute([hash.0.as_slice()])?;
                insert_pair(tx, &family, &pair)?;
                Ok(RefreshOutcome::Issued { scope })
            })
            .await
    }

    /// RFC 7009: revokes a token of `client` (a refresh token takes its whole family with
    /// it). `false` when there was nothing of this client's to revoke.
    pub async fn revoke(&self, hash: KeyHash, client: Uuid) -> StoreResult<bool> {
        self.store
            .db
            .write(move |tx| {
                let found = tx
                    .prepare_cached(
                        "SELECT t.family_id, t.kind, f.client_id
                         FROM oauth_tokens t JOIN oauth_families f ON f.id = t.family_id
                         WHERE t.token_hash = ?1",
                    )?
                    .query_row([hash.0.as_slice()], |row| {
                        Ok((
                            row.get::<_, String>(0)?,
                            row.get::<_, String>(1)?,
                            uuid_at(row, 2)?,
                        ))
                    })
                    .optional()?;
                match found {
                    Some((family, kind, owner)) if owner == client => {
                        if kind == "refresh" {
                            delete_family(tx, &family)?;
                        } else {
                            tx.prepare_cached("DELETE FROM oauth_tokens WHERE token_hash = ?1")?
                                .execute([hash.0.as_slice()])?;
                        }
                        Ok(true)
                    }
                    _ => Ok(false),
                }
            })
            .await
    }

    /// The agent an access token acts as, with the token's expiry (checked by the caller).
    pub async fn credential_for_access_token(
        &self,
        hash: KeyHash,
    ) -> StoreResult<Option<(Credential, DateTime<Utc>)>> {
        self.store
            .db
            .read(move |conn| {
                Ok(conn
                    .prepare_cached(
                        "SELECT a.site_id, a.id, a.email, a.role, a.is_active, t.expires_time
                         FROM oauth_tokens t
                         JOIN oauth_families f ON f.id = t.family_id
                         JOIN agents a ON a.site_id = f.site_id AND a.id = f.agent_id
                         WHERE t.token_hash = ?1 AND t.kind = 'access'",
                    )?
                    .query_row([hash.0.as_slice()], |row| {
                        let role: String = row.get(3)?;
                        Ok((
                            Credential {
                                site_id: SiteId(uuid_at(row, 0)?),
                                agent_id: AgentId(uuid_at(row, 1)?),
                                email: row.get(2)?,
                                role: Role::parse(&role).ok_or_else(|| {
                                    rusqlite::Error::FromSqlConversionFailure(
                                        3,
                                        Type::Text,
                                        format!("unknown role {role:?}").into(),
                                    )
                                })?,
                                is_active: row.get(4)?,
                            },
                            time_at(row, 5)?,
                        ))
                    })
                    .optional()?)
            })
            .await
    }

    /// Revokes every token the agent granted.
    pub async fn revoke_agent(&self, site: SiteId, agent: AgentId) -> StoreResult<usize> {
        self.store
            .db
            .write(move |tx| revoke_agent_tokens(tx, site, agent))
            .await
    }
}

#[cfg(test)]
mod tests;
