//! Seed compatibility (SPEC Appendix A): the translations of the seeds' own spellings that are
//! more than a key rename. Key renames live in each resource's [`Shape`](crate::rules::body::Shape)
//! (one table per resource, resolved by `body::normalize`); what needs to look at values —
//! numeric enums, conditions hoisted from a rule, `index` ordering — lives here, one function
//! per concept, so the core only ever receives SPEC names.

pub mod conditions;
pub mod email_account;
pub mod openapi;
pub mod seed004;
pub mod sla;
