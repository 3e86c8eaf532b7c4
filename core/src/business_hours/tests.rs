//! Unit tests and properties of the calendar arithmetic.

use super::eval::{format_instant, parse_instant};
use super::BusinessCalendar;
use crate::working_time::{Holiday, WorkingTime};
use chrono::{DateTime, Utc};
use serde_json::json;

fn cal(tz: &str, days: serde_json::Value, holidays: &[&str]) -> BusinessCalendar {
    let mut wt = days;
    wt["timeZone"] = json!(tz);
    let wt: WorkingTime = serde_json::from_value(wt).expect("working time");
    let hs: Vec<Holiday> = holidays
        .iter()
        .map(|h| Holiday::Date(h.to_string()))
        .collect();
    BusinessCalendar::new(&wt, &hs).expect("calendar")
}

fn nine_to_five(tz: &str, holidays: &[&str]) -> BusinessCalendar {
    let d = json!({"openHour": 9, "openMin": 0, "closeHour": 17, "closeMin": 0});
    cal(
        tz,
        json!({"mondayBusinessTime": d, "tuesdayBusinessTime": d, "wednesdayBusinessTime": d,
               "thursdayBusinessTime": d, "fridayBusinessTime": d}),
        holidays,
    )
}

fn t(s: &str) -> DateTime<Utc> {
    parse_instant("t", s).expect("instant")
}

fn add(c: &BusinessCalendar, s: &str, secs: i64) -> String {
    format_instant(c.add(t(s), secs).expect("add"))
}

#[test]
fn exhausted_window_is_the_closing_instant() {
    let c = nine_to_five("UTC", &[]);
    // Friday 2026-05-15 09:00 + 8 h → Friday 17:00, not Monday 09:00.
    assert_eq!(
        add(&c, "2026-05-15T09:00:00Z", 8 * 3600),
        "2026-05-15T17:00:00Z"
    );
    assert_eq!(
        add(&c, "2026-05-15T09:00:00Z", 8 * 3600 + 1),
        "2026-05-18T09:00:01Z"
    );
}

#[test]
fn zero_is_now_when_open_else_next_opening() {
    let c = nine_to_five("UTC", &[]);
    assert_eq!(add(&c, "2026-05-13T10:00:00Z", 0), "2026-05-13T10:00:00Z");
    assert_eq!(add(&c, "2026-05-13T17:00:00Z", 0), "2026-05-14T09:00:00Z");
    assert_eq!(add(&c, "2026-05-16T12:00:00Z", 60), "2026-05-18T09:01:00Z");
}

#[test]
fn holiday_on_dst_day_is_the_whole_local_date() {
    // Berlin 2026-03-29 is 23 h long and 2026-10-25 25 h; around either, three local days
    // of a 24x7 calendar minus the holiday leave exactly two 24 h days.
    let day = json!({"openHour": 0, "closeHour": 24});
    let all: serde_json::Value = json!({"sundayBusinessTime": day, "mondayBusinessTime": day,
        "tuesdayBusinessTime": day, "wednesdayBusinessTime": day, "thursdayBusinessTime": day,
        "fridayBusinessTime": day, "saturdayBusinessTime": day});
    let c = cal("Europe/Berlin", all.clone(), &["2026-03-29"]);
    assert_eq!(
        c.between(t("2026-03-27T23:00:00Z"), t("2026-03-30T22:00:00Z")),
        2 * 86_400
    );
    let c = cal("Europe/Berlin", all, &["2026-10-25"]);
    assert_eq!(
        c.between(t("2026-10-23T22:00:00Z"), t("2026-10-26T23:00:00Z")),
        2 * 86_400
    );
}

#[test]
fn all_closed_is_an_error_not_a_loop() {
    let c = cal("UTC", json!({}), &[]);
    assert!(c.add(t("2026-05-13T10:00:00Z"), 1).is_err());
    assert_eq!(
        c.between(t("2026-05-13T10:00:00Z"), t("2027-05-13T10:00:00Z")),
        0
    );
    assert_eq!(c.next_change(t("2026-05-13T10:00:00Z")), None);
    assert!(!c.is_open(t("2026-05-13T10:00:00Z")));
}

#[test]
fn long_adds_match_walking() {
    // Ten years in New York with holidays: the jump must agree with the day walk.
    let c = nine_to_five(
        "America/New_York",
        &["2027-07-05", "2030-03-11", "2031-11-03"],
    );
    let start = t("2026-01-05T14:00:00Z");
    let secs = 10 * 52 * 5 * 8 * 3600 + 1234;
    let due = c.add(start, secs).expect("add");
    assert_eq!(c.between(start, due), secs);
    // Walk by one-week steps so no single call jumps far.
    let mut cur = start;
    let week = 5 * 8 * 3600;
    let mut left = secs;
    while left > week {
        cur = c.add(cur, week).expect("add");
        left -= week;
    }
    assert_eq!(c.add(cur, left).expect("add"), due);
}

#[test]
fn is_open_and_next_change() {
    let c = nine_to_five("UTC", &[]);
    assert!(c.is_open(t("2026-05-13T09:00:00Z")));
    assert!(!c.is_open(t("2026-05-13T17:00:00Z")));
    assert_eq!(
        format_instant(c.next_change(t("2026-05-13T10:00:00Z")).unwrap()),
        "2026-05-13T17:00:00Z"
    );
    assert_eq!(
        format_instant(c.next_change(t("2026-05-15T17:00:00Z")).unwrap()),
        "2026-05-18T09:00:00Z"
    );
}

mod properties {
    use super::*;
    use chrono::Duration;
    use proptest::prelude::*;

    const ZONES: [&str; 6] = [
        "UTC",
        "America/New_York",
        "Europe/Berlin",
        "Australia/Sydney",
        "America/Santiago",
        "Australia/Lord_Howe",
    ];
    const DAY_FIELDS: [&str; 7] = [
        "sundayBusinessTime",
        "mondayBusinessTime",
        "tuesdayBusinessTime",
        "wednesdayBusinessTime",
        "thursdayBusinessTime",
        "fridayBusinessTime",
        "saturdayBusinessTime",
    ];
    /// 2026-01-01T00:00:00Z; starts fall in the three years after it (several DST changes).
    const BASE: i64 = 1_767_225_600;

    /// A random calendar: each weekday closed or one or two minute-granular windows (close may
    /// be 24:00, windows near 00:00–03:00 to hit DST gaps and repeats), a few holidays.
    fn calendar() -> impl Strategy<Value = BusinessCalendar> {
        let window = (0u32..24 * 60, 1u32..12 * 60);
        let day = prop::collection::vec(window, 0..=2);
        (
            0..ZONES.len(),
            prop::collection::vec(day, 7),
            prop::collection::vec(0i64..3 * 366, 0..6),
        )
            .prop_map(|(z, days, hol)| {
                let mut wt = json!({"timeZone": ZONES[z]});
                for (i, windows) in days.into_iter().enumerate() {
                    let mut periods = Vec::new();
                    let mut from = 0;
                    for (open, len) in windows {
                        let open = open.max(from);
                        let close = (open + len).min(24 * 60);
                        if open < close {
                            periods.push(json!({"openHour": open / 60, "openMin": open % 60,
                                "closeHour": close / 60, "closeMin": close % 60}));
                            from = close;
                        }
                    }
                    wt[DAY_FIELDS[i]] = json!({"periods": periods});
                }
                let wt: WorkingTime = serde_json::from_value(wt).expect("working time");
                let hs: Vec<Holiday> = hol
                    .into_iter()
                    .map(|d| {
                        let date = DateTime::from_timestamp(BASE + d * 86_400, 0).expect("date");
                        Holiday::Date(date.format("%Y-%m-%d").to_string())
                    })
                    .collect();
                BusinessCalendar::new(&wt, &hs).expect("calendar")
            })
    }

    fn instant() -> impl Strategy<Value = DateTime<Utc>> {
        (0i64..3 * 366 * 86_400)
            .prop_map(|s| DateTime::from_timestamp(BASE + s, 0).expect("instant"))
    }

    /// Up to two years of open time, biased towards small amounts.
    fn amount() -> impl Strategy<Value = i64> {
        prop_oneof![0i64..4 * 3600, 0i64..30 * 86_400, 0i64..2 * 366 * 86_400]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn between_undoes_add(c in calendar(), a in instant(), s in amount()) {
            if let Ok(due) = c.add(a, s) {
                prop_assert!(due >= a);
                prop_assert_eq!(c.between(a, due), s);
            } else {
                prop_assert_eq!(c.between(a, a + Duration::days(30)), 0);
            }
        }

        #[test]
        fn add_is_monotonic(c in calendar(), a in instant(), s1 in amount(), s2 in amount()) {
            let (lo, hi) = (s1.min(s2), s1.max(s2));
            if let (Ok(x), Ok(y)) = (c.add(a, lo), c.add(a, hi)) {
                prop_assert!(x <= y);
                prop_assert!(x >= a);
                if lo < hi {
                    prop_assert!(x < y);
                }
            }
        }

        #[test]
        fn between_is_additive(c in calendar(), a in instant(), m in instant(), b in instant()) {
            let mut v = [a, m, b];
            v.sort();
            let [a, m, b] = v;
            prop_assert_eq!(c.between(a, b), c.between(a, m) + c.between(m, b));
            prop_assert_eq!(c.between(b, a), 0);
        }

        /// A long add (which jumps whole weeks) equals the same amount added in short steps
        /// (which only walk days).
        #[test]
        fn jumping_equals_walking(c in calendar(), a in instant(), s in 0i64..2 * 366 * 86_400) {
            let Ok(due) = c.add(a, s) else { return Ok(()) };
            let step = 3 * 86_400;
            let (mut cur, mut left) = (a, s);
            while left > step {
                cur = c.add(cur, step).expect("add");
                left -= step;
            }
            prop_assert_eq!(c.add(cur, left).expect("add"), due);
        }

        /// `between` agrees with `is_open` sampled each minute (business state is constant
        /// within a minute: windows and offsets are whole minutes).
        #[test]
        fn between_counts_open_minutes(c in calendar(), a in instant(), mins in 0i64..3 * 1440) {
            let a = DateTime::from_timestamp(a.timestamp() / 60 * 60, 0).expect("instant");
            let open = (0..mins).filter(|i| c.is_open(a + Duration::minutes(*i))).count() as i64;
            prop_assert_eq!(c.between(a, a + Duration::minutes(mins)), open * 60);
        }
    }
}
