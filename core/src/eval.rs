//! The JSON entry point shared by `anytime eval`, the wasm package and the test vectors:
//! one function name and one argument object in, one result object out (SPEC §6).

use crate::{CoreError, CoreResult};
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

/// The names `call` answers, in SPEC §6 order (then this project's extensions): the list the
/// wasm package and the fuzz target enumerate. A test checks each against `call`.
const FUNCTIONS: &[&str] = &[
    "addBusinessTime",
    "businessTimeBetween",
    "parseLogicalExpression",
    "evaluateConditions",
    "validateFields",
    "computeSla",
    "route",
    "allocate",
    "allocateWaiting",
    "runTriggers",
    "processInbound",
    "applyCommand",
    "admitConversation",
];

/// The names `call` answers, in SPEC §6 order.
pub fn functions() -> impl Iterator<Item = &'static str> {
    FUNCTIONS.iter().copied()
}

/// Runs `function` on `input` (an object whose keys are the function's arguments; keys the
/// function does not use are ignored). A `match` rather than a table of function pointers:
/// the table made the wasm module 7 KB gzip larger.
pub fn call(function: &str, input: Value) -> CoreResult<Value> {
    match function {
        "validateFields" => run(input, |args| {
            Ok(crate::field_validation::validate_fields(args))
        }),
        "parseLogicalExpression" => run(input, crate::expression::parse_logical_expression),
        "evaluateConditions" => run(input, crate::condition::evaluate_conditions),
        "applyCommand" => run(input, crate::conversation::apply_command_input),
        "addBusinessTime" => run(input, crate::business_hours::add_business_time),
        "businessTimeBetween" => run(input, crate::business_hours::business_time_between),
        "computeSla" => run(input, crate::sla::compute_sla_json),
        // An extension beyond SPEC §6: the whole new-conversation pipeline of §5.9.
        "admitConversation" => run(input, crate::intake::admit_json),
        "route" => run(input, crate::routing::route_json),
        "runTriggers" => run(input, crate::trigger::run_triggers_json),
        "allocate" => run(input, |a| Ok(crate::allocation::api::allocate_json(a))),
        // An extension beyond SPEC §6: the waiting queue of §5.3.
        "allocateWaiting" => run(input, |a| {
            Ok(crate::allocation::api::allocate_waiting_json(a))
        }),
        "processInbound" => run(input, crate::inbound::api::process_inbound_json),
        _ => Err(CoreError::invalid(
            "function",
            format!("unknown function `{function}`"),
        )),
    }
}

/// Like [`call`] on one line of JSON text, always answering one line of JSON: the result or
/// `{"error":{…}}`. This is exactly what `anytime eval` prints and the vectors expect.
pub fn call_line(function: &str, line: &str) -> String {
    let result = serde_json::from_str::<Value>(line)
        .map_err(|e| CoreError::invalid("input", format!("not valid JSON: {e}")))
        .and_then(|input| call(function, input));
    match result {
        Ok(value) => value.to_string(),
        Err(e) => e.to_json().to_string(),
    }
}

/// Deserializes the arguments (errors name the argument path), runs `f`, serializes the result.
fn run<A: DeserializeOwned, R: Serialize>(
    input: Value,
    f: impl FnOnce(A) -> CoreResult<R>,
) -> CoreResult<Value> {
    if !input.is_object() {
        return Err(CoreError::invalid(
            "input",
            "must be a JSON object of named arguments",
        ));
    }
    let args: A = serde_path_to_error::deserialize(input).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." {
            "input".to_string()
        } else {
            path
        };
        CoreError::invalid(field, e.into_inner().to_string())
    })?;
    let result = f(args)?;
    serde_json::to_value(result).map_err(|e| CoreError::invalid("result", e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spec_function_is_listed_once_and_unknown_names_are_refused() {
        let listed: Vec<&str> = functions().collect();
        for name in [
            "addBusinessTime",
            "businessTimeBetween",
            "parseLogicalExpression",
            "evaluateConditions",
            "validateFields",
            "computeSla",
            "route",
            "allocate",
            "runTriggers",
            "processInbound",
            "applyCommand",
        ] {
            assert_eq!(
                listed.iter().filter(|n| **n == name).count(),
                1,
                "{name} in {listed:?}"
            );
        }
        assert_eq!(listed.len(), 13, "{listed:?}");
        // Each listed name is one `call` dispatches (a typo would export a function that
        // always fails with "unknown function").
        for name in &listed {
            let answer = call_line(name, "{}");
            assert!(!answer.contains("unknown function"), "{name}: {answer}");
        }
        let answer = call_line("noSuchFunction", "{}");
        assert!(answer.contains("unknown function"), "{answer}");
    }
}
