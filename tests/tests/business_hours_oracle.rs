//! SPEC §5.5 against an independent implementation: 600 cases answered by Perl's
//! `Business::Hours` (the module Request Tracker's SLAs use), from
//! `../shared/peers/business_hours` (copied to `tests/oracle/`). Where that module's
//! conventions differ from SPEC, the comparison follows the peer's README: a due instant that
//! is a closing instant agrees with an oracle answer at the next opening, and cases where the
//! oracle has a known bug carry the `natural` answer SPEC follows.

use anytime_core::business_hours::BusinessCalendar;
use anytime_core::working_time::{Holiday, WorkingTime};
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

fn calendar(case: &Value) -> BusinessCalendar {
    let mut wt = json!({"timeZone": case["tz"]});
    for (key, day) in [
        ("sun", "sunday"),
        ("mon", "monday"),
        ("tue", "tuesday"),
        ("wed", "wednesday"),
        ("thu", "thursday"),
        ("fri", "friday"),
        ("sat", "saturday"),
    ] {
        let Some(window) = case["schedule"][key].as_array() else {
            continue;
        };
        let hm = |v: &Value| {
            let (h, m) = v.as_str().unwrap().split_once(':').unwrap();
            (h.parse::<u32>().unwrap(), m.parse::<u32>().unwrap())
        };
        let ((oh, om), (ch, cm)) = (hm(&window[0]), hm(&window[1]));
        wt[format!("{day}BusinessTime")] = json!({"isBusinessDay": true,
            "openHour": oh, "openMin": om, "closeHour": ch, "closeMin": cm});
    }
    let wt: WorkingTime = serde_json::from_value(wt).unwrap();
    let holidays: Vec<Holiday> = serde_json::from_value(case["holidays"].clone()).unwrap();
    BusinessCalendar::new(&wt, &holidays).unwrap()
}

fn instant(v: &Value) -> DateTime<Utc> {
    v.as_str().unwrap().parse().unwrap()
}

#[test]
fn all_600_oracle_cases_agree() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/oracle/business_hours_cases.jsonl"
    ))
    .unwrap();
    let mut checked = 0;
    let mut failures = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).unwrap();
        let cal = calendar(&case);
        let start = instant(&case["start"]);
        let expected = if case["natural"].is_object() {
            &case["natural"]
        } else {
            &case["expected"]
        };
        checked += 1;
        if let Some(seconds) = case["addSeconds"].as_i64() {
            let ours = cal.add(start, seconds).unwrap();
            let oracle = instant(&expected["due"]);
            let closing = !cal.is_open(ours) && cal.is_open(ours - Duration::seconds(1));
            let agrees = ours == oracle || (closing && cal.add(ours, 0).unwrap() == oracle);
            if !agrees {
                failures.push(format!(
                    "case {}: add → {ours}, oracle {oracle}",
                    case["id"]
                ));
            }
        } else {
            let end = instant(&case["end"]);
            let ours = cal.between(start, end);
            let oracle = expected["businessSeconds"].as_i64().unwrap();
            if ours != oracle {
                failures.push(format!(
                    "case {}: between → {ours}, oracle {oracle}",
                    case["id"]
                ));
            }
        }
    }
    assert_eq!(checked, 600, "the oracle file should hold 600 cases");
    assert!(
        failures.is_empty(),
        "{} of {checked} cases disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
