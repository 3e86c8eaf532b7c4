//! Times are stored as RFC 3339 UTC text with milliseconds and `Z`: sortable, readable.

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use rusqlite::types::Type;

pub(crate) fn to_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The clock of the whole server, truncated to the millisecond: the precision times are
/// stored and shown in, so an instant read back equals the one the change computed with
/// (a snapshot's `lastActivityTime` and its column agree, sorting never sees hidden digits).
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3)
}

/// The store stamps `createdTime`/`updatedTime` itself: it is an adapter, allowed a clock.
pub(crate) fn now_text() -> String {
    to_text(now())
}

pub(crate) fn parse(text: &str, col: usize) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(col, Type::Text, Box::new(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_ticks_in_milliseconds() {
        let t = now();
        assert_eq!(t.timestamp_subsec_nanos() % 1_000_000, 0);
        assert_eq!(parse(&to_text(t), 0).unwrap(), t);
    }

    #[test]
    fn round_trips_with_millis() {
        let t = DateTime::parse_from_rfc3339("2026-11-20T15:00:00.123Z")
            .unwrap()
            .with_timezone(&Utc);
        let text = to_text(t);
        assert_eq!(text, "2026-11-20T15:00:00.123Z");
        assert_eq!(parse(&text, 0).unwrap(), t);
    }
}
