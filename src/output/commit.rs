//! Swapping a finished staging folder in for the output folder.
//!
//! The staging folder is created beside the output folder (same file system), so the swap is a
//! rename: on Linux an atomic exchange (`renameat2(RENAME_EXCHANGE)`), elsewhere two renames.
//! The output folder carries a marker file; a non-empty folder without it was not made by
//! roster and is never replaced.

use std::io;
use std::path::{Path, PathBuf};

/// Marks a folder as roster's output.
pub const MARKER: &str = ".roster-output";

/// Refuses output folders that would destroy the site or other files: the site root,
/// `content/`, `themes/`, `static/`, any folder containing them or `/`, and a non-empty
/// folder that roster did not write.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<(), String> {
    let root = absolute(root);
    let out = absolute(output);
    if out.parent().is_none() {
        return Err(format!("refusing to write the site to {}", out.display()));
    }
    for protected in [root.clone(), root.join("content"), root.join("themes"), root.join("static")] {
        if protected.starts_with(&out) {
            return Err(format!(
                "refusing output folder {}: it is or contains {} and would be replaced",
                out.display(),
                protected.display()
            ));
        }
    }
    if out.starts_with(root.join("content"))
        || out.starts_with(root.join("themes"))
        || out.starts_with(root.join("static"))
    {
        return Err(format!("refusing output folder {} inside the site's sources", out.display()));
    }
    if out.is_dir() && !out.join(MARKER).is_file() {
        let empty = std::fs::read_dir(&out).map(|mut d| d.next().is_none()).unwrap_or(false);
        if !empty {
            return Err(format!(
                "{} exists and was not written by roster; choose another --output or empty it first",
                out.display()
            ));
        }
    }
    if out.exists() && !out.is_dir() {
        return Err(format!("{} exists and is not a folder", out.display()));
    }
    Ok(())
}

/// An absolute, lexically normalised path (symlinks in existing ancestors resolved).
fn absolute(path: &Path) -> PathBuf {
    let abs =
        if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(path) };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    // Resolve the longest existing ancestor so that symlinked paths compare correctly.
    let mut existing = out.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name().map(|n| n.to_os_string()), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    resolved
}

/// Removes the staging folders of `output` that builds killed before they finished left
/// behind: folders named `.{name}.roster-staging-{pid}-t{start}-{n}` (or with `.old`, from the
/// swap by two renames) whose process no longer runs. `start` is when that process started, so
/// a folder whose pid a later, unrelated process now has is stale too. (A folder named by an
/// older roster, without `t{start}`, is stale once its pid is gone.) Returns how many it
/// removed. Where it cannot tell whether a process runs (not on Linux) it removes none.
pub fn remove_stale(output: &Path) -> usize {
    let output = absolute(output);
    let (Some(parent), Some(name)) = (output.parent(), output.file_name()) else {
        return 0;
    };
    let prefix = format!(".{}.roster-staging-", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(parent) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let mut fields = rest.split('-');
        let Some(pid) = fields.next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let start = fields.next().and_then(|t| t.strip_prefix('t')).and_then(|t| t.parse::<u64>().ok());
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && is_stale(pid, start) && std::fs::remove_dir_all(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Whether the build that made a staging folder is gone: its pid runs no process, or one that
/// started at another time than `start`.
#[cfg(target_os = "linux")]
fn is_stale(pid: u32, start: Option<u64>) -> bool {
    match (started(pid), start) {
        (None, _) => true,
        // `t0`: the build could not read its own start time, so only its pid is known.
        (Some(now), Some(then)) => then != 0 && now != then,
        // An older roster's folder: only its pid to go by, and this process is not stale.
        (Some(_), None) => false,
    }
}

#[cfg(not(target_os = "linux"))]
fn is_stale(_pid: u32, _start: Option<u64>) -> bool {
    false
}

/// When process `pid` started, in clock ticks after boot (field 22 of `/proc/PID/stat`), or
/// `None` when no such process runs.
#[cfg(target_os = "linux")]
fn started(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(19)?.parse().ok()
}

/// This process's mark in its staging folder's name: when it started, where that is known.
fn own_start() -> u64 {
    #[cfg(target_os = "linux")]
    return started(std::process::id()).unwrap_or(0);
    #[cfg(not(target_os = "linux"))]
    return 0;
}

/// A staging folder beside the output; removed on drop unless committed.
pub struct Staging {
    pub dir: PathBuf,
    output: PathBuf,
    committed: bool,
}

impl Staging {
    pub fn new(output: &Path) -> io::Result<Staging> {
        let output = absolute(output);
        let parent = output.parent().ok_or_else(|| io::Error::other("output folder has no parent"))?;
        std::fs::create_dir_all(parent)?;
        let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let (pid, start) = (std::process::id(), own_start());
        for n in 0..1000u32 {
            let dir = parent.join(format!(".{name}.roster-staging-{pid}-t{start}-{n}"));
            match std::fs::create_dir(&dir) {
                Ok(()) => {
                    return Ok(Staging { dir, output, committed: false });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::other("cannot create a staging folder"))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Marks `dir` as roster's output folder.
pub fn mark(dir: &Path) -> io::Result<()> {
    std::fs::write(dir.join(MARKER), b"This folder is written by roster; it is replaced on every build.\n")
}

/// Replaces the output folder with the staging folder.
pub fn commit(mut staging: Staging) -> io::Result<()> {
    let output = staging.output.clone();
    if !output.exists() {
        std::fs::rename(&staging.dir, &output)?;
        staging.committed = true;
        return Ok(());
    }
    let old = exchange(&staging.dir, &output)?;
    staging.committed = true;
    // `old` now holds the previous output; removing it cannot affect the new site.
    let _ = std::fs::remove_dir_all(old);
    Ok(())
}

/// Puts `new` at `output`; returns where the previous output now is.
#[cfg(target_os = "linux")]
fn exchange(new: &Path, output: &Path) -> io::Result<PathBuf> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, new, CWD, output, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(new.to_path_buf()),
        Err(_) => two_renames(new, output),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(new: &Path, output: &Path) -> io::Result<PathBuf> {
    two_renames(new, output)
}

fn two_renames(new: &Path, output: &Path) -> io::Result<PathBuf> {
    let mut old = new.as_os_str().to_owned();
    old.push(".old");
    let old = PathBuf::from(old);
    std::fs::rename(output, &old)?;
    if let Err(e) = std::fs::rename(new, output) {
        let _ = std::fs::rename(&old, output);
        return Err(e);
    }
    Ok(old)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("roster-commit-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn refuses_dangerous_output_folders() {
        let root = tmp("refuse");
        std::fs::create_dir_all(root.join("content")).unwrap();
        assert!(check_output_dir(&root, &root).is_err());
        assert!(check_output_dir(&root, &root.join("content")).is_err());
        assert!(check_output_dir(&root, &root.join("content/x")).is_err());
        assert!(check_output_dir(&root, root.parent().unwrap()).is_err());
        assert!(check_output_dir(&root, Path::new("/")).is_err());
        assert!(check_output_dir(&root, &root.join("public")).is_ok());
        std::fs::create_dir_all(root.join("mine")).unwrap();
        std::fs::write(root.join("mine/thesis.txt"), "x").unwrap();
        assert!(check_output_dir(&root, &root.join("mine")).is_err());
        assert!(check_output_dir(&root, &root.join("public/../content")).is_err());
    }

    #[test]
    fn commit_swaps_and_drop_cleans_up() {
        let root = tmp("swap");
        let out = root.join("public");
        let s = Staging::new(&out).unwrap();
        std::fs::write(s.dir.join("a.html"), "one").unwrap();
        mark(&s.dir).unwrap();
        commit(s).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a.html")).unwrap(), "one");
        let s = Staging::new(&out).unwrap();
        std::fs::write(s.dir.join("b.html"), "two").unwrap();
        commit(s).unwrap();
        assert!(!out.join("a.html").exists());
        assert_eq!(std::fs::read_to_string(out.join("b.html")).unwrap(), "two");
        let s = Staging::new(&out).unwrap();
        let dir = s.dir.clone();
        drop(s);
        assert!(!dir.exists());
        let leftovers: Vec<_> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
    }

    /// A folder left by a killed build is removed, also when its pid now belongs to another
    /// process; the folders of builds that still run are kept.
    #[cfg(target_os = "linux")]
    #[test]
    fn stale_staging_folders_are_found_by_pid_and_start_time() {
        let root = tmp("stale");
        let out = root.join("public");
        let live = Staging::new(&out).unwrap();
        let init = started(1).expect("process 1 runs");
        let name = |rest: &str| root.join(format!(".public.roster-staging-{rest}"));
        let gone = u32::MAX - 7;
        let folders = [
            (format!("1-t{}-0", init + 1), true),
            (format!("1-t{}-0.old", init + 1), true),
            (format!("{gone}-t5-0"), true),
            (format!("{gone}-0"), true),
            (format!("1-t{init}-0"), false),
            ("1-0".to_owned(), false),
            ("1-t0-0".to_owned(), false),
        ];
        for (rest, _) in &folders {
            std::fs::create_dir_all(name(rest)).unwrap();
        }
        assert_eq!(remove_stale(&out), 4);
        for (rest, stale) in &folders {
            assert_eq!(name(rest).exists(), !stale, "{rest}");
        }
        assert!(live.dir.exists(), "this build's own folder is kept");
        let _ = std::fs::remove_dir_all(&root);
    }
}
