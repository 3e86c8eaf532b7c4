//! Local wall-clock time → instant, with SPEC §5.5's DST policy.

use crate::zone::{self, LocalTime};
use chrono::NaiveDate;
use chrono_tz::Tz;

/// The instant (Unix seconds) of local `date` + `secs` (`secs` may be a whole day, meaning the
/// next local midnight). A time in a spring-forward gap is read with the offset in force
/// before the gap, i.e. moved forward by the gap (02:30 → 03:30); an ambiguous time is its
/// first occurrence. `None` only outside chrono's date range.
pub fn instant(tz: &Tz, date: NaiveDate, secs: u32) -> Option<i64> {
    let date = if secs >= 86_400 {
        date.succ_opt()?
    } else {
        date
    };
    let naive = date.and_hms_opt(0, 0, 0)? + chrono::Duration::seconds(i64::from(secs % 86_400));
    Some(match zone::resolve_local(*tz, &naive) {
        LocalTime::Gap { before } => naive.and_utc().timestamp() - i64::from(before),
        found => found.earliest()?,
    })
}

/// The local calendar date of an instant.
pub fn local_date(tz: &Tz, t: i64) -> Option<NaiveDate> {
    zone::local_date(*tz, t)
}

/// UTC offset (seconds east) at an instant.
pub fn offset_at(tz: &Tz, t: i64) -> i32 {
    zone::offset_at(*tz, t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    fn at(tz: Tz, date: &str, secs: u32) -> String {
        let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
        DateTime::from_timestamp(instant(&tz, d, secs).unwrap(), 0)
            .unwrap()
            .to_rfc3339()
    }

    #[test]
    fn gap_moves_forward_by_the_gap_and_ambiguous_is_first() {
        use chrono_tz::America::New_York;
        // 2026-03-08 02:30 does not exist in New York: read as EST → 03:30 EDT.
        assert_eq!(
            at(New_York, "2026-03-08", 9000),
            "2026-03-08T07:30:00+00:00"
        );
        // 2026-11-01 01:30 happens twice: the first (EDT) one.
        assert_eq!(
            at(New_York, "2026-11-01", 5400),
            "2026-11-01T05:30:00+00:00"
        );
        // 24:00 is the next local midnight.
        assert_eq!(
            at(New_York, "2026-11-01", 86_400),
            "2026-11-02T05:00:00+00:00"
        );
    }

    #[test]
    fn midnight_gap() {
        // Santiago springs forward at 24:00 → 01:00 (2026-09-06 00:00 local does not exist).
        let t = at(chrono_tz::America::Santiago, "2026-09-06", 0);
        assert_eq!(t, "2026-09-06T04:00:00+00:00");
    }
}
