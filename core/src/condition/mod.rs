//! Conditions: matching and save-time validation (SPEC §5.1).
//!
//! A rule's [`Conditions`] are checked once, when the rule is saved, by
//! [`Conditions::compile`]: every field must exist, every match type must apply to its field's
//! type, and every value must parse for that type (a bad one is a 400, never a silent false).
//! The [`CompiledConditions`] then evaluate against a conversation without failing.
//! Routing, triggers and SLA policies all call these two functions.
//!
//! ```
//! use anytime_core::condition::Conditions;
//! use anytime_core::model::{Context, Conversation, FieldSet};
//! let conditions: Conditions = serde_json::from_value(serde_json::json!({
//!     "when": "logicalExpression", "logicalExpression": "1 AND NOT 2",
//!     "list": [
//!         {"fieldId": "subject", "matchType": "contains", "value": "REFUND"},
//!         {"fieldId": "priority", "matchType": "is", "value": "low"}
//!     ]
//! })).unwrap();
//! let compiled = conditions.compile(&FieldSet::default()).unwrap();
//! let conv = Conversation { subject: "Refund please".into(), ..Default::default() };
//! assert_eq!(compiled.evaluate(&conv, &Context::default()), (true, vec![true, false]));
//! ```

mod fold;
mod match_type;
#[cfg(test)]
mod proptests;
mod source;
mod test;
#[cfg(test)]
mod tests;

pub use fold::{contains_folded, equals_folded, fold};
pub use match_type::{Kind, MatchType};
pub use source::{local_date, Source};
pub use test::{Check, Choice, DateOp, DateOperand, Order, Test};

use crate::expression::{self, Expr};
use crate::model::{Context, Conversation, FieldDef, FieldId, FieldSet, FieldValue};
use crate::{CoreError, CoreResult, ErrorDetail};
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;
use test::compile_test;

/// One condition as rules store it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub field_id: FieldId,
    pub match_type: MatchType,
    /// A string (numbers and booleans are read as text), or a list for a multi-valued `is`;
    /// `null`/absent means empty.
    #[serde(default)]
    pub value: Option<FieldValue>,
}

/// How the list's results combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum When {
    #[default]
    All,
    Any,
    LogicalExpression,
}

/// A rule's conditions. Deserializes from the object of SPEC §5.1 or from a bare array of
/// conditions (read as `when: all`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Conditions {
    pub when: When,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logical_expression: Option<String>,
    pub list: Vec<Condition>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConditionsObject {
    #[serde(default)]
    when: When,
    #[serde(default)]
    logical_expression: Option<String>,
    #[serde(default)]
    list: Vec<Condition>,
}

impl<'de> Deserialize<'de> for Conditions {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ConditionsVisitor;
        impl<'de> Visitor<'de> for ConditionsVisitor {
            type Value = Conditions;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a conditions object or an array of conditions")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Conditions, A::Error> {
                let list =
                    Vec::<Condition>::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(Conditions {
                    when: When::All,
                    logical_expression: None,
                    list,
                })
            }
            /// `null` is no conditions (as when the key is absent).
            fn visit_unit<E: de::Error>(self) -> Result<Conditions, E> {
                Ok(Conditions::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Conditions, A::Error> {
                let o = ConditionsObject::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Conditions {
                    when: o.when,
                    logical_expression: o.logical_expression,
                    list: o.list,
                })
            }
        }
        d.deserialize_any(ConditionsVisitor)
    }
}

/// How compiled results combine; an expression is parsed once at compile time.
#[derive(Debug, Clone, PartialEq)]
pub enum Combine {
    All,
    Any,
    Expression(Expr),
}

/// Conditions checked against the site's fields, ready to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub struct CompiledConditions {
    combine: Combine,
    checks: Vec<Check>,
}

impl Conditions {
    /// Checks every condition against `fields` (system fields are implied) and parses the
    /// logical expression. The error lists every fault, each detail naming its place relative
    /// to this object: `list[2].fieldId`, `list[0].matchType`, `list[1].value` (0-based, as in
    /// JSON paths), `logicalExpression` (with the character `position`). Callers nest it
    /// under their own key with [`CoreError::nested`].
    pub fn compile(&self, fields: &FieldSet) -> CoreResult<CompiledConditions> {
        let mut details = Vec::new();
        let mut checks = Vec::with_capacity(self.list.len());
        for (i, condition) in self.list.iter().enumerate() {
            match compile_one(condition, fields) {
                Ok(check) => checks.push(check),
                Err((key, message)) => {
                    details.push(ErrorDetail::new(format!("list[{i}].{key}"), message))
                }
            }
        }
        let combine = match self.when {
            When::All => Combine::All,
            When::Any => Combine::Any,
            When::LogicalExpression => match self.logical_expression.as_deref() {
                None => {
                    details.push(ErrorDetail::new(
                        "logicalExpression",
                        "is required when `when` is logicalExpression",
                    ));
                    Combine::All
                }
                Some(text) => match expression::parse_raw(text, self.list.len()) {
                    Ok(expr) => Combine::Expression(expr),
                    Err(e) => {
                        details.push(ErrorDetail::at("logicalExpression", e.position, e.message));
                        Combine::All
                    }
                },
            },
        };
        if details.is_empty() {
            Ok(CompiledConditions { combine, checks })
        } else {
            let summary: Vec<String> = details
                .iter()
                .map(|d| format!("{}: {}", d.field, d.message))
                .collect();
            Err(CoreError::invalid_fields(
                format!("invalid conditions: {}", summary.join("; ")),
                details,
            ))
        }
    }
}

/// The check for one condition, or the key at fault and why.
fn compile_one(condition: &Condition, fields: &FieldSet) -> Result<Check, (&'static str, String)> {
    let (source, def): (Source, Option<&FieldDef>) = match condition.field_id.system() {
        Some(system) => (Source::System(system), None),
        None => match fields.custom(&condition.field_id) {
            Some(def) => (Source::from_def(def), Some(def)),
            None => return Err(("fieldId", format!("unknown field `{}`", condition.field_id))),
        },
    };
    let kind = source.kind();
    if !kind.allowed().contains(&condition.match_type) {
        let allowed: Vec<&str> = kind.allowed().iter().map(|m| m.as_str()).collect();
        return Err((
            "matchType",
            format!(
                "`{}` does not apply to `{}`, {} field (use {})",
                condition.match_type,
                condition.field_id,
                kind.describe(),
                allowed.join(", ")
            ),
        ));
    }
    let test = compile_test(&source, def, condition.match_type, condition.value.as_ref())
        .map_err(|message| ("value", message))?;
    Ok(Check {
        source,
        test,
        negate: condition.match_type.is_negative(),
    })
}

impl CompiledConditions {
    /// Whether the conversation matches, and each condition's own result in list order.
    /// An empty list matches under `all` and does not under `any`.
    pub fn evaluate(&self, conv: &Conversation, ctx: &Context) -> (bool, Vec<bool>) {
        let results: Vec<bool> = self.checks.iter().map(|c| c.evaluate(conv, ctx)).collect();
        let matched = match &self.combine {
            Combine::All => results.iter().all(|r| *r),
            Combine::Any => results.iter().any(|r| *r),
            Combine::Expression(expr) => expr.eval(&results),
        };
        (matched, results)
    }

    /// Just the verdict; `all` and `any` stop at the first deciding condition.
    pub fn matches(&self, conv: &Conversation, ctx: &Context) -> bool {
        match &self.combine {
            Combine::All => self.checks.iter().all(|c| c.evaluate(conv, ctx)),
            Combine::Any => self.checks.iter().any(|c| c.evaluate(conv, ctx)),
            Combine::Expression(_) => self.evaluate(conv, ctx).0,
        }
    }

    /// The compiled checks in list order, so a store can translate them into its own query
    /// language and agree with [`Self::evaluate`].
    pub fn checks(&self) -> &[Check] {
        &self.checks
    }

    /// How the checks' results combine (for the same translation).
    pub fn combine(&self) -> &Combine {
        &self.combine
    }

    pub fn len(&self) -> usize {
        self.checks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.checks.is_empty()
    }
}

/// Arguments of `evaluateConditions` (SPEC §6).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EvaluateInput {
    pub conditions: Conditions,
    #[serde(default)]
    pub conversation: Conversation,
    #[serde(default)]
    pub fields: Vec<FieldDef>,
    #[serde(default)]
    pub context: Context,
}

#[derive(Debug, Serialize)]
pub struct EvaluateOutput {
    pub matched: bool,
    pub results: Vec<bool>,
}

/// The `evaluateConditions` eval function; compile errors name `conditions.…`.
pub fn evaluate_conditions(input: EvaluateInput) -> CoreResult<EvaluateOutput> {
    let compiled = input
        .conditions
        .compile(&FieldSet::new(input.fields))
        .map_err(|e| e.nested("conditions"))?;
    let (matched, results) = compiled.evaluate(&input.conversation, &input.context);
    Ok(EvaluateOutput { matched, results })
}
