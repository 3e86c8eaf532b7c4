//! What the server reads before every create and reply (custom fields, agents, departments,
//! the site's settings) in one read transaction. Four separate reads were four trips through
//! the reader pool (a blocking-thread hand-off and a transaction each) on every change.

use crate::error::StoreResult;
use crate::fields::StoredField;
use crate::model::{Agent, Department, Site};
use crate::sql::ok_or_not_found;
use crate::Sites;
use anytime_core::model::SiteId;

/// A site's parts as of one read transaction.
#[derive(Debug, Clone)]
pub struct SiteParts {
    /// Custom fields, oldest first (as `Fields::list`).
    pub fields: Vec<StoredField>,
    /// As `Agents::list`.
    pub agents: Vec<Agent>,
    /// As `Departments::list`.
    pub departments: Vec<Department>,
    pub site: Site,
}

impl Sites<'_> {
    /// Fields, agents, departments and the site itself, read together.
    pub async fn parts(&self, site: SiteId) -> StoreResult<SiteParts> {
        self.store
            .db
            .read(move |conn| {
                Ok(SiteParts {
                    fields: crate::fields::load_all(conn, &site.to_string())?,
                    agents: crate::agents::list_in(conn, site)?,
                    departments: crate::departments::list_in(conn, site)?,
                    site: ok_or_not_found(crate::sites::load_site(conn, site)?, "site")?,
                })
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn parts_are_what_the_single_reads_return() {
        let (_dir, store, site) = crate::tests::store_with_site().await;
        let parts = store.sites().parts(site).await.unwrap();
        assert_eq!(parts.agents, store.agents().list(site).await.unwrap());
        assert_eq!(
            parts.departments,
            store.departments().list(site).await.unwrap()
        );
        assert_eq!(
            parts.fields.len(),
            store.fields().list(site).await.unwrap().len()
        );
        assert_eq!(parts.site, store.sites().get(site).await.unwrap());
        assert!(!parts.agents.is_empty());
        let missing = anytime_core::model::SiteId(uuid::Uuid::from_u128(5));
        assert!(store.sites().parts(missing).await.is_err());
    }
}
