//! IMAP ingestion bookkeeping (migration 12): per account, the mailbox's UIDVALIDITY and the
//! last UID whose message is stored. The worker advances it only after the messages up to that
//! UID are committed, so a restart resumes where the database says, never from memory; a crash
//! in between re-reads a few messages, which the Message-ID check then drops.

use crate::error::StoreResult;
use crate::time;
use crate::Store;
use anytime_core::model::SiteId;
use rusqlite::OptionalExtension;

/// Where one account's INBOX was read up to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailboxPosition {
    pub uid_validity: u32,
    pub last_uid: u32,
}

/// IMAP positions: `store.mailboxes()`.
pub struct Mailboxes<'a> {
    pub(crate) store: &'a Store,
}

impl Mailboxes<'_> {
    /// The account's position, `None` before its first message.
    pub async fn position(
        &self,
        site: SiteId,
        account: &str,
    ) -> StoreResult<Option<MailboxPosition>> {
        let (site, account) = (site.to_string(), account.to_string());
        self.store
            .db
            .read(move |conn| {
                Ok(conn
                    .prepare_cached(
                        "SELECT uid_validity, last_uid FROM imap_mailboxes
                          WHERE site_id = ?1 AND account_id = ?2",
                    )?
                    .query_row((site, account), |r| {
                        Ok(MailboxPosition {
                            uid_validity: r.get(0)?,
                            last_uid: r.get(1)?,
                        })
                    })
                    .optional()?)
            })
            .await
    }

    /// Records the position (a new UIDVALIDITY replaces the old one and its UID).
    pub async fn advance(
        &self,
        site: SiteId,
        account: &str,
        position: MailboxPosition,
    ) -> StoreResult<()> {
        let (site, account) = (site.to_string(), account.to_string());
        self.store
            .db
            .write(move |tx| {
                tx.prepare_cached(
                    "INSERT INTO imap_mailboxes (site_id, account_id, uid_validity, last_uid,
                                                 updated_time)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (site_id, account_id) DO UPDATE SET
                         uid_validity = excluded.uid_validity, last_uid = excluded.last_uid,
                         updated_time = excluded.updated_time",
                )?
                .execute((
                    site,
                    account,
                    position.uid_validity,
                    position.last_uid,
                    time::now_text(),
                ))?;
                Ok(())
            })
            .await
    }

    /// Forgets a deleted account's position.
    pub async fn forget(&self, site: SiteId, account: &str) -> StoreResult<()> {
        let (site, account) = (site.to_string(), account.to_string());
        self.store
            .db
            .write(move |tx| {
                tx.prepare_cached(
                    "DELETE FROM imap_mailboxes WHERE site_id = ?1 AND account_id = ?2",
                )?
                .execute((site, account))?;
                Ok(())
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::StoreOptions;

    #[tokio::test]
    async fn positions_survive_reopening_and_move_forward() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let site = SiteId(uuid::Uuid::from_u128(5));
        {
            let (store, _) = Store::open(&path, StoreOptions::default()).await.unwrap();
            let m = store.mailboxes();
            assert_eq!(m.position(site, "a").await.unwrap(), None);
            let p = MailboxPosition {
                uid_validity: 9,
                last_uid: 40,
            };
            m.advance(site, "a", p).await.unwrap();
            m.advance(site, "a", MailboxPosition { last_uid: 41, ..p })
                .await
                .unwrap();
        }
        let (store, _) = Store::open(&path, StoreOptions::default()).await.unwrap();
        let m = store.mailboxes();
        assert_eq!(
            m.position(site, "a").await.unwrap(),
            Some(MailboxPosition {
                uid_validity: 9,
                last_uid: 41
            })
        );
        assert_eq!(m.position(site, "b").await.unwrap(), None);
        m.forget(site, "a").await.unwrap();
        assert_eq!(m.position(site, "a").await.unwrap(), None);
    }
}
