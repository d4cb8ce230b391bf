//! Every page of the demo site passes the Nu HTML Checker (vnu.jar, from the npm package
//! `vnu-jar`, run with the machine's Java) with zero errors and zero warnings. `.ci/run`
//! installs it into `node_modules/`; `VNU_JAR` may point at another copy.

use std::process::Command;

use crate::roster;
use crate::support::{repo, site_copy};

fn vnu_jar() -> std::path::PathBuf {
    let jar = std::env::var_os("VNU_JAR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| repo().join("node_modules/vnu-jar/build/dist/vnu.jar"));
    assert!(
        jar.is_file(),
        "the Nu HTML Checker is needed: run `npm install --no-save vnu-jar` in the repository (or set VNU_JAR)"
    );
    jar
}

#[test]
fn demo_site_is_valid_html() {
    let jar = vnu_jar();
    let dir = site_copy("demo");
    let run = roster!(dir, "build");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--format", "gnu", "--skip-non-html"])
        .arg(dir.join("public"))
        .output()
        .expect("java (the checker needs a Java runtime)");
    let report = String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    let pages = crate::support::read_tree(&dir.join("public")).iter().filter(|(p, _)| p.ends_with(".html")).count();
    assert!(pages > 50, "{pages} pages");
    assert!(out.status.success() && report.trim().is_empty(), "the checker found problems in the demo site:\n{report}");
}
