//! Outgoing agent emails (SPEC §5.9): the headers that make the contact's answer thread back
//! into the conversation, and the layout template every email is wrapped in (§4.10).

use super::address::domain_problem;
use super::message::normalize_message_id;
use crate::model::{ConversationId, MessageId, SiteId};
use crate::CoreError;
use serde::{Deserialize, Serialize};

/// How many ids `References` keeps: the thread's first message plus the most recent ones, so
/// the header stays bounded on long threads and clients still find the root.
pub const MAX_REFERENCES: usize = 20;

/// What the reply headers are built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplyInput {
    pub site_id: SiteId,
    pub conversation_id: ConversationId,
    /// The outgoing message's own id (unique per site).
    pub message_id: MessageId,
    /// The domain of the sending account, for the right-hand side of the Message-ID.
    pub domain: String,
    pub subject: String,
    /// The Message-ID of the contact's last message in the conversation.
    #[serde(default)]
    pub last_contact_message_id: Option<String>,
    /// That message's References, oldest first.
    #[serde(default)]
    pub previous_references: Vec<String>,
}

/// Header values with angle brackets, ready to be written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplyHeaders {
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub subject: String,
}

impl ReplyHeaders {
    /// The References header value (ids separated by spaces); `None` when there are none.
    pub fn references_header(&self) -> Option<String> {
        (!self.references.is_empty()).then(|| self.references.join(" "))
    }
}

/// Message-ID `<anytime.<conversation>.<message>.<site>@<domain>>` (unique because message
/// ids are unique per site), In-Reply-To the contact's last message, References its
/// References plus that message, and the subject with `Re:` and the `[#id]` token.
pub fn reply_headers(input: &ReplyInput) -> Result<ReplyHeaders, CoreError> {
    let domain = input.domain.trim().trim_end_matches('.').to_lowercase();
    if let Some(problem) = domain_problem(&domain) {
        return Err(CoreError::invalid("domain", problem));
    }
    let message_id = format!(
        "<anytime.{}.{}.{}@{domain}>",
        input.conversation_id.0,
        input.message_id.0,
        input.site_id.0.simple()
    );
    let in_reply_to = input
        .last_contact_message_id
        .as_deref()
        .map(normalize_message_id)
        .filter(|id| !id.is_empty());
    let mut references: Vec<String> = Vec::new();
    let previous = input
        .previous_references
        .iter()
        .flat_map(|v| v.split(|c: char| c.is_whitespace() || c == ','))
        .map(normalize_message_id);
    for id in previous.chain(in_reply_to.clone()) {
        if id.is_empty() {
            continue;
        }
        // A repeated id moves to its latest position.
        references.retain(|r| r != &id);
        references.push(id);
    }
    if references.len() > MAX_REFERENCES {
        let drop = references.len() - MAX_REFERENCES;
        references.drain(1..=drop);
    }
    Ok(ReplyHeaders {
        message_id,
        in_reply_to: in_reply_to.map(|id| format!("<{id}>")),
        references: references.into_iter().map(|id| format!("<{id}>")).collect(),
        subject: reply_subject(&input.subject, input.conversation_id),
    })
}

/// `Re: <subject> [#<id>]`, whatever `Re:` prefixes and tokens for this conversation the
/// subject already has; applying it twice changes nothing.
pub fn reply_subject(subject: &str, conversation_id: ConversationId) -> String {
    let token = format!("[#{}]", conversation_id.0);
    let without_token = subject.replace(&token, " ");
    let mut rest = without_token.trim();
    loop {
        let stripped = strip_re(rest);
        if stripped.len() == rest.len() {
            break;
        }
        rest = stripped;
    }
    let rest = rest.split_whitespace().collect::<Vec<_>>().join(" ");
    if rest.is_empty() {
        format!("Re: {token}")
    } else {
        format!("Re: {rest} {token}")
    }
}

/// `rest` without one leading `Re:` (any case, optional space before the colon).
fn strip_re(rest: &str) -> &str {
    let bytes = rest.as_bytes();
    if bytes.len() >= 2 && bytes[..2].eq_ignore_ascii_case(b"re") {
        let after = rest[2..].trim_start();
        if let Some(after) = after.strip_prefix(':') {
            return after.trim_start();
        }
    }
    rest
}

/// The placeholder a layout template must contain.
pub const CONTENT_PLACEHOLDER: &str = "#{content}";

/// HTML every outgoing email is wrapped in; it always contains [`CONTENT_PLACEHOLDER`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct LayoutTemplate(String);

impl LayoutTemplate {
    /// Rejects a template without `#{content}` (the 400 when the email settings are saved).
    pub fn parse(html: &str) -> Result<Self, CoreError> {
        if html.contains(CONTENT_PLACEHOLDER) {
            Ok(Self(html.to_string()))
        } else {
            Err(CoreError::invalid(
                "layoutTemplate",
                format!("must contain {CONTENT_PLACEHOLDER}, where each email's body goes"),
            ))
        }
    }

    /// The template with every `#{content}` replaced by `content`; the content itself is not
    /// scanned for placeholders.
    pub fn wrap(&self, content: &str) -> String {
        self.0.replace(CONTENT_PLACEHOLDER, content)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for LayoutTemplate {
    fn default() -> Self {
        Self(CONTENT_PLACEHOLDER.to_string())
    }
}

impl<'de> Deserialize<'de> for LayoutTemplate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let html = String::deserialize(d)?;
        LayoutTemplate::parse(&html).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use uuid::Uuid;

    fn input() -> ReplyInput {
        ReplyInput {
            site_id: SiteId(Uuid::from_u128(0xab)),
            conversation_id: ConversationId(42),
            message_id: MessageId(7),
            domain: "Mail.Example.com".into(),
            subject: "Printer on fire".into(),
            last_contact_message_id: Some("<c2@contact.org>".into()),
            previous_references: vec![
                "<c1@contact.org>".into(),
                "<anytime.42.3.x@mail.example.com>".into(),
            ],
        }
    }

    #[test]
    fn headers_thread_back() {
        let h = reply_headers(&input()).unwrap();
        assert_eq!(
            h.message_id,
            "<anytime.42.7.000000000000000000000000000000ab@mail.example.com>"
        );
        assert_eq!(h.in_reply_to.as_deref(), Some("<c2@contact.org>"));
        assert_eq!(
            h.references_header().as_deref(),
            Some("<c1@contact.org> <anytime.42.3.x@mail.example.com> <c2@contact.org>")
        );
        assert_eq!(h.subject, "Re: Printer on fire [#42]");
    }

    #[test]
    fn first_reply_has_no_thread_headers_and_bad_domain_is_named() {
        let mut i = input();
        i.last_contact_message_id = None;
        i.previous_references.clear();
        let h = reply_headers(&i).unwrap();
        assert_eq!(h.in_reply_to, None);
        assert_eq!(h.references_header(), None);
        i.domain = "not a domain".into();
        assert_eq!(reply_headers(&i).unwrap_err().details()[0].field, "domain");
    }

    #[test]
    fn references_keep_the_root_and_the_latest() {
        let mut i = input();
        i.previous_references = (0..30).map(|n| format!("<r{n}@x>")).collect();
        i.last_contact_message_id = Some("<r5@x>".into());
        let refs = reply_headers(&i).unwrap().references;
        assert_eq!(refs.len(), MAX_REFERENCES);
        assert_eq!(refs[0], "<r0@x>");
        assert_eq!(refs[1], "<r12@x>");
        assert_eq!(refs[MAX_REFERENCES - 1], "<r5@x>");
    }

    #[test]
    fn subjects_are_not_doubled() {
        let c = ConversationId(42);
        assert_eq!(reply_subject("Hello", c), "Re: Hello [#42]");
        assert_eq!(reply_subject("RE: re : Hello [#42]", c), "Re: Hello [#42]");
        assert_eq!(reply_subject("[#42] Hello", c), "Re: Hello [#42]");
        assert_eq!(reply_subject("Hello [#7]", c), "Re: Hello [#7] [#42]");
        assert_eq!(reply_subject("", c), "Re: [#42]");
        assert_eq!(
            reply_subject("Regarding bills", c),
            "Re: Regarding bills [#42]"
        );
    }

    #[test]
    fn layout_needs_the_placeholder() {
        let t = LayoutTemplate::parse("<div>#{content}</div><p>#{content}</p>").unwrap();
        assert_eq!(
            t.wrap("x #{content}"),
            "<div>x #{content}</div><p>x #{content}</p>"
        );
        let err = LayoutTemplate::parse("<div>{content}</div>").unwrap_err();
        assert_eq!(err.details()[0].field, "layoutTemplate");
        assert!(serde_json::from_str::<LayoutTemplate>(r#""<b></b>""#).is_err());
        assert_eq!(LayoutTemplate::default().wrap("hi"), "hi");
    }

    proptest! {
        #[test]
        fn reply_subject_is_idempotent(s in "\\PC{0,40}", id in 0i64..1000) {
            let c = ConversationId(id);
            let once = reply_subject(&s, c);
            prop_assert_eq!(reply_subject(&once, c), once.clone());
            prop_assert!(once.starts_with("Re: "));
            prop_assert_eq!(once.matches(&format!("[#{id}]")).count(), 1);
        }
    }
}
