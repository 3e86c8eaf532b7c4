//! Logical expressions over numbered conditions (SPEC §5.1): `1 AND (2 OR NOT 3)`.
//!
//! [`parse`] turns the text into an [`Expr`] once, when a rule is saved, checking every
//! condition number against the rule's condition count; evaluation then never fails.
//! `Display` prints the canonical form, and parsing a canonical form gives it back unchanged.
//!
//! ```
//! use anytime_core::expression::parse;
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
mod tree;

use crate::{CoreError, CoreResult, ErrorDetail};
use serde::{Deserialize, Serialize};

pub use tree::{Expr, ExprRef, Shape};

/// Longest accepted expression, in characters.
pub const MAX_LENGTH: usize = 1_000;
/// Most parentheses and NOTs that may enclose any condition number.
pub const MAX_DEPTH: usize = 32;

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
    // Bytes bound characters from above, so only long text needs counting.
    if text.len() > MAX_LENGTH && text.chars().nth(MAX_LENGTH).is_some() {
        return Err(ParseError::new(
            MAX_LENGTH,
            format!("longer than {MAX_LENGTH} characters"),
        ));
    }
    let expr = parser::Parser::parse(text, condition_count)?;
    // Compact input (`1or2or3…`) can print longer than it was written; a canonical form
    // over the limit would not parse back, so such input is refused as a whole (found by
    // the fuzz target).
    let canonical_length = expr.canonical_len();
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
