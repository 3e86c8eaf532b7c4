//! Conversations and messages (SPEC §4.1, §5.7). Every change is one call of the core's
//! `apply_command` inside one store write transaction; the server only loads, calls and
//! persists.

mod batch;
pub(crate) mod details;
mod drafts;
mod handlers;
mod includes;
mod schemas;
pub mod service;

pub use handlers::router;
