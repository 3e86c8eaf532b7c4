//! Field validation (SPEC §5.8): values by field type, required fields, and field
//! definitions.
//!
//! Validation parses: a valid value comes back as a typed [`FieldChange`] (canonical ids,
//! checkbox lists as lists), so the modules that apply changes never re-check strings.
//! Every failing value is reported, each with the field id as given and a reason.
//!
//! ```
//! use anytime_core::field_validation::{validate_values, Known};
//! use anytime_core::model::{FieldDef, FieldId, FieldSet, FieldValue};
//!
//! let fields = FieldSet::new([serde_json::from_value::<FieldDef>(serde_json::json!(
//!     {"id": "age", "type": "integer", "name": "Age"}
//! )).unwrap()]);
//! let values = [(FieldId::new("age"), FieldValue::Text("forty".into()))];
//! let errors = validate_values(&fields, &values, &Known::unchecked()).unwrap_err();
//! assert_eq!(errors[0].field, "age");
//! ```

mod change;
mod definition;
mod known;
mod required;
mod system;
mod value;

pub use change::FieldChange;
pub use definition::check_definition;
pub use known::{Known, Roster};
pub use required::{is_filled, missing_required, require_filled};
pub use value::{
    check_custom, date as check_date, email as check_email, url as check_url,
    DEFAULT_TEXTAREA_LENGTH, DEFAULT_TEXT_LENGTH,
};

use crate::model::{AgentId, DepartmentId, FieldDef, FieldId, FieldSet, FieldValue};
use crate::{CoreError, CoreResult, ErrorDetail};
use serde::{Deserialize, Serialize};

/// Validates one value for the field `id` (a system field's name or a custom field's id).
pub fn validate_value(
    fields: &FieldSet,
    id: &FieldId,
    value: &FieldValue,
    known: &Known,
) -> Result<FieldChange, String> {
    if let Some(system) = id.system() {
        return system::check_system(system, value, known);
    }
    let def = fields
        .custom(id)
        .ok_or_else(|| "no such field".to_string())?;
    check_custom(def, value, known).map(|value| FieldChange::Custom {
        id: def.id.clone(),
        value,
    })
}

/// Validates every value; `Ok` with one change per value (in input order) or `Err` listing
/// every failing value. A field given twice is an error at its second occurrence. Required
/// fields are not enforced here (see [`validate_complete`]).
pub fn validate_values(
    fields: &FieldSet,
    values: &[(FieldId, FieldValue)],
    known: &Known,
) -> Result<Vec<FieldChange>, Vec<ErrorDetail>> {
    let mut changes = Vec::with_capacity(values.len());
    let mut errors = Vec::new();
    let mut seen: Vec<FieldId> = Vec::with_capacity(values.len());
    for (id, value) in values {
        let key = canonical_id(fields, id);
        if seen.contains(&key) {
            errors.push(ErrorDetail::new(id.0.clone(), "is given more than once"));
            continue;
        }
        seen.push(key);
        match validate_value(fields, id, value, known) {
            Ok(change) => changes.push(change),
            Err(reason) => errors.push(ErrorDetail::new(id.0.clone(), reason)),
        }
    }
    if errors.is_empty() {
        Ok(changes)
    } else {
        Err(errors)
    }
}

/// Like [`validate_values`], and also requires every `isRequired` custom field to be given
/// a filled value (a form submitted whole, e.g. closing).
pub fn validate_complete(
    fields: &FieldSet,
    values: &[(FieldId, FieldValue)],
    known: &Known,
) -> Result<Vec<FieldChange>, Vec<ErrorDetail>> {
    let result = validate_values(fields, values, known);
    let failed: Vec<String> = match &result {
        Err(errors) => errors
            .iter()
            .map(|e| e.field.to_ascii_lowercase())
            .collect(),
        Ok(_) => Vec::new(),
    };
    let mut missing = Vec::new();
    for def in fields.customs().filter(|d| d.is_required) {
        let given = values
            .iter()
            .find(|(id, _)| id.0.eq_ignore_ascii_case(&def.id.0));
        if given.is_some_and(|(id, _)| failed.contains(&id.0.to_ascii_lowercase())) {
            continue;
        }
        if !is_filled(def, given.map(|(_, v)| v)) {
            missing.push(ErrorDetail::new(def.id.0.clone(), "is required"));
        }
    }
    match result {
        Ok(changes) if missing.is_empty() => Ok(changes),
        Ok(_) => Err(missing),
        Err(mut errors) => {
            errors.extend(missing);
            Err(errors)
        }
    }
}

/// Checks a field definition (name, length, options, default value); the 400 of saving a
/// field.
pub fn validate_field_def(def: &FieldDef, known: &Known) -> CoreResult<()> {
    let errors = check_definition(def, known);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CoreError::invalid_fields(
            format!("field `{}` is not valid", def.id),
            errors,
        ))
    }
}

/// Turns a list of failing values into the API's validation error.
pub fn into_error(errors: Vec<ErrorDetail>) -> CoreError {
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    let message = format!("invalid field values: {}", fields.join(", "));
    CoreError::invalid_fields(message, errors)
}

/// Ids compared the way [`FieldSet`] compares them (system names and UUIDs ignore case).
fn canonical_id(fields: &FieldSet, id: &FieldId) -> FieldId {
    match (id.system(), fields.custom(id)) {
        (Some(system), _) => FieldId::new(system.as_str()),
        (None, Some(def)) => def.id.clone(),
        (None, None) => FieldId::new(id.0.to_ascii_lowercase()),
    }
}

/// An object of which only the `id` matters.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct HasId<T> {
    pub id: T,
}

/// One entry of `validateFields.values`; `null` counts as empty (clearing the field).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ValueEntry {
    pub id: FieldId,
    #[serde(default)]
    pub value: Option<FieldValue>,
}

/// The arguments of `validateFields` (SPEC §6). `checkRequired` (default false) also
/// reports required custom fields that `values` leaves unfilled. Absent `agents` or
/// `departments` mean none exist.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidateFieldsInput {
    pub fields: Vec<FieldDef>,
    pub values: Vec<ValueEntry>,
    #[serde(default)]
    pub agents: Vec<HasId<AgentId>>,
    #[serde(default)]
    pub departments: Vec<HasId<DepartmentId>>,
    #[serde(default)]
    pub check_required: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidateFieldsOutput {
    pub valid: bool,
    pub errors: Vec<ErrorDetail>,
}

/// `validateFields`: failing values are data (`valid: false`), not an error.
pub fn validate_fields(input: ValidateFieldsInput) -> ValidateFieldsOutput {
    let fields = FieldSet::new(input.fields);
    let known = Known::new(
        input.agents.into_iter().map(|a| a.id),
        input.departments.into_iter().map(|d| d.id),
    );
    let values: Vec<(FieldId, FieldValue)> = input
        .values
        .into_iter()
        .map(|e| (e.id, e.value.unwrap_or(FieldValue::Text(String::new()))))
        .collect();
    let result = if input.check_required {
        validate_complete(&fields, &values, &known)
    } else {
        validate_values(&fields, &values, &known)
    };
    match result {
        Ok(_) => ValidateFieldsOutput {
            valid: true,
            errors: Vec::new(),
        },
        Err(errors) => ValidateFieldsOutput {
            valid: false,
            errors,
        },
    }
}

#[cfg(test)]
mod tests;
