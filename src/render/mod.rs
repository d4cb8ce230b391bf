//! Rendering: from the validated roster to the files of the site.
//!
//! Each output channel (web, print, data) gets its own redacted copy of the roster (see
//! [`publish`]); templates are compiled once ([`theme`]); pages are rendered in parallel and
//! handed to an [`output::Sink`](crate::output::Sink).

pub mod changes;
pub mod feed;
pub mod links;
pub mod markdown;
pub mod print;
pub mod publish;
pub mod theme;
pub mod view;
pub mod web;

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use serde::Serialize;

use crate::config::Channel;
use crate::diag::Diagnostic;
use crate::history::{Change, History};
use crate::model::{FieldSet, Roster};
use crate::output::Sink;
use theme::Theme;
use view::{Features, MemberViews, SiteView};

/// What every page renderer needs, built once per build.
pub struct Ctx<'a> {
    /// The site folder.
    pub root: &'a std::path::Path,
    /// The roster as the web channel may show it.
    pub roster: &'a Roster,
    pub theme: &'a Theme,
    pub site: SiteView,
    pub members: MemberViews,
    /// Fields the web policy allows.
    pub allowed: FieldSet,
    /// The change log as the web may show it.
    pub history: &'a History,
    /// Person id → (district, edition, change).
    pub person_changes: HashMap<&'a str, Vec<(usize, usize, &'a Change)>>,
}

impl Ctx<'_> {
    /// Renders `template` with `page`'s fields plus the common ones into `out`.
    pub fn page<T: Serialize>(
        &self,
        template: &str,
        out: &str,
        page: &T,
        sink: &dyn Sink,
    ) -> Result<(), Diagnostic> {
        self.page_at(template, out, links::root_for(out), page, sink)
    }

    /// As [`Ctx::page`], with an explicit prefix for links to the site root.
    pub fn page_at<T: Serialize>(
        &self,
        template: &str,
        out: &str,
        root: String,
        page: &T,
        sink: &dyn Sink,
    ) -> Result<(), Diagnostic> {
        #[derive(Serialize)]
        struct Full<'b, T> {
            site: &'b SiteView,
            t: &'b BTreeMap<String, String>,
            lang: &'b str,
            root: String,
            canonical: String,
            #[serde(flatten)]
            page: &'b T,
        }
        let full = Full {
            site: &self.site,
            t: &self.theme.labels,
            lang: &self.roster.config.language,
            canonical: links::absolute(&self.roster.config.base_url, out),
            root,
            page,
        };
        let context = tera::Context::from_serialize(&full).map_err(|e| {
            Diagnostic::error(out, format!("internal error preparing {template}: {e}"))
        })?;
        let html = self
            .theme
            .tera
            .render(template, &context)
            .map_err(|e| template_error(template, out, &e))?;
        put(sink, out, html.into_bytes())
    }
}

fn template_error(template: &str, out: &str, err: &tera::Error) -> Diagnostic {
    Diagnostic::error(format!("template {template}"), theme::error_chain(err)).with_help(format!(
        "rendering {out} failed; check the template against the variables documented in the README (Themes)"
    ))
}

/// Writes one file, turning an I/O error into a diagnostic.
pub fn put(sink: &dyn Sink, path: &str, bytes: Vec<u8>) -> Result<(), Diagnostic> {
    sink.put(path, bytes)
        .map_err(|e| Diagnostic::error(path, format!("cannot write output: {e}")))
}

/// Renders the whole site into `sink`; returns the errors (empty on success).
/// Which parts of the site to render.
#[derive(Debug, Clone, Copy)]
pub struct Parts {
    /// Pages, change logs, feed, static files.
    pub web: bool,
    /// print/index.html and print/roster.pdf.
    pub print: bool,
}

pub fn site(
    root: &std::path::Path,
    roster: &Roster,
    theme: &Theme,
    parts: Parts,
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    let web = publish::redact(roster, Channel::Web);
    let full_history = History::compute(roster);
    let history = full_history.redacted(roster.config.publish.web);
    let features = Features {
        changes: true,
        print: true,
        pdf: cfg!(feature = "pdf") && roster.config.print.pdf,
        ..Features::default()
    };
    let ctx = Ctx {
        root,
        history: &history,
        person_changes: changes::by_person(&history),
        site: SiteView::new(&web, features),
        members: view::member_views(&web),
        allowed: roster.config.publish.web,
        roster: &web,
        theme,
    };
    let mut errors = Vec::new();
    if parts.web {
        errors.extend(
            theme
                .static_files
                .par_iter()
                .filter_map(|(path, bytes)| put(sink, path, bytes.clone()).err())
                .collect::<Vec<_>>(),
        );
        errors.extend(web::render(&ctx, sink));
        errors.extend(changes::render(&ctx, sink));
        errors.extend(feed::render(&ctx, sink).err());
    }
    if parts.print {
        errors.extend(print::render(&ctx, roster, &full_history, sink));
    }
    collapse_repeats(errors)
}

/// A template mistake fails every page that uses the template: report it once, with the
/// number of pages, instead of once per page.
fn collapse_repeats(mut errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    errors.sort_by(|a, b| (&a.path, &a.message, &a.help).cmp(&(&b.path, &b.message, &b.help)));
    let mut out: Vec<(Diagnostic, usize)> = Vec::new();
    for d in errors {
        match out
            .iter_mut()
            .find(|(o, _)| o.path == d.path && o.message == d.message)
        {
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
