//! `serve` rebuilds only what an edit can affect: after every edit the partial rebuild must
//! give exactly the files and the diagnostics of a full build.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use roster::BuildOptions;
use roster::serve::session::Session;

use crate::support::site_copy;

/// The files of a full build, its site change log (made on request) and its diagnostics.
fn full(root: &Path) -> (roster::serve::session::Files, BTreeMap<String, Vec<u8>>, Vec<String>) {
    let mut s = Session::new(root, BuildOptions::default());
    let (result, diags) = s.rebuild(None);
    assert!(result.is_ok(), "{diags:?}");
    (s.files().unwrap(), s.site_log().0, described(&diags))
}

/// Each diagnostic in full: place, severity, message, label and help, in order.
fn described(diags: &[roster::diag::Diagnostic]) -> Vec<String> {
    diags.iter().map(|d| format!("{d} | {:?} | {:?}", d.label, d.help)).collect()
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Rebuilds after `changed` and checks the result against a full build.
fn check(session: &mut Session, root: &Path, changed: &[PathBuf], expect_partial: bool, what: &str) {
    let (result, diags) = session.rebuild(Some(changed));
    let rebuilt = result.unwrap_or_else(|()| panic!("{what}: {diags:?}"));
    assert_eq!(!rebuilt.full, expect_partial, "{what}: partial or full");
    let incremental = session.files().unwrap();
    let (expected, site_log, expected_diags) = full(root);
    assert!(!expected_diags.is_empty(), "the demo has stale numbers to warn about");
    assert_eq!(described(&diags), expected_diags, "{what}: the diagnostics of a full build");
    assert!(session.site_log().0 == site_log, "{what}: the site change log differs from a full build");
    assert!(site_log.contains_key("changes/index.html"));
    let a: Vec<&str> = incremental.keys().map(|k| &**k).collect();
    let b: Vec<&str> = expected.keys().map(|k| &**k).collect();
    assert_eq!(a, b, "{what}: the same files");
    for (path, bytes) in expected.iter() {
        assert!(incremental[path] == *bytes, "{what}: {path} differs from a full build");
    }
}

#[test]
fn partial_rebuilds_equal_full_builds() {
    let root = site_copy("demo");
    let mut session = Session::new(&root, BuildOptions::default());
    assert!(session.rebuild(None).0.is_ok());
    let dongpo = root.join("content/shili/dongpo/2024-06-30.toml");
    edit(&dongpo, "139 0000 0214", "139 0000 0299");
    check(&mut session, &root, std::slice::from_ref(&dongpo), true, "a number changed");
    edit(&dongpo, "139 0000 0299", "139 0000 0288");
    check(&mut session, &root, std::slice::from_ref(&dongpo), true, "changed again (the home page's data is the same)");

    // A number verified yesterday: the district's coverage (its page and the home tree) changes.
    let current = root.join("content/shili/dongpo/2025-02-14.toml");
    let yesterday = chrono::Local::now().date_naive() - chrono::Days::new(1);
    edit(&current, "verified = 2024-12-16", &format!("verified = {yesterday}"));
    check(&mut session, &root, std::slice::from_ref(&current), true, "a number verified (coverage changes)");

    // The first member of the first district is every search box's example.
    let city = root.join("content/shili/2024-12-20.toml");
    let first_body = "name = \"中共示例市委\"\n";
    edit(&city, first_body, &format!("{first_body}\n[[body.member]]\nname = \"甘霖\"\npost = \"市委常委\"\n"));
    check(&mut session, &root, std::slice::from_ref(&city), false, "a new search example changes every page");

    let xishan = root.join("content/shili/xishan/2024-06-30.toml");
    edit(&xishan, "id = \"wang-jianguo\"", "id = \"wang-jianguo-2\"");
    check(&mut session, &root, std::slice::from_ref(&xishan), true, "a transfer undone (dongpo's log changes too)");
    edit(&xishan, "id = \"wang-jianguo-2\"", "id = \"wang-jianguo\"");
    check(&mut session, &root, std::slice::from_ref(&xishan), true, "the transfer restored");

    let new = root.join("content/shili/nanhu/2023-03-01.toml");
    std::fs::copy(root.join("content/shili/nanhu/2022-02-08.toml"), &new).unwrap();
    edit(&new, "县委书记", "县委书记（代）");
    check(&mut session, &root, std::slice::from_ref(&new), true, "a new edition");
    std::fs::remove_file(&new).unwrap();
    check(&mut session, &root, std::slice::from_ref(&new), true, "an edition removed");

    // After the demo's call-check rounds, which still call the numbers of the edition before.
    let newest = root.join("content/shili/nanhu/2026-11-25.toml");
    std::fs::copy(root.join("content/shili/nanhu/2022-02-08.toml"), &newest).unwrap();
    check(&mut session, &root, std::slice::from_ref(&newest), false, "a newer edition changes every footer");

    // A round's result changed: the stale-number warnings and the coverage of the district.
    let round = root.join("content/shili/xishan/checks/2026-11-18.csv");
    let text = std::fs::read_to_string(&round).unwrap();
    let row = text.lines().find(|l| l.contains(",answered,")).unwrap().to_owned();
    edit(&round, &row, &row.replacen(",answered,", ",unreachable,", 1));
    check(&mut session, &root, std::slice::from_ref(&round), false, "a call-check round");

    let district = root.join("content/shili/xishan/district.toml");
    edit(&district, "西山区", "西山新区");
    check(&mut session, &root, std::slice::from_ref(&district), false, "a district renamed");

    let config = root.join("roster.toml");
    edit(&config, "示例市领导干部联系方式", "示例市领导干部名录");
    check(&mut session, &root, std::slice::from_ref(&config), false, "the configuration");
}

#[test]
fn a_failed_rebuild_keeps_the_last_good_files() {
    let root = site_copy("demo");
    let mut session = Session::new(&root, BuildOptions::default());
    assert!(session.rebuild(None).0.is_ok());
    let before = session.files().unwrap();
    let file = root.join("content/shili/nanhu/2022-02-08.toml");
    edit(&file, "[[body]]", "[[body]\n");
    let (result, diags) = session.rebuild(Some(std::slice::from_ref(&file)));
    assert!(result.is_err());
    assert!(diags.iter().any(|d| d.path == "content/shili/nanhu/2022-02-08.toml"), "{diags:?}");
    assert!(session.files().unwrap() == before);
    edit(&file, "[[body]\n", "[[body]]");
    check(&mut session, &root, std::slice::from_ref(&file), true, "fixed");
}
