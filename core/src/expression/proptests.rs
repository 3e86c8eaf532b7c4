//! Properties: the canonical form round-trips, parsing preserves meaning, and no input can
//! make the parser panic.

use super::*;
use proptest::prelude::*;

const COUNT: usize = 6;

/// An independent reference: the plain recursive tree the flat form replaced, with its own
/// evaluation and printing, so the properties compare the parser against it rather than
/// against itself.
#[derive(Debug, Clone)]
enum Tree {
    Index(usize),
    Not(Box<Tree>),
    And(Vec<Tree>),
    Or(Vec<Tree>),
}

impl Tree {
    fn eval(&self, results: &[bool]) -> bool {
        match self {
            Tree::Index(n) => results[n - 1],
            Tree::Not(inner) => !inner.eval(results),
            Tree::And(items) => items.iter().all(|e| e.eval(results)),
            Tree::Or(items) => items.iter().any(|e| e.eval(results)),
        }
    }

    /// Fully parenthesized, lower-case: any parser must read it back with the same meaning.
    fn verbose(&self) -> String {
        match self {
            Tree::Index(n) => n.to_string(),
            Tree::Not(inner) => format!("not ({})", inner.verbose()),
            Tree::And(items) => join(items, " and "),
            Tree::Or(items) => join(items, " or "),
        }
    }

    /// The same tree through the smart constructors.
    fn expr(&self) -> Expr {
        match self {
            Tree::Index(n) => Expr::index(*n),
            Tree::Not(inner) => Expr::not(inner.expr()),
            Tree::And(items) => Expr::and(items.iter().map(Tree::expr).collect()),
            Tree::Or(items) => Expr::or(items.iter().map(Tree::expr).collect()),
        }
    }
}

fn join(items: &[Tree], separator: &str) -> String {
    let parts: Vec<String> = items.iter().map(|e| format!("({})", e.verbose())).collect();
    parts.join(separator)
}

fn reference() -> impl Strategy<Value = Tree> {
    let leaf = (1..=COUNT).prop_map(Tree::Index);
    leaf.prop_recursive(6, 48, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| Tree::Not(Box::new(e))),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Tree::And),
            prop::collection::vec(inner, 2..4).prop_map(Tree::Or),
        ]
    })
}

/// Normalized expressions (the smart constructors flatten, as the parser does).
fn tree() -> impl Strategy<Value = Expr> {
    reference().prop_map(|t| t.expr())
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
    fn canonical_len_is_the_printed_length(e in tree()) {
        prop_assert_eq!(e.canonical_len(), e.to_string().len());
    }

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
    fn parsing_agrees_with_the_reference_tree(
        t in reference(),
        results in prop::collection::vec(any::<bool>(), COUNT),
    ) {
        let parsed = parse(&t.verbose(), COUNT).expect("parenthesized text parses");
        prop_assert_eq!(parsed.eval(&results), t.eval(&results));
        prop_assert_eq!(&parsed, &t.expr());
        prop_assert_eq!(parsed.root().eval(&results), t.eval(&results));
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
