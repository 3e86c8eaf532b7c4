//! Recursive descent over the grammar of SPEC §5.1:
//! `expr := term (OR term)* ; term := factor (AND factor)* ; factor := NOT factor | '(' expr ')' | INTEGER`.
//! Recursion happens only in `factor`, and only after the depth check, so no input can
//! exhaust the stack. Nodes are appended in post-order as they complete (see `tree`), so a
//! parse allocates one node array and nothing per operator.

use super::lexer::{Lexer, Spanned, Token};
use super::tree::{absorb, Expr, Node};
use super::{ParseError, MAX_DEPTH};

pub(super) struct Parser<'a> {
    lexer: Lexer<'a>,
    /// The next token, not yet consumed.
    ahead: Spanned,
    nodes: Vec<Node>,
    condition_count: usize,
}

/// A fault and whether the lexer found it (lexical faults come first, see `Lexer::rest_error`).
type Fault = (ParseError, bool);

impl<'a> Parser<'a> {
    /// Parses all of `text`.
    pub(super) fn parse(text: &'a str, condition_count: usize) -> Result<Expr, ParseError> {
        let mut lexer = Lexer::new(text);
        let ahead = lexer.next_token()?;
        let mut parser = Parser {
            lexer,
            ahead,
            // Every node but a NOT stands for at least two characters.
            nodes: Vec::with_capacity(text.len() / 2 + 1),
            condition_count,
        };
        match parser.whole() {
            Ok(()) => Ok(Expr {
                nodes: parser.nodes,
            }),
            Err((e, true)) => Err(e),
            Err((e, false)) => Err(parser.lexer.rest_error().unwrap_or(e)),
        }
    }

    fn whole(&mut self) -> Result<(), Fault> {
        self.expr(0)?;
        match self.ahead {
            (Token::End, _) => Ok(()),
            (Token::Close, at) => Err(syntax(at, "')' without a matching '('")),
            (token, at) => Err(syntax(
                at,
                format!("expected AND, OR or the end, found {}", token.describe()),
            )),
        }
    }

    fn bump(&mut self) -> Result<Spanned, Fault> {
        let token = self.ahead;
        if token.0 != Token::End {
            self.ahead = self.lexer.next_token().map_err(|e| (e, true))?;
        }
        Ok(token)
    }

    fn expr(&mut self, depth: usize) -> Result<(), Fault> {
        self.list(depth, false)
    }

    /// `term (OR term)*` when `conjunction` is false, `factor (AND factor)*` when true. A lone
    /// item stays as it is; a list becomes one operator node over its items.
    fn list(&mut self, depth: usize, conjunction: bool) -> Result<(), Fault> {
        let separator = if conjunction { Token::And } else { Token::Or };
        let start = self.nodes.len();
        self.item(depth, conjunction)?;
        if self.ahead.0 != separator {
            return Ok(());
        }
        let mut arity = absorb(&mut self.nodes, start, conjunction);
        while self.ahead.0 == separator {
            self.bump()?;
            let item_start = self.nodes.len();
            self.item(depth, conjunction)?;
            arity += absorb(&mut self.nodes, item_start, conjunction);
        }
        let size = (self.nodes.len() - start + 1) as u32;
        self.nodes.push(if conjunction {
            Node::And { arity, size }
        } else {
            Node::Or { arity, size }
        });
        Ok(())
    }

    fn item(&mut self, depth: usize, conjunction: bool) -> Result<(), Fault> {
        if conjunction {
            self.factor(depth)
        } else {
            self.list(depth, true)
        }
    }

    fn factor(&mut self, depth: usize) -> Result<(), Fault> {
        match self.bump()? {
            (Token::Number(n), at) => {
                let index = self.index(n, at)?;
                self.nodes.push(Node::Index(index));
                Ok(())
            }
            (Token::Not, at) => {
                deeper(depth, at)?;
                let start = self.nodes.len();
                self.factor(depth + 1)?;
                let size = (self.nodes.len() - start + 1) as u32;
                self.nodes.push(Node::Not { size });
                Ok(())
            }
            (Token::Open, at) => {
                deeper(depth, at)?;
                self.expr(depth + 1)?;
                match self.bump()? {
                    (Token::Close, _) => Ok(()),
                    (token, close_at) => Err(syntax(
                        close_at,
                        format!(
                            "expected ')' to close the '(' at position {at}, found {}",
                            token.describe()
                        ),
                    )),
                }
            }
            (token, at) => Err(syntax(
                at,
                format!(
                    "expected a condition number, NOT or '(', found {}",
                    token.describe()
                ),
            )),
        }
    }

    fn index(&self, n: Option<usize>, at: usize) -> Result<usize, Fault> {
        match n {
            Some(n) if (1..=self.condition_count).contains(&n) => Ok(n),
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
                Err(syntax(at, message))
            }
        }
    }
}

fn syntax(at: usize, message: impl Into<String>) -> Fault {
    (ParseError::new(at, message), false)
}

fn deeper(depth: usize, at: usize) -> Result<(), Fault> {
    if depth >= MAX_DEPTH {
        Err(syntax(
            at,
            format!("nested more than {MAX_DEPTH} levels deep"),
        ))
    } else {
        Ok(())
    }
}
