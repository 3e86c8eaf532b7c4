//! Properties: the canonical form round-trips, parsing preserves meaning, and no input can
//! make the parser panic.

use super::*;
use proptest::prelude::*;

const COUNT: usize = 6;

/// Normalized trees (the smart constructors flatten, as the parser does).
fn tree() -> impl Strategy<Value = Expr> {
    let leaf = (1..=COUNT).prop_map(Expr::Index);
    leaf.prop_recursive(6, 48, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| Expr::Not(Box::new(e))),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Expr::and),
            prop::collection::vec(inner, 2..4).prop_map(Expr::or),
        ]
    })
}

/// Strings made mostly of the expression's own alphabet, so the parser's deeper paths are hit.
fn near_miss() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("(".to_string()),
            Just(")".to_string()),
            Just(" ".to_string()),
            Just("AND".to_string()),
            Just("or".to_string()),
            Just("Not".to_string()),
            Just("XOR".to_string()),
            Just("é".to_string()),
            (0usize..9).prop_map(|n| n.to_string()),
            Just("99999999999999999999999".to_string()),
        ],
        0..80,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #[test]
    fn canonical_round_trip(e in tree()) {
        let printed = e.to_string();
        let parsed = parse(&printed, COUNT).expect("canonical text parses");
        prop_assert_eq!(&parsed, &e);
        prop_assert_eq!(parsed.to_string(), printed);
    }

    #[test]
    fn parsing_preserves_meaning(e in tree(), results in prop::collection::vec(any::<bool>(), COUNT)) {
        let parsed = parse(&e.to_string(), COUNT).expect("canonical text parses");
        prop_assert_eq!(parsed.eval(&results), e.eval(&results));
    }

    #[test]
    fn never_panics_on_any_string(text in any::<String>(), count in 0usize..10) {
        let _ = parse(&text, count);
    }

    #[test]
    fn near_misses_parse_or_point_inside(text in near_miss(), count in 0usize..10) {
        match parse_raw(&text, count) {
            Ok(e) => {
                prop_assert!(e.max_index() <= count);
                let canonical = e.to_string();
                prop_assert_eq!(parse(&canonical, count).map(|c| c.to_string()), Ok(canonical));
            }
            Err(err) => prop_assert!(err.position <= text.chars().count()),
        }
    }
}
