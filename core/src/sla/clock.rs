//! The two ways an SLA clock can count: calendar time, or the site's business hours.

use crate::CoreResult;
use chrono::{DateTime, Duration, Utc};

/// A measure of "open" time. Calendar time is always open; business hours are open inside
/// the site's working windows (see [`crate::business_hours`]).
pub trait OpenTime {
    /// The instant at which `seconds` of open time have elapsed after `start`.
    fn add(&self, start: DateTime<Utc>, seconds: i64) -> CoreResult<DateTime<Utc>>;
    /// Open seconds in `[from, to)`; 0 when `to <= from`.
    fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64;
}

/// Wall-clock time: every second counts.
#[derive(Debug, Clone, Copy, Default)]
pub struct CalendarTime;

impl OpenTime for CalendarTime {
    fn add(&self, start: DateTime<Utc>, seconds: i64) -> CoreResult<DateTime<Utc>> {
        start
            .checked_add_signed(Duration::seconds(seconds))
            .ok_or_else(|| crate::CoreError::invalid("seconds", "the due instant is out of range"))
    }

    fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        (to - from).num_seconds().max(0)
    }
}
