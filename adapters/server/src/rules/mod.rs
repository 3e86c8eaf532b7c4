//! Administrator rules (SPEC §4.4–4.8): routing with custom rules, auto allocation, triggers,
//! SLA policies, working time and holidays. Every save is validated by the core (400 naming
//! the field) and invalidates the site's compiled [`SiteRules`](anytime_core::intake::SiteRules),
//! which the new-conversation pipeline ([`intake`]) runs on.

pub(crate) mod allocation;
pub mod body;
mod breaches;
mod department_filters;
pub mod intake;
mod lists;
pub mod queue;
pub(crate) mod routing;
pub mod site;
pub(crate) mod sla;
pub(crate) mod triggers;
pub(crate) mod working_time;

pub use site::RulesCache;

use crate::app::AppState;
use utoipa_axum::router::OpenApiRouter;

/// Names of the site documents (see the store's `documents`).
pub mod docs {
    pub const ROUTING: &str = "routing";
    pub const ALLOCATION: &str = "autoAllocation";
    pub const TRIGGERS: &str = "triggers";
    pub const SLA: &str = "slaPolicies";
    pub const WORKING_TIME: &str = "workingTime";
    pub const HOLIDAYS: &str = "holidays";
    pub const ALLOCATION_STATE: &str = "allocationState";
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(routing::router())
        .merge(allocation::router())
        .merge(triggers::router())
        .merge(sla::router())
        .merge(working_time::router())
}
