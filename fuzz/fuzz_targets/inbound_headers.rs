//! The inbound parsers on arbitrary text: `[#id]` subject tokens, Message-ID normalisation and
//! the reply subject. They must never panic; a token found must appear in the subject, and
//! the reply subject must be idempotent.
#![no_main]

use anytime_core::inbound::{normalize_message_id, reply_subject, subject_tokens};
use anytime_core::model::ConversationId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for id in subject_tokens(text) {
        assert!(id.0 >= 0 && text.contains('#'));
    }
    let _ = normalize_message_id(text);
    let once = reply_subject(text, ConversationId(42));
    assert_eq!(reply_subject(&once, ConversationId(42)), once);
});
