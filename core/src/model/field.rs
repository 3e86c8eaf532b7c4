//! Field definitions (SPEC §4.3) and the values conversations carry for them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A field id: a system field's name (`subject`, `status` …) or a custom field's UUID string.
/// Resolved against a [`FieldSet`](crate::model::FieldSet) when a rule is validated.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FieldId(pub String);

impl FieldId {
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The system field this id names, if any (ids of system fields are their names).
    pub fn system(&self) -> Option<SystemField> {
        SystemField::parse(&self.0)
    }
}

impl fmt::Display for FieldId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Field types of SPEC §4.3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FieldType {
    Text,
    Textarea,
    Email,
    Url,
    Date,
    Integer,
    Float,
    /// An agent id.
    Operator,
    Radio,
    Checkbox,
    DropdownList,
    CheckboxList,
    Link,
    /// A department id.
    Department,
}

/// The system fields every site has; their id is their name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SystemField {
    Subject,
    Status,
    Priority,
    AgentAssignee,
    DepartmentAssignee,
    Channel,
    ContactEmail,
    ContactName,
    ReceivedFrom,
    CreatedTime,
    LastActivityTime,
    LastRepliedTime,
    Tags,
    IsRead,
    /// The triggering message's plain text (rules only).
    MessageBody,
}

impl SystemField {
    pub const ALL: &'static [SystemField] = &[
        SystemField::Subject,
        SystemField::Status,
        SystemField::Priority,
        SystemField::AgentAssignee,
        SystemField::DepartmentAssignee,
        SystemField::Channel,
        SystemField::ContactEmail,
        SystemField::ContactName,
        SystemField::ReceivedFrom,
        SystemField::CreatedTime,
        SystemField::LastActivityTime,
        SystemField::LastRepliedTime,
        SystemField::Tags,
        SystemField::IsRead,
        SystemField::MessageBody,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SystemField::Subject => "subject",
            SystemField::Status => "status",
            SystemField::Priority => "priority",
            SystemField::AgentAssignee => "agentAssignee",
            SystemField::DepartmentAssignee => "departmentAssignee",
            SystemField::Channel => "channel",
            SystemField::ContactEmail => "contactEmail",
            SystemField::ContactName => "contactName",
            SystemField::ReceivedFrom => "receivedFrom",
            SystemField::CreatedTime => "createdTime",
            SystemField::LastActivityTime => "lastActivityTime",
            SystemField::LastRepliedTime => "lastRepliedTime",
            SystemField::Tags => "tags",
            SystemField::IsRead => "isRead",
            SystemField::MessageBody => "messageBody",
        }
    }

    /// Parses a system field id, ignoring ASCII case.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|f| f.as_str().eq_ignore_ascii_case(s))
    }
}

/// One option of a radio, dropdown, checkbox list field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct FieldOption {
    pub id: Option<String>,
    pub name: String,
    pub value: String,
    pub order: i64,
}

/// A field definition as the API shows it (SPEC §4.3). Unknown keys are ignored here so API
/// objects can be passed to the core as they are; the server rejects them at its edge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldDef {
    pub id: FieldId,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub is_system_field: bool,
    #[serde(default)]
    pub is_required: bool,
    #[serde(default)]
    pub default_value: Option<FieldValue>,
    #[serde(default)]
    pub help_text: Option<String>,
    /// Maximum characters for text/textarea (defaults 255 / 65,535).
    #[serde(default)]
    pub length: Option<u32>,
    #[serde(default)]
    pub options: Vec<FieldOption>,
}

/// A field's value on a conversation: a string, or for checkbox lists a list of strings.
/// JSON numbers and booleans are accepted and kept in their textual form.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FieldValue {
    Text(String),
    List(Vec<String>),
}

impl FieldValue {
    /// True for an empty string or an empty list.
    pub fn is_empty(&self) -> bool {
        match self {
            FieldValue::Text(s) => s.is_empty(),
            FieldValue::List(l) => l.is_empty(),
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            FieldValue::Text(s) => Some(s),
            FieldValue::List(_) => None,
        }
    }
}

impl Serialize for FieldValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            FieldValue::Text(t) => s.serialize_str(t),
            FieldValue::List(l) => l.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for FieldValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(s) => Ok(FieldValue::Text(s)),
            serde_json::Value::Number(n) => Ok(FieldValue::Text(n.to_string())),
            serde_json::Value::Bool(b) => Ok(FieldValue::Text(b.to_string())),
            serde_json::Value::Array(items) => items
                .into_iter()
                .map(|v| match v {
                    serde_json::Value::String(s) => Ok(s),
                    other => Err(D::Error::custom(format!(
                        "list items must be strings, got {other}"
                    ))),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(FieldValue::List),
            serde_json::Value::Null => Err(D::Error::custom("value must not be null")),
            serde_json::Value::Object(_) => Err(D::Error::custom(
                "value must be a string or a list of strings",
            )),
        }
    }
}

/// The field definitions a rule is checked and evaluated against: the site's custom fields
/// (system fields are implied and need not be listed).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldSet {
    custom: std::collections::BTreeMap<String, FieldDef>,
}

impl FieldSet {
    pub fn new(fields: impl IntoIterator<Item = FieldDef>) -> Self {
        let custom = fields
            .into_iter()
            .filter(|f| f.id.system().is_none())
            .map(|f| (f.id.0.to_ascii_lowercase(), f))
            .collect();
        Self { custom }
    }

    /// A custom field's definition (ids compared ignoring ASCII case, as UUIDs are).
    pub fn custom(&self, id: &FieldId) -> Option<&FieldDef> {
        self.custom.get(&id.0.to_ascii_lowercase())
    }

    pub fn customs(&self) -> impl Iterator<Item = &FieldDef> {
        self.custom.values()
    }
}
