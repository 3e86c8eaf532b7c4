//! The core for JavaScript: every SPEC §6 function under its own name, each taking one plain
//! object and returning one plain object — the same JSON `anytime eval` reads and prints,
//! because both go through [`anytime_core::eval::call`].
//!
//! The npm package wraps these raw exports (see `js/wrap.js`) so that a Rust panic, which
//! aborts the wasm instance, still reaches the caller as an `Error` with a `code`.

mod convert;
mod panic;

use wasm_bindgen::prelude::*;

/// Runs any core function by name: the escape hatch for functions added to the core after this
/// package was written, and what the conformance tests use.
#[wasm_bindgen]
pub fn call(function: &str, input: JsValue) -> Result<JsValue, JsValue> {
    convert::call(function, input)
}

/// Runs `function` on one line of JSON text and answers one line of JSON: the result or
/// `{"error":{…}}` — byte for byte what `anytime eval FUNCTION` prints. Also the fast path:
/// one string each way instead of walking the object across the boundary.
#[wasm_bindgen(js_name = callJson)]
pub fn call_json(function: &str, line: &str) -> String {
    anytime_core::eval::call_line(function, line)
}

/// One export per SPEC §6 function; the JS name is the core's function name.
macro_rules! exports {
    ($($rust:ident => $js:ident),* $(,)?) => {
        $(
            #[doc = concat!("`", stringify!($js), "` of SPEC §6.")]
            #[wasm_bindgen(js_name = $js)]
            pub fn $rust(input: JsValue) -> Result<JsValue, JsValue> {
                convert::call(stringify!($js), input)
            }
        )*

        /// The function names exported above, in SPEC §6 order.
        pub const FUNCTIONS: &[&str] = &[$(stringify!($js)),*];
    };
}

exports! {
    add_business_time => addBusinessTime,
    business_time_between => businessTimeBetween,
    parse_logical_expression => parseLogicalExpression,
    evaluate_conditions => evaluateConditions,
    validate_fields => validateFields,
    compute_sla => computeSla,
    route => route,
    allocate => allocate,
    allocate_waiting => allocateWaiting,
    run_triggers => runTriggers,
    process_inbound => processInbound,
    apply_command => applyCommand,
    admit_conversation => admitConversation,
}

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
