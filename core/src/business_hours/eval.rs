//! The `addBusinessTime` and `businessTimeBetween` eval functions (SPEC §6).

use super::BusinessCalendar;
use crate::working_time::{Holiday, WorkingTime};
use crate::{CoreError, CoreResult};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddBusinessTimeArgs {
    pub working_time: WorkingTime,
    #[serde(default)]
    pub holidays: Vec<Holiday>,
    pub start: String,
    pub seconds: i64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BetweenArgs {
    pub working_time: WorkingTime,
    #[serde(default)]
    pub holidays: Vec<Holiday>,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Serialize)]
pub struct Due {
    pub due: String,
}

#[derive(Debug, Serialize)]
pub struct Seconds {
    pub seconds: i64,
}

pub fn add_business_time(args: AddBusinessTimeArgs) -> CoreResult<Due> {
    let cal = BusinessCalendar::new(&args.working_time, &args.holidays)?;
    let start = parse_instant("start", &args.start)?;
    let due = cal.add(start, args.seconds)?;
    Ok(Due {
        due: format_instant(due),
    })
}

pub fn business_time_between(args: BetweenArgs) -> CoreResult<Seconds> {
    let cal = BusinessCalendar::new(&args.working_time, &args.holidays)?;
    let from = parse_instant("from", &args.from)?;
    let to = parse_instant("to", &args.to)?;
    Ok(Seconds {
        seconds: cal.between(from, to),
    })
}

/// An RFC 3339 instant with an offset; fractions of a second are dropped (business time is
/// counted in whole seconds).
pub fn parse_instant(field: &str, text: &str) -> CoreResult<DateTime<Utc>> {
    let t = DateTime::parse_from_rfc3339(text.trim()).map_err(|_| {
        CoreError::invalid(
            field,
            format!("`{text}` is not an ISO-8601 instant with offset"),
        )
    })?;
    DateTime::from_timestamp(t.timestamp(), 0)
        .ok_or_else(|| CoreError::invalid(field, "out of range"))
}

/// `2026-05-12T09:00:00Z`.
pub fn format_instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}
