//! Working time and holidays: the settings business hours run on (SPEC §4.8).
//!
//! These are the API shapes exactly as clients send them. Two readings exist on purpose:
//! [`WorkingTime::validate`] is the strict check applied when settings are saved (a window
//! with close ≤ open is a 400), while [`WorkingTime::day_windows`] is the lenient reading the
//! arithmetic uses, where such a window is simply a closed day (SPEC §5.5).

use crate::{CoreError, CoreResult, ErrorDetail};
use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// Seconds in a local day; a `closeHour` of 24 means this many seconds after local midnight.
pub const DAY_SECONDS: u32 = 86_400;

/// The weekly schedule of the site in its time zone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkingTime {
    /// IANA zone name; absent means UTC.
    #[serde(default = "utc_name")]
    pub time_zone: String,
    #[serde(default)]
    pub sunday_business_time: Option<BusinessTime>,
    #[serde(default)]
    pub monday_business_time: Option<BusinessTime>,
    #[serde(default)]
    pub tuesday_business_time: Option<BusinessTime>,
    #[serde(default)]
    pub wednesday_business_time: Option<BusinessTime>,
    #[serde(default)]
    pub thursday_business_time: Option<BusinessTime>,
    #[serde(default)]
    pub friday_business_time: Option<BusinessTime>,
    #[serde(default)]
    pub saturday_business_time: Option<BusinessTime>,
}

fn utc_name() -> String {
    "UTC".to_string()
}

/// One weekday: a single window (`openHour…closeMin`) or split shifts (`periods`).
/// An absent day, or `isBusinessDay: false`, is closed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BusinessTime {
    #[serde(default = "yes")]
    pub is_business_day: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_hour: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_min: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close_hour: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close_min: Option<i64>,
    /// Split shifts; when present the single-window fields are ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub periods: Option<Vec<Period>>,
}

fn yes() -> bool {
    true
}

/// One window of a split-shift day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Period {
    pub open_hour: i64,
    #[serde(default)]
    pub open_min: i64,
    pub close_hour: i64,
    #[serde(default)]
    pub close_min: i64,
}

/// A local wall-clock window of one weekday, in seconds after local midnight; `close` may be
/// [`DAY_SECONDS`]. Only built with `open < close`, so a `LocalWindow` is never empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LocalWindow {
    open: u32,
    close: u32,
}

impl LocalWindow {
    /// `None` when the window is empty (close ≤ open), which the arithmetic treats as closed.
    pub fn new(open: u32, close: u32) -> Option<Self> {
        (open < close && close <= DAY_SECONDS).then_some(Self { open, close })
    }
    pub fn open(self) -> u32 {
        self.open
    }
    pub fn close(self) -> u32 {
        self.close
    }
    /// Nominal length in seconds (the real one differs on DST days).
    pub fn seconds(self) -> u32 {
        self.close - self.open
    }
}

/// The weekday fields in `chrono`'s Sunday-first order (index = `num_days_from_sunday`).
pub const DAY_FIELDS: [&str; 7] = [
    "sundayBusinessTime",
    "mondayBusinessTime",
    "tuesdayBusinessTime",
    "wednesdayBusinessTime",
    "thursdayBusinessTime",
    "fridayBusinessTime",
    "saturdayBusinessTime",
];

impl WorkingTime {
    /// The days Sunday first, as `(API field name, setting)`.
    pub fn days(&self) -> [(&'static str, Option<&BusinessTime>); 7] {
        [
            (DAY_FIELDS[0], self.sunday_business_time.as_ref()),
            (DAY_FIELDS[1], self.monday_business_time.as_ref()),
            (DAY_FIELDS[2], self.tuesday_business_time.as_ref()),
            (DAY_FIELDS[3], self.wednesday_business_time.as_ref()),
            (DAY_FIELDS[4], self.thursday_business_time.as_ref()),
            (DAY_FIELDS[5], self.friday_business_time.as_ref()),
            (DAY_FIELDS[6], self.saturday_business_time.as_ref()),
        ]
    }

    /// The zone, or a validation error naming `timeZone`.
    pub fn zone(&self) -> CoreResult<Tz> {
        self.time_zone.parse::<Tz>().map_err(|_| {
            CoreError::invalid(
                "timeZone",
                format!("unknown time zone `{}`", self.time_zone),
            )
        })
    }

    /// The strict check for saving: every fault, each naming its field.
    pub fn validate(&self) -> CoreResult<()> {
        let mut details = Vec::new();
        if self.zone().is_err() {
            details.push(ErrorDetail::new(
                "timeZone",
                format!("unknown time zone `{}`", self.time_zone),
            ));
        }
        for (name, day) in self.days() {
            if let Some(day) = day {
                day.check(name, true, &mut details);
            }
        }
        if details.is_empty() {
            Ok(())
        } else {
            let message = format!(
                "invalid working time: {}",
                details
                    .iter()
                    .map(|d| format!("{}: {}", d.field, d.message))
                    .collect::<Vec<_>>()
                    .join("; ")
            );
            Err(CoreError::invalid_fields(message, details))
        }
    }

    /// The lenient reading for the arithmetic: per weekday (Sunday first) the sorted, merged,
    /// non-empty windows. Out-of-range numbers are still errors (there is no sensible
    /// reading of them); close ≤ open is a closed window and overlapping periods are merged.
    pub fn day_windows(&self) -> CoreResult<[Vec<LocalWindow>; 7]> {
        let mut out: [Vec<LocalWindow>; 7] = Default::default();
        let mut details = Vec::new();
        for (i, (name, day)) in self.days().into_iter().enumerate() {
            let Some(day) = day else { continue };
            day.check(name, false, &mut details);
            if !day.is_business_day {
                continue;
            }
            let mut windows: Vec<LocalWindow> = day
                .raw_windows()
                .into_iter()
                .filter_map(|(_, p)| {
                    let (o, c) = p.seconds()?;
                    LocalWindow::new(o, c)
                })
                .collect();
            windows.sort();
            let mut merged: Vec<LocalWindow> = Vec::with_capacity(windows.len());
            for w in windows {
                match merged.last_mut() {
                    Some(last) if w.open <= last.close => last.close = last.close.max(w.close),
                    _ => merged.push(w),
                }
            }
            out[i] = merged;
        }
        if details.is_empty() {
            Ok(out)
        } else {
            Err(CoreError::invalid_fields(
                format!("{}: {}", details[0].field, details[0].message),
                details,
            ))
        }
    }
}

impl BusinessTime {
    /// The windows as `(field path suffix, period)`; a single-window day is one period.
    fn raw_windows(&self) -> Vec<(String, Period)> {
        match &self.periods {
            Some(periods) => periods
                .iter()
                .enumerate()
                .map(|(i, p)| (format!(".periods[{i}]"), *p))
                .collect(),
            None => vec![(
                String::new(),
                Period {
                    open_hour: self.open_hour.unwrap_or(0),
                    open_min: self.open_min.unwrap_or(0),
                    close_hour: self.close_hour.unwrap_or(0),
                    close_min: self.close_min.unwrap_or(0),
                },
            )],
        }
    }

    /// Range checks always; with `strict`, also empty and overlapping windows.
    fn check(&self, name: &str, strict: bool, details: &mut Vec<ErrorDetail>) {
        if !self.is_business_day {
            return;
        }
        let mut valid = Vec::new();
        for (suffix, p) in self.raw_windows() {
            let base = format!("{name}{suffix}");
            let before = details.len();
            p.check_ranges(&base, details);
            if details.len() > before {
                continue;
            }
            if let Some((o, c)) = p.seconds() {
                if c <= o {
                    if strict {
                        details.push(ErrorDetail::new(
                            format!("{base}.closeHour"),
                            "closing time must be after opening time",
                        ));
                    }
                } else {
                    valid.push((o, c, base));
                }
            }
        }
        if strict {
            valid.sort();
            for pair in valid.windows(2) {
                if pair[1].0 < pair[0].1 {
                    details.push(ErrorDetail::new(
                        pair[1].2.clone(),
                        format!("overlaps {}", pair[0].2),
                    ));
                }
            }
        }
    }
}

impl Period {
    fn check_ranges(&self, base: &str, details: &mut Vec<ErrorDetail>) {
        let mut bad = |field: &str, msg: &str| {
            details.push(ErrorDetail::new(format!("{base}.{field}"), msg));
        };
        if !(0..=23).contains(&self.open_hour) {
            bad("openHour", "must be 0–23");
        }
        if !(0..=59).contains(&self.open_min) {
            bad("openMin", "must be 0–59");
        }
        if !(0..=24).contains(&self.close_hour) {
            bad("closeHour", "must be 0–24");
        }
        if !(0..=59).contains(&self.close_min) {
            bad("closeMin", "must be 0–59");
        } else if self.close_hour == 24 && self.close_min != 0 {
            bad("closeMin", "must be 0 when closeHour is 24");
        }
    }

    /// `(open, close)` in seconds after local midnight, `None` if out of range.
    fn seconds(&self) -> Option<(u32, u32)> {
        let o = u32::try_from(self.open_hour * 3600 + self.open_min * 60).ok()?;
        let c = u32::try_from(self.close_hour * 3600 + self.close_min * 60).ok()?;
        (o < DAY_SECONDS && c <= DAY_SECONDS).then_some((o, c))
    }
}

/// A holiday: `{id?, title?, date}` or a bare date string. The date is a local calendar date;
/// a date-time string is read by its date part (the seed types `date` as datetime).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Holiday {
    Date(String),
    Full {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        date: String,
    },
}

impl Holiday {
    pub fn date_text(&self) -> &str {
        match self {
            Holiday::Date(d) | Holiday::Full { date: d, .. } => d,
        }
    }

    /// The local calendar date, or a validation error naming `field`.
    pub fn date(&self, field: &str) -> CoreResult<NaiveDate> {
        let text = self.date_text().trim();
        let head = text.get(..10).unwrap_or(text);
        let rest_ok = text.len() == 10 || text[head.len()..].starts_with(['T', 't', ' ']);
        match NaiveDate::parse_from_str(head, "%Y-%m-%d") {
            Ok(d) if rest_ok => Ok(d),
            _ => Err(CoreError::invalid(
                field,
                format!("`{text}` is not a date (YYYY-MM-DD)"),
            )),
        }
    }

    /// Checks every holiday's date; fields are `holidays[i].date`.
    pub fn dates(holidays: &[Holiday]) -> CoreResult<Vec<NaiveDate>> {
        holidays
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let field = match h {
                    Holiday::Date(_) => format!("holidays[{i}]"),
                    Holiday::Full { .. } => format!("holidays[{i}].date"),
                };
                h.date(&field)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn wt(v: serde_json::Value) -> WorkingTime {
        serde_json::from_value(v).expect("working time")
    }

    fn fields(e: CoreError) -> Vec<String> {
        e.details().iter().map(|d| d.field.clone()).collect()
    }

    #[test]
    fn defaults_to_utc() {
        let w = wt(
            json!({"thursdayBusinessTime": {"isBusinessDay": true, "openHour": 9, "openMin": 0, "closeHour": 17, "closeMin": 0}}),
        );
        assert_eq!(w.time_zone, "UTC");
        let days = w.day_windows().expect("windows");
        assert_eq!(
            days[4],
            vec![LocalWindow::new(9 * 3600, 17 * 3600).unwrap()]
        );
        assert!(days[0].is_empty());
        assert!(w.validate().is_ok());
    }

    #[test]
    fn close_before_open_is_closed_but_invalid_to_save() {
        let w = wt(
            json!({"mondayBusinessTime": {"isBusinessDay": true, "openHour": 17, "closeHour": 9}}),
        );
        assert!(w.day_windows().expect("windows")[1].is_empty());
        assert_eq!(
            fields(w.validate().unwrap_err()),
            ["mondayBusinessTime.closeHour"]
        );
    }

    #[test]
    fn overlapping_periods_are_rejected_and_merged() {
        let w = wt(json!({"fridayBusinessTime": {"periods": [
            {"openHour": 9, "closeHour": 12}, {"openHour": 11, "openMin": 30, "closeHour": 14}]}}));
        assert_eq!(
            fields(w.validate().unwrap_err()),
            ["fridayBusinessTime.periods[1]"]
        );
        assert_eq!(
            w.day_windows().expect("windows")[5],
            vec![LocalWindow::new(9 * 3600, 14 * 3600).unwrap()]
        );
    }

    #[test]
    fn ranges_and_zone_are_named() {
        let w = wt(json!({"timeZone": "Mars/Olympus", "sundayBusinessTime":
            {"openHour": 25, "openMin": 60, "closeHour": 24, "closeMin": 30}}));
        let f = fields(w.validate().unwrap_err());
        assert_eq!(
            f,
            [
                "timeZone",
                "sundayBusinessTime.openHour",
                "sundayBusinessTime.openMin",
                "sundayBusinessTime.closeMin"
            ]
        );
        assert!(w.day_windows().is_err());
        assert!(w.zone().is_err());
    }

    #[test]
    fn close_24_is_end_of_day_and_not_a_business_day_is_closed() {
        let w = wt(json!({"timeZone": "Europe/Berlin",
            "mondayBusinessTime": {"openHour": 22, "closeHour": 24, "closeMin": 0},
            "tuesdayBusinessTime": {"isBusinessDay": false, "openHour": 9, "closeHour": 17}}));
        assert!(w.validate().is_ok());
        let d = w.day_windows().expect("windows");
        assert_eq!(
            d[1],
            vec![LocalWindow::new(22 * 3600, DAY_SECONDS).unwrap()]
        );
        assert!(d[2].is_empty());
    }

    #[test]
    fn holidays_as_objects_or_strings() {
        let hs: Vec<Holiday> = serde_json::from_value(json!([
            "2026-12-25", {"id": "h1", "title": "New year", "date": "2027-01-01T00:00:00Z"}, {"date": "2027-13-01"}
        ]))
        .expect("holidays");
        assert_eq!(hs[0].date("x").unwrap().to_string(), "2026-12-25");
        assert_eq!(hs[1].date("x").unwrap().to_string(), "2027-01-01");
        assert_eq!(
            fields(Holiday::dates(&hs).unwrap_err()),
            ["holidays[2].date"]
        );
        assert!(Holiday::Date("2026-12-25x".into()).date("h").is_err());
    }
}
