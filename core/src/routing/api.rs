//! `route` (SPEC §6): the JSON face of [`super::Router`].

use super::model::{AccountAssignment, RouteDecision, RoutingConfig};
use super::route::{People, Router};
use crate::model::{Agent, Context, Conversation, Department, FieldDef, FieldSet};
use crate::CoreResult;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteArgs {
    pub routing: RoutingConfig,
    pub conversation: Conversation,
    #[serde(default)]
    pub fields: Vec<FieldDef>,
    #[serde(default)]
    pub agents: Vec<Agent>,
    #[serde(default)]
    pub departments: Vec<Department>,
    #[serde(default)]
    pub context: Context,
    /// The receiving email/channel account's assignment (used when routing is disabled).
    #[serde(default)]
    pub account: AccountAssignment,
}

pub fn route_json(args: RouteArgs) -> CoreResult<RouteDecision> {
    let fields = FieldSet::new(args.fields);
    // Targets are not required to exist here: a missing one falls back when routing, which
    // is exactly what this function is for showing.
    let router = Router::compile(&args.routing, &fields, None).map_err(|e| e.nested("routing"))?;
    let people = People {
        agents: &args.agents,
        departments: &args.departments,
    };
    Ok(router.route(&args.conversation, &args.context, people, args.account))
}
