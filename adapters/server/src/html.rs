//! HTML bodies are sanitized with one allow-list before storage (SPEC §4.1): no script,
//! style, iframe, object, embed or form, no event handlers, no `javascript:` URLs. The policy
//! lives in the mail adapter (`anytime_mail::html`) so mail and API messages share it.

pub use anytime_mail::html::sanitize;

/// `text` made safe to put in HTML text or a quoted attribute value.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_scripts_handlers_and_javascript_urls() {
        let out = sanitize(
            r#"<p onclick="x()">hi<script>alert(1)</script><img src=x onerror=alert(1)><a href="javascript:alert(1)">l</a></p>"#,
        );
        assert!(!out.contains("script"), "{out}");
        assert!(!out.contains("onerror"), "{out}");
        assert!(!out.contains("onclick"), "{out}");
        assert!(!out.contains("javascript:"), "{out}");
        assert!(out.contains("hi"));
    }

    #[test]
    fn keeps_mentions() {
        let out = sanitize(
            r#"<span data-id="5f0c6f5e-0000-4000-8000-000000000001" class="athighlight">@Ann</span>"#,
        );
        assert!(
            out.contains(r#"data-id="5f0c6f5e-0000-4000-8000-000000000001""#),
            "{out}"
        );
        assert!(out.contains("athighlight"), "{out}");
    }
}
