//! Routing (SPEC §4.4, §5.2): which agent or department a new conversation goes to.

mod api;
mod model;
mod route;

pub use api::{route_json, RouteArgs};
pub use model::{
    AccountAssignment, CustomRule, RouteDecision, RouteObject, RouteVia, RoutingConfig,
    RoutingType, Target,
};
pub use route::{People, Router};

#[cfg(test)]
mod tests;
