//! Business-hours arithmetic: the cost of `add` must not grow with the amount added.

use anytime_core::business_hours::BusinessCalendar;
use anytime_core::working_time::{Holiday, WorkingTime};
use chrono::{DateTime, Utc};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use serde_json::json;

fn calendar() -> BusinessCalendar {
    let d =
        json!({"isBusinessDay": true, "openHour": 9, "openMin": 0, "closeHour": 17, "closeMin": 0});
    let wt: WorkingTime = serde_json::from_value(json!({"timeZone": "America/New_York",
        "mondayBusinessTime": d, "tuesdayBusinessTime": d, "wednesdayBusinessTime": d,
        "thursdayBusinessTime": d, "fridayBusinessTime": {"periods": [
            {"openHour": 9, "closeHour": 12}, {"openHour": 13, "closeHour": 17}]}}))
    .expect("working time");
    // Ten holidays a year for twelve years.
    let holidays: Vec<Holiday> = (2026..2038)
        .flat_map(|y| {
            [
                "01-01", "01-19", "02-16", "05-25", "07-03", "09-07", "10-12", "11-11", "11-26",
                "12-25",
            ]
            .map(move |md| Holiday::Date(format!("{y}-{md}")))
        })
        .collect();
    BusinessCalendar::new(&wt, &holidays).expect("calendar")
}

fn bench(c: &mut Criterion) {
    let cal = calendar();
    let start: DateTime<Utc> = "2026-03-04T15:30:00Z".parse().expect("start");
    // Warm the lazily probed DST table so the figures are the steady state.
    let _ = cal.add(start, 10 * 2000 * 3600);
    let hour = 3600;
    let year = 250 * 8 * 3600;
    c.bench_function("add 1 hour", |b| {
        b.iter(|| cal.add(black_box(start), black_box(hour)))
    });
    c.bench_function("add 1 year", |b| {
        b.iter(|| cal.add(black_box(start), black_box(year)))
    });
    c.bench_function("add 10 years", |b| {
        b.iter(|| cal.add(black_box(start), black_box(10 * year)))
    });
    let end: DateTime<Utc> = "2027-03-04T15:30:00Z".parse().expect("end");
    c.bench_function("between over a year", |b| {
        b.iter(|| cal.between(black_box(start), black_box(end)))
    });
    c.bench_function("build calendar + first long add (probes the zone)", |b| {
        b.iter(|| calendar().add(black_box(start), black_box(year)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
