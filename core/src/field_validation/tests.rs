use super::*;
use crate::model::{CustomFieldValue, FieldOption, FieldType, Priority, Status, TagId};
use uuid::Uuid;

const AGENT: &str = "11111111-1111-4111-8111-111111111111";
const DEPT: &str = "22222222-2222-4222-8222-222222222222";
const OTHER: &str = "33333333-3333-4333-8333-333333333333";

fn def(id: &str, field_type: FieldType) -> FieldDef {
    FieldDef {
        id: FieldId::new(id),
        field_type,
        name: id.to_string(),
        is_system_field: false,
        is_required: false,
        default_value: None,
        help_text: None,
        length: None,
        options: Vec::new(),
    }
}

fn with_options(mut d: FieldDef, values: &[&str]) -> FieldDef {
    d.options = values
        .iter()
        .enumerate()
        .map(|(i, v)| FieldOption {
            id: None,
            name: v.to_uppercase(),
            value: v.to_string(),
            order: i as i64,
        })
        .collect();
    d
}

fn known() -> Known {
    Known::new(
        [AgentId(Uuid::parse_str(AGENT).unwrap())],
        [DepartmentId(Uuid::parse_str(DEPT).unwrap())],
    )
}

fn text(s: &str) -> FieldValue {
    FieldValue::Text(s.to_string())
}

fn list(items: &[&str]) -> FieldValue {
    FieldValue::List(items.iter().map(|s| s.to_string()).collect())
}

/// Checks `value` against a field of `d`'s type; `Ok` carries the stored value.
fn check(d: &FieldDef, value: FieldValue) -> Result<Option<FieldValue>, String> {
    check_custom(d, &value, &known())
}

fn ok(d: &FieldDef, value: FieldValue) {
    assert!(
        check(d, value.clone()).is_ok(),
        "{value:?} should fit {:?}",
        d.field_type
    );
}

fn bad(d: &FieldDef, value: FieldValue) -> String {
    match check(d, value.clone()) {
        Err(reason) => reason,
        Ok(v) => panic!("{value:?} should not fit {:?}, got {v:?}", d.field_type),
    }
}

#[test]
fn empty_values_clear_any_field() {
    for t in [
        FieldType::Integer,
        FieldType::Email,
        FieldType::CheckboxList,
        FieldType::Operator,
    ] {
        assert_eq!(check(&def("f", t), text("")), Ok(None));
        assert_eq!(check(&def("f", t), list(&[])), Ok(None));
    }
}

#[test]
fn text_counts_characters_against_length() {
    let d = def("f", FieldType::Text);
    ok(&d, text(&"é".repeat(255)));
    assert_eq!(
        bad(&d, text(&"a".repeat(256))),
        "must be at most 255 characters (got 256)"
    );
    let mut short = d.clone();
    short.length = Some(3);
    ok(&short, text("abc"));
    bad(&short, text("abcd"));
    assert_eq!(bad(&d, list(&["a"])), "must be a single value, not a list");
}

#[test]
fn textarea_defaults_to_65535() {
    let d = def("f", FieldType::Textarea);
    ok(&d, text(&"x".repeat(65_535)));
    bad(&d, text(&"x".repeat(65_536)));
}

#[test]
fn email_is_an_addr_spec() {
    let d = def("f", FieldType::Email);
    for good in [
        "a@example.com",
        "first.last+tag@sub.example.co.uk",
        "\"john doe\"@example.org",
        "o'neil@example.ie",
    ] {
        ok(&d, text(good));
    }
    for wrong in [
        "plain",
        "@example.com",
        "a@",
        "a@localhost",
        "a@[127.0.0.1]",
        "John <a@example.com>",
        " a@example.com",
        "a@example.com ",
        "a..b@example.com",
        "a@exa mple.com",
        "a(comment)@example.com",
        "a@b@example.com",
    ] {
        bad(&d, text(wrong));
    }
    let long = format!("{}@{}.com", "a".repeat(64), "b".repeat(190));
    assert!(long.len() > 254);
    bad(&d, text(&long));
}

#[test]
fn url_and_link_need_absolute_http() {
    for t in [FieldType::Url, FieldType::Link] {
        let d = def("f", t);
        for good in [
            "http://example.com",
            "https://example.com/a?b=c#d",
            "https://127.0.0.1:8080/",
        ] {
            ok(&d, text(good));
        }
        for wrong in [
            "example.com",
            "/relative",
            "ftp://example.com",
            "javascript:alert(1)",
            "mailto:a@b.c",
            "http://",
            " https://example.com",
            "https://exa mple.com",
        ] {
            bad(&d, text(wrong));
        }
    }
}

#[test]
fn date_is_a_real_yyyy_mm_dd() {
    let d = def("f", FieldType::Date);
    for good in ["2024-02-29", "2023-12-31", "0001-01-01"] {
        ok(&d, text(good));
    }
    for wrong in [
        "2023-02-29",
        "2024-13-01",
        "2024-00-10",
        "2024-1-5",
        "24-01-05",
        "2024/01/05",
        "2024-01-05T00:00:00Z",
        "+2024-01-0",
    ] {
        bad(&d, text(wrong));
    }
}

#[test]
fn integer_is_i64() {
    let d = def("f", FieldType::Integer);
    for good in ["0", "-42", "9223372036854775807", "-9223372036854775808"] {
        ok(&d, text(good));
    }
    for wrong in ["9223372036854775808", "1.5", "1e3", " 1", "one", "0x10"] {
        bad(&d, text(wrong));
    }
}

#[test]
fn float_is_finite() {
    let d = def("f", FieldType::Float);
    for good in ["0", "-1.5", "3.25e2", ".5"] {
        ok(&d, text(good));
    }
    for wrong in ["NaN", "inf", "-infinity", "1e400", "1,5", "abc"] {
        bad(&d, text(wrong));
    }
}

#[test]
fn radio_and_dropdown_take_one_option_value() {
    for t in [FieldType::Radio, FieldType::DropdownList] {
        let d = with_options(def("f", t), &["red", "blue"]);
        ok(&d, text("red"));
        assert_eq!(
            bad(&d, text("RED")),
            "`RED` is not one of the field's option values"
        );
        bad(&d, list(&["red"]));
    }
}

#[test]
fn checkbox_is_true_or_false() {
    let d = def("f", FieldType::Checkbox);
    ok(&d, text("true"));
    ok(&d, text("false"));
    for wrong in ["yes", "1", "True"] {
        bad(&d, text(wrong));
    }
}

#[test]
fn checkbox_list_takes_option_values_as_list_or_json_text() {
    let d = with_options(def("f", FieldType::CheckboxList), &["a", "b", "c"]);
    assert_eq!(check(&d, list(&["c", "a"])), Ok(Some(list(&["c", "a"]))));
    assert_eq!(check(&d, text(r#"["b"]"#)), Ok(Some(list(&["b"]))));
    assert_eq!(bad(&d, text("b")), "must be a JSON array of strings");
    assert_eq!(
        bad(&d, list(&["a", "x", "y"])),
        "`x`, `y` are not among the field's option values"
    );
    assert_eq!(bad(&d, list(&["a", "a"])), "lists `a` more than once");
}

#[test]
fn operator_and_department_need_existing_ids() {
    let op = def("f", FieldType::Operator);
    ok(&op, text(AGENT));
    assert_eq!(
        check(&op, text(&AGENT.to_uppercase())),
        Ok(Some(text(AGENT)))
    );
    assert_eq!(bad(&op, text(OTHER)), format!("no agent with id {OTHER}"));
    assert_eq!(bad(&op, text("bob")), "must be an agent id");
    let dept = def("f", FieldType::Department);
    ok(&dept, text(DEPT));
    bad(&dept, text(AGENT));
    let unchecked = check_custom(&op, &text(OTHER), &Known::unchecked());
    assert_eq!(unchecked, Ok(Some(text(OTHER))));
}

#[test]
fn system_fields_parse_to_typed_changes() {
    let fields = FieldSet::default();
    let k = known();
    let v = |id: &str, value: FieldValue| validate_value(&fields, &FieldId::new(id), &value, &k);
    assert_eq!(
        v("status", text("onhold")),
        Ok(FieldChange::Status(Status::OnHold))
    );
    assert_eq!(
        v("Priority", text("urgent")),
        Ok(FieldChange::Priority(Priority::Urgent))
    );
    assert!(v("status", text("open")).is_err());
    assert_eq!(
        v("agentAssignee", text("")),
        Ok(FieldChange::AgentAssignee(None))
    );
    assert!(v("agentAssignee", text(OTHER)).is_err());
    assert!(v("departmentAssignee", text(DEPT)).is_ok());
    assert_eq!(
        v("tags", list(&[OTHER])),
        Ok(FieldChange::Tags(vec![TagId(
            Uuid::parse_str(OTHER).unwrap()
        )]))
    );
    assert!(v("tags", list(&["x"])).is_err());
    assert_eq!(v("isRead", text("true")), Ok(FieldChange::IsRead(true)));
    assert_eq!(
        v("createdTime", text("2024-01-01")),
        Err("is read-only".to_string())
    );
    assert_eq!(
        v("subject", text("hi")),
        Ok(FieldChange::Subject("hi".into()))
    );
    assert!(v("subject", text(&"s".repeat(999))).is_err());
}

#[test]
fn validate_values_lists_every_failure_in_order() {
    let fields = FieldSet::new([def("n", FieldType::Integer), def("e", FieldType::Email)]);
    let values = vec![
        (FieldId::new("n"), text("x")),
        (FieldId::new("e"), text("a@example.com")),
        (FieldId::new("zz"), text("1")),
        (FieldId::new("N"), text("5")),
        (FieldId::new("e"), text("nope")),
    ];
    let errors = validate_values(&fields, &values, &known()).unwrap_err();
    let got: Vec<(&str, &str)> = errors
        .iter()
        .map(|e| (e.field.as_str(), e.message.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "n",
                "must be a whole number between -9223372036854775808 and 9223372036854775807"
            ),
            ("zz", "no such field"),
            ("N", "is given more than once"),
            ("e", "is given more than once"),
        ]
    );
}

#[test]
fn required_fields_only_when_asked() {
    let mut r = def("r", FieldType::Text);
    r.is_required = true;
    let mut c = def("c", FieldType::Checkbox);
    c.is_required = true;
    let fields = FieldSet::new([r, c]);
    let none: Vec<(FieldId, FieldValue)> = vec![];
    assert!(validate_values(&fields, &none, &known()).is_ok());
    let errors = validate_complete(&fields, &none, &known()).unwrap_err();
    assert_eq!(
        errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
        ["c", "r"]
    );
    let filled = vec![
        (FieldId::new("r"), text("x")),
        (FieldId::new("c"), text("false")),
    ];
    let errors = validate_complete(&fields, &filled, &known()).unwrap_err();
    assert_eq!(
        errors.len(),
        1,
        "an unticked required checkbox is not filled"
    );
    let filled = vec![
        (FieldId::new("r"), text("x")),
        (FieldId::new("c"), text("true")),
    ];
    assert!(validate_complete(&fields, &filled, &known()).is_ok());
    // An invalid value is reported once, not again as missing.
    let wrong = vec![
        (FieldId::new("r"), list(&["x"])),
        (FieldId::new("c"), text("true")),
    ];
    assert_eq!(
        validate_complete(&fields, &wrong, &known())
            .unwrap_err()
            .len(),
        1
    );
}

#[test]
fn require_filled_names_missing_fields() {
    let mut r = def("r", FieldType::Text);
    r.is_required = true;
    r.name = "Reason".into();
    let fields = FieldSet::new([r, def("o", FieldType::Text)]);
    let err = require_filled(&fields, &[]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "required fields are not filled: Reason (r)"
    );
    assert_eq!(err.details()[0].field, "r");
    let values = vec![CustomFieldValue {
        id: FieldId::new("R"),
        name: None,
        value: text("x"),
    }];
    assert!(require_filled(&fields, &values).is_ok());
}

#[test]
fn definitions_need_sound_options_lengths_and_defaults() {
    let k = known();
    let fields_of = |d: &FieldDef| -> Vec<String> {
        check_definition(d, &k)
            .into_iter()
            .map(|e| e.field)
            .collect()
    };
    assert!(fields_of(&def("f", FieldType::Text)).is_empty());
    assert_eq!(fields_of(&def("f", FieldType::Radio)), ["options"]);
    assert_eq!(
        fields_of(&with_options(def("f", FieldType::Text), &["a"])),
        ["options"]
    );
    assert_eq!(
        fields_of(&with_options(
            def("f", FieldType::DropdownList),
            &["a", "", "a"]
        )),
        ["options[1].value", "options[2].value"]
    );
    let mut d = def("f", FieldType::Integer);
    d.default_value = Some(text("x"));
    assert_eq!(fields_of(&d), ["defaultValue"]);
    d.default_value = Some(text("7"));
    assert!(fields_of(&d).is_empty());
    let mut d = def("f", FieldType::Text);
    d.length = Some(0);
    d.name = " ".into();
    assert_eq!(fields_of(&d), ["name", "length"]);
    d.length = Some(65_536);
    d.name = "ok".into();
    assert_eq!(fields_of(&d), ["length"]);
    let mut d = def("f", FieldType::Text);
    d.length = Some(2);
    d.default_value = Some(text("abc"));
    assert_eq!(fields_of(&d), ["defaultValue"]);
    let mut d = with_options(def("f", FieldType::CheckboxList), &["a", "b"]);
    d.default_value = Some(text(r#"["b","c"]"#));
    assert_eq!(fields_of(&d), ["defaultValue"]);
    let mut d = def("f", FieldType::Operator);
    d.default_value = Some(text(AGENT));
    assert!(fields_of(&d).is_empty());
    assert_eq!(fields_of(&def("status", FieldType::Text)), ["id"]);
    assert!(validate_field_def(&def("f", FieldType::Radio), &k).is_err());
}

#[test]
fn eval_reports_errors_as_data() {
    let input: ValidateFieldsInput = serde_json::from_value(serde_json::json!({
        "fields": [{"id": "n", "type": "integer"}],
        "values": [{"id": "n", "value": null}, {"id": "status", "value": "x"}],
    }))
    .unwrap();
    let out = validate_fields(input);
    assert!(!out.valid);
    assert_eq!(out.errors.len(), 1);
    assert_eq!(out.errors[0].field, "status");
}
