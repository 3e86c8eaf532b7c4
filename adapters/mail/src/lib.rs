//! # anytime-mail
//!
//! The email channel's adapter (issue 6). Depends on the core only: it turns raw MIME into
//! the core's [`InboundMessage`](anytime_core::inbound::InboundMessage) ([`parse`]), builds
//! outgoing MIME with the threading headers and layout template the core decides
//! ([`compose`]), and keeps the one HTML allow-list every stored body passes ([`html`]).
//! What to do with a message is the core's and the server's business, not this crate's.

pub mod compose;
mod error;
pub mod html;
pub mod imap;
pub mod parse;
pub mod smtp;
mod tls;

pub use compose::{compose, Outgoing, OutgoingAttachment, Party};
pub use error::MailError;
pub use parse::{parse, MailAttachment, ParsedMail};
pub use tls::Security;
