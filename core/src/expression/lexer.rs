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

/// Tokenizes `chars`; the last token is always [`Token::End`] at `chars.len()`.
pub(super) fn tokenize(chars: &[char]) -> Result<Vec<Spanned>, ParseError> {
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let start = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            let mut value: Option<usize> = Some(0);
            while let Some(d) = chars.get(i).and_then(|c| c.to_digit(10)) {
                value = value
                    .and_then(|v| v.checked_mul(10))
                    .and_then(|v| v.checked_add(d as usize));
                i += 1;
            }
            tokens.push((Token::Number(value), start));
            continue;
        }
        if c.is_alphabetic() {
            while chars.get(i).is_some_and(|c| c.is_alphabetic()) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let token = if word.eq_ignore_ascii_case("and") {
                Token::And
            } else if word.eq_ignore_ascii_case("or") {
                Token::Or
            } else if word.eq_ignore_ascii_case("not") {
                Token::Not
            } else {
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
        i += 1;
    }
    tokens.push((Token::End, chars.len()));
    Ok(tokens)
}
