//! A validated field value, typed by the field it sets. Validation hands these out so the
//! modules that apply changes (update, trigger autoUpdate) never re-parse strings.

use crate::model::{
    AgentId, DepartmentId, FieldId, FieldValue, Priority, Status, SystemField, TagId,
};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "field", content = "value")]
pub enum FieldChange {
    Subject(String),
    Status(Status),
    Priority(Priority),
    /// `None` unassigns.
    AgentAssignee(Option<AgentId>),
    DepartmentAssignee(Option<DepartmentId>),
    Tags(Vec<TagId>),
    IsRead(bool),
    /// A custom field; `None` clears it (an empty value was given).
    Custom {
        id: FieldId,
        value: Option<FieldValue>,
    },
}

impl FieldChange {
    /// The id of the field this change sets (system fields by name).
    pub fn field_id(&self) -> FieldId {
        let system = match self {
            FieldChange::Subject(_) => SystemField::Subject,
            FieldChange::Status(_) => SystemField::Status,
            FieldChange::Priority(_) => SystemField::Priority,
            FieldChange::AgentAssignee(_) => SystemField::AgentAssignee,
            FieldChange::DepartmentAssignee(_) => SystemField::DepartmentAssignee,
            FieldChange::Tags(_) => SystemField::Tags,
            FieldChange::IsRead(_) => SystemField::IsRead,
            FieldChange::Custom { id, .. } => return id.clone(),
        };
        FieldId::new(system.as_str())
    }
}
