//! Field checks at the edge. A [`Checks`] collects every failing field, so one 400 lists
//! them all (`details:[{field,message}]`).

use super::error::ApiError;
use anytime_core::{CoreError, ErrorDetail};

#[derive(Debug, Default)]
pub struct Checks {
    details: Vec<ErrorDetail>,
}

/// Whether `s` looks like a mail address: `local@domain`, no spaces, sane lengths, domain
/// labels of letters, digits and hyphens (a dotless domain such as `localhost` is allowed).
pub fn is_email(s: &str) -> bool {
    if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    if local.is_empty()
        || local.len() > 64
        || local.contains('@')
        || local.contains(['<', '>', ',', ';', ':', '"', '(', ')', '[', ']', '\\'])
    {
        return false;
    }
    !domain.is_empty()
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

impl Checks {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.details.push(ErrorDetail::new(field, message));
    }

    /// A required display name: trimmed, 1..=`max` characters.
    pub fn name(&mut self, field: &str, value: &str, max: usize) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.add(field, "must not be empty");
        } else if v.chars().count() > max {
            self.add(field, format!("at most {max} characters"));
        }
        v.to_string()
    }

    /// Free text of at most `max` characters (kept as given).
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        if value.chars().count() > max {
            self.add(field, format!("at most {max} characters"));
        }
        value.to_string()
    }

    /// A mail address, trimmed.
    pub fn email(&mut self, field: &str, value: &str) -> String {
        let v = value.trim();
        if !is_email(v) {
            self.add(field, "not a valid email address");
        }
        v.to_string()
    }

    /// An optional value; empty or blank text counts as absent.
    pub fn optional<T>(
        &mut self,
        value: Option<&str>,
        check: impl FnOnce(&mut Self, &str) -> T,
    ) -> Option<T> {
        value
            .filter(|v| !v.trim().is_empty())
            .map(|v| check(self, v))
    }

    /// `Err` with every collected detail, if any.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.details.is_empty() {
            return Ok(());
        }
        let message = self
            .details
            .iter()
            .map(|d| format!("{}: {}", d.field, d.message))
            .collect::<Vec<_>>()
            .join("; ");
        Err(ApiError::Core(CoreError::invalid_fields(
            message,
            self.details,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for ok in [
            "a@b.co",
            "admin@localhost",
            "first.last+tag@sub.example.org",
            "ü@bücher.de",
        ] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "", "a", "@b.c", "a@", "a b@c.d", "a@b..c", "a@-b.c", "a@b@c", "<a@b.c>", "a@b_c.d",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn collects_every_failing_field() {
        let mut c = Checks::new();
        c.name("name", "  ", 10);
        c.email("email", "nope");
        c.text("description", "abc", 2);
        let Err(ApiError::Core(e)) = c.finish() else {
            panic!("expected a validation error")
        };
        let fields: Vec<&str> = e.details().iter().map(|d| d.field.as_str()).collect();
        assert_eq!(fields, ["name", "email", "description"]);
    }
}
