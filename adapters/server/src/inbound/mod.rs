//! Inbound email administration (SPEC §4.9, §4.10): blocked senders, junk emails, email
//! settings. Each site's list is one site
//! document, validated by the core's [`BlockIndex`](anytime_core::inbound::BlockIndex), so the
//! API accepts exactly the rules the inbound pipeline can index.

pub(crate) mod accounts;
mod blocked;
mod channel_inbound;
pub mod channels;
pub mod delivery;
pub mod imap_sync;
pub mod ingest;
#[cfg(test)]
mod ingest_tests;
mod junk;
pub mod raw;
pub mod secrets;
pub mod servers;
pub(crate) mod settings;

use crate::app::AppState;
use utoipa_axum::router::OpenApiRouter;

/// Name of the site document holding the blocked senders.
pub const BLOCKED_SENDERS: &str = "blockedSenders";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(blocked::router())
        .merge(junk::router())
        .merge(settings::router())
        .merge(accounts::router())
        .merge(raw::router())
        .merge(channels::router())
        .merge(channel_inbound::router())
}
