//! `runTriggers` (SPEC §6): the JSON face of [`super::run_triggers`].

use super::compile::compile_trigger;
use super::model::{Trigger, TriggerEvent};
use super::run::{run_triggers, Occurrence, RunEnv, SiteInfo, TriggerRun, TriggerSet};
use crate::conversation::Env;
use crate::field_validation::Known;
use crate::model::{Agent, Context, Conversation, Department, FieldDef, FieldSet, RuleId};
use crate::{CoreError, CoreResult};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunTriggersArgs {
    pub triggers: Vec<Trigger>,
    pub event: TriggerEvent,
    /// For `staysAtStatusPeriod`: the trigger whose timer fired.
    #[serde(default)]
    pub trigger_id: Option<RuleId>,
    pub conversation: Conversation,
    #[serde(default)]
    pub fields: Vec<FieldDef>,
    #[serde(default)]
    pub agents: Vec<Agent>,
    /// When given, department values in `autoUpdate` must name one of these.
    #[serde(default)]
    pub departments: Option<Vec<Department>>,
    pub context: RunTriggersContext,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunTriggersContext {
    #[serde(flatten)]
    pub base: Context,
    #[serde(default)]
    pub site: SiteInfo,
    /// SPEC §6 names `siteAddresses` on the context; merged into `site.addresses`.
    #[serde(default)]
    pub site_addresses: Vec<String>,
}

pub fn run_triggers_json(args: RunTriggersArgs) -> CoreResult<TriggerRun> {
    let now = args
        .context
        .base
        .now
        .ok_or_else(|| CoreError::invalid("context.now", "is required"))?;
    let fields = FieldSet::new(args.fields);
    let mut known = Known::unchecked();
    known.agents = crate::field_validation::Roster::listed(args.agents.iter().map(|a| a.id));
    if let Some(departments) = &args.departments {
        known.departments =
            crate::field_validation::Roster::listed(departments.iter().map(|d| d.id));
    }
    let compiled = args
        .triggers
        .iter()
        .enumerate()
        .map(|(i, t)| {
            compile_trigger(t, &fields, &known).map_err(|e| e.nested(&format!("triggers[{i}]")))
        })
        .collect::<CoreResult<Vec<_>>>()?;
    let set = TriggerSet::new(compiled);
    let mut site = args.context.site;
    site.addresses.extend(args.context.site_addresses);
    let env = Env {
        now,
        fields: &fields,
        known: &known,
    };
    let run = RunEnv {
        env: &env,
        context: &args.context.base,
        agents: &args.agents,
        site: &site,
    };
    run_triggers(
        &set,
        Occurrence {
            event: args.event,
            trigger_id: args.trigger_id,
        },
        args.conversation,
        &run,
    )
}
