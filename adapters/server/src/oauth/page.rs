//! The sign-in and consent page and its error page: plain HTML, one inline style sheet, no
//! script and no third-party asset, usable with a keyboard and a screen reader, and working
//! without JavaScript. Every interpolated value is escaped.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Name of the CSRF cookie; its value must come back in the form's `csrf_token` field.
pub const CSRF_COOKIE: &str = "anytime_oauth_csrf";

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1b1f24}\
main{max-width:26rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:8px;\
box-shadow:0 1px 3px rgba(0,0,0,.15)}h1{font-size:1.4rem;margin-top:0}\
label{display:block;font-weight:600;margin-top:1rem}\
input{width:100%;box-sizing:border-box;padding:.5rem;font:inherit;border:1px solid #6b7280;border-radius:4px}\
input:focus,button:focus{outline:3px solid #2563eb;outline-offset:2px}\
.actions{display:flex;gap:.75rem;margin-top:1.5rem}\
button{font:inherit;padding:.55rem 1.2rem;border-radius:4px;border:1px solid #1d4ed8;cursor:pointer}\
button[value=allow]{background:#1d4ed8;color:#fff}button[value=deny]{background:#fff;color:#1d4ed8}\
.error{background:#fef2f2;border:1px solid #b91c1c;color:#7f1d1d;padding:.6rem;border-radius:4px}\
.muted{color:#4b5563;font-size:.9rem}";

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn document(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · Anytime</title><style>{STYLE}</style></head>\
         <body><main>{body}</main></body></html>\n",
        escape(title)
    )
}

/// What the sign-in form shows and sends back.
pub struct SignInForm<'a> {
    pub client_name: &'a str,
    /// Where the browser goes afterwards (shown so the user knows who asks).
    pub redirect_origin: &'a str,
    /// The authorization request, carried through the POST unchanged.
    pub hidden: &'a [(&'a str, &'a str)],
    pub csrf_token: &'a str,
    pub email: &'a str,
    pub error: Option<&'a str>,
}

pub fn sign_in(form: &SignInForm<'_>) -> String {
    let client = escape(form.client_name);
    let mut body = format!(
        "<h1>Sign in to Anytime</h1>\
         <p><strong>{client}</strong> asks to use the Anytime API as you, with your role and \
         your site. You will be sent back to <strong>{}</strong>.</p>",
        escape(form.redirect_origin)
    );
    if let Some(error) = form.error {
        body.push_str(&format!(
            "<p class=\"error\" role=\"alert\" id=\"form-error\">{}</p>",
            escape(error)
        ));
    }
    let described = if form.error.is_some() {
        " aria-describedby=\"form-error\""
    } else {
        ""
    };
    body.push_str(&format!(
        "<form method=\"post\" action=\"/oauth/authorize\"{described}>\
         <input type=\"hidden\" name=\"csrf_token\" value=\"{}\">",
        escape(form.csrf_token)
    ));
    for (name, value) in form.hidden {
        body.push_str(&format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            escape(name),
            escape(value)
        ));
    }
    body.push_str(&format!(
        "<label for=\"email\">Agent email</label>\
         <input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required \
         value=\"{}\">\
         <label for=\"password\">Password</label>\
         <input id=\"password\" name=\"password\" type=\"password\" \
         autocomplete=\"current-password\" required>\
         <div class=\"actions\">\
         <button type=\"submit\" name=\"decision\" value=\"allow\">Allow</button>\
         <button type=\"submit\" name=\"decision\" value=\"deny\" formnovalidate>Deny</button>\
         </div></form>\
         <p class=\"muted\">Only allow apps you trust. You can revoke access by changing your \
         password.</p>",
        escape(form.email)
    ));
    document(&format!("Allow {}", form.client_name), &body)
}

/// The page for a request that cannot be redirected (unknown client or redirect URI).
pub fn error(message: &str) -> String {
    document(
        "Sign-in link not valid",
        &format!(
            "<h1>This sign-in link is not valid</h1><p class=\"error\" role=\"alert\">{}</p>\
             <p>Go back to the app and start again, or tell its maker.</p>",
            escape(message)
        ),
    )
}

/// An HTML answer with the headers every OAuth page carries: never cached, never framed,
/// nothing loaded from anywhere.
pub fn respond(status: StatusCode, html: String, csrf_cookie: Option<&str>) -> Response {
    let mut response = (status, axum::response::Html(html)).into_response();
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    if let Some(token) = csrf_cookie {
        let cookie = format!("{CSRF_COOKIE}={token}; Path=/oauth; HttpOnly; SameSite=Strict");
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            h.insert(header::SET_COOKIE, v);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_interpolated() {
        let html = sign_in(&SignInForm {
            client_name: "<script>alert(1)</script>",
            redirect_origin: "https://a.example",
            hidden: &[("state", "\"><img src=x>")],
            csrf_token: "t",
            email: "a@b'c",
            error: Some("<b>"),
        });
        assert!(!html.contains("<script>"));
        assert!(!html.contains("<img"));
        assert!(!html.contains("<b>"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("name=\"csrf_token\" value=\"t\""));
        assert!(html.contains("role=\"alert\""));
        assert!(!html.contains("<script"), "no script at all");
    }

    #[test]
    fn pages_are_not_cached_or_framed_and_set_the_cookie() {
        let r = respond(StatusCode::OK, error("x"), Some("abc"));
        assert_eq!(r.headers()[header::CACHE_CONTROL], "no-store");
        assert_eq!(r.headers()[header::X_FRAME_OPTIONS], "DENY");
        let cookie = r.headers()[header::SET_COOKIE].to_str().unwrap_or("");
        assert!(cookie.starts_with("anytime_oauth_csrf=abc;"));
        assert!(cookie.contains("HttpOnly"));
    }
}
