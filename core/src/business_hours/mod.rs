//! Business-hours arithmetic (SPEC §5.5): the site's local windows per weekday in its IANA
//! zone, minus holidays, as a calendar of open instants.
//!
//! Each local window belongs to its local date and is resolved to real instants on that
//! date, so DST is exact to the second: a window that a spring-forward crosses is an hour
//! shorter, one a fall-back crosses an hour longer, and a holiday closes its whole local date
//! (23 or 25 hours on DST days). Wall times in a gap move forward by the gap; ambiguous wall
//! times take their first occurrence.
//!
//! Cost: a week with no holiday and no change of UTC offset has exactly the nominal open
//! seconds of the schedule, so whole weeks are jumped with two offset lookups each; days are
//! walked only in the week where the answer lies and in weeks with a holiday or a DST change.
//! In a zone without DST (UTC, `Etc/…`) runs of whole weeks up to the next holiday are
//! jumped in one step, so the cost does not grow with the time added at all.

use crate::working_time::{Holiday, LocalWindow, WorkingTime, DAY_SECONDS};
use crate::{CoreError, CoreResult};
use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc,
};
use chrono_tz::Tz;
use std::collections::BTreeSet;

mod api;

pub use api::{add_business_time_json, business_time_between_json};

#[cfg(test)]
mod tests;

/// Walking further than this many days without finishing means the schedule can never
/// finish (it cannot happen with an open weekday, but no input may loop for ever).
const MAX_DAYS: i64 = 366 * 400;

/// The site's business calendar, built once from its settings.
#[derive(Debug, Clone)]
pub struct BusinessCalendar {
    tz: Tz,
    /// Per weekday, Sunday first, sorted non-overlapping windows.
    week: [Vec<LocalWindow>; 7],
    holidays: BTreeSet<NaiveDate>,
    /// Open seconds of a regular week (no holiday, no DST change).
    week_seconds: i64,
    /// The zone never changes its offset, so runs of weeks can be jumped at once.
    fixed_offset: bool,
}

impl BusinessCalendar {
    /// Reads the settings leniently (a day with close ≤ open is closed, SPEC §5.5); bad time
    /// zones, out-of-range hours and bad holiday dates are errors naming the field.
    pub fn new(working_time: &WorkingTime, holidays: &[Holiday]) -> CoreResult<Self> {
        let tz = working_time.zone()?;
        let week = working_time.day_windows()?;
        let holidays = Holiday::dates(holidays)?.into_iter().collect();
        let week_seconds = week.iter().flatten().map(|w| i64::from(w.seconds())).sum();
        let name = tz.name();
        let fixed_offset = name == "UTC" || name.starts_with("Etc/") || name == "GMT";
        Ok(Self {
            tz,
            week,
            holidays,
            week_seconds,
            fixed_offset,
        })
    }

    /// The instant at which `seconds` of open time have elapsed from `start`. Outside hours
    /// the clock starts at the next opening; a due time that uses up a window exactly is that
    /// window's closing instant.
    pub fn add(&self, start: DateTime<Utc>, seconds: i64) -> CoreResult<DateTime<Utc>> {
        if seconds < 0 {
            return Err(CoreError::invalid("seconds", "must not be negative"));
        }
        if self.week_seconds == 0 {
            return Err(CoreError::invalid(
                "workingTime",
                "every day is closed, so no business time ever elapses",
            ));
        }
        let mut remaining = seconds;
        let first = self.local_date(start) - Duration::days(1);
        let mut date = first;
        while (date - first).num_days() <= MAX_DAYS {
            // Jump whole regular weeks strictly before the one where the answer lies.
            if date > self.local_date(start) + Duration::days(1) {
                let (weeks, open, next) =
                    self.regular_weeks(date, (remaining - 1) / self.week_seconds);
                if weeks > 0 {
                    // open ≤ weeks × week_seconds < remaining: the answer lies later.
                    remaining -= open;
                    date = next;
                    continue;
                }
            }
            for (open, close) in self.windows_on(date) {
                let from = open.max(start);
                if from >= close {
                    continue;
                }
                let length = (close - from).num_seconds();
                if remaining <= length {
                    return Ok(from + Duration::seconds(remaining));
                }
                remaining -= length;
            }
            date = date.succ_opt().ok_or_else(out_of_range)?;
        }
        Err(CoreError::invalid(
            "seconds",
            "no business time within 400 years (every open day is a holiday?)",
        ))
    }

    /// Open seconds in `[from, to)`; 0 when `to <= from`.
    pub fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from || self.week_seconds == 0 {
            return 0;
        }
        let mut total = 0;
        let last = self.local_date(to);
        let mut date = self.local_date(from) - Duration::days(1);
        while date <= last {
            if date > self.local_date(from) + Duration::days(1) {
                let whole = (last - date).num_days() / 7 - 1;
                let (weeks, open, next) = self.regular_weeks(date, whole.max(0));
                if weeks > 0 {
                    total += open;
                    date = next;
                    continue;
                }
            }
            for (open, close) in self.windows_on(date) {
                let (a, b) = (open.max(from), close.min(to));
                if a < b {
                    total += (b - a).num_seconds();
                }
            }
            match date.succ_opt() {
                Some(next) => date = next,
                None => break,
            }
        }
        total
    }

    /// Whether `t` is inside an open window.
    pub fn is_open(&self, t: DateTime<Utc>) -> bool {
        let date = self.local_date(t);
        [date - Duration::days(1), date]
            .into_iter()
            .flat_map(|d| self.windows_on(d))
            .any(|(open, close)| open <= t && t < close)
    }

    /// Up to `max` whole weeks from `date` (a local date) in which no UTC offset changes,
    /// their open seconds (the schedule's, minus the holidays in them) and the date after
    /// them. A zone without DST jumps all `max` weeks at once.
    fn regular_weeks(&self, date: NaiveDate, max: i64) -> (i64, i64, NaiveDate) {
        if max <= 0 {
            return (0, 0, date);
        }
        let weeks = if self.fixed_offset {
            max
        } else {
            let mut weeks = 0;
            let offset = self.offset_at(date - Duration::days(1));
            while weeks < max
                && self.offset_at(date + Duration::weeks(weeks + 1) + Duration::days(1)) == offset
            {
                weeks += 1;
            }
            weeks
        };
        let end = date + Duration::weeks(weeks);
        let lost: i64 = self
            .holidays
            .range(date..end)
            .map(|h| self.nominal_day_seconds(*h))
            .sum();
        (weeks, weeks * self.week_seconds - lost, end)
    }

    fn nominal_day_seconds(&self, date: NaiveDate) -> i64 {
        self.week[date.weekday().num_days_from_sunday() as usize]
            .iter()
            .map(|w| i64::from(w.seconds()))
            .sum()
    }

    /// The UTC offset at `date`'s UTC midnight. Local midnights lie within a day of UTC ones,
    /// so samples a day before a local week and a day after it bracket it; equal samples
    /// mean no offset change in it, as no zone changes its offset twice within nine days.
    fn offset_at(&self, date: NaiveDate) -> i32 {
        self.tz
            .offset_from_utc_datetime(&date.and_time(NaiveTime::MIN))
            .fix()
            .local_minus_utc()
    }

    fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.tz).date_naive()
    }

    /// The open windows of a local date as instants (none on a holiday).
    fn windows_on(
        &self,
        date: NaiveDate,
    ) -> impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)> + '_ {
        let windows: &[LocalWindow] = if self.holidays.contains(&date) {
            &[]
        } else {
            &self.week[date.weekday().num_days_from_sunday() as usize]
        };
        windows.iter().filter_map(move |w| {
            let open = self.resolve(date, w.open())?;
            let close = self.resolve(date, w.close())?;
            (open < close).then_some((open, close))
        })
    }

    /// The instant of a local wall time `seconds` after `date`'s midnight (86,400 = the next
    /// local midnight). A time in a gap moves forward by the gap; an ambiguous time is its
    /// first occurrence.
    fn resolve(&self, date: NaiveDate, seconds: u32) -> Option<DateTime<Utc>> {
        let (date, seconds) = if seconds >= DAY_SECONDS {
            (date.succ_opt()?, seconds - DAY_SECONDS)
        } else {
            (date, seconds)
        };
        let local = NaiveDateTime::new(
            date,
            NaiveTime::from_num_seconds_from_midnight_opt(seconds, 0)?,
        );
        if let Some(t) = self.tz.from_local_datetime(&local).earliest() {
            return Some(t.with_timezone(&Utc));
        }
        // In a gap: read the wall time with the offset in force just before the gap, which
        // lands as far after the gap's end as the wall time is after its start.
        let before = (1..=48).find_map(|h| {
            self.tz
                .from_local_datetime(&(local - Duration::hours(h)))
                .latest()
        })?;
        let offset = before.offset().fix();
        Some(DateTime::<Utc>::from_naive_utc_and_offset(
            local - Duration::seconds(offset.local_minus_utc().into()),
            Utc,
        ))
    }
}

fn out_of_range() -> CoreError {
    CoreError::invalid("seconds", "the due instant is out of range")
}

impl crate::sla::OpenTime for BusinessCalendar {
    fn add(&self, start: DateTime<Utc>, seconds: i64) -> CoreResult<DateTime<Utc>> {
        BusinessCalendar::add(self, start, seconds)
    }

    fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        BusinessCalendar::between(self, from, to)
    }
}
