//! Watching the site folder with notify: `roster.toml`, `content/`, `themes/` and `static/`.
//! Only changes count (create, modify, remove, rename): reading files during a rebuild must not
//! trigger another one. A burst of changes is gathered until the folder has been quiet for
//! [`QUIET`]. Editor backup and swap files are ignored. When the kernel lost events, the batch
//! holds the site root, which rebuilds everything. A source folder created while serving
//! (`static/`, `themes/`, or `content/` in a new site) is watched from the batch that saw it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

/// How long the folder must be quiet before a rebuild starts.
pub const QUIET: Duration = Duration::from_millis(60);

/// The folders watched recursively, when they exist.
const SOURCES: [&str; 3] = ["content", "themes", "static"];

/// Batches of changed paths; the watcher lives as long as this value.
pub struct Changes {
    rx: Receiver<PathBuf>,
    root: PathBuf,
    /// The watcher, and which of [`SOURCES`] it watches.
    watcher: Mutex<(RecommendedWatcher, Vec<&'static str>)>,
}

impl Changes {
    /// Blocks until something changed, then gathers the burst; `None` when watching stopped.
    pub fn next_batch(&self) -> Option<Vec<PathBuf>> {
        let first = self.rx.recv().ok()?;
        self.watch_new_sources();
        let mut batch = vec![first];
        loop {
            match self.rx.recv_timeout(QUIET) {
                Ok(p) => {
                    if !batch.contains(&p) {
                        batch.push(p);
                    }
                }
                Err(RecvTimeoutError::Timeout) => return Some(batch),
                Err(RecvTimeoutError::Disconnected) => return Some(batch),
            }
        }
    }
}

fn interesting(root: &Path, path: &Path) -> bool {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let name = rel.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let hidden = rel.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    let backup = name.ends_with('~') || name.ends_with(".swp") || name.ends_with(".swx") || name == "4913";
    let top = rel.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned()).unwrap_or_default();
    !hidden && !backup && (rel == Path::new("roster.toml") || matches!(top.as_str(), "content" | "themes" | "static"))
}

impl Changes {
    /// Starts watching each source folder that exists now and was not watched yet.
    fn watch_new_sources(&self) {
        let mut guard = self.watcher.lock().unwrap_or_else(|e| e.into_inner());
        let (watcher, watched) = &mut *guard;
        for dir in SOURCES {
            let path = self.root.join(dir);
            if !watched.contains(&dir) && path.is_dir() && watcher.watch(&path, RecursiveMode::Recursive).is_ok() {
                watched.push(dir);
            }
        }
    }
}

pub fn watch(root: &Path) -> notify::Result<Changes> {
    let (tx, rx) = mpsc::channel();
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let filter_root = root.clone();
    let mut watcher = notify::recommended_watcher(move |result: notify::Result<notify::Event>| {
        let Ok(event) = result else { return };
        // Events were lost (the kernel's queue overflowed): the site root itself stands for
        // "anything may have changed", which rebuilds everything and walks content/ again.
        if event.need_rescan() {
            let _ = tx.send(filter_root.clone());
            return;
        }
        if !matches!(event.kind, EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) | EventKind::Any) {
            return;
        }
        for path in event.paths {
            if interesting(&filter_root, &path) {
                let _ = tx.send(path);
            }
        }
    })?;
    watcher.watch(&root, RecursiveMode::NonRecursive)?;
    let changes = Changes { rx, root, watcher: Mutex::new((watcher, Vec::new())) };
    changes.watch_new_sources();
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_site_sources_count() {
        let root = Path::new("/site");
        assert!(interesting(root, Path::new("/site/content/a/2022-01-01.toml")));
        assert!(interesting(root, Path::new("/site/roster.toml")));
        assert!(interesting(root, Path::new("/site/themes/x/templates/base.html")));
        assert!(!interesting(root, Path::new("/site/public/index.html")));
        assert!(!interesting(root, Path::new("/site/content/a/.2022-01-01.toml.swp")));
        assert!(!interesting(root, Path::new("/site/content/a/2022-01-01.toml~")));
        assert!(!interesting(root, Path::new("/site/target/debug/x")));
    }
}
