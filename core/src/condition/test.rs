//! One condition compiled: the operand parsed for its field's kind at save time, so
//! evaluation never parses the rule's value again and cannot fail.

use super::fold::{contains_folded, equals_folded, fold};
use super::match_type::{Kind, MatchType};
use super::source::{local_date, Source};
use crate::model::{
    Channel, Context, Conversation, FieldDef, FieldValue, Priority, Status, SystemField,
};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use std::collections::BTreeSet;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Is,
    MoreThan,
    LessThan,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOp {
    Is,
    Before,
    After,
}

/// A date operand: a calendar day, or an instant whose local date depends on the time zone of
/// the evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOperand {
    Day(NaiveDate),
    At(DateTime<Utc>),
}

/// An option value in the form the field's snapshot value is compared in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// Radio/dropdown option value, exact; empty = no value.
    Text(String),
    /// Agent or department id; `None` = unassigned / no value.
    Id(Option<Uuid>),
    Status(Status),
    Priority(Priority),
    Channel(Channel),
    Bool(bool),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// Case-folded needle.
    TextContains(String),
    /// Case-folded value.
    TextIs(String),
    Integer(Order, i64),
    Float(Order, f64),
    Date(DateOp, DateOperand),
    Choice(Choice),
    Member(String),
    SetIs(BTreeSet<String>),
}

/// A condition ready to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub source: Source,
    pub test: Test,
    /// `notContains` / `isNot`: the negation of the positive test.
    pub negate: bool,
}

impl Check {
    pub fn evaluate(&self, conv: &Conversation, ctx: &Context) -> bool {
        self.positive(conv, ctx) != self.negate
    }

    fn positive(&self, conv: &Conversation, ctx: &Context) -> bool {
        let source = &self.source;
        match &self.test {
            Test::TextContains(needle) => contains_folded(&source.text(conv, ctx), needle),
            Test::TextIs(value) => equals_folded(&source.text(conv, ctx), value),
            Test::Integer(order, value) => source
                .custom_text(conv)
                .and_then(|t| t.trim().parse::<i64>().ok())
                .is_some_and(|n| compare(order, n.cmp(value))),
            Test::Float(order, value) => source
                .custom_text(conv)
                .and_then(|t| t.trim().parse::<f64>().ok())
                .filter(|n| n.is_finite())
                .and_then(|n| n.partial_cmp(value))
                .is_some_and(|o| compare(order, o)),
            Test::Date(op, operand) => {
                let want = match operand {
                    DateOperand::Day(d) => *d,
                    DateOperand::At(t) => local_date(*t, ctx),
                };
                source.date(conv, ctx).is_some_and(|have| match op {
                    DateOp::Is => have == want,
                    DateOp::Before => have < want,
                    DateOp::After => have > want,
                })
            }
            Test::Choice(choice) => choice_is(source, choice, conv),
            Test::Member(item) => source.members(conv).iter().any(|m| m == item),
            Test::SetIs(set) => source.members(conv).into_iter().collect::<BTreeSet<_>>() == *set,
        }
    }
}

fn compare(order: &Order, found: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    matches!(
        (order, found),
        (Order::Is, Equal) | (Order::MoreThan, Greater) | (Order::LessThan, Less)
    )
}

fn choice_is(source: &Source, choice: &Choice, conv: &Conversation) -> bool {
    match (source, choice) {
        (Source::System(SystemField::Status), Choice::Status(s)) => conv.status == *s,
        (Source::System(SystemField::Priority), Choice::Priority(p)) => conv.priority == *p,
        (Source::System(SystemField::Channel), Choice::Channel(c)) => conv.channel == *c,
        (Source::System(SystemField::IsRead), Choice::Bool(b)) => conv.is_read == *b,
        (Source::System(SystemField::AgentAssignee), Choice::Id(id)) => {
            conv.agent_assignee_id.map(|a| a.0) == *id
        }
        (Source::System(SystemField::DepartmentAssignee), Choice::Id(id)) => {
            conv.department_assignee_id.map(|d| d.0) == *id
        }
        (Source::Custom(..), Choice::Id(id)) => match source.custom_text(conv) {
            None => id.is_none(),
            Some(t) if t.is_empty() => id.is_none(),
            Some(t) => Uuid::parse_str(t.trim())
                .ok()
                .is_some_and(|u| Some(u) == *id),
        },
        // An unset checkbox is unchecked.
        (Source::Custom(..), Choice::Bool(b)) => {
            (source.custom_text(conv).as_deref() == Some("true")) == *b
        }
        (Source::Custom(..), Choice::Text(want)) => {
            source.custom_text(conv).as_deref().unwrap_or("") == want
        }
        _ => false,
    }
}

/// Builds the test for `match_type` on `source` from the rule's `value`, or says why the
/// value does not fit (the pair itself was checked by the caller).
pub fn compile_test(
    source: &Source,
    def: Option<&FieldDef>,
    match_type: MatchType,
    value: Option<&FieldValue>,
) -> Result<Test, String> {
    let kind = source.kind();
    match kind {
        Kind::Text => {
            let text = single(value)?;
            match match_type {
                MatchType::Contains | MatchType::NotContains if text.is_empty() => {
                    Err("must not be empty for contains/notContains".to_string())
                }
                MatchType::Contains | MatchType::NotContains => Ok(Test::TextContains(fold(text))),
                _ => Ok(Test::TextIs(fold(text))),
            }
        }
        Kind::Integer => {
            let text = single(value)?;
            let n = text
                .trim()
                .parse::<i64>()
                .map_err(|_| format!("`{text}` is not a whole number"))?;
            Ok(Test::Integer(order(match_type), n))
        }
        Kind::Float => {
            let text = single(value)?;
            let n = text
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .ok_or_else(|| format!("`{text}` is not a finite number"))?;
            Ok(Test::Float(order(match_type), n))
        }
        Kind::Date => {
            let op = match match_type {
                MatchType::Before => DateOp::Before,
                MatchType::After => DateOp::After,
                _ => DateOp::Is,
            };
            Ok(Test::Date(op, date_operand(single(value)?)?))
        }
        Kind::Choice => choice(source, def, single(value)?).map(Test::Choice),
        Kind::Multi => members(source, def, match_type, value),
    }
}

fn order(match_type: MatchType) -> Order {
    match match_type {
        MatchType::IsMoreThan => Order::MoreThan,
        MatchType::IsLessThan => Order::LessThan,
        _ => Order::Is,
    }
}

/// A single value; absent (`null`) reads as empty.
fn single(value: Option<&FieldValue>) -> Result<&str, String> {
    match value {
        None => Ok(""),
        Some(FieldValue::Text(t)) => Ok(t),
        Some(FieldValue::List(_)) => Err("must be a single value, not a list".to_string()),
    }
}

/// `YYYY-MM-DD`, an RFC 3339 datetime (an instant), or a datetime without offset (its date).
fn date_operand(text: &str) -> Result<DateOperand, String> {
    let text = text.trim();
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(DateOperand::Day(d));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(DateOperand::At(t.with_timezone(&Utc)));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(DateOperand::Day(t.date()));
        }
    }
    Err(format!(
        "`{text}` is not an ISO date (YYYY-MM-DD) or datetime"
    ))
}

fn id(text: &str, what: &str) -> Result<Option<Uuid>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    Uuid::parse_str(text.trim())
        .map(Some)
        .map_err(|_| format!("`{text}` is not {what} id"))
}

fn boolean(text: &str) -> Result<bool, String> {
    match text.trim() {
        t if t.eq_ignore_ascii_case("true") => Ok(true),
        t if t.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(format!("`{text}` is not true or false")),
    }
}

fn choice(source: &Source, def: Option<&FieldDef>, text: &str) -> Result<Choice, String> {
    use crate::model::FieldType;
    let named = |names: &[&str]| format!("`{text}` is not one of {}", names.join(", "));
    match source {
        Source::System(SystemField::Status) => Status::parse(text)
            .map(Choice::Status)
            .ok_or_else(|| named(&Status::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>())),
        Source::System(SystemField::Priority) => Priority::parse(text)
            .map(Choice::Priority)
            .ok_or_else(|| named(&Priority::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>())),
        Source::System(SystemField::Channel) => Channel::parse(text)
            .map(Choice::Channel)
            .ok_or_else(|| named(&Channel::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>())),
        Source::System(SystemField::IsRead) => boolean(text).map(Choice::Bool),
        Source::System(SystemField::AgentAssignee) => id(text, "an agent").map(Choice::Id),
        Source::System(SystemField::DepartmentAssignee) => id(text, "a department").map(Choice::Id),
        Source::Custom(_, FieldType::Operator) => id(text, "an agent").map(Choice::Id),
        Source::Custom(_, FieldType::Department) => id(text, "a department").map(Choice::Id),
        Source::Custom(_, FieldType::Checkbox) => boolean(text).map(Choice::Bool),
        Source::Custom(..) => {
            let options = def.map(|d| d.options.as_slice()).unwrap_or(&[]);
            if text.is_empty() || options.iter().any(|o| o.value == text) {
                Ok(Choice::Text(text.to_string()))
            } else {
                Err(format!("`{text}` is not one of the field's option values"))
            }
        }
        Source::System(_) => Err("this field has no options".to_string()),
    }
}

/// Membership takes one item; `is`/`isNot` take a list (a JSON array, a string holding one,
/// a single item, or empty for the empty set).
fn members(
    source: &Source,
    def: Option<&FieldDef>,
    match_type: MatchType,
    value: Option<&FieldValue>,
) -> Result<Test, String> {
    let item = |text: &str| -> Result<String, String> {
        match source {
            Source::System(_) => Uuid::parse_str(text.trim())
                .map(|u| u.to_string())
                .map_err(|_| format!("`{text}` is not a tag id")),
            Source::Custom(..) => {
                let options = def.map(|d| d.options.as_slice()).unwrap_or(&[]);
                if options.iter().any(|o| o.value == text) {
                    Ok(text.to_string())
                } else {
                    Err(format!("`{text}` is not one of the field's option values"))
                }
            }
        }
    };
    match match_type {
        MatchType::Contains | MatchType::NotContains => {
            let text = single(value)?;
            if text.is_empty() {
                return Err("must not be empty for contains/notContains".to_string());
            }
            item(text).map(Test::Member)
        }
        _ => {
            let items: Vec<String> = match value {
                None => Vec::new(),
                Some(FieldValue::List(items)) => items.clone(),
                Some(FieldValue::Text(t)) if t.is_empty() => Vec::new(),
                Some(FieldValue::Text(t)) if t.trim_start().starts_with('[') => {
                    serde_json::from_str(t)
                        .map_err(|_| "must be a JSON array of strings".to_string())?
                }
                Some(FieldValue::Text(t)) => vec![t.clone()],
            };
            items
                .iter()
                .map(|i| item(i))
                .collect::<Result<BTreeSet<_>, _>>()
                .map(Test::SetIs)
        }
    }
}
