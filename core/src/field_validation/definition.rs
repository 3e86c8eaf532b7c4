//! Checks a field definition before it is saved: a definition whose own default would fail
//! validation, or whose options cannot be told apart, would break every conversation using it.

use super::known::Known;
use super::value::check_custom;
use crate::model::{FieldDef, FieldType};
use crate::ErrorDetail;
use std::collections::BTreeSet;

pub const MAX_NAME_LENGTH: usize = 255;
/// No field stores more than a textarea's default capacity.
pub const MAX_LENGTH: u32 = 65_535;
pub const MAX_HELP_TEXT_LENGTH: usize = 65_535;

/// Every problem with `def`, each naming the key at fault (`name`, `length`,
/// `options[2].value`, `defaultValue` …); empty when the definition is sound.
pub fn check_definition(def: &FieldDef, known: &Known) -> Vec<ErrorDetail> {
    let mut errors = Vec::new();
    if !def.is_system_field && def.id.system().is_some() {
        errors.push(ErrorDetail::new(
            "id",
            "is the name of a system field; custom fields need another id",
        ));
    }
    if def.name.trim().is_empty() {
        errors.push(ErrorDetail::new("name", "must not be empty"));
    } else if def.name.chars().count() > MAX_NAME_LENGTH {
        errors.push(ErrorDetail::new(
            "name",
            format!("must be at most {MAX_NAME_LENGTH} characters"),
        ));
    }
    if def
        .help_text
        .as_ref()
        .is_some_and(|h| h.chars().count() > MAX_HELP_TEXT_LENGTH)
    {
        errors.push(ErrorDetail::new(
            "helpText",
            format!("must be at most {MAX_HELP_TEXT_LENGTH} characters"),
        ));
    }
    if let Some(length) = def.length {
        if !(1..=MAX_LENGTH).contains(&length) {
            errors.push(ErrorDetail::new(
                "length",
                format!("must be between 1 and {MAX_LENGTH}"),
            ));
        }
    }
    let options_ok = check_options(def, &mut errors);
    // A default cannot be judged against a broken option list or length.
    if options_ok && !errors.iter().any(|e| e.field == "length") {
        if let Some(default) = &def.default_value {
            if let Err(reason) = check_custom(def, default, known) {
                errors.push(ErrorDetail::new("defaultValue", reason));
            }
        }
    }
    errors
}

fn has_options(field_type: FieldType) -> bool {
    matches!(
        field_type,
        FieldType::Radio | FieldType::DropdownList | FieldType::CheckboxList
    )
}

/// Pushes option errors; answers whether the options are usable.
fn check_options(def: &FieldDef, errors: &mut Vec<ErrorDetail>) -> bool {
    if !has_options(def.field_type) {
        if def.options.is_empty() {
            return true;
        }
        errors.push(ErrorDetail::new(
            "options",
            "are only allowed on radio, dropdownList and checkboxList fields",
        ));
        return false;
    }
    if def.options.is_empty() {
        errors.push(ErrorDetail::new("options", "must list at least one option"));
        return false;
    }
    let before = errors.len();
    let mut seen = BTreeSet::new();
    for (i, option) in def.options.iter().enumerate() {
        let field = format!("options[{i}].value");
        if option.value.trim().is_empty() {
            errors.push(ErrorDetail::new(field, "must not be empty"));
        } else if option.value.chars().count() > MAX_NAME_LENGTH {
            errors.push(ErrorDetail::new(
                field,
                format!("must be at most {MAX_NAME_LENGTH} characters"),
            ));
        } else if !seen.insert(option.value.as_str()) {
            errors.push(ErrorDetail::new(
                field,
                format!("`{}` is already the value of another option", option.value),
            ));
        }
    }
    errors.len() == before
}
