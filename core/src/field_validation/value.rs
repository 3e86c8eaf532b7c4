//! Checks one value against its field's type (SPEC §5.8). Each check answers the value to
//! store (canonical where the input had several spellings) or a reason for the client.

use super::known::Known;
use crate::model::{AgentId, DepartmentId, FieldDef, FieldType, FieldValue};
use chrono::NaiveDate;
use email_address::{EmailAddress, Options};
use uuid::Uuid;

pub const DEFAULT_TEXT_LENGTH: u32 = 255;
pub const DEFAULT_TEXTAREA_LENGTH: u32 = 65_535;
/// RFC 5321's limit on a forward path, so a stored address can always be mailed.
pub const MAX_EMAIL_LENGTH: usize = 254;
/// Longer URLs break in common browsers and mail clients.
pub const MAX_URL_LENGTH: usize = 2_048;

/// The value to store for `value`, `None` for an empty value (which clears the field), or the
/// reason it is not a valid value of `def`.
pub fn check_custom(
    def: &FieldDef,
    value: &FieldValue,
    known: &Known,
) -> Result<Option<FieldValue>, String> {
    if value.is_empty() {
        return Ok(None);
    }
    let stored = match def.field_type {
        FieldType::CheckboxList => {
            return checkbox_list(def, value).map(|l| Some(FieldValue::List(l)))
        }
        FieldType::Text => max_chars(single(value)?, def.length.unwrap_or(DEFAULT_TEXT_LENGTH))?,
        FieldType::Textarea => max_chars(
            single(value)?,
            def.length.unwrap_or(DEFAULT_TEXTAREA_LENGTH),
        )?,
        FieldType::Email => email(single(value)?)?,
        FieldType::Url | FieldType::Link => url(single(value)?)?,
        FieldType::Date => date(single(value)?)?,
        FieldType::Integer => integer(single(value)?)?,
        FieldType::Float => float(single(value)?)?,
        FieldType::Checkbox => checkbox(single(value)?)?,
        FieldType::Radio | FieldType::DropdownList => one_option(def, single(value)?)?,
        FieldType::Operator => agent(single(value)?, known)?.to_string(),
        FieldType::Department => department(single(value)?, known)?.to_string(),
    };
    Ok(Some(FieldValue::Text(stored)))
}

/// The text of a single-valued field.
pub fn single(value: &FieldValue) -> Result<&str, String> {
    match value {
        FieldValue::Text(text) => Ok(text),
        FieldValue::List(_) => Err("must be a single value, not a list".to_string()),
    }
}

/// Characters are Unicode scalar values, the unit a user counts in an input box.
fn max_chars(text: &str, max: u32) -> Result<String, String> {
    let count = text.chars().count();
    if count > max as usize {
        return Err(format!("must be at most {max} characters (got {count})"));
    }
    Ok(text.to_string())
}

/// An RFC 5322 addr-spec with a dotted domain: no display name, no domain literal, no
/// surrounding white space, at most 254 characters.
pub fn email(text: &str) -> Result<String, String> {
    const REASON: &str = "must be an email address like name@example.com";
    if text.chars().count() > MAX_EMAIL_LENGTH {
        return Err(format!("must be at most {MAX_EMAIL_LENGTH} characters"));
    }
    if text.trim() != text || text.contains(['(', ')']) {
        return Err(REASON.to_string());
    }
    let options = Options::default()
        .with_required_tld()
        .without_domain_literal()
        .without_display_text();
    EmailAddress::parse_with_options(text, options)
        .map(|_| text.to_string())
        .map_err(|_| REASON.to_string())
}

/// An absolute `http`/`https` URL with a host.
pub fn url(text: &str) -> Result<String, String> {
    const REASON: &str = "must be an absolute http or https URL";
    if text.chars().count() > MAX_URL_LENGTH {
        return Err(format!("must be at most {MAX_URL_LENGTH} characters"));
    }
    if text.trim() != text {
        return Err(REASON.to_string());
    }
    match url::Url::parse(text) {
        Ok(parsed)
            if matches!(parsed.scheme(), "http" | "https")
                && parsed.host_str().is_some_and(|h| !h.is_empty()) =>
        {
            Ok(text.to_string())
        }
        _ => Err(REASON.to_string()),
    }
}

/// Exactly `YYYY-MM-DD`, a real calendar date.
pub fn date(text: &str) -> Result<String, String> {
    const REASON: &str = "must be a date as YYYY-MM-DD";
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shaped {
        return Err(REASON.to_string());
    }
    let number = |range: std::ops::Range<usize>| {
        text.get(range)
            .and_then(|s| s.parse::<u32>().ok())
            .unwrap_or(0)
    };
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    i32::try_from(year)
        .ok()
        .and_then(|y| NaiveDate::from_ymd_opt(y, month, day))
        .map(|_| text.to_string())
        .ok_or_else(|| format!("{text} is not a calendar date"))
}

pub fn integer(text: &str) -> Result<String, String> {
    text.parse::<i64>().map(|_| text.to_string()).map_err(|_| {
        "must be a whole number between -9223372036854775808 and 9223372036854775807".to_string()
    })
}

/// A finite decimal number (no NaN, no infinity, nothing that overflows to infinity).
pub fn float(text: &str) -> Result<String, String> {
    match text.parse::<f64>() {
        Ok(n) if n.is_finite() => Ok(text.to_string()),
        _ => Err("must be a finite number".to_string()),
    }
}

pub fn checkbox(text: &str) -> Result<String, String> {
    match text {
        "true" | "false" => Ok(text.to_string()),
        _ => Err("must be true or false".to_string()),
    }
}

fn one_option(def: &FieldDef, text: &str) -> Result<String, String> {
    if def.options.iter().any(|o| o.value == text) {
        Ok(text.to_string())
    } else {
        Err(format!("`{text}` is not one of the field's option values"))
    }
}

/// A JSON array of option values, or a string holding one; each value once.
fn checkbox_list(def: &FieldDef, value: &FieldValue) -> Result<Vec<String>, String> {
    let items = string_list(value)?;
    let mut unknown: Vec<&str> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for item in &items {
        if seen.contains(&item.as_str()) {
            return Err(format!("lists `{item}` more than once"));
        }
        seen.push(item);
        if !def.options.iter().any(|o| &o.value == item) {
            unknown.push(item);
        }
    }
    if unknown.is_empty() {
        Ok(items)
    } else {
        let names: Vec<String> = unknown.iter().map(|u| format!("`{u}`")).collect();
        Err(format!(
            "{} not among the field's option values",
            if names.len() == 1 {
                format!("{} is", names[0])
            } else {
                format!("{} are", names.join(", "))
            }
        ))
    }
}

/// A list of strings given as a list, or as a string holding a JSON array of strings.
pub fn string_list(value: &FieldValue) -> Result<Vec<String>, String> {
    match value {
        FieldValue::List(items) => Ok(items.clone()),
        FieldValue::Text(text) => serde_json::from_str::<Vec<String>>(text)
            .map_err(|_| "must be a JSON array of strings".to_string()),
    }
}

pub fn agent(text: &str, known: &Known) -> Result<AgentId, String> {
    let id = Uuid::parse_str(text)
        .map(AgentId)
        .map_err(|_| "must be an agent id".to_string())?;
    if known.agents.contains(&id) {
        Ok(id)
    } else {
        Err(format!("no agent with id {id}"))
    }
}

pub fn department(text: &str, known: &Known) -> Result<DepartmentId, String> {
    let id = Uuid::parse_str(text)
        .map(DepartmentId)
        .map_err(|_| "must be a department id".to_string())?;
    if known.departments.contains(&id) {
        Ok(id)
    } else {
        Err(format!("no department with id {id}"))
    }
}
