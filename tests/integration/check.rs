//! `roster check` on fixture sites with one class of bad input each: the diagnostics must name
//! path:line:col, quote the line and say what would be right (compared with expected text in
//! tests/expected/check/), and the exit status must be 1.

use crate::roster;
use crate::support::{assert_expected, fixture, site, temp_dir, write_files};

/// Runs `roster check` on a fixture and compares stderr with tests/expected/check/NAME.txt.
fn check_fixture(name: &str) -> crate::support::Run {
    let run = roster!(fixture(name), "check");
    assert_expected(&run.stderr, &format!("expected/check/{name}.txt"));
    run
}

macro_rules! bad_input {
    ($($test:ident => $fixture:literal),* $(,)?) => {
        $(
            #[test]
            fn $test() {
                let run = check_fixture($fixture);
                assert_eq!(run.code, 1, "{}", run.stderr);
            }
        )*
    };
}

bad_input! {
    toml_syntax_error => "bad-toml-syntax",
    unknown_field_with_hint => "bad-unknown-field",
    wrong_value_types => "bad-wrong-type",
    district_folder_without_district_toml => "bad-missing-district-toml",
    district_folder_not_a_slug_or_reserved => "bad-district-slug",
    edition_file_name_not_a_date => "bad-edition-name",
    ids_not_slugs_or_duplicated => "bad-ids",
    members_without_name_or_post => "bad-missing-fields",
    unparsable_phone_numbers => "bad-phone",
    private_names_unknown_fields => "bad-private",
    config_mistakes => "bad-config",
    derived_ids_collide => "bad-id-collision",
    page_front_matter => "bad-pages",
    no_roster_toml => "bad-no-config",
    district_without_editions => "bad-no-editions",
}

#[test]
fn crlf_and_bom_are_accepted() {
    let run = roster!(fixture("good-crlf-bom"), "check");
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn demo_site_checks_clean() {
    // On the tests' today (2026-12-01) the demo has what a real roster has after two call-check
    // rounds: numbers whose last call failed, and the county the second round has not reached
    // yet, whose numbers are stale. Nothing else.
    let run = roster!(crate::support::repo(), "check");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warnings: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("warning")).collect();
    let failed = warnings.iter().filter(|w| w.contains("failed its last call check (")).count();
    let stale: Vec<&&str> =
        warnings.iter().filter(|w| w.contains("not verified for 195 days (last 2026-05-20")).collect();
    assert_eq!((failed, stale.len(), warnings.len()), (40, 7, 47), "{}", run.stderr);
    let run = roster!(crate::support::repo(), "check", "--today", "2026-11-15");
    assert!(!run.stderr.contains("not verified"), "before the window ends nothing is stale: {}", run.stderr);
}

#[test]
fn invalid_utf8_names_the_byte() {
    let dir = site(&[("content/dongpo/district.toml", "name = \"东坡区\"\n")]);
    // 李明 in GBK
    std::fs::write(
        dir.join("content/dongpo/2022-02-08.toml"),
        b"[[body]]\nname = \"x\"\n[[body.member]]\nname = \"\xC0\xEE\xC3\xF7\"\n",
    )
    .unwrap();
    let run = roster!(dir, "check");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("content/dongpo/2022-02-08.toml:4:9"), "{}", run.stderr);
    assert!(run.stderr.contains("invalid UTF-8 (byte 0xC0)"), "{}", run.stderr);
    assert!(run.stderr.contains("save the file as UTF-8"), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn symlink_loop_is_an_error_not_a_hang() {
    let dir = site(&[
        ("content/dongpo/district.toml", "name = \"东坡区\"\n"),
        (
            "content/dongpo/2022-02-08.toml",
            "[[body]]\nname = \"x\"\n[[body.member]]\nname = \"李明\"\npost = \"书记\"\n",
        ),
    ]);
    std::os::unix::fs::symlink("..", dir.join("content/dongpo/loop")).unwrap();
    let run = roster!(dir, "check");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("symlink loop"), "{}", run.stderr);
    assert!(run.stderr.contains("content/dongpo/loop"), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn symlink_out_of_the_site_is_refused() {
    let outside = temp_dir("outside");
    write_files(&outside, &[("secret/district.toml", "name = \"x\"\n")]);
    let dir = site(&[
        ("content/dongpo/district.toml", "name = \"东坡区\"\n"),
        (
            "content/dongpo/2022-02-08.toml",
            "[[body]]\nname = \"x\"\n[[body.member]]\nname = \"李明\"\npost = \"书记\"\n",
        ),
    ]);
    std::os::unix::fs::symlink(outside.join("secret"), dir.join("content/secret")).unwrap();
    let run = roster!(dir, "check");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("content/secret: error: symlink leads outside the site folder")
            || run.stderr.contains("symlink leads outside the site folder"),
        "{}",
        run.stderr
    );
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_an_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = site(&[
        ("content/dongpo/district.toml", "name = \"东坡区\"\n"),
        (
            "content/dongpo/2022-02-08.toml",
            "[[body]]\nname = \"x\"\n[[body.member]]\nname = \"李明\"\npost = \"书记\"\n",
        ),
    ]);
    let file = dir.join("content/dongpo/2022-02-08.toml");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&file).is_ok() {
        return; // running as root: permissions do not apply
    }
    let run = roster!(dir, "check");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("cannot read file"), "{}", run.stderr);
}

#[test]
fn all_errors_of_a_run_are_reported_together_and_sorted() {
    let run = roster!(fixture("bad-config"), "check");
    let places: Vec<&str> = run.stderr.lines().filter(|l| l.contains("┌─")).collect();
    assert!(places.len() >= 5, "{}", run.stderr);
    let mut sorted = places.clone();
    sorted.sort_by_key(|l| {
        let loc = l.split("┌─ ").nth(1).unwrap_or("");
        let mut parts = loc.split(':');
        (parts.next().unwrap_or("").to_owned(), parts.next().and_then(|n| n.parse::<u32>().ok()).unwrap_or(0))
    });
    assert_eq!(places, sorted);
}

#[test]
fn github_annotations() {
    let run = roster!(fixture("bad-unknown-field"), "check", "--format", "github");
    assert_eq!(run.code, 1);
    assert_expected(&run.stdout, "expected/check/bad-unknown-field.github.txt");
    // (The fixture has no [feedback]: its one warning says so.)
    for line in run.stdout.lines().filter(|l| !l.starts_with("::warning file=roster.toml::no feedback channel")) {
        assert!(line.starts_with("::error file=content/dongpo/2022-02-08.toml,line="), "{line}");
    }
}

#[test]
fn stale_numbers_are_github_annotations_at_the_member_and_errors_with_deny_stale() {
    let run = roster!(fixture("golden"), "check", "--format", "github");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let stale: Vec<&str> = run.stdout.lines().filter(|l| l.contains("待核实")).collect();
    assert_eq!(stale.len(), 4, "{}", run.stdout);
    // Each at the line of the member's entry in its edition file.
    assert!(
        stale.contains(&"::warning file=content/city/east/2022-01-01.toml,line=13,col=1::李四: mobile never verified: stale (待核实)%0Acall the number (`roster calls` writes the sheet) and record the round under checks/, or set `verified` after checking it"),
        "{}",
        run.stdout
    );
    for line in &stale {
        assert!(line.starts_with("::warning file=content/city/"), "{line}");
    }
    let denied = roster!(fixture("golden"), "check", "--format", "github", "--deny-stale");
    assert_eq!(denied.code, 1);
    let errors: Vec<&str> = denied.stdout.lines().filter(|l| l.contains("待核实")).collect();
    assert_eq!(errors.len(), 4, "{}", denied.stdout);
    assert!(errors.iter().all(|l| l.starts_with("::error file=content/city/")), "{}", denied.stdout);
    // --stale 4000: none is stale any longer (the oldest was verified 1,799 days before).
    let lenient = roster!(fixture("golden"), "check", "--format", "github", "--stale", "4000");
    assert!(!lenient.stdout.contains("not verified for"), "{}", lenient.stdout);
}

#[test]
fn json_lines() {
    let run = roster!(fixture("bad-phone"), "check", "--format", "json");
    assert_eq!(run.code, 1);
    let values: Vec<serde_json::Value> = run.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let values: Vec<&serde_json::Value> = values.iter().filter(|v| v["severity"] == "error").collect();
    assert_eq!(values.len(), 2, "{}", run.stdout);
    assert_eq!(values[0]["file"], "content/dongpo/2022-02-08.toml");
    assert_eq!(values[0]["line"], 7);
    assert_eq!(values[0]["column"], 10);
    assert_eq!(values[0]["severity"], "error");
    assert!(values[0]["message"].as_str().unwrap().contains("139 0000"));
}

#[test]
fn bad_usage_exits_2_and_never_101() {
    let run = roster!(fixture("good-crlf-bom"), "check", "--as-of", "yesterday");
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = roster!(fixture("good-crlf-bom"), "frobnicate");
    assert_eq!(run.code, 2);
}

#[test]
fn a_source_date_epoch_that_is_not_a_number_is_refused_not_taken_for_the_system_date() {
    let site = crate::support::fixture("golden");
    for bad in ["abc", "2026-12-01", "1e9", ""] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_roster"))
            .env("SOURCE_DATE_EPOCH", bad)
            .env("NO_COLOR", "1")
            .arg("--root")
            .arg(&site)
            .arg("check")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {stderr}");
        assert!(stderr.contains(&format!("SOURCE_DATE_EPOCH = {bad:?} is not a number of seconds")), "{stderr}");
    }
}
