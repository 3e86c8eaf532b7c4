//! `computeSla` (SPEC §6): policy choice plus the targets of the chosen policy.

use super::clock::OpenTime;
use super::policy::SlaPolicy;
use super::rules::SlaRules;
use super::targets::Breach;
use crate::business_hours::BusinessCalendar;
use crate::model::{Context, Conversation, FieldDef, FieldSet, RuleId, TimelineItem};
use crate::working_time::{Holiday, WorkingTime};
use crate::CoreResult;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ComputeSlaArgs {
    pub policies: Vec<SlaPolicy>,
    #[serde(default)]
    pub working_time: Option<WorkingTime>,
    #[serde(default)]
    pub holidays: Vec<Holiday>,
    pub conversation: Conversation,
    #[serde(default)]
    pub timeline: Vec<TimelineItem>,
    pub now: DateTime<Utc>,
    /// Custom field definitions, for policies whose conditions use custom fields.
    #[serde(default)]
    pub fields: Vec<FieldDef>,
    /// Contact, message and time zone for the policies' conditions.
    #[serde(default)]
    pub context: Context,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ComputeSlaResult {
    pub sla_policy_id: Option<RuleId>,
    pub first_respond_breach_at: Option<DateTime<Utc>>,
    pub next_respond_breach_at: Option<DateTime<Utc>>,
    pub resolve_breach_at: Option<DateTime<Utc>>,
    pub breaches: Vec<Breach>,
}

pub fn compute_sla_json(args: ComputeSlaArgs) -> CoreResult<ComputeSlaResult> {
    let fields = FieldSet::new(args.fields);
    let business: Option<Box<dyn OpenTime + Send + Sync>> = match &args.working_time {
        Some(working_time) => Some(Box::new(BusinessCalendar::new(
            working_time,
            &args.holidays,
        )?)),
        None => None,
    };
    let rules = SlaRules::compile(&args.policies, &fields, business)?;
    let out = rules.compute(&args.conversation, &args.context, &args.timeline, args.now)?;
    Ok(ComputeSlaResult {
        sla_policy_id: out.policy_id,
        first_respond_breach_at: out.targets.first_respond_breach_at,
        next_respond_breach_at: out.targets.next_respond_breach_at,
        resolve_breach_at: out.targets.resolve_breach_at,
        breaches: out.targets.breaches,
    })
}
