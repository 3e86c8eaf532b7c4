//! SLA policy values the seeds spell differently (key aliases are in the policy's `Shape`).

use serde_json::{Map, Value};

/// Seed 001's `operationalHour: calenderHours` is our `calendarHours`.
pub fn operational_hour(map: &mut Map<String, Value>) {
    if let Some(Value::String(s)) = map.get_mut("operationalHour") {
        if s.eq_ignore_ascii_case("calenderHours") {
            *s = "calendarHours".into();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn calender_hours_is_calendar_hours() {
        let mut m = Map::new();
        m.insert("operationalHour".into(), json!("calenderHours"));
        operational_hour(&mut m);
        assert_eq!(m["operationalHour"], "calendarHours");
        m.insert("operationalHour".into(), json!("businessHours"));
        operational_hour(&mut m);
        assert_eq!(m["operationalHour"], "businessHours");
    }
}
