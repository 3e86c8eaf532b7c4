//! Conditions (SPEC §5.1). TEMPORARY minimal matcher until the full module lands: supports
//! the `is`/`contains` pairs used by the routing and trigger tests.

use crate::model::{Context, Conversation, FieldId, FieldSet};
use crate::{CoreError, CoreResult};

#[derive(Debug, Clone)]
pub struct CompiledConditions {
    list: Vec<(String, String, String)>,
}

impl CompiledConditions {
    pub fn compile_value(value: &serde_json::Value, fields: &FieldSet) -> CoreResult<Self> {
        let list = match value {
            serde_json::Value::Null => return Ok(Self { list: vec![] }),
            serde_json::Value::Array(a) => a.clone(),
            other => other["list"].as_array().cloned().unwrap_or_default(),
        };
        let mut out = Vec::new();
        for (i, c) in list.iter().enumerate() {
            let field = c["fieldId"].as_str().unwrap_or_default().to_string();
            let mt = c["matchType"].as_str().unwrap_or_default().to_string();
            let v = c["value"].as_str().unwrap_or_default().to_string();
            let known = ["subject", "status", "priority"].contains(&field.as_str())
                || fields.custom(&FieldId::new(&field)).is_some();
            if !known {
                return Err(CoreError::invalid(
                    format!("conditions.list[{i}].fieldId"),
                    "unknown field",
                ));
            }
            if !["is", "contains"].contains(&mt.as_str()) {
                return Err(CoreError::invalid(
                    format!("conditions.list[{i}].matchType"),
                    "bad pair",
                ));
            }
            out.push((field, mt, v));
        }
        Ok(Self { list: out })
    }

    pub fn matches(&self, conv: &Conversation, _ctx: &Context) -> bool {
        self.list.iter().all(|(f, mt, v)| {
            let actual = match f.as_str() {
                "subject" => conv.subject.clone(),
                "status" => conv.status.to_string(),
                "priority" => conv.priority.to_string(),
                other => match conv.custom_field(&FieldId::new(other)) {
                    Some(crate::model::FieldValue::Text(t)) => t.clone(),
                    _ => String::new(),
                },
            };
            let (a, v) = (actual.to_lowercase(), v.to_lowercase());
            if mt == "is" {
                a == v
            } else {
                a.contains(&v)
            }
        })
    }
}
