//! The site folder as written: `content/` is walked, every file is read and parsed into
//! spanned records. Nothing here judges the data beyond its shape (types, unknown and missing
//! keys, file names); the `model` stage validates meaning.

pub(crate) mod chars;
pub(crate) mod checks;
pub(crate) mod frontmatter;
pub(crate) mod parse;
pub(crate) mod reader;
pub(crate) mod text;
pub(crate) mod walk;

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use chrono::NaiveDate;
use rayon::prelude::*;

pub use reader::Text;

use crate::diag::{Diagnostic, FileRef};

/// Everything read from `content/`.
#[derive(Debug, Default)]
pub struct SiteSource {
    /// `content/_index.md`, the front page text.
    pub index: Option<PageSource>,
    /// `content/pages/*.md`, sorted by file name.
    pub pages: Vec<PageSource>,
    /// Every district folder, sorted by path.
    pub districts: Vec<DistrictSource>,
    /// Every call-check round's file, sorted by file.
    pub checks: Vec<checks::CheckSource>,
    /// Every file of citizens' reports, sorted by file.
    pub reports: Vec<checks::CheckSource>,
}

/// A district folder.
#[derive(Debug)]
pub struct DistrictSource {
    /// Path below `content/`, `/`-separated: `meishan/dongpo`.
    pub path: String,
    /// `district.toml`, when present and well-formed.
    pub meta: Option<DistrictMeta>,
    /// Editions sorted by date.
    pub editions: Vec<Arc<EditionSource>>,
    /// Edition files found, including unreadable or misnamed ones.
    pub edition_files: usize,
}

/// `district.toml`.
#[derive(Debug, Clone)]
pub struct DistrictMeta {
    pub file: FileRef,
    pub name: Option<Text>,
    pub kind: Option<Text>,
    pub order: Option<(i64, Range<usize>)>,
    pub intro: Option<Text>,
}

/// An edition file, `YYYY-MM-DD.toml`.
#[derive(Debug)]
pub struct EditionSource {
    pub file: FileRef,
    pub date: NaiveDate,
    pub reason: Option<Text>,
    pub source: Option<Text>,
    pub note: Option<Text>,
    pub bodies: Vec<BodySource>,
}

/// A `[[body]]`.
#[derive(Debug)]
pub struct BodySource {
    /// Span of the `[[body]]` header.
    pub span: Range<usize>,
    pub name: Option<Text>,
    pub members: Vec<MemberSource>,
}

/// A `[[body.member]]`.
#[derive(Debug, Default)]
pub struct MemberSource {
    /// Span of the `[[body.member]]` header.
    pub span: Range<usize>,
    pub id: Option<Text>,
    pub name: Option<Text>,
    pub post: Option<Text>,
    pub duties: Option<Text>,
    pub mobile: Option<Text>,
    pub office_phone: Option<Text>,
    pub office: Option<Text>,
    pub hours: Option<Text>,
    pub verified: Option<(NaiveDate, Range<usize>)>,
    pub private: Vec<Text>,
}

/// A Markdown page with TOML front matter.
#[derive(Debug)]
pub struct PageSource {
    pub file: FileRef,
    /// File stem: the page's URL segment.
    pub slug: String,
    pub title: Option<Text>,
    pub order: Option<i64>,
    pub description: Option<Text>,
    /// The Markdown after the front matter.
    pub body: String,
}

/// Parsed edition and district files, kept between rebuilds by `serve`: a file whose size
/// and modification time are unchanged (and that the watcher did not report) is not read
/// again. The last walk of `content/` is kept too, and reused when the watcher reported only
/// changes to files the walk found and that are still plain files: then no file was added,
/// removed or renamed, and the walk would find the same tree.
#[derive(Default)]
pub struct SourceCache {
    editions: Mutex<HashMap<String, Cached<Option<Arc<EditionSource>>>>>,
    districts: Mutex<HashMap<String, Cached<Option<DistrictMeta>>>>,
    /// The last walk and its diagnostics, and whether the next load may reuse it.
    tree: Mutex<(Option<Walked>, bool)>,
}

/// A walk of `content/` and its diagnostics.
type Walked = Arc<(walk::Tree, Vec<Diagnostic>)>;

/// A file's parsed value and the diagnostics of parsing it, under the stamp it was read at.
struct Cached<T> {
    stamp: Stamp,
    value: T,
    diags: Vec<Diagnostic>,
}

type Stamp = (u64, Option<SystemTime>);

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// What `map` holds for `rel` at this `stamp`, else `parse()`, kept under it.
fn cached<T: Clone>(
    map: &Mutex<HashMap<String, Cached<T>>>,
    rel: &str,
    stamp: Option<Stamp>,
    parse: impl FnOnce() -> (T, Vec<Diagnostic>),
) -> (T, Vec<Diagnostic>) {
    if let Some(stamp) = stamp
        && let Some(hit) = lock(map).get(rel).filter(|c| c.stamp == stamp)
    {
        return (hit.value.clone(), hit.diags.clone());
    }
    let (value, diags) = parse();
    if let Some(stamp) = stamp {
        lock(map).insert(rel.to_owned(), Cached { stamp, value: value.clone(), diags: diags.clone() });
    }
    (value, diags)
}

impl SourceCache {
    /// Forgets the files at these paths (relative to the site root).
    /// Forgets the files at these paths (relative to the site root, under `root`), and lets
    /// the next load reuse the last walk when each is a plain file that walk found.
    pub fn invalidate<'a>(&self, root: &Path, paths: impl IntoIterator<Item = &'a str>) {
        let paths: Vec<&str> = paths.into_iter().collect();
        let (mut editions, mut districts) = (lock(&self.editions), lock(&self.districts));
        for p in &paths {
            editions.remove(*p);
            districts.remove(*p);
        }
        let mut tree = lock(&self.tree);
        let reuse = tree.0.as_ref().is_some_and(|last| {
            let plain = |p: &str| std::fs::symlink_metadata(root.join(p)).is_ok_and(|m| m.file_type().is_file());
            let found = last.0.files();
            paths.iter().all(|p| found.contains(p) && plain(p))
        });
        tree.1 = reuse;
    }

    /// The last walk, when [`SourceCache::invalidate`] allowed it for this load, else a new
    /// walk (kept for the next).
    fn walk(&self, root: &Path) -> Walked {
        let mut kept = lock(&self.tree);
        let reuse = std::mem::take(&mut kept.1);
        if let (Some(last), true) = (&kept.0, reuse) {
            return last.clone();
        }
        let mut diags = Vec::new();
        let tree = walk::walk(root, &mut diags);
        let walked = Arc::new((tree, diags));
        kept.0 = Some(walked.clone());
        walked
    }

    /// Keeps only the entries of these files.
    fn retain(&self, live: &std::collections::HashSet<&str>) {
        lock(&self.editions).retain(|k, _| live.contains(k.as_str()));
        lock(&self.districts).retain(|k, _| live.contains(k.as_str()));
    }
}

/// Walks and parses `root/content`. Problems are pushed to `diags`; what could be read is
/// returned so that later stages can report their problems in the same run.
pub fn load(root: &Path, diags: &mut Vec<Diagnostic>) -> SiteSource {
    load_cached(root, diags, &SourceCache::default())
}

/// As [`load`], reusing the editions of `cache` that did not change on disk.
pub fn load_cached(root: &Path, diags: &mut Vec<Diagnostic>, cache: &SourceCache) -> SiteSource {
    let walked = cache.walk(root);
    let tree = &walked.0;
    diags.extend(walked.1.iter().cloned());
    let read = |rel: &String| text::read(&root.join(rel), rel);
    let edition = |rel: &String, date: chrono::NaiveDate| {
        cached(&cache.editions, rel, stamp(&root.join(rel)), || {
            let mut diags = Vec::new();
            let edition = match read(rel) {
                Ok(file) => parse::edition(&file, date, &mut diags).map(Arc::new),
                Err(e) => {
                    diags.push(e);
                    None
                }
            };
            (edition, diags)
        })
    };
    let meta = |rel: &String| {
        cached(&cache.districts, rel, stamp(&root.join(rel)), || {
            let mut diags = Vec::new();
            let meta = match read(rel) {
                Ok(file) => parse::district(&file, &mut diags),
                Err(e) => {
                    diags.push(e);
                    None
                }
            };
            (meta, diags)
        })
    };

    let districts: Vec<(DistrictSource, Vec<Diagnostic>)> = tree
        .districts
        .par_iter()
        .map(|d| {
            let mut local = Vec::new();
            let meta = d.meta.as_ref().and_then(|rel| {
                let (meta, diags) = meta(rel);
                local.extend(diags);
                meta
            });
            let editions: Vec<(Option<Arc<EditionSource>>, Vec<Diagnostic>)> =
                d.editions.par_iter().map(|(rel, date)| edition(rel, *date)).collect();
            let mut list = Vec::with_capacity(editions.len());
            for (e, ds) in editions {
                local.extend(ds);
                list.extend(e);
            }
            (DistrictSource { path: d.path.clone(), meta, editions: list, edition_files: d.edition_files }, local)
        })
        .collect();
    let live: std::collections::HashSet<&str> = tree
        .districts
        .iter()
        .flat_map(|d| d.editions.iter().map(|(rel, _)| rel.as_str()).chain(d.meta.as_deref()))
        .collect();
    cache.retain(&live);

    let mut site = SiteSource::default();
    for (d, ds) in districts {
        diags.extend(ds);
        site.districts.push(d);
    }
    let page = |rel: &String, slug: String, diags: &mut Vec<Diagnostic>| match read(rel) {
        Ok(file) => frontmatter::page(&file, slug, diags),
        Err(e) => {
            diags.push(e);
            None
        }
    };
    if let Some(rel) = &tree.index {
        site.index = page(rel, String::new(), diags);
    }
    for (rel, slug) in &tree.pages {
        site.pages.extend(page(rel, slug.clone(), diags));
    }
    for (rel, date, folder) in &tree.checks {
        match read(rel) {
            Ok(file) => site.checks.extend(checks::parse(&file, *date, folder, checks::Sheet::Round, diags)),
            Err(e) => diags.push(e),
        }
    }
    for (rel, date, folder) in &tree.reports {
        match read(rel) {
            Ok(file) => site.reports.extend(checks::parse(&file, *date, folder, checks::Sheet::Report, diags)),
            Err(e) => diags.push(e),
        }
    }
    site
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The districts and edition files a load found.
    fn found(site: &SiteSource) -> Vec<String> {
        site.districts.iter().flat_map(|d| d.editions.iter().map(|e| e.file.path.clone())).collect()
    }

    #[test]
    fn the_last_walk_is_reused_only_after_edits_of_files_it_found() {
        let dir = std::env::temp_dir().join(format!("roster-walk-reuse-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let today = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        crate::scaffold::init(&dir, today).unwrap();
        let cache = SourceCache::default();
        let mut diags = Vec::new();
        let first = found(&load_cached(&dir, &mut diags, &cache));
        assert_eq!(first, vec!["content/example/2024-01-01.toml"], "{diags:?}");
        let edited = "content/example/2024-01-01.toml";
        let text = std::fs::read_to_string(dir.join(edited)).unwrap();
        std::fs::write(dir.join(edited), text.replacen("name = \"张示例\"", "name = \"新张示例\"", 1)).unwrap();
        // A file the watcher has not reported yet: a reused walk does not see it.
        let added = "content/example/2024-02-01.toml";
        std::fs::write(dir.join(added), &text).unwrap();
        cache.invalidate(&dir, [edited]);
        let site = load_cached(&dir, &mut diags, &cache);
        assert_eq!(found(&site), first, "the walk of the last load");
        let member = &site.districts[0].editions[0].bodies[0].members[0];
        assert!(member.name.as_ref().unwrap().value.starts_with('新'), "the edited file is read again");
        // Reported, it is a file the last walk did not find: content/ is walked again.
        cache.invalidate(&dir, [added]);
        assert_eq!(found(&load_cached(&dir, &mut diags, &cache)), vec![edited, added]);
        // A load without an invalidation (a full rebuild) walks again too.
        std::fs::remove_file(dir.join(added)).unwrap();
        assert_eq!(found(&load_cached(&dir, &mut diags, &cache)), vec![edited]);
        // A found file that is no longer a plain file: walked again.
        std::fs::remove_file(dir.join(edited)).unwrap();
        cache.invalidate(&dir, [edited]);
        assert!(found(&load_cached(&dir, &mut diags, &cache)).is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
