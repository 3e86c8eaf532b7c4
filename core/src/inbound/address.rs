//! Addresses and domains as the inbound rules compare them: case-insensitive, without the
//! display name, and with domains split into labels so a rule for `example.com` matches
//! `mail.example.com` but never `evil-example.com`.

/// The bare address of a `From`-style value, lowercased: `Jane <JANE@Example.com>` →
/// `jane@example.com`. Values without angle brackets are trimmed and lowercased as they are,
/// so a channel's `originalSenderId` (not an address) is compared the same way.
pub fn normalize_address(value: &str) -> String {
    let trimmed = value.trim();
    let bare = match (trimmed.rfind('<'), trimmed.rfind('>')) {
        (Some(open), Some(close)) if open < close => &trimmed[open + 1..close],
        _ => trimmed,
    };
    bare.trim().to_lowercase()
}

/// The domain of a normalized address (after the last `@`, trailing dot dropped), if it has
/// one.
pub fn domain_of(address: &str) -> Option<&str> {
    let (_, domain) = address.rsplit_once('@')?;
    let domain = domain.trim_end_matches('.');
    (!domain.is_empty()).then_some(domain)
}

/// `a.b.example.com`, then `b.example.com`, `example.com`, `com`: the domain itself and every
/// parent, most specific first. Cutting only at dots is what keeps `evil-example.com` from
/// ever producing `example.com`.
pub fn domain_suffixes(domain: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(domain);
    std::iter::from_fn(move || {
        let current = rest?;
        rest = current.split_once('.').map(|(_, parent)| parent);
        Some(current)
    })
}

/// Why `value` is not a domain name, if it is not one: labels separated by dots, none empty,
/// no `@`, spaces or brackets.
pub fn domain_problem(value: &str) -> Option<&'static str> {
    if value.is_empty() {
        return Some("must be a domain such as example.com, got an empty value");
    }
    if value.contains('@') {
        return Some("must be a domain such as example.com, not an address");
    }
    if value
        .chars()
        .any(|c| c.is_whitespace() || matches!(c, '<' | '>' | '[' | ']' | ',' | ';' | '"'))
    {
        return Some("must be a domain such as example.com (no spaces or brackets)");
    }
    if value.split('.').any(str::is_empty) {
        return Some("must be a domain such as example.com (no empty labels)");
    }
    None
}

/// Why `value` is not an email address, if it is not one: a non-empty local part, one `@`,
/// and a domain.
pub fn address_problem(value: &str) -> Option<&'static str> {
    let Some((local, domain)) = value.rsplit_once('@') else {
        return Some("must be an email address such as jane@example.com");
    };
    if local.is_empty() || local.chars().any(char::is_whitespace) || local.contains('@') {
        return Some("must be an email address such as jane@example.com");
    }
    domain_problem(domain).map(|_| "must be an email address such as jane@example.com")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_and_case_are_dropped() {
        assert_eq!(
            normalize_address(" Jane Doe <Jane@Example.COM> "),
            "jane@example.com"
        );
        assert_eq!(normalize_address("BOB@x.org"), "bob@x.org");
        assert_eq!(normalize_address("wa:+4912345"), "wa:+4912345");
    }

    #[test]
    fn suffixes_cut_only_at_dots() {
        let all: Vec<_> = domain_suffixes("a.b.example.com").collect();
        assert_eq!(
            all,
            ["a.b.example.com", "b.example.com", "example.com", "com"]
        );
        assert!(!domain_suffixes("evil-example.com").any(|d| d == "example.com"));
    }

    #[test]
    fn domains_and_addresses_are_told_apart() {
        assert_eq!(domain_of("jane@example.com."), Some("example.com"));
        assert_eq!(domain_of("no-at-sign"), None);
        assert!(domain_problem("example.com").is_none());
        assert!(domain_problem("jane@example.com").is_some());
        assert!(domain_problem("example..com").is_some());
        assert!(domain_problem("").is_some());
        assert!(address_problem("jane@example.com").is_none());
        assert!(address_problem("example.com").is_some());
        assert!(address_problem("@example.com").is_some());
        assert!(address_problem("jane@").is_some());
    }
}
