//! `addBusinessTime` and `businessTimeBetween` (SPEC §6).

use super::BusinessCalendar;
use crate::working_time::{Holiday, WorkingTime};
use crate::CoreResult;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddBusinessTimeArgs {
    pub working_time: WorkingTime,
    #[serde(default)]
    pub holidays: Vec<Holiday>,
    pub start: DateTime<Utc>,
    pub seconds: i64,
}

#[derive(Debug, Serialize)]
pub struct AddBusinessTimeResult {
    pub due: DateTime<Utc>,
}

pub fn add_business_time_json(args: AddBusinessTimeArgs) -> CoreResult<AddBusinessTimeResult> {
    let calendar = BusinessCalendar::new(&args.working_time, &args.holidays)?;
    Ok(AddBusinessTimeResult {
        due: calendar.add(args.start, args.seconds)?,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BusinessTimeBetweenArgs {
    pub working_time: WorkingTime,
    #[serde(default)]
    pub holidays: Vec<Holiday>,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

#[derive(Debug, Serialize)]
pub struct BusinessTimeBetweenResult {
    pub seconds: i64,
}

pub fn business_time_between_json(
    args: BusinessTimeBetweenArgs,
) -> CoreResult<BusinessTimeBetweenResult> {
    let calendar = BusinessCalendar::new(&args.working_time, &args.holidays)?;
    Ok(BusinessTimeBetweenResult {
        seconds: calendar.between(args.from, args.to),
    })
}
