//! Values for the system fields a change may set (updates, trigger `autoUpdate`). Fields that
//! are derived (times, channel, contact details, the message body) are read-only.

use super::change::FieldChange;
use super::known::Known;
use super::value::{agent, checkbox, department, single, string_list};
use crate::model::{FieldValue, Priority, Status, SystemField, TagId};
use uuid::Uuid;

/// RFC 5322's line limit; longer subjects cannot be sent back in a reply.
pub const MAX_SUBJECT_LENGTH: usize = 998;

pub fn check_system(
    field: SystemField,
    value: &FieldValue,
    known: &Known,
) -> Result<FieldChange, String> {
    match field {
        SystemField::Subject => {
            let text = single(value)?;
            if text.chars().count() > MAX_SUBJECT_LENGTH {
                return Err(format!("must be at most {MAX_SUBJECT_LENGTH} characters"));
            }
            Ok(FieldChange::Subject(text.to_string()))
        }
        SystemField::Status => Status::parse(single(value)?)
            .map(FieldChange::Status)
            .ok_or_else(|| one_of(Status::ALL.iter().map(|s| s.as_str()))),
        SystemField::Priority => Priority::parse(single(value)?)
            .map(FieldChange::Priority)
            .ok_or_else(|| one_of(Priority::ALL.iter().map(|s| s.as_str()))),
        SystemField::AgentAssignee => {
            let text = single(value)?;
            if text.is_empty() {
                return Ok(FieldChange::AgentAssignee(None));
            }
            agent(text, known).map(|id| FieldChange::AgentAssignee(Some(id)))
        }
        SystemField::DepartmentAssignee => {
            let text = single(value)?;
            if text.is_empty() {
                return Ok(FieldChange::DepartmentAssignee(None));
            }
            department(text, known).map(|id| FieldChange::DepartmentAssignee(Some(id)))
        }
        SystemField::Tags => tags(value).map(FieldChange::Tags),
        SystemField::IsRead => {
            checkbox(single(value)?).map(|text| FieldChange::IsRead(text == "true"))
        }
        SystemField::Channel
        | SystemField::ContactEmail
        | SystemField::ContactName
        | SystemField::ReceivedFrom
        | SystemField::CreatedTime
        | SystemField::LastActivityTime
        | SystemField::LastRepliedTime
        | SystemField::MessageBody => Err("is read-only".to_string()),
    }
}

fn one_of<'a>(names: impl Iterator<Item = &'a str>) -> String {
    format!("must be one of {}", names.collect::<Vec<_>>().join(", "))
}

/// Tag ids (UUIDs), each once; an empty value clears the tags.
fn tags(value: &FieldValue) -> Result<Vec<TagId>, String> {
    if value.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids: Vec<TagId> = Vec::new();
    for item in string_list(value)? {
        let id = Uuid::parse_str(&item)
            .map(TagId)
            .map_err(|_| format!("`{item}` is not a tag id"))?;
        if ids.contains(&id) {
            return Err(format!("lists tag {id} more than once"));
        }
        ids.push(id);
    }
    Ok(ids)
}
