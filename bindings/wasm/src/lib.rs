//! The core for JavaScript: the module exports one entry point, `callJson(function, line)`,
//! which answers exactly what `anytime eval FUNCTION` prints (both go through
//! [`anytime_core::eval::call_line`]). The npm package builds every SPEC §6 function on it
//! (see `js/wrap.js`): JSON text across the boundary is faster than walking JS objects with
//! serde-wasm-bindgen, and leaving that second conversion path out keeps the module under
//! its size budget (docs/benchmarks.md). The wrapper also turns a Rust panic, which aborts
//! the wasm instance, into an `Error` with a `code`.

mod panic;

use wasm_bindgen::prelude::*;

/// Runs `function` on one line of JSON text and answers one line of JSON: the result or
/// `{"error":{…}}` — byte for byte what `anytime eval FUNCTION` prints.
#[wasm_bindgen(js_name = callJson)]
pub fn call_json(function: &str, line: &str) -> String {
    anytime_core::eval::call_line(function, line)
}

/// The core functions the package exposes, in SPEC §6 order (`js/wrap.js` lists the same).
pub const FUNCTIONS: &[&str] = &[
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

/// The names of the exported core functions, so a caller can list what this build offers.
#[wasm_bindgen(js_name = functionNames)]
pub fn function_names() -> Vec<String> {
    FUNCTIONS.iter().map(|f| (*f).to_string()).collect()
}

/// The message of the last panic, if any (read and cleared by the JS wrapper after a trap).
#[wasm_bindgen(js_name = takePanicMessage)]
pub fn take_panic_message() -> Option<String> {
    panic::take_message()
}

/// Runs once when the module is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    panic::install_hook();
}

#[cfg(test)]
mod tests {
    use super::FUNCTIONS;

    /// Every exported name must be one the core's entry point knows: a typo here would
    /// export a function that always fails with "unknown function".
    #[test]
    fn every_export_is_a_core_function() {
        for name in FUNCTIONS {
            let answer = anytime_core::eval::call_line(name, "{}");
            assert!(
                !answer.contains("unknown function"),
                "{name} is not a core function: {answer}"
            );
        }
        let answer = anytime_core::eval::call_line("noSuchFunction", "{}");
        assert!(answer.contains("unknown function"), "{answer}");
    }

    #[test]
    fn spec_table_is_covered() {
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
            assert!(FUNCTIONS.contains(&name), "{name} is not exported");
        }
    }
}
