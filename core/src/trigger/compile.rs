//! A trigger checked and prepared once (when saved, or when a run starts): conditions
//! compiled, `autoUpdate` validated into typed changes, templates parsed. Every problem is a
//! 400 naming the field.

use super::model::{Trigger, TriggerEvent};
use super::placeholder::Template;
use crate::condition::CompiledConditions;
use crate::field_validation::{validate_value, FieldChange, Known};
use crate::model::{FieldSet, RuleId};
use crate::{CoreError, CoreResult, ErrorDetail};

#[derive(Debug, Clone)]
pub struct CompiledTrigger {
    pub trigger: Trigger,
    pub conditions: CompiledConditions,
    pub changes: Vec<FieldChange>,
    pub subject: Template,
    pub html_text: Template,
    pub plain_text: Template,
}

impl CompiledTrigger {
    pub fn id(&self) -> RuleId {
        self.trigger.id
    }
}

/// Validates a trigger as the API saves it (SPEC §4.6, §5.4); every failing field is listed.
pub fn compile_trigger(
    trigger: &Trigger,
    fields: &FieldSet,
    known: &Known,
) -> CoreResult<CompiledTrigger> {
    let mut details: Vec<ErrorDetail> = Vec::new();

    let conditions = match trigger.conditions.compile(fields) {
        Ok(c) => Some(c),
        Err(e) => {
            details.extend(e.nested("conditions").details().iter().cloned());
            None
        }
    };

    if trigger.event == TriggerEvent::StaysAtStatusPeriod {
        if trigger.stay_status.is_none() {
            details.push(ErrorDetail::new(
                "stayStatus",
                "is required for the staysAtStatusPeriod event",
            ));
        }
        if trigger.stay_minutes.is_none_or(|m| m < 1) {
            details.push(ErrorDetail::new(
                "stayMinutes",
                "must be a whole number of minutes of at least 1 for the staysAtStatusPeriod event",
            ));
        }
    }

    let mut changes = Vec::with_capacity(trigger.auto_update.len());
    for (i, update) in trigger.auto_update.iter().enumerate() {
        let duplicate = trigger.auto_update[..i]
            .iter()
            .any(|u| u.field_id.0.eq_ignore_ascii_case(&update.field_id.0));
        if duplicate {
            details.push(ErrorDetail::new(
                format!("autoUpdate[{i}].fieldId"),
                format!("field `{}` is set more than once", update.field_id.0),
            ));
            continue;
        }
        match validate_value(fields, &update.field_id, &update.value, known) {
            Ok(change) => changes.push(change),
            Err(reason) => details.push(ErrorDetail::new(
                format!("autoUpdate[{i}].value"),
                format!("{}: {reason}", update.field_id.0),
            )),
        }
    }

    if trigger.send_email {
        if !trigger.send_to_contacts && !trigger.send_to_agents {
            details.push(ErrorDetail::new(
                "sendEmail",
                "needs sendToContacts or sendToAgents",
            ));
        }
        if trigger.send_to_agents && trigger.to_agents.is_empty() {
            details.push(ErrorDetail::new(
                "toAgents",
                "must list at least one agent when sendToAgents is set",
            ));
        }
        if trigger.subject.trim().is_empty() {
            details.push(ErrorDetail::new(
                "subject",
                "is required when sendEmail is set",
            ));
        }
    }
    for (i, agent) in trigger.to_agents.iter().enumerate() {
        if !known.agents.contains(agent) {
            details.push(ErrorDetail::new(
                format!("toAgents[{i}]"),
                format!("no agent with id {}", agent.0),
            ));
        }
    }

    let mut template = |field: &str, text: &str| match Template::parse(field, text) {
        Ok(t) => t,
        Err(e) => {
            details.extend(e.details().iter().cloned());
            Template::default()
        }
    };
    let subject = template("subject", &trigger.subject);
    let html_text = template("htmlText", &trigger.html_text);
    let plain_text = template("plainText", &trigger.plain_text);

    match conditions {
        Some(conditions) if details.is_empty() => Ok(CompiledTrigger {
            trigger: trigger.clone(),
            conditions,
            changes,
            subject,
            html_text,
            plain_text,
        }),
        _ => Err(CoreError::invalid_fields("invalid trigger", details)),
    }
}
