//! Case-insensitive text comparison by Unicode simple case folding (SPEC §5.1).
//!
//! No crate in our registry mirror offers *simple* folding (`caseless` does full folding,
//! where `ß` equals `ss`, which SPEC does not ask for), so folding is Rust's per-character
//! `to_lowercase`, keeping characters whose lower case is several characters (only `İ`, which
//! simple folding also leaves alone), plus the few characters whose folding differs from their
//! lower case (final sigma, `ſ`, `µ`, Greek symbol variants). Folding both sides with the same
//! function gives the equivalence classes of CaseFolding.txt's C + S mappings.

/// Folds `text` for comparison; equal results mean equal ignoring case.
pub fn fold(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

/// `fold(haystack).contains(needle)` for a `needle` already folded; no allocation when the
/// haystack is ASCII (the common case, and the hot loop of routing through many rules).
pub fn contains_folded(haystack: &str, needle: &str) -> bool {
    if haystack.is_ascii() {
        // A folded ASCII text is ASCII: it cannot contain a non-ASCII needle.
        let (h, n) = (haystack.as_bytes(), needle.as_bytes());
        return needle.is_ascii()
            && (n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n)));
    }
    fold(haystack).contains(needle)
}

/// `fold(text) == folded`, allocating only for non-ASCII text.
pub fn equals_folded(text: &str, folded: &str) -> bool {
    if text.is_ascii() {
        return text.eq_ignore_ascii_case(folded) && folded.is_ascii();
    }
    fold(text) == folded
}

fn fold_char(c: char) -> char {
    match c {
        '\u{00B5}' => '\u{03BC}',              // micro sign → mu
        '\u{017F}' => 's',                     // long s
        '\u{0345}' | '\u{1FBE}' => '\u{03B9}', // iota subscript forms → iota
        '\u{03C2}' => '\u{03C3}',              // final sigma → sigma
        '\u{03D0}' => '\u{03B2}',              // beta symbol
        '\u{03D1}' => '\u{03B8}',              // theta symbol
        '\u{03D5}' => '\u{03C6}',              // phi symbol
        '\u{03D6}' => '\u{03C0}',              // pi symbol
        '\u{03F0}' => '\u{03BA}',              // kappa symbol
        '\u{03F1}' => '\u{03C1}',              // rho symbol
        '\u{03F5}' => '\u{03B5}',              // lunate epsilon
        '\u{1E9B}' => '\u{1E61}',              // long s with dot above
        _ => {
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(single), None) => single,
                _ => c,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{contains_folded, equals_folded, fold};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn fast_paths_agree_with_folding(
            haystack in "[a-zA-Z ßſKΣς\u{212A}-]{0,12}",
            needle in "[a-zA-Z ßſKΣς\u{212A}-]{0,4}",
        ) {
            let folded = fold(&needle);
            prop_assert_eq!(contains_folded(&haystack, &folded), fold(&haystack).contains(&folded));
            prop_assert_eq!(equals_folded(&haystack, &folded), fold(&haystack) == folded);
        }
    }

    #[test]
    fn simple_folding() {
        assert_eq!(fold("HeLLo"), "hello");
        assert_eq!(fold("ΣΊΣΥΦΟΣ"), fold("σίσυφος"));
        assert_eq!(fold("ς"), fold("Σ"));
        assert_eq!(fold("ǅ"), fold("Ǆ"));
        assert_eq!(fold("µ"), fold("Μ"));
        assert_eq!(fold("\u{212A}"), "k", "Kelvin sign");
        assert_eq!(fold("ẞ"), "ß");
        assert_eq!(fold("ſ"), "s");
        // Full folding would make these equal; simple folding does not.
        assert_ne!(fold("STRASSE"), fold("straße"));
        assert_eq!(fold("İ"), "İ");
    }
}
