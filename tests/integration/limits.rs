//! Resource limits: oversized files, deep nesting and many members give a clear error or a
//! correct build — never a stack overflow, a panic (exit status 101) or endless silence.

use crate::roster;
use crate::support::site;

const MEMBER: &str = "[[body]]\nname = \"委\"\n[[body.member]]\nname = \"李明\"\npost = \"书记\"\n";

#[test]
fn a_file_over_ten_mebibytes_is_refused() {
    let dir = site(&[("content/x/district.toml", "name = \"X\"\n")]);
    let mut big = String::from(MEMBER);
    let line = "# padding padding padding padding padding padding padding padding padding padding\n";
    while big.len() <= 10 * 1024 * 1024 {
        big.push_str(line);
    }
    std::fs::write(dir.join("content/x/2022-01-01.toml"), big).unwrap();
    let run = roster!(dir, "check");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("content/x/2022-01-01.toml") && run.stderr.contains("larger than the limit"),
        "{}",
        run.stderr
    );
}

#[test]
fn deep_toml_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("reason = {}1{}\n{MEMBER}", "[".repeat(100_000), "]".repeat(100_000));
    let inline = format!("x = {}\n", "{a = ".repeat(50_000));
    let dir = site(&[
        ("content/x/district.toml", "name = \"X\"\n"),
        ("content/x/2022-01-01.toml", &deep),
        ("content/x/2023-01-01.toml", &inline),
        ("content/pages/a.md", &format!("+++\ntitle = {}\n+++\n", "[".repeat(10_000))),
    ]);
    let run = roster!(dir, "check");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("content/x/2022-01-01.toml:1:") && run.stderr.contains("nested more than 256 levels"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("content/x/2023-01-01.toml:1:"), "{}", run.stderr);
    assert!(run.stderr.contains("content/pages/a.md:2:"), "{}", run.stderr);
}

#[test]
fn deep_markdown_builds() {
    let deep_quote = ">".repeat(5000);
    let deep_list: String = (0..2000).map(|i| format!("{}- x\n", "  ".repeat(i))).collect();
    let emphasis = format!("{}x{}", "*".repeat(10_000), "*".repeat(10_000));
    let brackets = format!("{}x{}", "[".repeat(10_000), "](y)".repeat(10_000));
    let toml = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    let edition = format!(
        "note = \"{}\"\n[[body]]\nname = \"委\"\n[[body.member]]\nname = \"李明\"\npost = \"书记\"\nduties = \"{}\"\n",
        toml(&deep_list),
        toml(&format!("{deep_quote} {emphasis} {brackets}"))
    );
    let dir = site(&[
        ("content/x/district.toml", &format!("name = \"X\"\nintro = \"{}\"\n", toml(&deep_quote))),
        ("content/x/2022-01-01.toml", &edition),
        ("content/pages/deep.md", &format!("+++\ntitle = \"深\"\n+++\n{deep_list}\n{deep_quote} x\n")),
        // The print layout refuses a row this tall (see `columns::a_row_taller_than_a_column_is_refused`).
        ("roster.toml", "title = \"T\"\nbase_url = \"https://example.org/\"\n[print]\npdf = false\n"),
    ]);
    let run = roster!(dir, "build");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = std::fs::read_to_string(dir.join("public/pages/deep/index.html")).unwrap();
    assert!(page.matches("<blockquote>").count() <= 64);
}

#[test]
fn many_members_build_with_progress() {
    // 20,000 members in 40 districts: a correct build, and the progress of a long build is
    // reported (forced here with ROSTER_PROGRESS=1 so the test need not be slow).
    let mut files: Vec<(String, String)> = Vec::new();
    for d in 0..40 {
        files.push((format!("content/d{d}/district.toml"), format!("name = \"D{d}\"\n")));
        let mut text = String::from("[[body]]\nname = \"委\"\n");
        for m in 0..500 {
            text.push_str(&format!("[[body.member]]\nid = \"p{d}-{m}\"\nname = \"人{d}号{m}\"\npost = \"委员\"\n"));
        }
        files.push((format!("content/d{d}/2022-01-01.toml"), text));
    }
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let dir = site(&refs);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_roster"))
        .args(["--root", dir.to_str().unwrap(), "build"])
        .env("ROSTER_PROGRESS", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("read 40 editions with 20000 entries"), "{stderr}");
    assert!(stderr.contains("rendering"), "{stderr}");
    assert!(dir.join("public/people/p39-499/index.html").exists());
}

/// Staging folders beside `out` (named `.public.roster-staging-…`).
fn staging_folders(out: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.contains(".roster-staging-"))
        .collect()
}

#[test]
fn builds_killed_mid_write_leave_nothing_behind_after_the_next_build() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    // Enough members that a build takes a while, so that it can be killed while writing.
    let mut edition = String::from("[[body]]\nname = \"委\"\n");
    for i in 0..4000 {
        edition.push_str(&format!(
            "[[body.member]]\nid = \"p{i}\"\nname = \"成员{i}\"\npost = \"职务\"\nmobile = \"139 0000 {i:04}\"\n"
        ));
    }
    let dir = site(&[("content/x/district.toml", "name = \"X\"\n"), ("content/x/2022-01-01.toml", &edition)]);
    let out = dir.join("public");
    assert_eq!(roster!(dir, "build").code, 0);
    let before = crate::support::read_tree(&out);
    for _ in 0..3 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_roster"))
            .arg("--root")
            .arg(&dir)
            .args(["build", "--output"])
            .arg(&out)
            .env("ROSTER_NO_SYSTEM_FONTS", "1")
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait (at most 120 s: the tests run side by side on two cores) until it writes into its
        // own staging folder (named with its pid; the one a killed build left may still be
        // there), then kill it.
        let own = format!(".roster-staging-{}-", child.id());
        let started = || staging_folders(&out).iter().any(|n| n.contains(&own));
        let start = Instant::now();
        while !started() && start.elapsed() < Duration::from_secs(120) {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(started(), "the build never started writing");
        std::thread::sleep(Duration::from_millis(30));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        // Each killed build leaves its own folder; each new one removes those before it.
        assert_eq!(staging_folders(&out).len(), 1, "{:?}", staging_folders(&out));
        assert_eq!(crate::support::read_tree(&out), before, "the output stayed as it was");
    }
    let run = roster!(dir, "build");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("removed 1 staging folder(s) left by builds that were killed"), "{}", run.stderr);
    assert!(staging_folders(&out).is_empty(), "{:?}", staging_folders(&out));
    assert_eq!(crate::support::read_tree(&out), before, "an intact output");
}

/// A write that fails on many files (here the file-size limit, `ulimit -f`, which fails
/// writes with EFBIG as a full disk fails them with ENOSPC) is one error with the count of
/// files, and the output folder is left as it was.
#[test]
fn a_write_failing_on_many_files_is_one_error_with_their_count() {
    let dir = crate::support::site_copy("golden");
    assert_eq!(roster!(dir, "build").code, 0);
    let before = crate::support::read_tree(&dir.join("public"));
    // SIGXFSZ ignored, so that a write past the limit fails instead of killing the process;
    // 8 blocks of 512 bytes is smaller than most pages.
    let script =
        format!("trap '' XFSZ; ulimit -f 8; exec '{}' --root '{}' build", env!("CARGO_BIN_EXE_roster"), dir.display());
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(&script)
        .env("NO_COLOR", "1")
        .env("ROSTER_NO_SYSTEM_FONTS", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let failures: Vec<&str> = stderr.lines().filter(|l| l.contains("cannot write output")).collect();
    assert_eq!(failures.len(), 1, "one error for all the files: {stderr}");
    assert!(failures[0].contains("File too large") && failures[0].contains(" files, the first "), "{stderr}");
    assert!(stderr.contains("nothing was written; the previous output is unchanged"), "{stderr}");
    assert_eq!(crate::support::read_tree(&dir.join("public")), before, "the output is as it was");
    assert!(staging_folders(&dir.join("public")).is_empty(), "no staging folder left");
}
