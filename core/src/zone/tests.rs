use super::*;
use chrono::{Offset, TimeZone as _};

/// chrono-tz's own offset (its expanded tables), the reference for the comparisons below.
fn chrono_offset(tz: Tz, t: i64) -> i32 {
    let utc = chrono::DateTime::from_timestamp(t, 0).unwrap().naive_utc();
    tz.offset_from_utc_datetime(&utc).fix().local_minus_utc()
}

#[test]
fn every_accepted_name_has_tzif_data() {
    let missing: Vec<&str> = chrono_tz::TZ_VARIANTS
        .iter()
        .filter(|tz| load(**tz).is_none())
        .map(|tz| tz.name())
        .collect();
    assert!(missing.is_empty(), "no TZif data for {missing:?}");
}

/// Same tzdb release (2025b): every zone, weekly from 1900 to 2099 (chrono-tz's tables stop
/// there) and hourly around New York's 2026 changes, has the same offset both ways.
#[test]
fn offsets_agree_with_chrono_tz_from_1900_to_2099() {
    let probes: Vec<i64> = (0..(200 * 53))
        .map(|w| -2_208_988_800 + w * 7 * 86_400 + 3_600)
        .chain((1_772_900_000..1_773_100_000).step_by(3_600))
        .collect();
    let differ: Vec<(&str, i64)> = chrono_tz::TZ_VARIANTS
        .iter()
        .filter_map(|tz| {
            let t = probes
                .iter()
                .find(|t| offset_at(*tz, **t) != chrono_offset(*tz, **t))?;
            Some((tz.name(), *t))
        })
        .collect();
    assert!(
        differ.is_empty(),
        "{} zones differ: {differ:?}",
        differ.len()
    );
}

#[test]
fn gap_and_fold() {
    let ny = Tz::America__New_York;
    let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    // 02:30 on 2026-03-08 is skipped; EST (−5 h) is in force before the gap.
    assert_eq!(
        resolve_local(ny, &at("2026-03-08 02:30")),
        LocalTime::Gap { before: -18_000 }
    );
    // 01:30 on 2026-11-01 happens at 05:30Z (EDT) and again at 06:30Z (EST).
    let fold = resolve_local(ny, &at("2026-11-01 01:30"));
    assert_eq!(fold, LocalTime::Fold(1_793_511_000, 1_793_514_600));
    assert_eq!(fold.earliest(), Some(1_793_511_000));
    assert_eq!(
        resolve_local(ny, &at("2026-07-01 12:00")),
        LocalTime::Single(1_782_921_600)
    );
}

/// From 2100 both freeze the offset: monthly 2099–2300, then far points up to 9999.
#[test]
fn offsets_freeze_from_2100_as_in_chrono_tz() {
    let probes: Vec<i64> = (0..(201 * 12))
        .map(|m| 4_070_908_800 + m * 2_629_746)
        .chain([95_617_584_000, 253_402_214_400 - 86_400])
        .collect();
    let differ: Vec<&str> = chrono_tz::TZ_VARIANTS
        .iter()
        .filter(|tz| {
            probes
                .iter()
                .any(|t| offset_at(**tz, *t) != chrono_offset(**tz, *t))
        })
        .map(|tz| tz.name())
        .collect();
    assert!(differ.is_empty(), "{differ:?}");
    // A local time in July 2150 is read with New York's frozen (standard) offset.
    let ny = Tz::America__New_York;
    let july = NaiveDate::from_ymd_opt(2150, 7, 1)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap();
    assert_eq!(resolve_local(ny, &july), LocalTime::Single(5_695_981_200));
}

#[test]
fn extremes_do_not_panic() {
    let ny = Tz::America__New_York;
    assert_eq!(offset_at(ny, i64::MAX), -18_000);
    assert_eq!(
        offset_at(ny, i64::MIN),
        offset_at(ny, Timestamp::MIN.as_second())
    );
    assert_eq!(local_date(ny, i64::MAX), None);
    let far = NaiveDate::from_ymd_opt(20_000, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    assert!(resolve_local(ny, &far).earliest().is_some());
    let early = NaiveDate::from_ymd_opt(-20_000, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    assert!(resolve_local(ny, &early).earliest().is_some());
}

#[test]
fn utc_is_exact() {
    assert_eq!(offset_at(Tz::UTC, 1_782_921_600), 0);
    assert_eq!(
        local_date(Tz::UTC, -1),
        NaiveDate::from_ymd_opt(1969, 12, 31)
    );
}
