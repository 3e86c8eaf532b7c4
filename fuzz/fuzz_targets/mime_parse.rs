//! The MIME parser on arbitrary bytes (what any stranger can send to a support address):
//! it must return a message or an error, never panic, and its HTML must stay sanitized; a
//! parsed message must also survive the core's threading and auto-reply reads.
#![no_main]

use anytime_mail::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(mut mail) = parse(data) {
        let m = &mail.message;
        let _ = m.lookup_ids();
        let _ = m.is_auto_reply();
        let _ = anytime_core::inbound::subject_tokens(&m.subject);
        assert!(!m.html.as_deref().unwrap_or_default().contains("<script"));
        mail.link_inline_images(|a| Some(format!("/a/{}", a.filename)));
    }
});
