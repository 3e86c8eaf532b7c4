//! Retry bookkeeping of the outbound email outbox (SPEC §5.9): after a failed delivery the
//! row's `attempts` grows and `next_attempt_at` moves out exponentially, so a dead relay is
//! not hammered and a flaky one is retried soon; after `MAX_ATTEMPTS` the row is `failed`.
//! Delivery itself comes with the mail adapter; this is the schedule it will follow.

use chrono::{DateTime, Duration, Utc};

/// Deliveries tried before a message is given up (waits add up to about eight hours).
pub const MAX_ATTEMPTS: u32 = 10;
/// Wait after the first failure; doubles with every further one.
pub const FIRST_BACKOFF_SECS: i64 = 60;
/// No single wait is longer than this.
pub const MAX_BACKOFF_SECS: i64 = 4 * 3600;

/// What happens to a queued message after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Stay `queued`, with this attempt count, and try again at this instant.
    At {
        attempts: u32,
        next_attempt_at: DateTime<Utc>,
    },
    /// Mark `failed`; no further attempt.
    GiveUp { attempts: u32 },
}

/// The schedule after a failure, given the attempts made before this one.
pub fn after_failure(attempts_before: u32, now: DateTime<Utc>) -> Retry {
    let attempts = attempts_before.saturating_add(1);
    if attempts >= MAX_ATTEMPTS {
        return Retry::GiveUp { attempts };
    }
    let doublings = attempts_before.min(20);
    let secs = FIRST_BACKOFF_SECS
        .saturating_mul(1_i64 << doublings)
        .min(MAX_BACKOFF_SECS);
    match now.checked_add_signed(Duration::seconds(secs)) {
        Some(next_attempt_at) => Retry::At {
            attempts,
            next_attempt_at,
        },
        None => Retry::GiveUp { attempts },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn wait(r: Retry) -> Option<i64> {
        match r {
            Retry::At {
                next_attempt_at, ..
            } => Some((next_attempt_at - now()).num_seconds()),
            Retry::GiveUp { .. } => None,
        }
    }

    #[test]
    fn backoff_doubles_from_one_minute() {
        assert_eq!(wait(after_failure(0, now())), Some(60));
        assert_eq!(wait(after_failure(1, now())), Some(120));
        assert_eq!(wait(after_failure(2, now())), Some(240));
        assert_eq!(wait(after_failure(5, now())), Some(1920));
    }

    #[test]
    fn backoff_is_capped_at_four_hours() {
        assert_eq!(wait(after_failure(8, now())), Some(4 * 3600));
    }

    #[test]
    fn attempts_count_up_and_the_tenth_failure_gives_up() {
        assert_eq!(
            after_failure(3, now()),
            Retry::At {
                attempts: 4,
                next_attempt_at: now() + Duration::seconds(480)
            }
        );
        assert_eq!(after_failure(9, now()), Retry::GiveUp { attempts: 10 });
        assert_eq!(
            after_failure(u32::MAX, now()),
            Retry::GiveUp { attempts: u32::MAX }
        );
    }

    #[test]
    fn an_instant_at_the_end_of_time_gives_up_instead_of_overflowing() {
        assert_eq!(
            after_failure(0, DateTime::<Utc>::MAX_UTC),
            Retry::GiveUp { attempts: 1 }
        );
    }
}
