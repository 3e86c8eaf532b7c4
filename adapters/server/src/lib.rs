//! The Anytime server: HTTP API (axum) over the SQLite store, calling the pure core for every
//! decision. `main.rs` is only argument parsing; everything here is testable in-process.

pub mod app;
pub mod attachments;
pub mod auth;
pub mod breach_worker;
pub mod cli;
pub mod compat;
pub mod config;
pub mod conversations;
pub mod eval_cmd;
pub mod fields;
pub mod filters;
pub mod html;
pub mod http;
pub mod inbound;
pub mod oauth;
pub mod ops;
pub mod people;
pub mod portal;
pub mod reports;
pub mod rules;
pub mod workers;
