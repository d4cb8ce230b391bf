//! Helpers shared by the integration tests: running the binary, fixture sites, expected files.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The outcome of one run of the `roster` binary.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The tests' today, 2026-12-01, as `SOURCE_DATE_EPOCH`: what is stale, and which editions are
/// scheduled, does not depend on the day the tests run (`--today` still overrides it).
pub const TODAY_EPOCH: &str = "1796083200";

/// Runs `roster --root ROOT ARGS…` with colours off.
pub fn run(root: &Path, args: &[&str]) -> Run {
    run_with(root, args, &[])
}

/// As [`run`], with more variables in the environment.
pub fn run_with(root: &Path, args: &[&str], vars: &[(&str, &str)]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_roster"))
        .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        .envs(vars.iter().copied())
        .arg("--root")
        .arg(root)
        .args(args)
        .env("NO_COLOR", "1")
        // Only the bundled font and [print] fonts: the same PDF on every machine.
        .env("ROSTER_NO_SYSTEM_FONTS", "1")
        .output()
        .expect("run roster");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `roster!(root, "check", "--format", "json")`
#[macro_export]
macro_rules! roster {
    ($root:expr $(, $arg:expr)* $(,)?) => {
        $crate::support::run(::std::path::Path::new(&$root), &[$(::std::convert::AsRef::<str>::as_ref(&$arg)),*])
    };
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);
static SWEEP: std::sync::Once = std::sync::Once::new();

/// A folder under the system temp dir that is removed when dropped, also when the test fails,
/// so that a test run leaves nothing behind. It reads as the path it holds.
#[derive(Debug)]
pub struct Temp {
    path: PathBuf,
    owned: PathBuf,
}

impl Temp {
    /// The sub-folder `name` (not created), still removing the whole folder when dropped.
    pub fn sub(self, name: &str) -> Temp {
        let mut this = std::mem::ManuallyDrop::new(self);
        Temp { path: this.path.join(name), owned: std::mem::take(&mut this.owned) }
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        if std::env::var_os("ROSTER_KEEP_TEMP").is_none() {
            let _ = std::fs::remove_dir_all(&self.owned);
        }
    }
}

impl std::ops::Deref for Temp {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.path
    }
}

impl AsRef<Path> for Temp {
    fn as_ref(&self) -> &Path {
        &self.path
    }
}

impl AsRef<std::ffi::OsStr> for Temp {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.path.as_os_str()
    }
}

/// A fresh empty folder under the system temp dir (`ROSTER_KEEP_TEMP=1` keeps it for a look).
/// The first call also removes what runs that were killed left behind.
pub fn temp_dir(tag: &str) -> Temp {
    SWEEP.call_once(sweep_dead_runs);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("roster-it-{tag}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Temp { path: dir.clone(), owned: dir }
}

/// Removes `roster-it-*-PID-N` folders of processes that no longer run.
fn sweep_dead_runs() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix("roster-it-") else { continue };
        let mut parts = rest.rsplit('-');
        let (Some(_n), Some(pid)) = (parts.next(), parts.next()) else { continue };
        let Ok(pid) = pid.parse::<u32>() else { continue };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Copies a folder tree (files and folders only).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A writable copy of a fixture site (or of the demo site with `"demo"`).
pub fn site_copy(name: &str) -> Temp {
    let dir = temp_dir(name);
    if name == "demo" {
        std::fs::copy(repo().join("roster.toml"), dir.join("roster.toml")).unwrap();
        copy_tree(&repo().join("content"), &dir.join("content"));
        copy_tree(&repo().join("static"), &dir.join("static"));
    } else {
        copy_tree(&fixture(name), &dir);
    }
    dir
}

/// Writes `files` (path, text) into a new site folder.
pub fn site(files: &[(&str, &str)]) -> Temp {
    let dir = temp_dir("site");
    write_files(&dir, files);
    if !files.iter().any(|(p, _)| *p == "roster.toml") {
        std::fs::write(dir.join("roster.toml"), "title = \"测试市\"\nbase_url = \"https://example.org/\"\n").unwrap();
    }
    dir
}

pub fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

/// Compares `actual` with the file `expected` (relative to tests/); with `ROSTER_BLESS=1`
/// the file is (re)written instead.
pub fn assert_expected(actual: &str, expected: &str) {
    let path = repo().join("tests").join(expected);
    if std::env::var_os("ROSTER_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing {}; run with ROSTER_BLESS=1 to create it", path.display()));
    if want != actual {
        panic!(
            "output differs from {}\n--- expected\n{want}\n--- actual\n{actual}\n(run with ROSTER_BLESS=1 to accept)",
            path.display()
        );
    }
}

/// Every file below `dir` as (relative path, bytes), sorted.
pub fn read_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap()).collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/");
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}
