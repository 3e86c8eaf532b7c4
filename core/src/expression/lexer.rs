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

/// Tokens read one at a time: the parser never needs more than one token of look-ahead, so
/// the common ASCII case lexes on the fly without a token list. After [`Token::End`] or an
/// error, every call gives the same again.
pub(super) enum Lexer<'a> {
    Ascii(AsciiLexer<'a>),
    List(ListLexer),
}

impl<'a> Lexer<'a> {
    /// The lexer for `text`: bytes for ASCII text, characters otherwise.
    pub(super) fn new(text: &'a str) -> Self {
        if text.is_ascii() {
            return Lexer::Ascii(AsciiLexer {
                bytes: text.as_bytes(),
                i: 0,
            });
        }
        Lexer::List(match tokenize_chars(text) {
            Ok(tokens) => ListLexer {
                tokens,
                next: 0,
                error: None,
            },
            Err(e) => ListLexer {
                tokens: Vec::new(),
                next: 0,
                error: Some(e),
            },
        })
    }

    pub(super) fn next_token(&mut self) -> Result<Spanned, ParseError> {
        match self {
            Lexer::Ascii(lexer) => lexer.next_token(),
            Lexer::List(lexer) => lexer.next_token(),
        }
    }

    /// The first lexical error from here to the end, if any: a parse error is reported only
    /// when the whole text lexes, as if it had been tokenized up front.
    pub(super) fn rest_error(&mut self) -> Option<ParseError> {
        loop {
            match self.next_token() {
                Ok((Token::End, _)) => return None,
                Ok(_) => {}
                Err(e) => return Some(e),
            }
        }
    }
}

/// Tokens lexed up front (the non-ASCII path), or the lexical error the text has.
pub(super) struct ListLexer {
    tokens: Vec<Spanned>,
    next: usize,
    error: Option<ParseError>,
}

impl ListLexer {
    fn next_token(&mut self) -> Result<Spanned, ParseError> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        let token = self
            .tokens
            .get(self.next)
            .or(self.tokens.last())
            .copied()
            .unwrap_or((Token::End, 0));
        self.next += 1;
        Ok(token)
    }
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
pub(super) struct AsciiLexer<'a> {
    bytes: &'a [u8],
    i: usize,
}

impl AsciiLexer<'_> {
    fn next_token(&mut self) -> Result<Spanned, ParseError> {
        let bytes = self.bytes;
        let mut i = self.i;
        // Exactly the ASCII characters `char::is_whitespace` accepts.
        while let Some(b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r') = bytes.get(i) {
            i += 1;
        }
        let start = i;
        let Some(&b) = bytes.get(i) else {
            self.i = i;
            return Ok((Token::End, bytes.len()));
        };
        let token = match b {
            b'0'..=b'9' => {
                let mut value: Option<usize> = Some(0);
                while let Some(d @ b'0'..=b'9') = bytes.get(i) {
                    value = value
                        .and_then(|v| v.checked_mul(10))
                        .and_then(|v| v.checked_add(usize::from(d - b'0')));
                    i += 1;
                }
                Token::Number(value)
            }
            b'a'..=b'z' | b'A'..=b'Z' => {
                while bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
                    i += 1;
                }
                let word = &bytes[start..i];
                if word.eq_ignore_ascii_case(b"and") {
                    Token::And
                } else if word.eq_ignore_ascii_case(b"or") {
                    Token::Or
                } else if word.eq_ignore_ascii_case(b"not") {
                    Token::Not
                } else {
                    self.i = start;
                    return Err(ParseError::new(
                        start,
                        format!(
                            "unknown word `{}` (expected AND, OR or NOT)",
                            String::from_utf8_lossy(word)
                        ),
                    ));
                }
            }
            b'(' => {
                i += 1;
                Token::Open
            }
            b')' => {
                i += 1;
                Token::Close
            }
            other => {
                self.i = start;
                return Err(ParseError::new(
                    start,
                    format!("unexpected character `{}`", char::from(other)),
                ));
            }
        };
        self.i = i;
        Ok((token, start))
    }
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
            let mut lexer = AsciiLexer { bytes: text.as_bytes(), i: 0 };
            let mut ascii = Vec::new();
            let ascii = loop {
                match lexer.next_token() {
                    Ok(token) => {
                        ascii.push(token);
                        if token.0 == Token::End {
                            break Ok(ascii);
                        }
                    }
                    Err(e) => break Err(e),
                }
            };
            prop_assert_eq!(ascii, tokenize_chars(&text));
        }
    }
}
