//! The change log: `/<district>/changes/`, `/changes/` (site-wide, transfers shown once with
//! both ends) and the change records shown on person pages. Also [`describe`], the one-line
//! text of a change used by the feed and by `roster diff`.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use super::html::Html;
use super::view::Link;
use super::{Ctx, Scope, links, markdown};
use crate::diag::Diagnostic;
use crate::history::{Change, ChangeGroup, ChangeKind, FieldChange, History, Kind};
use crate::model::{Field, Person, Roster, Text};
use crate::output::Sink;

pub type Labels = BTreeMap<String, String>;

fn label<'a>(t: &'a Labels, key: &str) -> &'a str {
    t.get(key).map_or("", String::as_str)
}

/// A field's old or new value as HTML.
fn value_html(field: Field, value: &Option<String>) -> Option<Html> {
    value.as_ref().map(|v| if field == Field::Duties { markdown::inline(v) } else { Html::escape(v) })
}

#[derive(Debug, Serialize)]
pub struct FieldView {
    pub field: &'static str,
    pub label: String,
    pub from: Option<Html>,
    pub to: Option<Html>,
    pub private: bool,
}

fn field_view(fc: &FieldChange, t: &Labels) -> FieldView {
    FieldView {
        field: fc.field.as_str(),
        label: label(t, fc.field.as_str()).to_owned(),
        from: value_html(fc.field, &fc.from),
        to: value_html(fc.field, &fc.to),
        private: fc.hidden(),
    }
}

#[derive(Debug, Serialize)]
pub struct ChangeView {
    /// joined, left, transferred_in, transferred_out, post, duties, contact
    pub kind: &'static str,
    pub name: Text,
    pub url: String,
    pub body: Option<Text>,
    pub post: Option<Text>,
    pub from_body: Option<Text>,
    pub from_post: Option<Text>,
    pub to_body: Option<Text>,
    pub to_post: Option<Text>,
    /// The other district of a transfer, and the label's text around its name.
    pub other: Option<Link>,
    pub other_before: String,
    pub other_after: String,
    pub fields: Vec<FieldView>,
}

pub fn change_view(r: &Roster, c: &Change, t: &Labels) -> ChangeView {
    let mut v = ChangeView {
        kind: "",
        name: c.name.clone(),
        url: links::person(&c.person),
        body: None,
        post: None,
        from_body: None,
        from_post: None,
        to_body: None,
        to_post: None,
        other: None,
        other_before: String::new(),
        other_after: String::new(),
        fields: Vec::new(),
    };
    let around = |key: &str| {
        let text = label(t, key);
        let (before, after) = text.split_once("{district}").unwrap_or((text, ""));
        (before.to_owned(), after.to_owned())
    };
    let other = |d: usize| Some(Link { name: r.districts[d].name.clone(), url: links::district(&r.districts[d].path) });
    v.kind = c.kind.kind().as_str();
    match &c.kind {
        Kind::Joined { body, post, from } => {
            (v.other_before, v.other_after) = around("transferred_from");
            v.body = Some(body.clone());
            v.post = Some(post.clone());
            v.other = from.and_then(|p| other(p.district));
        }
        Kind::Left { body, post, to } => {
            (v.other_before, v.other_after) = around("transferred_to");
            v.body = Some(body.clone());
            v.post = Some(post.clone());
            v.other = to.and_then(|p| other(p.district));
        }
        Kind::Post { from_body, from_post, to_body, to_post } => {
            v.from_body = Some(from_body.clone());
            v.from_post = Some(from_post.clone());
            v.to_body = Some(to_body.clone());
            v.to_post = Some(to_post.clone());
        }
        Kind::Duties(fc) => {
            v.fields = vec![field_view(fc, t)];
        }
        Kind::Contact { fields } => {
            v.fields = fields.iter().map(|f| field_view(f, t)).collect();
        }
    }
    v
}

/// One line of text for a change, in the interface language.
pub fn describe(r: &Roster, c: &Change, t: &Labels) -> String {
    let (colon, comma, semi) = (label(t, "punct_colon"), label(t, "punct_comma"), label(t, "punct_semicolon"));
    let district = |d: usize| r.districts.get(d).map_or("?", |d| d.name.as_str());
    let value = |fc: &FieldChange, v: &Option<String>| match v {
        Some(v) if fc.field == Field::Duties => {
            format!("{}{}{}", label(t, "quote_open"), markdown::plain(v), label(t, "quote_close"))
        }
        Some(v) => v.clone(),
        None => label(t, "empty_value").to_owned(),
    };
    let field = |fc: &FieldChange| {
        if fc.hidden() {
            format!("{} {}", label(t, fc.field.as_str()), label(t, "changed_not_published"))
        } else {
            format!("{} {} → {}", label(t, fc.field.as_str()), value(fc, &fc.from), value(fc, &fc.to))
        }
    };
    let detail = match &c.kind {
        Kind::Joined { body, post, from: Some(p) } => {
            format!("{}{comma}{body} {post}", label(t, "transferred_from").replace("{district}", district(p.district)))
        }
        Kind::Left { body, post, to: Some(p) } => {
            format!("{}{comma}{body} {post}", label(t, "transferred_to").replace("{district}", district(p.district)))
        }
        Kind::Joined { body, post, .. } | Kind::Left { body, post, .. } => format!("{body} {post}"),
        Kind::Post { from_body, from_post, to_body, to_post } if from_body != to_body => {
            format!("{from_body} {from_post} → {to_body} {to_post}")
        }
        Kind::Post { from_post, to_post, .. } => format!("{from_post} → {to_post}"),
        Kind::Duties(fc) => field(fc).trim_start_matches(label(t, "duties")).trim().to_owned(),
        Kind::Contact { fields } => fields.iter().map(field).collect::<Vec<_>>().join(semi),
    };
    format!("{}{colon}{}{comma}{detail}", label(t, c.kind.kind().group().label()), c.name)
}

#[derive(Debug, Serialize)]
pub struct Group {
    pub kind: &'static str,
    pub title: String,
    pub items: Vec<ChangeView>,
}

/// Changes grouped by kind, in the order of [`ChangeGroup::ALL`]; empty groups are left out.
pub fn groups(views: Vec<(ChangeKind, ChangeView)>, t: &Labels) -> Vec<Group> {
    let mut out: Vec<Group> = ChangeGroup::ALL
        .iter()
        .map(|g| Group { kind: g.as_str(), title: label(t, g.label()).to_owned(), items: Vec::new() })
        .collect();
    for (kind, v) in views {
        out[kind.group() as usize].items.push(v);
    }
    out.retain(|g| !g.items.is_empty());
    out
}

#[derive(Debug, Serialize)]
pub struct EntryView {
    pub district: Link,
    pub date: String,
    pub previous: Option<String>,
    pub reason: Option<String>,
    pub source: Option<String>,
    pub note: Option<Html>,
    /// Archive page of this edition.
    pub url: String,
    pub initial: bool,
    /// Changes shown here.
    pub count: usize,
    /// Changes of the edition, including those shown elsewhere (transfers on the site log).
    pub total: usize,
    /// A unique HTML id.
    pub anchor: String,
    pub groups: Vec<Group>,
}

/// The log entry of edition `e` of district `d`; `keep` filters its changes.
pub fn entry(r: &Roster, h: &History, d: usize, e: usize, t: &Labels, keep: impl Fn(&Change) -> bool) -> EntryView {
    let district = &r.districts[d];
    let edition = &district.editions[e];
    let views: Vec<(ChangeKind, ChangeView)> =
        h.changes[d][e].iter().filter(|c| keep(c)).map(|c| (c.kind.kind(), change_view(r, c, t))).collect();
    EntryView {
        district: Link { name: district.name.clone(), url: links::district(&district.path) },
        date: edition.date.to_string(),
        previous: e.checked_sub(1).map(|p| district.editions[p].date.to_string()),
        reason: edition.reason.clone(),
        source: edition.source.clone(),
        note: edition.note.as_deref().map(markdown::block),
        url: links::edition(&district.path, edition.date),
        initial: e == 0,
        count: views.len(),
        total: h.changes[d][e].len(),
        anchor: format!("{}-{}", district.path.replace('/', "-"), edition.date),
        groups: groups(views, t),
    }
}

/// Renders the change log of every district in `scope` (the site-wide log is [`site_log`]).
pub fn render(ctx: &Ctx<'_>, scope: &super::Scope, sink: &dyn Sink) -> Vec<Diagnostic> {
    (0..ctx.roster.districts.len())
        .into_par_iter()
        .filter(|d| !ctx.roster.districts[*d].editions.is_empty() && scope.district(*d))
        .filter_map(|d| district_log(ctx, d, sink).err())
        .collect()
}

fn district_log(ctx: &Ctx<'_>, d: usize, sink: &dyn Sink) -> Result<(), Diagnostic> {
    #[derive(Serialize)]
    struct Page {
        district: Link,
        crumbs: Vec<Link>,
        entries: Vec<EntryView>,
        /// Call-check rounds, newest first.
        rounds: Vec<super::verify::RoundView>,
    }
    let r = ctx.roster;
    let t = &ctx.theme.labels;
    let district = &r.districts[d];
    let out = links::changes(&district.path);
    let mut crumbs = super::view::crumbs(r, d);
    crumbs.push(Link { name: label(t, "change_log").to_owned(), url: out.clone() });
    let page = Page {
        district: Link { name: district.name.clone(), url: links::district(&district.path) },
        crumbs,
        entries: (0..district.editions.len()).rev().map(|e| entry(r, ctx.history, d, e, t, |_| true)).collect(),
        rounds: super::verify::rounds(r, d),
    };
    ctx.page("changes.html", &out, &page, sink)
}

#[derive(Debug, Serialize)]
struct TransferView {
    name: Text,
    url: String,
    from: Link,
    from_post: Text,
    to: Link,
    to_post: Text,
    date: String,
}

/// One district's edition on the site-wide log: counts by kind and a link to the details.
#[derive(Debug, Serialize)]
struct Summary {
    district: Link,
    /// The entry on the district's log.
    url: String,
    reason: Option<String>,
    initial: bool,
    /// Changes other than transfers, which the day lists in full.
    counts: Vec<Count>,
    /// All changes, transfers included.
    total: usize,
}

#[derive(Debug, Serialize)]
struct Count {
    kind: &'static str,
    title: String,
    n: usize,
}

#[derive(Debug, Serialize)]
struct Day {
    date: String,
    transfers: Vec<TransferView>,
    districts: Vec<Summary>,
}

/// The site-wide log: every date newest first; each transfer once with both ends, and each
/// district edition of the day with its changes counted by kind and linked to its log. It stays
/// one compact page even when a province reshuffles thousands of officials on one day.
pub fn site_log(ctx: &Ctx<'_>, sink: &dyn Sink) -> Result<(), Diagnostic> {
    #[derive(Serialize)]
    struct Page {
        crumbs: Vec<Link>,
        days: Vec<Day>,
    }
    let r = ctx.roster;
    let t = &ctx.theme.labels;
    let mut by_date: BTreeMap<NaiveDate, Vec<(usize, usize)>> = BTreeMap::new();
    for (d, district) in r.districts.iter().enumerate() {
        for (e, edition) in district.editions.iter().enumerate() {
            by_date.entry(edition.date).or_default().push((d, e));
        }
    }
    let link = |i: usize| Link { name: r.districts[i].name.clone(), url: links::district(&r.districts[i].path) };
    let days = by_date
        .into_iter()
        .rev()
        .map(|(date, editions)| {
            let mut transfers = Vec::new();
            let mut districts = Vec::new();
            for (d, e) in &editions {
                let changes = &ctx.history.changes[*d][*e];
                let mut counts: Vec<Count> = ChangeGroup::ALL
                    .iter()
                    .filter(|g| **g != ChangeGroup::Transferred)
                    .map(|g| Count { kind: g.as_str(), title: label(t, g.label()).to_owned(), n: 0 })
                    .collect();
                for c in changes.iter() {
                    if let Kind::Left { post, to: Some(p), .. } = &c.kind {
                        transfers.push(TransferView {
                            name: c.name.clone(),
                            url: links::person(&c.person),
                            from: link(*d),
                            from_post: post.clone(),
                            to: link(p.district),
                            to_post: joined_post(ctx.history, p.district, &c.person, *d),
                            date: p.date.to_string(),
                        });
                    }
                    let kind = c.kind.kind().group().as_str();
                    if let Some(count) = counts.iter_mut().find(|x| x.kind == kind) {
                        count.n += 1;
                    }
                }
                counts.retain(|c| c.n > 0);
                let district = &r.districts[*d];
                districts.push(Summary {
                    district: link(*d),
                    url: format!("{}#{}-{}", links::changes(&district.path), district.path.replace('/', "-"), date),
                    reason: district.editions[*e].reason.clone(),
                    initial: *e == 0,
                    counts,
                    total: changes.len(),
                });
            }
            Day { date: date.to_string(), transfers, districts }
        })
        .collect();
    let out = "changes/index.html";
    let page = Page { crumbs: vec![Link { name: label(t, "site_changes").to_owned(), url: out.to_owned() }], days };
    ctx.page("site_changes.html", out, &page, sink)
}

/// The post a transferred person took in the district they joined.
fn joined_post(h: &History, district: usize, person: &str, from: usize) -> Text {
    h.changes[district]
        .iter()
        .flat_map(|e| e.iter())
        .find_map(|j| match &j.kind {
            Kind::Joined { post, from: Some(f), .. } if *j.person == *person && f.district == from => {
                Some(post.clone())
            }
            _ => None,
        })
        .unwrap_or_default()
}

/// A change on a person page.
#[derive(Debug, Serialize)]
pub struct PersonChange {
    pub date: String,
    pub district: Link,
    pub edition_url: String,
    pub kind: &'static str,
    /// The change in one line of text.
    pub text: String,
}

/// The changes of the people `scope` renders: person id → (district, edition, change), in
/// the order of the districts and their editions. A person's every change is in a district
/// they appear in (a change compares two editions of one district, and they are in one of
/// them), so a partial rebuild reads only the districts of the people it renders.
pub fn by_person<'a>(
    h: &'a History,
    people: &BTreeMap<Text, Person>,
    scope: &Scope,
) -> HashMap<&'a str, Vec<(usize, usize, &'a Change)>> {
    let districts: Vec<usize> = match scope {
        Scope::All => (0..h.changes.len()).collect(),
        Scope::Some { people: ids, .. } => {
            let mut ds: Vec<usize> = ids
                .iter()
                .filter_map(|id| people.get(id.as_str()))
                .flat_map(|p| p.appearances.iter().map(|a| a.district))
                .collect();
            ds.sort_unstable();
            ds.dedup();
            ds
        }
    };
    let mut map: HashMap<&str, Vec<(usize, usize, &Change)>> = HashMap::new();
    for d in districts {
        for (e, changes) in h.changes[d].iter().enumerate() {
            for c in changes.iter() {
                map.entry(&*c.person).or_default().push((d, e, c));
            }
        }
    }
    map
}

pub fn person_changes(ctx: &Ctx<'_>, id: &str) -> Vec<PersonChange> {
    let r = ctx.roster;
    let Some(list) = ctx.person_changes.get(id) else {
        return Vec::new();
    };
    let mut out: Vec<(NaiveDate, PersonChange)> = list
        .iter()
        .map(|(d, e, c)| {
            let district = &r.districts[*d];
            let date = district.editions[*e].date;
            (
                date,
                PersonChange {
                    date: date.to_string(),
                    district: Link { name: district.name.clone(), url: links::district(&district.path) },
                    edition_url: links::edition(&district.path, date),
                    kind: c.kind.kind().group().as_str(),
                    text: describe(r, c, &ctx.theme.labels),
                },
            )
        })
        .collect();
    out.sort_by_key(|c| std::cmp::Reverse(c.0));
    out.into_iter().map(|(_, c)| c).collect()
}
