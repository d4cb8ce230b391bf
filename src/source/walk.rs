//! Walking `content/`: which files are districts, editions and pages.
//!
//! Hidden entries (`.git`, `.DS_Store`) are skipped. Symlinks are followed but may not lead
//! outside the site root, and a symlink loop is an error, never a hang.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use walkdir::WalkDir;

use crate::diag::Diagnostic;
use crate::source::reader::parse_date;

pub const CONTENT_DIR: &str = "content";
pub const DISTRICT_FILE: &str = "district.toml";
pub const PAGES_DIR: &str = "pages";
pub const INDEX_FILE: &str = "_index.md";
/// The folder of call-check rounds, in a district folder (or in `content/` for rows that name
/// their district).
pub const CHECKS_DIR: &str = "checks";
/// The folder of citizens' reports of wrong numbers, beside `checks`.
pub const REPORTS_DIR: &str = "reports";

/// The files found under `content/`, as paths relative to the site root.
#[derive(Debug, Default)]
pub struct Tree {
    pub index: Option<String>,
    /// (file, slug)
    pub pages: Vec<(String, String)>,
    pub districts: Vec<DistrictFiles>,
    /// Call-check rounds: (file, date from the file name, path of the folder's district, ""
    /// for `content/checks/`), sorted by file.
    pub checks: Vec<(String, NaiveDate, String)>,
    /// Citizens' reports, as `checks`.
    pub reports: Vec<(String, NaiveDate, String)>,
}

#[derive(Debug, Default)]
pub struct DistrictFiles {
    /// Path below `content/`.
    pub path: String,
    pub meta: Option<String>,
    /// (file, date from the file name), sorted by date.
    pub editions: Vec<(String, NaiveDate)>,
    /// Edition files found, including those whose name is not a date.
    pub edition_files: usize,
}

impl Tree {
    /// Every file found, relative to the site root.
    pub fn files(&self) -> std::collections::HashSet<&str> {
        let dated = self.checks.iter().chain(&self.reports).map(|(f, _, _)| f.as_str());
        let districts =
            self.districts.iter().flat_map(|d| d.editions.iter().map(|(f, _)| f.as_str()).chain(d.meta.as_deref()));
        let pages = self.pages.iter().map(|(f, _)| f.as_str()).chain(self.index.as_deref());
        dated.chain(districts).chain(pages).collect()
    }
}

/// Relative, `/`-separated form of `path` below `root`.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/")
}

pub fn walk(root: &Path, diags: &mut Vec<Diagnostic>) -> Tree {
    let content = root.join(CONTENT_DIR);
    let mut tree = Tree::default();
    if !content.is_dir() {
        diags.push(Diagnostic::error(format!("{CONTENT_DIR}/"), "no content/ folder").with_help(
            "create content/<district>/district.toml and an edition file YYYY-MM-DD.toml, or run `roster init`",
        ));
        return tree;
    }
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut districts: BTreeMap<String, DistrictFiles> = BTreeMap::new();
    let walker = WalkDir::new(&content)
        .follow_links(true)
        .min_depth(1)
        .max_depth(64)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                diags.push(walk_error(root, &err));
                continue;
            }
        };
        let rel = relative(root, entry.path());
        if entry.path_is_symlink() && !inside(&real_root, entry.path()) {
            diags.push(
                Diagnostic::error(rel, "symlink leads outside the site folder")
                    .with_help("copy the file into the site instead of linking to it"),
            );
            continue;
        }
        let below = relative(&content, entry.path());
        let (parent, name) = match below.rsplit_once('/') {
            Some((p, n)) => (p.to_owned(), n.to_owned()),
            None => (String::new(), below.clone()),
        };
        let is_dir = entry.file_type().is_dir();
        if let Some((folder, district, inner)) = in_dated_folder(&below) {
            let list = if folder == CHECKS_DIR { &mut tree.checks } else { &mut tree.reports };
            collect_dated(list, folder, rel, district, inner, is_dir, diags);
            continue;
        }
        if parent.is_empty() && name == PAGES_DIR {
            if !is_dir {
                diags.push(Diagnostic::warning(rel, "`content/pages` should be a folder of .md pages; ignored"));
            }
            continue;
        }
        if parent == PAGES_DIR || parent.starts_with("pages/") {
            collect_page(&mut tree, rel, &parent, &name, is_dir, diags);
            continue;
        }
        if is_dir {
            districts.entry(below.clone()).or_insert_with(|| DistrictFiles { path: below, ..Default::default() });
            continue;
        }
        if parent.is_empty() {
            if name == INDEX_FILE {
                tree.index = Some(rel);
            } else {
                diags.push(Diagnostic::warning(
                    rel,
                    "file ignored: content/ holds _index.md, pages/ and one folder per district",
                ));
            }
            continue;
        }
        let district =
            districts.entry(parent.clone()).or_insert_with(|| DistrictFiles { path: parent, ..Default::default() });
        collect_district_file(district, rel, &name, diags);
    }
    for d in districts.values_mut() {
        d.editions.sort_by_key(|(_, date)| *date);
        if d.meta.is_none() {
            diags.push(
                Diagnostic::error(format!("{CONTENT_DIR}/{}/", d.path), "district folder has no district.toml")
                    .with_help("add district.toml with at least `name = \"…\"`, or move the folder out of content/"),
            );
        }
    }
    tree.districts = districts.into_values().collect();
    tree
}

/// For a path inside a `checks` or `reports` folder: the folder's name, its district's path
/// and the path below it.
fn in_dated_folder(below: &str) -> Option<(&'static str, &str, &str)> {
    let mut start = 0;
    for segment in below.split('/') {
        if let Some(folder) = [CHECKS_DIR, REPORTS_DIR].into_iter().find(|f| *f == segment) {
            let district = below[..start].trim_end_matches('/');
            return Some((folder, district, below.get(start + segment.len() + 1..).unwrap_or("")));
        }
        start += segment.len() + 1;
    }
    None
}

/// A file of a `checks` or `reports` folder: `YYYY-MM-DD.csv`, the day of the calls or reports.
fn collect_dated(
    list: &mut Vec<(String, NaiveDate, String)>,
    folder: &str,
    rel: String,
    district: &str,
    inner: &str,
    is_dir: bool,
    diags: &mut Vec<Diagnostic>,
) {
    if inner.is_empty() || (is_dir && inner.contains('/')) {
        return;
    }
    let what = if folder == CHECKS_DIR { "call-check rounds" } else { "reports of wrong numbers" };
    if is_dir || inner.contains('/') {
        if is_dir {
            diags.push(Diagnostic::warning(
                rel,
                format!("folder ignored: a {folder} folder holds {what} named YYYY-MM-DD.csv"),
            ));
        }
        return;
    }
    let Some(stem) = inner.strip_suffix(".csv") else {
        diags.push(Diagnostic::warning(
            rel,
            format!("file ignored: a {folder} folder holds {what} named YYYY-MM-DD.csv"),
        ));
        return;
    };
    match parse_date(stem) {
        Some(date) if chrono::Datelike::year(&date) >= crate::source::reader::EARLIEST_YEAR => {
            list.push((rel, date, district.to_owned()))
        }
        _ => {
            let kind = if folder == CHECKS_DIR { "call-check" } else { "report" };
            diags.push(Diagnostic::error(rel, format!("{kind} file name `{inner}` is not a date")).with_help(format!(
                "name the file after the day, as YYYY-MM-DD.csv (e.g. 2026-11-18.csv): {what} are dated files"
            )))
        }
    }
}

fn collect_page(tree: &mut Tree, rel: String, parent: &str, name: &str, is_dir: bool, diags: &mut Vec<Diagnostic>) {
    if parent != PAGES_DIR || is_dir {
        if !is_dir {
            diags.push(Diagnostic::warning(rel, "file ignored: pages are content/pages/*.md, not in sub-folders"));
        }
        return;
    }
    match name.strip_suffix(".md") {
        Some(slug) if crate::source::text::is_slug(slug) => tree.pages.push((rel, slug.to_owned())),
        Some(slug) => {
            diags.push(Diagnostic::error(rel, format!("page file name `{slug}` is not a slug")).with_help(
                "name pages with lowercase letters, digits and `-`, e.g. about.md; the name is the page's URL",
            ))
        }
        None => diags.push(Diagnostic::warning(rel, "file ignored: pages are Markdown files ending in .md")),
    }
}

fn collect_district_file(district: &mut DistrictFiles, rel: String, name: &str, diags: &mut Vec<Diagnostic>) {
    if name == DISTRICT_FILE {
        district.meta = Some(rel);
        return;
    }
    let Some(stem) = name.strip_suffix(".toml") else {
        diags.push(Diagnostic::warning(
            rel,
            "file ignored: a district folder holds district.toml and editions named YYYY-MM-DD.toml",
        ));
        return;
    };
    district.edition_files += 1;
    match parse_date(stem) {
        Some(date) if chrono::Datelike::year(&date) < crate::source::reader::EARLIEST_YEAR => {
            diags.push(
                Diagnostic::error(
                    rel,
                    format!("edition file name `{name}` is before {}", crate::source::reader::EARLIEST_YEAR),
                )
                .with_help("name an edition after the date it takes effect, as YYYY-MM-DD.toml (e.g. 2022-02-08.toml)"),
            );
        }
        Some(date) => district.editions.push((rel, date)),
        None => {
            let what = if stem.len() == 10 && stem.as_bytes()[4] == b'-' {
                format!("edition file name `{name}` is not a real date")
            } else {
                format!("edition file name `{name}` is not a date")
            };
            diags.push(Diagnostic::error(rel, what).with_help(
                "name an edition after the date it takes effect, as YYYY-MM-DD.toml (e.g. 2022-02-08.toml); the district's own file is district.toml",
            ));
        }
    }
}

fn inside(real_root: &Path, path: &Path) -> bool {
    path.canonicalize().map(|p| p.starts_with(real_root)).unwrap_or(false)
}

fn walk_error(root: &Path, err: &walkdir::Error) -> Diagnostic {
    let path: PathBuf = err.path().map(Path::to_path_buf).unwrap_or_else(|| root.join(CONTENT_DIR));
    let rel = relative(root, &path);
    if let Some(ancestor) = err.loop_ancestor() {
        return Diagnostic::error(rel, format!("symlink loop back to {}", relative(root, ancestor)))
            .with_help("remove the symlink; a district folder cannot contain itself");
    }
    let reason = err.io_error().map(|e| e.to_string()).unwrap_or_else(|| err.to_string());
    Diagnostic::error(rel, format!("cannot read: {reason}"))
}
