//! From the parsed site to the validated [`Roster`]: slugs, dates, ids, phone numbers,
//! the district tree and the people index. Every rule that fails is a diagnostic with the
//! file and line; the roster is still returned so that one run reports everything.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use phonenumber::country;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use chrono::NaiveDate;

use super::intern::Interner;
use super::{Appearance, Body, District, Edition, Field, FieldSet, Member, Page, Person, Phone, Roster, id, verify};
use crate::config::Config;
use crate::diag::{Diagnostic, FileRef, did_you_mean};
use crate::source::text::is_slug;
use crate::source::{DistrictSource, EditionSource, MemberSource, PageSource, SiteSource, Text};

/// Output folders a top-level district cannot be named after.
pub const RESERVED: &[&str] = &["people", "changes", "print", "search", "data", "pages", "assets", "checks"];

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Ignore editions after this date.
    pub as_of: Option<NaiveDate>,
    /// Today (`--today`); default `SOURCE_DATE_EPOCH`, else the system date. An edition
    /// dated after it is scheduled: not published yet, and a note says so.
    pub today: Option<NaiveDate>,
    /// `--stale DAYS`: the window instead of `[verify] max_age_days`.
    pub max_age_days: Option<u32>,
    /// `--deny-stale`: stale and failed numbers are errors, not warnings.
    pub deny_stale: bool,
}

impl Options {
    pub fn today(&self) -> NaiveDate {
        self.today.unwrap_or_else(today)
    }
}

/// Validated editions, kept between rebuilds by `serve`: an edition whose parsed source is
/// the same (the same `Arc`, so the file was not read again) is not validated again, and the
/// people index is made again only when an edit changed who appears where.
#[derive(Default)]
pub struct EditionCache {
    map: Mutex<FxHashMap<String, CachedEdition>>,
    /// The last people index and the editions, district by district, it was made from.
    people: Mutex<Option<(Editions, People)>>,
    /// The stale-number report, district by district.
    reports: verify::ReportCache,
}

/// Every district's editions, in the roster's order.
type Editions = Vec<Vec<Arc<Edition>>>;

/// The people index, shared by every copy of a roster.
type People = Arc<BTreeMap<super::Text, Person>>;

/// The source an edition was validated from, under which phone region and today, and the
/// result.
type CachedEdition = (Arc<EditionSource>, (country::Id, NaiveDate), Arc<Built>);

impl EditionCache {
    fn lookup(&self, source: &Arc<EditionSource>, key: (country::Id, NaiveDate)) -> Option<Arc<Built>> {
        let map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.get(&source.file.path).filter(|(s, k, _)| Arc::ptr_eq(s, source) && *k == key).map(|(_, _, b)| b.clone())
    }

    fn store(&self, source: &Arc<EditionSource>, key: (country::Id, NaiveDate), built: Arc<Built>) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.insert(source.file.path.clone(), (source.clone(), key, built));
    }

    /// The people index of `districts`: the last one made, when it was made from editions of
    /// the same shape, else a new one (kept for the next call).
    fn people(&self, districts: &[District]) -> People {
        let mut last = self.people.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((editions, people)) = last.as_ref()
            && same_people(editions, districts)
        {
            return people.clone();
        }
        let people = Arc::new(index_people(districts));
        let editions = districts.iter().map(|d| d.editions.clone()).collect();
        *last = Some((editions, people.clone()));
        people
    }
}

/// Whether the people index of `new` is the one of `old`: it depends on nothing but each
/// edition's date and, body by body, its members' ids and names (see [`index_people`]).
fn same_people(old: &[Vec<Arc<Edition>>], new: &[District]) -> bool {
    let same_edition = |a: &Arc<Edition>, b: &Arc<Edition>| {
        Arc::ptr_eq(a, b)
            || (a.date == b.date
                && a.bodies.len() == b.bodies.len()
                && a.bodies.iter().zip(&b.bodies).all(|(x, y)| {
                    x.members.len() == y.members.len()
                        && x.members.iter().zip(&y.members).all(|(m, n)| m.id == n.id && m.name == n.name)
                }))
    };
    old.len() == new.len()
        && old
            .iter()
            .zip(new)
            .all(|(a, b)| a.len() == b.editions.len() && a.iter().zip(&b.editions).all(|(x, y)| same_edition(x, y)))
}

/// An edition validated on its own, with what the site-wide checks need.
struct Built {
    edition: Arc<Edition>,
    uses: Vec<IdUse>,
    diags: Vec<Diagnostic>,
}

/// A member's person id and where it came from, for the site-wide id checks.
struct IdUse {
    id: String,
    name: String,
    name_span: std::ops::Range<usize>,
    /// The span of an explicit `id`.
    id_span: Option<std::ops::Range<usize>>,
}

/// Validates `site` under `config`. Problems are pushed to `diags`.
pub fn validate(config: Config, site: SiteSource, opts: &Options, diags: &mut Vec<Diagnostic>) -> Roster {
    validate_cached(config, site, opts, diags, &EditionCache::default())
}

/// As [`validate`], reusing the editions of `cache` whose source did not change.
pub fn validate_cached(
    config: Config,
    site: SiteSource,
    opts: &Options,
    diags: &mut Vec<Diagnostic>,
    cache: &EditionCache,
) -> Roster {
    let key = (config.phone_region, opts.today());
    let texts = Interner::default();
    let todo: Vec<&Arc<EditionSource>> =
        site.districts.iter().flat_map(|d| &d.editions).filter(|e| cache.lookup(e, key).is_none()).collect();
    let built: Vec<(Arc<EditionSource>, Arc<Built>)> = todo
        .into_par_iter()
        .map(|e| {
            let b = Arc::new(build_edition(e, &config, key.1, &texts));
            cache.store(e, key, b.clone());
            (e.clone(), b)
        })
        .collect();
    drop(built);
    let t = crate::timing::stage("validate: districts, ids");
    let mut districts: Vec<District> = Vec::with_capacity(site.districts.len());
    let mut validated = Vec::new();
    for source in &site.districts {
        districts.push(district(source, &config, opts, &mut validated, diags, (cache, &texts)));
    }
    register_ids(&validated, diags);
    drop(validated);
    let mut districts = arrange(districts, &site.districts, diags);
    let policy = verify::Policy { today: key.1, max_age_days: opts.max_age_days.unwrap_or(config.verify.max_age_days) };
    drop(t);
    let t = crate::timing::stage("validate: verify");
    verify::attach(&mut districts, &site, &config, key.1, diags);
    verify::report(&districts, &site, &config, (policy, opts.deny_stale), &cache.reports, diags);
    drop(t);
    let _t = crate::timing::stage("validate: people");
    let people = cache.people(&districts);
    let mut pages: Vec<Page> = site.pages.into_iter().map(page).collect();
    pages.sort_by(|a, b| (a.order, &a.slug).cmp(&(b.order, &b.slug)));
    Roster { config, districts, people, home: site.index.map(page), pages, as_of: opts.as_of, verify: policy }
}

fn page(p: PageSource) -> Page {
    Page {
        slug: p.slug,
        title: p.title.map(|t| t.value),
        description: p.description.map(|t| t.value),
        order: p.order.unwrap_or(0),
        body: p.body,
    }
}

/// A district of validated editions; each edition, with the file it was read from, is added to
/// `validated` for the site-wide id checks.
fn district<'s>(
    source: &'s DistrictSource,
    config: &Config,
    opts: &Options,
    validated: &mut Vec<(&'s FileRef, Arc<Built>)>,
    diags: &mut Vec<Diagnostic>,
    (cache, texts): (&EditionCache, &Interner),
) -> District {
    let slug = source.path.rsplit('/').next().unwrap_or(&source.path).to_owned();
    check_district_slug(source, &slug, diags);
    let meta = source.meta.as_ref();
    let mut editions = Vec::with_capacity(source.editions.len());
    let key = (config.phone_region, opts.today());
    for e in &source.editions {
        if opts.as_of.is_some_and(|d| e.date > d) {
            continue;
        }
        if e.date > key.1 {
            diags.push(scheduled(e, key.1));
            continue;
        }
        let built = match cache.lookup(e, key) {
            Some(b) => b,
            None => {
                let b = Arc::new(build_edition(e, config, key.1, texts));
                cache.store(e, key, b.clone());
                b
            }
        };
        diags.extend(built.diags.iter().cloned());
        editions.push(built.edition.clone());
        validated.push((&e.file, built));
    }
    District {
        path: source.path.clone(),
        name: meta.and_then(|m| m.name.as_ref()).map_or_else(|| slug.clone(), |t| t.value.clone()),
        slug,
        kind: meta.and_then(|m| m.kind.as_ref()).map(|t| t.value.clone()),
        order: meta.and_then(|m| m.order.as_ref()).map_or(0, |o| o.0),
        intro: meta.and_then(|m| m.intro.as_ref()).map(|t| t.value.clone()),
        parent: None,
        children: Vec::new(),
        depth: source.path.matches('/').count(),
        editions,
        rounds: Vec::new(),
        reports: Vec::new(),
    }
}

fn check_district_slug(source: &DistrictSource, slug: &str, diags: &mut Vec<Diagnostic>) {
    let folder = format!("content/{}/", source.path);
    if !is_slug(slug) {
        diags.push(
            Diagnostic::error(folder, format!("district folder name `{slug}` is not a slug"))
                .with_help("a district folder is named with lowercase letters a-z, digits and `-` (it becomes the URL), e.g. `dongpo`; the display name goes in district.toml"),
        );
    } else if crate::source::reader::parse_date(slug).is_some() || slug == "changes" {
        diags.push(
            Diagnostic::error(folder, format!("district folder name `{slug}` is taken by the district's own pages"))
                .with_help(
                    "a date or `changes` below a district is an archive or change-log page; choose another folder name",
                ),
        );
    } else if !source.path.contains('/') && RESERVED.contains(&slug) {
        diags.push(
            Diagnostic::error(folder, format!("district folder name `{slug}` is reserved"))
                .with_help(format!("these top-level names are used by the site itself: {}", RESERVED.join(", "))),
        );
    }
}

/// The note for an edition dated after today: 已排期, not published until its date.
fn scheduled(e: &EditionSource, today: NaiveDate) -> Diagnostic {
    Diagnostic::note(
        e.file.path.clone(),
        format!("scheduled (已排期): takes effect on {}, so it is not published yet (today is {today})", e.date),
    )
    .with_help(format!(
        "it is published by the first build on or after {}; to publish it now, as prepared, build with --today {}",
        e.date, e.date
    ))
}

fn build_edition(source: &EditionSource, config: &Config, today: NaiveDate, texts: &Interner) -> Built {
    let file = &source.file;
    let mut diags = Vec::new();
    let mut uses = Vec::new();
    let mut bodies = Vec::with_capacity(source.bodies.len());
    let mut seen: FxHashMap<super::Text, std::ops::Range<usize>> = FxHashMap::default();
    for b in &source.bodies {
        let mut members = Vec::with_capacity(b.members.len());
        for m in &b.members {
            let Some((member, id_use)) = member(file, m, config, today, texts, &mut diags) else {
                continue;
            };
            uses.push(id_use);
            let at = m.id.as_ref().map_or_else(|| m.span.clone(), |t| t.span.clone());
            if let Some(first) = seen.get(&member.id) {
                let (line, _) = file.line_col(first.start);
                diags.push(
                    Diagnostic::at(file, at, format!("person `{}` appears twice in this edition", member.id))
                        .with_label(format!("first listed on line {line}"))
                        .with_help("list a person once per edition and write all their posts in `post` (e.g. \"区委副书记、区长\"); two different people with the same name need distinct `id`s"),
                );
            } else {
                seen.insert(member.id.clone(), at);
            }
            members.push(Arc::new(member));
        }
        if b.members.is_empty() {
            diags.push(
                Diagnostic::at(file, b.span.clone(), "body has no members")
                    .as_warning()
                    .with_help("add [[body.member]] entries below it, or remove the [[body]]"),
            );
        }
        bodies.push(Body { name: texts.get(b.name.as_ref().map_or("", |t| &t.value)), members });
    }
    if let Some(first) = source.bodies.first()
        && source.bodies.iter().all(|b| b.members.is_empty())
    {
        diags
            .push(Diagnostic::at(file, first.span.clone(), "edition has no members").with_help(
                "an edition is the district's whole roster on that date: list at least one [[body.member]]",
            ));
    }
    let edition = Edition {
        date: source.date,
        reason: source.reason.as_ref().map(|t| t.value.clone()),
        source: source.source.as_ref().map(|t| t.value.clone()),
        note: source.note.as_ref().map(|t| t.value.clone()),
        bodies,
        file: file.path.clone(),
    };
    Built { edition: Arc::new(edition), uses, diags }
}

fn member(
    file: &FileRef,
    m: &MemberSource,
    config: &Config,
    today: NaiveDate,
    texts: &Interner,
    diags: &mut Vec<Diagnostic>,
) -> Option<(Member, IdUse)> {
    let name = m.name.as_ref()?;
    let post = m.post.as_ref()?;
    let id = match &m.id {
        Some(t) if is_slug(&t.value) => t.value.clone(),
        Some(t) => {
            diags.push(
                Diagnostic::at(file, t.span.clone(), format!("id `{}` is not a slug", t.value))
                    .with_label("expected lowercase a-z, 0-9 and `-`")
                    .with_help(format!("use e.g. id = \"{}\"", id::derive(&name.value))),
            );
            return None;
        }
        None => {
            let derived = id::derive(&name.value);
            // The id is a folder name (people/<id>/): keep it well under any file system's limit.
            if derived.len() > crate::source::chars::MAX_LABEL_CHARS {
                diags.push(
                    Diagnostic::at(
                        file,
                        name.span.clone(),
                        format!("the id derived from this name is {} characters long", derived.len()),
                    )
                    .with_label("too long for a page address")
                    .with_help(format!(
                        "give the member an explicit `id` of at most {} characters",
                        crate::source::chars::MAX_LABEL_CHARS
                    )),
                );
                return None;
            }
            derived
        }
    };
    let id_use = IdUse {
        id: id.clone(),
        name: name.value.clone(),
        name_span: name.span.clone(),
        id_span: m.id.as_ref().map(|t| t.span.clone()),
    };
    let phone = |t: &Option<Text>, field: &str, diags: &mut Vec<Diagnostic>| -> Option<Phone> {
        let t = t.as_ref()?;
        match Phone::parse(&t.value, config.phone_region) {
            Ok(p) => Some(p),
            Err(why) => {
                let help = format!(
                    "write one number as dialled in {:?}, e.g. \"139 0000 0001\" or \"028-3812 0001\", or with a country code \"+86 …\"",
                    config.phone_region
                );
                let d = if is_private(m, config, field) {
                    // The field and the problem, never the number (see `Diagnostic::private`).
                    Diagnostic::at(file, t.span.clone(), format!("`{field}` is not a phone number"))
                        .with_label(why)
                        .with_private(t.value.clone())
                } else {
                    Diagnostic::at(file, t.span.clone(), format!("`{field}` is not a phone number: `{}`", t.value))
                        .with_label(why)
                };
                diags.push(d.with_help(help));
                None
            }
        }
    };
    let mobile = phone(&m.mobile, "mobile", diags);
    let office_phone = phone(&m.office_phone, "office_phone", diags);
    if let Some((date, span)) = &m.verified
        && *date > today
    {
        diags.push(
            Diagnostic::at(file, span.clone(), format!("`verified` is in the future: {date}"))
                .with_label(format!("after today, {today}"))
                .with_help("write the date the numbers were last confirmed to work"),
        );
    }
    let text = |t: &Option<Text>| t.as_ref().map(|t| texts.get(&t.value));
    let member = Member {
        id: texts.get(&id),
        name: texts.get(&name.value),
        post: texts.get(&post.value),
        duties: text(&m.duties),
        mobile,
        office_phone,
        office: text(&m.office),
        hours: text(&m.hours),
        verified: m.verified.as_ref().map(|v| v.0),
        private: private_fields(file, &m.private, diags),
    };
    Some((member, id_use))
}

/// Whether `field` of `m` is never published: listed in its `private`, or in no channel's
/// policy. Diagnostics about such a field do not print its value.
fn is_private(m: &MemberSource, config: &Config, field: &str) -> bool {
    let Some(f) = Field::from_name(field) else { return false };
    m.private.iter().any(|t| t.value == field) || !config.publish.publishes(f)
}

/// Today: the date of `SOURCE_DATE_EPOCH` (seconds since 1970, for reproducible builds) when
/// it is set, else the system's local date.
/// (`roster` refuses to start when it is set to something else: see [`source_date_epoch`].)
pub(crate) fn today() -> NaiveDate {
    source_date_epoch().ok().flatten().unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// The date of `SOURCE_DATE_EPOCH`: `None` when it is not set, an error naming the value when
/// it is not a number of seconds since 1970, so that a typo never turns into the system date.
pub(crate) fn source_date_epoch() -> Result<Option<NaiveDate>, String> {
    let Some(value) = std::env::var_os("SOURCE_DATE_EPOCH") else { return Ok(None) };
    let text = value.to_string_lossy();
    text.trim()
        .parse::<i64>()
        .ok()
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .map(|t| Some(t.date_naive()))
        .ok_or_else(|| format!("SOURCE_DATE_EPOCH = {text:?} is not a number of seconds since 1970-01-01"))
}

fn private_fields(file: &FileRef, list: &[Text], diags: &mut Vec<Diagnostic>) -> FieldSet {
    let mut set = FieldSet::EMPTY;
    for item in list {
        match Field::from_name(&item.value) {
            Some(f) if f.is_identity() => diags.push(
                Diagnostic::at(file, item.span.clone(), format!("`{f}` cannot be private"))
                    .with_help("name and post identify the entry; leave the person out of the edition instead"),
            ),
            Some(f) => set.insert(f),
            None => {
                let mut d =
                    Diagnostic::at(file, item.span.clone(), format!("unknown field `{}` in `private`", item.value));
                if let Some(hint) = did_you_mean(&item.value, &Field::NAMES) {
                    d = d.with_label(format!("did you mean `{hint}`?"));
                }
                diags.push(d.with_help("private fields are: duties, office_phone, mobile, office, hours"));
            }
        }
    }
    set
}

/// Checks that each person id names one person across the site, in the order of `validated`
/// (districts, then editions by date): the first sighting of an id is the one others are
/// compared with.
fn register_ids(validated: &[(&FileRef, Arc<Built>)], diags: &mut Vec<Diagnostic>) {
    let uses: usize = validated.iter().map(|(_, b)| b.uses.len()).sum();
    let mut ids = IdRegistry { seen: FxHashMap::with_capacity_and_hasher(uses, Default::default()) };
    for (file, built) in validated {
        for u in &built.uses {
            ids.register(file, u, diags);
        }
    }
}

/// The first sighting of each person id, borrowed from the validated editions, to keep one
/// name per id.
struct IdRegistry<'a> {
    seen: FxHashMap<&'a str, Sighting<'a>>,
}

struct Sighting<'a> {
    name: &'a str,
    file: &'a FileRef,
    /// Where the name is; its line is worked out only for a diagnostic.
    at: usize,
    explicit: bool,
}

impl<'a> IdRegistry<'a> {
    fn register(&mut self, file: &'a FileRef, u: &'a IdUse, diags: &mut Vec<Diagnostic>) {
        let explicit = u.id_span.is_some();
        let Some(first) = self.seen.get(u.id.as_str()) else {
            let sighting = Sighting { name: &u.name, file, at: u.name_span.start, explicit };
            self.seen.insert(&u.id, sighting);
            return;
        };
        if first.name == u.name {
            return;
        }
        let span = u.id_span.clone().unwrap_or_else(|| u.name_span.clone());
        let place = format!("{}:{}", first.file.path, first.file.line_col(first.at).0);
        let id = &u.id;
        if explicit && first.explicit {
            diags.push(
                Diagnostic::at(file, span, format!("id `{id}` is named `{}` here but `{}` at {place}", u.name, first.name))
                    .as_warning()
                    .with_help("if this is a correction of the name, fix the older edition too; if these are two people, give them different ids"),
            );
        } else {
            diags.push(
                Diagnostic::at(
                    file,
                    span,
                    format!("`{}` and `{}` ({place}) get the same person id `{id}`", u.name, first.name),
                )
                .with_label("id collision")
                .with_help(format!("give each of them an explicit `id`, e.g. id = \"{id}-2\"")),
            );
        }
    }
}

/// Links parents and children, drops districts that do not exist as of the date, and puts
/// districts in display order (pre-order; siblings by `order`, then slug).
fn arrange(districts: Vec<District>, sources: &[DistrictSource], diags: &mut Vec<Diagnostic>) -> Vec<District> {
    let parents: Vec<Option<usize>> = {
        let by_path: HashMap<&str, usize> = districts.iter().enumerate().map(|(i, d)| (d.path.as_str(), i)).collect();
        districts.iter().map(|d| d.path.rsplit_once('/').and_then(|(parent, _)| by_path.get(parent).copied())).collect()
    };
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); districts.len()];
    let mut roots = Vec::new();
    for (i, parent) in parents.iter().enumerate() {
        match parent {
            Some(p) => children[*p].push(i),
            None => roots.push(i),
        }
    }
    // A district exists when it, or a district below it, has an edition. Sources are sorted
    // by path, so children come after their parent: walk backwards.
    let mut exists = vec![false; districts.len()];
    for i in (0..districts.len()).rev() {
        exists[i] = !districts[i].editions.is_empty() || children[i].iter().any(|c| exists[*c]);
    }
    for (i, source) in sources.iter().enumerate() {
        if let Some(meta) = &source.meta
            && source.edition_files == 0
            && children[i].is_empty()
        {
            diags.push(
                Diagnostic::error(meta.file.path.clone(), format!("district `{}` has no editions", source.path))
                    .with_help(
                        "add the roster as an edition file named after the date it takes effect, e.g. 2022-02-08.toml",
                    ),
            );
        }
    }
    let key = |i: &usize| (districts[*i].order, districts[*i].slug.clone());
    roots.sort_by_key(key);
    for c in &mut children {
        c.sort_by_key(key);
    }
    let mut order = Vec::with_capacity(districts.len());
    let mut stack: Vec<usize> = roots.into_iter().rev().collect();
    while let Some(i) = stack.pop() {
        // Editions after `--as-of` or today are left out: a district with none left is too.
        if !exists[i] {
            continue;
        }
        order.push(i);
        stack.extend(children[i].iter().rev());
    }
    let mut new_index = vec![None; districts.len()];
    for (n, old) in order.iter().enumerate() {
        new_index[*old] = Some(n);
    }
    let mut slots: Vec<Option<District>> = districts.into_iter().map(Some).collect();
    let mut out = Vec::with_capacity(order.len());
    for old in &order {
        let Some(mut d) = slots[*old].take() else {
            continue;
        };
        d.parent = parents[*old].and_then(|p| new_index[p]);
        d.children = children[*old].iter().filter_map(|c| new_index[*c]).collect();
        out.push(d);
    }
    out
}

fn index_people(districts: &[District]) -> BTreeMap<super::Text, Person> {
    // By id, with the date of the appearance that named the person; then sorted once.
    let mut people: FxHashMap<&str, (Person, NaiveDate)> = FxHashMap::default();
    for (di, d) in districts.iter().enumerate() {
        for (ei, e) in d.editions.iter().enumerate() {
            for (bi, b) in e.bodies.iter().enumerate() {
                for (mi, m) in b.members.iter().enumerate() {
                    let (person, newest) = people.entry(&m.id).or_insert_with(|| {
                        (Person { id: m.id.clone(), name: m.name.clone(), appearances: Vec::new() }, e.date)
                    });
                    person.appearances.push(Appearance { district: di, edition: ei, body: bi, member: mi });
                    if e.date >= *newest {
                        *newest = e.date;
                        person.name = m.name.clone();
                    }
                }
            }
        }
    }
    people.into_values().map(|(p, _)| (p.id.clone(), p)).collect()
}
