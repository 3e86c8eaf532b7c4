//! Trigger email templates (SPEC §5.4): text with `{{name}}` placeholders from a fixed list.
//! Templates are checked when a trigger is saved, so rendering never meets an unknown name.

use crate::{CoreError, CoreResult, ErrorDetail};
use serde::Serialize;

/// Every placeholder a template may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Placeholder {
    ConversationId,
    ConversationSubject,
    ConversationStatus,
    ConversationPriority,
    ConversationLink,
    ContactName,
    ContactEmail,
    AgentName,
    MessagePlainBody,
    SiteName,
}

impl Placeholder {
    pub const ALL: [Placeholder; 10] = [
        Placeholder::ConversationId,
        Placeholder::ConversationSubject,
        Placeholder::ConversationStatus,
        Placeholder::ConversationPriority,
        Placeholder::ConversationLink,
        Placeholder::ContactName,
        Placeholder::ContactEmail,
        Placeholder::AgentName,
        Placeholder::MessagePlainBody,
        Placeholder::SiteName,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Placeholder::ConversationId => "conversation.id",
            Placeholder::ConversationSubject => "conversation.subject",
            Placeholder::ConversationStatus => "conversation.status",
            Placeholder::ConversationPriority => "conversation.priority",
            Placeholder::ConversationLink => "conversation.link",
            Placeholder::ContactName => "contact.name",
            Placeholder::ContactEmail => "contact.email",
            Placeholder::AgentName => "agent.name",
            Placeholder::MessagePlainBody => "message.plainBody",
            Placeholder::SiteName => "site.name",
        }
    }

    /// Names are matched exactly, after trimming the spaces inside the braces.
    fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name.trim())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Text(String),
    Value(Placeholder),
}

/// A parsed template. A `{{` without a closing `}}` is plain text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Template {
    segments: Vec<Segment>,
}

impl Template {
    /// Parses `text`; an unknown placeholder is an error naming `field` and the 0-based
    /// character position of its `{{`.
    pub fn parse(field: &str, text: &str) -> CoreResult<Self> {
        let mut segments = Vec::new();
        let mut rest = text;
        let mut offset = 0; // characters consumed so far
        while let Some(open) = rest.find("{{") {
            let after = &rest[open + 2..];
            let Some(close) = after.find("}}") else {
                break;
            };
            let name = &after[..close];
            let position = offset + rest[..open].chars().count();
            let placeholder = Placeholder::parse(name).ok_or_else(|| {
                CoreError::invalid_fields(
                    format!("unknown placeholder in {field}"),
                    vec![ErrorDetail::at(
                        field,
                        position,
                        format!("unknown placeholder `{{{{{}}}}}`", name.trim()),
                    )],
                )
            })?;
            if open > 0 {
                segments.push(Segment::Text(rest[..open].to_string()));
            }
            segments.push(Segment::Value(placeholder));
            let consumed = open + 2 + close + 2;
            offset += rest[..consumed].chars().count();
            rest = &rest[consumed..];
        }
        if !rest.is_empty() {
            segments.push(Segment::Text(rest.to_string()));
        }
        Ok(Template { segments })
    }

    /// Fills the placeholders; with `html`, values are escaped so a subject such as
    /// `<script>` cannot inject markup into an email body.
    pub fn render(&self, values: &dyn Fn(Placeholder) -> String, html: bool) -> String {
        let mut out = String::new();
        for segment in &self.segments {
            match segment {
                Segment::Text(text) => out.push_str(text),
                Segment::Value(p) if html => escape_html(&values(*p), &mut out),
                Segment::Value(p) => out.push_str(&values(*p)),
            }
        }
        out
    }
}

fn escape_html(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(p: Placeholder) -> String {
        match p {
            Placeholder::ConversationSubject => "<b>Help</b> & co".into(),
            other => format!("[{}]", other.name()),
        }
    }

    #[test]
    fn renders_known_placeholders_with_spaces_inside_braces() {
        let t = Template::parse(
            "subject",
            "Re: {{ conversation.subject }} #{{conversation.id}}",
        )
        .unwrap();
        assert_eq!(
            t.render(&values, false),
            "Re: <b>Help</b> & co #[conversation.id]"
        );
        assert_eq!(
            t.render(&values, true),
            "Re: &lt;b&gt;Help&lt;/b&gt; &amp; co #[conversation.id]"
        );
    }

    #[test]
    fn unknown_placeholder_is_named_with_its_position() {
        let err = Template::parse("htmlText", "héllo {{contact.phone}}").unwrap_err();
        let json = err.to_json();
        assert_eq!(json["error"]["details"][0]["field"], "htmlText");
        assert_eq!(json["error"]["details"][0]["position"], 6);
        assert!(json["error"]["details"][0]["message"]
            .as_str()
            .unwrap()
            .contains("{{contact.phone}}"));
    }

    #[test]
    fn unclosed_braces_are_text() {
        let t = Template::parse("subject", "a {{ b").unwrap();
        assert_eq!(t.render(&values, false), "a {{ b");
    }

    #[test]
    fn every_placeholder_round_trips() {
        for p in Placeholder::ALL {
            let t = Template::parse("x", &format!("{{{{{}}}}}", p.name())).unwrap();
            assert_eq!(t.render(&values, false), values(p));
        }
    }
}
