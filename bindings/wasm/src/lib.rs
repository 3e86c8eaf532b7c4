//! The core for JavaScript (SPEC §6): every function of `anytime eval`, with the same
//! argument and result objects, both going through [`anytime_core::eval`]. The module has two
//! entry points; the npm package (`js/wrap.js`) builds its API on them:
//!
//! * `call(function, input)` — the object path: the argument object is read with
//!   serde-wasm-bindgen into a `serde_json::Value`, the result (or the error's `details`) is
//!   written back as plain objects with `Serializer::json_compatible()`, and a core error is
//!   thrown as an `Error` with `code` and `details` built here (`convert.rs`). The package's
//!   generic `call(name, input)` uses it.
//! * `callJson(function, line)` — the fast path: one line of JSON text each way, answering
//!   byte for byte what `anytime eval FUNCTION` prints. The 13 named package functions use it
//!   (`JSON.stringify` → `callJson` → `JSON.parse`): walking an object across the boundary
//!   one property at a time is slower than one string each way, and the named functions carry
//!   the 3×-native speed budget (docs/benchmarks.md, docs/decisions.md).
//!
//! Both paths give the same answers (the Node tests run every vector through both). Panics
//! abort a wasm instance, so they cannot become a `Result` here; the wrapper turns the trap
//! into an `Error` with code `internal` (`panic.rs`). The core never panics on any input.

mod convert;
mod panic;

use wasm_bindgen::prelude::*;

/// Runs any core function by name on a JS object and answers a plain JS object; a core error
/// (or an argument that is not JSON-like) is thrown as an `Error` with `code` and `details`.
#[wasm_bindgen]
pub fn call(function: &str, input: JsValue) -> Result<JsValue, JsValue> {
    convert::call(function, input)
}

/// Runs `function` on one line of JSON text and answers one line of JSON: the result or
/// `{"error":{…}}` — byte for byte what `anytime eval FUNCTION` prints.
#[wasm_bindgen(js_name = callJson)]
pub fn call_json(function: &str, line: &str) -> String {
    anytime_core::eval::call_line(function, line)
}

/// The names of the exported core functions, so a caller can list what this build offers.
#[wasm_bindgen(js_name = functionNames)]
pub fn function_names() -> Vec<String> {
    anytime_core::eval::functions()
        .map(str::to_string)
        .collect()
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
