//! Rule segments: every operator, missing values, groups, modes, validation and the JSON format.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use segscope_engine::ingest::{read_table, ReadOptions};
use segscope_engine::progress::Quiet;
use segscope_engine::rules::{
    check, evaluate, schema_of, truth, with_numbers, Definition, Frame, Mode, Place, RulesError, FORMAT,
};
use segscope_engine::table::Table;

const CSV: &[u8] = b"id,age,income,country,joined,vip,email,seen
1,25,1000.5,France,2024-01-10,true,ann@example.com,2024-01-10 08:00:00
2,35,,Germany,2023-06-01,false,BOB@EXAMPLE.ORG,2024-01-09 23:59:59
3,,2500,France,,true,carl@mail.fr,
4,45,4000,Spain,2022-12-31,,dora@example.com,2023-12-01 12:00:00
5,30,3000,United Kingdom,2024-01-31,false,,2024-01-31 00:00:00
6,60,1500.25,France,2020-02-29,true,eve@EXAMPLE.com,2022-02-02 02:02:02
";

fn table() -> Table {
    read_table("t.csv", CSV, &ReadOptions::default(), &mut Quiet).unwrap().table
}

fn def(json: &str) -> Definition {
    Definition::from_json(json).unwrap_or_else(|e| panic!("{e}\n{json}"))
}

/// The ids of rows where the condition (JSON) is true, and where it is unknown.
fn ids(condition: &str) -> (Vec<usize>, Vec<usize>) {
    let t = table();
    let d = def(&format!(
        r#"{{"format": "{FORMAT}", "as_of": "2024-02-01", "segments": [{{"name": "s", "when": {condition}}}]}}"#
    ));
    let v = check(&d, &schema_of(&t), None).unwrap_or_else(|e| panic!("{e}"));
    let tr = truth(&v.segments[0].check, &Frame::new(&t, &v));
    (
        (0..t.rows()).filter(|&r| tr.is_true(r)).map(|r| r + 1).collect(),
        (0..t.rows()).filter(|&r| tr.is_unknown(r)).map(|r| r + 1).collect(),
    )
}

#[test]
fn number_comparisons_and_missing_is_unknown() {
    assert_eq!(ids(r#"{"column": "age", "op": "gt", "value": 30}"#), (vec![2, 4, 6], vec![3]));
    assert_eq!(ids(r#"{"column": "age", "op": "ge", "value": 30}"#).0, [2, 4, 5, 6]);
    assert_eq!(ids(r#"{"column": "age", "op": "lt", "value": 30}"#).0, [1]);
    assert_eq!(ids(r#"{"column": "age", "op": "le", "value": 30}"#).0, [1, 5]);
    assert_eq!(ids(r#"{"column": "age", "op": "eq", "value": 30}"#).0, [5]);
    assert_eq!(ids(r#"{"column": "age", "op": "ne", "value": 30}"#), (vec![1, 2, 4, 6], vec![3]));
    assert_eq!(ids(r#"{"column": "income", "op": "eq", "value": 1000.5}"#).0, [1]);
}

#[test]
fn between_states_which_ends_are_included() {
    let b = |inc: &str| ids(&format!(r#"{{"column": "age", "op": "between", "min": 30, "max": 45{inc}}}"#)).0;
    assert_eq!(b(""), [2, 4, 5]);
    assert_eq!(b(r#", "inclusive": "neither""#), [2]);
    assert_eq!(b(r#", "inclusive": "lower""#), [2, 5]);
    assert_eq!(b(r#", "inclusive": "upper""#), [2, 4]);
}

#[test]
fn missing_tests_are_never_unknown() {
    assert_eq!(ids(r#"{"column": "age", "op": "is_missing"}"#), (vec![3], vec![]));
    assert_eq!(ids(r#"{"column": "email", "op": "is_not_missing"}"#), (vec![1, 2, 3, 4, 6], vec![]));
}

#[test]
fn text_and_category_operators() {
    assert_eq!(ids(r#"{"column": "country", "op": "is", "value": "France"}"#).0, [1, 3, 6]);
    assert_eq!(ids(r#"{"column": "country", "op": "is", "value": "france"}"#).0, Vec::<usize>::new());
    assert_eq!(ids(r#"{"column": "country", "op": "is", "value": "france", "case_insensitive": true}"#).0, [1, 3, 6]);
    assert_eq!(ids(r#"{"column": "country", "op": "is_not", "value": "France"}"#).0, [2, 4, 5]);
    assert_eq!(ids(r#"{"column": "country", "op": "any_of", "values": ["Spain", "Germany"]}"#).0, [2, 4]);
    assert_eq!(ids(r#"{"column": "country", "op": "none_of", "values": ["Spain", "Germany"]}"#).0, [1, 3, 5, 6]);
    assert_eq!(ids(r#"{"column": "email", "op": "ends_with", "value": "example.com"}"#), (vec![1, 4], vec![5]));
    assert_eq!(
        ids(r#"{"column": "email", "op": "ends_with", "value": "example.com", "case_insensitive": true}"#).0,
        [1, 4, 6]
    );
    assert_eq!(ids(r#"{"column": "email", "op": "starts_with", "value": "BOB"}"#).0, [2]);
    assert_eq!(ids(r#"{"column": "email", "op": "contains", "value": "mail"}"#).0, [3]);
    assert_eq!(ids(r#"{"column": "email", "op": "none_of", "values": ["carl@mail.fr"]}"#), (vec![1, 2, 4, 6], vec![5]));
}

#[test]
fn date_operators_count_back_from_the_as_of_date() {
    assert_eq!(ids(r#"{"column": "joined", "op": "before", "date": "2023-06-01"}"#), (vec![4, 6], vec![3]));
    assert_eq!(ids(r#"{"column": "joined", "op": "after", "date": "2023-06-01"}"#).0, [1, 5]);
    assert_eq!(ids(r#"{"column": "joined", "op": "between", "min": "2023-06-01", "max": "2024-01-10"}"#).0, [1, 2]);
    // as of 2024-02-01: the last 31 days are 2024-01-01 ..= 2024-01-31.
    assert_eq!(ids(r#"{"column": "joined", "op": "in_last", "n": 31, "unit": "days"}"#).0, [1, 5]);
    assert_eq!(ids(r#"{"column": "joined", "op": "in_last", "n": 8, "unit": "months"}"#).0, [1, 2, 5]);
}

#[test]
fn date_time_columns_compare_whole_days() {
    assert_eq!(ids(r#"{"column": "seen", "op": "after", "date": "2024-01-09"}"#).0, [1, 5]);
    assert_eq!(ids(r#"{"column": "seen", "op": "before", "date": "2024-01-10"}"#).0, [2, 4, 6]);
    assert_eq!(ids(r#"{"column": "seen", "op": "between", "min": "2024-01-09", "max": "2024-01-10"}"#).0, [1, 2]);
    assert_eq!(ids(r#"{"column": "seen", "op": "in_last", "n": 1, "unit": "days"}"#).0, [5]);
}

#[test]
fn boolean_operators() {
    assert_eq!(ids(r#"{"column": "vip", "op": "is_true"}"#), (vec![1, 3, 6], vec![4]));
    assert_eq!(ids(r#"{"column": "vip", "op": "is_false"}"#), (vec![2, 5], vec![4]));
}

#[test]
fn groups_follow_three_valued_logic() {
    let gt30 = r#"{"column": "age", "op": "gt", "value": 30}"#;
    let france = r#"{"column": "country", "op": "is", "value": "France"}"#;
    // NOT (age > 30) does not match the customer with a missing age either.
    assert_eq!(ids(&format!(r#"{{"none": [{gt30}]}}"#)), (vec![1, 5], vec![3]));
    // Unknown OR true is true; unknown AND false is false.
    assert_eq!(ids(&format!(r#"{{"any": [{gt30}, {france}]}}"#)), (vec![1, 2, 3, 4, 6], vec![]));
    assert_eq!(ids(&format!(r#"{{"all": [{gt30}, {france}]}}"#)), (vec![6], vec![3]));
    let vip = r#"{"column": "vip", "op": "is_true"}"#;
    assert_eq!(ids(&format!(r#"{{"at_least": 2, "of": [{gt30}, {france}, {vip}]}}"#)).0, [1, 3, 6]);
    let nested = format!(
        r#"{{"all": [{{"any": [{france}, {{"none": [{vip}]}}]}}, {{"column": "income", "op": "is_not_missing"}}]}}"#
    );
    assert_eq!(ids(&nested).0, [1, 3, 5, 6]);
}

#[test]
fn first_match_order_remainder_and_missing_exclusions() {
    let t = table();
    let d = def(&format!(
        r#"{{"format": "{FORMAT}", "segments": [
            {{"name": "Over 40", "when": {{"column": "age", "op": "gt", "value": 40}}}},
            {{"name": "French", "when": {{"column": "country", "op": "is", "value": "France"}}}}
        ], "remainder": {{"name": "Rest"}}}}"#
    ));
    let v = check(&d, &schema_of(&t), None).unwrap();
    let r = evaluate(&v, &t, &mut Quiet).unwrap();
    let names: Vec<&str> = (0..6).map(|i| r.assignment.segment_of(i).unwrap()).collect();
    assert_eq!(names, ["French", "Rest", "French", "Over 40", "Rest", "Over 40"]);
    assert_eq!(r.excluded_for_missing, [1, 0], "customer 3's age is missing");
}

#[test]
fn overlapping_mode_gives_flags() {
    let t = table();
    let d = def(&format!(
        r#"{{"format": "{FORMAT}", "mode": "overlapping", "segments": [
            {{"name": "Over 40", "when": {{"column": "age", "op": "gt", "value": 40}}}},
            {{"name": "French", "when": {{"column": "country", "op": "is", "value": "France"}}}}
        ]}}"#
    ));
    let r = evaluate(&check(&d, &schema_of(&t), None).unwrap(), &t, &mut Quiet).unwrap();
    assert_eq!(r.flags[0], [false, false, false, true, false, true]);
    assert_eq!(r.flags[1], [true, false, true, false, false, true]);
}

#[test]
fn every_problem_is_reported_at_once_naming_segment_and_condition() {
    let t = table();
    let d = def(&format!(
        r#"{{"format": "{FORMAT}", "segments": [
            {{"name": "A", "when": {{"all": [
                {{"column": "agee", "op": "gt", "value": 1}},
                {{"column": "country", "op": "gt", "value": 1}},
                {{"any": []}}
            ]}}}},
            {{"name": "B", "when": {{"at_least": 3, "of": [{{"column": "age", "op": "between", "min": 50, "max": 20}}]}}}},
            {{"name": "C", "when": {{"column": "joined", "op": "in_last", "n": 3, "unit": "days"}}}}
        ]}}"#
    ));
    let RulesError::Invalid(problems) = check(&d, &schema_of(&t), None).unwrap_err() else { panic!() };
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(text.len(), 6, "{text:#?}");
    assert!(
        text[0].starts_with("segment “A”, condition when.all[0] (`agee` gt): there is no column `agee`"),
        "{}",
        text[0]
    );
    assert!(text[1].contains("`gt` is for numbers, but `country` is text"), "{}", text[1]);
    assert!(text[2].contains("when.all[2]: the `any` group is empty"), "{}", text[2]);
    assert!(
        text[3].contains("segment “B”")
            && text[3].contains("“at least K of”")
            && text[3].ends_with("from 1 to 1 (got `3`)."),
        "{}",
        text[3]
    );
    assert!(text[4].contains("range is reversed: min 50 is above max 20"), "{}", text[4]);
    assert!(text[5].contains("segment “C”") && text[5].contains("as-of date, which is not set"), "{}", text[5]);
    // With no as-of date set and none given, "in the last" cannot be checked.
    let d = def(&format!(
        r#"{{"format": "{FORMAT}", "segments": [{{"name": "C", "when": {{"column": "joined", "op": "in_last", "n": 3, "unit": "days"}}}}]}}"#
    ));
    assert!(check(&d, &schema_of(&t), None).unwrap_err().to_string().contains("as-of date, which is not set"));
}

#[test]
fn in_last_n_and_band_cuts_are_range_checked_with_the_range_in_the_sentence() {
    let t = table();
    let problems = |segments: &str, derived: &str| -> Vec<String> {
        let d = def(&format!(
            r#"{{"format": "{FORMAT}", "as_of": "2024-02-01", "derived": [{derived}], "segments": [{segments}]}}"#
        ));
        match check(&d, &schema_of(&t), None) {
            Ok(_) => Vec::new(),
            Err(RulesError::Invalid(ps)) => ps.iter().map(|p| p.message.clone()).collect(),
            Err(e) => panic!("{e}"),
        }
    };
    let in_last = |n: u32, unit: &str| {
        problems(
            &format!(r#"{{"name": "s", "when": {{"column": "joined", "op": "in_last", "n": {n}, "unit": "{unit}"}}}}"#),
            "",
        )
    };
    assert_eq!(in_last(0, "days"), ["N in “in the last N days” must be a whole number from 1 to 36,500 (got `0`)."]);
    assert_eq!(
        in_last(1201, "months"),
        ["N in “in the last N months” must be a whole number from 1 to 1200 (got `1201`)."]
    );
    assert!(in_last(36_500, "days").is_empty() && in_last(1_200, "months").is_empty() && in_last(1, "days").is_empty());
    let bands =
        |cuts: &str| problems("", &format!(r#"{{"kind": "bands", "name": "b", "from": "age", "cuts": [{cuts}]}}"#));
    assert_eq!(bands(""), ["bands need from 1 to 19 cut points, making 2 to 20 bands (got 0)."]);
    let twenty: Vec<String> = (1..=20).map(|i| i.to_string()).collect();
    assert_eq!(bands(&twenty.join(",")), ["bands need from 1 to 19 cut points, making 2 to 20 bands (got 20)."]);
    assert_eq!(bands("30, 20"), ["the cut points must be in ascending order, each above the one before (got 30, 20)."]);
    assert!(bands(&twenty[..19].join(",")).is_empty());
}

/// Every problem of a one-segment definition (segment `s`, as of 2024-02-01) as its whole sentence.
fn sentences(when: &str, derived: &str) -> Vec<String> {
    let d = def(&format!(
        r#"{{"format": "{FORMAT}", "as_of": "2024-02-01", "derived": [{derived}], "segments": [{{"name": "s", "when": {when}}}]}}"#
    ));
    match check(&d, &schema_of(&table()), None) {
        Ok(_) => Vec::new(),
        Err(RulesError::Invalid(ps)) => ps.iter().map(ToString::to_string).collect(),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn numbers_typed_as_text_count_like_the_numbers_they_say() {
    assert_eq!(
        ids(r#"{"column": "age", "op": "gt", "value": " 30 "}"#),
        ids(r#"{"column": "age", "op": "gt", "value": 30}"#)
    );
    assert_eq!(ids(r#"{"column": "income", "op": "eq", "value": "1000,5"}"#).0, [1]);
    assert_eq!(ids(r#"{"column": "age", "op": "between", "min": "30", "max": "45"}"#).0, [2, 4, 5]);
    assert_eq!(ids(r#"{"column": "joined", "op": "in_last", "n": "31", "unit": "days"}"#).0, [1, 5]);
    let two_of = r#"{"at_least": "2", "of": [
        {"column": "age", "op": "ge", "value": "40"}, {"column": "vip", "op": "is_true"}, {"column": "country", "op": "is", "value": "France"}]}"#;
    assert_eq!(ids(two_of).0, [1, 3, 6]);
    let bands = r#"{"kind": "bands", "name": "band", "from": "age", "cuts": "30, 40"}"#;
    assert!(sentences(r#"{"column": "band", "op": "is", "value": "30 to under 40"}"#, bands).is_empty());
}

#[test]
fn a_typed_value_that_is_not_a_number_says_segment_condition_and_what_is_allowed() {
    let one = |when: &str| sentences(when, "");
    assert_eq!(
        one(r#"{"column": "age", "op": "gt", "value": "abc"}"#),
        ["segment “s”, condition when (`age` gt): the value `age` is compared with must be a number (got `abc`)."]
    );
    assert_eq!(
        one(r#"{"column": "joined", "op": "in_last", "n": "0", "unit": "days"}"#),
        ["segment “s”, condition when (`joined` in_last): N in “in the last N days” must be a whole number from 1 to 36,500 (got `0`)."]
    );
    assert_eq!(
        one(r#"{"column": "joined", "op": "in_last", "n": "99999", "unit": "days"}"#),
        ["segment “s”, condition when (`joined` in_last): N in “in the last N days” must be a whole number from 1 to 36,500 (got `99999`)."]
    );
    assert_eq!(
        one(r#"{"column": "joined", "op": "in_last", "n": "2.5", "unit": "months"}"#),
        ["segment “s”, condition when (`joined` in_last): N in “in the last N months” must be a whole number from 1 to 1200 (got `2.5`)."]
    );
    assert_eq!(
        one(r#"{"column": "joined", "op": "in_last", "n": -3, "unit": "days"}"#),
        ["segment “s”, condition when (`joined` in_last): N in “in the last N days” must be a whole number from 1 to 36,500 (got `-3`)."],
        "a file's number of the wrong kind reads as the same sentence"
    );
    assert_eq!(
        one(r#"{"column": "age", "op": "between", "min": "abc", "max": ""}"#),
        [
            "segment “s”, condition when (`age` between): min must be a number (got `abc`).",
            "segment “s”, condition when (`age` between): max must be a number (got ``)."
        ]
    );
    assert_eq!(
        one(r#"{"column": "joined", "op": "before", "date": ""}"#),
        ["segment “s”, condition when (`joined` before): the date is empty; choose one (YYYY-MM-DD)."]
    );
    assert_eq!(
        one(r#"{"column": "joined", "op": "after", "date": "01/02/2024"}"#),
        ["segment “s”, condition when (`joined` after): the date `01/02/2024` is not a date; write it as YYYY-MM-DD."]
    );
    assert_eq!(
        one(r#"{"at_least": "x", "of": [{"column": "vip", "op": "is_true"}, {"column": "vip", "op": "is_false"}]}"#),
        ["segment “s”, condition when: K in “at least K of”, at most the number of conditions in the group, must be a whole number from 1 to 2 (got `x`)."]
    );
    assert_eq!(
        sentences(r#"{"column": "vip", "op": "is_true"}"#, r#"{"kind": "bands", "name": "b", "from": "age", "cuts": "18, x"}"#),
        ["segment “derived field b”: the cut points must be numbers separated by commas such as 30, 90, 180 (got `x`)."]
    );
}

#[test]
fn each_problem_says_where_it_is_by_position() {
    let d = def(&format!(
        r#"{{"format": "{FORMAT}", "as_of": "2024-02-01",
            "derived": [{{"kind": "bands", "name": "b", "from": "country", "cuts": [1]}}],
            "segments": [
                {{"name": "A", "when": {{"all": [{{"column": "vip", "op": "is_true"}}, {{"any": [{{"column": "age", "op": "gt", "value": "x"}}]}}]}}}},
                {{"name": "", "when": {{"column": "vip", "op": "is_true"}}}}
            ]}}"#
    ));
    let RulesError::Invalid(problems) = check(&d, &schema_of(&table()), None).unwrap_err() else { panic!() };
    let places: Vec<Place> = problems.iter().map(|p| p.place.clone()).collect();
    assert_eq!(places, [Place::Derived(0), Place::Condition { segment: 0, at: vec![1, 0] }, Place::Segment(1)]);
}

#[test]
fn a_definition_with_typed_text_is_saved_with_the_numbers_read() {
    let t = table();
    let d = def(&format!(
        r#"{{"format": "{FORMAT}", "as_of": "2024-02-01",
            "derived": [{{"kind": "bands", "name": "b", "from": "age", "cuts": "18; 25 35"}}],
            "segments": [{{"name": "s", "when": {{"at_least": " 1 ", "of": [
                {{"column": "age", "op": "ge", "value": " 30 "}},
                {{"column": "income", "op": "between", "min": "1000,5", "max": "2e3"}},
                {{"column": "joined", "op": "in_last", "n": "90", "unit": "days"}},
                {{"column": "joined", "op": "between", "min": "2024-01-01", "max": "2024-01-31"}},
                {{"column": "nosuch", "op": "lt", "value": "7"}}
            ]}}}}]}}"#
    ));
    let saved = with_numbers(&d, &schema_of(&t)).unwrap().to_json();
    for number in [
        r#""at_least": 1"#,
        r#""value": 30"#,
        r#""min": 1000.5"#,
        r#""max": 2000"#,
        r#""n": 90"#,
        r#""value": 7"#,
        "\"cuts\": [\n        18,\n        25,\n        35\n      ]",
    ] {
        assert!(saved.contains(number), "{number} in\n{saved}");
    }
    assert!(saved.contains(r#""min": "2024-01-01""#), "dates stay dates:\n{saved}");
    // A number out of range is saved as the number it is (the check says the range); text that is not a
    // number cannot be saved, and the sentence says why.
    let d = def(&format!(
        r#"{{"format": "{FORMAT}", "segments": [{{"name": "s", "when": {{"all": [
            {{"column": "joined", "op": "in_last", "n": "0", "unit": "days"}},
            {{"column": "age", "op": "gt", "value": "abc"}}]}}}}]}}"#
    ));
    let err = with_numbers(&d, &schema_of(&t)).unwrap_err().to_string();
    assert_eq!(
        err,
        "the definition does not fit this data (1 problem):\n  - segment “s”, condition when.all[1] (`age` gt): the value `age` is compared with must be a number (got `abc`)."
    );
}

#[test]
fn a_bad_as_of_date_is_the_shared_sentence() {
    let t = table();
    let d = def(&format!(r#"{{"format": "{FORMAT}", "as_of": "01/02/2024", "segments": []}}"#));
    let RulesError::Invalid(problems) = check(&d, &schema_of(&t), None).unwrap_err() else { panic!() };
    let shared = segscope_engine::dates::parse_date(segscope_engine::dates::DateField::AsOf, "01/02/2024").unwrap_err();
    assert_eq!(problems[0].message, shared.to_string());
}

#[test]
fn declared_column_types_are_checked_against_the_file() {
    let t = table();
    let d =
        def(&format!(r#"{{"format": "{FORMAT}", "columns": {{"age": "date", "income": "integer"}}, "segments": []}}"#));
    let err = check(&d, &schema_of(&t), None).unwrap_err().to_string();
    assert!(err.contains("column `age` is integer in this data but date in the definition"), "{err}");
    assert!(!err.contains("income"), "integer and decimal are compatible: {err}");
}

#[test]
fn json_round_trips_byte_for_byte() {
    let text = format!(
        r##"{{
  "format": "{FORMAT}",
  "name": "Demo",
  "mode": "first-match",
  "as_of": "2024-02-01",
  "columns": {{
    "age": "integer",
    "country": "categorical"
  }},
  "segments": [
    {{
      "name": "Young \"urban\" ☀",
      "color": "#4e79a7",
      "when": {{
        "all": [
          {{
            "column": "age",
            "op": "between",
            "min": 18,
            "max": 34.5,
            "inclusive": "lower"
          }},
          {{
            "none": [
              {{
                "column": "country",
                "op": "any_of",
                "values": [
                  "Spain"
                ],
                "case_insensitive": true
              }}
            ]
          }},
          {{
            "at_least": 1,
            "of": [
              {{
                "column": "age",
                "op": "is_missing"
              }}
            ]
          }}
        ]
      }}
    }}
  ],
  "remainder": {{
    "name": "Everyone else"
  }}
}}
"##
    );
    let d = def(&text);
    assert_eq!(d.mode, Mode::FirstMatch);
    assert_eq!(d.to_json(), text);
}

#[test]
fn unknown_fields_and_other_versions_are_errors_that_name_them() {
    let err = Definition::from_json(&format!(r#"{{"format": "{FORMAT}", "segments": [], "colour": 1}}"#)).unwrap_err();
    assert!(err.contains("unknown field `colour`") && err.contains("line 1"), "{err}");
    let err = Definition::from_json(&format!(
        r#"{{"format": "{FORMAT}", "segments": [{{"name": "a", "when": {{"column": "age", "op": "gt", "value": 1, "unit": "days"}}}}]}}"#
    ))
    .unwrap_err();
    assert!(err.contains("when (column `age`): unknown field `unit`"), "{err}");
    let err = Definition::from_json(r#"{"format": "segscope.segments/2", "segments": []}"#).unwrap_err();
    assert!(err.contains("segscope.segments/2"), "{err}");
    let err = Definition::from_json(&format!(
        r#"{{"format": "{FORMAT}", "segments": [{{"name": "a", "when": {{"every": []}}}}]}}"#
    ))
    .unwrap_err();
    assert!(err.contains("expected one of `all`, `any`, `none`, `at_least` or `column`"), "{err}");
}
