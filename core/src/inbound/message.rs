//! The inbound message as the adapter hands it over (an email parsed by the adapter, or a
//! channel integration's normalized message), and what the rules read from it.

use crate::model::ConversationId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};

/// One message arriving at the site. For channels `externalMessageId` stands in for the
/// Message-ID and `from` is the `originalSenderId`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct InboundMessage {
    pub message_id: Option<String>,
    pub external_message_id: Option<String>,
    pub from: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
    pub in_reply_to: Option<String>,
    /// Message-IDs in header order (oldest first); an entry may hold several ids separated by
    /// whitespace, as the raw header does.
    pub references: Vec<String>,
    pub headers: Headers,
    pub date: Option<DateTime<Utc>>,
    pub text: Option<String>,
    pub html: Option<String>,
}

impl InboundMessage {
    /// The id redelivery is recognised by: the Message-ID, else the channel's external id.
    pub fn own_id(&self) -> Option<String> {
        self.message_id
            .as_deref()
            .or(self.external_message_id.as_deref())
            .map(normalize_message_id)
            .filter(|id| !id.is_empty())
    }

    /// The ids this message replies to, In-Reply-To first, then References newest first: the
    /// order in which threading tries them.
    pub fn referenced_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        let in_reply_to = self.in_reply_to_ids();
        let references = self
            .references
            .iter()
            .rev()
            .flat_map(|v| split_ids(v).into_iter().rev());
        for id in in_reply_to.into_iter().chain(references) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    }

    /// The ids of the In-Reply-To header (usually one).
    pub fn in_reply_to_ids(&self) -> Vec<String> {
        self.in_reply_to
            .as_deref()
            .map(split_ids)
            .unwrap_or_default()
    }

    /// Every Message-ID the adapter must look up for `knownMessages`: the message's own id and
    /// the ids it replies to.
    pub fn lookup_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.own_id().into_iter().collect();
        for id in self.referenced_ids() {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    }

    /// SPEC §5.4: an automatic message (out-of-office, bounce, list mail), to which the site
    /// never sends contact emails.
    pub fn is_auto_reply(&self) -> bool {
        self.headers.is_auto_reply()
    }
}

/// Header fields with case-insensitive names, in the order given. Accepts a JSON object
/// (`{"Precedence": "bulk"}`, a value may be an array for a repeated field) or a list of
/// `{name, value}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Headers(Vec<Header>);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub name: String,
    pub value: String,
}

impl Headers {
    pub fn new(headers: impl IntoIterator<Item = (String, String)>) -> Self {
        Headers(
            headers
                .into_iter()
                .map(|(name, value)| Header { name, value })
                .collect(),
        )
    }

    /// Every value of the field `name`, compared without regard to case.
    pub fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |h| h.name.trim().eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }

    pub fn contains(&self, name: &str) -> bool {
        self.values(name).next().is_some()
    }

    /// `Auto-Submitted` other than `no` (RFC 3834; parameters after `;` ignored), any
    /// `X-Autoreply`, or `Precedence: bulk|junk|list`.
    pub fn is_auto_reply(&self) -> bool {
        let auto_submitted = self.values("Auto-Submitted").any(|v| {
            let keyword = v.split(';').next().unwrap_or("").trim();
            !keyword.eq_ignore_ascii_case("no")
        });
        let precedence = self.values("Precedence").any(|v| {
            let v = v.trim();
            ["bulk", "junk", "list"]
                .iter()
                .any(|p| v.eq_ignore_ascii_case(p))
        });
        auto_submitted || self.contains("X-Autoreply") || precedence
    }
}

impl<'de> Deserialize<'de> for Headers {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            One(String),
            Many(Vec<String>),
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Shape {
            Map(std::collections::BTreeMap<String, OneOrMany>),
            List(Vec<Header>),
        }
        let headers = match Shape::deserialize(d).map_err(|_| {
            serde::de::Error::custom(
                "headers must be an object of name → value (or list of values), or a list of {name, value}",
            )
        })? {
            Shape::List(list) => list,
            Shape::Map(map) => map
                .into_iter()
                .flat_map(|(name, values)| {
                    let values = match values {
                        OneOrMany::One(v) => vec![v],
                        OneOrMany::Many(vs) => vs,
                    };
                    values.into_iter().map(move |value| Header {
                        name: name.clone(),
                        value,
                    })
                })
                .collect(),
        };
        Ok(Headers(headers))
    }
}

/// A Message-ID without its angle brackets and surrounding space, as stored and compared.
pub fn normalize_message_id(value: &str) -> String {
    let v = value.trim();
    let v = v.strip_prefix('<').unwrap_or(v);
    let v = v.strip_suffix('>').unwrap_or(v);
    v.trim().to_string()
}

/// The ids of a header value that may list several (`<a@x> <b@x>`), normalized.
fn split_ids(value: &str) -> Vec<String> {
    value
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(normalize_message_id)
        .filter(|id| !id.is_empty())
        .collect()
}

/// The conversation ids of the `[#<id>]` tokens in a subject, left to right, each once. A
/// token is `[#`, one or more ASCII digits, `]`; anything else (`[#12a]`, an id too large
/// for an i64) is not a token.
pub fn subject_tokens(subject: &str) -> Vec<ConversationId> {
    let mut ids = Vec::new();
    let mut rest = subject;
    while let Some(start) = rest.find("[#") {
        let after = &rest[start + 2..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 && after[digits..].starts_with(']') {
            if let Ok(id) = after[..digits].parse::<i64>() {
                let id = ConversationId(id);
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        rest = after;
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(json: &str) -> Headers {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn auto_reply_headers_per_spec() {
        assert!(!headers(r#"{}"#).is_auto_reply());
        assert!(!headers(r#"{"auto-submitted": "No"}"#).is_auto_reply());
        assert!(headers(r#"{"Auto-Submitted": "auto-replied"}"#).is_auto_reply());
        assert!(headers(r#"{"AUTO-SUBMITTED": "auto-generated; owner=x"}"#).is_auto_reply());
        assert!(headers(r#"{"x-autoreply": ""}"#).is_auto_reply());
        assert!(headers(r#"{"Precedence": " Bulk "}"#).is_auto_reply());
        assert!(headers(r#"[{"name":"precedence","value":"list"}]"#).is_auto_reply());
        assert!(headers(r#"{"Precedence": ["first-class", "junk"]}"#).is_auto_reply());
        assert!(!headers(r#"{"Precedence": "first-class"}"#).is_auto_reply());
        assert!(serde_json::from_str::<Headers>("3").is_err());
    }

    #[test]
    fn tokens_are_digits_in_brackets() {
        let ids = |s: &str| {
            subject_tokens(s)
                .into_iter()
                .map(|c| c.0)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids("Re: help [#42]"), [42]);
        assert_eq!(ids("[#1] and [#2] and [#1]"), [1, 2]);
        assert_eq!(
            ids("[#] [#x] [#12a] [# 3] #4 [#99999999999999999999]"),
            Vec::<i64>::new()
        );
        assert_eq!(ids("[#[#7]"), [7]);
        assert_eq!(ids("ünïcödé [#5]…"), [5]);
    }

    #[test]
    fn referenced_ids_in_reply_to_first_then_newest_reference() {
        let m = InboundMessage {
            message_id: Some(" <own@x> ".into()),
            in_reply_to: Some("<c@x>".into()),
            references: vec!["<a@x> <b@x>".into(), "<c@x>".into()],
            ..Default::default()
        };
        assert_eq!(m.own_id().as_deref(), Some("own@x"));
        assert_eq!(m.referenced_ids(), ["c@x", "b@x", "a@x"]);
        assert_eq!(m.lookup_ids(), ["own@x", "c@x", "b@x", "a@x"]);
    }

    #[test]
    fn external_id_stands_in_for_message_id() {
        let m = InboundMessage {
            external_message_id: Some("wa-123".into()),
            ..Default::default()
        };
        assert_eq!(m.own_id().as_deref(), Some("wa-123"));
        let blank = InboundMessage {
            message_id: Some("<>".into()),
            ..Default::default()
        };
        assert_eq!(blank.own_id(), None);
    }
}
