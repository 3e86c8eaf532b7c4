//! Every `anytime eval` function on arbitrary input lines: the JSON entry point (which holds
//! every request parser of the core: working time, conditions, triggers, commands …) must
//! answer each line with a result or an error object, never a panic.
#![no_main]

use anytime_core::eval::{call_line, functions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, line)) = data.split_first() else {
        return;
    };
    let Ok(line) = std::str::from_utf8(line) else {
        return;
    };
    // Every function, and two names it must refuse.
    let names: Vec<&str> = functions().chain(["nope", ""]).collect();
    let function = names[usize::from(which) % names.len()];
    let out = call_line(function, line);
    assert!(serde_json_looks_like_object(&out), "{out}");
});

fn serde_json_looks_like_object(s: &str) -> bool {
    s.starts_with('{') && s.ends_with('}')
}
