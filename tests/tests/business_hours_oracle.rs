//! Business hours against an independent oracle: 600 cases answered by Perl's
//! `Business::Hours` (the module Request Tracker's SLA engine uses), copied from the peers'
//! `dev_cases.jsonl` into `tests/oracle/`. Comparison rules (from the oracle's README):
//! * where the case carries a `natural` answer (the oracle's known holiday/24:00 bugs), that
//!   answer is the expectation;
//! * a due agrees when it is equal, or when ours is a closing instant and the oracle's is the
//!   first opening at or after it (the oracle never answers a closing instant).

use anytime_core::business_hours::BusinessCalendar;
use anytime_core::working_time::{Holiday, WorkingTime};
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};
use std::path::Path;

const DAYS: [(&str, &str); 7] = [
    ("sun", "sundayBusinessTime"),
    ("mon", "mondayBusinessTime"),
    ("tue", "tuesdayBusinessTime"),
    ("wed", "wednesdayBusinessTime"),
    ("thu", "thursdayBusinessTime"),
    ("fri", "fridayBusinessTime"),
    ("sat", "saturdayBusinessTime"),
];

fn hm(s: &Value) -> (i64, i64) {
    let text = s.as_str().expect("HH:MM");
    let (h, m) = text.split_once(':').expect("HH:MM");
    (h.parse().expect("hour"), m.parse().expect("minute"))
}

/// The oracle's `schedule`/`tz` as SPEC §4.8's `workingTime`.
fn working_time(case: &Value) -> Value {
    let mut wt = json!({"timeZone": case["tz"]});
    for (short, field) in DAYS {
        let day = &case["schedule"][short];
        wt[field] = if day.is_null() {
            json!({"isBusinessDay": false})
        } else {
            let ((oh, om), (ch, cm)) = (hm(&day[0]), hm(&day[1]));
            json!({"isBusinessDay": true, "openHour": oh, "openMin": om, "closeHour": ch, "closeMin": cm})
        };
    }
    wt
}

fn instant(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("instant")
        .with_timezone(&Utc)
}

fn z(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[test]
fn all_oracle_cases_agree() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("oracle/business_hours_cases.jsonl");
    let text = std::fs::read_to_string(&path).expect("oracle cases");
    let (mut total, mut agree, mut via_closing) = (0, 0, 0);
    let mut failures = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).expect("case");
        total += 1;
        let wt: WorkingTime = serde_json::from_value(working_time(&case)).expect("working time");
        let holidays: Vec<Holiday> =
            serde_json::from_value(case["holidays"].clone()).expect("holidays");
        let cal = BusinessCalendar::new(&wt, &holidays).expect("calendar");
        let want = case.get("natural").unwrap_or(&case["expected"]);
        let start = instant(case["start"].as_str().expect("start"));
        let (ok, detail) = if let Some(secs) = case["addSeconds"].as_i64() {
            let ours = cal.add(start, secs).expect("add");
            let oracle = instant(want["due"].as_str().expect("due"));
            let closing = !cal.is_open(ours) && cal.is_open(ours - Duration::seconds(1));
            let next_opening = cal.add(ours, 0).ok();
            let ok = ours == oracle || (closing && next_opening == Some(oracle));
            if ok && ours != oracle {
                via_closing += 1;
            }
            (ok, format!("ours {} oracle {}", z(ours), z(oracle)))
        } else {
            let end = instant(case["end"].as_str().expect("end"));
            let ours = cal.between(start, end);
            let oracle = want["businessSeconds"].as_i64().expect("businessSeconds");
            (ours == oracle, format!("ours {ours} oracle {oracle}"))
        };
        if ok {
            agree += 1;
        } else {
            failures.push(format!("case {}: {detail} — {line}", case["id"]));
        }
    }
    println!("business hours oracle: {agree} of {total} agree ({via_closing} by the closing-instant rule)");
    assert_eq!(total, 600);
    assert!(
        failures.is_empty(),
        "{} of {total} disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
