//! SQL functions that let a filter's WHERE agree with the core exactly: SQLite (without ICU)
//! folds only ASCII case and parses numbers and dates its own way, so each comparison whose
//! meaning the core defines is a tiny Rust function calling the core's own rule (case folding,
//! `str::parse`, `NaiveDate` parsing, the members of a multi-valued field). Registered on
//! every connection; deterministic, so SQLite may cache or hoist them.

use anytime_core::condition::{contains_folded, equals_folded};
use anytime_core::model::FieldValue;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use std::borrow::Cow;
use std::collections::BTreeSet;

/// Argument `i` as text (`None` for NULL); numbers read as their decimal text.
fn text<'a>(ctx: &'a Context<'_>, i: usize) -> Option<Cow<'a, str>> {
    match ctx.get_raw(i) {
        ValueRef::Text(t) | ValueRef::Blob(t) => Some(String::from_utf8_lossy(t)),
        ValueRef::Integer(n) => Some(Cow::Owned(n.to_string())),
        ValueRef::Real(x) => Some(Cow::Owned(x.to_string())),
        ValueRef::Null => None,
    }
}

/// The days since 0001-01-01 of a date, the form date comparisons use in SQL (plain
/// integers order like dates whatever the year's width).
pub(crate) fn day_number(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce())
}

/// A custom field value (its JSON as stored in the snapshot) as the core reads it as text:
/// a string as is, a list joined with `, ` (`Source::custom_text`).
pub(crate) fn field_text(json: &str) -> Option<String> {
    match serde_json::from_str::<FieldValue>(json).ok()? {
        FieldValue::Text(t) => Some(t),
        FieldValue::List(items) => Some(items.join(", ")),
    }
}

/// The members of a multi-valued field (`Source::members`), sorted and without repeats, as
/// a JSON array: equal sets give equal text.
pub(crate) fn member_set(json: Option<&str>) -> String {
    let items: Vec<String> = match json.and_then(|j| serde_json::from_str::<FieldValue>(j).ok()) {
        Some(FieldValue::List(items)) => items,
        Some(FieldValue::Text(t)) if t.is_empty() => Vec::new(),
        Some(FieldValue::Text(t)) => {
            serde_json::from_str::<Vec<String>>(&t).unwrap_or_else(|_| vec![t])
        }
        None => Vec::new(),
    };
    let set: BTreeSet<String> = items.into_iter().collect();
    serde_json::to_string(&set).unwrap_or_else(|_| "[]".into())
}

/// The local day number of an RFC 3339 instant in the named IANA zone.
fn local_day(instant: &str, zone: &str) -> Option<i64> {
    let tz: chrono_tz::Tz = zone.parse().ok()?;
    let t = DateTime::parse_from_rfc3339(instant)
        .ok()?
        .with_timezone(&Utc);
    // The core's zone rules, so the SQL filter and the core agree on every local date.
    Some(day_number(anytime_core::zone::local_date(
        tz,
        t.timestamp(),
    )?))
}

type Scalar = fn(&Context<'_>) -> Option<rusqlite::types::Value>;

const FUNCTIONS: &[(&str, i32, Scalar)] = &[
    // anytime_contains(haystack, folded needle): fold(haystack) contains needle.
    ("anytime_contains", 2, |ctx| {
        let (h, n) = (text(ctx, 0)?, text(ctx, 1)?);
        Some(i64::from(contains_folded(&h, &n)).into())
    }),
    // anytime_equals(text, folded value): fold(text) == value.
    ("anytime_equals", 2, |ctx| {
        let (t, v) = (text(ctx, 0)?, text(ctx, 1)?);
        Some(i64::from(equals_folded(&t, &v)).into())
    }),
    // anytime_field_text(value JSON): the custom field's text.
    ("anytime_field_text", 1, |ctx| {
        field_text(&text(ctx, 0)?).map(Into::into)
    }),
    // anytime_int(text): `text.trim().parse::<i64>()`, NULL when it fails.
    ("anytime_int", 1, |ctx| {
        text(ctx, 0)?.trim().parse::<i64>().ok().map(Into::into)
    }),
    // anytime_float(text): a finite `f64` parse, NULL otherwise.
    ("anytime_float", 1, |ctx| {
        text(ctx, 0)?
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .map(Into::into)
    }),
    // anytime_day(text): the day number of a `YYYY-MM-DD` custom date, NULL otherwise.
    ("anytime_day", 1, |ctx| {
        NaiveDate::parse_from_str(text(ctx, 0)?.trim(), "%Y-%m-%d")
            .ok()
            .map(|d| day_number(d).into())
    }),
    // anytime_local_day(instant, zone): the instant's local day number in the zone.
    ("anytime_local_day", 2, |ctx| {
        local_day(&text(ctx, 0)?, &text(ctx, 1)?).map(Into::into)
    }),
    // anytime_uuid(text): the canonical form of a UUID, NULL when it is none.
    ("anytime_uuid", 1, |ctx| {
        uuid::Uuid::parse_str(text(ctx, 0)?.trim())
            .ok()
            .map(|u| u.to_string().into())
    }),
    // anytime_members(value JSON or NULL): the sorted member set as a JSON array.
    ("anytime_members", 1, |ctx| {
        Some(member_set(text(ctx, 0).as_deref()).into())
    }),
];

/// Registers the functions above on `conn`.
pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8
        | FunctionFlags::SQLITE_DETERMINISTIC
        | FunctionFlags::SQLITE_INNOCUOUS;
    for (name, args, f) in FUNCTIONS {
        let f = *f;
        conn.create_scalar_function(*name, *args, flags, move |ctx| {
            Ok(f(ctx).unwrap_or(rusqlite::types::Value::Null))
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(conn: &Connection, sql: &str) -> rusqlite::types::Value {
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn functions_follow_the_core() {
        use rusqlite::types::Value::*;
        let conn = Connection::open_in_memory().unwrap();
        register(&conn).unwrap();
        assert_eq!(
            one(&conn, "SELECT anytime_contains('ΣΊΣΥΦΟΣ x', 'σίσυφοσ')"),
            Integer(1)
        );
        assert_eq!(
            one(&conn, "SELECT anytime_contains('abc', 'd')"),
            Integer(0)
        );
        assert_eq!(
            one(&conn, "SELECT anytime_equals('STRASSE', 'straße')"),
            Integer(0)
        );
        assert_eq!(one(&conn, "SELECT anytime_equals('ẞ', 'ß')"), Integer(1));
        assert_eq!(
            one(&conn, "SELECT anytime_field_text('[\"a\",\"b\"]')"),
            Text("a, b".into())
        );
        assert_eq!(
            one(&conn, "SELECT anytime_field_text('\"7\"')"),
            Text("7".into())
        );
        assert_eq!(one(&conn, "SELECT anytime_int(' +7 ')"), Integer(7));
        assert_eq!(one(&conn, "SELECT anytime_int('7.0')"), Null);
        assert_eq!(one(&conn, "SELECT anytime_float('inf')"), Null);
        assert_eq!(one(&conn, "SELECT anytime_float('1e3')"), Real(1000.0));
        assert_eq!(
            one(&conn, "SELECT anytime_day('0001-01-02')"),
            Integer(2),
            "day numbers count from 0001-01-01 = 1"
        );
        assert_eq!(one(&conn, "SELECT anytime_day('2026-13-01')"), Null);
        assert_eq!(
            one(&conn, "SELECT anytime_local_day('2026-11-20T23:30:00Z', 'Asia/Tokyo') - anytime_local_day('2026-11-20T23:30:00Z', 'UTC')"),
            Integer(1)
        );
        assert_eq!(
            one(
                &conn,
                "SELECT anytime_uuid(' 00000000-0000-0000-0000-00000000000A ')"
            ),
            Text("00000000-0000-0000-0000-00000000000a".into())
        );
        assert_eq!(
            one(
                &conn,
                "SELECT anytime_members('\"[\\\"b\\\",\\\"a\\\",\\\"b\\\"]\"')"
            ),
            Text("[\"a\",\"b\"]".into())
        );
        assert_eq!(
            one(&conn, "SELECT anytime_members(NULL)"),
            Text("[]".into())
        );
        assert_eq!(
            one(&conn, "SELECT anytime_members('\"x\"')"),
            Text("[\"x\"]".into())
        );
    }
}
