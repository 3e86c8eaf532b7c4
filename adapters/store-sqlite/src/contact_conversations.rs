//! A contact's own conversations (the portal's list, SPEC §4.12).

use crate::error::{StoreError, StoreResult};
use anytime_core::model::{ContactId, Conversation, SiteId};

impl crate::Conversations<'_> {
    /// The contact's conversations that are not deleted, newest first (ties by id).
    pub async fn of_contact(
        &self,
        site: SiteId,
        contact: ContactId,
    ) -> StoreResult<Vec<Conversation>> {
        let site = site.to_string();
        let contact = contact.to_string();
        self.store
            .db
            .read(move |conn| {
                let mut stmt = conn.prepare_cached(
                    "SELECT snapshot FROM conversations
                     WHERE site_id = ?1 AND contact_id = ?2 AND is_deleted = 0
                     ORDER BY created_time DESC, id DESC",
                )?;
                let rows = stmt
                    .query_map((&site, &contact), |r| r.get::<_, String>(0))?
                    .collect::<Result<Vec<_>, _>>()?;
                rows.iter()
                    .map(|t| {
                        serde_json::from_str(t).map_err(|e| {
                            StoreError::Unavailable(format!("stored JSON is unreadable: {e}"))
                        })
                    })
                    .collect()
            })
            .await
    }
}
