//! Departments and their members.

use crate::error::{StoreError, StoreResult};
use crate::memberships::By;
use crate::model::{Department, DepartmentChanges, NewDepartment};
use crate::sql::{ok_or_not_found, time_at, unique_as_conflict, uuid_at};
use crate::{time, Store};
use anytime_core::model::{AgentId, DepartmentId, SiteId};
use rusqlite::{Connection, OptionalExtension, Row, Transaction};

/// Departments: `store.departments()`.
pub struct Departments<'a> {
    pub(crate) store: &'a Store,
}

const COLUMNS: &str = "id, name, description, created_time, updated_time";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Department> {
    Ok(Department {
        id: DepartmentId(uuid_at(row, 0)?),
        name: row.get(1)?,
        description: row.get(2)?,
        members: Vec::new(),
        created_time: time_at(row, 3)?,
        updated_time: time_at(row, 4)?,
    })
}

fn load(conn: &Connection, site: SiteId, id: DepartmentId) -> StoreResult<Option<Department>> {
    let found = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM departments WHERE site_id = ?1 AND id = ?2"
        ))?
        .query_row([site.to_string(), id.to_string()], from_row)
        .optional()?;
    let Some(mut department) = found else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT agent_id FROM department_members WHERE department_id = ?1 ORDER BY agent_id",
    )?;
    department.members = stmt
        .query_map([id.to_string()], |r| uuid_at(r, 0).map(AgentId))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(department))
}

fn set_members(
    tx: &Transaction<'_>,
    site: SiteId,
    id: DepartmentId,
    members: &[AgentId],
) -> StoreResult<()> {
    let mut exists =
        tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM agents WHERE site_id = ?1 AND id = ?2)")?;
    for (i, agent) in members.iter().enumerate() {
        let found: bool = exists.query_row([site.to_string(), agent.to_string()], |r| r.get(0))?;
        if !found {
            return Err(StoreError::invalid(
                format!("members[{i}]"),
                format!("no agent {agent}"),
            ));
        }
    }
    tx.prepare_cached("DELETE FROM department_members WHERE department_id = ?1")?
        .execute([id.to_string()])?;
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO department_members (site_id, department_id, agent_id) VALUES (?1, ?2, ?3)",
    )?;
    for agent in members {
        insert.execute([site.to_string(), id.to_string(), agent.to_string()])?;
    }
    Ok(())
}

const DUPLICATE: &str = "a department with this name already exists";

/// [`Departments::list`] on a connection (also read with the rest of a site's intake parts).
pub(crate) fn list_in(conn: &Connection, site: SiteId) -> StoreResult<Vec<Department>> {
    let mut members = crate::memberships::of_site(conn, site, By::Department)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM departments WHERE site_id = ?1 ORDER BY name, id"
    ))?;
    let list = stmt
        .query_map([site.to_string()], from_row)?
        .map(|d| {
            d.map(|mut d| {
                d.members = members
                    .remove(&d.id.to_string())
                    .unwrap_or_default()
                    .into_iter()
                    .map(AgentId)
                    .collect();
                d
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(list)
}

impl Departments<'_> {
    /// Every department of the site with its members, by name then id.
    pub async fn list(&self, site: SiteId) -> StoreResult<Vec<Department>> {
        self.store.db.read(move |conn| list_in(conn, site)).await
    }

    pub async fn get(&self, site: SiteId, id: DepartmentId) -> StoreResult<Department> {
        self.store
            .db
            .read(move |conn| ok_or_not_found(load(conn, site, id)?, "department"))
            .await
    }

    pub async fn create(&self, site: SiteId, new: NewDepartment) -> StoreResult<Department> {
        self.store
            .db
            .write(move |tx| {
                let now = time::now_text();
                tx.prepare_cached(
                    "INSERT INTO departments (id, site_id, name, description, created_time, updated_time)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                )?
                .execute((new.id.to_string(), site.to_string(), &new.name, &new.description, &now))
                .map_err(|e| unique_as_conflict(e, DUPLICATE))?;
                set_members(tx, site, new.id, &new.members)?;
                ok_or_not_found(load(tx, site, new.id)?, "department")
            })
            .await
    }

    pub async fn update(
        &self,
        site: SiteId,
        id: DepartmentId,
        changes: DepartmentChanges,
    ) -> StoreResult<Department> {
        self.store
            .db
            .write(move |tx| {
                let n = tx
                    .prepare_cached(
                        "UPDATE departments SET name = coalesce(?3, name),
                             description = coalesce(?4, description), updated_time = ?5
                         WHERE site_id = ?1 AND id = ?2",
                    )?
                    .execute((
                        site.to_string(),
                        id.to_string(),
                        &changes.name,
                        &changes.description,
                        time::now_text(),
                    ))
                    .map_err(|e| unique_as_conflict(e, DUPLICATE))?;
                if n == 0 {
                    return Err(StoreError::not_found("department"));
                }
                if let Some(members) = &changes.members {
                    set_members(tx, site, id, members)?;
                }
                ok_or_not_found(load(tx, site, id)?, "department")
            })
            .await
    }

    pub async fn delete(&self, site: SiteId, id: DepartmentId) -> StoreResult<()> {
        self.store
            .db
            .write(move |tx| {
                let n = tx
                    .prepare_cached("DELETE FROM departments WHERE site_id = ?1 AND id = ?2")?
                    .execute([site.to_string(), id.to_string()])?;
                if n == 0 {
                    return Err(StoreError::not_found("department"));
                }
                Ok(())
            })
            .await
    }
}
