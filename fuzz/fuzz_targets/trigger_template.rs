//! Trigger email templates on arbitrary text: parsing never panics, an error points inside
//! the text, and rendering a parsed template never panics.
#![no_main]

use anytime_core::trigger::{Placeholder, Template};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Template::parse("subject", text) {
        Ok(t) => {
            let values = |p: Placeholder| p.name().to_string();
            let _ = t.render(&values, true);
            let _ = t.render(&values, false);
        }
        Err(e) => {
            let position = e.details()[0].position.unwrap_or(0);
            assert!(position <= text.chars().count());
        }
    }
});
