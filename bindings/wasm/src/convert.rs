//! JS value ⇄ `serde_json::Value` ⇄ core. Results become plain objects (not `Map`s) so that
//! `JSON.stringify` of a result is the line `anytime eval` prints.

use anytime_core::{eval, CoreError};
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};

/// Converts `input`, runs `function` in the core and converts the answer back; a core error
/// becomes a thrown `Error` carrying `code` and `details`.
pub fn call(function: &str, input: JsValue) -> Result<JsValue, JsValue> {
    let answer = serde_wasm_bindgen::from_value::<Value>(input)
        .map_err(|e| CoreError::invalid("input", format!("not a JSON-compatible value: {e}")))
        .and_then(|value| eval::call(function, value));
    match answer {
        Ok(value) => to_js(&value).map_err(|e| error_value(&result_error(e))),
        Err(e) => Err(error_value(&e)),
    }
}

fn result_error(e: serde_wasm_bindgen::Error) -> CoreError {
    CoreError::invalid("result", e.to_string())
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, serde_wasm_bindgen::Error> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
}

/// An `Error` whose message, `code` and `details` are those of `{"error":{…}}` in `anytime eval`.
pub fn error_value(e: &CoreError) -> JsValue {
    let error = js_sys::Error::new(&e.to_string());
    error.set_name("AnytimeError");
    let details = to_js(e.details()).unwrap_or_else(|_| js_sys::Array::new().into());
    // Setting a property on a fresh Error object cannot fail; ignore the Result anyway
    // rather than panic across the boundary.
    let target: &JsValue = error.unchecked_ref();
    let _ = js_sys::Reflect::set(target, &"code".into(), &e.code().into());
    let _ = js_sys::Reflect::set(target, &"details".into(), &details);
    error.into()
}
