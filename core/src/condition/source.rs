//! Where a condition's field value comes from: the conversation snapshot, the context's
//! contact and message (system fields), or the conversation's custom field values.

use super::match_type::Kind;
use crate::model::{Context, Conversation, FieldDef, FieldId, FieldType, FieldValue, SystemField};
use chrono::{DateTime, NaiveDate, Utc};
use std::borrow::Cow;

/// A resolved field: a system field, or a custom field with the type it was checked against.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    System(SystemField),
    Custom(FieldId, FieldType),
}

impl Source {
    pub fn kind(&self) -> Kind {
        match self {
            Source::System(field) => match field {
                SystemField::Subject
                | SystemField::ContactEmail
                | SystemField::ContactName
                | SystemField::ReceivedFrom
                | SystemField::MessageBody => Kind::Text,
                SystemField::Status
                | SystemField::Priority
                | SystemField::Channel
                | SystemField::AgentAssignee
                | SystemField::DepartmentAssignee
                | SystemField::IsRead => Kind::Choice,
                SystemField::CreatedTime
                | SystemField::LastActivityTime
                | SystemField::LastRepliedTime => Kind::Date,
                SystemField::Tags => Kind::Multi,
            },
            Source::Custom(_, field_type) => match field_type {
                FieldType::Text
                | FieldType::Textarea
                | FieldType::Email
                | FieldType::Url
                | FieldType::Link => Kind::Text,
                FieldType::Integer => Kind::Integer,
                FieldType::Float => Kind::Float,
                FieldType::Date => Kind::Date,
                FieldType::Operator
                | FieldType::Radio
                | FieldType::Checkbox
                | FieldType::DropdownList
                | FieldType::Department => Kind::Choice,
                FieldType::CheckboxList => Kind::Multi,
            },
        }
    }

    pub fn from_def(def: &FieldDef) -> Self {
        Source::Custom(def.id.clone(), def.field_type)
    }

    /// The custom field's value as text (`None` when absent); a list is joined with `, `.
    pub fn custom_text<'a>(&self, conv: &'a Conversation) -> Option<Cow<'a, str>> {
        match self {
            Source::Custom(id, _) => conv.custom_field(id).map(|v| match v {
                FieldValue::Text(t) => Cow::Borrowed(t.as_str()),
                FieldValue::List(items) => Cow::Owned(items.join(", ")),
            }),
            Source::System(_) => None,
        }
    }

    /// The text of a text-like field; absent reads as empty.
    pub fn text<'a>(&self, conv: &'a Conversation, ctx: &'a Context) -> Cow<'a, str> {
        let found: Option<Cow<'a, str>> = match self {
            Source::System(SystemField::Subject) => Some(Cow::Borrowed(conv.subject.as_str())),
            Source::System(SystemField::ContactEmail) => ctx
                .contact
                .as_ref()
                .and_then(|c| c.email.as_deref())
                .map(Cow::Borrowed),
            Source::System(SystemField::ContactName) => ctx
                .contact
                .as_ref()
                .and_then(|c| c.name.as_deref())
                .map(Cow::Borrowed),
            Source::System(SystemField::ReceivedFrom) => {
                conv.received_from.as_deref().map(Cow::Borrowed)
            }
            Source::System(SystemField::MessageBody) => ctx
                .message
                .as_ref()
                .map(|m| Cow::Borrowed(m.plain_body.as_str())),
            Source::System(_) => None,
            Source::Custom(..) => self.custom_text(conv),
        };
        found.unwrap_or(Cow::Borrowed(""))
    }

    /// The local date of a date field or datetime system field in the context's time zone.
    pub fn date(&self, conv: &Conversation, ctx: &Context) -> Option<NaiveDate> {
        let instant = |t: Option<DateTime<Utc>>| t.map(|t| local_date(t, ctx));
        match self {
            Source::System(SystemField::CreatedTime) => instant(conv.created_time),
            Source::System(SystemField::LastActivityTime) => instant(conv.last_activity_time),
            Source::System(SystemField::LastRepliedTime) => instant(conv.last_replied_time),
            Source::System(_) => None,
            Source::Custom(..) => self
                .custom_text(conv)
                .and_then(|t| NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").ok()),
        }
    }

    /// The members of a multi-valued field: tag ids (lower-case hyphenated UUIDs) or checkbox
    /// list option values.
    pub fn members(&self, conv: &Conversation) -> Vec<String> {
        match self {
            Source::System(SystemField::Tags) => {
                conv.tag_ids.iter().map(|t| t.0.to_string()).collect()
            }
            Source::System(_) => Vec::new(),
            Source::Custom(id, _) => match conv.custom_field(id) {
                Some(FieldValue::List(items)) => items.clone(),
                Some(FieldValue::Text(t)) if t.is_empty() => Vec::new(),
                Some(FieldValue::Text(t)) => {
                    serde_json::from_str::<Vec<String>>(t).unwrap_or_else(|_| vec![t.clone()])
                }
                None => Vec::new(),
            },
        }
    }
}

pub fn local_date(t: DateTime<Utc>, ctx: &Context) -> NaiveDate {
    crate::zone::local_date(ctx.time_zone.0, t.timestamp()).unwrap_or_else(|| t.date_naive())
}
