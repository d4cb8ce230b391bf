//! Rebuilds for `serve`: the site in memory, rebuilt after each change through the pipeline
//! driver with as little work as is safe. Unchanged edition files are neither parsed nor
//! validated again, `content/` is not walked again when only files it found were edited, and
//! the stale-number report of an unchanged district is kept (the session's `pipeline::Caches`);
//! the theme is kept when only editions changed, and when only edition files changed and the
//! district tree, the newest date and the member every search box suggests are the same, only
//! the pages those editions can affect are rendered again: the districts whose editions or
//! change log changed and their ancestors (member counts), everyone who appears in them, and
//! the home page (with the kept coverage of the other districts) and the feed when their data
//! changed. Anything else is a full rebuild. The print layout, the open data and the site
//! change log (one page over every edition) are made on request.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::Diagnostic;
use crate::history::History;
use crate::model::Roster;
use crate::output::MemorySink;
use crate::render::{Job, Kept, Parts, Scope, links};
use crate::source::reader::parse_date;
use crate::{BuildOptions, diag, pipeline};

/// The files of a build: output path → bytes, cheap to share with the server threads.
pub type Files = Arc<BTreeMap<Arc<str>, Arc<[u8]>>>;

/// The last good build.
struct Last {
    site: pipeline::Prepared,
    files: Files,
}

pub struct Session {
    root: PathBuf,
    opts: BuildOptions,
    caches: pipeline::Caches,
    /// What the renderer keeps for the next rebuild.
    kept: Kept,
    last: Option<Last>,
}

/// What a successful rebuild did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rebuilt {
    pub full: bool,
    /// Files rendered by this rebuild.
    pub rendered: usize,
}

impl Session {
    pub fn new(root: &Path, opts: BuildOptions) -> Session {
        Session {
            root: root.to_path_buf(),
            opts,
            caches: pipeline::Caches::default(),
            kept: Kept::default(),
            last: None,
        }
    }

    /// Whether diagnostics may print private values (`--show-private`).
    pub fn show_private(&self) -> bool {
        self.opts.show_private
    }

    /// The files of the last good build.
    pub fn files(&self) -> Option<Files> {
        self.last.as_ref().map(|l| l.files.clone())
    }

    /// Of the changed paths on disk, those the build reads, relative to the site root. An
    /// editor's temporary files are not among them; a folder that is gone is, when it was a
    /// district of the last build (moved or deleted as a whole, it leaves no file event).
    pub fn relevant(&self, changed: &[PathBuf]) -> Vec<String> {
        let root = self.root.canonicalize().unwrap_or_else(|_| self.root.clone());
        let was_district = |rel: &str| match &self.last {
            Some(last) => rel
                .strip_prefix("content/")
                .is_some_and(|path| last.site.roster.districts.iter().any(|d| d.path == path) || path == "pages"),
            None => true,
        };
        changed
            .iter()
            .map(|p| (p, crate::source::walk::relative(&root, p)))
            .filter(|(p, rel)| matters(p, rel) || (!p.exists() && was_district(rel)))
            .map(|(_, rel)| rel)
            .collect()
    }

    /// Rebuilds after a change to `changed` (paths on disk); `None` rebuilds everything.
    /// On errors the last good build is kept and the diagnostics are returned.
    pub fn rebuild(&mut self, changed: Option<&[PathBuf]>) -> (Result<Rebuilt, ()>, Vec<Diagnostic>) {
        let rel: Option<Vec<String>> = changed.map(|paths| self.relevant(paths));
        if rel.as_ref().is_some_and(Vec::is_empty) && self.last.is_some() {
            return (Ok(Rebuilt { full: false, rendered: 0 }), Vec::new());
        }
        if let Some(rel) = &rel {
            self.caches.sources.invalidate(&self.root, rel.iter().map(String::as_str));
        }
        let last = self.last.take();
        // Only edition files changed: roster.toml and the theme are as they were.
        let kept_theme = match (&last, &rel) {
            (Some(last), Some(rel)) if only_editions(rel) => Some(last.site.theme.clone()),
            _ => None,
        };
        let reuse =
            pipeline::Reuse { last: last.as_ref().map(|l| (&l.site.roster, &l.site.history)), theme: kept_theme };
        let mut site =
            match pipeline::prepare(&self.root, pipeline::Input::Folder(Some(&self.caches)), &self.opts, reuse) {
                Ok(site) => site,
                Err(diags) => {
                    self.last = last;
                    return (Err(()), diags);
                }
            };
        let t = crate::timing::stage("serve: scope");
        let partial = match (&last, &rel) {
            (Some(last), Some(rel)) if only_editions(rel) => {
                scope(&last.site.roster, &last.site.history, &site.roster, &site.history)
            }
            _ => None,
        };
        drop(t);
        let parts = Parts { web: true, site_log: false, print: false, pdf: false, data: false };
        let job = Job { parts, scope: partial.clone().unwrap_or(Scope::All), kept: Some(&self.kept) };
        let sink = MemorySink::new();
        let rendered = pipeline::render(&self.root, &site, &self.opts, &job, &sink);
        let t = crate::timing::stage("serve: diagnostics");
        // The warnings are handed out, not kept: the next rebuild makes its own.
        let mut diags = std::mem::take(&mut site.warnings);
        diag::extend_sorted(&mut diags, rendered);
        drop(t);
        if diags.iter().any(Diagnostic::is_error) {
            // What the failed render kept belongs to a site that is not the last good one.
            self.kept = Kept::default();
            self.last = last;
            return (Err(()), diags);
        }
        let _t = crate::timing::stage("serve: merge files");
        let rendered: Vec<(Arc<str>, Arc<[u8]>)> =
            sink.into_files().into_iter().map(|(k, v)| (Arc::from(k), Arc::from(v))).collect();
        let count = rendered.len();
        let files = match (job.scope, last) {
            (Scope::Some { districts, people }, Some(old)) => {
                let mut files = old.files;
                let map = Arc::make_mut(&mut files);
                for d in &districts {
                    for path in links::district_outputs(&old.site.roster.districts[*d]) {
                        map.remove(path.as_str());
                    }
                }
                for id in &people {
                    for path in links::person_outputs(id) {
                        map.remove(path.as_str());
                    }
                }
                map.extend(rendered);
                files
            }
            (_, _) => Arc::new(rendered.into_iter().collect()),
        };
        self.last = Some(Last { site, files });
        (Ok(Rebuilt { full: partial.is_none(), rendered: count }), diags)
    }

    /// Renders the print layout (and the PDF when `pdf`) of the last good build.
    pub fn print(&self, pdf: bool) -> (BTreeMap<String, Vec<u8>>, Vec<Diagnostic>) {
        self.on_demand(Parts { web: false, site_log: false, print: true, pdf, data: false })
    }

    /// Renders the site change log of the last good build.
    pub fn site_log(&self) -> (BTreeMap<String, Vec<u8>>, Vec<Diagnostic>) {
        self.on_demand(Parts { web: false, site_log: true, print: false, pdf: false, data: false })
    }

    /// Renders the open data, search index and sitemap of the last good build.
    pub fn data(&self) -> (BTreeMap<String, Vec<u8>>, Vec<Diagnostic>) {
        self.on_demand(Parts { web: false, site_log: false, print: false, pdf: false, data: true })
    }

    fn on_demand(&self, parts: Parts) -> (BTreeMap<String, Vec<u8>>, Vec<Diagnostic>) {
        let Some(last) = &self.last else {
            return (BTreeMap::new(), Vec::new());
        };
        let sink = MemorySink::new();
        let job = Job { parts, scope: Scope::All, kept: Some(&self.kept) };
        let diags = pipeline::render(&self.root, &last.site, &self.opts, &job, &sink);
        (sink.into_files(), diags)
    }
}

/// Whether a changed path (on disk, and `rel` to the site root) can change the site: a file in
/// the site's `content/` that is neither TOML nor Markdown nor a call-check round (an editor's
/// temporary file, a stray note) is ignored, as the build ignores it. Only the site's own `content/` counts: a site
/// kept in a folder that happens to be called `content` still sees its template edits.
fn matters(path: &Path, rel: &str) -> bool {
    let in_content = rel == "content" || rel.starts_with("content/");
    if !in_content || path.is_dir() {
        return true;
    }
    match path.extension().and_then(|e| e.to_str()) {
        Some("toml" | "md") => true,
        Some("csv") => rel.split('/').rev().nth(1) == Some(crate::source::walk::CHECKS_DIR),
        _ => false,
    }
}

/// Whether every changed path is an edition file (`content/…/YYYY-MM-DD.toml`).
fn only_editions(rel: &[String]) -> bool {
    !rel.is_empty()
        && rel.iter().all(|p| {
            p.starts_with("content/")
                && !p.starts_with("content/pages/")
                && p.rsplit('/').next().and_then(|f| f.strip_suffix(".toml")).and_then(parse_date).is_some()
        })
}

/// The pages an edit of editions can affect, or `None` when the district tree itself changed.
fn scope(old: &Roster, old_history: &History, new: &Roster, new_history: &History) -> Option<Scope> {
    // Every page's footer shows the date of the newest edition, and its search box a member.
    if old.latest_date() != new.latest_date()
        || crate::render::view::example_member(old) != crate::render::view::example_member(new)
        || old.districts.len() != new.districts.len()
        || old.districts.iter().zip(&new.districts).any(|(a, b)| !a.same_header(b))
    {
        return None;
    }
    let changed: Vec<usize> = (0..new.districts.len())
        .filter(|d| {
            let (a, b) = (&old.districts[*d].editions, &new.districts[*d].editions);
            let same = a.len() == b.len() && a.iter().zip(b).all(|(x, y)| Arc::ptr_eq(x, y) || x == y);
            !same || old_history.changes[*d] != new_history.changes[*d]
        })
        .collect();
    let mut districts: HashSet<usize> = HashSet::new();
    let mut people: HashSet<String> = HashSet::new();
    for d in &changed {
        districts.extend(new.ancestors(*d));
        for roster in [old, new] {
            for e in &roster.districts[*d].editions {
                people.extend(e.members().map(|(_, m)| m.id.to_string()));
            }
        }
    }
    Some(Scope::Some { districts, people })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changes_the_build_reads_matter() {
        let dir = std::env::temp_dir().join(format!("roster-matters-{}", std::process::id()));
        let content = dir.join("content/a");
        std::fs::create_dir_all(&content).unwrap();
        std::fs::write(content.join("sedTMP123"), "x").unwrap();
        std::fs::write(content.join("notes.txt"), "x").unwrap();
        let matters = |p: &Path| matters(p, &crate::source::walk::relative(&dir, p));
        assert!(!matters(&content.join("sedTMP123")), "an editor's temporary file");
        assert!(!matters(&content.join("notes.txt")), "a stray note");
        assert!(matters(&content.join("2020-01-01.toml")), "an edition, even once deleted");
        assert!(matters(&content.join("_index.md")));
        assert!(matters(&content.join("checks/2026-11-18.csv")), "a call-check round");
        assert!(!matters(&content.join("export.csv")), "a spreadsheet that is not a round");
        assert!(matters(&content), "a district folder");
        assert!(matters(&dir.join("roster.toml")));
        assert!(matters(&dir.join("themes/x/templates/base.html")));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_site_inside_a_folder_called_content_still_sees_its_template_edits() {
        let dir = std::env::temp_dir().join(format!("roster-content-parent-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let site = dir.join("content/site");
        crate::scaffold::init(&site, chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()).unwrap();
        let root = site.canonicalize().unwrap();
        let mut session = Session::new(&root, BuildOptions::default());
        assert!(session.rebuild(None).0.is_ok());
        let templates = root.join("themes/default/templates");
        std::fs::create_dir_all(&templates).unwrap();
        let edited = templates.join("person.html");
        std::fs::write(&edited, "{% extends \"base.html\" %}").unwrap();
        assert_eq!(session.relevant(std::slice::from_ref(&edited)), vec!["themes/default/templates/person.html"]);
        let note = root.join("content/notes.txt");
        std::fs::write(&note, "x").unwrap();
        assert!(session.relevant(&[note]).is_empty(), "a stray file in the site's own content/");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_batch_holding_the_site_root_rebuilds_everything() {
        // The watcher sends the root when the kernel lost events (see `watch`).
        let dir = std::env::temp_dir().join(format!("roster-rescan-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        crate::scaffold::init(&dir, chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()).unwrap();
        let root = dir.canonicalize().unwrap();
        let mut session = Session::new(&root, BuildOptions::default());
        assert!(session.rebuild(None).0.is_ok());
        // A district added while events were lost is found: content/ is walked again.
        let added = root.join("content/added");
        std::fs::create_dir_all(&added).unwrap();
        std::fs::copy(root.join("content/example/district.toml"), added.join("district.toml")).unwrap();
        std::fs::copy(root.join("content/example/2024-01-01.toml"), added.join("2024-01-01.toml")).unwrap();
        let (result, diags) = session.rebuild(Some(std::slice::from_ref(&root)));
        assert!(result.is_ok_and(|r| r.full), "{diags:?}");
        assert!(session.files().unwrap().contains_key("added/index.html"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn serve_refuses_a_bad_base_url_as_build_does() {
        let dir = std::env::temp_dir().join(format!("roster-serve-base-url-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        crate::scaffold::init(&dir, chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()).unwrap();
        let opts = BuildOptions { base_url: Some("ftp:/nowhere".into()), ..Default::default() };
        let (result, diags) = Session::new(&dir, opts.clone()).rebuild(None);
        assert!(result.is_err());
        assert!(diags.iter().any(|d| d.is_error() && d.path == "--base-url"), "{diags:?}");
        let built = crate::check(&dir, &opts);
        assert!(built.diagnostics.iter().any(|d| d.is_error() && d.path == "--base-url"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_district_folder_that_is_gone_matters_and_a_vanished_temporary_file_does_not() {
        let dir = std::env::temp_dir().join(format!("roster-relevant-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let today = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        crate::scaffold::init(&dir, today).unwrap();
        let root = dir.canonicalize().unwrap();
        let mut session = Session::new(&root, BuildOptions::default());
        assert!(session.rebuild(None).0.is_ok());
        let moved = root.join("content/example");
        std::fs::rename(&moved, root.join("elsewhere")).unwrap();
        assert_eq!(session.relevant(&[moved]), vec!["content/example"], "a folder that is gone");
        let gone = root.join("content/sedTMP123");
        assert!(session.relevant(&[gone]).is_empty(), "sed's temporary file, renamed away");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
