//! The object path: JS value ⇄ `serde_json::Value` with serde-wasm-bindgen ⇄
//! [`anytime_core::eval::call`]. Results and error details become plain objects and arrays
//! (`Serializer::json_compatible()`), so `JSON.stringify` of an answer is the line
//! `anytime eval` prints. Numbers are read as the core would read `JSON.stringify`'s text of
//! them and written as `JSON.parse` reads the core's text, so both paths agree.

use anytime_core::{eval, CoreError};
use serde::ser::{Serialize, Serializer};
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};

/// Converts `input`, runs `function` in the core and converts the answer back; every failure
/// (input that is not JSON-like, a core error) becomes a thrown `Error` with `code` and
/// `details`.
pub fn call(function: &str, input: JsValue) -> Result<JsValue, JsValue> {
    let answer = serde_wasm_bindgen::from_value::<Value>(input)
        .map_err(|e| CoreError::invalid("input", format!("not a JSON-compatible value: {e}")))
        .and_then(|mut value| {
            integers_as_json_text_reads(&mut value);
            eval::call(function, value)
        });
    match answer {
        Ok(value) => {
            to_js(&value).map_err(|e| error_value(&CoreError::invalid("result", e.to_string())))
        }
        Err(e) => Err(error_value(&e)),
    }
}

/// serde-wasm-bindgen reads a JS number beyond ±(2^53 − 1) as an `f64` even when it is an
/// integer, but `JSON.stringify` writes an integral number below 1e21 as digits (its shortest
/// round-trip digits padded with zeros: `2 ** 60` is `1152921504606847000`), which serde_json
/// — so `callJson` and `anytime eval` — reads as an integer when it fits `u64`/`i64`. Read
/// such numbers the same way here (Rust's `Display` of an `f64` writes the same digits).
fn integers_as_json_text_reads(value: &mut Value) {
    match value {
        Value::Number(n) => {
            if let Some(x) = n.as_f64().filter(|x| n.is_f64() && x.fract() == 0.0) {
                if x.abs() < 1e21 {
                    let digits = x.to_string();
                    if let Ok(u) = digits.parse::<u64>() {
                        *n = u.into();
                    } else if let Ok(i) = digits.parse::<i64>() {
                        *n = i.into();
                    }
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integers_as_json_text_reads),
        Value::Object(map) => map.values_mut().for_each(integers_as_json_text_reads),
        Value::Null | Value::Bool(_) | Value::String(_) => {}
    }
}

/// `value` as a plain JS value.
fn to_js(value: &Value) -> Result<JsValue, serde_wasm_bindgen::Error> {
    JsonLike(value).serialize(&serde_wasm_bindgen::Serializer::json_compatible())
}

/// An `Error` whose message, `code` and `details` are those of `{"error":{…}}` in
/// `anytime eval` (the details built from the same JSON as `CoreError::to_json`).
pub fn error_value(e: &CoreError) -> JsValue {
    let body = e.to_json();
    let error = js_sys::Error::new(&e.to_string());
    error.set_name("AnytimeError");
    let details = to_js(&body["error"]["details"]).unwrap_or_else(|_| js_sys::Array::new().into());
    // Setting a property on a fresh Error cannot fail; the Results are ignored rather than
    // unwrapped, so nothing here can panic across the boundary.
    let target: &JsValue = error.unchecked_ref();
    let _ = js_sys::Reflect::set(target, &"code".into(), &e.code().into());
    let _ = js_sys::Reflect::set(target, &"details".into(), &details);
    error.into()
}

/// Serializes a `Value` with every number as an `f64`: the JS number `JSON.parse` gives for
/// the same text (serde-wasm-bindgen would refuse integers beyond ±2^53 instead).
struct JsonLike<'a>(&'a Value);

impl Serialize for JsonLike<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(n) => s.serialize_f64(n.as_f64().unwrap_or(f64::NAN)),
            Value::String(text) => s.serialize_str(text),
            Value::Array(items) => s.collect_seq(items.iter().map(JsonLike)),
            Value::Object(map) => s.collect_map(map.iter().map(|(k, v)| (k, JsonLike(v)))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::integers_as_json_text_reads;
    use serde_json::{json, Value};

    /// Each number as serde-wasm-bindgen hands it over, and as serde_json reads
    /// `JSON.stringify` of the same JS number.
    #[test]
    fn numbers_read_as_json_text_would_be() {
        let two_60 = 1_152_921_504_606_846_976_f64;
        let mut value = json!({
            "big": two_60,
            "negative": [-two_60],
            "max": 2f64.powi(64),
            "huge": 1e21,
            "half": 1.5,
            "small": 7,
        });
        integers_as_json_text_reads(&mut value);
        let expected: Value = serde_json::from_str(
            r#"{"big":1152921504606847000,"negative":[-1152921504606847000],
                "max":18446744073709552000,"huge":1e21,"half":1.5,"small":7}"#,
        )
        .unwrap();
        assert_eq!(value, expected);
        assert!(value["big"].is_u64() && value["negative"][0].is_i64());
        assert!(value["max"].is_f64() && value["huge"].is_f64());
    }
}
