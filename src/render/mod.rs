//! Rendering: from the validated roster to the files of the site.
//!
//! Each output channel (web, print, data) gets its own redacted copy of the roster (see
//! [`publish`]); templates are compiled once ([`theme`]); pages are rendered in parallel and
//! handed to an [`output::Sink`](crate::output::Sink).

pub(crate) mod changes;
pub(crate) mod data;
pub(crate) mod feed;
pub(crate) mod html;
pub(crate) mod links;
pub(crate) mod markdown;
pub(crate) mod print;
pub mod publish;
pub(crate) mod search;
pub(crate) mod sitemap;
pub mod theme;
pub(crate) mod vcard;
pub(crate) mod verify;
pub(crate) mod view;
pub(crate) mod web;

use std::collections::{BTreeMap, HashMap, HashSet};

use rustc_hash::FxHashMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::Channel;
use crate::diag::Diagnostic;
use crate::history::{Change, History};
use crate::model::{FieldSet, Roster};
use crate::output::Sink;
use publish::Published;
use theme::Theme;
use view::{Features, SiteView};

/// What every page renderer needs, built once per build.
pub struct Ctx<'a> {
    /// Site, labels and language as template values: converted once per build, and shared by
    /// every page's context (Tera's maps are reference-counted, so a page clones pointers).
    base: tera::Context,
    /// The site folder (the print stage reads fonts and, for warnings, edition files there).
    #[cfg_attr(not(feature = "pdf"), allow(dead_code))]
    root: &'a std::path::Path,
    /// The roster as the web channel may show it (from [`Published`]; the fields are private
    /// to `render`, so a `Ctx` is only ever made from the web channel's view).
    roster: &'a Roster,
    theme: &'a Theme,
    site: SiteView,
    /// Fields the web policy allows.
    allowed: FieldSet,
    /// The change log as the web may show it.
    history: &'a History,
    /// Person id → (district, edition, change), of the people this render shows.
    person_changes: HashMap<&'a str, Vec<(usize, usize, &'a Change)>>,
    /// Member views, built once per edition and borrowed by every page.
    views: view::Views<'a>,
    /// What `serve` keeps from the last render (the site-wide pages, the districts' coverage),
    /// and whether this render may reuse it: only a partial rebuild may.
    memo: Option<(&'a Kept, bool)>,
    /// The districts and people this render shows.
    scope: &'a Scope,
}

impl<'a> Ctx<'a> {
    fn new(
        root: &'a std::path::Path,
        web: &'a Published,
        theme: &'a Theme,
        features: Features,
        scope: &'a Scope,
    ) -> Ctx<'a> {
        let site = SiteView::new(web.roster(), features);
        Ctx {
            base: base_context(&site, &theme.labels, &web.roster().config.language),
            root,
            roster: web.roster(),
            theme,
            site,
            allowed: web.allowed(),
            history: web.history(),
            person_changes: changes::by_person(web.history(), &web.roster().people, scope),
            views: view::Views::new(web.roster(), web.allowed(), &theme.labels),
            memo: None,
            scope,
        }
    }

    /// The coverage of district `i` (see [`verify::coverage`]). A partial rebuild in `serve`
    /// takes that of a district it does not render from the last render, under the same
    /// window and day: what it depends on (the district's current edition, rounds and
    /// reports, the configuration and the theme's labels) is what it was.
    pub fn coverage(&self, i: usize) -> Option<verify::Coverage> {
        let r = self.roster;
        let make = || verify::coverage(r, i, self.allowed, &self.theme.labels);
        let Some((kept, reuse)) = self.memo else { return make() };
        let path = &r.districts[i].path;
        if reuse
            && !self.scope.district(i)
            && let Some(c) = kept.coverage.get(path, r.verify)
        {
            return c;
        }
        let c = make();
        kept.coverage.keep(path, r.verify, c.clone());
        c
    }

    /// As [`Ctx::page`], for a page that summarises the whole site (the home page's tree):
    /// in a partial rebuild in `serve`, a page whose data is what it was when last rendered
    /// is not rendered again, and the last render's file stands.
    pub fn site_page<T: Serialize>(
        &self,
        template: &str,
        out: &str,
        page: &T,
        sink: &dyn Sink,
    ) -> Result<(), Diagnostic> {
        let Some((kept, reuse)) = self.memo else {
            return self.page(template, out, page, sink);
        };
        let pages = &kept.pages;
        let data = serde_json::to_vec(page)
            .map_err(|e| Diagnostic::error(out, format!("internal error preparing {template}: {e}")))?;
        if reuse && pages.same(out, &data) {
            return Ok(());
        }
        self.page(template, out, page, sink)?;
        pages.keep(out, data);
        Ok(())
    }

    /// Renders `template` with `page`'s fields plus the common ones into `out`.
    pub fn page<T: Serialize>(&self, template: &str, out: &str, page: &T, sink: &dyn Sink) -> Result<(), Diagnostic> {
        self.page_at(template, out, links::root_for(out), page, sink)
    }

    /// As [`Ctx::page`], with an explicit prefix for links to the site root.
    ///
    /// The page's fields are serialised straight into Tera's values (no JSON in between) and
    /// added to a copy of the common context, which shares its values with every other page.
    pub fn page_at<T: Serialize>(
        &self,
        template: &str,
        out: &str,
        root: String,
        page: &T,
        sink: &dyn Sink,
    ) -> Result<(), Diagnostic> {
        self.page_sized(template, out, root, page, 32 * 1024, sink)
    }

    /// As [`Ctx::page_at`], into a buffer that starts with room for `capacity` bytes: a page
    /// known to be large (the print page, some 340 bytes per official) is then not copied
    /// each time its buffer doubles, with the old and the new buffer alive together.
    pub fn page_sized<T: Serialize>(
        &self,
        template: &str,
        out: &str,
        root: String,
        page: &T,
        capacity: usize,
        sink: &dyn Sink,
    ) -> Result<(), Diagnostic> {
        let own = tera::Context::from_serialize(page)
            .map_err(|e| Diagnostic::error(out, format!("internal error preparing {template}: {e}")))?;
        let mut context = self.base.clone();
        context.extend(own);
        context.insert("root", &root);
        context.insert("canonical", &links::absolute(&self.roster.config.base_url, out));
        let mut html = Vec::with_capacity(capacity);
        self.theme
            .tera
            .render_to(template, &context, &mut html)
            .map_err(|e| template_error(self.theme, template, out, &e))?;
        put(sink, out, html)
    }
}

/// The part of every page's context that is the same for the whole build.
fn base_context(site: &SiteView, labels: &BTreeMap<String, String>, language: &str) -> tera::Context {
    let mut c = tera::Context::new();
    c.insert("site", site);
    c.insert("t", labels);
    c.insert("lang", language);
    c
}

/// A template that fails to render, reported at its theme file.
fn template_error(theme: &Theme, template: &str, out: &str, err: &tera::Error) -> Diagnostic {
    theme.diagnostic(template, err).with_help(format!(
        "rendering {out} with template {template} failed; check the template against the variables documented in the README (Themes)"
    ))
}

/// Writes one file, turning an I/O error into a diagnostic.
pub fn put(sink: &dyn Sink, path: &str, bytes: Vec<u8>) -> Result<(), Diagnostic> {
    sink.put(path, bytes).map_err(|e| Diagnostic::error(path, format!("cannot write output: {e}")))
}

/// Which parts of the site to render.
#[derive(Debug, Clone, Copy)]
pub struct Parts {
    /// Pages, the districts' change logs, feed, static files.
    pub web: bool,
    /// The site change log (`changes/index.html`): one page over every edition, which `serve`
    /// makes on request rather than after every edit.
    pub site_log: bool,
    /// print/index.html.
    pub print: bool,
    /// print/roster.pdf (typeset with Typst; `serve` does it on demand).
    pub pdf: bool,
    /// data/, search index, sitemap.xml and robots.txt (site-wide summaries).
    pub data: bool,
}

impl Parts {
    pub const ALL: Parts = Parts { web: true, site_log: true, print: true, pdf: true, data: true };
}

/// What one call of [`site`] renders, and what it may reuse.
pub struct Job<'a> {
    pub parts: Parts,
    pub scope: Scope,
    /// What `serve` keeps between renders; `None` for a one-shot build.
    pub kept: Option<&'a Kept>,
}

/// What `serve` keeps from one render to the next, so that an edit costs what it changed.
#[derive(Default)]
pub struct Kept {
    /// Redacted editions and change lists.
    pub copies: publish::Copies,
    /// The feed's edition entries.
    pub feed: feed::Kept,
    /// The site-wide pages, as the data each was last rendered from.
    pub pages: Pages,
    /// Each district's coverage, as last rendered.
    pub coverage: verify::Coverages,
}

/// Site-wide pages kept by `serve`: output path → the page's data, as JSON, when the page was
/// last rendered. Only a partial rebuild may reuse them: it keeps the configuration, the
/// theme, the district tree and the newest date, so the values every page shares are as they
/// were, and the same data makes the same page.
#[derive(Default)]
pub struct Pages(std::sync::Mutex<FxHashMap<String, Vec<u8>>>);

impl Pages {
    fn lock(&self) -> std::sync::MutexGuard<'_, FxHashMap<String, Vec<u8>>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn same(&self, out: &str, data: &[u8]) -> bool {
        self.lock().get(out).is_some_and(|d| d == data)
    }

    fn keep(&self, out: &str, data: Vec<u8>) {
        self.lock().insert(out.to_owned(), data);
    }
}

impl Job<'_> {
    /// Every page of the given parts, nothing kept.
    pub fn all(parts: Parts) -> Job<'static> {
        Job { parts, scope: Scope::All, kept: None }
    }
}

/// Which pages of the site to render: all, or (for a rebuild in `serve` after an edit) the
/// pages of some districts and people plus the site-wide pages that summarise everything.
#[derive(Debug, Clone)]
pub enum Scope {
    All,
    Some { districts: HashSet<usize>, people: HashSet<String> },
}

impl Scope {
    pub fn district(&self, d: usize) -> bool {
        match self {
            Scope::All => true,
            Scope::Some { districts, .. } => districts.contains(&d),
        }
    }

    pub fn person(&self, id: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Some { people, .. } => people.contains(id),
        }
    }

    /// Pages that change only when the site's configuration or pages do (404, pages/).
    pub fn stable_pages(&self) -> bool {
        matches!(self, Scope::All)
    }
}

/// Renders the site into `sink`; returns the errors (empty on success). `full_history` is the
/// history of `roster` before redaction.
pub fn site(
    root: &std::path::Path,
    roster: &Roster,
    full_history: &History,
    theme: &Theme,
    job: &Job<'_>,
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    let (parts, scope) = (job.parts, &job.scope);
    let t = crate::timing::stage("render: prepare");
    let web = Published::new(roster, full_history, Channel::Web, job.kept.map(|k| &k.copies));
    let features = Features {
        changes: true,
        print: true,
        pdf: cfg!(feature = "pdf") && roster.config.print.pdf,
        search: true,
        data: true,
        checks: verify::any(web.roster()),
    };
    let mut ctx = Ctx::new(root, &web, theme, features, scope);
    ctx.memo = job.kept.map(|k| (k, matches!(job.scope, Scope::Some { .. })));
    if let (Some(kept), Scope::All, true) = (job.kept, scope, parts.web) {
        kept.coverage.clear();
    }
    drop(t);
    // A PDF over the memory budget fails the build before any page is made. The print view is
    // made again for the print stage, so that it is not held while the web pages render.
    if parts.print && parts.pdf && features.pdf {
        let print = Published::new(roster, full_history, Channel::Print, job.kept.map(|k| &k.copies));
        let over = print::budget_errors(&ctx, &print);
        if !over.is_empty() {
            return over;
        }
    }
    let mut errors = Vec::new();
    if parts.web && scope.stable_pages() {
        errors.extend(
            theme
                .static_files
                .par_iter()
                .filter_map(|(path, bytes)| put(sink, path, bytes.clone()).err())
                .collect::<Vec<_>>(),
        );
    }
    if parts.web {
        let t = crate::timing::stage("render: web pages");
        errors.extend(web::render(&ctx, scope, sink));
        // Only the web pages show member views: the later stages run without them.
        ctx.views.release();
        drop(t);
        let t = crate::timing::stage("render: change logs");
        errors.extend(changes::render(&ctx, scope, sink));
        drop(t);
        if ctx.site.features.checks {
            errors.extend(verify::page(&ctx, sink).err());
        }
        let t = crate::timing::stage("render: feed");
        errors.extend(feed::render(&ctx, feed_memo(job), sink).err());
        drop(t);
    }
    if parts.site_log {
        let _t = crate::timing::stage("render: site change log");
        errors.extend(changes::site_log(&ctx, sink).err());
    }
    if parts.data {
        let t = crate::timing::stage("render: open data");
        let data = Published::new(roster, full_history, Channel::Data, job.kept.map(|k| &k.copies));
        errors.extend(data::render(&ctx, &data, sink));
        drop(t);
        let _t = crate::timing::stage("render: search, sitemap");
        errors.extend(search::render(&ctx, sink));
        errors.extend(sitemap::render(&ctx, sink));
    }
    if parts.print {
        let _t = crate::timing::stage("render: print");
        let print = Published::new(roster, full_history, Channel::Print, job.kept.map(|k| &k.copies));
        errors.extend(print::render(&ctx, &print, parts.pdf, sink));
    }
    collapse_repeats(errors)
}

/// The feed entries this render may reuse and keeps: only a partial rebuild in `serve`, which
/// keeps the district tree, the configuration and the theme, may reuse the last render's.
fn feed_memo<'a>(job: &Job<'a>) -> Option<(&'a feed::Kept, bool)> {
    job.kept.map(|k| (&k.feed, matches!(job.scope, Scope::Some { .. })))
}

/// A template mistake fails every page that uses the template: report it once, with the
/// number of pages, instead of once per page.
fn collapse_repeats(mut errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    errors.sort_by(|a, b| (&a.path, &a.message, &a.help).cmp(&(&b.path, &b.message, &b.help)));
    let mut out: Vec<(Diagnostic, usize)> = Vec::new();
    for d in errors {
        match out.iter_mut().find(|(o, _)| o.path == d.path && o.message == d.message) {
            Some((_, n)) => *n += 1,
            None => out.push((d, 1)),
        }
    }
    out.into_iter()
        .map(|(mut d, n)| {
            if n > 1 {
                d.message.push_str(&format!(" (and {} more pages)", n - 1));
            }
            d
        })
        .collect()
}
