use chrono::NaiveDate;

use super::*;
use crate::diag::Diagnostic;
use crate::model::Roster;

fn day(s: &str) -> NaiveDate {
    crate::source::reader::parse_date(s).unwrap()
}

const EDITION: &str = r#"[[body]]
name = "班子"
[[body.member]]
id = "a"
name = "甲"
post = "书记"
mobile = "139 0000 0001"
office_phone = "028-3812 0001"
verified = 2026-01-01
[[body.member]]
id = "b"
name = "乙"
post = "区长"
mobile = "139 0000 0002"
[[body.member]]
id = "c"
name = "丙"
post = "副区长"
mobile = "139 0000 0003"
verified = 2025-01-01
"#;

/// Loads district `x` (one edition of 2026-01-01) with these check files, as of `today`.
fn load(checks: &[(&str, &str)], today: &str) -> (Roster, Vec<Diagnostic>) {
    let mut files = vec![("content/x/district.toml", "name = \"某区\"\n"), ("content/x/2026-01-01.toml", EDITION)];
    files.extend_from_slice(checks);
    let dir = crate::testutil::site(&files);
    let opts = crate::BuildOptions { today: Some(day(today)), ..Default::default() };
    let loaded = crate::pipeline::load(&dir, crate::pipeline::Input::Folder(None), &opts);
    let _ = std::fs::remove_dir_all(&dir);
    (loaded.roster, loaded.diagnostics)
}

fn state_of(r: &Roster, id: &str, field: Field) -> NumberState {
    let d = &r.districts[0];
    let m = d.current().unwrap().members().map(|(_, m)| m).find(|m| *m.id == *id).unwrap();
    d.number_state(m, field, r.verify).unwrap()
}

#[test]
fn staleness_and_call_results() {
    use CallResult::*;
    struct Case {
        what: &'static str,
        checks: &'static [(&'static str, &'static str)],
        today: &'static str,
        id: &'static str,
        field: Field,
        verified: Option<&'static str>,
        stale: bool,
        failed: Option<(CallResult, &'static str)>,
    }
    let cases = [
        Case {
            what: "180 days old is fresh",
            checks: &[],
            today: "2026-06-30",
            id: "a",
            field: Field::Mobile,
            verified: Some("2026-01-01"),
            stale: false,
            failed: None,
        },
        Case {
            what: "181 days old is stale",
            checks: &[],
            today: "2026-07-01",
            id: "a",
            field: Field::OfficePhone,
            verified: Some("2026-01-01"),
            stale: true,
            failed: None,
        },
        Case {
            what: "never verified is stale",
            checks: &[],
            today: "2026-01-02",
            id: "b",
            field: Field::Mobile,
            verified: None,
            stale: true,
            failed: None,
        },
        Case {
            what: "an answered call verifies",
            checks: &[("content/x/checks/2026-06-01.csv", "id,field,result,note\nc,mobile,answered,\n")],
            today: "2026-07-01",
            id: "c",
            field: Field::Mobile,
            verified: Some("2026-06-01"),
            stale: false,
            failed: None,
        },
        Case {
            what: "an answered call of the mobile leaves the office phone as it was",
            checks: &[("content/x/checks/2026-06-01.csv", "id,field,result,note\na,mobile,answered,\n")],
            today: "2026-07-01",
            id: "a",
            field: Field::OfficePhone,
            verified: Some("2026-01-01"),
            stale: true,
            failed: None,
        },
        Case {
            what: "a failed call after an answered one",
            checks: &[
                ("content/x/checks/2026-03-01.csv", "id,field,result,note\nc,mobile,answered,\n"),
                ("content/x/checks/2026-05-01.csv", "id,field,result,note\nc,mobile,no-answer,\n"),
            ],
            today: "2026-06-01",
            id: "c",
            field: Field::Mobile,
            verified: Some("2026-03-01"),
            stale: false,
            failed: Some((NoAnswer, "2026-05-01")),
        },
        Case {
            what: "an answered call after a failed one clears it",
            checks: &[
                ("content/x/checks/2026-03-01.csv", "id,field,result,note\nc,mobile,unreachable,\n"),
                ("content/x/checks/2026-05-01.csv", "id,field,result,note\nc,mobile,answered,\n"),
            ],
            today: "2026-06-01",
            id: "c",
            field: Field::Mobile,
            verified: Some("2026-05-01"),
            stale: false,
            failed: None,
        },
        Case {
            what: "a verified date on the day of the failed call, or after, clears it",
            checks: &[("content/x/checks/2026-01-01.csv", "id,field,result,note\na,mobile,wrong-person,\n")],
            today: "2026-02-01",
            id: "a",
            field: Field::Mobile,
            verified: Some("2026-01-01"),
            stale: false,
            failed: None,
        },
        Case {
            what: "unreachable (空号) in Chinese",
            checks: &[("content/x/checks/2026-02-01.csv", "id,field,result,note\nb,mobile,空号,\n")],
            today: "2026-03-01",
            id: "b",
            field: Field::Mobile,
            verified: None,
            stale: true,
            failed: Some((Unreachable, "2026-02-01")),
        },
        Case {
            what: "wrong person",
            checks: &[(
                "content/x/checks/2026-02-01.csv",
                "id,field,result,note\na,office_phone,wrong-person,秘书说已调走\n",
            )],
            today: "2026-03-01",
            id: "a",
            field: Field::OfficePhone,
            verified: Some("2026-01-01"),
            stale: false,
            failed: Some((WrongPerson, "2026-02-01")),
        },
        Case {
            what: "rows of a district below, from content/checks/",
            checks: &[("content/checks/2026-02-01.csv", "district,id,field,result\nx,a,mobile,no-answer\n")],
            today: "2026-03-01",
            id: "a",
            field: Field::Mobile,
            verified: Some("2026-01-01"),
            stale: false,
            failed: Some((NoAnswer, "2026-02-01")),
        },
    ];
    for c in cases {
        let (r, diags) = load(c.checks, c.today);
        assert!(!diags.iter().any(Diagnostic::is_error), "{}: {diags:?}", c.what);
        let s = state_of(&r, c.id, c.field);
        assert_eq!(s.verified, c.verified.map(day), "{}", c.what);
        assert_eq!(s.stale, c.stale, "{}: {s:?}", c.what);
        assert_eq!(s.failed, c.failed.map(|(k, d)| (k, day(d))), "{}", c.what);
    }
}

#[test]
fn a_round_is_tallied_and_stale_members_are_warned_at_their_entry() {
    let sheet = "\u{feff}id,field,result,note,district,name\r\na,mobile,answered,,x,甲\r\na,office_phone,no-answer,,x,甲\r\nb,mobile,unreachable,,x,乙\r\nc,mobile,answered,,x,丙\r\n";
    let (r, diags) = load(&[("content/x/checks/2026-06-01.csv", sheet)], "2026-07-15");
    let round = &r.districts[0].rounds[0];
    let t = Tally::of(&round.calls);
    assert_eq!((t.called, t.answered, t.no_answer, t.unreachable, t.wrong_person, t.rate()), (4, 2, 1, 1, 0, Some(50)));
    let text: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
    // 甲: office phone failed; 乙: mobile failed (and never verified: the failure is what counts).
    assert!(
        text.iter().any(|t| t
            .starts_with("content/x/2026-01-01.toml:3:1: warning: 甲: the office phone failed its last call check")),
        "{text:#?}"
    );
    assert!(
        text.iter().any(|t| t.contains("乙: the mobile failed its last call check (unreachable, 2026-06-01)")),
        "{text:#?}"
    );
    assert_eq!(
        text.iter().filter(|t| t.contains("not verified") || t.contains("never verified")).count(),
        0,
        "{text:#?}"
    );
    // Past the window, the stale member is named once, with both numbers and the age.
    let (_, diags) = load(&[], "2026-08-01");
    let stale: Vec<String> = diags.iter().filter(|d| d.message.contains("verified")).map(|d| d.to_string()).collect();
    assert_eq!(
        stale,
        [
            "content/x/2026-01-01.toml:3:1: warning: 甲: office phone and mobile not verified for 212 days (last 2026-01-01; the limit is 180 days)",
            "content/x/2026-01-01.toml:10:1: warning: 乙: mobile never verified",
            "content/x/2026-01-01.toml:15:1: warning: 丙: mobile not verified for 577 days (last 2025-01-01; the limit is 180 days)",
        ]
    );
}

#[test]
fn field_and_result_are_read_whatever_their_case() {
    let text = "id,field,result\na, Mobile ,ANSWERED\na,Office-Phone,No_Answer\n";
    let (r, diags) = load(&[("content/x/checks/2026-02-01.csv", text)], "2026-03-01");
    assert!(!diags.iter().any(Diagnostic::is_error), "{diags:#?}");
    assert_eq!(state_of(&r, "a", Field::Mobile).verified, Some(day("2026-02-01")));
    assert_eq!(state_of(&r, "a", Field::OfficePhone).failed, Some((CallResult::NoAnswer, day("2026-02-01"))));
}

#[test]
fn every_bad_row_is_an_error_at_its_line() {
    let rows = [
        ("zz,mobile,answered,", "no member `zz` in 某区's edition of 2026-01-01"),
        ("a,fax,answered,", "unknown field `fax`"),
        ("a,mobile,picked-up,", "unknown result `picked-up`"),
        ("b,office_phone,answered,", "乙 (`b`) has no office_phone in the edition of 2026-01-01"),
        ("a,name,answered,", "unknown field `name`"),
    ];
    for (row, message) in rows {
        let text = format!("id,field,result,note\n{row}\n");
        let (_, diags) = load(&[("content/x/checks/2026-02-01.csv", &text)], "2026-03-01");
        let errors: Vec<String> = diags.iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect();
        assert_eq!(errors.len(), 1, "{row}: {errors:#?}");
        assert!(errors[0].starts_with("content/x/checks/2026-02-01.csv:2:"), "{row}: {}", errors[0]);
        assert!(errors[0].contains(message), "{row}: {}", errors[0]);
    }
    let whole = [
        (
            "content/x/checks/2026-02-01.csv",
            "id,field,result,number\na,mobile,answered,139 0000 0009\n",
            ":2:",
            "`139 0000 0009` is not 甲's mobile on 2026-02-01",
        ),
        (
            "content/x/checks/2026-02-01.csv",
            "id,field,result\na,mobile,answered\na,mobile,no-answer\n",
            ":3:",
            "`a` mobile was already called on 2026-02-01",
        ),
        (
            "content/x/checks/2025-02-01.csv",
            "id,field,result\na,mobile,answered\n",
            ":2:",
            "某区 has no edition in force on 2025-02-01",
        ),
        (
            "content/x/checks/2026-04-01.csv",
            "id,field,result\na,mobile,answered\n",
            "",
            "call-check round dated 2026-04-01, after today (2026-03-01)",
        ),
        (
            "content/checks/2026-02-01.csv",
            "id,field,result\na,mobile,answered\n",
            ":2:",
            "a row in content/checks/ must name its district",
        ),
        (
            "content/x/checks/2026-02-01.csv",
            "district,id,field,result\ny,a,mobile,answered\n",
            ":2:",
            "district `y` is not `x` or below it",
        ),
        ("content/x/checks/2026-02-01.csv", "id,field\na,mobile\n", ":1:", "the header has no column result"),
        ("content/x/checks/round-2.csv", "id,field,result\n", "", "call-check file name `round-2.csv` is not a date"),
    ];
    for (path, text, at, message) in whole {
        let (_, diags) = load(&[(path, text)], "2026-03-01");
        let errors: Vec<String> = diags.iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect();
        assert_eq!(errors.len(), 1, "{message}: {errors:#?}");
        assert!(errors[0].starts_with(&format!("{path}{at}")), "{message}: {}", errors[0]);
        assert!(errors[0].contains(message), "{message}: {}", errors[0]);
    }
}

#[test]
fn a_check_of_an_old_number_does_not_vouch_for_the_new_one() {
    let newer = EDITION.replace("139 0000 0003", "139 0000 0033");
    let files = [
        ("content/x/district.toml", "name = \"某区\"\n"),
        ("content/x/2026-01-01.toml", EDITION),
        ("content/x/2026-04-01.toml", newer.as_str()),
        ("content/x/checks/2026-03-01.csv", "id,field,result\nc,mobile,answered\n"),
    ];
    let dir = crate::testutil::site(&files);
    let opts = crate::BuildOptions { today: Some(day("2026-05-01")), ..Default::default() };
    let loaded = crate::pipeline::load(&dir, crate::pipeline::Input::Folder(None), &opts);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!loaded.has_errors());
    let s = state_of(&loaded.roster, "c", Field::Mobile);
    assert_eq!((s.verified, s.stale, s.last_call), (Some(day("2025-01-01")), true, None));
}

#[test]
fn deny_stale_makes_them_errors() {
    let files = [("content/x/district.toml", "name = \"某区\"\n"), ("content/x/2026-01-01.toml", EDITION)];
    let dir = crate::testutil::site(&files);
    let opts = crate::BuildOptions {
        today: Some(day("2026-02-01")),
        deny_stale: true,
        max_age_days: Some(20),
        ..Default::default()
    };
    let loaded = crate::pipeline::load(&dir, crate::pipeline::Input::Folder(None), &opts);
    let _ = std::fs::remove_dir_all(&dir);
    let errors: Vec<&str> = loaded.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.message.as_str()).collect();
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert!(
        errors[0].contains("not verified for 31 days") && errors[0].contains("the limit is 20 days"),
        "{errors:#?}"
    );
}

#[test]
fn reports_stay_open_until_a_call_on_or_after_their_day_is_answered() {
    let reports = (
        "content/x/reports/2026-03-01.csv",
        "\u{feff}id,field,note\r\na,mobile,市民来电\r\na,mobile,\r\nb,mobile,留言\r\n",
    );
    // (files, whose mobile, its open reports, the other one's)
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, usize, usize);
    let cases: [Case<'_>; 4] = [
        (&[reports], "a", 2, 1),
        (&[reports, ("content/x/checks/2026-02-01.csv", "id,field,result\na,mobile,answered\n")], "a", 2, 1),
        (&[reports, ("content/x/checks/2026-03-01.csv", "id,field,result\na,mobile,answered\n")], "a", 0, 1),
        (&[reports, ("content/x/checks/2026-03-05.csv", "id,field,result\nb,mobile,no-answer\n")], "b", 1, 2),
    ];
    for (files, id, open, other) in cases {
        let (r, diags) = load(files, "2026-03-10");
        assert!(!diags.iter().any(Diagnostic::is_error), "{diags:?}");
        assert_eq!(state_of(&r, id, Field::Mobile).open_reports, open, "{files:?}");
        let other_id = if id == "a" { "b" } else { "a" };
        assert_eq!(state_of(&r, other_id, Field::Mobile).open_reports, other, "{files:?}");
    }
    let bad = [
        ("id,field,note\nzz,mobile,\n", ":2:", "no member `zz`"),
        ("id,field,note\nb,office_phone,\n", ":2:", "乙 (`b`) has no office_phone"),
        ("id,note\na,x\n", ":1:", "the header has no column field"),
    ];
    for (text, at, message) in bad {
        let (_, diags) = load(&[("content/x/reports/2026-03-01.csv", text)], "2026-03-10");
        let errors: Vec<String> = diags.iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect();
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert!(
            errors[0].starts_with(&format!("content/x/reports/2026-03-01.csv{at}")) && errors[0].contains(message),
            "{}",
            errors[0]
        );
    }
    let (_, diags) = load(&[("content/x/reports/2026-04-01.csv", "id,field\na,mobile\n")], "2026-03-10");
    assert!(
        diags.iter().any(|d| d.is_error() && d.message == "report dated 2026-04-01, after today (2026-03-10)"),
        "{diags:?}"
    );
}
