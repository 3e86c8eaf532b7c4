//! The logical-expression parser on arbitrary text: it must never panic, every error must
//! point inside the text, and every success must print a canonical form that parses back to
//! the same tree and the same text.
#![no_main]

use anytime_core::expression::{parse, parse_raw};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&count, text)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    let count = usize::from(count % 16);
    match parse_raw(text, count) {
        Ok(expr) => {
            assert!(expr.max_index() <= count && expr.max_index() >= 1);
            let canonical = expr.to_string();
            let again = parse(&canonical, count).expect("canonical form parses");
            assert_eq!(again, expr);
            assert_eq!(again.to_string(), canonical);
        }
        Err(e) => assert!(e.position <= text.chars().count()),
    }
});
