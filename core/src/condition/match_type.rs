//! Match types and which field kinds they apply to (SPEC §5.1).

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MatchType {
    Contains,
    NotContains,
    Is,
    IsNot,
    IsMoreThan,
    IsLessThan,
    Before,
    After,
}

impl MatchType {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchType::Contains => "contains",
            MatchType::NotContains => "notContains",
            MatchType::Is => "is",
            MatchType::IsNot => "isNot",
            MatchType::IsMoreThan => "isMoreThan",
            MatchType::IsLessThan => "isLessThan",
            MatchType::Before => "before",
            MatchType::After => "after",
        }
    }

    /// `notContains` and `isNot` are exact negations of `contains` and `is`.
    pub(super) fn is_negative(self) -> bool {
        matches!(self, MatchType::NotContains | MatchType::IsNot)
    }
}

impl fmt::Display for MatchType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a field's value is compared; every field type and system field has exactly one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Integer,
    Float,
    Date,
    Choice,
    Multi,
}

impl Kind {
    pub fn allowed(self) -> &'static [MatchType] {
        use MatchType::*;
        match self {
            Kind::Text | Kind::Multi => &[Contains, NotContains, Is, IsNot],
            Kind::Integer | Kind::Float => &[Is, IsNot, IsMoreThan, IsLessThan],
            Kind::Date => &[Is, Before, After],
            Kind::Choice => &[Is, IsNot],
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Kind::Text => "a text",
            Kind::Integer => "an integer",
            Kind::Float => "a number",
            Kind::Date => "a date",
            Kind::Choice => "an option",
            Kind::Multi => "a multi-valued",
        }
    }
}
