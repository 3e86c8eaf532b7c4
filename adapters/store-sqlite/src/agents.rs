//! Agents, their department memberships and API keys.

use crate::error::{StoreError, StoreResult};
use crate::memberships::By;
use crate::model::{Agent, AgentChanges, Credential, KeyHash, NewAgent, Role};
use crate::sql::{ok_or_not_found, time_at, unique_as_conflict, uuid_at};
use crate::{time, Store};
use anytime_core::model::{AgentId, AgentStatus, DepartmentId, SiteId};
use rusqlite::types::Type;
use rusqlite::{Connection, OptionalExtension, Row, Transaction};

/// Agents: `store.agents()`.
pub struct Agents<'a> {
    pub(crate) store: &'a Store,
}

const AGENT_COLUMNS: &str = "id, site_id, name, email, role, is_active, status, \
                             password_hash IS NOT NULL, created_time, updated_time";

fn bad_text(idx: usize, what: &str, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        idx,
        Type::Text,
        format!("unknown {what} {value:?}").into(),
    )
}

fn agent_from_row(row: &Row<'_>) -> rusqlite::Result<Agent> {
    let role: String = row.get(4)?;
    let status: String = row.get(6)?;
    Ok(Agent {
        id: AgentId(uuid_at(row, 0)?),
        site_id: SiteId(uuid_at(row, 1)?),
        name: row.get(2)?,
        email: row.get(3)?,
        role: Role::parse(&role).ok_or_else(|| bad_text(4, "role", &role))?,
        is_active: row.get(5)?,
        status: AgentStatus::parse(&status).ok_or_else(|| bad_text(6, "status", &status))?,
        department_ids: Vec::new(),
        has_password: row.get(7)?,
        created_time: time_at(row, 8)?,
        updated_time: time_at(row, 9)?,
    })
}

fn department_ids_of(conn: &Connection, agent: AgentId) -> StoreResult<Vec<DepartmentId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT department_id FROM department_members WHERE agent_id = ?1 ORDER BY department_id",
    )?;
    let rows = stmt.query_map([agent.to_string()], |r| uuid_at(r, 0).map(DepartmentId))?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

pub(crate) fn load_agent(
    conn: &Connection,
    site: SiteId,
    id: AgentId,
) -> StoreResult<Option<Agent>> {
    let agent = conn
        .prepare_cached(&format!(
            "SELECT {AGENT_COLUMNS} FROM agents WHERE site_id = ?1 AND id = ?2"
        ))?
        .query_row([site.to_string(), id.to_string()], agent_from_row)
        .optional()?;
    match agent {
        Some(mut agent) => {
            agent.department_ids = department_ids_of(conn, id)?;
            Ok(Some(agent))
        }
        None => Ok(None),
    }
}

/// Fails with `Invalid` naming `field[i]` for the first id that is not a department of `site`.
fn check_departments(conn: &Connection, site: SiteId, ids: &[DepartmentId]) -> StoreResult<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM departments WHERE site_id = ?1 AND id = ?2)",
    )?;
    for (i, id) in ids.iter().enumerate() {
        let exists: bool = stmt.query_row([site.to_string(), id.to_string()], |r| r.get(0))?;
        if !exists {
            return Err(StoreError::invalid(
                format!("departmentIds[{i}]"),
                format!("no department {id}"),
            ));
        }
    }
    Ok(())
}

fn set_departments(
    tx: &Transaction<'_>,
    site: SiteId,
    agent: AgentId,
    ids: &[DepartmentId],
) -> StoreResult<()> {
    check_departments(tx, site, ids)?;
    tx.prepare_cached("DELETE FROM department_members WHERE agent_id = ?1")?
        .execute([agent.to_string()])?;
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO department_members (site_id, department_id, agent_id) VALUES (?1, ?2, ?3)",
    )?;
    for id in ids {
        insert.execute([site.to_string(), id.to_string(), agent.to_string()])?;
    }
    Ok(())
}

fn email_taken(
    conn: &Connection,
    site: SiteId,
    email: &str,
    except: Option<AgentId>,
) -> StoreResult<bool> {
    let other: Option<String> = conn
        .prepare_cached("SELECT id FROM agents WHERE site_id = ?1 AND email = ?2")?
        .query_row([site.to_string(), email.to_string()], |r| r.get(0))
        .optional()?;
    Ok(match (other, except) {
        (Some(other), Some(except)) => other != except.to_string(),
        (Some(_), None) => true,
        (None, _) => false,
    })
}

/// A site must keep at least one active admin, or nobody could manage it.
fn ensure_an_admin(tx: &Transaction<'_>, site: SiteId) -> StoreResult<()> {
    let admins: i64 = tx
        .prepare_cached(
            "SELECT count(*) FROM agents WHERE site_id = ?1 AND role = 'admin' AND is_active = 1",
        )?
        .query_row([site.to_string()], |r| r.get(0))?;
    if admins == 0 {
        return Err(StoreError::conflict(
            "a site needs at least one active admin",
        ));
    }
    Ok(())
}

fn insert_key(tx: &Transaction<'_>, site: SiteId, agent: AgentId, key: KeyHash) -> StoreResult<()> {
    tx.prepare_cached(
        "INSERT INTO api_keys (key_hash, site_id, agent_id, created_time) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute((
        key.0.as_slice(),
        site.to_string(),
        agent.to_string(),
        time::now_text(),
    ))
    .map_err(|e| unique_as_conflict(e, "API key collision; try again"))?;
    Ok(())
}

pub(crate) fn insert_agent(
    tx: &Transaction<'_>,
    site: SiteId,
    new: NewAgent,
) -> StoreResult<Agent> {
    if email_taken(tx, site, &new.email, None)? {
        return Err(StoreError::conflict(format!(
            "an agent with email {} already exists",
            new.email
        )));
    }
    let now = time::now_text();
    tx.prepare_cached(
        "INSERT INTO agents (id, site_id, name, email, role, is_active, status, password_hash,
                             created_time, updated_time)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
    )?
    .execute((
        new.id.to_string(),
        site.to_string(),
        &new.name,
        &new.email,
        new.role.as_str(),
        new.is_active,
        new.status.as_str(),
        &new.password_hash,
        &now,
    ))
    .map_err(|e| unique_as_conflict(e, "an agent with this id or email already exists"))?;
    set_departments(tx, site, new.id, &new.department_ids)?;
    insert_key(tx, site, new.id, new.api_key)?;
    ok_or_not_found(load_agent(tx, site, new.id)?, "agent")
}

fn require_agent(tx: &Transaction<'_>, site: SiteId, id: AgentId) -> StoreResult<()> {
    let exists: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM agents WHERE site_id = ?1 AND id = ?2)")?
        .query_row([site.to_string(), id.to_string()], |r| r.get(0))?;
    if exists {
        Ok(())
    } else {
        Err(StoreError::not_found("agent"))
    }
}

/// [`Agents::list`] on a connection (also read with the rest of a site's intake parts).
pub(crate) fn list_in(conn: &Connection, site: SiteId) -> StoreResult<Vec<Agent>> {
    let mut memberships = crate::memberships::of_site(conn, site, By::Agent)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {AGENT_COLUMNS} FROM agents WHERE site_id = ?1 ORDER BY name, id"
    ))?;
    let agents = stmt
        .query_map([site.to_string()], agent_from_row)?
        .map(|agent| {
            agent.map(|mut agent| {
                agent.department_ids = memberships
                    .remove(&agent.id.to_string())
                    .unwrap_or_default()
                    .into_iter()
                    .map(DepartmentId)
                    .collect();
                agent
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(agents)
}

impl Agents<'_> {
    /// Every agent of the site, by name then id.
    pub async fn list(&self, site: SiteId) -> StoreResult<Vec<Agent>> {
        self.store.db.read(move |conn| list_in(conn, site)).await
    }

    pub async fn get(&self, site: SiteId, id: AgentId) -> StoreResult<Agent> {
        self.store
            .db
            .read(move |conn| ok_or_not_found(load_agent(conn, site, id)?, "agent"))
            .await
    }

    /// Creates the agent, its memberships and its first API key.
    pub async fn create(&self, site: SiteId, new: NewAgent) -> StoreResult<Agent> {
        self.store
            .db
            .write(move |tx| insert_agent(tx, site, new))
            .await
    }

    /// Applies the given changes; refuses to leave the site without an active admin.
    pub async fn update(
        &self,
        site: SiteId,
        id: AgentId,
        changes: AgentChanges,
    ) -> StoreResult<Agent> {
        self.store
            .db
            .write(move |tx| {
                require_agent(tx, site, id)?;
                if let Some(email) = &changes.email {
                    if email_taken(tx, site, email, Some(id))? {
                        return Err(StoreError::conflict(format!(
                            "an agent with email {email} already exists"
                        )));
                    }
                }
                tx.prepare_cached(
                    "UPDATE agents SET
                         name = coalesce(?3, name),
                         email = coalesce(?4, email),
                         role = coalesce(?5, role),
                         is_active = coalesce(?6, is_active),
                         status = coalesce(?7, status),
                         password_hash = coalesce(?8, password_hash),
                         updated_time = ?9
                     WHERE site_id = ?1 AND id = ?2",
                )?
                .execute((
                    site.to_string(),
                    id.to_string(),
                    &changes.name,
                    &changes.email,
                    changes.role.map(Role::as_str),
                    changes.is_active,
                    changes.status.map(AgentStatus::as_str),
                    &changes.password_hash,
                    time::now_text(),
                ))
                .map_err(|e| unique_as_conflict(e, "an agent with this email already exists"))?;
                if let Some(ids) = &changes.department_ids {
                    set_departments(tx, site, id, ids)?;
                }
                // SPEC §4.15: disabling an agent or changing its password revokes its tokens.
                if changes.is_active == Some(false) || changes.password_hash.is_some() {
                    crate::oauth::revoke_agent_tokens(tx, site, id)?;
                }
                ensure_an_admin(tx, site)?;
                ok_or_not_found(load_agent(tx, site, id)?, "agent")
            })
            .await
    }

    pub async fn set_status(
        &self,
        site: SiteId,
        id: AgentId,
        status: AgentStatus,
    ) -> StoreResult<Agent> {
        self.update(
            site,
            id,
            AgentChanges {
                status: Some(status),
                ..AgentChanges::default()
            },
        )
        .await
    }

    /// Deletes the agent with its keys and memberships.
    pub async fn delete(&self, site: SiteId, id: AgentId) -> StoreResult<()> {
        self.store
            .db
            .write(move |tx| {
                let n = tx
                    .prepare_cached("DELETE FROM agents WHERE site_id = ?1 AND id = ?2")?
                    .execute([site.to_string(), id.to_string()])?;
                if n == 0 {
                    return Err(StoreError::not_found("agent"));
                }
                ensure_an_admin(tx, site)
            })
            .await
    }

    /// Revokes every key of the agent and stores `key` as its only one.
    pub async fn replace_api_key(
        &self,
        site: SiteId,
        id: AgentId,
        key: KeyHash,
    ) -> StoreResult<()> {
        self.store
            .db
            .write(move |tx| {
                require_agent(tx, site, id)?;
                tx.prepare_cached("DELETE FROM api_keys WHERE site_id = ?1 AND agent_id = ?2")?
                    .execute([site.to_string(), id.to_string()])?;
                insert_key(tx, site, id, key)
            })
            .await
    }

    /// Revokes every key of the agent (it can no longer authenticate with a key).
    pub async fn revoke_api_keys(&self, site: SiteId, id: AgentId) -> StoreResult<()> {
        self.store
            .db
            .write(move |tx| {
                require_agent(tx, site, id)?;
                tx.prepare_cached("DELETE FROM api_keys WHERE site_id = ?1 AND agent_id = ?2")?
                    .execute([site.to_string(), id.to_string()])?;
                Ok(())
            })
            .await
    }

    /// The agent a key belongs to, if the key exists (in any site).
    pub async fn credential_for_key(&self, key: KeyHash) -> StoreResult<Option<Credential>> {
        self.store
            .db
            .read(move |conn| {
                let found = conn
                    .prepare_cached(
                        "SELECT a.site_id, a.id, a.email, a.role, a.is_active
                         FROM api_keys k JOIN agents a ON a.site_id = k.site_id AND a.id = k.agent_id
                         WHERE k.key_hash = ?1",
                    )?
                    .query_row([key.0.as_slice()], |row| {
                        let role: String = row.get(3)?;
                        Ok(Credential {
                            site_id: SiteId(uuid_at(row, 0)?),
                            agent_id: AgentId(uuid_at(row, 1)?),
                            email: row.get(2)?,
                            role: Role::parse(&role).ok_or_else(|| bad_text(3, "role", &role))?,
                            is_active: row.get(4)?,
                        })
                    })
                    .optional()?;
                Ok(found)
            })
            .await
    }
}
