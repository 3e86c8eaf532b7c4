//! `admitConversation`: an extension of SPEC §6 for scripts and the web playground — apply a
//! `create` command, then run the new-conversation pipeline with the site's rules as JSON.

use super::{admit, Admission, Arrival, SiteRules};
use crate::allocation::{AllocationState, AutoAllocationSetting};
use crate::business_hours::BusinessCalendar;
use crate::conversation::{apply_command, Action, Command, Env};
use crate::field_validation::Known;
use crate::model::{Agent, AgentId, Context, Conversation, Department, FieldDef, FieldSet};
use crate::routing::{AccountAssignment, People, Router, RoutingConfig};
use crate::sla::{OpenTime, SlaPolicy, SlaRules};
use crate::trigger::{compile_trigger, SiteInfo, Trigger, TriggerSet};
use crate::working_time::{Holiday, WorkingTime};
use crate::{CoreError, CoreResult};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdmitArgs {
    /// The new conversation's id and any preset snapshot fields.
    pub conversation: Conversation,
    /// A `create` command (SPEC §5.7).
    pub command: Command,
    #[serde(default)]
    pub routing: RoutingConfig,
    #[serde(default)]
    pub allocation: AutoAllocationSetting,
    #[serde(default)]
    pub state: AllocationState,
    #[serde(default)]
    pub sla_policies: Vec<SlaPolicy>,
    #[serde(default)]
    pub working_time: Option<WorkingTime>,
    #[serde(default)]
    pub holidays: Vec<Holiday>,
    #[serde(default)]
    pub triggers: Vec<Trigger>,
    #[serde(default)]
    pub fields: Vec<FieldDef>,
    #[serde(default)]
    pub agents: Vec<Agent>,
    #[serde(default)]
    pub departments: Vec<Department>,
    pub context: Context,
    #[serde(default)]
    pub site: SiteInfo,
    #[serde(default)]
    pub account: AccountAssignment,
    #[serde(default)]
    pub to_bot: bool,
    #[serde(default)]
    pub last_assignee_id: Option<AgentId>,
}

pub fn admit_json(args: AdmitArgs) -> CoreResult<Admission> {
    let now = args
        .context
        .now
        .ok_or_else(|| CoreError::invalid("context.now", "is required"))?;
    let explicit_assignee = match &args.command.action {
        Action::Create(create) => {
            create.agent_assignee_id.is_some() || create.department_assignee_id.is_some()
        }
        _ => return Err(CoreError::invalid("command.type", "must be `create`")),
    };
    let fields = FieldSet::new(args.fields);
    let known = Known::from_lists(&args.agents, &args.departments);
    let business: Option<Box<dyn OpenTime + Send + Sync>> = match &args.working_time {
        Some(wt) => Some(Box::new(BusinessCalendar::new(wt, &args.holidays)?)),
        None => None,
    };
    let triggers = args
        .triggers
        .iter()
        .enumerate()
        .map(|(i, t)| {
            compile_trigger(t, &fields, &known).map_err(|e| e.nested(&format!("triggers[{i}]")))
        })
        .collect::<CoreResult<Vec<_>>>()?;
    let people = People {
        agents: &args.agents,
        departments: &args.departments,
    };
    let rules = SiteRules {
        router: Router::compile(&args.routing, &fields, None).map_err(|e| e.nested("routing"))?,
        allocation: args.allocation,
        sla: SlaRules::compile(&args.sla_policies, &fields, business)
            .map_err(|e| e.nested("slaPolicies"))?,
        triggers: TriggerSet::new(triggers),
        site: args.site,
    };
    let env = Env {
        now,
        fields: &fields,
        known: &known,
    };
    let created = apply_command(args.conversation, args.command, &env)?;
    let arrival = Arrival {
        env: &env,
        people,
        context: &args.context,
        account: args.account,
        to_bot: args.to_bot,
        last_assignee_id: args.last_assignee_id,
        explicit_assignee,
    };
    admit(created, &rules, &arrival, args.state)
}
