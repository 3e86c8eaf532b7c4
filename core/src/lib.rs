//! # anytime-core
//!
//! Every decision the help desk makes, as pure functions: no I/O, no clock, no randomness.
//! Callers pass the current instant, ids for new records and random draws as arguments and
//! get decisions back as data. The same functions run natively (server, `anytime eval`) and
//! in the browser (`bindings/wasm`); [`eval::call`] is their shared JSON entry point.
//!
//! Where each rule of SPEC §5 lives:
//! - §5.1 conditions: [`condition`], logical expressions: [`expression`]
//! - §5.5 business hours: [`working_time`] (the settings), [`business_hours`] (the arithmetic)
//! - §5.6 SLA: [`sla`]
//! - §5.7 conversation state: [`conversation`]
//! - §5.8 field validation: [`field_validation`]
//! - §5.2 routing: [`routing`]
//! - §5.3 auto allocation: [`allocation`]
//! - §5.4 triggers: [`trigger`]
//! - §5.9 new-conversation pipeline (routing → allocation → triggers → SLA): [`intake`]
//! - §5.9 inbound decisions and reply headers: [`inbound`]

pub mod allocation;
pub mod business_hours;
pub mod condition;
pub mod conversation;
pub mod error;
pub mod eval;
pub mod expression;
pub mod field_validation;
pub mod inbound;
pub mod intake;
pub mod model;
pub mod reports;
pub mod routing;
pub mod sla;
pub mod trigger;
pub mod working_time;
pub mod zone;

pub use error::{CoreError, CoreResult, ErrorDetail};
