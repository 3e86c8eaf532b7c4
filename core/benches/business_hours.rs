//! Business-hours arithmetic (SPEC §5.5: cost must not grow with the time added) and one SLA
//! computation over a realistic timeline.

use anytime_core::business_hours::BusinessCalendar;
use anytime_core::working_time::{Holiday, WorkingTime};
use chrono::{DateTime, Utc};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use serde_json::json;

fn calendar(zone: &str) -> BusinessCalendar {
    let day =
        json!({"isBusinessDay": true, "openHour": 9, "openMin": 0, "closeHour": 17, "closeMin": 0});
    let wt: WorkingTime = serde_json::from_value(json!({"timeZone": zone,
        "mondayBusinessTime": day, "tuesdayBusinessTime": day, "wednesdayBusinessTime": day,
        "thursdayBusinessTime": day, "fridayBusinessTime": day}))
    .unwrap();
    // Ten holidays a year for ten years.
    let holidays: Vec<Holiday> = (2026..2036)
        .flat_map(|y| (1..=10).map(move |m| Holiday::Date(format!("{y}-{m:02}-15"))))
        .collect();
    BusinessCalendar::new(&wt, &holidays).unwrap()
}

fn add(c: &mut Criterion) {
    let start: DateTime<Utc> = "2026-11-23T10:00:00Z".parse().unwrap();
    for zone in ["UTC", "Europe/Berlin"] {
        let cal = calendar(zone);
        for (label, hours) in [("1 hour", 1i64), ("1 year", 2000), ("10 years", 20_000)] {
            c.bench_function(&format!("add_business_time {zone} {label}"), |b| {
                b.iter(|| cal.add(black_box(start), hours * 3600).unwrap())
            });
        }
        let end: DateTime<Utc> = "2027-11-23T10:00:00Z".parse().unwrap();
        c.bench_function(&format!("business_time_between {zone} 1 year"), |b| {
            b.iter(|| cal.between(black_box(start), end))
        });
    }
}

fn sla(c: &mut Criterion) {
    let input = json!({
        "policies": [
            {"id": "cccccccc-0000-4000-8000-000000000001", "orderIndex": 0, "operationalHour": "businessHours",
             "firstRespondWithin": 1, "nextRespondWithin": 2, "resolveRespondWithin": 24,
             "conditions": [{"fieldId": "priority", "matchType": "is", "value": "urgent"}]},
            {"id": "cccccccc-0000-4000-8000-000000000002", "orderIndex": 1, "operationalHour": "businessHours",
             "firstRespondWithin": 4, "nextRespondWithin": 8, "resolveRespondWithin": 72}
        ],
        "workingTime": {"timeZone": "Europe/Berlin",
            "mondayBusinessTime": {"openHour": 9, "closeHour": 17}, "tuesdayBusinessTime": {"openHour": 9, "closeHour": 17},
            "wednesdayBusinessTime": {"openHour": 9, "closeHour": 17}, "thursdayBusinessTime": {"openHour": 9, "closeHour": 17},
            "fridayBusinessTime": {"openHour": 9, "closeHour": 17}},
        "holidays": ["2026-12-25", "2026-12-26"],
        "conversation": {"id": 1, "status": "pendingInternal", "createdTime": "2026-11-23T10:00:00Z"},
        "timeline": (0..20).map(|i| json!({"kind": "message", "time": format!("2026-11-{:02}T1{}:00:00Z", 23 + i / 4, i % 4),
            "messageType": "email", "senderType": if i % 2 == 0 { "agent" } else { "contact" }})).collect::<Vec<_>>(),
        "now": "2026-11-28T12:00:00Z"
    });
    c.bench_function("computeSla (JSON in/out, 2 policies, 20 messages)", |b| {
        b.iter(|| anytime_core::eval::call("computeSla", black_box(input.clone())).unwrap())
    });
}

criterion_group!(benches, add, sla);
criterion_main!(benches);
