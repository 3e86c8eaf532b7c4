//! Just enough HTML reading for the core: plain text for messages that arrive without it, and
//! @mention spans in notes. Bodies are sanitized by the server (ammonia) before they get here;
//! this is a lenient tag scanner, not a parser, and never fails.

use crate::model::AgentId;
use uuid::Uuid;

/// One tag: lower-cased name (without `/`), whether it closes, and its raw attribute text.
struct Tag<'a> {
    name: String,
    closing: bool,
    attrs: &'a str,
}

enum Piece<'a> {
    Text(&'a str),
    Tag(Tag<'a>),
}

/// Splits `html` into text runs and tags, in document order. Comments and `<!…>`/`<?…>`
/// declarations are dropped; a `<` that starts no tag is text.
fn scan<'a>(html: &'a str, mut visit: impl FnMut(Piece<'a>)) {
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        visit(Piece::Text(&rest[..lt]));
        let after = &rest[lt + 1..];
        if let Some(comment) = after.strip_prefix("!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let starts_tag = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!' || c == '?');
        let Some(gt) = after.find('>').filter(|_| starts_tag) else {
            visit(Piece::Text("<"));
            rest = after;
            continue;
        };
        let inner = &after[..gt];
        rest = &after[gt + 1..];
        if inner.starts_with('!') || inner.starts_with('?') {
            continue;
        }
        let (closing, body) = match inner.strip_prefix('/') {
            Some(b) => (true, b),
            None => (false, inner),
        };
        let name_end = body
            .find(|c: char| c.is_whitespace() || c == '/')
            .unwrap_or(body.len());
        visit(Piece::Tag(Tag {
            name: body[..name_end].to_ascii_lowercase(),
            closing,
            attrs: &body[name_end..],
        }));
    }
    visit(Piece::Text(rest));
}

/// The value of attribute `name` (ASCII case-insensitive) in a tag's attribute text; quoted
/// with `"` or `'`, or unquoted.
fn attribute<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = attrs;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if rest.is_empty() {
            return None;
        }
        let key_end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        let key = &rest[..key_end];
        rest = rest[key_end..].trim_start();
        let mut value = "";
        if let Some(after_eq) = rest.strip_prefix('=') {
            let after_eq = after_eq.trim_start();
            let (v, remaining) = match after_eq.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = &after_eq[1..];
                    match body.find(q) {
                        Some(end) => (&body[..end], &body[end + 1..]),
                        None => (body, ""),
                    }
                }
                _ => {
                    let end = after_eq.find(char::is_whitespace).unwrap_or(after_eq.len());
                    (&after_eq[..end], &after_eq[end..])
                }
            };
            value = v;
            rest = remaining;
        }
        if key.eq_ignore_ascii_case(name) {
            return Some(value);
        }
        if key.is_empty() {
            // A stray `=` or quote: skip one character so the loop always advances.
            let mut chars = rest.chars();
            chars.next();
            rest = chars.as_str();
        }
    }
}

/// Agents mentioned by `<span data-id="AGENT_ID" class="athighlight">` elements, in order of
/// first appearance, each once. Ids that are not UUIDs are ignored.
pub fn mentioned_agents(html: &str) -> Vec<AgentId> {
    let mut ids: Vec<AgentId> = Vec::new();
    scan(html, |piece| {
        let Piece::Tag(tag) = piece else { return };
        if tag.closing || tag.name != "span" {
            return;
        }
        let highlighted = attribute(tag.attrs, "class").is_some_and(|class| {
            class
                .split_whitespace()
                .any(|c| c.eq_ignore_ascii_case("athighlight"))
        });
        let id = attribute(tag.attrs, "data-id").and_then(|v| Uuid::parse_str(v.trim()).ok());
        if let (true, Some(id)) = (highlighted, id) {
            if !ids.contains(&AgentId(id)) {
                ids.push(AgentId(id));
            }
        }
    });
    ids
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "br" | "p"
            | "div"
            | "li"
            | "tr"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "blockquote"
            | "pre"
            | "ul"
            | "ol"
            | "table"
            | "hr"
    )
}

/// Plain text from HTML: tags dropped (`script`/`style` with their content), block elements
/// and `<br>` become line breaks, common entities decoded, blank runs trimmed.
pub fn to_plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut skipping: Option<String> = None;
    scan(html, |piece| {
        let tag = match piece {
            Piece::Text(text) => {
                if skipping.is_none() {
                    out.push_str(text);
                }
                return;
            }
            Piece::Tag(tag) => tag,
        };
        if let Some(skipped) = &skipping {
            if tag.closing && &tag.name == skipped {
                skipping = None;
            }
            return;
        }
        if !tag.closing && (tag.name == "script" || tag.name == "style") {
            skipping = Some(tag.name);
        } else if is_block(&tag.name) {
            out.push('\n');
        }
    });
    let decoded = decode_entities(&out);
    let mut text = String::new();
    let mut blank_before = false;
    for line in decoded.lines().map(str::trim_end) {
        if line.trim().is_empty() {
            blank_before = !text.is_empty();
            continue;
        }
        if !text.is_empty() {
            text.push_str(if blank_before { "\n\n" } else { "\n" });
        }
        blank_before = false;
        text.push_str(line);
    }
    text
}

fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after
            .find(';')
            .filter(|end| *end <= 10)
            .and_then(|end| entity(&after[..end]).map(|c| (c, end)));
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// `lastMessage`: white space collapsed, at most `max` characters.
pub fn preview(plain: &str, max: usize) -> String {
    let mut out = String::new();
    for (count, c) in plain
        .split_whitespace()
        .flat_map(|word| std::iter::once(' ').chain(word.chars()))
        .skip(1)
        .enumerate()
    {
        if count >= max {
            break;
        }
        out.push(c);
    }
    out
}
