//! Recursive descent over the grammar of SPEC §5.1:
//! `expr := term (OR term)* ; term := factor (AND factor)* ; factor := NOT factor | '(' expr ')' | INTEGER`.
//! Recursion happens only in `factor`, and only after the depth check, so no input can
//! exhaust the stack.

use super::lexer::{Spanned, Token};
use super::{Expr, ParseError, MAX_DEPTH};

pub(super) struct Parser<'a> {
    tokens: &'a [Spanned],
    next: usize,
    condition_count: usize,
}

impl<'a> Parser<'a> {
    pub(super) fn new(tokens: &'a [Spanned], condition_count: usize) -> Self {
        Self {
            tokens,
            next: 0,
            condition_count,
        }
    }

    /// Parses the whole token list.
    pub(super) fn parse(mut self) -> Result<Expr, ParseError> {
        let expr = self.expr(0)?;
        match self.peek() {
            (Token::End, _) => Ok(expr),
            (Token::Close, at) => Err(ParseError::new(at, "')' without a matching '('")),
            (token, at) => Err(ParseError::new(
                at,
                format!("expected AND, OR or the end, found {}", token.describe()),
            )),
        }
    }

    fn peek(&self) -> Spanned {
        self.tokens
            .get(self.next)
            .copied()
            .unwrap_or((Token::End, self.tokens.last().map_or(0, |t| t.1)))
    }

    fn bump(&mut self) -> Spanned {
        let token = self.peek();
        if self.next < self.tokens.len() {
            self.next += 1;
        }
        token
    }

    fn expr(&mut self, depth: usize) -> Result<Expr, ParseError> {
        let mut terms = vec![self.term(depth)?];
        while self.peek().0 == Token::Or {
            self.bump();
            terms.push(self.term(depth)?);
        }
        Ok(Expr::or(terms))
    }

    fn term(&mut self, depth: usize) -> Result<Expr, ParseError> {
        let mut factors = vec![self.factor(depth)?];
        while self.peek().0 == Token::And {
            self.bump();
            factors.push(self.factor(depth)?);
        }
        Ok(Expr::and(factors))
    }

    fn factor(&mut self, depth: usize) -> Result<Expr, ParseError> {
        match self.bump() {
            (Token::Number(n), at) => self.index(n, at),
            (Token::Not, at) => {
                Self::deeper(depth, at)?;
                Ok(Expr::Not(Box::new(self.factor(depth + 1)?)))
            }
            (Token::Open, at) => {
                Self::deeper(depth, at)?;
                let inner = self.expr(depth + 1)?;
                match self.bump() {
                    (Token::Close, _) => Ok(inner),
                    (token, close_at) => Err(ParseError::new(
                        close_at,
                        format!(
                            "expected ')' to close the '(' at position {at}, found {}",
                            token.describe()
                        ),
                    )),
                }
            }
            (token, at) => Err(ParseError::new(
                at,
                format!(
                    "expected a condition number, NOT or '(', found {}",
                    token.describe()
                ),
            )),
        }
    }

    fn deeper(depth: usize, at: usize) -> Result<(), ParseError> {
        if depth >= MAX_DEPTH {
            Err(ParseError::new(
                at,
                format!("nested more than {MAX_DEPTH} levels deep"),
            ))
        } else {
            Ok(())
        }
    }

    fn index(&self, n: Option<usize>, at: usize) -> Result<Expr, ParseError> {
        match n {
            Some(n) if (1..=self.condition_count).contains(&n) => Ok(Expr::Index(n)),
            _ => {
                let count = self.condition_count;
                let range = match count {
                    0 => "there are no conditions".to_string(),
                    1 => "the only condition is 1".to_string(),
                    _ => format!("conditions are numbered 1 to {count}"),
                };
                let message = match n {
                    Some(n) => format!("condition {n} does not exist ({range})"),
                    None => format!("condition number too large ({range})"),
                };
                Err(ParseError::new(at, message))
            }
        }
    }
}
