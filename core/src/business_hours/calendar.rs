//! The compiled calendar and its two walks (adding open time, counting it).

use super::dst::DstTable;
use super::resolve::{instant, local_date};
use crate::working_time::{Holiday, LocalWindow, WorkingTime};
use crate::{CoreError, CoreResult};
use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use chrono_tz::Tz;
use std::sync::OnceLock;

/// Results later than this date are refused rather than walked towards forever.
const LAST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

/// Working time + holidays, resolved for arithmetic. Build once, query many times.
#[derive(Debug)]
pub struct BusinessCalendar {
    tz: Tz,
    /// Local windows per weekday, Sunday first; sorted, disjoint, non-empty.
    week: [Vec<LocalWindow>; 7],
    /// Nominal open seconds per weekday and per week (a day without DST or holiday).
    nominal_day: [i64; 7],
    nominal_week: i64,
    /// Sorted, distinct holiday dates and prefix sums of the open time each one removes.
    holidays: Vec<NaiveDate>,
    holiday_prefix: Vec<i64>,
    /// Built on the first long jump (probing the zone costs about a millisecond).
    dst: OnceLock<DstTable>,
}

impl BusinessCalendar {
    /// Compiles the settings. Errors name the field: an unknown zone, hours or minutes out of
    /// range, an unreadable holiday date. Empty windows (close ≤ open) are closed days.
    pub fn new(working_time: &WorkingTime, holidays: &[Holiday]) -> CoreResult<Self> {
        let tz = working_time.zone().map_err(|e| e.nested("workingTime"))?;
        let week = working_time
            .day_windows()
            .map_err(|e| e.nested("workingTime"))?;
        Ok(Self::from_parts(tz, week, Holiday::dates(holidays)?))
    }

    /// For callers that already hold parsed parts (tests, the SLA module).
    pub fn from_parts(tz: Tz, week: [Vec<LocalWindow>; 7], mut holidays: Vec<NaiveDate>) -> Self {
        let nominal_day =
            std::array::from_fn(|i| week[i].iter().map(|w| i64::from(w.seconds())).sum::<i64>());
        holidays.sort();
        holidays.dedup();
        let mut cal = Self {
            tz,
            week,
            nominal_day,
            nominal_week: nominal_day.iter().sum(),
            holidays,
            holiday_prefix: Vec::new(),
            dst: OnceLock::new(),
        };
        let mut prefix = Vec::with_capacity(cal.holidays.len() + 1);
        prefix.push(0);
        let mut buf = Vec::new();
        for &h in &cal.holidays {
            let open = cal.day_open(h, &mut buf);
            prefix.push(prefix[prefix.len() - 1] + open);
        }
        cal.holiday_prefix = prefix;
        cal
    }

    pub fn time_zone(&self) -> Tz {
        self.tz
    }

    /// The instant when `seconds` of open time have elapsed from `start` (SPEC §5.5): the
    /// clock starts at the next opening when `start` is outside hours, and a due time that
    /// uses up a window exactly is that window's closing instant.
    pub fn add(&self, start: DateTime<Utc>, seconds: i64) -> CoreResult<DateTime<Utc>> {
        if seconds < 0 {
            return Err(CoreError::invalid("seconds", "must not be negative"));
        }
        if self.nominal_week == 0 {
            return Err(CoreError::invalid(
                "workingTime",
                "every day is closed: there are no business hours to count",
            ));
        }
        let t0 = start.timestamp();
        let start_date = local_date(&self.tz, t0).ok_or_else(out_of_range)?;
        let mut d = start_date.pred_opt().unwrap_or(start_date);
        let (mut cursor, mut rem) = (t0, seconds);
        let mut buf = Vec::new();
        loop {
            if d > start_date && rem > 2 * self.nominal_week {
                if let Some((days, open)) = self.jump_for(d, rem) {
                    d = d + Days::new(days);
                    rem -= open;
                }
            }
            if d > LAST_DATE {
                return Err(out_of_range());
            }
            if !self.is_holiday(d) {
                self.day_instants(d, &mut buf);
                for &(a, b) in &buf {
                    let s = a.max(cursor);
                    if b <= s {
                        continue;
                    }
                    if rem <= b - s {
                        return DateTime::from_timestamp(s + rem, 0).ok_or_else(out_of_range);
                    }
                    rem -= b - s;
                    cursor = b;
                }
            }
            d = d.succ_opt().ok_or_else(out_of_range)?;
        }
    }

    /// Open seconds in `[from, to)`; 0 when `to ≤ from`.
    pub fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        let (t0, t1) = (from.timestamp(), to.timestamp());
        if t1 <= t0 || self.nominal_week == 0 {
            return 0;
        }
        let (Some(from_date), Some(to_date)) = (local_date(&self.tz, t0), local_date(&self.tz, t1))
        else {
            return 0;
        };
        // Dates up to here close before `to` whatever the zone does.
        let last_full = to_date - Days::new(2);
        let mut d = from_date.pred_opt().unwrap_or(from_date);
        let (mut cursor, mut total) = (t0, 0);
        let mut buf = Vec::new();
        loop {
            if d > from_date && last_full > d {
                let weeks = (last_full - d).num_days() / 7;
                if weeks > 0 {
                    if let Some(open) = self.span_open(d, weeks) {
                        total += open;
                        d = d + Days::new(7 * weeks as u64);
                    }
                }
            }
            if !self.is_holiday(d) {
                self.day_instants(d, &mut buf);
                for &(a, b) in &buf {
                    let s = a.max(cursor);
                    if s >= t1 {
                        return total;
                    }
                    total += (b.min(t1) - s).max(0);
                    cursor = cursor.max(b);
                }
            }
            match d.succ_opt() {
                Some(n) if d <= to_date => d = n,
                _ => return total,
            }
        }
    }

    /// Whether `t` is inside a business window.
    pub fn is_open(&self, t: DateTime<Utc>) -> bool {
        let ts = t.timestamp();
        let Some(date) = local_date(&self.tz, ts) else {
            return false;
        };
        let mut buf = Vec::new();
        [date.pred_opt(), Some(date)]
            .into_iter()
            .flatten()
            .any(|d| {
                !self.is_holiday(d) && {
                    self.day_instants(d, &mut buf);
                    buf.iter().any(|&(a, b)| a <= ts && ts < b)
                }
            })
    }

    /// The first instant after `t` at which [`Self::is_open`] changes (for timers); `None`
    /// when it never does (every day closed, or nothing within the supported range).
    pub fn next_change(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.nominal_week == 0 {
            return None;
        }
        let ts = t.timestamp();
        let mut d = local_date(&self.tz, ts)?.pred_opt()?;
        let mut buf = Vec::new();
        // Open time exists every week, so past the holidays a change comes within 8 days.
        let mut budget = self.holidays.len() + 16;
        let mut inside_until: Option<i64> = None;
        while budget > 0 && d <= LAST_DATE {
            if !self.is_holiday(d) {
                self.day_instants(d, &mut buf);
                for &(a, b) in &buf {
                    match inside_until {
                        // Windows that touch (24:00 then 00:00) are one open stretch.
                        Some(end) if a <= end => inside_until = Some(end.max(b)),
                        Some(end) => return DateTime::from_timestamp(end, 0),
                        None if a <= ts && ts < b => inside_until = Some(b),
                        None if a > ts => return DateTime::from_timestamp(a, 0),
                        None => {}
                    }
                }
            }
            d = d.succ_opt()?;
            budget -= 1;
        }
        inside_until.and_then(|end| DateTime::from_timestamp(end, 0))
    }

    fn is_holiday(&self, d: NaiveDate) -> bool {
        self.holidays.binary_search(&d).is_ok()
    }

    /// The windows of local date `d` as instants, sorted, each clipped to start after the
    /// previous one ends (DST can fold a day's windows onto each other), empty ones dropped.
    /// Holidays are the caller's business.
    fn day_instants(&self, d: NaiveDate, buf: &mut Vec<(i64, i64)>) {
        buf.clear();
        let mut last_end = i64::MIN;
        for w in &self.week[d.weekday().num_days_from_sunday() as usize] {
            let (Some(a), Some(b)) = (
                instant(&self.tz, d, w.open()),
                instant(&self.tz, d, w.close()),
            ) else {
                continue;
            };
            let a = a.max(last_end);
            if b > a {
                buf.push((a, b));
                last_end = b;
            }
        }
    }

    /// Real open seconds of date `d` ignoring holidays.
    fn day_open(&self, d: NaiveDate, buf: &mut Vec<(i64, i64)>) -> i64 {
        self.day_instants(d, buf);
        buf.iter().map(|(a, b)| b - a).sum()
    }

    fn dst(&self) -> &DstTable {
        self.dst.get_or_init(|| {
            let mut buf = Vec::new();
            DstTable::build(&self.tz, |d| {
                self.day_open(d, &mut buf)
                    - self.nominal_day[d.weekday().num_days_from_sunday() as usize]
            })
        })
    }

    /// Exact open seconds of the `weeks` whole weeks from local date `d`, when known cheaply.
    fn span_open(&self, d: NaiveDate, weeks: i64) -> Option<i64> {
        let end = d.checked_add_days(Days::new(u64::try_from(weeks).ok()?.checked_mul(7)?))?;
        if end > LAST_DATE || !self.dst().covers(d, end) {
            return None;
        }
        let i = self.holidays.partition_point(|h| *h < d);
        let j = self.holidays.partition_point(|h| *h < end);
        let removed = self.holiday_prefix[j] - self.holiday_prefix[i];
        Some(weeks.checked_mul(self.nominal_week)? + self.dst().delta_sum(d, end) - removed)
    }

    /// The largest whole-week jump from `d` that stays short of `rem` open seconds, as
    /// `(days, open seconds)`.
    fn jump_for(&self, d: NaiveDate, rem: i64) -> Option<(u64, i64)> {
        let max_weeks = (LAST_DATE - d).num_days() / 7;
        let mut weeks = (rem / self.nominal_week - 1).min(max_weeks);
        while weeks > 0 {
            match self.span_open(d, weeks) {
                Some(open) if open < rem => return Some((7 * weeks as u64, open)),
                Some(_) => weeks /= 2,
                None => return None,
            }
        }
        None
    }
}

fn out_of_range() -> CoreError {
    CoreError::invalid("seconds", "the due time is beyond the year 9999")
}

/// SLA clocks count in business time through this (SPEC §5.6).
impl crate::sla::OpenTime for BusinessCalendar {
    fn add(&self, start: DateTime<Utc>, seconds: i64) -> CoreResult<DateTime<Utc>> {
        BusinessCalendar::add(self, start, seconds)
    }

    fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        BusinessCalendar::between(self, from, to)
    }
}
