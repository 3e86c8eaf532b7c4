//! Triggers (SPEC §4.6, §5.4): validated when saved ([`compile_trigger`]), run per event
//! ([`run_triggers`]) with cascades, returning the new conversation and effects as data.

mod api;
mod compile;
mod effect;
mod model;
mod placeholder;
mod run;

pub use api::{run_triggers_json, RunTriggersArgs};
pub use compile::{compile_trigger, CompiledTrigger};
pub use effect::{Effect, Recipient, Suppression};
pub use model::{AutoUpdate, Trigger, TriggerEvent};
pub use placeholder::{Placeholder, Template};
pub use run::{run_triggers, Occurrence, RunEnv, SiteInfo, TriggerRun, TriggerSet, MAX_ROUNDS};

#[cfg(test)]
mod tests;
