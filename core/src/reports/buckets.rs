//! Report time buckets in the caller's time zone (SPEC §4.13): each bucket starts at a local
//! hour, midnight, Monday midnight or first of the month, so a day bucket in `Europe/Berlin`
//! is 23 or 25 hours long across DST changes. A local start that does not exist (spring-forward
//! gap) is the first instant after the gap; an ambiguous one (fall-back) is its first
//! occurrence, so the repeated local hour belongs to the bucket that started first.

use crate::{CoreError, CoreResult};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// Bucket length of the volume report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Granularity {
    Hour,
    #[default]
    Day,
    Week,
    Month,
}

impl Granularity {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "hour" => Some(Self::Hour),
            "day" => Some(Self::Day),
            "week" => Some(Self::Week),
            "month" => Some(Self::Month),
            _ => None,
        }
    }
}

/// Most buckets one report may have (a year of hours is 8,784).
pub const MAX_BUCKETS: usize = 10_000;

/// The instant of a local wall-clock time: a time in a DST gap moves to the end of the gap
/// (probed in 15-minute steps, at most a day); an ambiguous time is its first occurrence.
fn resolve(tz: Tz, local: NaiveDateTime) -> CoreResult<DateTime<Utc>> {
    for step in 0..=96 {
        let probe = local + Duration::minutes(15 * step);
        if let Some(t) = crate::zone::resolve_local(tz, &probe).earliest() {
            return DateTime::from_timestamp(t, 0)
                .ok_or_else(|| CoreError::invalid("timeZone", "local time is out of range"));
        }
    }
    Err(CoreError::invalid(
        "timeZone",
        "local time cannot be resolved",
    ))
}

/// The wall-clock time of `t` in `tz`.
fn local_time(tz: Tz, t: DateTime<Utc>) -> NaiveDateTime {
    let offset = Duration::seconds(i64::from(crate::zone::offset_at(tz, t.timestamp())));
    t.naive_utc()
        .checked_add_signed(offset)
        .unwrap_or(t.naive_utc())
}

/// The local start of the bucket holding local time `t`.
fn floor(local: NaiveDateTime, g: Granularity) -> NaiveDateTime {
    let date = local.date();
    let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0).unwrap_or(local);
    match g {
        Granularity::Hour => date
            .and_hms_opt(chrono::Timelike::hour(&local), 0, 0)
            .unwrap_or(local),
        Granularity::Day => midnight(date),
        Granularity::Week => {
            midnight(date - Duration::days(i64::from(date.weekday().num_days_from_monday())))
        }
        Granularity::Month => midnight(date.with_day(1).unwrap_or(date)),
    }
}

/// The local start of the bucket after the one starting at `start`.
fn next(start: NaiveDateTime, g: Granularity) -> Option<NaiveDateTime> {
    match g {
        Granularity::Hour => start.checked_add_signed(Duration::hours(1)),
        Granularity::Day => start.checked_add_signed(Duration::days(1)),
        Granularity::Week => start.checked_add_signed(Duration::days(7)),
        Granularity::Month => {
            let d = start.date();
            let (y, m) = if d.month() == 12 {
                (d.year() + 1, 1)
            } else {
                (d.year(), d.month() + 1)
            };
            NaiveDate::from_ymd_opt(y, m, 1).and_then(|d| d.and_hms_opt(0, 0, 0))
        }
    }
}

/// The bucket starts covering `[from, to)`: the first is the start of the bucket holding
/// `from`, the last the start of the bucket holding the last instant before `to`. Bucket
/// `i` is `[starts[i], starts[i+1])`, the last one ending at its natural end.
pub fn bucket_starts(
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    tz: Tz,
    g: Granularity,
) -> CoreResult<Vec<DateTime<Utc>>> {
    if to <= from {
        return Err(CoreError::invalid("timeTo", "must be after timeFrom"));
    }
    let mut local = floor(local_time(tz, from), g);
    let mut out: Vec<DateTime<Utc>> = Vec::new();
    loop {
        let at = resolve(tz, local)?;
        if at >= to {
            break;
        }
        // Two local starts can resolve to one instant around a gap; keep one.
        if out.last() != Some(&at) {
            out.push(at);
        }
        if out.len() > MAX_BUCKETS {
            return Err(CoreError::invalid(
                "granularity",
                format!("more than {MAX_BUCKETS} buckets; choose a coarser granularity"),
            ));
        }
        local = next(local, g).ok_or_else(|| CoreError::invalid("timeTo", "is out of range"))?;
    }
    Ok(out)
}

/// The end of the last bucket (the start of the one after it).
pub fn end_of_last(last: DateTime<Utc>, tz: Tz, g: Granularity) -> CoreResult<DateTime<Utc>> {
    let local = next(local_time(tz, last), g)
        .ok_or_else(|| CoreError::invalid("timeTo", "is out of range"))?;
    resolve(tz, local)
}

/// Index of the bucket holding `t`, if any (`starts` ascending, `end` the last bucket's end).
pub fn bucket_of(starts: &[DateTime<Utc>], end: DateTime<Utc>, t: DateTime<Utc>) -> Option<usize> {
    if t >= end {
        return None;
    }
    match starts.binary_search(&t) {
        Ok(i) => Some(i),
        Err(0) => None,
        Err(i) => Some(i - 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn texts(v: &[DateTime<Utc>]) -> Vec<String> {
        v.iter()
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .collect()
    }

    #[test]
    fn day_buckets_follow_local_midnight_across_dst() {
        // Europe/Berlin springs forward on 2026-03-29 (CET+1 → CEST+2)
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        let starts = bucket_starts(
            at("2026-03-28T12:00:00Z"),
            at("2026-03-30T21:00:00Z"),
            tz,
            Granularity::Day,
        )
        .unwrap();
        assert_eq!(
            texts(&starts),
            vec![
                "2026-03-27T23:00:00Z",
                "2026-03-28T23:00:00Z",
                "2026-03-29T22:00:00Z"
            ]
        );
        // the 29th is 23 hours long
        assert_eq!((starts[2] - starts[1]).num_hours(), 23);
    }

    #[test]
    fn weeks_start_monday_and_months_on_the_first() {
        let tz: Tz = "UTC".parse().unwrap();
        // 2026-11-25 is a Wednesday
        let w = bucket_starts(
            at("2026-11-25T10:00:00Z"),
            at("2026-12-01T00:00:00Z"),
            tz,
            Granularity::Week,
        )
        .unwrap();
        assert_eq!(
            texts(&w),
            vec!["2026-11-23T00:00:00Z", "2026-11-30T00:00:00Z"]
        );
        let m = bucket_starts(
            at("2026-11-25T10:00:00Z"),
            at("2027-01-01T00:00:00Z"),
            tz,
            Granularity::Month,
        )
        .unwrap();
        assert_eq!(
            texts(&m),
            vec!["2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z"]
        );
        assert_eq!(
            end_of_last(m[1], tz, Granularity::Month).unwrap(),
            at("2027-01-01T00:00:00Z")
        );
    }

    #[test]
    fn hour_buckets_skip_the_missing_local_hour() {
        // America/New_York springs forward on 2026-03-08 at 02:00 local (07:00Z)
        let tz: Tz = "America/New_York".parse().unwrap();
        let h = bucket_starts(
            at("2026-03-08T06:00:00Z"),
            at("2026-03-08T08:00:00Z"),
            tz,
            Granularity::Hour,
        )
        .unwrap();
        // 01:00 EST = 06:00Z, then 03:00 EDT = 07:00Z (02:00 does not exist)
        assert_eq!(
            texts(&h),
            vec!["2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z"]
        );
    }

    #[test]
    fn bounds_and_lookup() {
        let tz: Tz = "UTC".parse().unwrap();
        assert!(bucket_starts(
            at("2026-01-02T00:00:00Z"),
            at("2026-01-01T00:00:00Z"),
            tz,
            Granularity::Day
        )
        .is_err());
        assert!(bucket_starts(
            at("2000-01-01T00:00:00Z"),
            at("2026-01-01T00:00:00Z"),
            tz,
            Granularity::Hour
        )
        .is_err());
        let s = bucket_starts(
            at("2026-01-01T05:00:00Z"),
            at("2026-01-03T00:00:00Z"),
            tz,
            Granularity::Day,
        )
        .unwrap();
        let end = end_of_last(*s.last().unwrap(), tz, Granularity::Day).unwrap();
        assert_eq!(bucket_of(&s, end, at("2026-01-01T00:00:00Z")), Some(0));
        assert_eq!(bucket_of(&s, end, at("2026-01-02T23:59:59Z")), Some(1));
        assert_eq!(bucket_of(&s, end, at("2026-01-03T00:00:00Z")), None);
        assert_eq!(bucket_of(&s, end, at("2025-12-31T23:59:59Z")), None);
    }
}
