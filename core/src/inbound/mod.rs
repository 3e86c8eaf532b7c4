//! The inbound pipeline's decisions (SPEC §5.9) and the threading headers of outgoing
//! replies.
//!
//! The adapter parses the message, looks up what the rules need (stored messages with the
//! ids from [`InboundMessage::lookup_ids`], the conversations they belong to and those named
//! by [`subject_tokens`]), compiles the site's [`InboundConfig`] once into [`InboundRules`],
//! and gets a [`Decision`] to carry out. Nothing here reads a clock or a store.
//!
//! ```
//! use anytime_core::inbound::{Action, InboundConfig, InboundMessage};
//! let config: InboundConfig = serde_json::from_str(r#"{
//!     "siteAddresses": ["support@acme.test"],
//!     "blockedSenders": [{"email": "spam.test", "blockType": "rejectDomain"}]
//! }"#).unwrap();
//! let rules = config.compile().unwrap();
//! let message: InboundMessage = serde_json::from_str(
//!     r#"{"messageId": "<1@mx.spam.test>", "from": "Eve <eve@mx.spam.test>", "subject": "Hi"}"#,
//! ).unwrap();
//! let now = "2024-05-01T12:00:00Z".parse().unwrap();
//! assert!(matches!(rules.decide(&message, now).action, Action::Reject { .. }));
//! ```

mod address;
pub mod api;
mod blocked;
mod bot;
mod config;
mod decide;
mod decision;
mod message;
mod reply;
#[cfg(test)]
mod tests;

pub use address::{domain_of, domain_suffixes, normalize_address};
pub use blocked::{BlockIndex, BlockType, BlockedSender};
pub use bot::{bot_draw, draw_bucket, fnv1a64};
pub use config::{
    BotShare, InboundConfig, InboundRules, KnownMessage, ThreadCandidate, DEFAULT_FOLLOW_UP_DAYS,
};
pub use decision::{Action, Decision, ThreadMatch};
pub use message::{normalize_message_id, subject_tokens, Header, Headers, InboundMessage};
pub use reply::{
    reply_headers, reply_subject, LayoutTemplate, ReplyHeaders, ReplyInput, CONTENT_PLACEHOLDER,
    MAX_REFERENCES,
};
