//! Required custom fields (SPEC §4.3 `isRequired`). They are enforced when a conversation is
//! closed (SPEC §5.7), not on every change: an agent may clear a required field while the
//! conversation is open, as in Zendesk.

use crate::model::{CustomFieldValue, FieldDef, FieldId, FieldSet, FieldType, FieldValue};
use crate::{CoreError, CoreResult, ErrorDetail};

/// Whether `value` fills `def`: any non-empty value, except that a required checkbox must be
/// ticked (`true`) — a required checkbox is a confirmation, as in Zendesk.
pub fn is_filled(def: &FieldDef, value: Option<&FieldValue>) -> bool {
    match value {
        None => false,
        Some(v) if v.is_empty() => false,
        Some(v) if def.field_type == FieldType::Checkbox => v.as_text() == Some("true"),
        Some(_) => true,
    }
}

/// The required custom fields that `values` leaves unfilled, in field-id order.
pub fn missing_required(fields: &FieldSet, values: &[CustomFieldValue]) -> Vec<FieldId> {
    fields
        .customs()
        .filter(|def| def.is_required)
        .filter(|def| {
            let value = values
                .iter()
                .find(|v| v.id.0.eq_ignore_ascii_case(&def.id.0))
                .map(|v| &v.value);
            !is_filled(def, value)
        })
        .map(|def| def.id.clone())
        .collect()
}

/// `Ok` when every required custom field is filled, else a validation error naming each
/// missing field (the 400 of closing a conversation).
pub fn require_filled(fields: &FieldSet, values: &[CustomFieldValue]) -> CoreResult<()> {
    let missing = missing_required(fields, values);
    if missing.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = missing
        .iter()
        .map(|id| {
            let name = fields.custom(id).map(|d| d.name.as_str()).unwrap_or("");
            if name.is_empty() {
                id.to_string()
            } else {
                format!("{name} ({id})")
            }
        })
        .collect();
    Err(CoreError::invalid_fields(
        format!("required fields are not filled: {}", names.join(", ")),
        missing
            .into_iter()
            .map(|id| ErrorDetail::new(id.0, "is required"))
            .collect(),
    ))
}
