//! HTML bodies are sanitized with ammonia's allow-list before storage (SPEC §4.1): no
//! script, style, iframe, object, embed or form, no event handlers, no `javascript:` URLs.
//! The mention markers of notes (`<span data-id class="athighlight">`) are kept, and so are
//! `cid:` image sources, which the server points at the stored inline attachment. One policy
//! for API messages and mail, so both read the same in the agent console.

use std::sync::OnceLock;

fn builder() -> &'static ammonia::Builder<'static> {
    static B: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    B.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_tag_attributes("span", ["data-id"]);
        b.add_allowed_classes("span", ["athighlight"]);
        b.add_url_schemes(["cid"]);
        b
    })
}

/// The safe subset of `html`.
pub fn sanitize(html: &str) -> String {
    builder().clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_scripts_styles_frames_forms_and_handlers() {
        let out = sanitize(
            r#"<style>p{}</style><p onclick="x()">hi<script>alert(1)</script><iframe src="x"></iframe><form><input></form><a href="javascript:alert(1)">l</a></p>"#,
        );
        for bad in [
            "script",
            "style",
            "iframe",
            "form",
            "onclick",
            "javascript:",
        ] {
            assert!(!out.contains(bad), "{bad} in {out}");
        }
        assert!(out.contains("hi"));
    }

    #[test]
    fn keeps_inline_image_references_and_mentions() {
        let out =
            sanitize(r#"<img src="cid:logo@x"><span data-id="a" class="athighlight">@A</span>"#);
        assert!(out.contains(r#"src="cid:logo@x""#), "{out}");
        assert!(out.contains(r#"data-id="a""#), "{out}");
    }
}
