use super::*;
use proptest::prelude::*;

const ALTERNATIVE: &str = "From: =?UTF-8?Q?Carol_C=C3=BCstomer?= <Carol@Cust.Test>\r
To: Support <support@acme.test>, sales@acme.test\r
Cc: boss@cust.test\r
Subject: =?UTF-8?B?UHJpbnRlciDwn5SlIG9uIGZpcmU=?=\r
Message-ID: <m1@cust.test>\r
In-Reply-To: <anytime.7.12.abc@acme.test>\r
References: <root@cust.test>\r
 <anytime.7.12.abc@acme.test>\r
Date: Tue, 03 Nov 2026 10:00:00 +0100\r
Auto-Submitted: auto-replied\r
X-Spam-Score: 0\r
MIME-Version: 1.0\r
Content-Type: multipart/alternative; boundary=\"b1\"\r
\r
--b1\r
Content-Type: text/plain; charset=utf-8\r
Content-Transfer-Encoding: quoted-printable\r
\r
It burns =E2=80=94 help.\r
--b1\r
Content-Type: text/html; charset=utf-8\r
\r
<p onclick=\"x()\">It <b>burns</b><script>alert(1)</script></p>\r
--b1--\r
";

#[test]
fn headers_addresses_and_bodies() {
    let m = parse(ALTERNATIVE.as_bytes()).unwrap();
    let i = &m.message;
    assert_eq!(i.from, "Carol@Cust.Test");
    assert_eq!(m.sender_name.as_deref(), Some("Carol Cüstomer"));
    assert_eq!(i.to, ["support@acme.test", "sales@acme.test"]);
    assert_eq!(i.cc, ["boss@cust.test"]);
    assert_eq!(i.subject, "Printer 🔥 on fire");
    assert_eq!(i.message_id.as_deref(), Some("<m1@cust.test>"));
    assert_eq!(
        i.in_reply_to.as_deref(),
        Some("<anytime.7.12.abc@acme.test>")
    );
    assert_eq!(
        i.references,
        ["<root@cust.test>", "<anytime.7.12.abc@acme.test>"]
    );
    assert_eq!(
        i.date.map(|d| d.to_rfc3339()).as_deref(),
        Some("2026-11-03T09:00:00+00:00")
    );
    assert!(i.is_auto_reply());
    assert!(!i.headers.contains("X-Spam-Score"));
    assert_eq!(i.text.as_deref().map(str::trim), Some("It burns — help."));
    let html = i.html.as_deref().unwrap();
    assert!(html.contains("<b>burns</b>"), "{html}");
    assert!(
        !html.contains("script") && !html.contains("onclick"),
        "{html}"
    );
    assert!(m.attachments.is_empty());
    // What the core threads by.
    assert_eq!(
        i.referenced_ids(),
        ["anytime.7.12.abc@acme.test", "root@cust.test"]
    );
}

const MIXED: &str = "From: bob@cust.test\r
To: support@acme.test\r
Subject: Screenshot\r
Message-ID: <m2@cust.test>\r
MIME-Version: 1.0\r
Content-Type: multipart/mixed; boundary=\"outer\"\r
\r
--outer\r
Content-Type: multipart/related; boundary=\"rel\"\r
\r
--rel\r
Content-Type: text/html; charset=utf-8\r
\r
<p>See <img src=\"cid:shot@cust.test\"></p>\r
--rel\r
Content-Type: image/png\r
Content-ID: <shot@cust.test>\r
Content-Transfer-Encoding: base64\r
\r
iVBORw0KGgo=\r
--rel--\r
--outer\r
Content-Type: application/pdf; name=\"../../etc/report.pdf\"\r
Content-Disposition: attachment; filename=\"../../etc/report.pdf\"\r
Content-Transfer-Encoding: base64\r
\r
JVBERi0xLjQ=\r
--outer--\r
";

#[test]
fn attachments_and_inline_images() {
    let mut m = parse(MIXED.as_bytes()).unwrap();
    assert_eq!(m.sender_name, None);
    assert_eq!(m.attachments.len(), 2, "{:?}", m.attachments);
    let img = &m.attachments[0];
    assert_eq!(img.content_type, "image/png");
    assert_eq!(img.content_id.as_deref(), Some("shot@cust.test"));
    assert!(img.inline);
    assert_eq!(img.data, b"\x89PNG\r\n\x1a\n");
    assert_eq!(img.filename, "attachment-1.png");
    let pdf = &m.attachments[1];
    assert_eq!(pdf.filename, "report.pdf");
    assert_eq!(pdf.content_type, "application/pdf");
    assert!(!pdf.inline);
    assert_eq!(pdf.data, b"%PDF-1.4");
    // Text derived from the HTML when there is no text part.
    assert_eq!(m.message.text.as_deref().map(str::trim), Some("See"));

    assert!(m
        .message
        .html
        .as_deref()
        .unwrap()
        .contains("cid:shot@cust.test"));
    m.link_inline_images(|a| Some(format!("/files/{}?a=1&b=\"2\"", a.filename)));
    let html = m.message.html.unwrap();
    assert!(
        html.contains(r#"src="/files/attachment-1.png?a=1&amp;b=&quot;2&quot;""#),
        "{html}"
    );
}

#[test]
fn text_only_mail_has_no_html() {
    let m = parse(b"From: a@b.test\r\nSubject: hi\r\n\r\nline 1\r\nline 2\r\n").unwrap();
    assert_eq!(m.message.html, None);
    assert_eq!(m.message.text.as_deref(), Some("line 1\r\nline 2\r\n"));
    assert_eq!(m.message.message_id, None);
    // Without a Message-ID the bytes identify the mail: the same bytes, the same id.
    let again = parse(b"From: a@b.test\r\nSubject: hi\r\n\r\nline 1\r\nline 2\r\n").unwrap();
    let other = parse(b"From: a@b.test\r\nSubject: hi\r\n\r\nline 3\r\n").unwrap();
    let id = m.message.external_message_id.clone().unwrap();
    assert!(
        id.starts_with("<sha256-") && id.ends_with("@anytime.invalid>"),
        "{id}"
    );
    assert_eq!(again.message.external_message_id, Some(id.clone()));
    assert_ne!(other.message.external_message_id, Some(id));
    assert_eq!(m.message.in_reply_to, None);
    assert!(m.message.references.is_empty());
}

#[test]
fn not_a_message_is_refused() {
    assert!(parse(b"").is_err());
    assert!(parse(b"\r\n\r\n").is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse(&bytes);
    }

    #[test]
    fn never_panics_on_header_like_text(
        lines in proptest::collection::vec("[A-Za-z-]{1,12}: [ -~]{0,40}", 0..12),
        body in "[ -~\r\n]{0,200}",
    ) {
        let raw = format!("{}\r\n\r\n{body}", lines.join("\r\n"));
        if let Ok(m) = parse(raw.as_bytes()) {
            // Sanitized HTML never carries a script.
            prop_assert!(!m.message.html.unwrap_or_default().contains("<script"));
        }
    }
}
