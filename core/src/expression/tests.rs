use super::*;

fn canon(text: &str, count: usize) -> String {
    match parse(text, count) {
        Ok(e) => e.to_string(),
        Err(e) => panic!("{text}: {e:?}"),
    }
}

fn fault(text: &str, count: usize) -> (usize, String) {
    let e = parse_raw(text, count).expect_err(text);
    (e.position, e.message)
}

#[test]
fn canonical_forms() {
    assert_eq!(canon("((1))", 1), "1");
    assert_eq!(canon("1 or (2 and 3)", 3), "1 OR 2 AND 3");
    assert_eq!(canon("(1 OR 2) AND 3", 3), "(1 OR 2) AND 3");
    assert_eq!(canon("1 OR (2 OR 3)", 3), "1 OR 2 OR 3");
    assert_eq!(canon("not(1and2)", 2), "NOT (1 AND 2)");
    assert_eq!(canon("NOT NOT 1", 1), "NOT NOT 1");
    assert_eq!(canon("  1\tAnD\n2 ", 2), "1 AND 2");
    assert_eq!(canon("(1 AND 2) AND (3 AND 4)", 4), "1 AND 2 AND 3 AND 4");
    assert_eq!(canon("NOT (1) OR (NOT 2)", 2), "NOT 1 OR NOT 2");
    assert_eq!(canon("001", 1), "1");
}

#[test]
fn canonical_forms_parse_back_unchanged() {
    for text in [
        "(1 OR 2) AND 3",
        "NOT (1 OR 2) AND NOT 3",
        "1 OR 2 AND (3 OR NOT 1)",
    ] {
        let once = canon(text, 3);
        assert_eq!(canon(&once, 3), once);
    }
}

#[test]
fn precedence_and_evaluation() {
    let e = parse("1 OR 2 AND 3", 3).unwrap();
    assert!(e.eval(&[true, false, false]));
    assert!(!e.eval(&[false, true, false]));
    let e = parse("NOT 1 AND 2", 2).unwrap();
    assert!(e.eval(&[false, true]));
    assert!(!e.eval(&[true, true]));
}

#[test]
fn errors_point_at_the_fault() {
    assert_eq!(fault("1 AND 4", 3).0, 6);
    assert_eq!(fault("0", 3).0, 0);
    assert_eq!(fault("", 3).0, 0);
    assert_eq!(fault("1 AND", 3).0, 5);
    assert_eq!(fault("(1 OR 2", 3).0, 7);
    assert_eq!(fault("1 OR 2)", 3).0, 6);
    assert_eq!(
        fault("1 XOR 2", 3),
        (2, "unknown word `XOR` (expected AND, OR or NOT)".into())
    );
    assert_eq!(fault("1 & 2", 3).0, 2);
    assert_eq!(fault("1 2", 3).0, 2);
    assert_eq!(fault("é 1", 3).0, 0);
    assert_eq!(
        fault("1 AND ü", 3).0,
        6,
        "offsets count characters, not bytes"
    );
    assert_eq!(fault("ü AND ü", 3).0, 0);
    assert_eq!(fault("99999999999999999999999", 3).0, 0);
    assert_eq!(fault("()", 3).0, 1);
}

#[test]
fn length_limit() {
    let ok = format!("1{}", " ".repeat(MAX_LENGTH - 1));
    assert!(parse(&ok, 1).is_ok());
    let long = format!("1{}", " ".repeat(MAX_LENGTH));
    assert_eq!(fault(&long, 1).0, MAX_LENGTH);
    let huge = "(".repeat(1_000_000);
    assert_eq!(fault(&huge, 1).0, MAX_LENGTH);
}

#[test]
fn depth_limit() {
    let ok = format!("{}1{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
    assert_eq!(canon(&ok, 1), "1");
    let deep = format!(
        "{}1{}",
        "(".repeat(MAX_DEPTH + 1),
        ")".repeat(MAX_DEPTH + 1)
    );
    assert_eq!(fault(&deep, 1).0, MAX_DEPTH);
    let nots = "NOT ".repeat(MAX_DEPTH + 1) + "1";
    assert_eq!(fault(&nots, 1).0, 4 * MAX_DEPTH);
    let ok_nots = "NOT ".repeat(MAX_DEPTH) + "1";
    assert!(parse(&ok_nots, 1).is_ok());
    // Deeper than any stack could take without the limit; must fail cleanly.
    let flood = "(".repeat(MAX_LENGTH);
    assert_eq!(fault(&flood, 1).0, MAX_DEPTH);
}

#[test]
fn error_detail_names_the_expression_field() {
    let e = parse("1 AND 4", 3).unwrap_err();
    let d = &e.details()[0];
    assert_eq!(d.field, "expression");
    assert_eq!(d.position, Some(6));
}

/// Fuzz crash: compact input whose canonical form (with spaces) passed the length limit.
#[test]
fn canonical_form_is_never_over_the_limit() {
    let compact = format!("6{}", "or6".repeat(333));
    assert_eq!(compact.len(), 1_000);
    let e = parse_raw(&compact, 9).unwrap_err();
    assert_eq!(e.position, 0);
    assert_eq!(
        e.message,
        "canonical form would be 1666 characters, longer than 1000"
    );
    let fits = format!("6{}", "or6".repeat(199));
    let canonical = parse(&fits, 9).unwrap().to_string();
    assert_eq!(canonical.len(), 996);
    assert_eq!(parse(&canonical, 9).unwrap().to_string(), canonical);
}
