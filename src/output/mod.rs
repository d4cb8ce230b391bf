//! Where the rendered site goes.
//!
//! Renderers hand each file to a [`Sink`]. `build` uses a [`DirSink`] that writes into a fresh
//! staging folder beside the output folder; only when everything rendered does [`commit`] swap
//! it in for the old output in one rename. A failed build therefore leaves the previous
//! output exactly as it was. `serve` and tests use a [`MemorySink`].

mod commit;
mod paths;

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub use commit::{MARKER, Staging, check_output_dir, commit, mark, remove_stale};
pub use paths::is_safe_path;

/// Receives the files of the site; called from many threads at once.
pub trait Sink: Sync {
    /// Stores `bytes` at `path` (relative, `/`-separated, checked with [`is_safe_path`]).
    fn put(&self, path: &str, bytes: Vec<u8>) -> io::Result<()>;

    /// Stores what `write` writes at `path`. A large file (open data) is streamed to disk by
    /// sinks that write files instead of being held in memory first.
    fn put_stream(&self, path: &str, write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>) -> io::Result<()> {
        let mut bytes = Vec::new();
        write(&mut bytes)?;
        self.put(path, bytes)
    }
}

fn unsafe_path(path: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, format!("refusing to write outside the output folder: {path:?}"))
}

/// Keeps the site in memory.
#[derive(Default)]
pub struct MemorySink {
    files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl MemorySink {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for MemorySink {
    fn put(&self, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        if !is_safe_path(path) {
            return Err(unsafe_path(path));
        }
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        if files.insert(path.to_owned(), bytes).is_some() {
            return Err(io::Error::new(io::ErrorKind::AlreadyExists, format!("two outputs write {path}")));
        }
        Ok(())
    }
}

/// Writes each file into a folder as it comes.
pub struct DirSink {
    dir: PathBuf,
    written: Mutex<BTreeMap<String, ()>>,
    /// Folders already created, so each is made once.
    folders: Mutex<std::collections::HashSet<PathBuf>>,
}

impl DirSink {
    pub fn new(dir: &Path) -> Self {
        DirSink { dir: dir.to_path_buf(), written: Mutex::default(), folders: Mutex::default() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn file_count(&self) -> usize {
        self.written.lock().map(|w| w.len()).unwrap_or(0)
    }
}

impl DirSink {
    /// Checks `path`, records it, creates its folder; returns where to write it.
    fn prepare(&self, path: &str) -> io::Result<PathBuf> {
        if !is_safe_path(path) {
            return Err(unsafe_path(path));
        }
        {
            let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
            if written.insert(path.to_owned(), ()).is_some() {
                return Err(io::Error::new(io::ErrorKind::AlreadyExists, format!("two outputs write {path}")));
            }
        }
        let target = self.dir.join(path);
        if let Some(parent) = target.parent() {
            let known = self.folders.lock().unwrap_or_else(|e| e.into_inner()).contains(parent);
            if !known {
                std::fs::create_dir_all(parent)?;
                self.folders.lock().unwrap_or_else(|e| e.into_inner()).insert(parent.to_path_buf());
            }
        }
        Ok(target)
    }
}

impl Sink for DirSink {
    fn put_stream(&self, path: &str, write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>) -> io::Result<()> {
        let target = self.prepare(path)?;
        let mut out = io::BufWriter::with_capacity(1 << 16, std::fs::File::create(target)?);
        write(&mut out)?;
        io::Write::flush(&mut out)
    }

    fn put(&self, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        let target = self.prepare(path)?;
        std::fs::write(&target, bytes)
    }
}

/// Strips a prefix from every path before handing the file on (for `--print-only`, which
/// stages `print/` alone); a path without the prefix is refused.
pub struct PrefixSink<S> {
    prefix: &'static str,
    inner: S,
}

impl<S: Sink> PrefixSink<S> {
    pub fn new(prefix: &'static str, inner: S) -> Self {
        PrefixSink { prefix, inner }
    }

    pub fn inner(&self) -> &S {
        &self.inner
    }
}

impl<S: Sink> Sink for PrefixSink<S> {
    fn put_stream(&self, path: &str, write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>) -> io::Result<()> {
        match path.strip_prefix(self.prefix) {
            Some(rest) => self.inner.put_stream(rest, write),
            None => Err(io::Error::new(io::ErrorKind::InvalidInput, format!("{path} is outside {}", self.prefix))),
        }
    }

    fn put(&self, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        match path.strip_prefix(self.prefix) {
            Some(rest) => self.inner.put(rest, bytes),
            None => Err(io::Error::new(io::ErrorKind::InvalidInput, format!("{path} is outside {}", self.prefix))),
        }
    }
}

/// Discards everything: `roster check` renders the whole site to find template errors.
pub struct NullSink;

impl Sink for NullSink {
    fn put(&self, path: &str, _bytes: Vec<u8>) -> io::Result<()> {
        if is_safe_path(path) { Ok(()) } else { Err(unsafe_path(path)) }
    }
}
