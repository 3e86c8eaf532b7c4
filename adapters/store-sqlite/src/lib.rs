//! # anytime-store
//!
//! SQLite persistence for Anytime. The server sees resource-shaped async methods
//! (`store.agents().get(site, id)`), never SQL: a PostgreSQL store can later offer the same
//! surface. Inside: one writer connection on its own thread (every change is one immediate
//! transaction), a small pool of read-only connections on tokio's blocking threads, WAL mode,
//! foreign keys on, numbered migrations embedded in the binary (`migrations/`).
//!
//! Every method takes the caller's [`SiteId`](anytime_core::model::SiteId) and only sees that
//! site's rows: another site's object is simply "not found".
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), anytime_store::StoreError> {
//! use anytime_store::{Store, StoreOptions};
//! let dir = tempfile::tempdir().unwrap();
//! let (store, applied) = Store::open(dir.path().join("a.db"), StoreOptions::default()).await?;
//! assert_eq!(applied.last().copied(), Some(anytime_store::latest_version()));
//! assert!(store.sites().list().await?.is_empty());
//! # Ok(()) }
//! ```

mod agents;
mod attachments;
mod batch;
mod breaches;
mod bulk;
mod canned;
mod conditions_sql;
#[cfg(test)]
mod conditions_sql_props;
mod contact_conversations;
mod contacts;
mod conversations;
mod db;
mod delivery;
mod departments;
mod documents;
mod drafts;
mod error;
mod fields;
mod filters;
mod inbound;
mod junk;
mod mailboxes;
mod memberships;
mod message_details;
mod migrate;
mod model;
mod oauth;
pub mod outbox;
mod pipeline;
mod reports;
mod search;
mod site_parts;
mod sites;
mod sql;
mod sql_functions;
mod tags;
mod time;
mod whole_conversation;

pub use agents::Agents;
pub use attachments::{Attachment, Attachments};
pub use batch::{Batch, BOT_HISTORY_FIELD};
pub use breaches::{DueBreach, RecordedBreach};
pub use bulk::{Bulk, BulkConversation};
pub use canned::CannedResponses;
pub use contacts::Contacts;
pub use conversations::{
    ConversationChange, ConversationQuery, ConversationSort, Conversations, NextIds,
};
pub use db::{Durability, StoreOptions};
pub use delivery::{DeliveryState, DueEmail, Outbox, ThreadHeaders};
pub use departments::Departments;
pub use documents::Documents;
pub use drafts::{Draft, DraftContent, DraftSave, Drafts};
pub use error::{StoreError, StoreResult};
pub use fields::{FieldMapping, Fields, StoredField};
pub use filters::{Filter, FilterInput, Filters};
pub use inbound::{Inbound, InboundTx, Rejection, SenderKey};
pub use junk::{JunkEmail, JunkEmails, JunkQuery};
pub use mailboxes::{MailboxPosition, Mailboxes};
pub use message_details::{MessageDetails, NewMessageDetails, MAX_CONVERSATION_ATTACHMENT_BYTES};
pub use migrate::latest_version;
pub use model::*;
pub use oauth::{
    AuthorizationCode, CodeRedemption, NewOAuthClient, OAuth, OAuthClient, OAuthClientChanges,
    RefreshOutcome, SignInAgent, TokenPair,
};
pub use pipeline::{DueTimer, Extras, OutboxEmail, StayTimer, StoredEmail, TxView};
pub use reports::{MessageMeta, ReportFilter, ReportRow};
pub use site_parts::SiteParts;
pub use sites::{NewSite, Sites};
pub use tags::Tags;
pub use time::now;
pub use whole_conversation::{MessagesRead, WholeConversation};

use db::Db;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A handle on one database; cheap to clone, shared by every request.
#[derive(Clone)]
pub struct Store {
    db: Arc<Db>,
}

impl Store {
    /// Opens (creating if needed) and migrates the database; returns the migrations applied.
    pub async fn open(
        path: impl Into<PathBuf>,
        options: StoreOptions,
    ) -> StoreResult<(Store, Vec<i64>)> {
        let path = path.into();
        let (db, applied) = tokio::task::spawn_blocking(move || Db::open(&path, options))
            .await
            .map_err(|e| StoreError::Unavailable(format!("open task failed: {e}")))??;
        Ok((Store { db }, applied))
    }

    pub fn path(&self) -> &Path {
        self.db.path()
    }

    pub fn sites(&self) -> Sites<'_> {
        Sites { store: self }
    }

    pub fn agents(&self) -> Agents<'_> {
        Agents { store: self }
    }

    pub fn departments(&self) -> Departments<'_> {
        Departments { store: self }
    }

    pub fn contacts(&self) -> Contacts<'_> {
        Contacts { store: self }
    }

    pub fn conversations(&self) -> Conversations<'_> {
        Conversations { store: self }
    }

    pub fn drafts(&self) -> Drafts<'_> {
        Drafts { store: self }
    }

    /// Loading many finished conversations at once (see [`Bulk`]).
    pub fn bulk(&self) -> Bulk<'_> {
        Bulk { store: self }
    }

    pub fn documents(&self) -> Documents<'_> {
        Documents { store: self }
    }

    pub fn mailboxes(&self) -> Mailboxes<'_> {
        Mailboxes { store: self }
    }

    pub fn outbox(&self) -> Outbox<'_> {
        Outbox { store: self }
    }

    pub fn inbound(&self) -> Inbound<'_> {
        Inbound { store: self }
    }

    pub fn junk_emails(&self) -> JunkEmails<'_> {
        JunkEmails { store: self }
    }

    pub fn tags(&self) -> Tags<'_> {
        Tags { store: self }
    }

    pub fn attachments(&self) -> Attachments<'_> {
        Attachments { store: self }
    }

    pub fn fields(&self) -> Fields<'_> {
        Fields { store: self }
    }

    pub fn filters(&self) -> Filters<'_> {
        Filters { store: self }
    }

    pub fn canned_responses(&self) -> CannedResponses<'_> {
        CannedResponses { store: self }
    }

    pub fn oauth(&self) -> OAuth<'_> {
        OAuth { store: self }
    }

    /// Cheap round trip through a reader and the writer (for `/readyz`).
    pub async fn ping(&self) -> StoreResult<()> {
        self.db
            .read(|conn| Ok(conn.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?))
            .await?;
        self.db.write(|_| Ok(())).await
    }

    /// Writes a consistent copy of the live database to `out` (which must not exist).
    pub async fn backup_to(&self, out: impl Into<PathBuf>) -> StoreResult<()> {
        let db = self.db.path().to_path_buf();
        let out = out.into();
        tokio::task::spawn_blocking(move || backup(&db, &out))
            .await
            .map_err(|e| StoreError::Unavailable(format!("backup task failed: {e}")))?
    }

    /// Lets queued writes finish and stops the writer; later calls fail with `Unavailable`.
    pub async fn close(&self) {
        let db = Arc::clone(&self.db);
        let _ = tokio::task::spawn_blocking(move || db.close()).await;
    }
}

/// Online, consistent copy of `db` into `out` with `VACUUM INTO` (works while a server
/// writes: it reads one snapshot). `out` must not exist yet.
pub fn backup(db: &Path, out: &Path) -> StoreResult<()> {
    if out.exists() {
        return Err(StoreError::invalid(
            "out",
            format!("{} already exists", out.display()),
        ));
    }
    if !db.exists() {
        return Err(StoreError::invalid(
            "db",
            format!("{} does not exist", db.display()),
        ));
    }
    let conn = db::open_connection(db, &StoreOptions::default(), false)?;
    let out_text = out
        .to_str()
        .ok_or_else(|| StoreError::invalid("out", "the path is not valid UTF-8"))?;
    conn.execute("VACUUM INTO ?1", [out_text])?;
    Ok(())
}

/// The schema version recorded in the file at `db` (0 when never migrated).
pub fn schema_version(db: &Path) -> StoreResult<i64> {
    let conn = db::open_connection(db, &StoreOptions::default(), true)?;
    migrate::current_version(&conn)
}

#[cfg(test)]
mod list_order_tests;
#[cfg(test)]
mod loads_tests;
#[cfg(test)]
mod query_plans;
#[cfg(test)]
mod tests;
