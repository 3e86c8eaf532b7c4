//! The system fields every site has (SPEC §4.3): defined here, never stored, never deleted.

use anytime_core::model::{
    Channel, FieldDef, FieldId, FieldOption, FieldType, Priority, Status, SystemField,
};

fn options(values: &[&'static str]) -> Vec<FieldOption> {
    values
        .iter()
        .zip(1i64..)
        .map(|(v, order)| FieldOption {
            id: Some((*v).to_string()),
            name: (*v).to_string(),
            value: (*v).to_string(),
            order,
        })
        .collect()
}

fn shape(f: SystemField) -> (&'static str, FieldType, Vec<FieldOption>) {
    match f {
        SystemField::Subject => ("Subject", FieldType::Text, vec![]),
        SystemField::Status => (
            "Status",
            FieldType::DropdownList,
            options(&Status::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
        ),
        SystemField::Priority => (
            "Priority",
            FieldType::DropdownList,
            options(&Priority::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
        ),
        SystemField::AgentAssignee => ("Agent assignee", FieldType::Operator, vec![]),
        SystemField::DepartmentAssignee => ("Department assignee", FieldType::Department, vec![]),
        SystemField::Channel => (
            "Channel",
            FieldType::DropdownList,
            options(&Channel::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
        ),
        SystemField::ContactEmail => ("Contact email", FieldType::Email, vec![]),
        SystemField::ContactName => ("Contact name", FieldType::Text, vec![]),
        SystemField::ReceivedFrom => ("Received from", FieldType::Email, vec![]),
        SystemField::CreatedTime => ("Created time", FieldType::Date, vec![]),
        SystemField::LastActivityTime => ("Last activity time", FieldType::Date, vec![]),
        SystemField::LastRepliedTime => ("Last replied time", FieldType::Date, vec![]),
        SystemField::Tags => ("Tags", FieldType::CheckboxList, vec![]),
        SystemField::IsRead => ("Read", FieldType::Checkbox, vec![]),
        SystemField::MessageBody => ("Message body", FieldType::Textarea, vec![]),
    }
}

/// Every system field's definition, in SPEC order.
pub fn definitions() -> Vec<FieldDef> {
    SystemField::ALL
        .iter()
        .map(|f| {
            let (name, field_type, options) = shape(*f);
            FieldDef {
                id: FieldId::new(f.as_str()),
                field_type,
                name: name.into(),
                is_system_field: true,
                is_required: false,
                default_value: None,
                help_text: None,
                length: None,
                options,
            }
        })
        .collect()
}

/// The system field named `id` (ignoring ASCII case), if any.
pub fn definition(id: &str) -> Option<FieldDef> {
    let f = SystemField::parse(id)?;
    definitions().into_iter().find(|d| d.id.0 == f.as_str())
}

pub fn is_system(id: &str) -> bool {
    SystemField::parse(id).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_system_field_is_defined_once_with_its_name_as_id() {
        let defs = definitions();
        assert_eq!(defs.len(), SystemField::ALL.len());
        assert!(defs.iter().all(|d| d.is_system_field && is_system(&d.id.0)));
        assert_eq!(definition("STATUS").map(|d| d.options.len()), Some(5));
        assert!(definition("nope").is_none());
    }
}
