//! SLA policies (SPEC §4.7) and the choice of the one that applies.

use crate::condition::Conditions;
use crate::model::RuleId;
use crate::{CoreError, CoreResult, ErrorDetail};
use serde::{Deserialize, Serialize};

/// How a policy's targets count time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum OperationalHour {
    #[default]
    BusinessHours,
    CalendarHours,
}

/// The longest target accepted: ten years, so due instants stay far inside chrono's range.
const MAX_HOURS: f64 = 87_600.0;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlaPolicy {
    pub id: RuleId,
    #[serde(default)]
    pub name: String,
    #[serde(default = "enabled")]
    pub enable: bool,
    /// Hours (decimals allowed); absent = no such target.
    #[serde(default)]
    pub first_respond_within: Option<f64>,
    #[serde(default)]
    pub next_respond_within: Option<f64>,
    #[serde(default)]
    pub resolve_respond_within: Option<f64>,
    #[serde(default)]
    pub operational_hour: OperationalHour,
    #[serde(default)]
    pub conditions: Conditions,
    #[serde(default)]
    pub order_index: i64,
}

fn enabled() -> bool {
    true
}

impl SlaPolicy {
    /// Checks the targets (finite, not negative, at most ten years); every bad one is named.
    pub fn validate(&self) -> CoreResult<()> {
        let details: Vec<ErrorDetail> = [
            ("firstRespondWithin", self.first_respond_within),
            ("nextRespondWithin", self.next_respond_within),
            ("resolveRespondWithin", self.resolve_respond_within),
        ]
        .into_iter()
        .filter_map(|(field, hours)| {
            let hours = hours?;
            (!(hours.is_finite() && (0.0..=MAX_HOURS).contains(&hours))).then(|| {
                ErrorDetail::new(
                    field,
                    format!("must be a number of hours from 0 to {MAX_HOURS}"),
                )
            })
        })
        .collect();
        if details.is_empty() {
            Ok(())
        } else {
            Err(CoreError::invalid_fields(
                "invalid SLA policy targets",
                details,
            ))
        }
    }

    /// A target in whole seconds (hours × 3600, rounded to the nearest second).
    pub fn target_seconds(hours: Option<f64>) -> Option<i64> {
        hours
            .filter(|h| h.is_finite() && (0.0..=MAX_HOURS).contains(h))
            .map(|h| (h * 3600.0).round() as i64)
    }
}
