//! A site's SLA policies compiled once (conditions checked, targets in seconds), plus the
//! business time they count in. The server keeps one per site and recomputes a
//! conversation's targets from its timeline on every change.

use super::clock::{CalendarTime, OpenTime};
use super::policy::{OperationalHour, SlaPolicy};
use super::targets::{compute_targets, SlaTargets, TargetSeconds};
use crate::condition::CompiledConditions;
use crate::model::{Context, Conversation, FieldSet, RuleId, TimelineItem};
use crate::{CoreError, CoreResult};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone)]
struct CompiledPolicy {
    id: RuleId,
    conditions: CompiledConditions,
    targets: TargetSeconds,
    operational_hour: OperationalHour,
}

/// Enabled policies in `orderIndex` order (ties by id), ready to choose and compute.
pub struct SlaRules {
    policies: Vec<CompiledPolicy>,
    /// The site's business hours; `None` when no working time is configured.
    business: Option<Box<dyn OpenTime + Send + Sync>>,
}

/// The chosen policy and its targets.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SlaOutcome {
    pub policy_id: Option<RuleId>,
    pub targets: SlaTargets,
}

impl SlaRules {
    /// Validates every policy (targets, conditions); errors name `policies[i]…`.
    pub fn compile(
        policies: &[SlaPolicy],
        fields: &FieldSet,
        business: Option<Box<dyn OpenTime + Send + Sync>>,
    ) -> CoreResult<Self> {
        let mut compiled = Vec::new();
        for (i, policy) in policies.iter().enumerate() {
            policy
                .validate()
                .map_err(|e| e.nested(&format!("policies[{i}]")))?;
            let conditions = policy
                .conditions
                .compile(fields)
                .map_err(|e| e.nested(&format!("policies[{i}].conditions")))?;
            if policy.enable {
                compiled.push((
                    (policy.order_index, policy.id),
                    CompiledPolicy {
                        id: policy.id,
                        conditions,
                        targets: TargetSeconds {
                            first_response: SlaPolicy::target_seconds(policy.first_respond_within),
                            next_response: SlaPolicy::target_seconds(policy.next_respond_within),
                            resolution: SlaPolicy::target_seconds(policy.resolve_respond_within),
                        },
                        operational_hour: policy.operational_hour,
                    },
                ));
            }
        }
        compiled.sort_by_key(|(key, _)| *key);
        Ok(Self {
            policies: compiled.into_iter().map(|(_, p)| p).collect(),
            business,
        })
    }

    /// The first enabled policy whose conditions match the conversation as it stands, and
    /// its targets from the timeline. No policy → no SLA (all null, no breaches).
    pub fn compute(
        &self,
        conversation: &Conversation,
        context: &Context,
        timeline: &[TimelineItem],
        now: DateTime<Utc>,
    ) -> CoreResult<SlaOutcome> {
        let Some(policy) = self
            .policies
            .iter()
            .find(|p| p.conditions.matches(conversation, context))
        else {
            return Ok(SlaOutcome::default());
        };
        let created = conversation
            .created_time
            .or_else(|| timeline.iter().map(TimelineItem::time).min())
            .ok_or_else(|| CoreError::invalid("conversation.createdTime", "is required"))?;
        let time: &dyn OpenTime = match policy.operational_hour {
            OperationalHour::CalendarHours => &CalendarTime,
            OperationalHour::BusinessHours => match &self.business {
                Some(business) => business.as_ref(),
                None => {
                    return Err(CoreError::invalid(
                        "workingTime",
                        "is required for a business-hours policy",
                    ))
                }
            },
        };
        let targets = compute_targets(
            policy.targets,
            created,
            conversation.status,
            timeline,
            now,
            time,
        )?;
        Ok(SlaOutcome {
            policy_id: Some(policy.id),
            targets,
        })
    }

    /// Whether any policy counts in business hours (so the caller knows to build the
    /// calendar).
    pub fn needs_business_hours(&self) -> bool {
        self.policies
            .iter()
            .any(|p| p.operational_hour == OperationalHour::BusinessHours)
    }
}

impl std::fmt::Debug for SlaRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SlaRules")
            .field("policies", &self.policies)
            .field("business", &self.business.is_some())
            .finish()
    }
}
