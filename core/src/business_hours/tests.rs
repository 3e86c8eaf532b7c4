use super::*;
use crate::working_time::{Holiday, WorkingTime};
use chrono::TimeZone;
use proptest::prelude::*;
use serde_json::json;

fn nine_to_five(tz: &str, days: &[&str]) -> WorkingTime {
    let mut v = json!({"timeZone": tz});
    for d in days {
        v[format!("{d}BusinessTime")] = json!({"isBusinessDay": true, "openHour": 9, "openMin": 0, "closeHour": 17, "closeMin": 0});
    }
    serde_json::from_value(v).unwrap()
}

const WEEKDAYS: [&str; 5] = ["monday", "tuesday", "wednesday", "thursday", "friday"];

fn cal(wt: WorkingTime, holidays: &[&str]) -> BusinessCalendar {
    let hs: Vec<Holiday> = holidays
        .iter()
        .map(|h| Holiday::Date(h.to_string()))
        .collect();
    BusinessCalendar::new(&wt, &hs).unwrap()
}

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

#[test]
fn exhausted_window_is_its_closing_instant() {
    // Friday 2026-11-20 09:00 UTC + 8 h → Friday 17:00, not Monday 09:00.
    let c = cal(nine_to_five("UTC", &WEEKDAYS), &[]);
    assert_eq!(
        c.add(t("2026-11-20T09:00:00Z"), 8 * 3600).unwrap(),
        t("2026-11-20T17:00:00Z")
    );
    assert_eq!(
        c.add(t("2026-11-20T09:00:00Z"), 8 * 3600 + 1).unwrap(),
        t("2026-11-23T09:00:01Z")
    );
}

#[test]
fn zero_is_now_when_open_else_the_next_opening() {
    let c = cal(nine_to_five("UTC", &WEEKDAYS), &[]);
    assert_eq!(
        c.add(t("2026-11-20T10:00:00Z"), 0).unwrap(),
        t("2026-11-20T10:00:00Z")
    );
    assert_eq!(
        c.add(t("2026-11-20T17:00:00Z"), 0).unwrap(),
        t("2026-11-23T09:00:00Z")
    );
    assert_eq!(
        c.add(t("2026-11-21T12:00:00Z"), 0).unwrap(),
        t("2026-11-23T09:00:00Z")
    );
}

#[test]
fn spring_forward_shortens_a_window_that_crosses_it() {
    // Berlin 2026-03-29: 02:00 → 03:00. A Sunday window 00:00–06:00 has 5 real hours.
    let wt: WorkingTime = serde_json::from_value(json!({"timeZone": "Europe/Berlin",
        "sundayBusinessTime": {"openHour": 0, "closeHour": 6}}))
    .unwrap();
    let c = cal(wt, &[]);
    assert_eq!(
        c.between(t("2026-03-28T00:00:00Z"), t("2026-03-30T00:00:00Z")),
        5 * 3600
    );
    // Fall-back 2026-10-25: 7 real hours.
    assert_eq!(
        c.between(t("2026-10-24T00:00:00Z"), t("2026-10-26T00:00:00Z")),
        7 * 3600
    );
}

#[test]
fn gap_times_move_forward_by_the_gap() {
    // New York 2026-03-08: 02:00 → 03:00. Opening 02:30 is 03:30 EDT = 07:30Z.
    let wt: WorkingTime = serde_json::from_value(json!({"timeZone": "America/New_York",
        "sundayBusinessTime": {"openHour": 2, "openMin": 30, "closeHour": 5}}))
    .unwrap();
    let c = cal(wt, &[]);
    assert_eq!(
        c.add(t("2026-03-08T00:00:00Z"), 0).unwrap(),
        t("2026-03-08T07:30:00Z")
    );
    assert_eq!(
        c.between(t("2026-03-08T00:00:00Z"), t("2026-03-09T00:00:00Z")),
        3600 + 1800
    );
}

#[test]
fn ambiguous_times_take_the_first_occurrence() {
    // New York 2026-11-01: 02:00 EDT → 01:00 EST. Opening 01:30 is the EDT one = 05:30Z.
    let wt: WorkingTime = serde_json::from_value(json!({"timeZone": "America/New_York",
        "sundayBusinessTime": {"openHour": 1, "openMin": 30, "closeHour": 3}}))
    .unwrap();
    let c = cal(wt, &[]);
    assert_eq!(
        c.add(t("2026-11-01T00:00:00Z"), 0).unwrap(),
        t("2026-11-01T05:30:00Z")
    );
    // 01:30 EDT → 03:00 EST (08:00Z) is 2.5 real hours.
    assert_eq!(
        c.between(t("2026-11-01T00:00:00Z"), t("2026-11-02T00:00:00Z")),
        9000
    );
}

#[test]
fn a_holiday_closes_its_whole_local_date() {
    let wt: WorkingTime = serde_json::from_value(json!({"timeZone": "Europe/Berlin",
        "sundayBusinessTime": {"openHour": 0, "closeHour": 24},
        "mondayBusinessTime": {"openHour": 0, "closeHour": 24}}))
    .unwrap();
    // Sunday 2026-03-29 (23 h) is a holiday: from Saturday noon the first open second is
    // Monday 00:00 Berlin = Sunday 22:00Z.
    let c = cal(wt, &["2026-03-29"]);
    assert_eq!(
        c.add(t("2026-03-28T12:00:00Z"), 0).unwrap(),
        t("2026-03-29T22:00:00Z")
    );
    assert_eq!(
        c.between(t("2026-03-28T12:00:00Z"), t("2026-03-31T00:00:00Z")),
        24 * 3600
    );
}

#[test]
fn close_24_ends_at_the_next_local_midnight() {
    let wt: WorkingTime = serde_json::from_value(json!({"timeZone": "Asia/Tokyo",
        "mondayBusinessTime": {"openHour": 22, "closeHour": 24, "closeMin": 0}}))
    .unwrap();
    let c = cal(wt, &[]);
    // Monday 2026-11-23 22:00 JST = 13:00Z; + 2 h → Tuesday 00:00 JST = 15:00Z.
    assert_eq!(
        c.add(t("2026-11-23T12:00:00Z"), 7200).unwrap(),
        t("2026-11-23T15:00:00Z")
    );
}

#[test]
fn every_day_closed_is_an_error_not_a_loop() {
    let c = cal(
        serde_json::from_value(json!({"timeZone": "UTC"})).unwrap(),
        &[],
    );
    let err = c.add(t("2026-11-23T12:00:00Z"), 1).unwrap_err();
    assert_eq!(err.details()[0].field, "workingTime");
    assert_eq!(
        c.between(t("2026-11-23T12:00:00Z"), t("2027-11-23T12:00:00Z")),
        0
    );
    let wt: WorkingTime = serde_json::from_value(json!({"timeZone": "UTC",
        "mondayBusinessTime": {"openHour": 17, "closeHour": 9}}))
    .unwrap();
    assert!(cal(wt, &[]).add(t("2026-11-23T12:00:00Z"), 1).is_err());
}

#[test]
fn long_spans_with_holidays_and_dst_match_a_day_walk() {
    let c = cal(
        nine_to_five("America/New_York", &WEEKDAYS),
        &["2026-12-25", "2027-07-05", "2030-01-01"],
    );
    let start = t("2026-11-23T15:00:00Z");
    // Ten years of 8-hour weekdays.
    let seconds = 8 * 3600 * 5 * 520 + 4321;
    let due = c.add(start, seconds).unwrap();
    assert_eq!(c.between(start, due), seconds);
    assert_eq!(walk_between(&c, start, due), seconds);
}

/// Sums the windows day by day: the definition, without week jumps.
fn walk_between(c: &BusinessCalendar, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    let mut total = 0;
    let mut date = c.local_date(from) - Duration::days(1);
    while date <= c.local_date(to) {
        for (open, close) in c.windows_on(date) {
            let (a, b) = (open.max(from), close.min(to));
            if a < b {
                total += (b - a).num_seconds();
            }
        }
        date = date.succ_opt().unwrap();
    }
    total
}

fn arb_calendar() -> impl Strategy<Value = BusinessCalendar> {
    let zone = prop::sample::select(vec![
        "UTC",
        "Europe/Berlin",
        "America/New_York",
        "Australia/Sydney",
        "Asia/Kolkata",
    ]);
    let day = prop::option::of((0u32..24, 0u32..4, 1u32..12));
    (zone, prop::collection::vec(day, 7), prop::collection::vec(0i64..800, 0..4)).prop_map(|(zone, days, holidays)| {
        let names = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
        let mut v = json!({"timeZone": zone});
        for (name, day) in names.iter().zip(days) {
            if let Some((open, quarter, len)) = day {
                let close = (open * 60 + quarter * 15 + len * 60).min(24 * 60);
                v[format!("{name}BusinessTime")] = json!({"openHour": open, "openMin": quarter * 15,
                    "closeHour": close / 60, "closeMin": close % 60});
            }
        }
        let base = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let hs: Vec<Holiday> = holidays.iter().map(|d| Holiday::Date((base + Duration::days(*d)).to_string())).collect();
        BusinessCalendar::new(&serde_json::from_value(v).unwrap(), &hs).unwrap()
    })
}

fn arb_instant() -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..(3 * 365 * 86400))
        .prop_map(|s| Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + Duration::seconds(s))
}

proptest! {
    #[test]
    fn between_inverts_add(c in arb_calendar(), start in arb_instant(), seconds in 0i64..(400 * 3600)) {
        prop_assume!(c.week_seconds > 0);
        let due = c.add(start, seconds).unwrap();
        prop_assert!(due >= start);
        prop_assert_eq!(c.between(start, due), seconds);
        prop_assert_eq!(walk_between(&c, start, due), seconds);
    }

    #[test]
    fn add_is_monotonic(c in arb_calendar(), start in arb_instant(), a in 0i64..(200 * 3600), b in 0i64..(200 * 3600)) {
        prop_assume!(c.week_seconds > 0);
        let (lo, hi) = (a.min(b), a.max(b));
        prop_assert!(c.add(start, lo).unwrap() <= c.add(start, hi).unwrap());
    }

    #[test]
    fn between_is_additive(c in arb_calendar(), a in arb_instant(), b in arb_instant(), m in arb_instant()) {
        let mut v = [a, b, m];
        v.sort();
        prop_assert_eq!(c.between(v[0], v[2]), c.between(v[0], v[1]) + c.between(v[1], v[2]));
        prop_assert_eq!(c.between(v[0], v[2]), walk_between(&c, v[0], v[2]));
    }
}
