//! The HTML pages of the website: home, a page per district (current roster), an archive page
//! per district edition, a page per person, the Markdown pages and 404.html.

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use super::html::Html;
use super::verify::Coverage;
use super::view::{self, Columns, EditionView, Link, MemberView};
use super::{Ctx, links, markdown};
use crate::diag::Diagnostic;
use crate::model::{Appearance, Person, Roster, Text};

use crate::output::Sink;

/// One page to render.
enum Job<'a> {
    Home,
    District(usize),
    Edition(usize, usize),
    Person(&'a Person),
    Page(usize),
    NotFound,
}

/// Renders every page of the website into `sink`.
pub fn render(ctx: &Ctx<'_>, scope: &super::Scope, sink: &dyn Sink) -> Vec<Diagnostic> {
    let r = ctx.roster;
    let mut jobs = vec![Job::Home];
    if scope.stable_pages() {
        jobs.push(Job::NotFound);
        jobs.extend((0..r.pages.len()).map(Job::Page));
    }
    for (i, d) in r.districts.iter().enumerate().filter(|(i, _)| scope.district(*i)) {
        jobs.push(Job::District(i));
        jobs.extend((0..d.editions.len()).map(|e| Job::Edition(i, e)));
    }
    jobs.extend(r.people.values().filter(|p| scope.person(&p.id)).map(Job::Person));
    jobs.par_iter()
        .filter_map(|job| {
            let result = match job {
                Job::Home => home(ctx, sink),
                Job::District(i) => district(ctx, *i, sink),
                Job::Edition(i, e) => edition(ctx, *i, *e, sink),
                Job::Person(p) => person(ctx, p, sink),
                Job::Page(i) => page(ctx, i, sink),
                Job::NotFound => not_found(ctx, sink),
            };
            result.err()
        })
        .collect()
}

#[derive(Serialize)]
struct TreeNode {
    name: String,
    kind: Option<String>,
    url: String,
    members: usize,
    date: Option<String>,
    /// How many of its numbers are verified within the window.
    coverage: Option<Coverage>,
    children: Vec<TreeNode>,
}

/// District `i` and every district below it.
fn tree_node(ctx: &Ctx<'_>, i: usize) -> TreeNode {
    let children = ctx.roster.districts[i].children.iter().map(|c| tree_node(ctx, *c)).collect();
    TreeNode { children, ..node(ctx, i) }
}

/// District `i` alone, without the districts below it.
fn node(ctx: &Ctx<'_>, i: usize) -> TreeNode {
    let r = ctx.roster;
    let d = &r.districts[i];
    TreeNode {
        name: d.name.clone(),
        kind: d.kind.clone(),
        url: links::district(&d.path),
        members: r.member_count_below(i),
        date: d.current().map(|e| e.date.to_string()),
        coverage: ctx.coverage(i).filter(|c| c.numbers > 0),
        children: Vec::new(),
    }
}

#[derive(Serialize)]
struct HomeText {
    title: Option<String>,
    html: Option<Html>,
}

fn home(ctx: &Ctx<'_>, sink: &dyn Sink) -> Result<(), Diagnostic> {
    #[derive(Serialize)]
    struct Home {
        home: HomeText,
        tree: Vec<TreeNode>,
    }
    let r = ctx.roster;
    let home = HomeText {
        title: r.home.as_ref().and_then(|p| p.title.clone()),
        html: r.home.as_ref().map(|p| markdown::block(&p.body)).filter(|h| !h.is_blank()),
    };
    let tree = r.roots().map(|i| tree_node(ctx, i)).collect();
    ctx.site_page("home.html", "index.html", &Home { home, tree }, sink)
}

#[derive(Serialize)]
struct DistrictView {
    name: String,
    kind: Option<String>,
    intro: Option<Html>,
    url: String,
    changes_url: Option<String>,
    /// Date of the last edition that changed something.
    last_change: Option<String>,
    vcard_url: Option<String>,
}

fn district_view(ctx: &Ctx<'_>, i: usize) -> DistrictView {
    let d = &ctx.roster.districts[i];
    let has_editions = !d.editions.is_empty();
    DistrictView {
        name: d.name.clone(),
        kind: d.kind.clone(),
        intro: d.intro.as_deref().map(markdown::block),
        url: links::district(&d.path),
        changes_url: has_editions.then(|| links::changes(&d.path)),
        last_change: ctx.history.last_change(ctx.roster, i).map(|d| d.to_string()),
        vcard_url: (has_editions && ctx.site.features.data).then(|| links::district_vcard(&d.path)),
    }
}

fn district(ctx: &Ctx<'_>, i: usize, sink: &dyn Sink) -> Result<(), Diagnostic> {
    #[derive(Serialize)]
    struct Page<'a> {
        district: DistrictView,
        crumbs: Vec<Link>,
        edition: Option<EditionView<'a>>,
        cols: Option<Columns>,
        children: Vec<TreeNode>,
        coverage: Option<Coverage>,
        archive: Vec<ArchiveEntry>,
        jsonld: Option<String>,
    }
    #[derive(Serialize)]
    struct ArchiveEntry {
        date: String,
        reason: Option<String>,
        members: usize,
        url: String,
    }
    let r = ctx.roster;
    let d = &r.districts[i];
    let views = d.current().map(|_| ctx.views.edition(i, d.editions.len() - 1));
    let page = Page {
        district: district_view(ctx, i),
        crumbs: view::crumbs(r, i),
        edition: d.current().zip(views).map(|(e, v)| EditionView::new(&d.path, e, None, v)),
        cols: d.current().map(|e| Columns::for_edition(e, ctx.allowed)),
        children: d.children.iter().map(|c| node(ctx, *c)).collect(),
        coverage: ctx.coverage(i).filter(|c| c.numbers > 0),
        archive: d
            .editions
            .iter()
            .rev()
            .map(|e| ArchiveEntry {
                date: e.date.to_string(),
                reason: e.reason.clone(),
                members: e.member_count(),
                url: links::edition(&d.path, e.date),
            })
            .collect(),
        jsonld: super::sitemap::jsonld(ctx, i),
    };
    ctx.page("district.html", &links::district(&d.path), &page, sink)?;
    let hours = ctx.theme.labels.get("hours").map_or("", String::as_str);
    match super::vcard::district(r, i, hours) {
        Some(card) => super::put(sink, &links::district_vcard(&d.path), card.into_bytes()),
        None => Ok(()),
    }
}

fn edition(ctx: &Ctx<'_>, i: usize, e: usize, sink: &dyn Sink) -> Result<(), Diagnostic> {
    #[derive(Serialize)]
    struct Page<'a> {
        district: DistrictView,
        crumbs: Vec<Link>,
        edition: EditionView<'a>,
        cols: Columns,
    }
    let r = ctx.roster;
    let d = &r.districts[i];
    let ed = &d.editions[e];
    let next = d.editions.get(e + 1).map(|n| n.date);
    let views = ctx.views.edition(i, e);
    let mut crumbs = view::crumbs(r, i);
    crumbs.push(Link { name: ed.date.to_string(), url: links::edition(&d.path, ed.date) });
    let page = Page {
        district: district_view(ctx, i),
        crumbs,
        edition: EditionView::new(&d.path, ed, next, views),
        cols: Columns::for_edition(ed, ctx.allowed),
    };
    ctx.page("edition.html", &links::edition(&d.path, ed.date), &page, sink)
}

/// A continuous period in one post in one district.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub district: usize,
    pub first_edition: usize,
    /// The last edition of the term.
    pub last_edition: usize,
    pub body: Text,
    pub post: Text,
    pub from: NaiveDate,
    /// None while still in force.
    pub until: Option<NaiveDate>,
}

/// A person's terms, newest first: consecutive editions of a district with the same body and
/// post make one term.
pub fn terms(r: &Roster, person: &Person) -> Vec<Term> {
    let mut out = Vec::new();
    let mut by_district: Vec<(usize, Vec<&Appearance>)> = Vec::new();
    for a in &person.appearances {
        match by_district.last_mut() {
            Some((d, list)) if *d == a.district => list.push(a),
            _ => by_district.push((a.district, vec![a])),
        }
    }
    for (di, list) in by_district {
        let editions = &r.districts[di].editions;
        let mut open: Option<Term> = None;
        for (ei, e) in editions.iter().enumerate() {
            let here = list.iter().find(|a| a.edition == ei);
            let key = here.map(|a| (r.body(**a).name.clone(), r.member(**a).post.clone()));
            match (&mut open, key) {
                (Some(t), Some((body, post))) if t.body == body && t.post == post => t.last_edition = ei,
                (slot, key) => {
                    if let Some(mut t) = slot.take() {
                        t.until = Some(e.date);
                        out.push(t);
                    }
                    if let Some((body, post)) = key {
                        *slot = Some(Term {
                            district: di,
                            first_edition: ei,
                            last_edition: ei,
                            body,
                            post,
                            from: e.date,
                            until: None,
                        });
                    }
                }
            }
        }
        out.extend(open);
    }
    out.sort_by(|a, b| (b.until.is_none(), b.from, a.district).cmp(&(a.until.is_none(), a.from, b.district)));
    out
}

fn person(ctx: &Ctx<'_>, p: &Person, sink: &dyn Sink) -> Result<(), Diagnostic> {
    #[derive(Serialize)]
    struct Current<'a> {
        district: &'a str,
        district_url: String,
        body: &'a str,
        since: String,
        member: &'a MemberView<'a>,
    }
    #[derive(Serialize)]
    struct HistoryRow<'a> {
        from: String,
        until: Option<String>,
        district: &'a str,
        district_url: String,
        edition_url: String,
        body: Text,
        post: Text,
    }
    #[derive(Serialize)]
    struct Page<'a> {
        person: PersonView<'a>,
        crumbs: Vec<Link>,
        current: Vec<Current<'a>>,
        history: Vec<HistoryRow<'a>>,
        changes: Vec<super::changes::PersonChange>,
        /// The person's vCard as a `data:` URI, saved under `vcard_file` (works from
        /// `file://` too, and costs no file per person).
        vcard: Option<String>,
        vcard_file: String,
    }
    #[derive(Serialize)]
    struct PersonView<'a> {
        id: &'a str,
        name: &'a str,
    }
    let r = ctx.roster;
    let terms = terms(r, p);
    let current: Vec<Current<'_>> = p
        .appearances
        .iter()
        .filter(|a| a.edition + 1 == r.districts[a.district].editions.len())
        .map(|a| {
            let d = &r.districts[a.district];
            let since = terms
                .iter()
                .find(|t| t.district == a.district && t.until.is_none())
                .map_or(r.edition(*a).date, |t| t.from);
            Current {
                district: &d.name,
                district_url: links::district(&d.path),
                body: &r.body(*a).name,
                since: since.to_string(),
                member: ctx.views.member(*a),
            }
        })
        .collect();
    let history = terms
        .iter()
        .map(|t| {
            let d = &r.districts[t.district];
            HistoryRow {
                from: t.from.to_string(),
                until: t.until.map(|u| u.to_string()),
                district: &d.name,
                district_url: links::district(&d.path),
                edition_url: links::edition(&d.path, d.editions[t.first_edition].date),
                body: t.body.clone(),
                post: t.post.clone(),
            }
        })
        .collect();
    let out = links::person(&p.id);
    let hours = ctx.theme.labels.get("hours").map_or("", String::as_str);
    let card = (ctx.site.features.data && !current.is_empty()).then(|| super::vcard::person(r, &p.id, hours)).flatten();
    let page = Page {
        person: PersonView { id: &p.id, name: &p.name },
        crumbs: vec![Link { name: p.name.to_string(), url: out.clone() }],
        vcard: card.as_deref().map(super::vcard::data_uri),
        vcard_file: format!("{}.vcf", p.id),
        current,
        history,
        changes: super::changes::person_changes(ctx, &p.id),
    };
    ctx.page("person.html", &out, &page, sink)
}

fn page(ctx: &Ctx<'_>, i: &usize, sink: &dyn Sink) -> Result<(), Diagnostic> {
    #[derive(Serialize)]
    struct PageView {
        title: String,
        description: Option<String>,
        html: Html,
    }
    #[derive(Serialize)]
    struct Page {
        page: PageView,
        crumbs: Vec<Link>,
    }
    let p = &ctx.roster.pages[*i];
    let out = links::page(&p.slug);
    let title = p.title.clone().unwrap_or_else(|| p.slug.clone());
    let view = Page {
        crumbs: vec![Link { name: title.clone(), url: out.clone() }],
        page: PageView { title, description: p.description.clone(), html: markdown::block(&p.body) },
    };
    ctx.page("page.html", &out, &view, sink)
}

/// 404.html is served for any missing path, at any depth: its links use the site's absolute
/// path (from `base_url`) instead of relative ones.
fn not_found(ctx: &Ctx<'_>, sink: &dyn Sink) -> Result<(), Diagnostic> {
    #[derive(Serialize)]
    struct Empty {}
    let root = links::base_path(&ctx.roster.config.base_url);
    ctx.page_at("404.html", "404.html", root, &Empty {}, sink)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_merge_consecutive_editions() {
        let src = crate::testutil::roster(&[
            ("a", "2020-01-01", &[("x", "X", "书记")]),
            ("a", "2021-01-01", &[("x", "X", "书记")]),
            ("a", "2022-01-01", &[("x", "X", "区长")]),
            ("a", "2023-01-01", &[("y", "Y", "区长")]),
            ("b", "2023-01-01", &[("x", "X", "市长")]),
        ]);
        let p = &src.people["x"];
        let t = terms(&src, p);
        let summary: Vec<_> =
            t.iter().map(|t| (&*t.post, t.from.to_string(), t.until.map(|u| u.to_string()))).collect();
        assert_eq!(
            summary,
            vec![
                ("市长", "2023-01-01".to_owned(), None),
                ("区长", "2022-01-01".to_owned(), Some("2023-01-01".to_owned())),
                ("书记", "2020-01-01".to_owned(), Some("2022-01-01".to_owned())),
            ]
        );
    }
}
