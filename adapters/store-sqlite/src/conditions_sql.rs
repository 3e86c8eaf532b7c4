//! A filter's compiled conditions as a SQL predicate over `conversations c`, agreeing with
//! `CompiledConditions::evaluate` on every row (a property test checks it, see
//! `conditions_sql_props.rs`). System fields read the indexed columns where the column holds
//! exactly what the core reads; the rest reads the snapshot JSON, and every comparison whose
//! meaning the core defines (case folding, number and date parsing) calls the core through
//! `sql_functions`, so no condition needs a post-filter outside SQL.
//!
//! NULL handling: a predicate may yield NULL where the core says false (a missing value);
//! `AND`/`OR` treat NULL like false, so only negation needs `coalesce(…, 0)`.

use crate::conversations::priority_rank;
use crate::sql_functions::day_number;
use anytime_core::condition::{
    local_date, Check, Choice, Combine, CompiledConditions, DateOp, DateOperand, Order, Source,
    Test,
};
use anytime_core::expression::{Expr, ExprRef, Shape};
use anytime_core::model::{Context, FieldId, SystemField, TimeZone};
use chrono::{Datelike, Days, NaiveDate};
use rusqlite::types::Value;

/// SQL text with its `?` parameters in order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Predicate {
    pub sql: String,
    pub params: Vec<Value>,
}

impl Predicate {
    fn new(sql: impl Into<String>, params: Vec<Value>) -> Self {
        Self {
            sql: sql.into(),
            params,
        }
    }

    fn constant(value: bool) -> Self {
        Self::new(if value { "1" } else { "0" }, Vec::new())
    }

    fn join(items: Vec<Predicate>, op: &str, empty: bool) -> Self {
        if items.is_empty() {
            return Self::constant(empty);
        }
        let mut params = Vec::new();
        let parts: Vec<String> = items
            .into_iter()
            .map(|p| {
                params.extend(p.params);
                format!("({})", p.sql)
            })
            .collect();
        Self::new(parts.join(op), params)
    }

    pub(crate) fn all(items: Vec<Predicate>) -> Self {
        Self::join(items, " AND ", true)
    }

    fn any(items: Vec<Predicate>) -> Self {
        Self::join(items, " OR ", false)
    }

    fn not(self) -> Self {
        Self::new(format!("NOT coalesce(({}), 0)", self.sql), self.params)
    }
}

/// The predicate selecting the conversations `conditions` match in `ctx` (its time zone;
/// its contact and message are per row: the contact is the conversation's, no message).
pub(crate) fn predicate(conditions: &CompiledConditions, ctx: &Context) -> Predicate {
    let checks = conditions.checks();
    let one = |c: &Check| check(c, ctx.time_zone);
    match conditions.combine() {
        Combine::All => Predicate::all(checks.iter().map(one).collect()),
        Combine::Any => Predicate::any(checks.iter().map(one).collect()),
        Combine::Expression(expr) => expression(expr, checks, ctx.time_zone),
    }
}

fn expression(expr: &Expr, checks: &[Check], zone: TimeZone) -> Predicate {
    node(expr.root(), checks, zone)
}

fn node(expr: ExprRef<'_>, checks: &[Check], zone: TimeZone) -> Predicate {
    match expr.shape() {
        // Indexes are 1-based and were checked against the list when compiled.
        Shape::Index(i) => checks
            .get(i.wrapping_sub(1))
            .map_or(Predicate::constant(false), |c| check(c, zone)),
        Shape::Not(inner) => node(inner, checks, zone).not(),
        Shape::And(items) => {
            Predicate::all(items.into_iter().map(|e| node(e, checks, zone)).collect())
        }
        Shape::Or(items) => {
            Predicate::any(items.into_iter().map(|e| node(e, checks, zone)).collect())
        }
    }
}

fn check(c: &Check, zone: TimeZone) -> Predicate {
    let positive = test(&c.source, &c.test, zone);
    if c.negate {
        positive.not()
    } else {
        positive
    }
}

/// The custom field's value as JSON (NULL when unset): the first entry whose id equals the
/// field's ignoring ASCII case, as `Conversation::custom_field` finds it. Binds one parameter.
const CUSTOM_JSON: &str =
    "(SELECT je.value -> '$.value' FROM json_each(c.snapshot, '$.customFields') je \
     WHERE lower(je.value ->> '$.id') = lower(?) ORDER BY je.key LIMIT 1)";

fn custom_text_sql() -> String {
    format!("anytime_field_text({CUSTOM_JSON})")
}

fn id_param(id: &FieldId) -> Value {
    Value::Text(id.0.clone())
}

/// A text-like source as a SQL expression (NULL or text) and its parameters.
fn text_source(source: &Source) -> (String, Vec<Value>) {
    let contact = |col: &str| {
        format!(
            "(SELECT ct.{col} FROM contacts ct WHERE ct.site_id = c.site_id AND ct.id = c.contact_id)"
        )
    };
    match source {
        Source::System(SystemField::Subject) => ("c.snapshot ->> '$.subject'".into(), vec![]),
        Source::System(SystemField::ReceivedFrom) => {
            ("c.snapshot ->> '$.receivedFrom'".into(), vec![])
        }
        Source::System(SystemField::ContactEmail) => (contact("email"), vec![]),
        Source::System(SystemField::ContactName) => (contact("name"), vec![]),
        // A list has no triggering message: its body reads as empty.
        Source::System(_) => ("NULL".into(), vec![]),
        Source::Custom(id, _) => (custom_text_sql(), vec![id_param(id)]),
    }
}

fn test(source: &Source, test: &Test, zone: TimeZone) -> Predicate {
    match test {
        Test::TextContains(needle) => {
            let (x, mut p) = text_source(source);
            p.push(Value::Text(needle.clone()));
            Predicate::new(format!("anytime_contains(coalesce({x}, ''), ?)"), p)
        }
        Test::TextIs(value) => {
            let (x, mut p) = text_source(source);
            p.push(Value::Text(value.clone()));
            Predicate::new(format!("anytime_equals(coalesce({x}, ''), ?)"), p)
        }
        Test::Integer(order, n) => number(source, "anytime_int", *order, Value::Integer(*n)),
        Test::Float(order, x) => number(source, "anytime_float", *order, Value::Real(*x)),
        Test::Date(op, operand) => {
            let want = match operand {
                DateOperand::Day(d) => *d,
                DateOperand::At(t) => local_date(
                    *t,
                    &Context {
                        time_zone: zone,
                        ..Default::default()
                    },
                ),
            };
            date(source, *op, want, zone)
        }
        Test::Choice(choice) => choice_is(source, choice),
        Test::Member(item) => {
            let (set, mut p) = members(source);
            p.push(Value::Text(item.clone()));
            Predicate::new(
                format!("EXISTS (SELECT 1 FROM json_each({set}) WHERE value = ?)"),
                p,
            )
        }
        Test::SetIs(set) => {
            let (have, mut p) = members(source);
            let want = serde_json::to_string(set).unwrap_or_else(|_| "[]".into());
            p.push(Value::Text(want));
            Predicate::new(format!("{have} = ?"), p)
        }
    }
}

fn comparison(order: Order) -> &'static str {
    match order {
        Order::Is => "=",
        Order::MoreThan => ">",
        Order::LessThan => "<",
    }
}

fn number(source: &Source, parse: &str, order: Order, value: Value) -> Predicate {
    let Source::Custom(id, _) = source else {
        return Predicate::constant(false);
    };
    Predicate::new(
        format!("{parse}({}) {} ?", custom_text_sql(), comparison(order)),
        vec![id_param(id), value],
    )
}

/// The sorted member set of a multi-valued source as a JSON-array SQL expression.
fn members(source: &Source) -> (String, Vec<Value>) {
    match source {
        Source::System(SystemField::Tags) => {
            ("anytime_members(c.snapshot -> '$.tagIds')".into(), vec![])
        }
        Source::System(_) => ("anytime_members(NULL)".into(), vec![]),
        Source::Custom(id, _) => (
            format!("anytime_members({CUSTOM_JSON})"),
            vec![id_param(id)],
        ),
    }
}

fn date(source: &Source, op: DateOp, want: NaiveDate, zone: TimeZone) -> Predicate {
    let system = match source {
        Source::Custom(id, _) => {
            return day_compare(
                format!("anytime_day({})", custom_text_sql()),
                vec![id_param(id)],
                op,
                want,
            )
        }
        Source::System(f) => *f,
    };
    // The column when it holds the snapshot's instant (to the millisecond), else the JSON.
    let (column, guard) = match system {
        SystemField::CreatedTime => ("c.created_time", Some("c.created_time <> ''")),
        SystemField::LastRepliedTime => ("c.last_replied_time", None),
        // The column falls back to the creation time; the core does not.
        SystemField::LastActivityTime => (
            "c.last_activity_time",
            Some("c.snapshot ->> '$.lastActivityTime' IS NOT NULL"),
        ),
        _ => return Predicate::constant(false),
    };
    let plain_year = (1..=9998).contains(&want.year());
    let mut parts = Vec::new();
    if zone.0 == chrono_tz::Tz::UTC && plain_year {
        // RFC 3339 text in UTC orders like the instants, and its first ten characters are
        // the UTC date: a range the column's index can serve.
        let day = |d: NaiveDate| Value::Text(d.format("%Y-%m-%d").to_string());
        let next = want.checked_add_days(Days::new(1)).unwrap_or(want);
        parts.push(match op {
            DateOp::Is => Predicate::new(
                format!("{column} >= ? AND {column} < ?"),
                vec![day(want), day(next)],
            ),
            DateOp::Before => Predicate::new(format!("{column} < ?"), vec![day(want)]),
            DateOp::After => Predicate::new(format!("{column} >= ?"), vec![day(next)]),
        });
    } else {
        parts.push(day_compare(
            format!("anytime_local_day({column}, ?)"),
            vec![Value::Text(zone.0.name().to_string())],
            op,
            want,
        ));
    }
    if let Some(guard) = guard {
        parts.push(Predicate::new(guard, vec![]));
    }
    Predicate::all(parts)
}

fn day_compare(expr: String, mut params: Vec<Value>, op: DateOp, want: NaiveDate) -> Predicate {
    let cmp = match op {
        DateOp::Is => "=",
        DateOp::Before => "<",
        DateOp::After => ">",
    };
    params.push(Value::Integer(day_number(want)));
    Predicate::new(format!("{expr} {cmp} ?"), params)
}

fn choice_is(source: &Source, choice: &Choice) -> Predicate {
    let id_text = |id: &Option<uuid::Uuid>| match id {
        Some(u) => Value::Text(u.to_string()),
        None => Value::Null,
    };
    match (source, choice) {
        (Source::System(SystemField::Status), Choice::Status(s)) => {
            Predicate::new("c.status = ?", vec![Value::Text(s.as_str().into())])
        }
        (Source::System(SystemField::Priority), Choice::Priority(p)) => Predicate::new(
            "c.priority_rank = ?",
            vec![Value::Integer(priority_rank(*p))],
        ),
        (Source::System(SystemField::Channel), Choice::Channel(ch)) => {
            Predicate::new("c.channel = ?", vec![Value::Text(ch.as_str().into())])
        }
        (Source::System(SystemField::IsRead), Choice::Bool(b)) => {
            Predicate::new("c.is_read = ?", vec![Value::Integer(i64::from(*b))])
        }
        (Source::System(SystemField::AgentAssignee), Choice::Id(id)) => {
            Predicate::new("c.agent_assignee_id IS ?", vec![id_text(id)])
        }
        (Source::System(SystemField::DepartmentAssignee), Choice::Id(id)) => {
            Predicate::new("c.department_assignee_id IS ?", vec![id_text(id)])
        }
        (Source::Custom(field, _), Choice::Id(None)) => Predicate::new(
            format!("coalesce({}, '') = ''", custom_text_sql()),
            vec![id_param(field)],
        ),
        (Source::Custom(field, _), Choice::Id(Some(u))) => Predicate::new(
            format!("anytime_uuid({}) = ?", custom_text_sql()),
            vec![id_param(field), Value::Text(u.to_string())],
        ),
        // An unset checkbox is unchecked.
        (Source::Custom(field, _), Choice::Bool(b)) => Predicate::new(
            format!("coalesce({} = 'true', 0) = ?", custom_text_sql()),
            vec![id_param(field), Value::Integer(i64::from(*b))],
        ),
        (Source::Custom(field, _), Choice::Text(want)) => Predicate::new(
            format!("coalesce({}, '') = ?", custom_text_sql()),
            vec![id_param(field), Value::Text(want.clone())],
        ),
        _ => Predicate::constant(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anytime_core::condition::Conditions;
    use anytime_core::model::FieldSet;

    fn compiled(json: serde_json::Value) -> CompiledConditions {
        serde_json::from_value::<Conditions>(json)
            .unwrap()
            .compile(&FieldSet::default())
            .unwrap()
    }

    #[test]
    fn system_choices_read_indexed_columns() {
        let p = predicate(
            &compiled(serde_json::json!([
                {"fieldId": "status", "matchType": "is", "value": "new"},
                {"fieldId": "agentAssignee", "matchType": "isNot", "value": ""}
            ])),
            &Context::default(),
        );
        assert_eq!(
            p.sql,
            "(c.status = ?) AND (NOT coalesce((c.agent_assignee_id IS ?), 0))"
        );
        assert_eq!(p.params, vec![Value::Text("new".into()), Value::Null]);
    }

    #[test]
    fn utc_dates_are_column_ranges() {
        let p = predicate(
            &compiled(serde_json::json!([
                {"fieldId": "createdTime", "matchType": "is", "value": "2026-11-20"}
            ])),
            &Context::default(),
        );
        assert_eq!(
            p.sql,
            "((c.created_time >= ? AND c.created_time < ?) AND (c.created_time <> ''))"
        );
        assert_eq!(
            p.params,
            vec![
                Value::Text("2026-11-20".into()),
                Value::Text("2026-11-21".into())
            ]
        );
    }

    #[test]
    fn expressions_repeat_and_negate_checks() {
        let p = predicate(
            &compiled(serde_json::json!({
                "when": "logicalExpression", "logicalExpression": "1 AND NOT (1 OR 2)",
                "list": [
                    {"fieldId": "channel", "matchType": "is", "value": "email"},
                    {"fieldId": "isRead", "matchType": "is", "value": "true"}
                ]
            })),
            &Context::default(),
        );
        assert_eq!(p.params.len(), 3);
        assert!(p.sql.contains("NOT coalesce"), "{}", p.sql);
    }

    /// The query plan of a list page filtered by `conditions` (parameters all NULL).
    fn plan(conditions: serde_json::Value, order: &str) -> String {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        crate::migrate::migrate(&mut conn).unwrap();
        crate::sql_functions::register(&conn).unwrap();
        let p = predicate(&compiled(conditions), &Context::default());
        let sql = format!(
            "EXPLAIN QUERY PLAN SELECT c.snapshot FROM conversations c
             WHERE c.site_id = ? AND c.is_deleted = ? AND ({}) ORDER BY {order} LIMIT 50",
            p.sql
        );
        let n = 2 + p.params.len();
        let mut stmt = conn.prepare(&sql).unwrap();
        let rows = stmt
            .query_map(rusqlite::params_from_iter(vec![Value::Null; n]), |r| {
                r.get::<_, String>(3)
            })
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        rows.join("; ")
    }

    #[test]
    fn filtered_lists_use_their_indexes() {
        let by_status = plan(
            serde_json::json!([{"fieldId": "status", "matchType": "is", "value": "new"}]),
            "c.last_activity_time DESC, c.id DESC",
        );
        assert!(
            by_status.contains("conversations_by_status_activity") && !by_status.contains("TEMP"),
            "{by_status}"
        );
        let by_agent = plan(
            serde_json::json!([{"fieldId": "agentAssignee", "matchType": "is", "value": ""}]),
            "c.last_activity_time DESC, c.id DESC",
        );
        assert!(
            by_agent.contains("conversations_by_agent_activity") && !by_agent.contains("TEMP"),
            "{by_agent}"
        );
    }

    #[test]
    fn empty_lists_follow_all_and_any() {
        let none = |when: &str| {
            predicate(
                &compiled(serde_json::json!({"when": when, "list": []})),
                &Context::default(),
            )
            .sql
        };
        assert_eq!(none("all"), "1");
        assert_eq!(none("any"), "0");
    }
}
