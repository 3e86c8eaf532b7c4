//! Logical expressions over numbered conditions (SPEC §5.1): `1 AND (2 OR NOT 3)`.
//!
//! [`parse`] turns the text into an [`Expr`] once, when a rule is saved, checking every
//! condition number against the rule's condition count; evaluation then never fails.
//! `Display` prints the canonical form, and parsing a canonical form gives it back unchanged.
//!
//! ```
//! use anytime_core::expression::{parse, Expr};
//! let expr = parse("1 or (2 and not 3)", 3).unwrap();
//! assert_eq!(expr.to_string(), "1 OR 2 AND NOT 3");
//! assert!(expr.eval(&[false, true, false]));
//! assert!(parse("(1 OR 2) AND 4", 3).is_err());
//! ```

mod lexer;
mod parser;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use crate::{CoreError, CoreResult, ErrorDetail};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest accepted expression, in characters.
pub const MAX_LENGTH: usize = 1_000;
/// Most parentheses and NOTs that may enclose any condition number.
pub const MAX_DEPTH: usize = 32;

/// A parsed expression. The parser keeps trees normalized: `And`/`Or` have at least two
/// items and never directly contain an item of their own kind (`1 OR (2 OR 3)` is one `Or`
/// of three), so equal meanings written with different redundant parentheses give equal trees.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Expr {
    /// A condition by its 1-based position in the rule's list.
    Index(usize),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
}

impl Expr {
    /// The conjunction of `items`, flattening nested `And`s; a single item is returned as is.
    pub fn and(items: Vec<Expr>) -> Expr {
        Self::join(items, true)
    }

    /// The disjunction of `items`, flattening nested `Or`s; a single item is returned as is.
    pub fn or(items: Vec<Expr>) -> Expr {
        Self::join(items, false)
    }

    fn join(items: Vec<Expr>, conjunction: bool) -> Expr {
        let mut flat = Vec::with_capacity(items.len());
        for item in items {
            match item {
                Expr::And(inner) if conjunction => flat.extend(inner),
                Expr::Or(inner) if !conjunction => flat.extend(inner),
                other => flat.push(other),
            }
        }
        if flat.len() == 1 {
            if let Some(only) = flat.pop() {
                return only;
            }
        }
        if conjunction {
            Expr::And(flat)
        } else {
            Expr::Or(flat)
        }
    }

    /// The expression's value given each condition's result (`results[0]` is condition 1).
    /// A number beyond `results` counts as false; [`parse`] never produces one.
    pub fn eval(&self, results: &[bool]) -> bool {
        match self {
            Expr::Index(n) => n
                .checked_sub(1)
                .and_then(|i| results.get(i))
                .copied()
                .unwrap_or(false),
            Expr::Not(inner) => !inner.eval(results),
            Expr::And(items) => items.iter().all(|e| e.eval(results)),
            Expr::Or(items) => items.iter().any(|e| e.eval(results)),
        }
    }

    /// The highest condition number used (0 for none).
    pub fn max_index(&self) -> usize {
        match self {
            Expr::Index(n) => *n,
            Expr::Not(inner) => inner.max_index(),
            Expr::And(items) | Expr::Or(items) => {
                items.iter().map(Expr::max_index).max().unwrap_or(0)
            }
        }
    }
}

/// The canonical form: numbers, upper-case keywords, single spaces, and parentheses only
/// where precedence requires them (an `Or` inside an `And` or under `NOT`, an `And` under
/// `NOT`).
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Index(n) => write!(f, "{n}"),
            Expr::Not(inner) => match **inner {
                Expr::And(_) | Expr::Or(_) => write!(f, "NOT ({inner})"),
                _ => write!(f, "NOT {inner}"),
            },
            Expr::And(items) => write_joined(f, items, " AND ", |e| {
                matches!(e, Expr::Or(_) | Expr::And(_))
            }),
            Expr::Or(items) => write_joined(f, items, " OR ", |e| matches!(e, Expr::Or(_))),
        }
    }
}

fn write_joined(
    f: &mut fmt::Formatter<'_>,
    items: &[Expr],
    separator: &str,
    needs_parentheses: impl Fn(&Expr) -> bool,
) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(separator)?;
        }
        if needs_parentheses(item) {
            write!(f, "({item})")?;
        } else {
            write!(f, "{item}")?;
        }
    }
    Ok(())
}

/// A fault in the text: where (0-based character offset) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub position: usize,
    pub message: String,
}

impl ParseError {
    fn new(position: usize, message: impl Into<String>) -> Self {
        Self {
            position,
            message: message.into(),
        }
    }

    /// The validation error naming `field` (`expression` for `parseLogicalExpression`,
    /// `logicalExpression` inside a conditions object).
    pub fn into_core(self, field: &str) -> CoreError {
        CoreError::invalid_fields(
            format!(
                "invalid logical expression: {} (at position {})",
                self.message, self.position
            ),
            vec![ErrorDetail::at(field, self.position, self.message)],
        )
    }
}

/// Parses `text` for a rule with `condition_count` conditions; the error names the
/// `expression` field.
pub fn parse(text: &str, condition_count: usize) -> CoreResult<Expr> {
    parse_raw(text, condition_count).map_err(|e| e.into_core("expression"))
}

/// [`parse`] with the bare position and message, for callers that name the field themselves.
pub fn parse_raw(text: &str, condition_count: usize) -> Result<Expr, ParseError> {
    let chars: Vec<char> = text.chars().take(MAX_LENGTH + 1).collect();
    if chars.len() > MAX_LENGTH {
        return Err(ParseError::new(
            MAX_LENGTH,
            format!("longer than {MAX_LENGTH} characters"),
        ));
    }
    let tokens = lexer::tokenize(&chars)?;
    let expr = parser::Parser::new(&tokens, condition_count).parse()?;
    // Compact input (`1or2or3…`) can print longer than it was written; a canonical form
    // over the limit would not parse back, so such input is refused as a whole (found by
    // the fuzz target).
    let canonical_length = expr.to_string().chars().count();
    if canonical_length > MAX_LENGTH {
        return Err(ParseError::new(
            0,
            format!(
                "canonical form would be {canonical_length} characters, longer than {MAX_LENGTH}"
            ),
        ));
    }
    Ok(expr)
}

/// Arguments of `parseLogicalExpression` (SPEC §6).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParseInput {
    pub expression: String,
    pub condition_count: usize,
}

#[derive(Debug, Serialize)]
pub struct ParseOutput {
    pub canonical: String,
}

/// The `parseLogicalExpression` eval function.
pub fn parse_logical_expression(input: ParseInput) -> CoreResult<ParseOutput> {
    parse(&input.expression, input.condition_count).map(|e| ParseOutput {
        canonical: e.to_string(),
    })
}
