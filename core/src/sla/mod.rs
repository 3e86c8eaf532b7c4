//! SLA (SPEC §5.6): which policy applies, and when each of its targets is due or was breached,
//! as a function of the conversation's timeline and `now`.
//!
//! Nothing here is incremental: targets are recomputed from the timeline on every call, so a
//! change of policy "recomputes open targets from their original start instants" by
//! construction, and a restart of the server cannot lose or double a clock.

mod api;
mod clock;
mod policy;
mod rules;
mod targets;

pub use api::{compute_sla_json, ComputeSlaArgs, ComputeSlaResult};
pub use clock::{CalendarTime, OpenTime};
pub use policy::{OperationalHour, SlaPolicy};
pub use rules::{SlaOutcome, SlaRules};
pub use targets::{compute_targets, Breach, SlaTarget, SlaTargets, TargetSeconds};

#[cfg(test)]
mod tests;
