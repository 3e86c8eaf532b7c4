//! Splits a logical expression into tokens, each with the character offset it starts at, so
//! every parse error can point at the fault.

use super::ParseError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Token {
    /// A condition number; `None` when it has too many digits to be any condition's.
    Number(Option<usize>),
    And,
    Or,
    Not,
    Open,
    Close,
    End,
}

impl Token {
    pub(super) fn describe(self) -> &'static str {
        match self {
            Token::Number(_) => "a condition number",
            Token::And => "AND",
            Token::Or => "OR",
            Token::Not => "NOT",
            Token::Open => "'('",
            Token::Close => "')'",
            Token::End => "the end of the expression",
        }
    }
}

/// A token and the 0-based character offset where it starts.
pub(super) type Spanned = (Token, usize);

/// Tokenizes `text`; the last token is always [`Token::End`] at its length in characters.
/// Works on the string directly (no `Vec<char>`), counting characters for the positions.
pub(super) fn tokenize(text: &str) -> Result<Vec<Spanned>, ParseError> {
    if text.is_ascii() {
        return tokenize_ascii(text.as_bytes());
    }
    tokenize_chars(text)
}

/// The general path, for text with non-ASCII characters.
fn tokenize_chars(text: &str) -> Result<Vec<Spanned>, ParseError> {
    let mut tokens = Vec::with_capacity(text.len() / 2 + 1);
    let mut chars = text.chars().peekable();
    let mut i = 0; // character offset of the next char
    while let Some(c) = chars.next() {
        let start = i;
        i += 1;
        if c.is_whitespace() {
            continue;
        }
        if let Some(first) = c.to_digit(10) {
            let mut value: Option<usize> = Some(first as usize);
            while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
                value = value
                    .and_then(|v| v.checked_mul(10))
                    .and_then(|v| v.checked_add(d as usize));
                chars.next();
                i += 1;
            }
            tokens.push((Token::Number(value), start));
            continue;
        }
        if is_letter(c) {
            let mut word = [c, ' ', ' ', ' '];
            let mut len = 1;
            while let Some(&next) = chars.peek().filter(|c| is_letter(**c)) {
                if len < word.len() {
                    word[len] = next;
                }
                len += 1;
                chars.next();
                i += 1;
            }
            let is = |keyword: &str| {
                len == keyword.len()
                    && word
                        .iter()
                        .zip(keyword.chars())
                        .all(|(a, b)| a.eq_ignore_ascii_case(&b))
            };
            let token = if is("and") {
                Token::And
            } else if is("or") {
                Token::Or
            } else if is("not") {
                Token::Not
            } else {
                let word: String = text.chars().skip(start).take(len).collect();
                return Err(ParseError::new(
                    start,
                    format!("unknown word `{word}` (expected AND, OR or NOT)"),
                ));
            };
            tokens.push((token, start));
            continue;
        }
        let token = match c {
            '(' => Token::Open,
            ')' => Token::Close,
            _ => {
                return Err(ParseError::new(
                    start,
                    format!("unexpected character `{c}`"),
                ))
            }
        };
        tokens.push((token, start));
    }
    tokens.push((Token::End, i));
    Ok(tokens)
}

/// The common case: ASCII text, where byte offsets are character offsets. Same tokens and
/// errors as the general path (a property test checks they agree).
fn tokenize_ascii(bytes: &[u8]) -> Result<Vec<Spanned>, ParseError> {
    let mut tokens = Vec::with_capacity(bytes.len() / 2 + 1);
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let b = bytes[i];
        match b {
            // Exactly the ASCII characters `char::is_whitespace` accepts.
            b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r' => i += 1,
            b'0'..=b'9' => {
                let mut value: Option<usize> = Some(0);
                while let Some(d @ b'0'..=b'9') = bytes.get(i) {
                    value = value
                        .and_then(|v| v.checked_mul(10))
                        .and_then(|v| v.checked_add(usize::from(d - b'0')));
                    i += 1;
                }
                tokens.push((Token::Number(value), start));
            }
            b'a'..=b'z' | b'A'..=b'Z' => {
                while bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
                    i += 1;
                }
                let word = &bytes[start..i];
                let token = if word.eq_ignore_ascii_case(b"and") {
                    Token::And
                } else if word.eq_ignore_ascii_case(b"or") {
                    Token::Or
                } else if word.eq_ignore_ascii_case(b"not") {
                    Token::Not
                } else {
                    return Err(ParseError::new(
                        start,
                        format!(
                            "unknown word `{}` (expected AND, OR or NOT)",
                            String::from_utf8_lossy(word)
                        ),
                    ));
                };
                tokens.push((token, start));
            }
            b'(' => {
                tokens.push((Token::Open, start));
                i += 1;
            }
            b')' => {
                tokens.push((Token::Close, start));
                i += 1;
            }
            other => {
                return Err(ParseError::new(
                    start,
                    format!("unexpected character `{}`", char::from(other)),
                ))
            }
        }
    }
    tokens.push((Token::End, bytes.len()));
    Ok(tokens)
}

/// ASCII first: the Unicode tables are only consulted for non-ASCII characters.
fn is_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || (!c.is_ascii() && c.is_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn ascii_fast_path_agrees_with_the_general_one(
            text in "[ \t\n\x0b\x0c\r()0-9aAnNdDoOrRtTxX!#]{0,40}"
        ) {
            prop_assert_eq!(tokenize_ascii(text.as_bytes()), tokenize_chars(&text));
        }
    }
}
