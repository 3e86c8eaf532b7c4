//! Form and query parameters of the OAuth endpoints. RFC 6749 §3.1/§3.2: a parameter sent
//! twice is an error, and an empty value counts as absent.

use std::collections::BTreeMap;

#[derive(Debug, Default)]
pub struct Params {
    values: BTreeMap<String, String>,
    /// Names that appeared more than once.
    repeated: Vec<String>,
}

impl Params {
    /// Parses `a=1&b=2` (query string or `application/x-www-form-urlencoded` body).
    pub fn parse(encoded: &str) -> Params {
        let mut params = Params::default();
        for (name, value) in url::form_urlencoded::parse(encoded.as_bytes()) {
            if value.is_empty() {
                continue;
            }
            if params.values.contains_key(name.as_ref()) {
                if !params.repeated.iter().any(|r| r == name.as_ref()) {
                    params.repeated.push(name.to_string());
                }
            } else {
                params.values.insert(name.into_owned(), value.into_owned());
            }
        }
        params
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    pub fn is_repeated(&self, name: &str) -> bool {
        self.repeated.iter().any(|r| r == name)
    }

    /// The first repeated parameter, if any.
    pub fn repeated(&self) -> Option<&str> {
        self.repeated.first().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_skips_empty_and_notes_repeats() {
        let p = Params::parse("a=x%20y&b=&c=1&c=2&d=%2F");
        assert_eq!(p.get("a"), Some("x y"));
        assert_eq!(p.get("b"), None);
        assert_eq!(p.get("c"), Some("1"));
        assert_eq!(p.get("d"), Some("/"));
        assert_eq!(p.repeated(), Some("c"));
        assert!(p.is_repeated("c") && !p.is_repeated("a"));
        assert_eq!(Params::parse("a=1").repeated(), None);
    }
}
