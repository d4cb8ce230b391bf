//! What templates see: plain serialisable records built from the (redacted) roster.
//!
//! The member views of an edition are built once per build ([`Views`]) and borrowed by every
//! page that shows the edition: the district page, its archive page and each person page. A
//! member written the same way in the edition before shares that edition's view, so the
//! Markdown of unchanged duties is rendered once across a district's history.

use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::html::Html;
use super::verify::Mark;
use super::{links, markdown};
use crate::model::{Appearance, District, Edition, Field, FieldSet, Member, Phone, Roster};

/// Which optional parts of the site exist, for the navigation.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Features {
    pub search: bool,
    pub changes: bool,
    pub print: bool,
    pub pdf: bool,
    pub data: bool,
    /// The site has call-check rounds (the `/checks/` page).
    pub checks: bool,
}

#[derive(Debug, Serialize)]
pub struct Link {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: Option<String>,
    pub base_url: String,
    /// Date of the newest edition.
    pub latest: Option<String>,
    pub pages: Vec<Link>,
    pub features: Features,
    pub feedback: FeedbackView,
}

impl SiteView {
    pub fn new(roster: &Roster, features: Features) -> Self {
        let c = &roster.config;
        SiteView {
            title: c.title.clone(),
            description: c.description.clone(),
            base_url: c.base_url.clone(),
            latest: roster.latest_date().map(|d| d.to_string()),
            pages: roster
                .pages
                .iter()
                .map(|p| Link { name: p.title.clone().unwrap_or_else(|| p.slug.clone()), url: links::page(&p.slug) })
                .collect(),
            features,
            feedback: FeedbackView {
                phone: c.feedback.phone.clone(),
                tel: c.feedback.phone.as_ref().map(|p| p.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect()),
                url: c.feedback.url.clone(),
            },
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PhoneView {
    pub e164: String,
    pub national: String,
    /// 待核实 or a failed call, on the current edition only.
    pub mark: Option<Mark>,
    /// The 号码有误？ link (`[feedback] report_url`), on the current edition only.
    pub report: Option<String>,
}

impl From<&Phone> for PhoneView {
    fn from(p: &Phone) -> Self {
        PhoneView { e164: p.e164.clone(), national: p.national.clone(), mark: None, report: None }
    }
}

/// `[feedback]` as pages show it.
#[derive(Debug, Default, Serialize)]
pub struct FeedbackView {
    pub phone: Option<String>,
    /// The phone as a `tel:` URI: its digits (and a leading `+`).
    pub tel: Option<String>,
    pub url: Option<String>,
}

/// `template` with `{id}`, `{field}` and `{district}` filled in, URL-encoded.
pub fn report_url(template: &str, id: &str, field: Field, district: &str) -> String {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    template
        .replace("{id}", &utf8_percent_encode(id, NON_ALPHANUMERIC).to_string())
        .replace("{field}", field.as_str())
        .replace("{district}", &utf8_percent_encode(district, NON_ALPHANUMERIC).to_string())
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberView {
    pub id: String,
    pub name: String,
    pub post: String,
    pub duties: Option<Html>,
    pub office_phone: Option<PhoneView>,
    pub mobile: Option<PhoneView>,
    pub office: Option<String>,
    pub hours: Option<String>,
    pub verified: Option<String>,
    /// Link to the person page, from the root.
    pub url: String,
}

impl MemberView {
    pub fn new(m: &Member) -> Self {
        MemberView {
            id: m.id.clone(),
            name: m.name.clone(),
            post: m.post.clone(),
            duties: m.duties.as_deref().map(markdown::inline),
            office_phone: m.office_phone.as_ref().map(PhoneView::from),
            mobile: m.mobile.as_ref().map(PhoneView::from),
            office: m.office.clone(),
            hours: m.hours.clone(),
            verified: m.verified.map(|d| d.to_string()),
            url: links::person(&m.id),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct BodyView<'a> {
    pub name: &'a str,
    pub members: &'a [Arc<MemberView>],
}

#[derive(Debug, Serialize)]
pub struct EditionView<'a> {
    pub date: String,
    /// The date the next edition replaced it.
    pub until: Option<String>,
    pub reason: Option<&'a str>,
    pub source: Option<&'a str>,
    pub note: Option<Html>,
    pub last_verified: Option<String>,
    pub bodies: Vec<BodyView<'a>>,
    pub url: String,
}

impl<'a> EditionView<'a> {
    pub fn new(path: &str, e: &'a Edition, next: Option<NaiveDate>, members: &'a [Vec<Arc<MemberView>>]) -> Self {
        EditionView {
            date: e.date.to_string(),
            until: next.map(|d| d.to_string()),
            reason: e.reason.as_deref(),
            source: e.source.as_deref(),
            note: e.note.as_deref().map(markdown::block),
            // From the views: on the current edition they count answered call checks too.
            last_verified: members.iter().flatten().filter_map(|m| m.verified.clone()).max(),
            bodies: e.bodies.iter().zip(members).map(|(b, m)| BodyView { name: &b.name, members: m }).collect(),
            url: links::edition(path, e.date),
        }
    }
}

/// Which optional columns a roster table has: allowed by the policy and filled for someone.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Columns {
    pub duties: bool,
    pub office_phone: bool,
    pub mobile: bool,
    pub office: bool,
    pub hours: bool,
}

impl Columns {
    pub fn for_edition(e: &Edition, allowed: FieldSet) -> Self {
        let has = |f: Field| allowed.contains(f) && e.members().any(|(_, m)| m.get(f).is_some());
        Columns {
            duties: has(Field::Duties),
            office_phone: has(Field::OfficePhone),
            mobile: has(Field::Mobile),
            office: has(Field::Office),
            hours: has(Field::Hours),
        }
    }
}

/// The member views of one edition, body by body.
pub type EditionMembers = Vec<Vec<Arc<MemberView>>>;

/// The member views of every edition of every district, each district's made on first use.
pub struct Views<'a> {
    roster: &'a Roster,
    allowed: FieldSet,
    labels: &'a std::collections::BTreeMap<String, String>,
    districts: Vec<OnceLock<Vec<EditionMembers>>>,
}

impl<'a> Views<'a> {
    pub fn new(
        roster: &'a Roster,
        allowed: FieldSet,
        labels: &'a std::collections::BTreeMap<String, String>,
    ) -> Views<'a> {
        Views { roster, allowed, labels, districts: roster.districts.iter().map(|_| OnceLock::new()).collect() }
    }

    /// The views of edition `e` of district `d`.
    pub fn edition(&self, d: usize, e: usize) -> &EditionMembers {
        &self.districts[d].get_or_init(|| {
            let district = &self.roster.districts[d];
            let mut views = district_views(&district.editions);
            if let (Some(current), Some(edition)) = (views.last_mut(), district.current()) {
                self.mark(district, edition, current);
            }
            views
        })[e]
    }

    /// Marks the stale and failed numbers of the current edition: a member with one gets a
    /// view of its own, the others keep the shared one.
    fn mark(&self, district: &District, edition: &Edition, views: &mut EditionMembers) {
        let policy = self.roster.verify;
        for (body, body_views) in edition.bodies.iter().zip(views.iter_mut()) {
            for (m, view) in body.members.iter().zip(body_views.iter_mut()) {
                let state = |field: Field| {
                    self.allowed.contains(field).then(|| district.number_state(m, field, policy)).flatten()
                };
                let [office_state, mobile_state] = crate::model::verify::NUMBERS.map(state);
                let mark =
                    |s: &Option<crate::model::verify::NumberState>| s.as_ref().and_then(|s| Mark::of(s, self.labels));
                let (office, mobile) = (mark(&office_state), mark(&mobile_state));
                // Shown under the name: the last day one of its numbers was verified.
                let verified = [office_state, mobile_state]
                    .iter()
                    .filter_map(|s| s.and_then(|s| s.verified))
                    .max()
                    .max(m.verified)
                    .map(|d| d.to_string());
                let report = self.roster.config.feedback.report_url.as_deref();
                if office.is_none() && mobile.is_none() && verified == view.verified && report.is_none() {
                    continue;
                }
                let mut own = MemberView::clone(view);
                own.verified = verified;
                let link = |field| report.map(|t| report_url(t, &m.id, field, &district.path));
                if let Some(p) = own.office_phone.as_mut() {
                    p.mark = office;
                    p.report = link(Field::OfficePhone);
                }
                if let Some(p) = own.mobile.as_mut() {
                    p.mark = mobile;
                    p.report = link(Field::Mobile);
                }
                *view = Arc::new(own);
            }
        }
    }

    pub fn member(&self, a: Appearance) -> &MemberView {
        &self.edition(a.district, a.edition)[a.body][a.member]
    }
}

/// A district's member views, edition by edition: a member equal to the one of the same id in
/// the edition before reuses its view.
fn district_views(editions: &[Arc<Edition>]) -> Vec<EditionMembers> {
    let mut out: Vec<EditionMembers> = Vec::with_capacity(editions.len());
    for (i, e) in editions.iter().enumerate() {
        let before: FxHashMap<&str, (&Member, &Arc<MemberView>)> = match i.checked_sub(1) {
            Some(p) => editions[p]
                .bodies
                .iter()
                .zip(&out[p])
                .flat_map(|(b, views)| b.members.iter().zip(views))
                .map(|(m, v)| (m.id.as_str(), (m, v)))
                .collect(),
            None => FxHashMap::default(),
        };
        let views = e
            .bodies
            .iter()
            .map(|b| {
                b.members
                    .iter()
                    .map(|m| match before.get(m.id.as_str()) {
                        Some((old, view)) if *old == m => Arc::clone(view),
                        _ => Arc::new(MemberView::new(m)),
                    })
                    .collect()
            })
            .collect();
        out.push(views);
    }
    out
}

/// Breadcrumbs from the top district down to `index`.
pub fn crumbs(r: &Roster, index: usize) -> Vec<Link> {
    r.ancestors(index)
        .into_iter()
        .map(|i| Link { name: r.districts[i].name.clone(), url: links::district(&r.districts[i].path) })
        .collect()
}
