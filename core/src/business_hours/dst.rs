//! The dates on which a zone's offset changes, found once per calendar and only when a long
//! span is jumped over, probed through `crate::zone::offset_at` (any zone backend will do).

use super::resolve::{local_date, offset_at};
use chrono::NaiveDate;
use chrono_tz::Tz;

/// Instants probed for transitions: 1900-01-01 … 2101-01-01 UTC. Before it, the calendar
/// walks day by day; after it, the offset must be constant (checked) for jumps to be allowed.
const COVER_START: i64 = -2_208_988_800;
const COVER_END: i64 = 4_133_980_800;
/// Probe step. Two transitions that cancel out within one week would be missed; no zone in
/// the tz database has had one.
const STEP: i64 = 7 * 86_400;

/// Local dates near an offset change, each with how much its open time differs from the
/// nominal weekday (`R(d) − N(d)`), as prefix sums for O(log n) range totals.
#[derive(Debug)]
pub struct DstTable {
    dates: Vec<NaiveDate>,
    /// `prefix[i]` = sum of the deltas of `dates[..i]`.
    prefix: Vec<i64>,
    pub first_date: NaiveDate,
    pub last_date: NaiveDate,
    /// No offset change after the probed range, so spans beyond it are nominal.
    pub constant_after: bool,
}

impl DstTable {
    /// `delta(d)` = real minus nominal open seconds of a (non-holiday) date.
    pub fn build(tz: &Tz, mut delta: impl FnMut(NaiveDate) -> i64) -> Self {
        let mut near = std::collections::BTreeSet::new();
        let mut t = COVER_START;
        let mut off = offset_at(tz, t);
        while t < COVER_END {
            let next = t + STEP;
            let next_off = offset_at(tz, next);
            if next_off != off {
                // Bisect to the first second with the new offset (one change per step).
                let (mut lo, mut hi) = (t, next);
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2;
                    if offset_at(tz, mid) == off {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                if let (Some(before), Some(after)) = (local_date(tz, hi - 1), local_date(tz, hi)) {
                    let mut d = before.pred_opt().unwrap_or(before);
                    let last = after.succ_opt().unwrap_or(after);
                    while d <= last {
                        near.insert(d);
                        match d.succ_opt() {
                            Some(n) => d = n,
                            None => break,
                        }
                    }
                }
            }
            t = next;
            off = next_off;
        }
        let mut dates = Vec::new();
        let mut prefix = vec![0];
        for d in near {
            let x = delta(d);
            if x != 0 {
                dates.push(d);
                prefix.push(prefix[prefix.len() - 1] + x);
            }
        }
        let end_off = offset_at(tz, COVER_END);
        // Probe the far future coarsely (twice a year for two centuries, then far out).
        let constant_after = (0..400)
            .map(|i| COVER_END + i * 15_778_800)
            .chain([253_402_214_400 - 86_400])
            .all(|t| offset_at(tz, t) == end_off);
        let first_date = local_date(tz, COVER_START + 2 * 86_400).unwrap_or(NaiveDate::MIN);
        let last_date = local_date(tz, COVER_END - 2 * 86_400).unwrap_or(NaiveDate::MIN);
        DstTable {
            dates,
            prefix,
            first_date,
            last_date,
            constant_after,
        }
    }

    /// Whether totals over `[from, to)` are known.
    pub fn covers(&self, from: NaiveDate, to: NaiveDate) -> bool {
        from >= self.first_date && (to <= self.last_date || self.constant_after)
    }

    /// Sum of the deltas of dates in `[from, to)`.
    pub fn delta_sum(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let i = self.dates.partition_point(|d| *d < from);
        let j = self.dates.partition_point(|d| *d < to);
        self.prefix[j.max(i)] - self.prefix[i]
    }
}
