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
/// again.
#[derive(Default)]
pub struct SourceCache {
    editions: Mutex<HashMap<String, Cached<Option<Arc<EditionSource>>>>>,
    districts: Mutex<HashMap<String, Cached<Option<DistrictMeta>>>>,
}

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
    pub fn invalidate<'a>(&self, paths: impl IntoIterator<Item = &'a str>) {
        let (mut editions, mut districts) = (lock(&self.editions), lock(&self.districts));
        for p in paths {
            editions.remove(p);
            districts.remove(p);
        }
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
    let tree = walk::walk(root, diags);
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
